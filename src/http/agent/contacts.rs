//! Contacts through Freshdesk's agent API: `GET/POST /api/v2/contacts`, `GET/PUT/DELETE
//! /api/v2/contacts/:id`, `DELETE /api/v2/contacts/:id/hard_delete`, `PUT
//! /api/v2/contacts/:id/restore`, `GET /api/v2/search/contacts` and `GET
//! /api/v2/contact_fields`, over the same users the widget checks tokens against: a contact
//! created here is one bootstrap finds (and does not create again), a blocked or deleted one
//! is refused (`invalid_user`), a hard-deleted one is `absent_in_db` until bootstrap makes
//! it anew.
//!
//! Reading needs the role's "view contacts", writing "manage contacts", deleting and
//! restoring "delete contact". Agents are not contacts here (404), as in Freshdesk.
//!
//! The list is ordered by name (ties by id), as Freshdesk's `order('users.name')`, and
//! filters incrementally by `_updated_since` (the underscore is Freshdesk's: a plain
//! `updated_since` is `invalid_field`). Show, delete and restore ignore query parameters
//! they do not know, as Freshdesk's actions without a URL check do.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::api::{
    self, body, caller, check_soft_delete, invalid, list, no_such, search_page, Fields, Page,
    PAGING,
};
use super::query::{self, date_matches, Op, Term};
use crate::domain::clock::{format_timestamp, parse_instant};
use crate::domain::email::is_valid_email;
use crate::domain::fixtures::{ContactState, Id};
use crate::domain::language::Lang;
use crate::domain::people::{ContactDoc, Privilege};
use crate::http::error::ApiError;
use crate::http::error::FieldError;
use crate::http::reply::{created_at, no_content, ok, Answer};
use crate::http::request::Req;
use crate::state::{AppState, World};

/// Keys a create takes (Freshdesk's, less avatars, Facebook ids and other companies).
const CREATE_FIELDS: &[&str] = &[
    "name",
    "email",
    "phone",
    "mobile",
    "twitter_id",
    "unique_external_id",
    "other_emails",
    "company_id",
    "view_all_tickets",
    "address",
    "custom_fields",
    "description",
    "job_title",
    "language",
    "tags",
    "time_zone",
];

/// Keys an update takes: a create's, and freshmock's `blocked` (Freshdesk blocks contacts
/// from its agent screens only; tests need a way to).
const UPDATE_FIELDS: &[&str] = &[
    "name",
    "email",
    "phone",
    "mobile",
    "twitter_id",
    "unique_external_id",
    "other_emails",
    "company_id",
    "view_all_tickets",
    "address",
    "custom_fields",
    "description",
    "job_title",
    "language",
    "tags",
    "time_zone",
    "blocked",
];

const SEARCH_FIELDS: &[&str] = &[
    "email",
    "phone",
    "mobile",
    "company_id",
    "tag",
    "language",
    "time_zone",
    "active",
    "twitter_id",
    "unique_external_id",
    "created_at",
    "updated_at",
];

/// Freshdesk's limit on secondary emails.
const MAX_OTHER_EMAILS: usize = 10;

/// What the list's `include` side-loads (Freshdesk's `ContactConstants::SIDE_LOADING`).
const SIDE_LOADS: [&str; 1] = ["company"];

