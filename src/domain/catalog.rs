//! The loaded account: fixtures indexed for lookup and search, and the rules that decide
//! which article a widget call may return (category, status, language, visibility).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;

use crate::domain::access::{
    folder_access, search_tokens, Caller, Hidden, Purpose, AGENT_API_TOKEN,
};
use crate::domain::clock::{canonical_timestamp, looks_canonical};
use crate::domain::fixtures::{
    is_bundled_clean, Account, Article, Category, Company, FixtureSet, Folder, Id, Segment,
    SuggestionRule, Visibility, Widget,
};
use crate::domain::html;
use crate::domain::language::{Lang, Languages};
use crate::domain::people::{Role, User};
use crate::domain::search::{IndexCache, Origin, SearchError, SearchIndex, SearchQuery};
use crate::domain::solutions::{Change, Whereabouts};

mod indexing;
mod lookups;

#[cfg(test)]
mod index_tests;
#[cfg(test)]
use indexing::bundled_index_file;
use indexing::{documents, index_entry, indexed_languages};
pub use indexing::{IndexJob, Indexer};

use lookups::ArticleLookups;

/// Suggested articles without a matching rule: this many, most viewed first.
pub const TOP_SUGGESTIONS: usize = 5;

/// An article with the folder and category it lives in.
#[derive(Debug, Clone, Copy)]
pub struct ArticleRef<'a> {
    pub category: &'a Category,
    pub folder: &'a Folder,
    pub article: &'a Article,
}

/// Why an article is not returned: the widget answers an empty 404 for all of these,
/// freshmock says which in `X-Freshmock-Reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotShown {
    Unknown,
    Draft,
    OutsideWidget { category: Id },
    Hidden { folder: Id, hidden: Hidden },
    NoTranslation { lang: Lang },
}

/// The account as loaded from a fixture set, with its search index.
#[derive(Debug)]
pub struct Catalog {
    pub fixtures: Arc<FixtureSet>,
    pub languages: Languages,
    /// Where each article is, and every article most viewed first.
    lookups: ArticleLookups,
    /// How many documents the index holds for these fixtures (see [`documents`]): counted
    /// once, then patched by each edit for the articles it touches (counting every
    /// translation again was most of an edit of 100,000 articles).
    documents: u64,
    /// Positions in the fixtures' lists, by id.
    widgets: HashMap<Id, usize>,
    companies: HashMap<Id, usize>,
    contact_segments: HashMap<Id, usize>,
    company_segments: HashMap<Id, usize>,
    /// Filled language by language by an [`IndexJob`] (see [`Catalog::load`]).
    search: Arc<SearchIndex>,
    /// Whether that job has been handed to the indexer.
    indexing: AtomicBool,
    /// Who runs the index's build (see [`Catalog::with_indexer`]).
    indexer: Indexer,
}

impl Catalog {
    /// Indexes a validated fixture set, and returns once the index is ready.
    pub fn build(fixtures: FixtureSet) -> Result<Catalog, SearchError> {
        let catalog = Catalog::load(fixtures);
        // Here, on the caller's thread (the server's loader), whatever its indexer.
        catalog.indexing.store(true, AtomicOrdering::SeqCst);
        catalog.index_job().run();
        catalog.search.wait_all()?;
        Ok(catalog)
    }

    /// Loads a validated fixture set without indexing it yet: the index is built by the
    /// catalog's [`Indexer`] from [`Catalog::start_indexing`] (a server calls it once it
    /// listens, so that indexing does not slow its start) or from the first search.
    /// Searches wait for the index; every other call can be answered at once.
    ///
    /// Fixture times are rewritten here, once, in Freshdesk's form (see
    /// [`canonical_times`]), and article bodies sanitised as Freshdesk saves them (see
    /// [`prepare_translations`]), so answers carry the stored text as it is.
    pub fn load(mut fixtures: FixtureSet) -> Catalog {
        canonical_times(&mut fixtures);
        prepare_translations(&mut fixtures.solutions);
        Catalog::load_prepared(fixtures)
    }

    /// [`Catalog::load`] for fixtures it prepared already: the `fixtures` of a catalog
    /// made by it, kept and read back (the catalog cache, `state::catalog_cache`).
    pub(crate) fn load_prepared(fixtures: FixtureSet) -> Catalog {
        let documents = documents(&fixtures);
        let search = SearchIndex::pending(&indexed_languages(&fixtures), documents);
        Catalog::with_index(
            Arc::new(fixtures),
            Arc::new(search),
            Indexer::here(),
            documents,
        )
    }

    /// This catalog with its index built by `indexer` (a server's thread), it and every
    /// catalog made from it ([`Catalog::changed_copy`], [`Catalog::edited`],
    /// [`Catalog::fresh`]).
    pub fn with_indexer(mut self, indexer: Indexer) -> Catalog {
        self.indexer = indexer;
        self
    }

