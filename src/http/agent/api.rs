//! Freshdesk's REST API v2 conventions, shared by every `/api/v2` handler: who is calling
//! (HTTP Basic with an agent's API key) and whether their role allows the call; `page`
//! and `per_page`, and the `Link` header to the next page; search pages; validation
//! errors in Freshdesk's words; JSON bodies.

use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::invalid::Invalid;
use crate::domain::people::{Privilege, Role, User};
use crate::http::error::ApiError;
use crate::http::error::FieldError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::{Params, Req, MAX_CONTROL_BODY};

/// Items a list page holds unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: usize = 30;
/// The most a list page holds.
pub const MAX_PER_PAGE: usize = 100;
/// The furthest page a list call reaches: Freshdesk refuses a later one, and connectors
/// that sync more than 300 pages restart from their `updated_since` bookmark instead.
pub const MAX_PAGE: usize = 300;
/// What every list call takes besides its own filters (Freshdesk's
/// `ApiConstants::DEFAULT_INDEX_FIELDS`): paging, checked even where nothing is paged.
pub const PAGING: [&str; 2] = ["page", "per_page"];
/// Search results a page holds (fixed: search takes no `per_page`).
pub const SEARCH_PER_PAGE: usize = 30;
/// Search pages there are at most (Freshdesk: 10, so 300 results).
pub const MAX_SEARCH_PAGE: usize = 10;
/// The largest JSON body an agent call takes (the control plane's limit: an article body
/// of this size is already far beyond what Freshdesk's editor saves).
pub const MAX_JSON_BODY: usize = 4 * MAX_CONTROL_BODY;

/// What the agent API serves, for the 404 of a path it does not.
pub const SERVED: &str = "solutions (categories, folders, articles and their translations), \
    tickets and their conversations, ticket_fields, contacts, contact_fields, companies, company_fields, agents, \
    groups, roles, settings/helpdesk, email_configs and search (solutions, tickets, contacts, companies)";

/// The agent calling, from `Authorization: Basic` (the API key as user name), allowed
/// `privilege` by their role: 401 `invalid_credentials` without a known key, 403
/// `access_denied` when the role does not allow it.
pub fn caller(req: &Req, privilege: Privilege) -> Result<User, ApiError> {
    let agent = super::agent(&req.state, req.header_lossy(&AUTHORIZATION).as_deref())?;
    let Role::Agent { agent_role, .. } = &agent.role else {
        unreachable!("API keys belong to agents only");
    };
    if !agent_role.may(privilege) {
        return Err(ApiError::with_message(
            StatusCode::FORBIDDEN,
            "access_denied",
            "You are not authorized to perform this action.",
            format!(
                "{} ({}) has the role {:?}, which does not allow {}",
                agent.name,
                agent.email,
                agent_role.name(),
                privilege_words(privilege)
            ),
        ));
    }
    Ok(agent)
}

fn privilege_words(privilege: Privilege) -> &'static str {
    match privilege {
        Privilege::ViewSolutions => "viewing the knowledge base",
        Privilege::ManageSolutions => "changing the knowledge base (categories, folders, articles)",
        Privilege::ManageTickets => "managing tickets",
        Privilege::DeleteTicket => "deleting tickets",
        Privilege::ViewContacts => "viewing contacts and companies",
        Privilege::ManageContacts => "changing contacts",
        Privilege::DeleteContact => "deleting contacts",
        Privilege::ManageCompanies => "changing companies",
        Privilege::AdminTasks => "administration",
    }
}

/// A 400 validation error on one field.
pub fn invalid(field: &str, message: impl Into<String>, code: &'static str) -> ApiError {
    Invalid::one(field, message, code).into()
}

/// A 400 validation error listing every bad field.
pub fn invalid_all(errors: Vec<FieldError>) -> ApiError {
    Invalid::of(errors).into()
}

/// A 404 for a record that does not exist: Freshdesk's empty answer, with the reason.
pub fn no_such(kind: &str, id: impl std::fmt::Display) -> ApiError {
    ApiError::not_found(format!("there is no {kind} with id {id}"))
}

/// A soft delete (`deleting`) or a restore of a record that is `deleted_now` or not:
/// Freshdesk answers 404 to deleting what is deleted already and to restoring what is
/// not deleted, as neither record is found by that call.
pub fn check_soft_delete(
    kind: &str,
    id: impl std::fmt::Display,
    deleted_now: bool,
    deleting: bool,
) -> Result<(), ApiError> {
    if deleted_now != deleting {
        return Ok(());
    }
    let what = if deleting {
        format!("{kind} that is not deleted already")
    } else {
        format!("deleted {kind}")
    };
    Err(no_such(&what, id))
}