/// A contact as Freshdesk's agent API shows it; `full` adds what only show has. The
/// Twitter requester fields are `null`: freshmock has no Twitter channel, and Freshdesk
/// sends them (empty) on accounts without its Twitter API compliance feature.
fn contact_json(state: &AppState, c: &ContactDoc, full: bool) -> Value {
    let language = c
        .language
        .clone()
        .unwrap_or_else(|| state.catalog().languages.primary.code().to_owned());
    let mut v = json!({
        "id": c.id,
        "name": c.name,
        "email": (!c.email.is_empty()).then_some(&c.email),
        "other_emails": c.other_emails,
        "phone": c.phone,
        "mobile": c.mobile,
        "twitter_id": c.twitter_id,
        "facebook_id": null,
        "unique_external_id": c.unique_external_id,
        "company_id": c.companies.first(),
        "view_all_tickets": c.view_all_tickets,
        "active": c.active,
        "address": c.address,
        "description": c.description,
        "job_title": c.job_title,
        "language": language,
        "time_zone": c.time_zone.clone().unwrap_or_else(|| "UTC".to_owned()),
        "custom_fields": c.custom_fields,
        "csat_rating": null,
        "preferred_source": "email",
        "twitter_profile_status": null,
        "twitter_followers_count": null,
        "created_at": format_timestamp(c.created_at),
        "updated_at": format_timestamp(c.updated_at),
    });
    match c.state {
        ContactState::Deleted => v["deleted"] = json!(true),
        // freshmock's: Freshdesk's API does not show it, but tests need to see it.
        ContactState::Blocked | ContactState::Spam => v["blocked"] = json!(true),
        ContactState::Active => {}
    }
    if full {
        v["tags"] = json!(c.tags);
        v["avatar"] = Value::Null;
        v["other_companies"] = json!(c
            .companies
            .iter()
            .skip(1)
            .map(|id| json!({ "company_id": id, "view_all_tickets": c.view_all_tickets }))
            .collect::<Vec<_>>());
    }
    v
}

/// The company a contact's `include=company` side-loads: its id and name, `null` for a
/// contact in no company.
fn company_of(state: &AppState, c: &ContactDoc) -> Value {
    let catalog = state.catalog();
    c.companies
        .first()
        .and_then(|&id| catalog.company(id))
        .map_or(Value::Null, |co| json!({ "id": co.id, "name": co.name }))
}

/// `GET /api/v2/contacts`: verified and unverified contacts by name; `state=` shows the
/// blocked or deleted ones instead.
pub async fn index(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    let params = req.params();
    let mut allowed = vec![
        "email",
        "mobile",
        "phone",
        "company_id",
        "state",
        "tag",
        "unique_external_id",
        "_updated_since",
        "include",
    ];
    allowed.extend(PAGING);
    params.only(&allowed)?;
    let page = Page::of(&params)?;
    let side_load_company = match params.get("include") {
        None => false,
        Some(list) => {
            let asked: Vec<&str> = list.split(',').map(str::trim).collect();
            if asked.iter().any(|a| !SIDE_LOADS.contains(a)) {
                return Err(invalid(
                    "include",
                    format!(
                        "It should be one of these values: '{}'",
                        SIDE_LOADS.join(",")
                    ),
                    "invalid_value",
                ));
            }
            true
        }
    };
    let wanted = params.get("state");
    if let Some(s) = wanted {
        if !matches!(s, "blocked" | "deleted" | "unverified" | "verified") {
            return Err(invalid(
                "state",
                "It should be one of these values: 'blocked,deleted,unverified,verified'",
                "invalid_value",
            ));
        }
    }
    let company_id = match params.get("company_id") {
        Some(v) => Some(v.parse::<Id>().map_err(|_| {
            invalid(
                "company_id",
                "It should be a/an Positive Integer",
                "datatype_mismatch",
            )
        })?),
        None => None,
    };
    let updated_since = match params.get("_updated_since") {
        Some(text) => Some(
            parse_instant(text)
                .or_else(|_| parse_instant(&format!("{text}T00:00:00Z")))
                .map(|ms| ms.div_euclid(1000))
                .map_err(|_| {
                    invalid(
                        "_updated_since",
                        "It should be in the 'valid date time' format",
                        "invalid_value",
                    )
                })?,
        ),
        None => None,
    };
    let email = params.get("email");
    let mobile = params.get("mobile");
    let phone = params.get("phone");
    let tag = params.get("tag");
    let external = params.get("unique_external_id");
    let mut contacts = req.state.contacts().await?;
    contacts.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    let found: Vec<Value> = contacts
        .iter()
        .filter(|c| match wanted {
            None => c.state == ContactState::Active,
            Some("blocked") => matches!(c.state, ContactState::Blocked | ContactState::Spam),
            Some("deleted") => c.state == ContactState::Deleted,
            Some("verified") => c.state == ContactState::Active && c.active,
            _ => c.state == ContactState::Active && !c.active,
        })
        .filter(|c| {
            email.is_none_or(|e| {
                c.email.eq_ignore_ascii_case(e)
                    || c.other_emails.iter().any(|o| o.eq_ignore_ascii_case(e))
            })
        })
        .filter(|c| mobile.is_none_or(|m| c.mobile.as_deref() == Some(m)))
        .filter(|c| phone.is_none_or(|p| c.phone.as_deref() == Some(p)))
        .filter(|c| company_id.is_none_or(|id| c.companies.contains(&id)))
        .filter(|c| tag.is_none_or(|t| c.tags.iter().any(|have| have.eq_ignore_ascii_case(t))))
        .filter(|c| external.is_none_or(|e| c.unique_external_id.as_deref() == Some(e)))
        .filter(|c| updated_since.is_none_or(|since| c.updated_at >= since))
        .map(|c| {
            let mut v = contact_json(&req.state, c, false);
            if side_load_company {
                v["company"] = company_of(&req.state, c);
            }
            v
        })
        .collect();
    list(&req, page, &found)
}