    /// This catalog with its search index opened from `cache` when it holds it, and kept
    /// there once built (see [`IndexCache`]): for the fixtures as loaded, before indexing
    /// starts. A reset's [`Catalog::fresh`] index uses it too; changed copies do not.
    pub fn with_index_cache(self, cache: Arc<dyn IndexCache>) -> Catalog {
        self.search.use_cache(cache);
        self
    }

    /// Where each indexed language's index came from (built now, bundled, cached).
    pub fn index_origins(&self) -> Vec<(Lang, Origin)> {
        self.search.origins()
    }

    /// These fixtures with the agent API's changes laid over them, with an index of their
    /// own built later (a server starting on a data directory that holds changes). The
    /// changes come prepared (see [`Catalog::edited`]).
    pub fn changed_copy(&self, changes: &[Change]) -> Catalog {
        let mut fixtures = (*self.fixtures).clone();
        for change in changes {
            change.apply(&mut fixtures);
        }
        let documents = documents(&fixtures);
        let search = SearchIndex::pending(&indexed_languages(&fixtures), documents);
        Catalog::with_index(
            Arc::new(fixtures),
            Arc::new(search),
            self.indexer.clone(),
            documents,
        )
    }

    /// This catalog with `changes` applied: the fixtures copied and changed, the lookups
    /// made again, and the search index, shared with this catalog, updated in place for
    /// the articles the changes touch (an article's change costs that article, not the
    /// index). Waits for the index if it is still being built. The changed records must
    /// come prepared as [`Catalog::load`] leaves fixtures (times canonical, bodies
    /// sanitised): see [`prepare_article`].
    pub fn edited(&self, changes: &[Change]) -> Result<(Catalog, Vec<Id>), SearchError> {
        self.wait_indexed()?;
        let mut fixtures = (*self.fixtures).clone();
        // Each article where the lookups say it is (or nowhere), unless a change before
        // in this edit put it somewhere: only `Change::Article` brings an article in.
        let mut placed: Vec<Id> = Vec::new();
        let mut touched: Vec<Id> = Vec::new();
        for change in changes {
            let whereabouts = |id: Id| match self.lookups.get(id) {
                _ if placed.contains(&id) => Whereabouts::Unknown,
                Some((ci, fi, ai)) => Whereabouts::At(ci, fi, ai),
                None => Whereabouts::Nowhere,
            };
            touched.extend(change.apply_knowing(&mut fixtures, &whereabouts));
            if let Change::Article { article, .. } = change {
                placed.push(article.id);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let lookups = self.lookups.patched(&self.fixtures, &fixtures);
        let mut catalog = Catalog::with_lookups(
            Arc::new(fixtures),
            self.search.clone(),
            self.indexer.clone(),
            lookups,
            0,
        );
        catalog.documents =
            self.documents - self.documents_of(&touched) + catalog.documents_of(&touched);
        debug_assert_eq!(catalog.documents, documents(&catalog.fixtures));
        catalog.indexing.store(true, AtomicOrdering::SeqCst);
        // Only the languages the touched articles were or are written in: a language's
        // index holds no document of theirs otherwise, and each language's commit costs
        // milliseconds on a large set (an English-only article published used to commit
        // every language).
        let mut languages = self.languages_of(&touched);
        languages.extend(catalog.languages_of(&touched));
        languages.sort_unstable();
        languages.dedup();
        catalog.reindex_in(&touched, &languages)?;
        Ok((catalog, touched))
    }

    /// The indexed languages these articles have translations in.
    fn languages_of(&self, articles: &[Id]) -> Vec<Lang> {
        let indexed = indexed_languages(&self.fixtures);
        articles
            .iter()
            .filter_map(|&id| self.article(id))
            .flat_map(|found| found.article.translations.keys())
            .filter_map(|code| Lang::parse(code).filter(|l| indexed.contains(l)))
            .collect()
    }

    /// Makes the shared search index hold these articles as this catalog has them (a
    /// failed change puts back the catalog it started from this way), in every language.
    pub fn reindex(&self, articles: &[Id]) -> Result<(), SearchError> {
        self.reindex_in(articles, &indexed_languages(&self.fixtures))
    }

    /// [`Catalog::reindex`] in these languages only.
    fn reindex_in(&self, articles: &[Id], languages: &[Lang]) -> Result<(), SearchError> {
        let indexed = languages;
        let mut entries = Vec::new();
        for &id in articles {
            let Some(found) = self.article(id) else {
                continue;
            };
            for (code, tr) in &found.article.translations {
                let Some(lang) = Lang::parse(code).filter(|l| indexed.contains(l)) else {
                    continue;
                };
                entries.push(index_entry(
                    found.category,
                    found.folder,
                    found.article,
                    lang,
                    tr,
                ));
            }
        }
        self.search
            .update(articles, entries, self.documents, languages)
    }

    /// How many documents of the index these articles are: their translations in an
    /// indexed language.
    fn documents_of(&self, articles: &[Id]) -> u64 {
        let indexed = indexed_languages(&self.fixtures);
        articles
            .iter()
            .filter_map(|&id| self.article(id))
            .flat_map(|found| found.article.translations.keys())
            .filter(|code| Lang::parse(code).is_some_and(|l| indexed.contains(&l)))
            .count() as u64
    }

    /// The same fixtures with an index of their own, built later: what a reset returns to
    /// once changes have updated the index this catalog shares.
    pub fn fresh(&self) -> Catalog {
        let search = SearchIndex::pending(&indexed_languages(&self.fixtures), self.documents);
        if let Some(cache) = self.search.cache() {
            search.use_cache(cache);
        }
        Catalog::with_index(
            self.fixtures.clone(),
            Arc::new(search),
            self.indexer.clone(),
            self.documents,
        )
    }

    /// Whether `other` reads the same search index (it was made from this one by
    /// [`Catalog::edited`], or the other way round).
    pub fn shares_index_with(&self, other: &Catalog) -> bool {
        Arc::ptr_eq(&self.search, &other.search)
    }

    /// How many articles there are.
    pub fn article_count(&self) -> usize {
        self.lookups.len()
    }

    /// A category by id.
    pub fn category(&self, id: Id) -> Option<&Category> {
        self.fixtures.solutions.iter().find(|c| c.id == id)
    }

    /// The highest id of any category, folder, article or company: the agent API numbers
    /// what it makes after it.
    pub fn highest_id(&self) -> Id {
        let f = &self.fixtures;
        f.solutions
            .iter()
            .flat_map(|c| {
                std::iter::once(c.id).chain(
                    c.folders
                        .iter()
                        .flat_map(|f| std::iter::once(f.id).chain(f.articles.iter().map(|a| a.id))),
                )
            })
            .chain(f.companies.iter().map(|c| c.id))
            .max()
            .unwrap_or(0)
    }

    /// Hands the search index's build to the catalog's [`Indexer`], unless it is started
    /// already.
    pub fn start_indexing(&self) {
        if self.indexing.swap(true, AtomicOrdering::SeqCst) {
            return;
        }
        self.indexer.run(self.index_job());
    }

    /// The build of this catalog's search index.
    fn index_job(&self) -> IndexJob {
        IndexJob {
            fixtures: self.fixtures.clone(),
            search: self.search.clone(),
        }
    }

    /// Whether the search index is ready in every language.
    pub fn is_indexed(&self) -> bool {
        self.search.is_complete()
    }

    /// Whether searches in this language are answered at once.
    pub fn is_indexed_in(&self, lang: Lang) -> bool {
        self.search.is_ready(lang)
    }

    /// Waits until this language is indexed, starting the index if nothing has.
    pub fn wait_indexed_in(&self, lang: Lang) {
        self.start_indexing();
        self.search.wait(lang);
    }

    /// Waits until the search index is ready in every language, starting it if nothing
    /// has.
    pub fn wait_indexed(&self) -> Result<(), SearchError> {
        self.start_indexing();
        self.search.wait_all()
    }

    /// The search index, being built: a search waits for its language only.
    fn search_index(&self) -> Result<&SearchIndex, SearchError> {
        self.start_indexing();
        Ok(&self.search)
    }

    /// A catalog of `fixtures`, whose index holds `documents` documents.
    fn with_index(
        fixtures: Arc<FixtureSet>,
        search: Arc<SearchIndex>,
        indexer: Indexer,
        documents: u64,
    ) -> Catalog {
        let lookups = ArticleLookups::of(&fixtures);
        Catalog::with_lookups(fixtures, search, indexer, lookups, documents)
    }

    fn with_lookups(
        fixtures: Arc<FixtureSet>,
        search: Arc<SearchIndex>,
        indexer: Indexer,
        lookups: ArticleLookups,
        documents: u64,
    ) -> Catalog {
        let languages = account_languages(&fixtures.account);
        let positions = |ids: &mut dyn Iterator<Item = Id>| -> HashMap<Id, usize> {
            // The first of equal ids wins, as a search through the list would find it.
            let mut map = HashMap::new();
            for (i, id) in ids.enumerate() {
                map.entry(id).or_insert(i);
            }
            map
        };
        let widgets = positions(&mut fixtures.widgets.iter().map(|w| w.id));
        let companies = positions(&mut fixtures.companies.iter().map(|c| c.id));
        let segments = &fixtures.segments;
        let contact_segments = positions(&mut segments.contact_segments.iter().map(|s| s.id));
        let company_segments = positions(&mut segments.company_segments.iter().map(|s| s.id));
        Catalog {
            indexing: AtomicBool::new(false),
            indexer,
            languages,
            lookups,
            documents,
            widgets,
            companies,
            contact_segments,
            company_segments,
            search,
            fixtures,
        }
    }

    /// A widget by id, whether active or not.
    pub fn widget(&self, id: Id) -> Option<&Widget> {
        self.widgets.get(&id).map(|&i| &self.fixtures.widgets[i])
    }

    /// An active widget by id: the only ones the widget API and the CDN answer for.
    pub fn active_widget(&self, id: Id) -> Option<&Widget> {
        self.widget(id).filter(|w| w.active)
    }

    /// The ids of the active widgets, in the fixtures' order.
    pub fn active_widget_ids(&self) -> impl Iterator<Item = Id> + '_ {
        self.fixtures
            .widgets
            .iter()
            .filter(|w| w.active)
            .map(|w| w.id)
    }

    /// The widget the tools (view-as, the token explainer) call through when none is
    /// named: the first active one.
    pub fn default_widget(&self) -> Option<&Widget> {
        self.fixtures.widgets.iter().find(|w| w.active)
    }

    /// The widgets, active or not, that link a category.
    pub fn widgets_linking(&self, category: Id) -> impl Iterator<Item = Id> + '_ {
        self.fixtures
            .widgets
            .iter()
            .filter(move |w| w.categories.contains(&category))
            .map(|w| w.id)
    }

