//! The loaded account: fixtures indexed for lookup and search, and the rules that decide
//! which article a widget call may return (category, status, language, visibility).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, OnceLock, RwLock};

use bytes::Bytes;

use crate::domain::access::{
    folder_access, folder_tokens, search_tokens, Caller, Hidden, Purpose, SearchAccess,
};
use crate::domain::fixtures::{
    Account, Article, ArticleStatus, Category, FixtureSet, Folder, Id, Visibility, Widget,
};
use crate::domain::html;
use crate::domain::language::{Lang, Languages};
use crate::domain::people::{Role, User};
use crate::domain::search::{IndexEntry, SearchError, SearchIndex, SearchQuery};

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
    articles: HashMap<Id, (usize, usize, usize)>,
    /// Every article id, most viewed first (equal hits: lower id first).
    by_hits: Vec<Id>,
    company_segments: HashMap<Id, Vec<Id>>,
    /// Set once, by the thread that builds the index (see [`Catalog::load`]).
    search: Arc<OnceLock<Result<SearchIndex, SearchError>>>,
    /// Whether that thread has been started.
    indexing: AtomicBool,
    /// Search answers rendered from this account (see [`Catalog::remembered_search`]);
    /// forgotten with the catalog.
    searches: RwLock<HashMap<SearchKey, Bytes>>,
}

/// The index thread's nice value (see [`Catalog::start_indexing`]).
const INDEX_NICENESS: i32 = 10;

/// Search answers remembered per catalog, at most this many.
const REMEMBERED_SEARCHES: usize = 4096;

/// Everything besides the account that a search answer depends on: the widget (its
/// categories), the language, the page, what the caller may find, and the words.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchKey {
    pub widget: Id,
    pub lang: Lang,
    pub offset: usize,
    pub limit: usize,
    pub access: SearchAccess,
    pub text: String,
}

impl Catalog {
    /// Indexes a validated fixture set, and returns once the index is ready.
    pub fn build(fixtures: FixtureSet) -> Result<Catalog, SearchError> {
        let catalog = Catalog::load(fixtures);
        catalog.wait_indexed()?;
        Ok(catalog)
    }

    /// Loads a validated fixture set without indexing it yet: the index is built on a
    /// thread of its own from [`Catalog::start_indexing`] (a server calls it once it
    /// listens, so that indexing does not slow its start) or from the first search.
    /// Searches wait for the index; every other call can be answered at once.
    pub fn load(fixtures: FixtureSet) -> Catalog {
        Catalog::with_index(Arc::new(fixtures), Arc::new(OnceLock::new()))
    }

    /// Starts building the search index on a thread of its own, unless it is started
    /// already.
    pub fn start_indexing(&self) {
        if self.indexing.swap(true, AtomicOrdering::SeqCst) {
            return;
        }
        let job = {
            let (fixtures, search) = (self.fixtures.clone(), self.search.clone());
            move || {
                let _ = search.set(index(&fixtures));
            }
        };
        let background = {
            let job = job.clone();
            move || {
                // Requests come first: on a machine with few cores an index built at full
                // priority delays the first answers by milliseconds (first 200 at 6 ms
                // instead of 3.4 here). Nice 10 gives that back as well as 19 did, and
                // still leaves the index about a tenth of a core that busy processes
                // compete for, where 19 would starve a large set's index. The nice value
                // is a thread's own on Linux; where it cannot be set the index is merely
                // built at the usual priority.
                let _ = rustix::process::setpriority_process(None, INDEX_NICENESS);
                job()
            }
        };
        let spawned = std::thread::Builder::new()
            .name("freshmock-index".into())
            .spawn(background);
        if spawned.is_err() {
            // No thread to spare: index here and now.
            job();
        }
    }

    /// Whether the search index is ready.
    pub fn is_indexed(&self) -> bool {
        self.search.get().is_some()
    }

    /// Waits until the search index is ready, starting it if nothing has.
    pub fn wait_indexed(&self) -> Result<(), SearchError> {
        self.search_index().map(|_| ())
    }

    fn search_index(&self) -> Result<&SearchIndex, SearchError> {
        self.start_indexing();
        self.search.wait().as_ref().map_err(Clone::clone)
    }

    fn with_index(
        fixtures: Arc<FixtureSet>,
        search: Arc<OnceLock<Result<SearchIndex, SearchError>>>,
    ) -> Catalog {
        let languages = account_languages(&fixtures.account);
        let mut articles = HashMap::new();
        for (ci, category) in fixtures.solutions.iter().enumerate() {
            for (fi, folder) in category.folders.iter().enumerate() {
                for (ai, article) in folder.articles.iter().enumerate() {
                    articles.insert(article.id, (ci, fi, ai));
                }
            }
        }
        let mut company_segments: HashMap<Id, Vec<Id>> = HashMap::new();
        for company in &fixtures.companies {
            company_segments.insert(company.id, company.segments.clone());
        }
        let mut by_hits: Vec<(u64, Id)> = fixtures
            .articles()
            .map(|(_, _, a)| (a.hits, a.id))
            .collect();
        by_hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Catalog {
            indexing: AtomicBool::new(false),
            searches: RwLock::default(),
            languages,
            articles,
            by_hits: by_hits.into_iter().map(|(_, id)| id).collect(),
            company_segments,
            search,
            fixtures,
        }
    }

