//! A catalog's search index from its fixtures: the job that builds it, who runs that job,
//! and the document each translation makes.

use std::sync::Arc;

use super::account_languages;
use crate::domain::access::folder_tokens;
use crate::domain::fixtures::{Article, Category, FixtureSet, Folder, Translation};
use crate::domain::html;
use crate::domain::language::Lang;
use crate::domain::search::{IndexEntry, SearchIndex};

/// One build of a catalog's search index, every indexed language in turn: pure work, which
/// the catalog hands to its [`Indexer`] when the index is first needed.
#[derive(Debug, Clone)]
pub struct IndexJob {
    pub(super) fixtures: Arc<FixtureSet>,
    pub(super) search: Arc<SearchIndex>,
}

impl IndexJob {
    /// Builds the index; searches in a language are answered as soon as it is indexed.
    pub fn run(&self) {
        index(&self.fixtures, &self.search);
    }
}

/// Who runs a catalog's [`IndexJob`]s. The domain starts no thread: by default the job
/// runs on the caller's thread when the index is first needed, and a server gives its
/// catalogs an indexer that runs it on a thread of its own.
#[derive(Clone)]
pub struct Indexer(Arc<dyn Fn(IndexJob) + Send + Sync>);

impl Indexer {
    pub fn new(run: impl Fn(IndexJob) + Send + Sync + 'static) -> Indexer {
        Indexer(Arc::new(run))
    }

    /// Hands `job` over to be run.
    pub(super) fn run(&self, job: IndexJob) {
        (self.0)(job)
    }

    /// Runs each job here and now: a catalog's indexer unless it is given another.
    pub fn here() -> Indexer {
        Indexer::new(|job| job.run())
    }
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Indexer")
    }
}

/// The languages searched: the portal's, in the order a search without hints picks them
/// (the portal language, then the primary, then the others), so the index is built first
/// where the first searches will look.
pub(super) fn indexed_languages(fixtures: &FixtureSet) -> Vec<Lang> {
    let languages = account_languages(&fixtures.account);
    let mut indexed = vec![languages.portal];
    indexed.extend(
        languages
            .portal_languages()
            .filter(|l| *l != languages.portal),
    );
    indexed
}

/// How many documents the index holds: one per translation in an indexed language.
pub(super) fn documents(fixtures: &FixtureSet) -> u64 {
    let indexed = indexed_languages(fixtures);
    let mut codes = Codes::default();
    fixtures
        .articles()
        .flat_map(|(_, _, article)| article.translations.keys())
        .filter(|code| codes.lang(code).is_some_and(|l| indexed.contains(&l)))
        .count() as u64
}

/// [`Lang::parse`] remembered per translation code: a set spells its few codes the same way
/// hundreds of thousands of times, and parsing each (a search through every language
/// Freshdesk knows) took a tenth of a second at 100,000 articles.
#[derive(Default)]
pub(super) struct Codes(Vec<(String, Option<Lang>)>);

impl Codes {
    fn lang(&mut self, code: &str) -> Option<Lang> {
        if let Some((_, lang)) = self.0.iter().find(|(c, _)| c == code) {
            return *lang;
        }
        let lang = Lang::parse(code);
        self.0.push((code.to_owned(), lang));
        lang
    }
}

/// Builds the search index of a fixture set, one language after the other, in
/// [`indexed_languages`] order: one document per translation.
fn index(fixtures: &FixtureSet, search: &SearchIndex) {
    let mut codes = Codes::default();
    let languages = indexed_languages(fixtures);
    let counts = language_counts(fixtures, &languages, &mut codes);
    for (lang, count) in languages.into_iter().zip(counts) {
        // A failure is kept for the searches in that language, which report it.
        let _ = search
            .index_language_with(lang, count, || language_entries(fixtures, lang, &mut codes));
    }
}

/// How many documents [`language_entries`] makes in each of `languages` (in that order),
/// in one walk through the articles: an article counts once in each language one of its
/// translations is written in.
pub(super) fn language_counts(
    fixtures: &FixtureSet,
    languages: &[Lang],
    codes: &mut Codes,
) -> Vec<usize> {
    let mut counts = vec![0; languages.len()];
    let mut seen = vec![false; languages.len()];
    for (_, _, article) in fixtures.articles() {
        seen.iter_mut().for_each(|s| *s = false);
        for code in article.translations.keys() {
            if let Some(i) = codes
                .lang(code)
                .and_then(|l| languages.iter().position(|&x| x == l))
            {
                seen[i] = true;
            }
        }
        for (count, &seen) in counts.iter_mut().zip(&seen) {
            *count += usize::from(seen);
        }
    }
    counts
}

/// The documents of one language, made as they are read. Every translation is found
/// first (cheap references), so the index knows how many documents are coming and can
/// decide how many threads to index them with.
pub(super) fn language_entries<'a>(
    fixtures: &'a FixtureSet,
    lang: Lang,
    codes: &mut Codes,
) -> impl ExactSizeIterator<Item = IndexEntry<'a>> {
    let translations: Vec<_> = fixtures
        .articles()
        .filter_map(|(category, folder, article)| {
            let (_, tr) = article
                .translations
                .iter()
                .find(|(code, _)| codes.lang(code) == Some(lang))?;
            Some((category, folder, article, tr))
        })
        .collect();
    translations
        .into_iter()
        .map(move |(category, folder, article, tr)| {
            index_entry(category, folder, article, lang, tr)
        })
}

/// The bundled index's file (see `search::stored::bundled`) for these fixtures, as loaded.
#[cfg(test)]
pub(super) fn bundled_index_file(
    fixtures: FixtureSet,
) -> Result<Vec<u8>, crate::domain::search::SearchError> {
    let catalog = super::Catalog::load(fixtures);
    let mut codes = Codes::default();
    let languages = indexed_languages(&catalog.fixtures);
    let entries = languages
        .iter()
        .flat_map(|&lang| language_entries(&catalog.fixtures, lang, &mut codes).collect::<Vec<_>>())
        .collect::<Vec<_>>();
    SearchIndex::bundled_file(&languages, entries)
}

/// The search document of one article translation.
pub(super) fn index_entry<'a>(
    category: &Category,
    folder: &Folder,
    article: &'a Article,
    lang: Lang,
    tr: &'a Translation,
) -> IndexEntry<'a> {
    let mut body = html::to_text(&tr.description);
    for attachment in &tr.attachments {
        body.push(' ');
        body.push_str(&attachment.name);
    }
    IndexEntry {
        article: article.id,
        lang,
        category: category.id,
        published: article.is_published_in(lang.code()),
        access: folder_tokens(folder),
        title: &tr.title,
        body,
        tags: &article.tags,
    }
}