    /// The widget's suggestion rule for a page: the first by position whose URL is in the
    /// referrer.
    pub fn suggestion_rule<'a>(
        &self,
        widget: &'a Widget,
        referrer: Option<&str>,
    ) -> Option<&'a SuggestionRule> {
        let referrer = referrer?;
        let mut rules: Vec<_> = widget.suggestions.iter().collect();
        rules.sort_by_key(|r| r.position);
        rules.into_iter().find(|rule| referrer.contains(&rule.url))
    }

    pub fn company(&self, id: Id) -> Option<&Company> {
        self.companies
            .get(&id)
            .map(|&i| &self.fixtures.companies[i])
    }

    pub fn contact_segment(&self, id: Id) -> Option<&Segment> {
        let segments = &self.fixtures.segments.contact_segments;
        self.contact_segments.get(&id).map(|&i| &segments[i])
    }

    pub fn company_segment(&self, id: Id) -> Option<&Segment> {
        let segments = &self.fixtures.segments.company_segments;
        self.company_segments.get(&id).map(|&i| &segments[i])
    }

    /// A company's or segment's name, or its id when the fixtures do not name it.
    pub fn group_name(&self, group: Group, id: Id) -> String {
        let name = match group {
            Group::Company => self.company(id).map(|c| &c.name),
            Group::ContactSegment => self.contact_segment(id).map(|s| &s.name),
            Group::CompanySegment => self.company_segment(id).map(|s| &s.name),
        };
        name.map_or_else(|| id.to_string(), Clone::clone)
    }

    /// The companies or segments a folder is restricted to, with their names (empty for
    /// the other visibilities).
    pub fn restricted_to(&self, folder: &Folder) -> Vec<(Id, String)> {
        let (group, ids) = match folder.visibility {
            Visibility::Companies => (Group::Company, &folder.companies),
            Visibility::ContactSegments => (Group::ContactSegment, &folder.contact_segments),
            Visibility::CompanySegments => (Group::CompanySegment, &folder.company_segments),
            _ => return Vec::new(),
        };
        ids.iter()
            .map(|&id| (id, self.group_name(group, id)))
            .collect()
    }

    /// The company segments a contact of these companies is in: every segment of every
    /// company, ascending, each once.
    pub fn company_segments_of(&self, companies: &[Id]) -> Vec<Id> {
        let mut segments: Vec<Id> = companies
            .iter()
            .filter_map(|&c| self.company(c))
            .flat_map(|c| c.segments.iter().copied())
            .collect();
        segments.sort_unstable();
        segments.dedup();
        segments
    }

    pub fn article(&self, id: Id) -> Option<ArticleRef<'_>> {
        let (ci, fi, ai) = self.lookups.get(id)?;
        let category = &self.fixtures.solutions[ci];
        let folder = &category.folders[fi];
        Some(ArticleRef {
            category,
            folder,
            article: &folder.articles[ai],
        })
    }

    pub fn folder(&self, id: Id) -> Option<(&Category, &Folder)> {
        self.fixtures
            .solutions
            .iter()
            .find_map(|c| c.folders.iter().find(|f| f.id == id).map(|f| (c, f)))
    }

    /// The caller a user is for visibility: agents who may manage tickets see as agents,
    /// everyone else as a contact with their companies and segments.
    pub fn caller_for(&self, user: &User) -> Caller {
        match &user.role {
            Role::Agent {
                manage_tickets: true,
                ..
            } => Caller::Agent,
            Role::Agent { .. } => Caller::Contact {
                companies: Vec::new(),
                contact_segments: Vec::new(),
                company_segments: Vec::new(),
            },
            Role::Contact {
                companies,
                segments,
            } => Caller::Contact {
                companies: companies.clone(),
                contact_segments: segments.clone(),
                company_segments: self.company_segments_of(companies),
            },
        }
    }

    /// The user's profile language, if it is a known code.
    pub fn profile_language(&self, user: &User) -> Option<Lang> {
        user.language.as_deref().and_then(Lang::parse)
    }

    /// May this caller see this article through this widget in this language (show, hit,
    /// votes, suggested)?
    pub fn check_article(
        &self,
        widget: &Widget,
        caller: &Caller,
        lang: Lang,
        id: Id,
    ) -> Result<ArticleRef<'_>, NotShown> {
        let found = self.article(id).ok_or(NotShown::Unknown)?;
        self.check_found(widget, caller, lang, found)?;
        Ok(found)
    }

    fn check_found(
        &self,
        widget: &Widget,
        caller: &Caller,
        lang: Lang,
        found: ArticleRef<'_>,
    ) -> Result<(), NotShown> {
        let ArticleRef {
            category,
            folder,
            article,
        } = found;
        if !article.is_published_in(lang.code()) {
            return Err(NotShown::Draft);
        }
        folder_access(folder, caller, Purpose::Show).map_err(|hidden| NotShown::Hidden {
            folder: folder.id,
            hidden,
        })?;
        if !widget.categories.contains(&category.id) && !self.leaks_unlinked(folder, caller) {
            return Err(NotShown::OutsideWidget {
                category: category.id,
            });
        }
        if !article.translations.contains_key(lang.code()) {
            return Err(NotShown::NoTranslation { lang });
        }
        Ok(())
    }

    /// Would a search by this caller through this widget in this language find the article
    /// (given words that match it)? The rule the search index's filters encode: what
    /// [`Catalog::check_article`] shows, then only in the widget's own categories (the
    /// leak does not reach search) and by the search column of the access table (segment
    /// folders are never searched).
    pub fn check_searchable(
        &self,
        widget: &Widget,
        caller: &Caller,
        lang: Lang,
        id: Id,
    ) -> Result<ArticleRef<'_>, NotShown> {
        let found = self.check_article(widget, caller, lang, id)?;
        if !widget.categories.contains(&found.category.id) {
            return Err(NotShown::OutsideWidget {
                category: found.category.id,
            });
        }
        folder_access(found.folder, caller, Purpose::Search).map_err(|hidden| {
            NotShown::Hidden {
                folder: found.folder.id,
                hidden,
            }
        })?;
        Ok(found)
    }

    /// Freshdesk's known defect (off unless the fixtures turn it on): for contacts with a
    /// company, company- and segment-restricted folders outside the widget's categories
    /// pass on show, hit, votes and suggested.
    fn leaks_unlinked(&self, folder: &Folder, caller: &Caller) -> bool {
        self.fixtures.account.features.unlinked_category_leak
            && matches!(caller, Caller::Contact { companies, .. } if !companies.is_empty())
            && matches!(
                folder.visibility,
                Visibility::Companies | Visibility::ContactSegments | Visibility::CompanySegments
            )
    }

    /// Search results for a caller, best first.
    pub fn search(
        &self,
        widget: &Widget,
        caller: &Caller,
        lang: Lang,
        text: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Id>, SearchError> {
        let access = search_tokens(caller);
        self.search_index()?.search(&SearchQuery {
            text,
            lang,
            categories: &widget.categories,
            access: &access,
            offset,
            limit,
            drafts: false,
        })
    }

    /// The agent API's search: every category, every folder whatever its visibility,
    /// drafts included (agents see the whole knowledge base).
    pub fn agent_search(
        &self,
        lang: Lang,
        text: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Id>, SearchError> {
        let categories: Vec<Id> = self.fixtures.solutions.iter().map(|c| c.id).collect();
        self.search_index()?.search(&SearchQuery {
            text,
            lang,
            categories: &categories,
            access: &[AGENT_API_TOKEN.to_owned()],
            offset,
            limit,
            drafts: true,
        })
    }

    /// Suggested articles: the first rule whose URL is in the referrer gives its articles
    /// in order; without one, the most viewed visible articles. `live_hits` are the hits
    /// now of the articles viewed since the fixtures loaded (fixtures plus those counted
    /// since), so views through the API reorder the list; an article missing from it counts
    /// its fixture hits.
    pub fn suggested(
        &self,
        widget: &Widget,
        caller: &Caller,
        lang: Lang,
        referrer: Option<&str>,
        live_hits: &HashMap<Id, u64>,
    ) -> Vec<Id> {
        let rule = self.suggestion_rule(widget, referrer);
        let visible = |id: &Id| self.check_article(widget, caller, lang, *id).is_ok();
        match rule {
            Some(rule) => rule.articles.iter().copied().filter(visible).collect(),
            None => {
                // `by_hits` orders by the fixtures' counts; only the articles viewed since can
                // have moved, so the top of the rest plus those is enough to rank.
                let mut candidates: Vec<(u64, Id)> = self
                    .lookups
                    .most_viewed()
                    .filter(|(_, id)| !live_hits.contains_key(id) && visible(id))
                    .take(TOP_SUGGESTIONS)
                    .chain(
                        live_hits
                            .iter()
                            .filter(|(id, _)| visible(id))
                            .map(|(id, hits)| (*hits, *id)),
                    )
                    .collect();
                candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                candidates
                    .into_iter()
                    .take(TOP_SUGGESTIONS)
                    .map(|(_, id)| id)
                    .collect()
            }
        }
    }

    /// Plain words for a [`NotShown`], naming folders, companies and segments.
    pub fn explain(&self, id: Id, why: &NotShown) -> String {
        match why {
            NotShown::Unknown => format!("article {id} does not exist"),
            NotShown::Draft => format!("article {id} is a draft; only published articles are shown"),
            NotShown::OutsideWidget { category } => format!(
                "article {id} is in category {category}, which this widget does not link"
            ),
            NotShown::NoTranslation { lang } => format!(
                "article {id} has no {lang} translation, and Freshdesk does not fall back to another language"
            ),
            NotShown::Hidden { folder, hidden } => {
                let (_, f) = self.folder(*folder).expect("hidden folder exists");
                let names = || -> String {
                    let named: Vec<String> =
                        self.restricted_to(f).into_iter().map(|(_, name)| name).collect();
                    named.join(", ")
                };
                let rule = match hidden {
                    Hidden::LoggedInOnly => "logged-in users only".to_owned(),
                    Hidden::AgentsOnly => "agents only".to_owned(),
                    Hidden::BotsOnly => "bots only (never shown in the widget)".to_owned(),
                    Hidden::OtherCompanies => format!("contacts of {} only", names()),
                    Hidden::OtherContactSegments => format!("the contact segment(s) {} only", names()),
                    Hidden::OtherCompanySegments => format!("companies in the segment(s) {} only", names()),
                    Hidden::SegmentsNotSearched => "segments, and segment folders are never searched".to_owned(),
                };
                format!("article {id} is in folder {folder} ({}), visible to {rule}", f.name)
            }
        }
    }
}

/// What a folder can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Company,
    ContactSegment,
    CompanySegment,
}

