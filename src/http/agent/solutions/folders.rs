//! Folders (listed under a category): list, show, create, update, delete and translations.

use http::StatusCode;
use serde_json::Value;

use super::common::{
    delete, named, no_such, now, primary, translated, translation_language, who,
    NameTranslationRequest,
};
use super::shape::folder_json;
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::{Category, Folder, Id, Visibility};
use crate::domain::people::Privilege;
use crate::domain::solutions::{Access, Change, FolderEdit};
use crate::http::agent::api::{self, Fields, Page};
use crate::http::error::ApiError;
use crate::http::reply::{created, json_response, Answer};
use crate::http::request::Req;

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

/// A folder's fields from the body, checked (`required`: those a create needs).
async fn folder_edit(req: &mut Req, required: &[&str]) -> Result<FolderEdit, ApiError> {
    let body = api::body(req).await?;
    let mut fields = Fields::default();
    fields.only(&body, &FOLDER_FIELDS);
    fields.required(&body, required);
    let named = named(&mut fields, &body);
    let access = Access {
        visibility: fields.choice(&body, "visibility", &[1, 2, 3, 4, 5, 6, 7]),
        companies: fields.ids(&body, "company_ids"),
        contact_segments: fields.ids(&body, "contact_segment_ids"),
        company_segments: fields.ids(&body, "company_segment_ids"),
    };
    fields.check()?;
    Ok(FolderEdit { named, access })
}

/// Whether the account has the company (or segment) `id` a folder of `visibility` names.
fn known(catalog: &Catalog) -> impl Fn(Visibility, Id) -> bool + '_ {
    move |visibility, id| match visibility {
        Visibility::Companies => catalog.company(id).is_some(),
        Visibility::ContactSegments => catalog.contact_segment(id).is_some(),
        _ => catalog.company_segment(id).is_some(),
    }
}

/// `POST /api/v2/solutions/categories/:id/folders`
pub async fn create_folder(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let category_id: Id = req.id(0)?;
    let edit = folder_edit(&mut req, &["name", "visibility"]).await?;
    let now = now(&req.state);
    let (catalog, id) = req
        .state
        .edit_catalog(who(&agent), move |catalog, next| {
            let category = catalog
                .category(category_id)
                .ok_or_else(|| no_such("category", category_id))?;
            let folder = edit.create(category, *next, &now, &known(catalog))?;
            *next += 1;
            let id = folder.id;
            let category = category_id;
            Ok((vec![Change::Folder { category, folder }], id))
        })
        .await?;
    let (category, folder) = catalog
        .folder(id)
        .ok_or_else(|| ApiError::internal("the new folder is gone"))?;
    created(&folder_json(&catalog, category, folder, None))
}

/// `PUT /api/v2/solutions/folders/:id`: a changed visibility reaches the widget's search
/// at once (the folder's articles are indexed again).
pub async fn update_folder(mut req: Req) -> Answer {
    let agent = api::caller(&req, Privilege::ManageSolutions)?;
    let id: Id = req.id(0)?;
    let edit = folder_edit(&mut req, &[]).await?;
    let now = now(&req.state);
    let (catalog, ()) = req
        .state
        .edit_catalog(who(&agent), move |catalog, _| {
            let (category, mut folder) = folder_record(catalog, id)?;
            edit.update(category, &mut folder, &now, &known(catalog))?;
            let category = category.id;
            Ok::<_, ApiError>((vec![Change::Folder { category, folder }], ()))
        })
        .await?;
    answer_folder(&catalog, id, None, StatusCode::OK)
}

/// The folder `id` as a change carries it, without its articles (the change keeps them),
/// and its category.
fn folder_record(catalog: &Catalog, id: Id) -> Result<(&Category, Folder), ApiError> {
    let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
    let mut folder = folder.clone();
    folder.articles = Default::default();
    Ok((category, folder))
}

/// The folder `id` as the API shows it, in `code` when given.
fn answer_folder(catalog: &Catalog, id: Id, code: Option<&str>, status: StatusCode) -> Answer {
    let (category, folder) = catalog.folder(id).ok_or_else(|| no_such("folder", id))?;
    json_response(status, &folder_json(catalog, category, folder, code))
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
    let request = NameTranslationRequest::read(&mut req).await?;
    let (id, code, status) = (request.id, request.code, translated(request.call));
    let catalog = request
        .edit(
            &req.state,
            "folder",
            |catalog, id| folder_record(catalog, id).map(|(c, folder)| (c.id, folder)),
            |(_, folder)| &mut folder.translations,
            |(category, folder)| Change::Folder { category, folder },
        )
        .await?;
    answer_folder(&catalog, id, Some(code), status)
}
