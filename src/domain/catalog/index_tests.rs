//! The bundled set's search index, made ahead of time and compiled in: current, and
//! answering exactly as an index built from the fixtures at start.

use super::indexing::{language_counts, language_entries, Codes};
use super::tests::{bundled, first_english};
use super::*;
use crate::domain::search::{IndexEntry, Origin};

/// Where `bundled.index` lives in the source tree.
const BUNDLED_INDEX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/src/domain/search/bundled.index"
);

/// Makes `src/domain/search/bundled.index` again; run after a change to the bundled
/// fixtures, the documents or the analysis (the next test says when):
/// `cargo test --lib make_the_bundled_index -- --ignored`.
#[test]
#[ignore = "writes src/domain/search/bundled.index"]
fn make_the_bundled_index() {
    let file = bundled_index_file(bundled()).unwrap();
    std::fs::write(BUNDLED_INDEX, file).unwrap();
}

#[test]
fn the_bundled_set_opens_its_index_made_ahead_of_time() {
    let catalog = Catalog::load(bundled());
    catalog.wait_indexed().unwrap();
    let origins = catalog.index_origins();
    assert_eq!(origins.len(), indexed_languages(&catalog.fixtures).len());
    assert!(
        origins.iter().all(|(_, origin)| *origin == Origin::Bundled),
        "{origins:?}: src/domain/search/bundled.index is out of date (the bundled fixtures, \
         the documents or the analysis changed); make it again with \
         `cargo test --lib make_the_bundled_index -- --ignored`"
    );
}

#[test]
fn a_set_that_differs_from_the_bundled_one_in_one_word_is_indexed_not_opened() {
    let mut set = bundled();
    first_english(&mut set).title.push_str(" zebra");
    let catalog = Catalog::load(set);
    catalog.wait_indexed().unwrap();
    let origins: HashMap<Lang, Origin> = catalog.index_origins().into_iter().collect();
    assert_eq!(origins[&Lang::parse("en").unwrap()], Origin::Built);
}

#[test]
fn the_bundled_index_answers_as_one_built_at_start() {
    let catalog = Catalog::load(bundled());
    let languages = indexed_languages(&catalog.fixtures);
    let mut codes = Codes::default();
    let entries: Vec<IndexEntry<'_>> = languages
        .iter()
        .flat_map(|&lang| language_entries(&catalog.fixtures, lang, &mut codes).collect::<Vec<_>>())
        .collect();
    let built = SearchIndex::build(&languages, entries.clone()).unwrap();
    let opened = SearchIndex::pending(&languages, entries.len() as u64);
    for &lang in &languages {
        let mine: Vec<_> = entries.iter().filter(|e| e.lang == lang).cloned().collect();
        opened.index_language(lang, mine).unwrap();
    }
    let categories: Vec<Id> = catalog.fixtures.solutions.iter().map(|c| c.id).collect();
    let mut tokens: Vec<String> = entries.iter().flat_map(|e| e.access.clone()).collect();
    tokens.sort();
    tokens.dedup();
    // Every word of every title, and their first letters as typed.
    let mut texts: Vec<String> = entries
        .iter()
        .flat_map(|e| e.title.split_whitespace())
        .flat_map(|w| [w.to_lowercase(), w.chars().take(3).collect()])
        .collect();
    texts.extend(
        [
            "",
            "password reset",
            "konto passwort",
            "mot de passe",
            "the",
        ]
        .map(String::from),
    );
    texts.sort();
    texts.dedup();
    let mut found = 0;
    for &lang in &languages {
        for text in &texts {
            for access in [&tokens[..1], &tokens[..]] {
                for drafts in [false, true] {
                    let q = SearchQuery {
                        text,
                        lang,
                        categories: &categories,
                        access,
                        offset: 0,
                        limit: 30,
                        drafts,
                    };
                    let expected = built.search(&q).unwrap();
                    found += expected.len();
                    assert_eq!(opened.search(&q).unwrap(), expected, "{lang} {text:?}");
                }
            }
        }
    }
    assert!(found > 1000, "{found}");
    let origins = opened.origins();
    assert!(
        origins.iter().all(|(_, o)| *o == Origin::Bundled),
        "{origins:?}"
    );
}

#[test]
fn each_languages_count_is_the_number_of_documents_it_indexes() {
    let mut set = bundled();
    // An article written twice in one language, once under another spelling of its code:
    // one document, as the entries make it.
    let article = Arc::make_mut(&mut set.solutions[0].folders[0].articles)
        .first_mut()
        .map(Arc::make_mut)
        .unwrap();
    let english = article.translations.get("en").cloned().unwrap();
    article.translations.insert("EN".into(), english);
    let languages = indexed_languages(&set);
    let mut codes = Codes::default();
    let counts = language_counts(&set, &languages, &mut codes);
    for (&lang, count) in languages.iter().zip(counts) {
        assert_eq!(
            count,
            language_entries(&set, lang, &mut codes).count(),
            "{lang}"
        );
    }
}