/// Rewrites every fixture time an answer carries (translations' `modified_at`, widgets'
/// and ticket fields' `created_at` and `updated_at`, the account's `created_at`) in
/// Freshdesk's form, `2026-09-14T08:12:30Z`: UTC, whole seconds. Validated fixtures have
/// only times that parse; a text that does not is left as it is. The translations' times
/// are rewritten with their bodies (see [`prepare_translations`]).
fn canonical_times(fixtures: &mut FixtureSet) {
    canonical(&mut fixtures.account.created_at);
    for widget in &mut fixtures.widgets {
        canonical(&mut widget.created_at);
        canonical(&mut widget.updated_at);
    }
    for field in &mut fixtures.ticket_fields {
        canonical(&mut field.created_at);
        canonical(&mut field.updated_at);
    }
}

/// One fixture time in Freshdesk's form (see [`canonical_times`]).
fn canonical(text: &mut String) {
    if looks_canonical(text) {
        return;
    }
    if let Ok(canonical) = canonical_timestamp(text) {
        if *text != canonical {
            *text = canonical;
        }
    }
}

/// Articles from which [`prepare_translations`] shares the work between threads: below
/// this, starting a thread costs more than it saves (the bundled set starts in
/// milliseconds).
const PARALLEL_PREPARE_ARTICLES: usize = 10_000;

