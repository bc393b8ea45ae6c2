//! The article search engine: a tantivy index built in memory from the fixtures.
//!
//! One document per article translation. Each language gets its own title, body and tag
//! fields analysed by that language's analyzer (stop words and stemming where tantivy has
//! them), so `passwords` finds `password` and `Passwörter` finds `Passwort`. Language,
//! status, category and access are exact `STRING` fields, applied as zero-score filters so
//! they restrict results without changing the ranking. This module knows nothing of HTTP.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

use crate::fixtures::Id;
use crate::language::Lang;

/// Longest token indexed; longer "words" are noise (base64, URLs).
const MAX_TOKEN_CHARS: usize = 40;
/// Title matches weigh more than body matches.
const TITLE_BOOST: f32 = 2.0;

/// What the index stores about one article translation.
#[derive(Debug, Clone)]
pub struct IndexEntry<'a> {
    pub article: Id,
    pub lang: Lang,
    pub category: Id,
    pub published: bool,
    /// Access tokens (see `access::folder_tokens`).
    pub access: Vec<String>,
    pub title: &'a str,
    /// Plain text (HTML already stripped) plus attachment names.
    pub body: String,
    pub tags: &'a [String],
}

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
}

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

struct LangFields {
    title: Field,
    body: Field,
    tags: Field,
    analyzer: TextAnalyzer,
}

