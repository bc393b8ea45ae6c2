//! What one generation of a language's index remembers between searches: each term's BM25
//! weight and each typed prefix's documents, so that a search whose words were searched
//! before (on another page, by another caller, as part of a longer query) neither reads
//! their statistics nor walks the term dictionary again; and each searched text's query
//! and weight, so that a text searched again (another page, another caller) builds no
//! query tree at all.
//!
//! A [`Memory`] belongs to one searcher (one `View` of a language's index, which an edit
//! replaces whole with a fresh memory), so what it holds never outlives the postings and
//! document counts it was computed from. The one figure a searcher does not fix is BM25's
//! document count, which spans languages (see `ranking::AllLanguages`): the weights are
//! kept for one document count, and forgotten when a search brings another.

use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::query::{Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{BitSet, DocId, Score, SeekDangerResult, SegmentReader, Term};

/// Terms whose weights one memory keeps (a weight takes about 1.5 kB, its table of norms
/// most of it); a memory that is full makes the weights of further terms every time, as
/// without it.
const MAX_WEIGHTS: usize = 4_000;
/// Words whose analysis one memory keeps.
const MAX_WORDS: usize = 20_000;
/// Texts whose query one memory keeps (a query and its weight take 1–3 kB, the term
/// weights they share apart); a memory that is full builds the queries of further texts
/// every time, as without it.
const MAX_TREES: usize = 1_024;
/// Bytes of prefix documents one memory keeps (a segment's set of documents takes one bit
/// per document: 4 kB for 32,000).
const MAX_PREFIX_BYTES: usize = 4 << 20;

/// Term weights, prefix documents and analysed words of one searcher, shared by its
/// searches.
#[derive(Default)]
pub(super) struct Memory {
    weights: RwLock<Weights>,
    prefixes: RwLock<Prefixes>,
    words: RwLock<FxHashMap<Box<str>, Word>>,
    /// Each text's query: `None` for a text without a searchable word.
    trees: RwLock<FxHashMap<Box<str>, Option<Arc<Tree>>>>,
}

/// One text's query, and its weight once a search has made it. The query's parts hold
/// the memory only weakly, so that a memory holding them is not kept alive by them.
pub(super) struct Tree {
    query: Box<dyn Query>,
    /// BM25's document count the weight was made with, and the weight.
    weight: RwLock<Option<(u64, Arc<dyn Weight>)>>,
}

impl Tree {
    pub(super) fn new(query: Box<dyn Query>) -> Tree {
        Tree {
            query,
            weight: RwLock::new(None),
        }
    }

    pub(super) fn query(&self) -> &dyn Query {
        &*self.query
    }

    /// The query's weight for a search whose BM25 document count is `docs`, as `make`
    /// makes it (everything else it reads is fixed for the searcher).
    pub(super) fn weight(
        &self,
        docs: u64,
        make: impl FnOnce() -> tantivy::Result<Box<dyn Weight>>,
    ) -> tantivy::Result<Arc<dyn Weight>> {
        if let Some((made_for, weight)) = &*self.weight.read().unwrap_or_else(|e| e.into_inner()) {
            if *made_for == docs {
                return Ok(weight.clone());
            }
        }
        let weight: Arc<dyn Weight> = Arc::from(make()?);
        *self.weight.write().unwrap_or_else(|e| e.into_inner()) = Some((docs, weight.clone()));
        Ok(weight)
    }
}

/// What a query makes of one word of its text.
#[derive(Debug, Clone)]
pub(super) struct Word {
    /// The term it is searched as: `None` for a stop word or an over-long word.
    pub(super) term: Option<String>,
    /// As typed, for matching as a prefix: lower case, accents folded, not stemmed.
    pub(super) typed: Option<String>,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Weights {
    /// BM25's document count the weights were computed with.
    docs: u64,
    by_term: FxHashMap<Term, Arc<dyn Weight>>,
}

#[derive(Default)]
struct Prefixes {
    bytes: usize,
    docs: FxHashMap<(SegmentId, Field, Arc<[u8]>), BitSet>,
}

impl Memory {
    /// A fresh memory, for a new searcher.
    pub(super) fn new() -> Arc<Memory> {
        Arc::default()
    }

    /// The weight of one term's query, as `make` makes it for a search whose BM25
    /// document count is `docs` (everything else it reads is fixed for the searcher).
    pub(super) fn weight(
        &self,
        term: &Term,
        docs: u64,
        make: impl FnOnce() -> tantivy::Result<Box<dyn Weight>>,
    ) -> tantivy::Result<Arc<dyn Weight>> {
        {
            let weights = self.weights.read().unwrap_or_else(|e| e.into_inner());
            if weights.docs == docs {
                if let Some(weight) = weights.by_term.get(term) {
                    return Ok(weight.clone());
                }
            }
        }
        let weight: Arc<dyn Weight> = Arc::from(make()?);
        let mut weights = self.weights.write().unwrap_or_else(|e| e.into_inner());
        if weights.docs != docs {
            weights.docs = docs;
            weights.by_term.clear();
        }
        if weights.by_term.len() < MAX_WEIGHTS {
            weights.by_term.insert(term.clone(), weight.clone());
        }
        Ok(weight)
    }

    /// What `analyse` makes of one word (the analysis does not depend on the index: it is
    /// only kept here to be forgotten with it).
    pub(super) fn word(&self, word: &str, analyse: impl FnOnce(&str) -> Word) -> Word {
        if let Some(known) = self
            .words
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(word)
        {
            return known.clone();
        }
        let analysed = analyse(word);
        let mut words = self.words.write().unwrap_or_else(|e| e.into_inner());
        if words.len() < MAX_WORDS {
            words.insert(word.into(), analysed.clone());
        }
        analysed
    }

    /// The query of `text`, as `build` builds it (`None`: the text has no searchable
    /// word).
    pub(super) fn tree(
        &self,
        text: &str,
        build: impl FnOnce() -> Option<Box<dyn Query>>,
    ) -> Option<Arc<Tree>> {
        if let Some(known) = self
            .trees
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(text)
        {
            return known.clone();
        }
        let tree = build().map(|query| Arc::new(Tree::new(query)));
        let mut trees = self.trees.write().unwrap_or_else(|e| e.into_inner());
        if trees.len() < MAX_TREES {
            trees.insert(text.into(), tree.clone());
        }
        tree
    }

    /// The documents of one segment holding a term of `field` that starts with `prefix`,
    /// as `read` finds them (postings never change in a segment, deletions are applied
    /// after).
    pub(super) fn prefix_docs(
        &self,
        segment: SegmentId,
        field: Field,
        prefix: &Arc<[u8]>,
        read: impl FnOnce() -> tantivy::Result<BitSet>,
    ) -> tantivy::Result<BitSet> {
        let key = (segment, field, prefix.clone());
        if let Some(docs) = self
            .prefixes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .docs
            .get(&key)
        {
            return Ok(docs.clone());
        }
        let docs = read()?;
        let bytes = docs.max_value() as usize / 8 + prefix.len() + 64;
        let mut prefixes = self.prefixes.write().unwrap_or_else(|e| e.into_inner());
        if prefixes.bytes + bytes <= MAX_PREFIX_BYTES && !prefixes.docs.contains_key(&key) {
            prefixes.bytes += bytes;
            prefixes.docs.insert(key, docs.clone());
        }
        Ok(docs)
    }
}

/// A remembered weight, lent to one search: every method is the weight's own.
pub(super) struct SharedWeight(pub(super) Arc<dyn Weight>);

impl Weight for SharedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        self.0.scorer_danger(reader, target, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.0.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.0.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.0.for_each_pruning(threshold, reader, callback)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;

    use super::super::queries::text_query;
    use super::super::ranking::AllLanguages;
    use super::super::{IndexEntry, SearchIndex};
    use super::*;
    use crate::domain::language::Lang;

    #[test]
    fn a_replaced_searchers_memory_is_freed_with_the_queries_it_remembers() {
        // Its queries hold the memory weakly: were they to hold it, every edit (a new
        // searcher, a new memory) would leave the old memory and its weights behind.
        let en = Lang::parse("en").unwrap();
        let tags = vec!["login".to_owned()];
        let entries = (0..20).map(|i| IndexEntry {
            article: i,
            lang: en,
            category: 1,
            published: true,
            access: vec!["anyone".to_owned()],
            title: "Reset your password",
            body: "password help".to_owned(),
            tags: &tags,
        });
        let index = SearchIndex::build(&[en], entries).unwrap();
        let lang_index = index.langs[&en].get().unwrap().as_ref().unwrap();
        let searcher = lang_index.reader.searcher();
        let memory = Memory::new();
        for text in ["password", "reset passw", "log", "the", "password"] {
            if let Some(query) = text_query(&lang_index.fields, &memory, text) {
                let statistics = AllLanguages {
                    searcher: &searcher,
                    total_docs: 20,
                };
                let top = TopDocs::with_limit(10).order_by_score();
                searcher
                    .search_with_statistics_provider(&*query, &top, &statistics)
                    .unwrap();
            }
        }
        assert_eq!(memory.trees.read().unwrap().len(), 4);
        let weak = Arc::downgrade(&memory);
        drop(memory);
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn remembered_weights_score_as_new_ones_whatever_the_document_count() {
        let en = Lang::parse("en").unwrap();
        let tags = vec!["login".to_owned()];
        let entries = (0..200).map(|i| IndexEntry {
            article: i,
            lang: en,
            category: 1,
            published: true,
            access: vec!["anyone".to_owned()],
            title: ["Reset your password", "Password policy", "Invoices"][(i % 3) as usize],
            body: format!(
                "password {}",
                ["help", "invoice", "export"][(i % 7 % 3) as usize]
            ),
            tags: if i % 4 == 0 { &tags } else { &[] },
        });
        let index = SearchIndex::build(&[en], entries).unwrap();
        let lang_index = index.langs[&en].get().unwrap().as_ref().unwrap();
        let searcher = lang_index.reader.searcher();
        let memory = Memory::new();
        let mut compared = 0;
        // The document count of every language changes (an edit in another language):
        // the weights made with the old count are not used with the new one.
        for total_docs in [200, 5_000, 200, 200, 90_000] {
            let statistics = AllLanguages {
                searcher: &searcher,
                total_docs,
            };
            for text in [
                "password",
                "passw",
                "reset password",
                "invoice help ",
                "log",
            ] {
                let scores = |memory: &Arc<Memory>| {
                    let query = text_query(&lang_index.fields, memory, text).unwrap();
                    let top = TopDocs::with_limit(1000).order_by_score();
                    searcher
                        .search_with_statistics_provider(&*query, &top, &statistics)
                        .unwrap()
                        .into_iter()
                        .map(|(score, doc)| (score.to_bits(), doc))
                        .collect::<Vec<_>>()
                };
                let remembered = scores(&memory);
                compared += remembered.len();
                assert_eq!(remembered, scores(&Memory::new()), "{total_docs}: {text}");
            }
        }
        assert!(compared > 1000, "{compared}");
    }
}
