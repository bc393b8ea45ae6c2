//! The knowledge base through Freshdesk's REST API v2: categories, folders (listed under a
//! category) and articles (listed under a folder), each with list, show, create, update,
//! delete and `/:language` translations, and `GET /api/v2/search/solutions`.
//!
//! Writes go through [`AppState::edit_catalog`]: durable in the store, and searchable by
//! the widget when the answer leaves (the index is updated for the changed articles only).
//! Reading needs the knowledge base's view privilege, writing its manage privilege.

use std::collections::HashMap;
use std::sync::Arc;

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::api::{self, Fields, Page};
use crate::domain::catalog::{prepare_article, Catalog};
use crate::domain::clock::format_timestamp;
use crate::domain::fixtures::{
    Article, ArticleStatus, Category, Folder, Id, NameTranslation, Translation, Visibility,
};
use crate::domain::html;
use crate::domain::invalid::Invalid;
use crate::domain::language::Lang;
use crate::domain::people::{Privilege, User};
use crate::domain::solutions::Change;
use crate::http::error::ApiError;
use crate::http::reply::{json_response, no_content, ok, Answer};
use crate::http::request::Req;
use crate::state::AppState;

/// Longest category or folder name Freshdesk takes.
const MAX_NAME: usize = 240;
/// Longest article title.
const MAX_TITLE: usize = 240;

// ---------------------------------------------------------------------------------------
// Answers

/// The account's one portal, which `visible_in_portals` names (the account id here).
fn portal_id(catalog: &Catalog) -> Id {
    catalog.fixtures.account.id
}

fn or_account_time(catalog: &Catalog, time: &Option<String>) -> String {
    time.clone()
        .unwrap_or_else(|| catalog.fixtures.account.created_at.clone())
}

fn category_json(catalog: &Catalog, c: &Category, lang: Option<&str>) -> Value {
    let (name, description, created, updated) = match lang.and_then(|l| c.translations.get(l)) {
        Some(t) => (&t.name, &t.description, &t.created_at, &t.updated_at),
        None => (&c.name, &c.description, &c.created_at, &c.updated_at),
    };
    let portals = if c.visible_in_portals.is_empty() {
        vec![portal_id(catalog)]
    } else {
        c.visible_in_portals.clone()
    };
    json!({
        "id": c.id,
        "name": name,
        "description": description,
        "created_at": or_account_time(catalog, created),
        "updated_at": or_account_time(catalog, updated),
        "visible_in_portals": portals,
    })
}

fn folder_json(catalog: &Catalog, category: &Category, f: &Folder, lang: Option<&str>) -> Value {
    let (name, description, created, updated) = match lang.and_then(|l| f.translations.get(l)) {
        Some(t) => (&t.name, &t.description, &t.created_at, &t.updated_at),
        None => (&f.name, &f.description, &f.created_at, &f.updated_at),
    };
    let mut v = json!({
        "id": f.id,
        "name": name,
        "description": description,
        "visibility": u8::from(f.visibility),
        "category_id": category.id,
        "articles_count": f.articles.len(),
        "created_at": or_account_time(catalog, created),
        "updated_at": or_account_time(catalog, updated),
    });
    match f.visibility {
        Visibility::Companies => v["company_ids"] = json!(f.companies),
        Visibility::ContactSegments => v["contact_segment_ids"] = json!(f.contact_segments),
        Visibility::CompanySegments => v["company_segment_ids"] = json!(f.company_segments),
        _ => {}
    }
    v
}

/// Counters the store adds to the fixtures' (hits, votes), by article and language.
#[derive(Default)]
struct Counters {
    hits: HashMap<Id, u64>,
    votes: HashMap<(Id, String), (u64, u64)>,
}

impl Counters {
    /// The counters of these articles (only those: reading every article's votes took
    /// seconds at 100,000 articles).
    async fn read(state: &AppState, ids: Vec<Id>) -> Result<Counters, ApiError> {
        let hits = state.live_hits().await?;
        let votes = state
            .votes_of_articles(ids)
            .await?
            .into_values()
            .flatten()
            .map(|v| ((v.article_id, v.language), (v.thumbs_up, v.thumbs_down)))
            .collect();
        Ok(Counters { hits, votes })
    }
}

