//! The text query: every word must match, the last one also as a prefix while typing.

use std::sync::Arc;

use tantivy::query::{
    BitSetDocSet, BooleanQuery, BoostQuery, ConstScorer, EnableScoring, Explanation, Occur, Query,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, Term};

use super::documents::LangFields;
use super::union::Union;

/// Title matches weigh more than body matches.
const TITLE_BOOST: f32 = 2.0;

/// The scored part: every analysed word must match somewhere; the last one may be
/// a prefix of a longer word. `None` when the text has no searchable word.
pub(super) fn text_query(fields: &LangFields, text: &str) -> Option<Box<dyn Query>> {
    text_query_with(fields, text, &|queries| Box::new(Union(queries)))
}

/// [`text_query`] with the unions made by `union`.
pub(super) fn text_query_with(
    fields: &LangFields,
    text: &str,
    union: &dyn Fn(Vec<Box<dyn Query>>) -> Box<dyn Query>,
) -> Option<Box<dyn Query>> {
    let mut analyzer = fields.analyzer.clone();
    let mut words = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if !words.contains(&token.text) {
            words.push(token.text.clone());
        }
    }
    // The last word as typed (lower-cased, folded, unstemmed) for prefix matching,
    // unless the user has finished it with a space.
    let typing = (!text.ends_with(char::is_whitespace))
        .then(|| {
            let mut simple = fields.typing.clone();
            let mut stream = simple.token_stream(text);
            let mut last = None;
            while let Some(t) = stream.next() {
                last = Some(t.text.clone());
            }
            last
        })
        .flatten()
        .filter(|w| w.chars().count() >= 2);
    if words.is_empty() && typing.is_none() {
        return None;
    }

    let per_field = |make: &dyn Fn(Field) -> Box<dyn Query>| -> Box<dyn Query> {
        union(vec![
            Box::new(BoostQuery::new(make(fields.title), TITLE_BOOST)),
            make(fields.body),
            make(fields.tags),
        ])
    };
    let term_query = |word: String| -> Box<dyn Query> {
        per_field(&|f| {
            Box::new(TermQuery::new(
                Term::from_field_text(f, &word),
                IndexRecordOption::WithFreqs,
            ))
        })
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let last_stemmed = if typing.is_some() { words.pop() } else { None };
    for word in words {
        clauses.push((Occur::Must, term_query(word)));
    }
    if let Some(prefix) = typing {
        let mut either: Vec<Box<dyn Query>> = vec![per_field(&|f| {
            Box::new(PrefixQuery {
                field: f,
                prefix: prefix.as_bytes().into(),
            })
        })];
        if let Some(word) = last_stemmed {
            either.push(term_query(word));
        }
        clauses.push((Occur::Must, union(either)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Every term of a field that starts with `prefix`, each matching with the same score (as
/// tantivy's `FuzzyTermQuery::new_prefix` at distance 0). The terms are read as one range
/// of the term dictionary, without building a Levenshtein automaton for every search,
/// which was a third of a never-repeated search's time.
#[derive(Debug, Clone)]
struct PrefixQuery {
    field: Field,
    prefix: Arc<[u8]>,
}

impl Query for PrefixQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for PrefixQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let inverted = reader.inverted_index(self.field)?;
        let mut range = inverted.terms().range().ge(&*self.prefix);
        if let Some(upper) = after_prefix(&self.prefix) {
            range = range.lt(upper);
        }
        let mut terms = range.into_stream()?;
        while terms.advance() {
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("PrefixQuery", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match the prefix"
            )))
        }
    }
}

/// The smallest byte string after every string that starts with `prefix` (`None` when
/// there is none: every byte is 0xFF).
fn after_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}
