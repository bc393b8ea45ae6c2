//! Folders (listed under a category): list, show, create, update, delete and translations.

use http::StatusCode;
use serde_json::{Map, Value};

use super::common::{
    created, delete, duplicate, named, no_such, now, primary, primary_translation, translate,
    translation_language, who, NameTranslationRequest,
};
use super::shape::folder_json;
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::{Category, Folder, Id, Visibility};
use crate::domain::people::Privilege;
use crate::domain::solutions::Change;
use crate::http::agent::api::{self, Fields, Page};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, Answer};
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
