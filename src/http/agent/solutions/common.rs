//! What the knowledge base's handlers share: reading a request's language, names and
//! translations, and answering a delete.

use http::StatusCode;
use serde_json::{Map, Value};

use crate::domain::catalog::Catalog;
use crate::domain::clock::format_timestamp;
use crate::domain::fixtures::{Id, NameTranslation};
use crate::domain::invalid::Invalid;
use crate::domain::language::Lang;
use crate::domain::people::{Privilege, User};
use crate::domain::solutions::Change;
use crate::http::agent::api::{self, Fields};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, no_content, Answer};
use crate::http::request::Req;
use crate::state::AppState;

/// Longest category or folder name Freshdesk takes.
pub(super) const MAX_NAME: usize = 240;
/// Longest article title.
pub(super) const MAX_TITLE: usize = 240;

pub(super) fn created(value: Value) -> Answer {
    json_response(StatusCode::CREATED, &value)
}

pub(super) fn now(state: &AppState) -> String {
    format_timestamp(state.clock().now_secs())
}

pub(super) fn primary(catalog: &Catalog) -> &'static str {
    catalog.languages.primary.code()
}

/// The `:language` of a translation path: one of the portal's languages, else an empty
/// 404 saying which are.
pub(super) fn language(req: &Req, at: usize, catalog: &Catalog) -> Result<&'static str, ApiError> {
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
pub(super) fn who(agent: &User) -> String {
    format!("{} <{}>", agent.name, agent.email)
}

/// 409 `duplicate_value` on `field`.
pub(super) fn duplicate(field: &str, reason: String) -> ApiError {
    Invalid::duplicate(field, reason).into()
}

pub(super) fn no_such(kind: &str, id: Id) -> ApiError {
    api::no_such(kind, id)
}

/// The `:language` when the route has one.
pub(super) fn translation_language(
    req: &Req,
    catalog: &Catalog,
) -> Result<Option<&'static str>, ApiError> {
    if req.captures_len() > 1 {
        language(req, 1, catalog).map(Some)
    } else {
        Ok(None)
    }
}

/// Name and description from a body, checked.
pub(super) struct Named {
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
}

pub(super) fn named(fields: &mut Fields, body: &Map<String, Value>) -> Named {
    Named {
        name: fields.string(body, "name", MAX_NAME),
        description: fields.text(body, "description"),
    }
}

/// A `DELETE` of the record `kind` whose id the path names: 204, or an empty 404 when
/// `exists` does not find it.
pub(super) async fn delete(
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

/// What a category's or folder's translation call asks: `POST` makes, `PUT` changes
/// the `:language` version's name and description.
pub(super) struct NameTranslationRequest {
    pub(super) agent: User,
    pub(super) id: Id,
    pub(super) creating: bool,
    pub(super) code: &'static str,
    pub(super) named: Named,
    pub(super) now: String,
}

impl NameTranslationRequest {
    pub(super) async fn read(req: &mut Req) -> Result<NameTranslationRequest, ApiError> {
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

/// The primary language's version is the record itself: it is made with the record and
/// changed through it.
pub(super) fn primary_translation(creating: bool, code: &str) -> ApiError {
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
pub(super) fn translate(
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
