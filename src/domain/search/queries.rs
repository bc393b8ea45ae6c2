//! The text query: every word must match, the last one also as a prefix while typing.

use std::sync::{Arc, Weak};

use tantivy::query::{
    BitSetDocSet, BooleanQuery, BoostQuery, ConstScorer, EnableScoring, Explanation, Occur, Query,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, Term};

use super::documents::LangFields;
use super::memory::{Memory, SharedWeight, Tree, Word};
use super::union::Union;

/// Title matches weigh more than body matches.
const TITLE_BOOST: f32 = 2.0;

/// The scored part: every analysed word must match somewhere; the last one may be
/// a prefix of a longer word. `None` when the text has no searchable word. Term weights
/// and prefix documents are taken from and left in `memory`, which must be the memory of
/// the searcher the query runs on (see [`Memory`]).
///
/// The query is built once per text and kept in `memory` with its weight (see
/// [`Tree`]): building a never-repeated search's query tree, making its weights and
/// dropping both again was a fifth of its instructions, and a text comes back with every
/// other page, page size or caller.
pub(super) fn text_query(
    fields: &LangFields,
    memory: &Arc<Memory>,
    text: &str,
) -> Option<Box<dyn Query>> {
    let tree = memory.tree(text, || {
        text_query_with(fields, memory, text, &|queries| Box::new(Union(queries)))
    })?;
    Some(Box::new(TreeQuery(tree)))
}

/// A text's remembered query: its weight is the one the tree made for the same BM25
/// document count, else made and kept.
#[derive(Clone)]
struct TreeQuery(Arc<Tree>);

impl std::fmt::Debug for TreeQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.query().fmt(f)
    }
}

impl Query for TreeQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = scoring
        else {
            return self.0.query().weight(scoring);
        };
        let docs = statistics_provider.total_num_docs()?;
        let weight = self.0.weight(docs, || self.0.query().weight(scoring))?;
        Ok(Box::new(SharedWeight(weight)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query().query_terms(visitor);
    }
}

/// What the language's analyzers make of one word.
fn analyse(fields: &LangFields, word: &str) -> Word {
    let first = |analyzer: &TextAnalyzer| {
        let mut analyzer = analyzer.clone();
        let mut stream = analyzer.token_stream(word);
        stream.advance().then(|| stream.token().text.clone())
    };
    Word {
        term: first(&fields.analyzer),
        typed: first(&fields.typing),
    }
}