/// Every translation's `modified_at` in Freshdesk's form (see [`canonical_times`]) and its
/// `description` sanitised as Freshdesk's article editor does when it saves (see
/// [`html::sanitised`]): every answer that carries it (show, the control plane's
/// fixtures) serves the same safe HTML, and the index reads its text from it. A body the
/// sanitiser leaves as it is keeps its own text.
///
/// A large set's categories are shared between threads, each translation being its own
/// work: on one thread this was 0.2 s of CPU at 100,000 articles on the start's path,
/// with the other cores idle (the parse before it and the index after it use them all).
fn prepare_translations(solutions: &mut [Category]) {
    let articles: usize = solutions
        .iter()
        .flat_map(|c| &c.folders)
        .map(|f| f.articles.len())
        .sum();
    let threads = if articles < PARALLEL_PREPARE_ARTICLES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    if threads <= 1 || solutions.len() < 2 {
        solutions.iter_mut().for_each(prepare_category);
        return;
    }
    let mut parts = solutions.chunks_mut(solutions.len().div_ceil(threads));
    let here = parts.next();
    std::thread::scope(|scope| {
        for part in parts {
            scope.spawn(move || part.iter_mut().for_each(prepare_category));
        }
        here.into_iter().flatten().for_each(prepare_category);
    });
}