    /// The answer rendered earlier from this account to the search `key` describes.
    pub fn remembered_search(&self, key: &SearchKey) -> Option<Bytes> {
        self.searches
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    /// Remembers a search answer rendered from this account (see
    /// [`Catalog::remembered_search`]); past the limit, everything is forgotten at once.
    pub fn remember_search(&self, key: SearchKey, body: Bytes) {
        let mut searches = self.searches.write().unwrap_or_else(|e| e.into_inner());
        if searches.len() >= REMEMBERED_SEARCHES {
            searches.clear();
        }
        searches.insert(key, body);
    }

    /// A widget by id, whether active or not.
    /// The ids of the active widgets, in the fixtures' order.
    pub fn active_widget_ids(&self) -> impl Iterator<Item = Id> + '_ {
        self.fixtures
            .widgets
            .iter()
            .filter(|w| w.active)
            .map(|w| w.id)
    }

    pub fn widget(&self, id: Id) -> Option<&Widget> {
        self.fixtures.widgets.iter().find(|w| w.id == id)
    }

    pub fn article(&self, id: Id) -> Option<ArticleRef<'_>> {
        let &(ci, fi, ai) = self.articles.get(&id)?;
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
            } => {
                let mut company_segments: Vec<Id> = companies
                    .iter()
                    .flat_map(|c| self.company_segments.get(c).into_iter().flatten().copied())
                    .collect();
                company_segments.sort_unstable();
                company_segments.dedup();
                Caller::Contact {
                    companies: companies.clone(),
                    contact_segments: segments.clone(),
                    company_segments,
                }
            }
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
        if article.status != ArticleStatus::Published {
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
        let mut rules: Vec<_> = widget.suggestions.iter().collect();
        rules.sort_by_key(|r| r.position);
        let rule = referrer.and_then(|r| rules.into_iter().find(|rule| r.contains(&rule.url)));
        let visible = |id: &Id| self.check_article(widget, caller, lang, *id).is_ok();
        match rule {
            Some(rule) => rule.articles.iter().copied().filter(visible).collect(),
            None => {
                // `by_hits` orders by the fixtures' counts; only the articles viewed since can
                // have moved, so the top of the rest plus those is enough to rank.
                let mut candidates: Vec<(u64, Id)> = self
                    .by_hits
                    .iter()
                    .copied()
                    .filter(|id| !live_hits.contains_key(id) && visible(id))
                    .take(TOP_SUGGESTIONS)
                    .map(|id| (self.article(id).map_or(0, |a| a.article.hits), id))
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
                let names = |ids: &[Id], kind: &str| -> String {
                    let list: Vec<String> = ids
                        .iter()
                        .map(|i| match kind {
                            "company" => self.fixtures.companies.iter().find(|c| c.id == *i).map(|c| c.name.clone()),
                            "contact" => self.fixtures.segments.contact_segments.iter().find(|s| s.id == *i).map(|s| s.name.clone()),
                            _ => self.fixtures.segments.company_segments.iter().find(|s| s.id == *i).map(|s| s.name.clone()),
                        }
                        .unwrap_or_else(|| i.to_string()))
                        .collect();
                    list.join(", ")
                };
                let rule = match hidden {
                    Hidden::LoggedInOnly => "logged-in users only".to_owned(),
                    Hidden::AgentsOnly => "agents only".to_owned(),
                    Hidden::BotsOnly => "bots only (never shown in the widget)".to_owned(),
                    Hidden::OtherCompanies => format!("contacts of {} only", names(&f.companies, "company")),
                    Hidden::OtherContactSegments => format!("the contact segment(s) {} only", names(&f.contact_segments, "contact")),
                    Hidden::OtherCompanySegments => format!("companies in the segment(s) {} only", names(&f.company_segments, "company_segment")),
                    Hidden::SegmentsNotSearched => "segments, and segment folders are never searched".to_owned(),
                };
                format!("article {id} is in folder {folder} ({}), visible to {rule}", f.name)
            }
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

/// The search index of a fixture set: one document per translation, in portal languages.
fn index(fixtures: &FixtureSet) -> Result<SearchIndex, SearchError> {
    let indexed: Vec<Lang> = account_languages(&fixtures.account)
        .portal_languages()
        .collect();
    // Every translation first (cheap references), so the index knows how many documents
    // are coming and can decide how many threads to index them with.
    let translations: Vec<_> = fixtures
        .articles()
        .flat_map(|(category, folder, article)| {
            let access = folder_tokens(folder);
            article.translations.iter().filter_map(move |(code, tr)| {
                Some((category, article, access.clone(), Lang::parse(code)?, tr))
            })
        })
        .collect();
    let entries = translations
        .into_iter()
        .map(|(category, article, access, lang, tr)| {
            let mut body = html::to_text(&tr.description);
            for attachment in &tr.attachments {
                body.push(' ');
                body.push_str(&attachment.name);
            }
            IndexEntry {
                article: article.id,
                lang,
                category: category.id,
                published: article.status == ArticleStatus::Published,
                access,
                title: &tr.title,
                body,
                tags: &article.tags,
            }
        });
    SearchIndex::build(&indexed, entries)
}