fn article_json(
    category: &Category,
    folder: &Folder,
    a: &Article,
    code: &str,
    counters: &Counters,
) -> Option<Value> {
    let t = a.translations.get(code)?;
    let (up, down) = counters
        .votes
        .get(&(a.id, code.to_owned()))
        .copied()
        .unwrap_or((t.thumbs_up, t.thumbs_down));
    let status = t.status.unwrap_or(a.status);
    Some(json!({
        "id": a.id,
        "type": a.article_type,
        "category_id": category.id,
        "folder_id": folder.id,
        "title": t.title,
        "description": t.description,
        "description_text": html::to_text(&t.description),
        "status": status_number(status),
        "agent_id": a.agent_id,
        "thumbs_up": up,
        "thumbs_down": down,
        "hits": counters.hits.get(&a.id).copied().unwrap_or(a.hits),
        "tags": a.tags,
        "seo_data": t.seo_data.as_deref().cloned().unwrap_or_default(),
        "attachments": t.attachments.iter().map(|at| json!({
            "id": at.id,
            "name": at.name,
            "content_type": at.content_type,
            "size": at.size,
        })).collect::<Vec<_>>(),
        "created_at": t.created_at.as_deref().unwrap_or(&t.modified_at),
        "updated_at": t.modified_at,
    }))
}

fn status_number(status: ArticleStatus) -> u8 {
    match status {
        ArticleStatus::Draft => 1,
        ArticleStatus::Published => 2,
    }
}

fn created(value: Value) -> Answer {
    json_response(StatusCode::CREATED, &value)
}

// ---------------------------------------------------------------------------------------
// Requests

fn now(state: &AppState) -> String {
    format_timestamp(state.clock().now_secs())
}

fn primary(catalog: &Catalog) -> &'static str {
    catalog.languages.primary.code()
}

/// The `:language` of a translation path: one of the portal's languages, else an empty
/// 404 saying which are.
fn language(req: &Req, at: usize, catalog: &Catalog) -> Result<&'static str, ApiError> {
    let code = req.capture(at);
    let portal: Vec<Lang> = catalog.languages.portal_languages().collect();
    match Lang::parse(&code).filter(|l| portal.contains(l)) {
        Some(lang) => Ok(lang.code()),
        None => Err(ApiError::not_found(format!(
            "{code:?} is not one of the portal's languages ({})",
            portal
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The edit's outcome as an answer's error.
fn who(agent: &User) -> String {
    format!("{} <{}>", agent.name, agent.email)
}

/// 409 `duplicate_value` on `field`.
fn duplicate(field: &str, reason: String) -> ApiError {
    Invalid::duplicate(field, reason).into()
}

fn no_such(kind: &str, id: Id) -> ApiError {
    api::no_such(kind, id)
}

// ---------------------------------------------------------------------------------------
// Categories

/// `GET /api/v2/solutions/categories`
pub async fn list_categories(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let params = req.params();
    params.only(&["page", "per_page"])?;
    let page = Page::of(&params)?;
    let catalog = req.state.catalog();
    let items: Vec<Value> = catalog
        .fixtures
        .solutions
        .iter()
        .map(|c| category_json(&catalog, c, None))
        .collect();
    api::list(&req, page, &items)
}

/// `GET /api/v2/solutions/categories/:id[/:language]`
pub async fn show_category(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let id: Id = req.id(0)?;
    let catalog = req.state.catalog();
    let lang = translation_language(&req, &catalog)?;
    let category = catalog
        .category(id)
        .ok_or_else(|| no_such("category", id))?;
    if let Some(code) = lang {
        if code != primary(&catalog) && !category.translations.contains_key(code) {
            return Err(ApiError::not_found(format!(
                "category {id} has no {code} translation"
            )));
        }
    }
    json_response(StatusCode::OK, &category_json(&catalog, category, lang))
}

/// The `:language` when the route has one.
fn translation_language(req: &Req, catalog: &Catalog) -> Result<Option<&'static str>, ApiError> {
    if req.captures_len() > 1 {
        language(req, 1, catalog).map(Some)
    } else {
        Ok(None)
    }
}

/// Name and description from a body, checked.
struct Named {
    name: Option<String>,
    description: Option<String>,
}

fn named(fields: &mut Fields, body: &Map<String, Value>) -> Named {
    Named {
        name: fields.string(body, "name", MAX_NAME),
        description: fields.text(body, "description"),
    }
}

/// `POST /api/v2/solutions/categories`
pub async fn create_category(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &["name", "description", "visible_in_portals"]);
    fields.required(&body, &["name"]);
    let named = named(&mut fields, &body);
    let portals = fields.ids(&body, "visible_in_portals");
    fields.check()?;
    let now = now(&req.state);
    let (catalog, id) = req
        .state
        .edit_catalog(who(&agent), move |catalog, next| {
            let name = named.name.unwrap_or_default();
            check_portals(catalog, portals.as_deref())?;
            unique_category_name(catalog, &name, None)?;
            let id = *next;
            *next += 1;
            let category = Category {
                id,
                name,
                description: named.description.unwrap_or_default(),
                visible_in_portals: portals.unwrap_or_default(),
                created_at: Some(now.clone()),
                updated_at: Some(now),
                translations: Default::default(),
                folders: Vec::new(),
            };
            Ok((vec![Change::Category(category)], id))
        })
        .await?;
    let category = catalog
        .category(id)
        .ok_or_else(|| ApiError::internal("the new category is gone"))?;
    created(category_json(&catalog, category, None))
}

fn check_portals(catalog: &Catalog, portals: Option<&[u64]>) -> Result<(), ApiError> {
    let portal = portal_id(catalog);
    match portals {
        Some(ids) if ids.is_empty() || ids.iter().any(|p| *p != portal) => Err(api::invalid(
            "visible_in_portals",
            format!("It should be one of these values: '{portal}'"),
            "invalid_value",
        )),
        _ => Ok(()),
    }
}

fn unique_category_name(catalog: &Catalog, name: &str, except: Option<Id>) -> Result<(), ApiError> {
    match catalog
        .fixtures
        .solutions
        .iter()
        .find(|c| Some(c.id) != except && c.name.eq_ignore_ascii_case(name))
    {
        Some(other) => Err(duplicate(
            "name",
            format!("category {} is already named {name:?}", other.id),
        )),
        None => Ok(()),
    }
}

/// `PUT /api/v2/solutions/categories/:id`
pub async fn update_category(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &["name", "description", "visible_in_portals"]);
    let named = named(&mut fields, &body);
    let portals = fields.ids(&body, "visible_in_portals");
    fields.check()?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let mut category = catalog
                .category(id)
                .ok_or_else(|| no_such("category", id))?
                .clone();
            check_portals(catalog, portals.as_deref())?;
            if let Some(name) = named.name {
                unique_category_name(catalog, &name, Some(id))?;
                category.name = name;
            }
            if let Some(description) = named.description {
                category.description = description;
            }
            if let Some(portals) = portals {
                category.visible_in_portals = portals;
            }
            category.updated_at = Some(now);
            category.folders.clear();
            Ok((vec![Change::Category(category)], ()))
        })
        .await?;
    let category = catalog
        .category(id)
        .ok_or_else(|| no_such("category", id))?;
    json_response(StatusCode::OK, &category_json(&catalog, category, None))
}