/// `GET /api/v2/contacts/:id` (deleted and blocked ones too).
pub async fn show(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    let id: Id = req.id(0)?;
    let contact = req
        .state
        .contact(id)
        .await?
        .ok_or_else(|| no_such("contact", id))?;
    ok(&contact_json(&req.state, &contact, true))
}

/// What a create or update asked for, its types checked.
#[derive(Debug, Default)]
struct Asked {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    twitter_id: Option<String>,
    unique_external_id: Option<String>,
    other_emails: Option<Vec<String>>,
    company_id: Option<Id>,
    view_all_tickets: Option<bool>,
    address: Option<String>,
    description: Option<String>,
    job_title: Option<String>,
    language: Option<String>,
    tags: Option<Vec<String>>,
    time_zone: Option<String>,
    blocked: Option<bool>,
}

fn boolean(f: &mut Fields, body: &Map<String, Value>, field: &str) -> Option<bool> {
    match body.get(field)? {
        Value::Bool(b) => Some(*b),
        other => {
            f.fail(
                field,
                format!(
                    "Value set is of type {}.It should be a/an Boolean",
                    api::type_name(other)
                ),
                "datatype_mismatch",
            );
            None
        }
    }
}

/// Checks types and formats (no lookups), every error collected.
fn read_asked(
    state: &AppState,
    body: &Map<String, Value>,
    allowed: &[&str],
    creating: bool,
) -> Result<Asked, ApiError> {
    let mut f = Fields::default();
    f.only(body, allowed);
    let email = f.string(body, "email", 255).map(|e| e.trim().to_owned());
    if email.as_deref().is_some_and(|e| !is_valid_email(e)) {
        f.fail(
            "email",
            "It should be in the 'valid email address' format",
            "invalid_value",
        );
    }
    let other_emails = f.strings(body, "other_emails");
    if let Some(others) = &other_emails {
        if others.len() > MAX_OTHER_EMAILS {
            f.fail(
                "other_emails",
                format!(
                    "Has {} elements, it can have maximum of {MAX_OTHER_EMAILS} elements",
                    others.len()
                ),
                "invalid_value",
            );
        } else if others.iter().any(|e| !is_valid_email(e.trim())) {
            f.fail(
                "other_emails",
                "It should contain elements that are in the 'valid email address' format",
                "invalid_value",
            );
        }
    }
    let language = f.string(body, "language", 16);
    if let Some(code) = &language {
        if Lang::parse(code).is_none() {
            f.fail(
                "language",
                "It should be one of the languages Freshdesk supports (en, fr, pt-BR, ...)",
                "invalid_value",
            );
        }
    }
    if let Some(custom) = f.object(body, "custom_fields") {
        // The account has no custom contact fields (see contact_fields).
        for key in custom.keys() {
            f.errors.push(FieldError::unexpected(key));
        }
    }
    let asked = Asked {
        name: f.string(body, "name", 255),
        email,
        phone: f.string(body, "phone", 255),
        mobile: f.string(body, "mobile", 255),
        twitter_id: f.string(body, "twitter_id", 255),
        unique_external_id: f.string(body, "unique_external_id", 255),
        other_emails: other_emails.map(|o| o.iter().map(|e| e.trim().to_owned()).collect()),
        company_id: f.integer(body, "company_id"),
        view_all_tickets: boolean(&mut f, body, "view_all_tickets"),
        address: f.text(body, "address"),
        description: f.text(body, "description"),
        job_title: f.text(body, "job_title"),
        language,
        tags: f.strings(body, "tags"),
        time_zone: f.string(body, "time_zone", 255),
        blocked: boolean(&mut f, body, "blocked"),
    };
    if creating {
        if !body.contains_key("name") {
            f.missing("name");
        }
        let reachable = [
            "email",
            "phone",
            "mobile",
            "twitter_id",
            "unique_external_id",
        ]
        .iter()
        .any(|k| body.contains_key(*k));
        if !reachable {
            f.fail(
                "email",
                "Please fill at least 1 of email, mobile, phone, twitter_id, unique_external_id fields",
                "missing_field",
            );
        }
    }
    if let Some(id) = asked.company_id {
        if state.catalog().company(id).is_none() {
            f.fail(
                "company_id",
                "There is no company matching the given company_id",
                "invalid_value",
            );
        }
    }
    f.check()?;
    Ok(asked)
}

