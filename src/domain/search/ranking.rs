//! Which matches a caller gets, and in which order: the query's filters checked on each
//! match, the best ones kept, scored as if one index held every language.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use super::documents::{Group, SegmentTable};
use crate::domain::fixtures::Id;
use crate::domain::language::Lang;

/// One search: what to look for and who is looking.
#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub lang: Lang,
    /// The widget's categories; an article outside them never matches.
    pub categories: &'a [Id],
    /// The caller's access tokens (see `access::search_tokens`).
    pub access: &'a [String],
    pub offset: usize,
    pub limit: usize,
    /// Drafts match too (the agent API's search; the widget never finds them).
    pub drafts: bool,
}

impl SearchQuery<'_> {
    /// May the caller get documents of this group?
    pub(super) fn allows(&self, group: &Group) -> bool {
        (group.published || self.drafts)
            && self.categories.contains(&group.category)
            && group.access.iter().any(|token| self.access.contains(token))
    }
}
/// Where a match ranks: a better score first, then the earlier document in the fixtures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rank {
    score: Score,
    seq: u64,
}

impl Eq for Rank {}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rank {
    /// Greater is better.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.seq.cmp(&self.seq))
    }
}

/// Collects the best `wanted` matches that the caller may see: published, in one of the
/// widget's categories, and with one of the caller's access tokens. Checking the match's
/// [`Group`] costs one array lookup, far less than joining the text query with posting
/// lists for these: at 100,000 articles a widget's dozens of categories made unions that
/// took longer than the rest of a search. The filters add nothing to the score, so the
/// ranking is the text query's, ties broken by fixture order.
pub(super) struct Ranked<'a> {
    pub(super) tables: &'a [Arc<SegmentTable>],
    pub(super) wanted: usize,
    /// By group number: may the caller get documents of this group?
    pub(super) allowed: Arc<Vec<bool>>,
}

/// [`Ranked`] in one segment: the best matches so far, the worst on top of the heap.
pub(super) struct RankedSegment {
    table: Arc<SegmentTable>,
    wanted: usize,
    allowed: Arc<Vec<bool>>,
    best: BinaryHeap<Reverse<(Rank, DocId)>>,
}

impl Collector for Ranked<'_> {
    type Fruit = Vec<(Rank, Id)>;
    type Child = RankedSegment;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<RankedSegment> {
        Ok(RankedSegment {
            table: SegmentTable::of(segment, self.tables)?,
            wanted: self.wanted,
            allowed: self.allowed.clone(),
            best: BinaryHeap::with_capacity(self.wanted + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Rank, Id)>>) -> tantivy::Result<Vec<(Rank, Id)>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for RankedSegment {
    type Fruit = Vec<(Rank, Id)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        // Once the heap is full, most matches score below its worst: they are turned away
        // on the score alone, before reading their group and fixture order (two loads per
        // match that missed the cache: 81% of this function's samples at 100,000 articles).
        // A match that ties the worst score may still rank above it (earlier in the
        // fixtures), so only a lower score is turned away here.
        if self.best.len() >= self.wanted
            && self
                .best
                .peek()
                .is_some_and(|Reverse((worst, _))| score.total_cmp(&worst.score).is_lt())
        {
            return;
        }
        let doc_index = doc as usize;
        let group = self.table.group.get(doc_index).copied().unwrap_or(u32::MAX);
        if !self.allowed.get(group as usize).copied().unwrap_or(false) {
            return;
        }
        let rank = Rank {
            score,
            seq: self.table.seq[doc_index],
        };
        if self.best.len() < self.wanted {
            self.best.push(Reverse((rank, doc)));
        } else if self
            .best
            .peek()
            .is_some_and(|Reverse((worst, _))| rank > *worst)
        {
            self.best.pop();
            self.best.push(Reverse((rank, doc)));
        }
    }

    fn harvest(self) -> Vec<(Rank, Id)> {
        self.best
            .into_iter()
            .map(|Reverse((rank, doc))| (rank, self.table.article[doc as usize]))
            .collect()
    }
}
/// BM25's statistics for one language's index as if it held every language: the
/// language's own term and token counts, and the document count of all languages.
///
/// A term's document frequency counts the documents an edit replaced until their segment
/// is merged, as tantivy's own document count (`max_doc`) does; so the count given here adds
/// this language's replaced documents, and is never below what this index itself holds
/// (a search racing an edit may see the new documents before the new total). BM25 asserts
/// that no term is in more documents than the count: below it, a search would panic.
pub(super) struct AllLanguages<'a> {
    pub(super) searcher: &'a Searcher,
    pub(super) total_docs: u64,
}

impl Bm25StatisticsProvider for AllLanguages<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_tokens(self.searcher, field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        let held = Bm25StatisticsProvider::total_num_docs(self.searcher)?;
        let replaced = held.saturating_sub(self.searcher.num_docs());
        Ok((self.total_docs + replaced).max(held))
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::doc_freq(self.searcher, term)
    }
}
