//! Reading an account through the agent REST API v2, step by step, each step kept in the
//! journal as it finishes (so `--resume` skips it).
//!
//! What is read, and how much it costs: the settings; the categories, their folders (and
//! sub-folders), each with a call per other portal language for its translation; every
//! folder's articles, 100 a page, in the primary language, then one call per article and
//! other language (`/solutions/articles/:id/:language`, a 404 meaning "no translation") —
//! those calls go `jobs` at a time; companies, agents, roles, groups, ticket fields and the
//! segments' names; with `--contacts`, the contacts (active, blocked and deleted), one call
//! each for their other companies. The answers are kept as the API gives them ([`Raw`]);
//! [`super::assemble`] makes the fixture set from them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{FetchError, Got, Source};
use super::journal::Journal;
use super::progress::Progress;
use super::ImportError;

/// Items a list page asks for (Freshdesk's most).
const PER_PAGE: usize = 100;
/// Pages a list may have before the import decides the source is looping.
const MAX_PAGES: usize = 100_000;

/// Everything read, as the API answered (less what no fixture keeps, such as
/// `description_text`).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Raw {
    pub settings: Value,
    /// `GET /api/v2/account` (admins only on Freshdesk; absent elsewhere).
    pub account: Option<Value>,
    pub categories: Vec<RawCategory>,
    /// `None`: the key may not read them.
    pub companies: Option<Vec<Value>>,
    pub agents: Vec<Value>,
    pub roles: Option<Vec<Value>>,
    pub groups: Option<Vec<Value>>,
    pub ticket_fields: Option<Vec<Value>>,
    pub contact_segments: Option<Vec<Value>>,
    pub company_segments: Option<Vec<Value>>,
    /// Every contact as `GET /api/v2/contacts/:id` shows it; `None` without `--contacts`.
    pub contacts: Option<Vec<Value>>,
    /// What could not be read, for the summary.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawCategory {
    pub base: Value,
    /// Language → the category as `/solutions/categories/:id/:language` shows it.
    pub translations: BTreeMap<String, Value>,
    pub folders: Vec<RawFolder>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawFolder {
    pub base: Value,
    pub translations: BTreeMap<String, Value>,
    pub articles: Vec<RawArticle>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawArticle {
    /// The article in the primary language, as the folder's list gives it.
    pub base: Value,
    pub translations: BTreeMap<String, Value>,
}

/// One page of a list, as journaled.
#[derive(Serialize, Deserialize)]
struct Page<T> {
    items: Vec<T>,
    next: Option<String>,
}

/// Reads the account.
pub struct Reader<'a> {
    pub source: &'a Source,
    pub journal: &'a Journal,
    pub progress: &'a Progress,
    /// Calls in flight at most, for the per-article and per-contact calls.
    pub jobs: usize,
    pub contacts: bool,
    /// `--categories`, checked as soon as the categories are known.
    pub widget_categories: Option<Vec<u64>>,
    notes: Mutex<Vec<String>>,
}

/// The strings of `v[key]`, an array in Freshdesk's answers (none when it is not).
pub fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The primary language and the other portal languages, from the settings.
pub fn languages(settings: &Value) -> (String, Vec<String>) {
    let primary = settings["primary_language"]
        .as_str()
        .unwrap_or("en")
        .to_owned();
    // The portal's languages when the account says; Freshdesk's older answers only
    // have the supported ones.
    let mut others = strings(settings, "portal_languages");
    if settings.get("portal_languages").is_none() {
        others = strings(settings, "supported_languages");
    }
    others.retain(|l| *l != primary);
    others.dedup();
    (primary, others)
}

impl<'a> Reader<'a> {
    pub fn new(
        source: &'a Source,
        journal: &'a Journal,
        progress: &'a Progress,
        jobs: usize,
        contacts: bool,
        widget_categories: Option<Vec<u64>>,
    ) -> Reader<'a> {
        Reader {
            source,
            journal,
            progress,
            jobs: jobs.max(1),
            contacts,
            widget_categories,
            notes: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, text: String) {
        self.progress.note(&text);
        self.notes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(text);
    }

    /// A step: the journal's result when an earlier run finished it, else `fetch`'s
    /// (journaled before it is returned).
    fn step<T: Serialize + DeserializeOwned>(
        &self,
        key: &str,
        fetch: impl FnOnce() -> Result<T, ImportError>,
    ) -> Result<T, ImportError> {
        if let Some(done) = self.journal.take(key) {
            return Ok(done);
        }
        let value = fetch()?;
        self.journal.record(key, &value)?;
        Ok(value)
    }