/// A `DELETE` of the record `kind` whose id the path names: 204, or an empty 404 when
/// `exists` does not find it.
async fn delete(
    req: Req,
    kind: &'static str,
    exists: fn(&Catalog, Id) -> bool,
    change: fn(Id) -> Change,
) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    req.state
        .edit_catalog(who(&agent), move |catalog, _| {
            if !exists(catalog, id) {
                return Err(no_such(kind, id));
            }
            Ok((vec![change(id)], ()))
        })
        .await?;
    no_content()
}

/// `DELETE /api/v2/solutions/categories/:id`: with its folders and their articles.
pub async fn delete_category(req: Req) -> Answer {
    delete(
        req,
        "category",
        |c, id| c.category(id).is_some(),
        Change::DeleteCategory,
    )
    .await
}

/// What a category's or folder's translation call asks: `POST` makes, `PUT` changes
/// the `:language` version's name and description.
struct NameTranslationRequest {
    agent: User,
    id: Id,
    creating: bool,
    code: &'static str,
    named: Named,
    now: String,
}

impl NameTranslationRequest {
    async fn read(req: &mut Req) -> Result<NameTranslationRequest, ApiError> {
        let agent = api::caller(req, Privilege::ManageSolutions)?;
        let id: Id = req.id(0)?;
        let creating = req.method == http::Method::POST;
        let code = language(req, 1, &req.state.catalog())?;
        let body = api::body(req).await?;
        let mut fields = Fields::default();
        fields.only(&body, &["name", "description"]);
        if creating {
            fields.required(&body, &["name"]);
        }
        let named = named(&mut fields, &body);
        fields.check()?;
        Ok(NameTranslationRequest {
            agent,
            id,
            creating,
            code,
            named,
            now: now(&req.state),
        })
    }
}

