//! A union of queries that scores exactly as tantivy's own, without its look-ahead window
//! on small segments.

use std::sync::Arc;

use tantivy::query::{
    AllScorer, BooleanWeight, EmptyScorer, EnableScoring, Explanation, Occur, Query, QueryClone,
    Scorer, SumCombiner, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Documents matching any of the queries, scored by the sum of their scores: what
/// `BooleanQuery::union` answers, to the bit, without its scorer's look-ahead window on
/// small segments. That window is two arrays of 4,096 entries allocated and cleared per
/// union per search, and a search has three unions or more (each word in three fields, the
/// last word also as a prefix): they were a quarter of a never-repeated search's
/// instructions on the bundled fixtures. On segments larger than the window, tantivy's own
/// union runs.
#[derive(Debug)]
pub(super) struct Union(pub(super) Vec<Box<dyn Query>>);

impl Clone for Union {
    fn clone(&self) -> Union {
        Union(self.0.iter().map(|query| query.box_clone()).collect())
    }
}

/// The documents tantivy's union looks ahead at (`HORIZON` in its `buffered_union.rs`).
const UNION_WINDOW: u32 = 4096;

impl Query for Union {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .0
            .iter()
            .map(|query| query.weight(scoring).map(Arc::from))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(UnionWeight(weights)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.0 {
            query.query_terms(visitor);
        }
    }
}

struct UnionWeight(Vec<Arc<dyn Weight>>);

/// A weight shared with tantivy's union.
struct Shared(Arc<dyn Weight>);

impl Weight for Shared {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

impl UnionWeight {
    /// Tantivy's union of the same weights.
    fn tantivy(&self) -> BooleanWeight<SumCombiner> {
        let weights = self
            .0
            .iter()
            .map(|w| {
                (
                    Occur::Should,
                    Box::new(Shared(w.clone())) as Box<dyn Weight>,
                )
            })
            .collect();
        BooleanWeight::with_minimum_number_should_match(
            weights,
            1,
            true,
            Box::new(SumCombiner::default),
        )
    }
}

impl Weight for UnionWeight {
    /// The scorer tantivy's union would give, step by step (`BooleanWeight::scorer` for
    /// should clauses only): one weight is its own scorer; empty scorers are dropped; one
    /// scorer left is the answer; two or more are merged, adding up each document's scores
    /// from 0 in the weights' order. Tantivy's merged scorer has read a segment this small to
    /// the end when it is made, so it reports no cost left, and so does this one: an
    /// intersection orders its scorers by cost, and sums their scores in that order.
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if reader.max_doc() > UNION_WINDOW {
            return self.tantivy().scorer(reader, boost);
        }
        if let [only] = &self.0[..] {
            return only.scorer(reader, boost);
        }
        let mut scorers = Vec::with_capacity(self.0.len());
        for weight in &self.0 {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.is::<AllScorer>() {
                return self.tantivy().scorer(reader, boost);
            }
            if !scorer.is::<EmptyScorer>() {
                scorers.push(scorer);
            }
        }
        if scorers.len() <= 1 {
            return Ok(scorers.pop().unwrap_or_else(|| Box::new(EmptyScorer)));
        }
        scorers.retain(|scorer| scorer.doc() != TERMINATED);
        let mut union = UnionScorer {
            scorers,
            doc: 0,
            score: 0.0,
        };
        union.settle();
        Ok(Box::new(union))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.tantivy().explain(reader, doc)
    }
}

/// [`Union`] in one segment: the smallest document of its scorers, and its score.
struct UnionScorer {
    /// None of them terminated when the union was made.
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
    score: Score,
}

impl UnionScorer {
    /// Moves to the smallest document of the scorers and adds up its scores, in order.
    fn settle(&mut self) {
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        let mut score: Score = 0.0;
        if self.doc != TERMINATED {
            for scorer in &mut self.scorers {
                if scorer.doc() == self.doc {
                    score += scorer.score();
                }
            }
        }
        self.score = score;
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() == self.doc {
                scorer.advance();
            }
        }
        self.settle();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// None left: see [`UnionWeight::scorer`].
    fn size_hint(&self) -> u32 {
        0
    }

    fn cost(&self) -> u64 {
        0
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}
