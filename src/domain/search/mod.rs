//! The article search engine: a tantivy index built in memory from the fixtures.
//!
//! One document per article translation. Each language gets its own title, body and tag
//! fields analysed by that language's analyzer (stop words and stemming where tantivy has
//! them), so `passwords` finds `password` and `Passwörter` finds `Passwort`; a search in
//! one language only reads that language's fields, so it needs no language filter. Status,
//! category and access decide which matches a caller may get: they are checked on each
//! match, through the document's [`Group`](documents::Group) (see `Ranked`), so they
//! restrict results without changing the ranking, which is the text query's, ties in
//! fixture order. This module knows nothing of HTTP.
//!
//! [`SearchIndex`] here is the face; behind it, each file uses only those listed after
//! it: `index` (one language's index: built, changed, searched), `ranking` (which matches
//! a caller gets, in which order), `queries` and `union` (the text query), `documents`
//! (what each document holds) and `analysis` (how text becomes terms).

mod analysis;
mod documents;
mod index;
mod memory;
mod queries;
mod ranking;
mod stored;
mod union;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, OnceLock};

pub use documents::IndexEntry;
pub use index::{Origin, SearchError};
pub use ranking::SearchQuery;
pub use stored::{Built, IndexCache, IDENTITY};

use crate::domain::fixtures::Id;
use crate::domain::language::Lang;
use index::{indexing_threads, LangIndex};