/// `POST` (make) and `PUT` (change) `/api/v2/solutions/categories/:id/:language`.
pub async fn category_translation(mut req: Req) -> Answer {
    let NameTranslationRequest {
        agent,
        id,
        creating,
        code,
        named,
        now,
    } = NameTranslationRequest::read(&mut req).await?;
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let mut category = catalog
                .category(id)
                .ok_or_else(|| no_such("category", id))?
                .clone();
            category.folders.clear();
            if code == primary(catalog) {
                return Err(primary_translation(creating, code));
            }
            let existing = category.translations.get(code).cloned();
            let translation = translate(
                existing,
                creating,
                code,
                named,
                &now,
                format!("category {id}"),
            )?;
            category.translations.insert(code.to_owned(), translation);
            Ok((vec![Change::Category(category)], ()))
        })
        .await?;
    let category = catalog
        .category(id)
        .ok_or_else(|| no_such("category", id))?;
    let status = if creating {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    json_response(status, &category_json(&catalog, category, Some(code)))
}

/// The primary language's version is the record itself: it is made with the record and
/// changed through it.
fn primary_translation(creating: bool, code: &str) -> ApiError {
    if creating {
        duplicate(
            "language",
            format!("{code} is the primary language: its version is the record itself"),
        )
    } else {
        api::invalid(
            "language",
            format!("{code} is the primary language: change the record itself"),
            "invalid_value",
        )
    }
}