/// [`prepare_translations`] for one category.
fn prepare_category(category: &mut Category) {
    for folder in &mut category.folders {
        for article in Arc::make_mut(&mut folder.articles) {
            for translation in Arc::make_mut(article).translations.values_mut() {
                canonical(&mut translation.modified_at);
                sanitise_body(&mut translation.description);
            }
        }
    }
}

/// Prepares an article the agent API wrote as [`Catalog::load`] prepares fixtures: its
/// bodies sanitised as Freshdesk's editor saves them.
pub fn prepare_article(article: &mut Article) {
    for translation in article.translations.values_mut() {
        sanitise_body(&mut translation.description);
    }
}

/// One body as Freshdesk's editor saves it. A bundled body known to be clean (see
/// [`is_bundled_clean`]) is not parsed again.
fn sanitise_body(body: &mut String) {
    if is_bundled_clean(body) {
        return;
    }
    if let Some(clean) = html::sanitised(body) {
        if clean != *body {
            *body = clean;
        }
    }
}

/// The account's language setup.
fn account_languages(account: &Account) -> Languages {
    let lang = |code: &str| Lang::parse(code).expect("fixtures are validated");
    let primary = lang(&account.primary_language);
    Languages {
        primary,
        portal: account.portal_language.as_deref().map_or(primary, lang),
        supported: account.portal_languages.iter().map(|c| lang(c)).collect(),
        multilingual: account.multilingual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::Translation;
    use crate::domain::people::Directory;

    pub(super) fn bundled() -> FixtureSet {
        FixtureSet::bundled().expect("bundled fixtures load")
    }

    /// The English translation of the set's first article, to change.
    pub(super) fn first_english(set: &mut FixtureSet) -> &mut Translation {
        let first = set.solutions[0].folders[0].articles[0].id;
        set.article_mut(first)
            .unwrap()
            .translations
            .get_mut("en")
            .unwrap()
    }

    fn user(catalog: &Catalog, email: &str) -> User {
        Directory::from_fixtures(&catalog.fixtures)
            .find_by_email(email)
            .map(|u| (**u).clone())
            .expect("bundled user")
    }

    #[test]
    fn fixture_times_are_stored_in_freshdesks_form() {
        let mut set = bundled();
        let kept = set.solutions[0].folders[0].articles[1].translations["en"]
            .modified_at
            .clone();
        let tr = first_english(&mut set);
        tr.modified_at = "2026-09-14T10:12:30.75+02:00".into();
        set.widgets[0].created_at = "2026-09-14T08:12:30.5Z".into();
        set.widgets[0].updated_at = "2026-09-13T23:00:00-09:12".into();
        set.ticket_fields[0].created_at = "2026-09-14t08:12:30z".into();
        set.account.created_at = "2024-03-01T10:00:00+01:00".into();

        let catalog = Catalog::load(set);

        let f = &catalog.fixtures;
        let tr = &f.solutions[0].folders[0].articles[0].translations["en"];
        assert_eq!(tr.modified_at, "2026-09-14T08:12:30Z");
        assert_eq!(f.widgets[0].created_at, "2026-09-14T08:12:30Z");
        assert_eq!(f.widgets[0].updated_at, "2026-09-14T08:12:00Z");
        assert_eq!(f.ticket_fields[0].created_at, "2026-09-14T08:12:30Z");
        assert_eq!(f.account.created_at, "2024-03-01T09:00:00Z");
        let untouched = &f.solutions[0].folders[0].articles[1].translations["en"];
        assert_eq!(untouched.modified_at, kept);
    }

    #[test]
    fn bundled_fixture_times_are_already_canonical() {
        let set = bundled();
        let catalog = Catalog::load(bundled());
        assert_eq!(set.to_document(), catalog.fixtures.to_document());
    }

    #[test]
    fn widgets_are_found_by_id_and_only_active_ones_answer() {
        let catalog = Catalog::load(bundled());
        assert_eq!(catalog.widget(12000000026).map(|w| w.active), Some(false));
        assert!(catalog.active_widget(12000000026).is_none());
        assert_eq!(
            catalog.active_widget(12000000027).map(|w| w.id),
            Some(12000000027)
        );
        assert!(catalog.widget(1).is_none());
        assert_eq!(
            catalog.active_widget_ids().collect::<Vec<_>>(),
            [12000000025, 12000000027, 12000000028]
        );
        assert_eq!(catalog.default_widget().map(|w| w.id), Some(12000000025));
        assert_eq!(
            catalog.widgets_linking(2).collect::<Vec<_>>(),
            [12000000025, 12000000027]
        );
        assert_eq!(catalog.widgets_linking(3).count(), 0);
    }

    #[test]
    fn companies_and_segments_are_named_or_shown_by_id() {
        let catalog = Catalog::load(bundled());
        assert_eq!(
            catalog.company(103).map(|c| c.segments.clone()),
            Some(vec![301])
        );
        assert_eq!(catalog.group_name(Group::Company, 101), "Globex");
        assert_eq!(
            catalog.group_name(Group::ContactSegment, 201),
            "Beta testers"
        );
        assert_eq!(
            catalog.group_name(Group::CompanySegment, 301),
            "Enterprise customers"
        );
        assert_eq!(catalog.group_name(Group::Company, 999), "999");
        let (_, companies_only) = catalog.folder(14).unwrap();
        assert_eq!(
            catalog.restricted_to(companies_only),
            [(101, "Globex".to_owned())]
        );
        let (_, anyone) = catalog.folder(11).unwrap();
        assert!(catalog.restricted_to(anyone).is_empty());
    }

    #[test]
    fn a_contact_is_in_every_segment_of_every_company_once() {
        let mut set = bundled();
        set.companies[0].segments = vec![301];
        let catalog = Catalog::load(set);
        assert_eq!(catalog.company_segments_of(&[103, 101, 999]), [301]);
        assert!(catalog.company_segments_of(&[102]).is_empty());
        let ursula = user(&catalog, "ursula@umbrella.test");
        assert_eq!(
            catalog.caller_for(&ursula),
            Caller::Contact {
                companies: vec![103],
                contact_segments: vec![],
                company_segments: vec![301],
            }
        );
    }

    #[test]
    fn the_first_rule_by_position_in_the_referrer_wins() {
        let mut set = bundled();
        let widget = &mut set.widgets[0];
        widget.suggestions[0].url = "/account/pricing".into();
        widget.suggestions.swap(0, 1);
        let catalog = Catalog::load(set);
        let widget = catalog.widget(12000000025).unwrap();
        let url = |referrer| {
            catalog
                .suggestion_rule(widget, referrer)
                .map(|r| r.url.as_str())
        };
        assert_eq!(
            url(Some("https://x.test/account/pricing")),
            Some("/account/pricing")
        );
        assert_eq!(url(Some("https://x.test/account")), Some("/account"));
        assert_eq!(url(Some("https://x.test/")), None);
        assert_eq!(url(None), None);
    }

    /// [`Catalog::check_searchable`] says what the index finds: for every bundled
    /// persona, widget, language and article (searched by its own title), with and
    /// without the unlinked-category leak.
    #[test]
    fn searchable_agrees_with_the_index() {
        for leak in [false, true] {
            let mut set = bundled();
            set.account.features.unlinked_category_leak = leak;
            let catalog = Catalog::build(set).unwrap();
            let directory = Directory::from_fixtures(&catalog.fixtures);
            let callers: Vec<Caller> = std::iter::once(Caller::Anonymous)
                .chain(directory.users().map(|u| catalog.caller_for(u)))
                .collect();
            let langs: Vec<Lang> = catalog.languages.portal_languages().collect();
            let mut found = 0;
            for widget in catalog.fixtures.widgets.iter().filter(|w| w.active) {
                for caller in &callers {
                    for &lang in &langs {
                        for (_, _, article) in catalog.fixtures.articles() {
                            let tr = article
                                .translations
                                .get(lang.code())
                                .or_else(|| article.translations.values().next())
                                .unwrap();
                            let hits = catalog
                                .search(widget, caller, lang, &tr.title, 0, 1000)
                                .unwrap();
                            let by_index = hits.contains(&article.id);
                            let by_rule = catalog
                                .check_searchable(widget, caller, lang, article.id)
                                .is_ok();
                            assert_eq!(
                                by_index, by_rule,
                                "leak {leak}, widget {}, {caller:?}, {lang}, article {}",
                                widget.id, article.id
                            );
                            found += usize::from(by_index);
                        }
                    }
                }
            }
            assert!(found > 0);
        }
    }
}