/// The in-memory article index: one tantivy index per language, each built on its own
/// and usable as soon as it is built, so that a search waits only for its language (the
/// first search after start-up is answered once the portal's language is indexed).
///
/// The ranking is exactly that of one index holding every language: a language's fields
/// only hold its documents, so BM25's term and token counts are the same per language, and
/// its document count, the one figure that spans languages, is given to each search (see
/// [`AllLanguages`](ranking::AllLanguages)).
pub struct SearchIndex {
    /// Documents in every language: BM25's document count.
    total_docs: AtomicU64,
    langs: HashMap<Lang, OnceLock<Result<LangIndex, SearchError>>>,
    /// Where languages are looked for before they are indexed, and kept once they are.
    cache: OnceLock<Arc<dyn IndexCache>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("languages", &self.langs.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SearchIndex {
    /// An index of these languages with nothing indexed yet: each language is indexed by
    /// [`SearchIndex::index_language`], and searches in it wait until then.
    /// `total_docs` is the number of documents all languages will hold together.
    pub fn pending(languages: &[Lang], total_docs: u64) -> SearchIndex {
        SearchIndex {
            total_docs: AtomicU64::new(total_docs),
            langs: languages.iter().map(|&l| (l, OnceLock::new())).collect(),
            cache: OnceLock::new(),
        }
    }

    /// Languages not indexed yet are opened from `cache` when it has them, and kept there
    /// when they are built (see [`IndexCache`]). Only for an index of the set the cache is
    /// for, and before its indexing starts; a second cache is ignored.
    pub fn use_cache(&self, cache: Arc<dyn IndexCache>) {
        let _ = self.cache.set(cache);
    }

    /// The cache this index uses, if any.
    pub fn cache(&self) -> Option<Arc<dyn IndexCache>> {
        self.cache.get().cloned()
    }

    /// Builds the index for the given languages from every article translation, and
    /// returns once every language is indexed. Large sets are indexed on several threads
    /// (see [`indexing_threads`]), which changes nothing in the answers.
    #[cfg(test)]
    pub fn build<'a>(
        languages: &[Lang],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<SearchIndex, SearchError> {
        Self::build_with(None, languages, entries)
    }

    /// [`SearchIndex::build`] on this many threads per language, or as many as suit the
    /// set (`None`).
    #[cfg(test)]
    fn build_with<'a>(
        threads: Option<usize>,
        languages: &[Lang],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<SearchIndex, SearchError> {
        let mut by_lang: HashMap<Lang, Vec<IndexEntry<'a>>> = HashMap::new();
        for entry in entries {
            if languages.contains(&entry.lang) {
                by_lang.entry(entry.lang).or_default().push(entry);
            }
        }
        let total = by_lang.values().map(Vec::len).sum::<usize>() as u64;
        let index = SearchIndex::pending(languages, total);
        for &l in languages {
            let entries = by_lang.remove(&l).unwrap_or_default();
            let threads = threads.unwrap_or_else(|| indexing_threads(entries.len()));
            index.set_language(l, LangIndex::build(threads, l, entries));
        }
        index.wait_all()?;
        Ok(index)
    }

    /// Indexes one language from its article translations (entries of other languages are
    /// skipped), unless it is indexed already. Searches in it are answered from then on.
    #[cfg(test)]
    pub fn index_language<'a>(
        &self,
        lang: Lang,
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<(), SearchError> {
        let entries = entries.into_iter();
        let expected = entries.size_hint().0;
        self.index_language_with(lang, expected, move || entries)
    }

    /// [`SearchIndex::index_language`] with the entries made only if they are needed:
    /// `expected` of them (the number the bundled index is matched by), made by `entries`
    /// when the language is built or compared with the bundled index, never when it is
    /// opened from the cache. Walking a 100,000-article set to list a language's
    /// translations was a tenth of a start whose index and catalog came from the cache.
    pub fn index_language_with<'a, I: Iterator<Item = IndexEntry<'a>>>(
        &self,
        lang: Lang,
        expected: usize,
        entries: impl FnOnce() -> I,
    ) -> Result<(), SearchError> {
        let Some(slot) = self.langs.get(&lang) else {
            return Ok(());
        };
        if slot.get().is_none() {
            self.open_or_build(lang, expected, entries);
        }
        slot.wait().as_ref().map(|_| ()).map_err(Clone::clone)
    }

    /// Indexes one language: opened from the bundled index when it was made from exactly
    /// these entries (looked at only when their number, `expected`, is the bundled
    /// index's), else from the cache when it has a sound one, else built (and then kept in
    /// the cache, after searches can use it).
    fn open_or_build<'a, I: Iterator<Item = IndexEntry<'a>>>(
        &self,
        lang: Lang,
        expected: usize,
        entries: impl FnOnce() -> I,
    ) {
        if let Some((directory, stored)) = stored::bundled::language(lang, expected) {
            // The bundled set, or one with as many documents: the same only if the
            // documents are (a cheap check next to indexing them).
            let entries: Vec<_> = entries().filter(|e| e.lang == lang).collect();
            let mut digest = stored::Digest::default();
            entries.iter().for_each(|e| digest.add(e));
            if digest.hex() == stored.digest {
                let opened =
                    LangIndex::open(lang, Box::new(directory), stored, Origin::Bundled, false);
                match opened {
                    Ok(index) => return self.set_language(lang, Ok(index)),
                    Err(why) => {
                        tracing::warn!(language = %lang, "the bundled search index cannot be used, indexing instead: {why}")
                    }
                }
            }
            if !self.open_cached(lang) {
                self.build_language(lang, entries.into_iter());
            }
            return;
        }
        if !self.open_cached(lang) {
            self.build_language(lang, entries());
        }
    }

    /// Opens the language from the cache, when it holds a sound index of it; whether it did.
    fn open_cached(&self, lang: Lang) -> bool {
        let Some(cache) = self.cache.get() else {
            return false;
        };
        let Some(directory) = cache.open(lang) else {
            return false;
        };
        let opened = stored::Stored::read(&*directory, lang)
            .and_then(|stored| LangIndex::open(lang, directory, stored, Origin::Cached, true));
        match opened {
            Ok(index) => {
                self.set_language(lang, Ok(index));
                true
            }
            Err(why) => {
                cache.refuse(lang, &why);
                false
            }
        }
    }

    fn build_language<'a>(&self, lang: Lang, entries: impl Iterator<Item = IndexEntry<'a>>) {
        let threads = indexing_threads(entries.size_hint().0);
        let index = LangIndex::build(threads, lang, entries);
        // The files as built, taken before searches (and so changes) can reach the index.
        let built = match (self.cache.get(), &index) {
            (Some(_), Ok(index)) => index.built(lang, String::new()).ok(),
            _ => None,
        };
        self.set_language(lang, index);
        if let (Some(cache), Some(built)) = (self.cache.get(), built) {
            cache.keep(built);
        }
    }

    /// Where each language's index came from, once it is there.
    pub fn origins(&self) -> Vec<(Lang, Origin)> {
        self.langs
            .iter()
            .filter_map(|(&l, slot)| Some((l, slot.get()?.as_ref().ok()?.origin)))
            .collect()
    }

    /// The bundled index's file (see `stored::bundled`) made from these entries, every
    /// language built on one thread.
    #[cfg(test)]
    pub fn bundled_file<'a>(
        languages: &[Lang],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<Vec<u8>, SearchError> {
        let entries: Vec<_> = entries.into_iter().collect();
        let mut built = Vec::new();
        for &lang in languages {
            let mine: Vec<_> = entries.iter().filter(|e| e.lang == lang).cloned().collect();
            let mut digest = stored::Digest::default();
            mine.iter().for_each(|e| digest.add(e));
            let index = LangIndex::build(1, lang, mine)?;
            built.push(index.built(lang, digest.hex())?);
        }
        Ok(stored::bundled::pack(&built))
    }

    fn set_language(&self, lang: Lang, index: Result<LangIndex, SearchError>) {
        if let Some(slot) = self.langs.get(&lang) {
            let _ = slot.set(index);
        }
    }

    /// Whether this language is indexed (or not searched at all: nothing to wait for).
    pub fn is_ready(&self, lang: Lang) -> bool {
        self.langs
            .get(&lang)
            .is_none_or(|slot| slot.get().is_some())
    }

    /// Waits until this language is indexed.
    pub fn wait(&self, lang: Lang) {
        if let Some(slot) = self.langs.get(&lang) {
            slot.wait();
        }
    }

    /// Whether every language is indexed.
    pub fn is_complete(&self) -> bool {
        self.langs.values().all(|slot| slot.get().is_some())
    }

    /// Waits until every language is indexed; the first failure, if any.
    pub fn wait_all(&self) -> Result<(), SearchError> {
        for slot in self.langs.values() {
            slot.wait().as_ref().map_err(Clone::clone)?;
        }
        Ok(())
    }

    /// Article ids matching the query, best first. Every word must match (in the title,
    /// body or tags); the last word also matches as a prefix, for search-as-you-type.
    /// Waits until the query's language is indexed.
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<Vec<Id>, SearchError> {
        let Some(slot) = self.langs.get(&q.lang) else {
            return Ok(Vec::new());
        };
        if q.limit == 0 || q.categories.is_empty() || q.access.is_empty() {
            return Ok(Vec::new());
        }
        let index = slot.wait().as_ref().map_err(Clone::clone)?;
        index.search(q, self.total_docs.load(AtomicOrdering::Relaxed))
    }

    /// Replaces the documents of `articles` in `languages` with `entries` (their
    /// translations now; none for a deleted article), waiting for the languages still being
    /// built; searches see the change when this returns. The other languages must hold no
    /// document of these articles, before or after: each language changed is a commit, so
    /// the catalog names only those its articles were or are written in. `total_docs` is
    /// the number of documents all languages hold afterwards. Costs what the changed
    /// documents cost, whatever the size of the index: the agent API calls it for each
    /// change.
    pub fn update<'a>(
        &self,
        articles: &[Id],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
        total_docs: u64,
        languages: &[Lang],
    ) -> Result<(), SearchError> {
        let mut by_lang: HashMap<Lang, Vec<IndexEntry<'a>>> = HashMap::new();
        for entry in entries {
            by_lang.entry(entry.lang).or_default().push(entry);
        }
        for (&lang, slot) in self.langs.iter().filter(|(l, _)| languages.contains(l)) {
            let index = slot.wait().as_ref().map_err(Clone::clone)?;
            index.update(articles, by_lang.remove(&lang).unwrap_or_default())?;
        }
        self.total_docs.store(total_docs, AtomicOrdering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::{BooleanQuery, Query};

    use super::queries::{text_query, text_query_with};
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    /// [`SearchIndex::update`] in every language of the index.
    fn update_everywhere<'a>(
        idx: &SearchIndex,
        articles: &[Id],
        entries: Vec<IndexEntry<'a>>,
        total_docs: u64,
    ) -> Result<(), SearchError> {
        let every: Vec<Lang> = idx.langs.keys().copied().collect();
        idx.update(articles, entries, total_docs, &every)
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
                drafts: false,
            })
            .unwrap()
    }

    #[test]
    fn an_update_adds_changes_and_removes_one_article_without_a_rebuild() {
        let idx = index();
        // A new article, found at once.
        update_everywhere(
            &idx,
            &[7],
            vec![entry(
                7,
                "en",
                "Passkeys",
                "Sign in without a password.",
                "anyone",
                &[],
            )],
            5,
        )
        .unwrap();
        assert_eq!(run(&idx, "passkeys", "en", &["anyone"]), vec![7]);
        let mut found = run(&idx, "password", "en", &["anyone"]);
        found.sort_unstable();
        assert_eq!(found, vec![1, 3, 7]);
        // Restricted to a company: gone for anyone else, its words kept for the company.
        update_everywhere(
            &idx,
            &[7],
            vec![entry(
                7,
                "en",
                "Passkeys",
                "Sign in without a password.",
                "company:9",
                &[],
            )],
            5,
        )
        .unwrap();
        assert_eq!(run(&idx, "passkeys", "en", &["anyone"]), Vec::<Id>::new());
        assert_eq!(run(&idx, "passkeys", "en", &["company:9"]), vec![7]);
        // A fixture article changed: its old words no longer find it.
        update_everywhere(
            &idx,
            &[3],
            vec![entry(3, "en", "Receipts", "Monthly bills.", "anyone", &[])],
            5,
        )
        .unwrap();
        assert_eq!(run(&idx, "invoices", "en", &["anyone"]), Vec::<Id>::new());
        assert_eq!(run(&idx, "receipts", "en", &["anyone"]), vec![3]);
        // Deleted in every language.
        update_everywhere(&idx, &[1, 7], Vec::new(), 2).unwrap();
        assert_eq!(
            run(&idx, "password", "en", &["anyone", "company:9"]),
            Vec::<Id>::new()
        );
        assert_eq!(
            run(&idx, "reinitialiser", "fr", &["anyone"]),
            Vec::<Id>::new()
        );
    }

    #[test]
    fn an_edited_article_is_still_found_while_its_old_version_awaits_a_merge() {
        // Two documents with the word; an edit replaces one, and the replaced one still
        // counts in the word's document frequency (3) until its segment is merged, which
        // once made BM25's document count (2) too small and the search panic (a 500).
        let tags: Vec<String> = Vec::new();
        let idx = SearchIndex::build(
            &[lang("en")],
            vec![
                entry(1, "en", "Passkeys", "Sign in.", "anyone", &tags),
                entry(2, "en", "More passkeys", "Sign out.", "anyone", &tags),
            ],
        )
        .unwrap();
        for _ in 0..3 {
            update_everywhere(
                &idx,
                &[1],
                vec![entry(1, "en", "Passkeys", "Sign in.", "anyone", &tags)],
                2,
            )
            .unwrap();
            assert_eq!(run(&idx, "passkeys", "en", &["anyone"]), vec![1, 2]);
        }
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

    /// Entries where many documents tie, in several languages and access groups.
    fn tied_entries(tags: &[String]) -> Vec<IndexEntry<'_>> {
        (0..300)
            .map(|i| IndexEntry {
                article: 1000 + i / 2,
                lang: lang(if i % 2 == 0 { "en" } else { "fr" }),
                category: 1 + i % 3,
                published: i % 7 != 0,
                access: vec![if i % 5 == 0 { "company:101" } else { "anyone" }.to_owned()],
                title: if i % 4 == 0 {
                    "Reset your password"
                } else {
                    "Password reset"
                },
                body: format!(
                    "password {}",
                    ["help", "invoice", "export"][(i % 3) as usize]
                ),
                tags,
            })
            .collect()
    }

    #[test]
    fn a_language_is_searched_as_soon_as_it_is_indexed() {
        let index = SearchIndex::pending(&[lang("en"), lang("fr")], 4);
        let login = vec!["login".to_owned()];
        let entries = vec![
            entry(
                1,
                "en",
                "Reset your password",
                "Forgot it?",
                "anyone",
                &login,
            ),
            entry(1, "fr", "Mot de passe", "Oublié ?", "anyone", &[]),
        ];
        index.index_language(lang("en"), entries).unwrap();
        assert!(!index.is_complete());
        assert_eq!(run(&index, "password", "en", &["anyone"]), vec![1]);
    }

    #[test]
    fn scores_count_the_documents_of_every_language() {
        let tags = vec!["login".to_owned()];
        let entries = tied_entries(&tags);
        let all = entries.len() as u64;
        let index = SearchIndex::build(&[lang("en"), lang("fr")], entries).unwrap();
        assert_eq!(index.total_docs.load(AtomicOrdering::Relaxed), all);
        let en = index.langs[&lang("en")].get().unwrap().as_ref().unwrap();
        let access = vec!["anyone".to_owned()];
        let q = SearchQuery {
            text: "password help",
            lang: lang("en"),
            categories: &[1, 2, 3],
            access: &access,
            offset: 0,
            limit: 30,
            drafts: false,
        };
        assert_eq!(index.search(&q).unwrap(), en.search(&q, all).unwrap());
    }

    #[test]
    fn unions_score_exactly_as_tantivys_own() {
        use tantivy::collector::TopDocs;
        let tags = vec!["login".to_owned()];
        let index = SearchIndex::build(&[lang("en"), lang("fr")], tied_entries(&tags)).unwrap();
        let mut compared = 0;
        for code in ["en", "fr"] {
            let lang_index = index.langs[&lang(code)].get().unwrap().as_ref().unwrap();
            let searcher = lang_index.reader.searcher();
            let all = |query: Box<dyn Query>| {
                let top = TopDocs::with_limit(1000).order_by_score();
                let found = searcher.search(&*query, &top).unwrap();
                found
                    .into_iter()
                    .map(|(score, doc)| (score.to_bits(), doc))
                    .collect::<Vec<_>>()
            };
            // Twice over: the second time, weights and prefixes come from the memory.
            let memory = memory::Memory::new();
            for text in [
                "password",
                "passw",
                "reset password",
                "password help ",
                "password invoice export",
                "login pass",
                "help",
                "nothing",
                "the",
            ]
            .repeat(2)
            {
                let ours = text_query(&lang_index.fields, &memory, text).map(all);
                let theirs = text_query_with(&lang_index.fields, &memory, text, &|queries| {
                    Box::new(BooleanQuery::union(queries))
                })
                .map(all);
                compared += ours.as_ref().map_or(0, Vec::len);
                assert_eq!(ours, theirs, "{code}: {text}");
            }
        }
        assert!(compared > 500, "{compared}");
    }

    #[test]
    fn answers_do_not_depend_on_how_many_threads_indexed() {
        let tags = vec!["login".to_owned()];
        let langs = [lang("en"), lang("fr")];
        let one = SearchIndex::build_with(Some(1), &langs, tied_entries(&tags)).unwrap();
        let two = SearchIndex::build_with(Some(2), &langs, tied_entries(&tags)).unwrap();
        for slot in one.langs.values() {
            let index = slot.get().unwrap().as_ref().unwrap();
            assert_eq!(index.reader.searcher().segment_readers().len(), 1);
        }
        let mut found = 0;
        for text in [
            "password",
            "reset",
            "passw",
            "password invoice",
            "login",
            "help ",
        ] {
            for code in ["en", "fr"] {
                for access in [&["anyone"][..], &["anyone", "company:101"][..]] {
                    for (offset, limit) in [(0, 10), (10, 10), (0, 30), (50, 5)] {
                        let access: Vec<String> = access.iter().map(|a| a.to_string()).collect();
                        let q = SearchQuery {
                            text,
                            lang: lang(code),
                            categories: &[1, 3],
                            access: &access,
                            offset,
                            limit,
                            drafts: false,
                        };
                        let expected = one.search(&q).unwrap();
                        found += expected.len();
                        assert_eq!(
                            two.search(&q).unwrap(),
                            expected,
                            "{text} {code} {access:?}"
                        );
                    }
                }
            }
        }
        assert!(found > 500, "{found}");
    }
}