/// A name translation made or changed.
fn translate(
    existing: Option<NameTranslation>,
    creating: bool,
    code: &str,
    named: Named,
    now: &str,
    what: String,
) -> Result<NameTranslation, ApiError> {
    match (existing, creating) {
        (Some(_), true) => Err(duplicate(
            "language",
            format!("{what} already has a {code} translation: PUT changes it"),
        )),
        (None, false) => Err(ApiError::not_found(format!(
            "{what} has no {code} translation: POST makes it"
        ))),
        (existing, _) => {
            let mut t = existing.unwrap_or(NameTranslation {
                name: String::new(),
                description: String::new(),
                created_at: Some(now.to_owned()),
                updated_at: None,
            });
            if let Some(name) = named.name {
                t.name = name;
            }
            if let Some(description) = named.description {
                t.description = description;
            }
            t.updated_at = Some(now.to_owned());
            Ok(t)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Folders

/// `GET /api/v2/solutions/categories/:id/folders`
pub async fn list_folders(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let id: Id = req.id(0)?;
    let params = req.params();
    params.only(&["page", "per_page"])?;
    let page = Page::of(&params)?;
    let catalog = req.state.catalog();
    let category = catalog
        .category(id)
        .ok_or_else(|| no_such("category", id))?;
    let items: Vec<Value> = category
        .folders
        .iter()
        .map(|f| folder_json(&catalog, category, f, None))
        .collect();
    api::list(&req, page, &items)
}

/// `GET /api/v2/solutions/folders/:id[/:language]`
pub async fn show_folder(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let id: Id = req.id(0)?;
    let catalog = req.state.catalog();
    let lang = translation_language(&req, &catalog)?;
    let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
    if let Some(code) = lang {
        if code != primary(&catalog) && !folder.translations.contains_key(code) {
            return Err(ApiError::not_found(format!(
                "folder {id} has no {code} translation"
            )));
        }
    }
    json_response(
        StatusCode::OK,
        &folder_json(&catalog, category, folder, lang),
    )
}

const FOLDER_FIELDS: [&str; 6] = [
    "name",
    "description",
    "visibility",
    "company_ids",
    "contact_segment_ids",
    "company_segment_ids",
];

/// A folder's visibility and the groups it names, checked against the account.
struct Access {
    visibility: Option<u64>,
    companies: Option<Vec<u64>>,
    contact_segments: Option<Vec<u64>>,
    company_segments: Option<Vec<u64>>,
}

fn access(fields: &mut Fields, body: &Map<String, Value>) -> Access {
    Access {
        visibility: fields.choice(body, "visibility", &[1, 2, 3, 4, 5, 6, 7]),
        companies: fields.ids(body, "company_ids"),
        contact_segments: fields.ids(body, "contact_segment_ids"),
        company_segments: fields.ids(body, "company_segment_ids"),
    }
}

/// Lays `access` over `folder`: the ids a visibility needs must be given with it (and
/// name the account's companies or segments); ids of another visibility are refused.
fn apply_access(catalog: &Catalog, folder: &mut Folder, access: Access) -> Result<(), ApiError> {
    if let Some(v) = access.visibility {
        folder.visibility = Visibility::try_from(v as u8)
            .map_err(|e| api::invalid("visibility", e, "invalid_value"))?;
    }
    let mut fields = Fields::default();
    let visibility = folder.visibility;
    let mut group = |field: &str,
                     needs: Visibility,
                     given: Option<Vec<u64>>,
                     held: &mut Vec<Id>,
                     exists: &dyn Fn(Id) -> bool| {
        match given {
            Some(_) if visibility != needs => fields.fail(
                field,
                format!(
                    "It should be given only with visibility {}",
                    u8::from(needs)
                ),
                "invalid_field",
            ),
            Some(ids) => {
                let unknown: Vec<String> = ids
                    .iter()
                    .filter(|id| !exists(**id))
                    .map(u64::to_string)
                    .collect();
                if !unknown.is_empty() {
                    fields.fail(
                        field,
                        format!(
                            "There are no records matching the ids: '{}'",
                            unknown.join(", ")
                        ),
                        "invalid_value",
                    );
                } else if ids.is_empty() {
                    fields.fail(
                        field,
                        "It should not be blank as this is a mandatory field",
                        "invalid_value",
                    );
                } else {
                    *held = ids;
                }
            }
            None if visibility == needs && held.is_empty() => {
                fields.fail(field, "Mandatory attribute missing", "missing_field")
            }
            None => {}
        }
        if visibility != needs {
            held.clear();
        }
    };
    group(
        "company_ids",
        Visibility::Companies,
        access.companies,
        &mut folder.companies,
        &|id| catalog.company(id).is_some(),
    );
    group(
        "contact_segment_ids",
        Visibility::ContactSegments,
        access.contact_segments,
        &mut folder.contact_segments,
        &|id| catalog.contact_segment(id).is_some(),
    );
    group(
        "company_segment_ids",
        Visibility::CompanySegments,
        access.company_segments,
        &mut folder.company_segments,
        &|id| catalog.company_segment(id).is_some(),
    );
    fields.check()
}

fn unique_folder_name(category: &Category, name: &str, except: Option<Id>) -> Result<(), ApiError> {
    match category
        .folders
        .iter()
        .find(|f| Some(f.id) != except && f.name.eq_ignore_ascii_case(name))
    {
        Some(other) => Err(duplicate(
            "name",
            format!(
                "folder {} of category {} is already named {name:?}",
                other.id, category.id
            ),
        )),
        None => Ok(()),
    }
}

/// `POST /api/v2/solutions/categories/:id/folders`
pub async fn create_folder(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let category_id: Id = req.id(0)?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &FOLDER_FIELDS);
    fields.required(&body, &["name", "visibility"]);
    let named = named(&mut fields, &body);
    let access = access(&mut fields, &body);
    fields.check()?;
    let now = now(&req.state);
    let (catalog, id) = req
        .state
        .edit_catalog(who(&agent), move |catalog, next| {
            let category = catalog
                .category(category_id)
                .ok_or_else(|| no_such("category", category_id))?;
            let name = named.name.unwrap_or_default();
            unique_folder_name(category, &name, None)?;
            let mut folder = Folder {
                id: *next,
                name,
                visibility: Visibility::Anyone,
                companies: Vec::new(),
                contact_segments: Vec::new(),
                company_segments: Vec::new(),
                description: named.description.unwrap_or_default(),
                created_at: Some(now.clone()),
                updated_at: Some(now),
                translations: Default::default(),
                articles: Default::default(),
            };
            apply_access(catalog, &mut folder, access)?;
            *next += 1;
            let id = folder.id;
            Ok((
                vec![Change::Folder {
                    category: category_id,
                    folder,
                }],
                id,
            ))
        })
        .await?;
    let (category, folder) = catalog
        .folder(id)
        .ok_or_else(|| ApiError::internal("the new folder is gone"))?;
    created(folder_json(&catalog, category, folder, None))
}

/// `PUT /api/v2/solutions/folders/:id`: a changed visibility reaches the widget's search
/// at once (the folder's articles are indexed again).
pub async fn update_folder(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &FOLDER_FIELDS);
    let named = named(&mut fields, &body);
    let access = access(&mut fields, &body);
    fields.check()?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
            let mut folder = folder.clone();
            folder.articles = Default::default();
            if let Some(name) = named.name {
                unique_folder_name(category, &name, Some(id))?;
                folder.name = name;
            }
            if let Some(description) = named.description {
                folder.description = description;
            }
            apply_access(catalog, &mut folder, access)?;
            folder.updated_at = Some(now);
            Ok((
                vec![Change::Folder {
                    category: category.id,
                    folder,
                }],
                (),
            ))
        })
        .await?;
    let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
    json_response(
        StatusCode::OK,
        &folder_json(&catalog, category, folder, None),
    )
}

/// `DELETE /api/v2/solutions/folders/:id`: with its articles.
pub async fn delete_folder(req: Req) -> Answer {
    delete(
        req,
        "folder",
        |c, id| c.folder(id).is_some(),
        Change::DeleteFolder,
    )
    .await
}

