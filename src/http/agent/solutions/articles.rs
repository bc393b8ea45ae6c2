//! Articles (listed under a folder): list, show, create, update, delete and translations.

use std::sync::Arc;

use http::StatusCode;
use serde_json::{Map, Value};

use super::common::{
    delete, duplicate, language, no_such, now, primary, primary_translation, translation_language,
    who, MAX_TITLE,
};
use super::shape::{article_json, Counters};
use crate::domain::catalog::{prepare_article, Catalog};
use crate::domain::fixtures::{Article, ArticleStatus, Id, Translation};
use crate::domain::people::{Privilege, User};
use crate::domain::solutions::Change;
use crate::http::agent::api::{self, Fields, Page};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, ok, Answer};
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