/// A list call's page: `page` from 1, `per_page` 1–100 (default 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: usize,
    pub per_page: usize,
}

impl Page {
    /// `page` and `per_page` from the query, as Freshdesk checks them.
    pub fn of(params: &Params) -> Result<Page, ApiError> {
        let mut errors = Vec::new();
        let page = match params.get("page") {
            None => 1,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                Ok(n) if n > MAX_PAGE => {
                    errors.push(FieldError::new(
                        "page",
                        format!("It should be a Positive Integer less than or equal to {MAX_PAGE}"),
                        "invalid_value",
                    ));
                    1
                }
                _ => {
                    errors.push(FieldError::new(
                        "page",
                        "It should be a Positive Integer",
                        "invalid_value",
                    ));
                    1
                }
            },
        };
        let per_page = match params.get("per_page") {
            None => DEFAULT_PER_PAGE,
            Some(v) => {
                match v.parse::<usize>() {
                    Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => n,
                    _ => {
                        errors.push(FieldError::new(
                        "per_page",
                        format!("It should be a Positive Integer less than or equal to {MAX_PER_PAGE}"),
                        "invalid_value",
                    ));
                        DEFAULT_PER_PAGE
                    }
                }
            }
        };
        if errors.is_empty() {
            Ok(Page { page, per_page })
        } else {
            Err(invalid_all(errors))
        }
    }

    /// A list that is not paged (roles, the field lists, settings): `page` and `per_page`
    /// are taken and checked as on any list, then ignored, as Freshdesk does; any other
    /// parameter is `invalid_field`.
    pub fn unpaged(params: &Params) -> Result<(), ApiError> {
        params.only(&PAGING)?;
        Page::of(params).map(|_| ())
    }

    /// A search call's page: `page` 1–10, 30 results each.
    pub fn search(params: &Params) -> Result<Page, ApiError> {
        let page = match params.get("page") {
            None => 1,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_SEARCH_PAGE).contains(&n) => n,
                _ => {
                    return Err(invalid(
                        "page",
                        format!(
                        "It should be a Positive Integer less than or equal to {MAX_SEARCH_PAGE}"
                    ),
                        "invalid_value",
                    ))
                }
            },
        };
        Ok(Page {
            page,
            per_page: SEARCH_PER_PAGE,
        })
    }

    fn offset(self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// This page of `items`, and whether a next page exists.
    pub fn slice<T>(self, items: &[T]) -> (&[T], bool) {
        let from = self.offset().min(items.len());
        let to = from.saturating_add(self.per_page).min(items.len());
        (&items[from..to], to < items.len())
    }
}

/// A list page: a JSON array, with `Link: <…page=N+1>; rel="next"` when there is more,
/// an absolute URL on the request's own host with its other parameters kept.
pub fn list<T: Serialize>(req: &Req, page: Page, items: &[T]) -> Answer {
    let (shown, more) = page.slice(items);
    page_answer(req, page, shown, more)
}

/// A list page already cut (see [`Page::slice`]), with the `Link` when `more` follow.
pub fn page_answer<T: Serialize>(req: &Req, page: Page, shown: &[T], more: bool) -> Answer {
    let mut response = json_response(StatusCode::OK, &shown)?;
    if more {
        if let Some(link) = next_link(req, page.page + 1) {
            response.headers_mut().insert(http::header::LINK, link);
        }
    }
    Ok(response)
}

/// A search page: `{"results": [...], "total": N}` (the total of every page).
pub fn search_page<T: Serialize>(page: Page, items: &[T]) -> Answer {
    let (shown, _) = page.slice(items);
    json_response(
        StatusCode::OK,
        &serde_json::json!({ "results": shown, "total": items.len() }),
    )
}

fn next_link(req: &Req, next: usize) -> Option<HeaderValue> {
    let host = req.header(&HOST)?;
    let params = req.params();
    let mut query: Vec<(&str, String)> = params
        .iter()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| (k.as_ref(), v.to_string()))
        .collect();
    query.push(("page", next.to_string()));
    let query = serde_urlencoded::to_string(&query).ok()?;
    HeaderValue::from_str(&format!(
        "<http://{host}{}?{query}>; rel=\"next\"",
        req.path()
    ))
    .ok()
}