/// `POST` and `PUT /api/v2/solutions/folders/:id/:language`
pub async fn folder_translation(mut req: Req) -> Answer {
    let NameTranslationRequest {
        agent,
        id,
        creating,
        code,
        named,
        now,
    } = NameTranslationRequest::read(&mut req).await?;
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
            if code == primary(catalog) {
                return Err(primary_translation(creating, code));
            }
            let mut folder = folder.clone();
            folder.articles = Default::default();
            let existing = folder.translations.get(code).cloned();
            let translation = translate(
                existing,
                creating,
                code,
                named,
                &now,
                format!("folder {id}"),
            )?;
            folder.translations.insert(code.to_owned(), translation);
            Ok((
                vec![Change::Folder {
                    category: category.id,
                    folder,
                }],
                (),
            ))
        })
        .await?;
    let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
    let status = if creating {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    json_response(status, &folder_json(&catalog, category, folder, Some(code)))
}

// ---------------------------------------------------------------------------------------
// Articles

/// `GET /api/v2/solutions/folders/:id/articles`: in the primary language (articles without
/// it are left out).
pub async fn list_articles(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let id: Id = req.id(0)?;
    let params = req.params();
    params.only(&["page", "per_page"])?;
    let page = Page::of(&params)?;
    let catalog = req.state.catalog();
    let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
    let code = primary(&catalog);
    let listed: Vec<&Article> = folder
        .articles
        .iter()
        .filter(|a| a.translations.contains_key(code))
        .collect();
    let (shown, more) = page.slice(&listed);
    let counters = Counters::read(&req.state, shown.iter().map(|a| a.id).collect()).await?;
    let items: Vec<Value> = shown
        .iter()
        .filter_map(|a| article_json(category, folder, a, code, &counters))
        .collect();
    api::page_answer(&req, page, &items, more)
}

/// `GET /api/v2/solutions/articles/:id[/:language]`
pub async fn show_article(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let id: Id = req.id(0)?;
    let catalog = req.state.catalog();
    let code = translation_language(&req, &catalog)?.unwrap_or(primary(&catalog));
    let found = catalog.article(id).ok_or_else(|| no_such("article", id))?;
    let counters = Counters::read(&req.state, vec![id]).await?;
    article_json(found.category, found.folder, found.article, code, &counters)
        .ok_or_else(|| ApiError::not_found(format!("article {id} has no {code} translation")))
        .and_then(|v| ok(&v))
}

const ARTICLE_FIELDS: [&str; 7] = [
    "title",
    "description",
    "status",
    "type",
    "tags",
    "seo_data",
    "agent_id",
];

/// An article's fields as a body gives them, checked.
struct ArticleFields {
    title: Option<String>,
    description: Option<String>,
    status: Option<ArticleStatus>,
    article_type: Option<u8>,
    tags: Option<Vec<String>>,
    seo_data: Option<Map<String, Value>>,
    agent_id: Option<u64>,
}

fn article_fields(fields: &mut Fields, body: &Map<String, Value>) -> ArticleFields {
    let seo_data = fields.object(body, "seo_data");
    if let Some(seo) = &seo_data {
        for key in seo.keys() {
            if !["meta_title", "meta_description", "meta_keywords"].contains(&key.as_str()) {
                fields.fail(
                    &format!("seo_data.{key}"),
                    "Unexpected/invalid field in request",
                    "invalid_field",
                );
            }
        }
    }
    let tags = fields.strings(body, "tags");
    if let Some(tags) = &tags {
        if tags
            .iter()
            .any(|t| t.trim().is_empty() || t.chars().count() > 32)
        {
            fields.fail(
                "tags",
                "It should only contain elements that have maximum of 32 characters",
                "invalid_value",
            );
        }
    }
    ArticleFields {
        title: fields.string(body, "title", MAX_TITLE),
        description: fields.string(body, "description", usize::MAX),
        status: fields.choice(body, "status", &[1, 2]).map(|s| {
            if s == 1 {
                ArticleStatus::Draft
            } else {
                ArticleStatus::Published
            }
        }),
        article_type: fields.choice(body, "type", &[1, 2]).map(|t| t as u8),
        tags,
        seo_data,
        agent_id: fields.integer(body, "agent_id"),
    }
}

fn check_agent(state: &AppState, agent_id: Option<u64>) -> Result<(), ApiError> {
    if let Some(id) = agent_id {
        let known = state
            .read()
            .directory
            .find_by_id(id)
            .is_some_and(User::is_agent);
        if !known {
            return Err(api::invalid(
                "agent_id",
                format!("There is no agent matching the given agent_id {id}"),
                "invalid_value",
            ));
        }
    }
    Ok(())
}