/// Emails and the external id must be no other user's (contacts and agents alike): 409
/// `duplicate_value` naming the user who has it, as Freshdesk answers.
fn refuse_duplicates(world: &World, asked: &Asked, own: Option<Id>) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let taken = |email: &str| {
        world
            .directory
            .find_by_email(email)
            .filter(|u| Some(u.id) != own)
            .map(|u| u.id)
    };
    if let Some(email) = &asked.email {
        if let Some(user_id) = taken(email) {
            errors.push(
                FieldError::new("email", "It should be a unique value", "duplicate_value")
                    .with_info(json!({ "user_id": user_id })),
            );
        }
    }
    for other in asked.other_emails.iter().flatten() {
        if let Some(user_id) = taken(other) {
            errors.push(
                FieldError::new(
                    "other_emails",
                    "It should be a unique value",
                    "duplicate_value",
                )
                .with_info(json!({ "user_id": user_id })),
            );
            break;
        }
    }
    if let Some(external) = &asked.unique_external_id {
        if let Some(user) = world
            .directory
            .users()
            .find(|u| u.external_id.as_deref() == Some(external) && Some(u.id) != own)
        {
            errors.push(
                FieldError::new(
                    "unique_external_id",
                    "It should be a unique value",
                    "duplicate_value",
                )
                .with_info(json!({ "user_id": user.id })),
            );
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    let reason = format!(
        "{} already belong(s) to another user",
        errors
            .iter()
            .map(|e| e.field.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Err(ApiError::validation(StatusCode::CONFLICT, errors, reason))
}

/// Lays what was asked over a contact.
fn apply(c: &mut ContactDoc, asked: Asked) {
    if let Some(v) = asked.name {
        c.name = v;
    }
    if let Some(v) = asked.email {
        c.email = v;
    }
    if let Some(v) = asked.other_emails {
        c.other_emails = v;
    }
    let set = |slot: &mut Option<String>, v: Option<String>| {
        if let Some(v) = v {
            *slot = (!v.is_empty()).then_some(v);
        }
    };
    set(&mut c.phone, asked.phone);
    set(&mut c.mobile, asked.mobile);
    set(&mut c.twitter_id, asked.twitter_id);
    set(&mut c.unique_external_id, asked.unique_external_id);
    set(&mut c.address, asked.address);
    set(&mut c.description, asked.description);
    set(&mut c.job_title, asked.job_title);
    set(&mut c.language, asked.language);
    set(&mut c.time_zone, asked.time_zone);
    if let Some(id) = asked.company_id {
        c.companies.retain(|&other| other != id);
        c.companies.insert(0, id);
    }
    if let Some(v) = asked.view_all_tickets {
        c.view_all_tickets = v;
    }
    if let Some(v) = asked.tags {
        c.tags = v;
    }
    if let Some(blocked) = asked.blocked {
        if blocked {
            c.state = ContactState::Blocked;
        } else if matches!(c.state, ContactState::Blocked | ContactState::Spam) {
            c.state = ContactState::Active;
        }
    }
}

/// `POST /api/v2/contacts`: 201 with the contact (unverified until it logs in).
pub async fn create(mut req: Req) -> Answer {
    let agent = caller(&req, Privilege::ManageContacts)?;
    let body = body(&mut req).await?;
    let state = req.state.clone();
    let asked = read_asked(&state, &body, CREATE_FIELDS, true)?;
    let now = state.now_secs();
    let created = state
        .create_contact(move |world, id| {
            refuse_duplicates(world, &asked, None)?;
            let mut doc = ContactDoc {
                id,
                active: false,
                created_at: now,
                updated_at: now,
                ..ContactDoc::default()
            };
            apply(&mut doc, asked);
            Ok::<_, ApiError>(doc)
        })
        .await??;
    tracing::info!(id = created.id, by = %agent.email, "the agent API created a contact");
    created_at(
        &format!("/api/v2/contacts/{}", created.id),
        &contact_json(&state, &created, true),
    )
}

/// `PUT /api/v2/contacts/:id`: 200 with the contact. A deleted contact is not found.
pub async fn update(mut req: Req) -> Answer {
    caller(&req, Privilege::ManageContacts)?;
    let id: Id = req.id(0)?;
    let body = body(&mut req).await?;
    let state = req.state.clone();
    let asked = read_asked(&state, &body, UPDATE_FIELDS, false)?;
    let edited = state
        .edit_contact(id, move |doc, world| {
            if doc.state == ContactState::Deleted {
                return Err(no_such("contact that is not deleted", id));
            }
            refuse_duplicates(world, &asked, Some(id))?;
            apply(doc, asked);
            if doc.email.is_empty()
                && doc.phone.is_none()
                && doc.mobile.is_none()
                && doc.twitter_id.is_none()
                && doc.unique_external_id.is_none()
            {
                return Err(invalid(
                    "email",
                    "Please fill at least 1 of email, mobile, phone, twitter_id, unique_external_id fields",
                    "missing_field",
                ));
            }
            Ok(())
        })
        .await
        ??
        .ok_or_else(|| no_such("contact", id))?;
    ok(&contact_json(&state, &edited, true))
}

/// `DELETE /api/v2/contacts/:id`: soft delete (204); the widget refuses the contact from
/// then on (`invalid_user`).
pub async fn delete(req: Req) -> Answer {
    set_deleted(req, true).await
}

/// `PUT /api/v2/contacts/:id/restore`: 204; only a deleted contact can be restored.
pub async fn restore(req: Req) -> Answer {
    set_deleted(req, false).await
}

async fn set_deleted(req: Req, deleted: bool) -> Answer {
    caller(&req, Privilege::DeleteContact)?;
    let id: Id = req.id(0)?;
    req.state
        .edit_contact(id, move |doc, _| {
            check_soft_delete("contact", id, doc.state == ContactState::Deleted, deleted)?;
            doc.state = if deleted {
                ContactState::Deleted
            } else {
                ContactState::Active
            };
            Ok::<_, ApiError>(())
        })
        .await??
        .ok_or_else(|| no_such("contact", id))?;
    no_content()
}

/// `DELETE /api/v2/contacts/:id/hard_delete[?force=true]`: forgets the contact (204); one
/// not soft-deleted first needs `force=true`. `force` takes only `true` (Freshdesk's
/// documented value: leave it out for no force; `false` is refused); other parameters are
/// ignored. Its tickets
/// stay, naming a requester no longer there; the widget answers its token `absent_in_db`.
pub async fn hard_delete(req: Req) -> Answer {
    caller(&req, Privilege::DeleteContact)?;
    let params = req.params();
    let force = match params.get("force") {
        None => false,
        // Assumed: Freshdesk takes `True` too (python-freshdesk sends Python's spelling).
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(_) => {
            return Err(invalid(
                "force",
                "It should be one of these values: 'true'",
                "invalid_value",
            ))
        }
    };
    let id: Id = req.id(0)?;
    let removed = req
        .state
        .remove_contact(id, move |doc| {
            if !force && doc.state != ContactState::Deleted {
                // Assumed wording: Freshdesk refuses a hard delete of a contact not
                // deleted first unless forced.
                return Err(invalid(
                    "id",
                    "The contact should be deleted before it is permanently deleted, or force=true given",
                    "invalid_value",
                ));
            }
            Ok(())
        })
        .await
        ??;
    if !removed {
        return Err(no_such("contact", id));
    }
    no_content()
}

fn term_matches(c: &ContactDoc, term: &Term) -> bool {
    use query::Value as V;
    let text = |have: Option<&str>| match (&term.value, have) {
        (V::Null, None) => true,
        (V::Text(s), Some(h)) => h.eq_ignore_ascii_case(s),
        _ => false,
    };
    let date = |at: i64| date_matches(term.op, &term.value, at).unwrap_or(false);
    if term.op != Op::Eq && !term.field.ends_with("_at") {
        return false;
    }
    match term.field.as_str() {
        "email" => match &term.value {
            V::Text(s) => {
                c.email.eq_ignore_ascii_case(s)
                    || c.other_emails.iter().any(|o| o.eq_ignore_ascii_case(s))
            }
            V::Null => c.email.is_empty(),
            _ => false,
        },
        "phone" => text(c.phone.as_deref()),
        "mobile" => text(c.mobile.as_deref()),
        "twitter_id" => text(c.twitter_id.as_deref()),
        "unique_external_id" => text(c.unique_external_id.as_deref()),
        "language" => text(c.language.as_deref()),
        "time_zone" => text(c.time_zone.as_deref()),
        "tag" => match &term.value {
            V::Text(s) => c.tags.iter().any(|t| t.eq_ignore_ascii_case(s)),
            _ => false,
        },
        "company_id" => match &term.value {
            V::Int(n) => c.companies.iter().any(|&id| id as i64 == *n),
            V::Null => c.companies.is_empty(),
            _ => false,
        },
        "active" => matches!(term.value, V::Bool(b) if b == c.active),
        "created_at" => date(c.created_at),
        "updated_at" => date(c.updated_at),
        _ => false,
    }
}

/// `GET /api/v2/search/contacts?query="..."[&page=]`: `{"results", "total"}` by id, deleted
/// and blocked contacts left out.
pub async fn search(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    let params = req.params();
    params.only(&["query", "page"])?;
    let page = Page::search(&params)?;
    let query = query::parse_param(params.get("query"), SEARCH_FIELDS)?;
    let contacts = req.state.contacts().await?;
    let items: Vec<Value> = contacts
        .iter()
        .filter(|c| c.state == ContactState::Active)
        .filter(|c| query.eval(&|term| term_matches(c, term)))
        .map(|c| contact_json(&req.state, c, false))
        .collect();
    search_page(page, &items)
}

/// The default contact fields (the account has no custom ones): name, type, and whether
/// agents and customers must or may fill them.
const CONTACT_FIELDS: [(&str, &str, &str, bool); 13] = [
    ("name", "Full name", "default_name", true),
    ("job_title", "Title", "default_job_title", false),
    ("email", "Email", "default_email", false),
    ("phone", "Work phone", "default_phone", false),
    ("mobile", "Mobile phone", "default_mobile", false),
    ("twitter_id", "Twitter", "default_twitter_id", false),
    ("company_name", "Company", "default_company_name", false),
    ("address", "Address", "default_address", false),
    ("time_zone", "Time zone", "default_time_zone", false),
    ("language", "Language", "default_language", false),
    ("tag_names", "Tags", "default_tag_names", false),
    ("description", "About", "default_description", false),
    (
        "unique_external_id",
        "Unique external ID",
        "default_unique_external_id",
        false,
    ),
];

/// `GET /api/v2/contact_fields`.
pub fn fields(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    Page::unpaged(&req.params())?;
    let at = format_timestamp(req.state.account_created_at());
    let body: Vec<Value> = CONTACT_FIELDS
        .iter()
        .enumerate()
        .map(|(i, (name, label, kind, required))| {
            json!({
                "id": 6_000_000_001u64 + i as u64,
                "name": name,
                "label": label,
                "label_for_customers": label,
                "position": i + 1,
                "type": kind,
                "default": true,
                "required_for_agents": required,
                "required_for_customers": required,
                "customers_can_edit": true,
                "displayed_for_customers": true,
                "editable_in_signup": *name == "name" || *name == "email",
                "created_at": at,
                "updated_at": at,
            })
        })
        .collect();
    ok(&body)
}