/// The in-memory article index.
pub struct SearchIndex {
    reader: IndexReader,
    lang: Field,
    status: Field,
    category: Field,
    access: Field,
    langs: HashMap<Lang, LangFields>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("languages", &self.langs.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn stemmer_language(lang: Lang) -> Option<Language> {
    Some(match lang.code() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "nb-NO" => Language::Norwegian,
        "pt-BR" | "pt-PT" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru-RU" => Language::Russian,
        "es" | "es-LA" => Language::Spanish,
        "sv-SE" => Language::Swedish,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// The analyzer for one language: words, lower case, stop words removed, stemmed where
/// tantivy has a stemmer, accents folded last so `reinitialiser` finds `réinitialiser`.
fn analyzer(lang: Lang) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_CHARS))
        .filter(LowerCaser);
    match stemmer_language(lang) {
        Some(language) => {
            let stop =
                StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
            base.filter(stop)
                .filter(Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build()
        }
        None => base.filter(AsciiFoldingFilter).build(),
    }
}

fn tokenizer_name(lang: Lang) -> String {
    format!("lang_{}", lang.code())
}

impl SearchIndex {
    /// Builds the index for the given languages from every article translation.
    pub fn build<'a>(
        languages: &[Lang],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<SearchIndex, SearchError> {
        let mut builder = Schema::builder();
        let article = builder.add_u64_field("article", FAST | INDEXED);
        let lang = builder.add_text_field("lang", STRING);
        let status = builder.add_text_field("status", STRING);
        let category = builder.add_u64_field("category", INDEXED);
        let access = builder.add_text_field("access", STRING);
        let mut lang_fields = Vec::new();
        for &l in languages {
            let options = || {
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(&tokenizer_name(l))
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                )
            };
            let title = builder.add_text_field(&format!("title_{}", l.code()), options());
            let body = builder.add_text_field(&format!("body_{}", l.code()), options());
            let tags = builder.add_text_field(&format!("tags_{}", l.code()), options());
            lang_fields.push((l, title, body, tags));
        }
        let index = Index::create_in_ram(builder.build());
        for &l in languages {
            index.tokenizers().register(&tokenizer_name(l), analyzer(l));
        }
        let langs: HashMap<Lang, LangFields> = lang_fields
            .into_iter()
            .map(|(l, title, body, tags)| {
                (
                    l,
                    LangFields {
                        title,
                        body,
                        tags,
                        analyzer: analyzer(l),
                    },
                )
            })
            .collect();

        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        for entry in entries {
            let Some(fields) = langs.get(&entry.lang) else {
                continue;
            };
            let mut doc = TantivyDocument::default();
            doc.add_u64(article, entry.article);
            doc.add_text(lang, entry.lang.code());
            doc.add_text(
                status,
                if entry.published {
                    "published"
                } else {
                    "draft"
                },
            );
            doc.add_u64(category, entry.category);
            for token in &entry.access {
                doc.add_text(access, token);
            }
            doc.add_text(fields.title, entry.title);
            doc.add_text(fields.body, &entry.body);
            for tag in entry.tags {
                doc.add_text(fields.tags, tag);
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex {
            reader,
            lang,
            status,
            category,
            access,
            langs,
        })
    }

    /// Article ids matching the query, best first. Every word must match (in the title,
    /// body or tags); the last word also matches as a prefix, for search-as-you-type.
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<Vec<Id>, SearchError> {
        let Some(fields) = self.langs.get(&q.lang) else {
            return Ok(Vec::new());
        };
        if q.limit == 0 || q.categories.is_empty() || q.access.is_empty() {
            return Ok(Vec::new());
        }
        let Some(text_query) = self.text_query(fields, q.text) else {
            return Ok(Vec::new());
        };

        let filter = |clauses: Vec<Box<dyn Query>>| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::union(clauses)),
                0.0,
            ))
        };
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let query = BooleanQuery::new(vec![
            (Occur::Must, text_query),
            (Occur::Must, filter(vec![exact(self.lang, q.lang.code())])),
            (Occur::Must, filter(vec![exact(self.status, "published")])),
            (
                Occur::Must,
                filter(
                    q.categories
                        .iter()
                        .map(|c| -> Box<dyn Query> {
                            Box::new(TermQuery::new(
                                Term::from_field_u64(self.category, *c),
                                IndexRecordOption::Basic,
                            ))
                        })
                        .collect(),
                ),
            ),
            (
                Occur::Must,
                filter(q.access.iter().map(|t| exact(self.access, t)).collect()),
            ),
        ]);

        let searcher = self.reader.searcher();
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(q.limit)
                .and_offset(q.offset)
                .order_by_score(),
        )?;
        let mut ids = Vec::with_capacity(top.len());
        for (_, address) in top {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("article")?;
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The scored part: every analysed word must match somewhere; the last one may be
    /// a prefix of a longer word. `None` when the text has no searchable word.
    fn text_query(&self, fields: &LangFields, text: &str) -> Option<Box<dyn Query>> {
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
                let mut simple = TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(MAX_TOKEN_CHARS))
                    .filter(LowerCaser)
                    .filter(AsciiFoldingFilter)
                    .build();
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
            Box::new(BooleanQuery::union(vec![
                Box::new(BoostQuery::new(make(fields.title), TITLE_BOOST)),
                make(fields.body),
                make(fields.tags),
            ]))
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
                Box::new(FuzzyTermQuery::new_prefix(
                    Term::from_field_text(f, &prefix),
                    0,
                    true,
                ))
            })];
            if let Some(word) = last_stemmed {
                either.push(term_query(word));
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::union(either))));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    fn entry<'a>(
        article: Id,
        l: &str,
        title: &'a str,
        body: &str,
        access: &str,
        tags: &'a [String],
    ) -> IndexEntry<'a> {
        IndexEntry {
            article,
            lang: lang(l),
            category: 1,
            published: true,
            access: vec![access.to_owned()],
            title,
            body: body.to_owned(),
            tags,
        }
    }

    fn index() -> SearchIndex {
        let login = vec!["login".to_owned()];
        let entries = vec![
            entry(
                1,
                "en",
                "Reset your password",
                "Forgot passwords happen.",
                "anyone",
                &login,
            ),
            entry(
                1,
                "fr",
                "Réinitialiser votre mot de passe",
                "Mots de passe oubliés.",
                "anyone",
                &[],
            ),
            entry(
                2,
                "en",
                "Company password policy",
                "Only for Globex.",
                "company:101",
                &[],
            ),
            entry(
                3,
                "en",
                "Invoices",
                "Your monthly bill and password-free payments.",
                "anyone",
                &[],
            ),
        ];
        SearchIndex::build(&[lang("en"), lang("fr")], entries).unwrap()
    }

    fn run(index: &SearchIndex, text: &str, l: &str, access: &[&str]) -> Vec<Id> {
        let access: Vec<String> = access.iter().map(|s| s.to_string()).collect();
        index
            .search(&SearchQuery {
                text,
                lang: lang(l),
                categories: &[1],
                access: &access,
                offset: 0,
                limit: 10,
            })
            .unwrap()
    }

    #[test]
    fn stemming_finds_plural_and_title_ranks_first() {
        let idx = index();
        assert_eq!(run(&idx, "passwords ", "en", &["anyone"]), vec![1, 3]);
    }

    #[test]
    fn access_filter_restricts_without_reordering() {
        let idx = index();
        assert_eq!(
            run(&idx, "password", "en", &["anyone", "company:101"]),
            vec![1, 2, 3]
        );
        assert_eq!(run(&idx, "password", "en", &["anyone"]), vec![1, 3]);
    }

    #[test]
    fn last_word_matches_as_prefix_while_typing() {
        let idx = index();
        assert_eq!(run(&idx, "reset passw", "en", &["anyone"]), vec![1]);
        assert_eq!(run(&idx, "reinitialiser", "fr", &["anyone"]), vec![1]);
    }

    #[test]
    fn odd_input_never_fails() {
        let idx = index();
        for text in [
            "",
            "   ",
            "\"",
            "title:(",
            "AND OR NOT",
            "*",
            "\u{0}",
            &"x".repeat(10_000),
        ] {
            assert!(run(&idx, text, "en", &["anyone"]).len() <= 3);
        }
    }
}
