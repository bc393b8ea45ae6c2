//! Articles (listed under a folder): list, show, create, update, delete and translations.

use std::sync::Arc;

use http::StatusCode;
use serde_json::{Map, Value};

use super::common::{
    delete, language, no_such, now, primary, translated, translation_call, translation_language,
    who,
};
use super::shape::{article_json, Counters};
use crate::domain::catalog::{prepare_article, Catalog};
use crate::domain::fixtures::{Article, ArticleStatus, Id};
use crate::domain::people::Privilege;
use crate::domain::solutions::rules::{self, MAX_TITLE};
use crate::domain::solutions::{ArticleEdit, Change, TranslationCall};
use crate::http::agent::api::{self, Fields, Page};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::Req;
use crate::state::AppState;

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
        .map(|a| &**a)
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
    let code = translation_language(&req, &catalog)?;
    respond_article(&req.state, &catalog, id, code, StatusCode::OK).await
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

/// An article's fields from the body as the call allows and requires them, checked (its
/// `agent_id` against the account's agents), and the `folder_id` it moves to where allowed.
fn article_edit(
    state: &AppState,
    body: &Map<String, Value>,
    allowed: &[&str],
    required: &[&str],
) -> Result<(ArticleEdit, Option<Id>), ApiError> {
    let mut fields = Fields::default();
    fields.only(body, allowed);
    fields.required(body, required);
    let seo_data = fields.object(body, "seo_data");
    if let Some(seo) = &seo_data {
        fields.errors.extend(rules::seo_errors(seo));
    }
    let tags = fields.strings(body, "tags");
    if let Some(error) = tags.as_deref().and_then(rules::tags_error) {
        fields.errors.push(error);
    }
    let edit = ArticleEdit {
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
    };
    let to_folder = allowed
        .contains(&"folder_id")
        .then(|| fields.integer(body, "folder_id"))
        .flatten();
    fields.check()?;
    rules::check_agent(&state.read().directory, edit.agent_id)?;
    Ok((edit, to_folder))
}

/// `POST /api/v2/solutions/folders/:id/articles`: in the primary language.
pub async fn create_article(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let folder_id: Id = req.id(0)?;
    let body = api::body(&mut req).await?;
    let required = ["title", "description", "status"];
    let (edit, _) = article_edit(&req.state, &body, &ARTICLE_FIELDS, &required)?;
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
            let mut article = edit.create(id, author, primary(catalog), &now);
            prepare_article(&mut article);
            let folder = folder_id;
            Ok((vec![Change::Article { folder, article }], id))
        })
        .await?;
    respond_article(&req.state, &catalog, id, None, StatusCode::CREATED).await
}

/// The article `id` in the `code` language (the primary by default), with its counters.
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
    let mut allowed = ARTICLE_FIELDS.to_vec();
    allowed.push("folder_id");
    let (edit, to_folder) = article_edit(&req.state, &body, &allowed, &[])?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let found = catalog.article(id).ok_or_else(|| no_such("article", id))?;
            let folder = match to_folder {
                Some(f) => rules::check_folder_id(f, catalog.folder(f).is_some())?,
                None => found.folder.id,
            };
            let mut article = found.article.clone();
            edit.update(&mut article, primary(catalog), &now);
            prepare_article(&mut article);
            Ok::<_, ApiError>((vec![Change::Article { folder, article }], ()))
        })
        .await?;
    respond_article(&req.state, &catalog, id, None, StatusCode::OK).await
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
    let call = translation_call(&req);
    let code = language(&req, 1, &req.state.catalog())?;
    let body = api::body(&mut req).await?;
    let allowed = [
        "title",
        "description",
        "status",
        "seo_data",
        "agent_id",
        "tags",
    ];
    let required: &[&str] = match call {
        TranslationCall::Create => &["title", "description", "status"],
        TranslationCall::Update => &[],
    };
    let (edit, _) = article_edit(&req.state, &body, &allowed, required)?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let found = catalog.article(id).ok_or_else(|| no_such("article", id))?;
            let mut article = found.article.clone();
            let exists = article.translations.contains_key(code);
            let what = format!("article {id}");
            rules::check_translation_call(call, primary(catalog), code, exists, &what)?;
            edit.translate(&mut article, code, &now);
            prepare_article(&mut article);
            let folder = found.folder.id;
            Ok::<_, ApiError>((vec![Change::Article { folder, article }], ()))
        })
        .await?;
    respond_article(&req.state, &catalog, id, Some(code), translated(call)).await
}
