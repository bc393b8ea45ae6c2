//! Categories: list, show, create, update, delete and translations.

use http::StatusCode;
use serde_json::Value;

use super::common::{
    created, delete, duplicate, named, no_such, now, primary, primary_translation, translate,
    translation_language, who, NameTranslationRequest,
};
use super::shape::{category_json, portal_id};
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::{Category, Id};
use crate::domain::people::Privilege;
use crate::domain::solutions::Change;
use crate::http::agent::api::{self, Fields, Page};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::Req;

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