/// A write's JSON object body, checked as Freshdesk does: JSON media type, an object.
pub async fn body(req: &mut Req) -> Result<Map<String, Value>, ApiError> {
    let bytes = req
        .bytes(
            MAX_JSON_BODY,
            "the agent API takes JSON bodies of this size at most",
        )
        .await?;
    let json = req.header(&CONTENT_TYPE).is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !json {
        return Err(ApiError::with_message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_content_type",
            "Content-Type header should have application/json",
            format!(
                "a JSON body needs Content-Type: application/json, not {}",
                req.header_lossy(&CONTENT_TYPE)
                    .map_or_else(|| "none".into(), |t| format!("{t:?}"))
            ),
        ));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Request body has invalid json format",
            "the body must be a JSON object",
        )),
        Err(e) => Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Request body has invalid json format",
            format!("the body is not JSON: {e}"),
        )),
    }
}

/// Fields of a body checked one by one, every error collected (Freshdesk answers all of
/// them at once).
#[derive(Debug, Default)]
pub struct Fields {
    pub errors: Vec<FieldError>,
}

impl Fields {
    /// Refuses fields not in `allowed`.
    pub fn only(&mut self, body: &Map<String, Value>, allowed: &[&str]) {
        for key in body.keys() {
            if !allowed.contains(&key.as_str()) {
                self.errors.push(FieldError::unexpected(key));
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>, code: &'static str) {
        self.errors.push(FieldError::new(field, message, code));
    }

    /// A required field is missing.
    pub fn missing(&mut self, field: &str) {
        self.fail(field, "Mandatory attribute missing", "missing_field");
    }

    /// Each of `names` the body lacks is missing.
    pub fn required(&mut self, body: &Map<String, Value>, names: &[&str]) {
        for name in names {
            if !body.contains_key(*name) {
                self.missing(name);
            }
        }
    }

    /// A string field: `None` when absent; a wrong type is recorded.
    pub fn string(&mut self, body: &Map<String, Value>, field: &str, max: usize) -> Option<String> {
        match body.get(field)? {
            Value::String(s) if s.trim().is_empty() => {
                self.fail(
                    field,
                    "It should not be blank as this is a mandatory field",
                    "invalid_value",
                );
                None
            }
            Value::String(s) if s.chars().count() > max => {
                self.errors.extend(too_long(field, s, max));
                None
            }
            Value::String(s) => Some(s.clone()),
            other => self.mismatch(field, other, "String"),
        }
    }

    /// A string field that may be empty or null.
    pub fn text(&mut self, body: &Map<String, Value>, field: &str) -> Option<String> {
        match body.get(field)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => Some(String::new()),
            other => self.mismatch(field, other, "String"),
        }
    }

    /// An integer field.
    pub fn integer(&mut self, body: &Map<String, Value>, field: &str) -> Option<u64> {
        match body.get(field)? {
            Value::Number(n) if n.as_u64().is_some() => n.as_u64(),
            other => self.mismatch(field, other, "Positive Integer"),
        }
    }

    /// An integer field that must be one of `choices`.
    pub fn choice(
        &mut self,
        body: &Map<String, Value>,
        field: &str,
        choices: &[u64],
    ) -> Option<u64> {
        let value = self.integer(body, field)?;
        if choices.contains(&value) {
            Some(value)
        } else {
            let list = choices
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            self.fail(
                field,
                format!("It should be one of these values: '{list}'"),
                "invalid_value",
            );
            None
        }
    }

    /// An array of positive integers.
    pub fn ids(&mut self, body: &Map<String, Value>, field: &str) -> Option<Vec<u64>> {
        match body.get(field)? {
            Value::Array(items) if items.iter().all(|v| v.as_u64().is_some()) => {
                Some(items.iter().filter_map(Value::as_u64).collect())
            }
            other => self.mismatch(field, other, "Array"),
        }
    }

    /// An array of strings.
    pub fn strings(&mut self, body: &Map<String, Value>, field: &str) -> Option<Vec<String>> {
        match body.get(field)? {
            Value::Array(items) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            other => self.mismatch(field, other, "Array"),
        }
    }

    /// A JSON object field.
    pub fn object(&mut self, body: &Map<String, Value>, field: &str) -> Option<Map<String, Value>> {
        match body.get(field)? {
            Value::Object(map) => Some(map.clone()),
            other => self.mismatch(field, other, "key/value pair"),
        }
    }

    /// Freshdesk's `datatype_mismatch`: "Value set is of type X.It should be a/an Y" (no
    /// space after the full stop, as `error_options.rb` joins them). Always `None`, so an
    /// arm can end with it.
    fn mismatch<T>(&mut self, field: &str, given: &Value, wanted: &str) -> Option<T> {
        self.fail(
            field,
            format!(
                "Value set is of type {}.It should be a/an {wanted}",
                type_name(given)
            ),
            "datatype_mismatch",
        );
        None
    }

    /// Every error so far as one 400, or nothing.
    pub fn check(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(invalid_all(self.errors))
        }
    }
}

pub use crate::domain::invalid::type_name;
use crate::domain::tickets::too_long;
