//! Categories: list, show, create, update, delete and translations.

use http::StatusCode;
use serde_json::Value;

use super::common::{
    delete, named, no_such, now, primary, translated, translation_language, who,
    NameTranslationRequest,
};
use super::shape::{category_json, portal_id};
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::{Category, Id};
use crate::domain::people::Privilege;
use crate::domain::solutions::{CategoryEdit, Change};
use crate::http::agent::api::{self, Fields, Page};
use crate::http::error::ApiError;
use crate::http::reply::{created, json_response, Answer};
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
    let edit = category_edit(&mut req, &["name"]).await?;
    let now = now(&req.state);
    let (catalog, id) = req
        .state
        .edit_catalog(who(&agent), move |catalog, next| {
            let category =
                edit.create(&catalog.fixtures.solutions, portal_id(catalog), *next, &now)?;
            *next += 1;
            let id = category.id;
            Ok::<_, ApiError>((vec![Change::Category(category)], id))
        })
        .await?;
    let category = catalog
        .category(id)
        .ok_or_else(|| ApiError::internal("the new category is gone"))?;
    created(&category_json(&catalog, category, None))
}

/// A category's fields from the body, checked (`required`: those a create needs).
async fn category_edit(req: &mut Req, required: &[&str]) -> Result<CategoryEdit, ApiError> {
    let body = api::body(req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &["name", "description", "visible_in_portals"]);
    fields.required(&body, required);
    let named = named(&mut fields, &body);
    let portals = fields.ids(&body, "visible_in_portals");
    fields.check()?;
    Ok(CategoryEdit { named, portals })
}

/// `PUT /api/v2/solutions/categories/:id`
pub async fn update_category(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    let edit = category_edit(&mut req, &[]).await?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let mut category = category_record(catalog, id)?;
            let categories = &catalog.fixtures.solutions;
            edit.update(categories, portal_id(catalog), &mut category, &now)?;
            Ok((vec![Change::Category(category)], ()))
        })
        .await?;
    answer_category(&catalog, id, None, StatusCode::OK)
}

/// The category `id` as a change carries it: without its folders (the change keeps them).
fn category_record(catalog: &Catalog, id: Id) -> Result<Category, ApiError> {
    let mut category = catalog
        .category(id)
        .ok_or_else(|| no_such("category", id))?
        .clone();
    category.folders.clear();
    Ok(category)
}

/// The category `id` as the API shows it, in `code` when given.
fn answer_category(catalog: &Catalog, id: Id, code: Option<&str>, status: StatusCode) -> Answer {
    let category = catalog
        .category(id)
        .ok_or_else(|| no_such("category", id))?;
    json_response(status, &category_json(catalog, category, code))
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
    let request = NameTranslationRequest::read(&mut req).await?;
    let (id, code, status) = (request.id, request.code, translated(request.call));
    let catalog = request
        .edit(
            &req.state,
            "category",
            category_record,
            |c| &mut c.translations,
            Change::Category,
        )
        .await?;
    answer_category(&catalog, id, Some(code), status)
}