/// `POST /api/v2/solutions/folders/:id/articles`: in the primary language.
pub async fn create_article(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let folder_id: Id = req.id(0)?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &ARTICLE_FIELDS);
    fields.required(&body, &["title", "description", "status"]);
    let given = article_fields(&mut fields, &body);
    fields.check()?;
    check_agent(&req.state, given.agent_id)?;
    let now = now(&req.state);
    let author = agent.id;
    let (catalog, id) = req
        .state
        .edit_catalog(who(&agent), move |catalog, next| {
            catalog
                .folder(folder_id)
                .ok_or_else(|| no_such("folder", folder_id))?;
            let id = *next;
            *next += 1;
            let translation = Translation {
                title: given.title.unwrap_or_default(),
                description: given.description.unwrap_or_default(),
                modified_at: now.clone(),
                status: None,
                created_at: Some(now.into()),
                seo_data: given.seo_data.map(Box::new),
                thumbs_up: 0,
                thumbs_down: 0,
                attachments: Vec::new(),
            };
            let mut article = Article {
                id,
                status: given.status.unwrap_or_default(),
                tags: given.tags.unwrap_or_default(),
                hits: 0,
                article_type: given.article_type.unwrap_or(1),
                agent_id: Some(given.agent_id.unwrap_or(author)),
                translations: [(primary(catalog).to_owned(), translation)].into(),
            };
            prepare_article(&mut article);
            Ok((
                vec![Change::Article {
                    folder: folder_id,
                    article,
                }],
                id,
            ))
        })
        .await?;
    respond_article(&req.state, &catalog, id, None, StatusCode::CREATED).await
}

async fn respond_article(
    state: &AppState,
    catalog: &Arc<Catalog>,
    id: Id,
    code: Option<&str>,
    status: StatusCode,
) -> Answer {
    let found = catalog.article(id).ok_or_else(|| no_such("article", id))?;
    let counters = Counters::read(state, vec![id]).await?;
    let code = code.unwrap_or(primary(catalog));
    let body = article_json(found.category, found.folder, found.article, code, &counters)
        .ok_or_else(|| ApiError::not_found(format!("article {id} has no {code} translation")))?;
    json_response(status, &body)
}

/// `PUT /api/v2/solutions/articles/:id`: the primary language's version, and `folder_id`
/// moves it. Unpublishing (status 1) takes it out of the widget's answers at once.
pub async fn update_article(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    let mut allowed = ARTICLE_FIELDS.to_vec();
    allowed.push("folder_id");
    fields.only(&body, &allowed);
    let given = article_fields(&mut fields, &body);
    let to_folder = fields.integer(&body, "folder_id");
    fields.check()?;
    check_agent(&req.state, given.agent_id)?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let found = catalog.article(id).ok_or_else(|| no_such("article", id))?;
            let folder = match to_folder {
                Some(f) => {
                    catalog.folder(f).ok_or_else(|| {
                        api::invalid(
                            "folder_id",
                            format!("There is no folder with id {f}"),
                            "invalid_value",
                        )
                    })?;
                    f
                }
                None => found.folder.id,
            };
            let mut article = found.article.clone();
            let code = primary(catalog);
            let translation = article
                .translations
                .entry(code.to_owned())
                .or_insert_with(|| Translation {
                    title: String::new(),
                    description: String::new(),
                    modified_at: now.clone(),
                    status: None,
                    created_at: Some(now.as_str().into()),
                    seo_data: None,
                    thumbs_up: 0,
                    thumbs_down: 0,
                    attachments: Vec::new(),
                });
            update_translation(translation, &given, &now);
            if let Some(status) = given.status {
                // The primary version's status is the article's.
                article.status = status;
                if let Some(t) = article.translations.get_mut(code) {
                    t.status = None;
                }
            }
            if let Some(tags) = given.tags.clone() {
                article.tags = tags;
            }
            if let Some(t) = given.article_type {
                article.article_type = t;
            }
            if let Some(a) = given.agent_id {
                article.agent_id = Some(a);
            }
            prepare_article(&mut article);
            Ok((vec![Change::Article { folder, article }], ()))
        })
        .await?;
    respond_article(&req.state, &catalog, id, None, StatusCode::OK).await
}

fn update_translation(t: &mut Translation, given: &ArticleFields, now: &str) {
    if let Some(title) = &given.title {
        t.title = title.clone();
    }
    if let Some(description) = &given.description {
        t.description = description.clone();
    }
    if let Some(seo) = &given.seo_data {
        t.seo_data = Some(Box::new(seo.clone()));
    }
    t.modified_at = now.to_owned();
}