    /// `GET path` as JSON; `None` on 404.
    fn get(&self, path: &str) -> Result<Option<Value>, ImportError> {
        match self.source.get(path)? {
            Got::Json { body, .. } => Ok(Some(body)),
            Got::NotFound => Ok(None),
        }
    }

    /// `GET path` for something the import can do without: `None` on 404 and 403.
    fn get_optional(&self, path: &str) -> Result<Option<Value>, ImportError> {
        match self.source.get(path) {
            Ok(Got::Json { body, .. }) => Ok(Some(body)),
            Ok(Got::NotFound) => Ok(None),
            Err(FetchError::Refused { status: 403, .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Every page of a list, each journaled under `key#n` after `enrich` made its items
    /// (the per-article calls happen there, so a page is kept with its translations).
    /// `Ok(None)` when the first page is a 404, or a 403 and `optional`.
    fn pages<T: Serialize + DeserializeOwned>(
        &self,
        key: &str,
        first: String,
        optional: bool,
        enrich: impl Fn(Vec<Value>) -> Result<Vec<T>, ImportError>,
    ) -> Result<Option<Vec<T>>, ImportError> {
        let counts_articles = key.ends_with("/articles");
        let mut all = Vec::new();
        let mut path = first;
        for n in 1..=MAX_PAGES {
            let page_key = format!("{key}#{n}");
            let page: Page<T> = match self.journal.take(&page_key) {
                Some(page) => page,
                None => {
                    let (items, next) = match self.source.get(&path) {
                        Ok(Got::Json { body, next }) => (array(body, &path)?, next),
                        Ok(Got::NotFound) if n == 1 => return Ok(None),
                        Ok(Got::NotFound) => (Vec::new(), None),
                        Err(FetchError::Refused { status: 403, .. }) if optional && n == 1 => {
                            return Ok(None)
                        }
                        Err(err) => return Err(err.into()),
                    };
                    // An empty page ends a list whatever its Link says.
                    let next = next.filter(|_| !items.is_empty());
                    let page = Page {
                        items: enrich(items)?,
                        next,
                    };
                    self.journal.record(&page_key, &page)?;
                    page
                }
            };
            if counts_articles {
                self.progress.advance(page.items.len() as u64);
            }
            all.extend(page.items);
            match page.next {
                Some(next) => path = next,
                None => return Ok(Some(all)),
            }
        }
        Err(ImportError::Source(format!(
            "{key}: more than {MAX_PAGES} pages; the source's Link headers seem to loop"
        )))
    }

    /// A list that must be there.
    fn list(&self, key: &str, path: &str) -> Result<Vec<Value>, ImportError> {
        Ok(self.pages(key, paged(path), false, Ok)?.unwrap_or_default())
    }

    /// `f` over `items`, [`Reader::jobs`] at a time, results in the items' order.
    fn parallel<T: Sync, R: Send>(
        &self,
        items: &[T],
        f: impl Fn(&T) -> Result<R, ImportError> + Sync,
    ) -> Result<Vec<R>, ImportError> {
        if self.jobs == 1 || items.len() < 2 {
            return items.iter().map(f).collect();
        }
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<R, ImportError>>>> =
            Mutex::new((0..items.len()).map(|_| None).collect());
        let failed = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.min(items.len()) {
                scope.spawn(|| loop {
                    if failed.load(Ordering::Relaxed) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    let result = f(item);
                    if result.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                });
            }
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::with_capacity(items.len());
        for result in results {
            match result {
                Some(Ok(r)) => out.push(r),
                Some(Err(err)) => return Err(err),
                // Not done because another call failed; that failure is returned above,
                // since a failure stops the workers only after it is stored.
                None => continue,
            }
        }
        Ok(out)
    }

    /// The whole account.
    /// The whole account; `settings` is `/api/v2/settings/helpdesk`, which the preflight
    /// has read.
    pub fn read(&self, settings: Value) -> Result<Raw, ImportError> {
        let (_, others) = languages(&settings);
        let account = self.step("account", || self.get_optional("/api/v2/account"))?;

        self.progress.phase("reading categories");
        let listed = self.list("categories", "/api/v2/solutions/categories")?;
        if let Some(wanted) = &self.widget_categories {
            let known: Vec<u64> = listed.iter().filter_map(|c| c["id"].as_u64()).collect();
            if let Some(missing) = wanted.iter().find(|id| !known.contains(id)) {
                return Err(ImportError::Usage(format!(
                    "--categories names {missing}, which the account does not have (it has {})",
                    known
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        let mut categories = Vec::new();
        for base in listed {
            categories.push(self.category(base, &others)?);
        }
        self.progress.phase("reading articles");
        self.progress.add_total(
            categories
                .iter()
                .flat_map(|c| &c.folders)
                .map(|f| f.base["articles_count"].as_u64().unwrap_or(0))
                .sum(),
        );
        for category in &mut categories {
            for folder in &mut category.folders {
                folder.articles = self.articles(&folder.base, &others)?;
            }
        }

        self.progress.phase("reading companies");
        let companies = self.pages("companies", paged("/api/v2/companies"), true, Ok)?;
        if companies.is_none() {
            self.note("the key may not read companies: companies named by folders are imported by id, without their names".into());
        }
        self.progress.phase("reading agents");
        let agents = self
            .pages("agents", paged("/api/v2/agents"), true, Ok)?
            .unwrap_or_else(|| {
                self.note("the key may not read agents: none are imported".into());
                Vec::new()
            });
        // Freshdesk lists an agent's `role_ids` on its show only: read each agent's.
        let agents = self.step("agent_roles", || {
            agents
                .iter()
                .map(|a| match (a.get("role_ids"), a["id"].as_u64()) {
                    (None, Some(id)) => Ok(self
                        .get_optional(&format!("/api/v2/agents/{id}"))?
                        .unwrap_or_else(|| a.clone())),
                    _ => Ok(a.clone()),
                })
                .collect::<Result<Vec<Value>, ImportError>>()
        })?;
        let roles = self.step("roles", || {
            Ok(self
                .get_optional("/api/v2/roles")?
                .and_then(|v| v.as_array().cloned()))
        })?;
        if roles.is_none() && !agents.is_empty() {
            self.note("the key may not read roles (Freshdesk shows them to admins): agents are imported with freshmock's default role".into());
        }
        let groups = self.pages("groups", paged("/api/v2/groups"), true, Ok)?;
        self.progress.phase("reading ticket fields");
        let ticket_fields = self.step("ticket_fields", || {
            Ok(self
                .get_optional("/api/v2/ticket_fields")?
                .and_then(|v| v.as_array().cloned()))
        })?;
        let contact_segments = self.step("segments/contact", || {
            Ok(self
                .get_optional("/api/v2/segments/contact_filters")?
                .and_then(|v| v.as_array().cloned()))
        })?;
        let company_segments = self.step("segments/company", || {
            Ok(self
                .get_optional("/api/v2/segments/company_filters")?
                .and_then(|v| v.as_array().cloned()))
        })?;
        let contacts = if self.contacts {
            self.progress.phase("reading contacts");
            Some(self.contacts()?)
        } else {
            None
        };
        let notes = std::mem::take(&mut *self.notes.lock().unwrap_or_else(|e| e.into_inner()));
        Ok(Raw {
            settings,
            account,
            categories,
            companies,
            agents,
            roles,
            groups,
            ticket_fields,
            contact_segments,
            company_segments,
            contacts,
            notes,
        })
    }

    /// A category: its translations and its folders with theirs (articles come later).
    fn category(&self, base: Value, others: &[String]) -> Result<RawCategory, ImportError> {
        let id = id_of(&base, "category")?;
        self.step(&format!("category/{id}"), || {
            let translations =
                self.translations(&format!("/api/v2/solutions/categories/{id}"), others)?;
            let mut folders = Vec::new();
            let listed = self
                .pages(
                    &format!("category/{id}/folders"),
                    paged(&format!("/api/v2/solutions/categories/{id}/folders")),
                    false,
                    Ok,
                )?
                .unwrap_or_default();
            for folder in listed {
                self.folder(folder, others, &mut folders)?;
            }
            Ok(RawCategory {
                base,
                translations,
                folders,
            })
        })
    }

    /// A folder with its translations, then its sub-folders (Freshdesk's nested folders;
    /// a fixture's folders are flat, so they follow their parent).
    fn folder(
        &self,
        base: Value,
        others: &[String],
        into: &mut Vec<RawFolder>,
    ) -> Result<(), ImportError> {
        let id = id_of(&base, "folder")?;
        let translations = self.translations(&format!("/api/v2/solutions/folders/{id}"), others)?;
        let nested = base["sub_folders_count"].as_u64().unwrap_or(0) > 0;
        into.push(RawFolder {
            base,
            translations,
            articles: Vec::new(),
        });
        if nested {
            let subfolders = self
                .pages(
                    &format!("folder/{id}/subfolders"),
                    paged(&format!("/api/v2/solutions/folders/{id}/subfolders")),
                    false,
                    Ok,
                )?
                .unwrap_or_default();
            for sub in subfolders {
                self.folder(sub, others, into)?;
            }
        }
        Ok(())
    }

    /// `path/:language` for each other language: the ones that exist.
    fn translations(
        &self,
        path: &str,
        others: &[String],
    ) -> Result<BTreeMap<String, Value>, ImportError> {
        let mut found = BTreeMap::new();
        for lang in others {
            if let Some(body) = self.get(&format!("{path}/{lang}"))? {
                found.insert(lang.clone(), body);
            }
        }
        Ok(found)
    }

    /// A folder's articles, a page at a time, each with its other languages.
    fn articles(&self, folder: &Value, others: &[String]) -> Result<Vec<RawArticle>, ImportError> {
        let id = id_of(folder, "folder")?;
        let articles = self.pages(
            &format!("folder/{id}/articles"),
            paged(&format!("/api/v2/solutions/folders/{id}/articles")),
            false,
            |items| {
                let items: Vec<Value> = items.into_iter().map(trim_article).collect();
                let calls: Vec<(usize, &String)> = (0..items.len())
                    .flat_map(|i| others.iter().map(move |l| (i, l)))
                    .collect();
                let found = self.parallel(&calls, |(i, lang)| {
                    let article = id_of(&items[*i], "article")?;
                    let path = format!("/api/v2/solutions/articles/{article}/{lang}");
                    Ok(self
                        .get(&path)?
                        .map(|v| (*i, (*lang).clone(), trim_article(v))))
                })?;
                let mut articles: Vec<RawArticle> = items
                    .into_iter()
                    .map(|base| RawArticle {
                        base,
                        translations: BTreeMap::new(),
                    })
                    .collect();
                for (i, lang, translation) in found.into_iter().flatten() {
                    articles[i].translations.insert(lang, translation);
                }
                Ok(articles)
            },
        )?;
        Ok(articles.unwrap_or_default())
    }

    /// Every contact (active, blocked, deleted), each as its own page shows it.
    fn contacts(&self) -> Result<Vec<Value>, ImportError> {
        let mut all = Vec::new();
        for (key, query) in [
            ("active", ""),
            ("blocked", "&state=blocked"),
            ("deleted", "&state=deleted"),
        ] {
            let path = format!("/api/v2/contacts?per_page={PER_PAGE}{query}");
            let found = self.pages(&format!("contacts/{key}"), path, key != "active", |items| {
                let shown = self.parallel(&items, |listed| {
                    let id = id_of(listed, "contact")?;
                    self.get(&format!("/api/v2/contacts/{id}"))
                })?;
                Ok(shown.into_iter().flatten().collect())
            })?;
            match found {
                Some(contacts) => all.extend(contacts),
                None if key == "active" => {
                    return Err(ImportError::NoAccess {
                        what: "contacts".into(),
                        path: "/api/v2/contacts".into(),
                    })
                }
                None => {}
            }
        }
        Ok(all)
    }
}

/// A list path asking for full pages.
fn paged(path: &str) -> String {
    format!("{path}?per_page={PER_PAGE}")
}

/// A list page's items.
fn array(body: Value, path: &str) -> Result<Vec<Value>, ImportError> {
    match body {
        Value::Array(items) => Ok(items),
        other => Err(ImportError::Source(format!(
            "GET {path} answered {} instead of a list",
            kind(&other)
        ))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

/// A record's `id`.
pub fn id_of(value: &Value, what: &str) -> Result<u64, ImportError> {
    value["id"]
        .as_u64()
        .ok_or_else(|| ImportError::Source(format!("a {what} without a numeric id: {value}")))
}

/// What no fixture keeps goes before the journal: the text copy of the body and
/// Freshdesk's folder hierarchy.
fn trim_article(mut article: Value) -> Value {
    if let Some(map) = article.as_object_mut() {
        map.remove("description_text");
        map.remove("hierarchy");
    }
    article
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn portal_languages_come_first_and_the_primary_is_not_an_other() {
        let (primary, others) = languages(&json!({
            "primary_language": "en",
            "supported_languages": ["fr", "de", "es"],
            "portal_languages": ["fr", "de", "en"],
        }));
        assert_eq!(primary, "en");
        assert_eq!(others, vec!["fr", "de"]);
        let (_, older) = languages(&json!({
            "primary_language": "en",
            "supported_languages": ["fr"],
        }));
        assert_eq!(older, vec!["fr"]);
    }
}