/// [`text_query`] with the unions made by `union`.
pub(super) fn text_query_with(
    fields: &LangFields,
    memory: &Arc<Memory>,
    text: &str,
    union: &dyn Fn(Vec<Box<dyn Query>>) -> Box<dyn Query>,
) -> Option<Box<dyn Query>> {
    // Each word analysed on its own (every filter works on one word at a time, see
    // `analysis::MemoAnalyzer`), as the searcher's memory remembers it.
    let mut words: Vec<String> = Vec::new();
    let mut last_typed = None;
    let mut tokenizer = SimpleTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    while stream.advance() {
        let word = memory.word(&stream.token().text, |word| analyse(fields, word));
        if let Some(term) = word.term {
            if !words.contains(&term) {
                words.push(term);
            }
        }
        if word.typed.is_some() {
            last_typed = word.typed;
        }
    }
    // The last word as typed (lower-cased, folded, unstemmed) for prefix matching,
    // unless the user has finished it with a space.
    let typing = last_typed
        .filter(|_| !text.ends_with(char::is_whitespace))
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
            Box::new(RememberedTermQuery {
                term: Term::from_field_text(f, &word),
                memory: Arc::downgrade(memory),
            })
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
                memory: Arc::downgrade(memory),
            })
        })];
        if let Some(word) = last_stemmed {
            either.push(term_query(word));
        }
        clauses.push((Occur::Must, union(either)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// One word in one field: tantivy's `TermQuery` (with frequencies), its weight taken from
/// the searcher's [`Memory`] when a search has made it before: making one (three
/// statistics read from the index and a table of 256 norms) was a sixth of a
/// never-repeated search. The weight is tantivy's own, so scores and scorers are exactly
/// those of `TermQuery`.
#[derive(Debug, Clone)]
struct RememberedTermQuery {
    term: Term,
    /// Weak: the memory keeps this query (see [`Tree`]).
    memory: Weak<Memory>,
}

impl Query for RememberedTermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let query = || TermQuery::new(self.term.clone(), IndexRecordOption::WithFreqs);
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = scoring
        else {
            return query().weight(scoring);
        };
        let Some(memory) = self.memory.upgrade() else {
            return query().weight(scoring);
        };
        let docs = statistics_provider.total_num_docs()?;
        let weight = memory.weight(&self.term, docs, || query().weight(scoring))?;
        Ok(Box::new(SharedWeight(weight)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// Every term of a field that starts with `prefix`, each matching with the same score (as
/// tantivy's `FuzzyTermQuery::new_prefix` at distance 0). The terms are read as one range
/// of the term dictionary, without building a Levenshtein automaton for every search,
/// which was a third of a never-repeated search's time; the documents found are kept in
/// the searcher's [`Memory`], so a prefix typed again reads nothing.
#[derive(Debug, Clone)]
struct PrefixQuery {
    field: Field,
    prefix: Arc<[u8]>,
    /// Weak: the memory keeps this query and its weight (see [`Tree`]).
    memory: Weak<Memory>,
}

impl Query for PrefixQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl PrefixQuery {
    /// The documents of the segment holding a term that starts with the prefix.
    fn read(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let inverted = reader.inverted_index(self.field)?;
        let mut range = inverted.terms().range().ge(&*self.prefix);
        if let Some(upper) = after_prefix(&self.prefix) {
            range = range.lt(upper);
        }
        let mut terms = range.into_stream()?;
        let mut postings = None;
        while terms.advance() {
            let postings =
                match &mut postings {
                    Some(postings) => {
                        inverted.reset_block_postings_from_terminfo(terms.value(), postings)?;
                        postings
                    }
                    None => postings.insert(inverted.read_block_postings_from_terminfo(
                        terms.value(),
                        IndexRecordOption::Basic,
                    )?),
                };
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(docs)
    }
}

impl Weight for PrefixQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = match self.memory.upgrade() {
            Some(memory) => {
                memory.prefix_docs(reader.segment_id(), self.field, &self.prefix, || {
                    self.read(reader)
                })?
            }
            None => self.read(reader)?,
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::language::Lang;

    /// Every term an analyzer makes of `text`.
    fn terms(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
        let mut analyzer = analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn words_analysed_one_by_one_are_what_the_whole_text_makes() {
        let long = "b".repeat(41);
        for code in ["en", "fr", "de", "ja-JP"] {
            let (_, fields) = LangFields::schema(Lang::parse(code).unwrap());
            let memory = Memory::new();
            for text in [
                "How to reset your Passwords",
                "Réinitialiser les mots de passe oubliés",
                "Die Passwörter, PASSWÖRTER!",
                &format!("the {long} İstanbul ÉCOLE x86_64 日本語"),
                &format!("password {long}"),
                "",
            ] {
                let mut tokenizer = SimpleTokenizer::default();
                let mut stream = tokenizer.token_stream(text);
                let (mut analysed, mut typed) = (Vec::new(), Vec::new());
                while stream.advance() {
                    let word = memory.word(&stream.token().text, |w| analyse(&fields, w));
                    analysed.extend(word.term);
                    typed.extend(word.typed);
                }
                assert_eq!(analysed, terms(&fields.analyzer, text), "{code}: {text}");
                assert_eq!(typed, terms(&fields.typing, text), "{code}: {text}");
            }
        }
    }
}