/// `DELETE /api/v2/solutions/articles/:id`
pub async fn delete_article(req: Req) -> Answer {
    delete(
        req,
        "article",
        |c, id| c.article(id).is_some(),
        Change::DeleteArticle,
    )
    .await
}

/// `POST` (make) and `PUT` (change) `/api/v2/solutions/articles/:id/:language`: the
/// translation has a status of its own (a draft translation of a published article stays
/// out of the widget in that language).
pub async fn article_translation(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    let creating = req.method == http::Method::POST;
    let code = language(&req, 1, &req.state.catalog())?;
    let body = api::body(&mut req).await?;
    let mut fields = Fields::default();
    fields.only(
        &body,
        &[
            "title",
            "description",
            "status",
            "seo_data",
            "agent_id",
            "tags",
        ],
    );
    if creating {
        fields.required(&body, &["title", "description", "status"]);
    }
    let given = article_fields(&mut fields, &body);
    fields.check()?;
    check_agent(&req.state, given.agent_id)?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let found = catalog.article(id).ok_or_else(|| no_such("article", id))?;
            if code == primary(catalog) {
                return Err(primary_translation(creating, code));
            }
            let mut article = found.article.clone();
            let exists = article.translations.contains_key(code);
            if exists && creating {
                return Err(duplicate(
                    "language",
                    format!("article {id} already has a {code} translation: PUT changes it"),
                ));
            }
            if !exists && !creating {
                return Err(ApiError::not_found(format!(
                    "article {id} has no {code} translation: POST makes it"
                )));
            }
            let translation = article
                .translations
                .entry(code.to_owned())
                .or_insert_with(|| Translation {
                    title: String::new(),
                    description: String::new(),
                    modified_at: now.clone(),
                    status: None,
                    created_at: Some(now.as_str().into()),
                    seo_data: None,
                    thumbs_up: 0,
                    thumbs_down: 0,
                    attachments: Vec::new(),
                });
            update_translation(translation, &given, &now);
            if let Some(status) = given.status {
                translation.status = Some(status);
            }
            if let Some(tags) = given.tags.clone() {
                article.tags = tags;
            }
            prepare_article(&mut article);
            Ok((
                vec![Change::Article {
                    folder: found.folder.id,
                    article,
                }],
                (),
            ))
        })
        .await?;
    let status = if creating {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    respond_article(&req.state, &catalog, id, Some(code), status).await
}

// ---------------------------------------------------------------------------------------
// Search

/// `GET /api/v2/search/solutions?term=`: every article whose words match, drafts and
/// restricted folders included, best first, as a plain array (`language` picks the
/// translation searched, the primary by default).
pub async fn search(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let params = req.params();
    params.only(&["term", "language", "page", "per_page"])?;
    let page = Page::of(&params)?;
    let term = params.get("term").map(str::trim).unwrap_or_default();
    if term.is_empty() {
        return Err(api::invalid(
            "term",
            "Mandatory attribute missing",
            "missing_field",
        ));
    }
    let catalog = req.state.catalog();
    let lang = match params.get("language") {
        None => catalog.languages.primary,
        Some(code) => {
            let portal: Vec<Lang> = catalog.languages.portal_languages().collect();
            Lang::parse(code)
                .filter(|l| portal.contains(l))
                .ok_or_else(|| {
                    api::invalid(
                        "language",
                        format!(
                            "It should be one of these values: '{}'",
                            portal
                                .iter()
                                .map(|l| l.code())
                                .collect::<Vec<_>>()
                                .join(",")
                        ),
                        "invalid_value",
                    )
                })?
        }
    };
    let term = term.to_owned();
    // Enough for this page and to know whether another follows, never more than there are.
    let wanted = page
        .page
        .saturating_mul(page.per_page)
        .saturating_add(1)
        .min(catalog.article_count());
    let found = {
        let catalog = catalog.clone();
        tokio::task::spawn_blocking(move || catalog.agent_search(lang, &term, 0, wanted))
            .await
            .map_err(|e| ApiError::internal(format!("the search panicked: {e}")))?
            .map_err(ApiError::internal)?
    };
    let (shown, more) = page.slice(&found);
    let counters = Counters::read(&req.state, shown.to_vec()).await?;
    let items: Vec<Value> = shown
        .iter()
        .filter_map(|&id| {
            let a = catalog.article(id)?;
            article_json(a.category, a.folder, a.article, lang.code(), &counters)
        })
        .collect();
    api::page_answer(&req, page, &items, more)
}
