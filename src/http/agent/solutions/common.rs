//! What the knowledge base's handlers share: reading a request's language, names and
//! translation calls, the domain's refusals as answers, and answering a delete.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::StatusCode;
use serde_json::{Map, Value};

use crate::domain::catalog::Catalog;
use crate::domain::clock::format_timestamp;
use crate::domain::fixtures::{Id, NameTranslation};
use crate::domain::language::Lang;
use crate::domain::people::{Privilege, User};
use crate::domain::solutions::rules::MAX_NAME;
use crate::domain::solutions::{Change, NameEdit, Refusal, TranslationCall};
use crate::http::agent::api::{self, Fields};
use crate::http::error::ApiError;
use crate::http::reply::{no_content, Answer};
use crate::http::request::Req;
use crate::state::AppState;

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        match refusal {
            Refusal::Invalid(invalid) => invalid.into(),
            Refusal::NoTranslation(reason) => ApiError::not_found(reason),
        }
    }
}

pub(super) fn now(state: &AppState) -> String {
    format_timestamp(state.clock().now_secs())
}

pub(super) fn primary(catalog: &Catalog) -> &'static str {
    catalog.languages.primary.code()
}

/// `code` when it names one of the portal's languages, else the portal's language codes.
pub(super) fn portal_language(catalog: &Catalog, code: &str) -> Result<Lang, Vec<&'static str>> {
    let portal: Vec<Lang> = catalog.languages.portal_languages().collect();
    Lang::parse(code)
        .filter(|l| portal.contains(l))
        .ok_or_else(|| portal.iter().map(|l| l.code()).collect())
}

/// The `:language` of a translation path: one of the portal's languages, else an empty
/// 404 saying which are.
pub(super) fn language(req: &Req, at: usize, catalog: &Catalog) -> Result<&'static str, ApiError> {
    let code = req.capture(at);
    portal_language(catalog, &code)
        .map(Lang::code)
        .map_err(|codes| {
            ApiError::not_found(format!(
                "{code:?} is not one of the portal's languages ({})",
                codes.join(", ")
            ))
        })
}

/// Who made an edit, as the event log names them.
pub(super) fn who(agent: &User) -> String {
    format!("{} <{}>", agent.name, agent.email)
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
pub(super) fn named(fields: &mut Fields, body: &Map<String, Value>) -> NameEdit {
    NameEdit {
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

/// The call a translation path's method makes: `POST` makes the version, `PUT` changes it.
pub(super) fn translation_call(req: &Req) -> TranslationCall {
    if req.method == http::Method::POST {
        TranslationCall::Create
    } else {
        TranslationCall::Update
    }
}

/// A translation call's answer status: 201 for a version made, 200 for one changed.
pub(super) fn translated(call: TranslationCall) -> StatusCode {
    match call {
        TranslationCall::Create => StatusCode::CREATED,
        TranslationCall::Update => StatusCode::OK,
    }
}

/// What a category's or folder's translation call asks: `POST` makes, `PUT` changes
/// the `:language` version's name and description.
pub(super) struct NameTranslationRequest {
    agent: User,
    pub(super) id: Id,
    pub(super) call: TranslationCall,
    pub(super) code: &'static str,
    named: NameEdit,
    now: String,
}

impl NameTranslationRequest {
    pub(super) async fn read(req: &mut Req) -> Result<NameTranslationRequest, ApiError> {
        let agent = api::caller(req, Privilege::ManageSolutions)?;
        let id: Id = req.id(0)?;
        let call = translation_call(req);
        let code = language(req, 1, &req.state.catalog())?;
        let body = api::body(req).await?;
        let mut fields = Fields::default();
        fields.only(&body, &["name", "description"]);
        if call == TranslationCall::Create {
            fields.required(&body, &["name"]);
        }
        let named = named(&mut fields, &body);
        fields.check()?;
        Ok(NameTranslationRequest {
            agent,
            id,
            call,
            code,
            named,
            now: now(&req.state),
        })
    }

    /// Lays the version over the `kind` record the path names, where `record` finds it as
    /// its change carries it (`translations` its versions, `change` the change it makes).
    pub(super) async fn edit<R: 'static>(
        self,
        state: &AppState,
        kind: &'static str,
        record: fn(&Catalog, Id) -> Result<R, ApiError>,
        translations: fn(&mut R) -> &mut BTreeMap<String, NameTranslation>,
        change: fn(R) -> Change,
    ) -> Result<Arc<Catalog>, ApiError> {
        let NameTranslationRequest {
            agent,
            id,
            call,
            code,
            named,
            now,
        } = self;
        let (catalog, ()) = state
            .edit_catalog(who(&agent), move |catalog, _| {
                let mut found = record(catalog, id)?;
                let what = format!("{kind} {id}");
                let versions = translations(&mut found);
                named.translate(versions, call, primary(catalog), code, &now, &what)?;
                Ok::<_, ApiError>((vec![change(found)], ()))
            })
            .await?;
        Ok(catalog)
    }
}
