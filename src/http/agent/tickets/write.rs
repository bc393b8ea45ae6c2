//! Creating and updating a ticket: the body (JSON or multipart), Freshdesk's checks, the
//! ids it names, and the change applied to the one ticket record.

use serde_json::{json, Map, Value};

use super::attachments_of;
use crate::domain::clock::parse_instant;
use crate::domain::email::is_valid_email;
use crate::domain::fixtures::TicketField;
use crate::domain::invalid::type_name;
use crate::domain::people::{Privilege, Role, User};
use crate::domain::tickets::{
    agent_json, Shown, MAX_SUBJECT_CHARS, PRIORITIES, SOURCES, SOURCE_PORTAL, STATUSES,
};
use crate::http::agent::api::{self, body, caller, invalid, no_such, Fields};
use crate::http::agent::people::{agents, groups};
use crate::http::body::{self as form_body, Accepts, BodyKind, FormFile};
use crate::http::error::ApiError;
use crate::http::error::FieldError;
use crate::http::reply::{created_at, ok, Answer};
use crate::http::request::Req;
use crate::state::store::{AgentTicketFields, NewAttachment, TicketOutcome, TicketRecord};
use crate::state::AppState;

/// The client id under which the agent API's uploads wait to be claimed by their ticket.
const AGENT_UPLOADS: &str = "agent-api";
/// Keys a create takes (Freshdesk's `CREATE_FIELDS`, less what freshmock does not keep:
/// social ids, email configs, parent tickets, internal groups).
const CREATE_FIELDS: &[&str] = &[
    "name",
    "requester_id",
    "email",
    "phone",
    "unique_external_id",
    "subject",
    "type",
    "status",
    "priority",
    "description",
    "responder_id",
    "attachments",
    "cc_emails",
    "custom_fields",
    "due_by",
    "fr_due_by",
    "group_id",
    "product_id",
    "source",
    "tags",
    "company_id",
];

/// Keys an update takes.
const UPDATE_FIELDS: &[&str] = &[
    "name",
    "requester_id",
    "email",
    "phone",
    "unique_external_id",
    "subject",
    "type",
    "status",
    "priority",
    "description",
    "responder_id",
    "custom_fields",
    "due_by",
    "fr_due_by",
    "group_id",
    "product_id",
    "source",
    "tags",
    "company_id",
];

/// A write's body: JSON (`Content-Type: application/json`), or multipart/form-data with
/// `attachments[]` files (a create's only way to attach files, as in Freshdesk).
async fn write_body(req: &mut Req) -> Result<(Map<String, Value>, Vec<FormFile>), ApiError> {
    let multipart = req.content_type().is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/")
    });
    if !multipart {
        return Ok((body(req).await?, Vec::new()));
    }
    let kind = form_body::content_kind(req.content_type().as_deref(), Accepts::JsonOrMultipart)?;
    debug_assert!(matches!(kind, BodyKind::Multipart { .. }));
    let form = form_body::read_params(kind, req.take_body()).await?;
    Ok((from_form(form.params), form.files))
}

/// Form values are text: numbers and booleans are read as Rails' API params would cast
/// them for the fields that take them.
fn from_form(mut params: Map<String, Value>) -> Map<String, Value> {
    for key in [
        "status",
        "priority",
        "source",
        "requester_id",
        "responder_id",
        "group_id",
        "company_id",
        "product_id",
    ] {
        if let Some(Value::String(text)) = params.get(key) {
            if let Ok(n) = text.trim().parse::<u64>() {
                params.insert(key.to_owned(), json!(n));
            }
        }
    }
    if let Some(Value::Object(custom)) = params.get_mut("custom_fields") {
        for value in custom.values_mut() {
            if let Value::String(text) = value {
                let cast = match text.trim() {
                    "true" => Some(json!(true)),
                    "false" => Some(json!(false)),
                    t => t.parse::<i64>().ok().map(|n| json!(n)),
                };
                if let Some(cast) = cast {
                    *value = cast;
                }
            }
        }
    }
    params
}

/// What a create or update asked for, its types checked.
#[derive(Debug, Default)]
struct Asked {
    name: Option<String>,
    requester_id: Option<u64>,
    email: Option<String>,
    phone: Option<String>,
    unique_external_id: Option<String>,
    subject: Option<String>,
    ticket_type: Option<String>,
    status: Option<u64>,
    priority: Option<u64>,
    description: Option<String>,
    responder_id: Option<u64>,
    group_id: Option<u64>,
    company_id: Option<u64>,
    product_id: Option<u64>,
    source: Option<u64>,
    tags: Option<Vec<String>>,
    cc_emails: Option<Vec<String>>,
    custom_fields: Option<Map<String, Value>>,
    due_by: Option<i64>,
    fr_due_by: Option<i64>,
}

/// Checks the body's types and values (everything that needs no lookup), collecting every
/// error as Freshdesk does.
fn read_asked(
    state: &AppState,
    body: &Map<String, Value>,
    allowed: &[&str],
    creating: bool,
) -> Result<Asked, ApiError> {
    let catalog = state.catalog();
    let fields_def = &catalog.fixtures.ticket_fields;
    let mut f = Fields::default();
    f.only(body, allowed);
    if allowed.contains(&"attachments") && body.contains_key("attachments") {
        f.fail(
            "attachments",
            "It should be a/an Array of files, sent as multipart/form-data (attachments[])",
            "datatype_mismatch",
        );
    }
    let email = f.string(body, "email", 255);
    if let Some(e) = &email {
        if !is_valid_email(e.trim()) {
            f.fail(
                "email",
                "It should be in the 'valid email address' format",
                "invalid_value",
            );
        }
    }
    let cc_emails = f.strings(body, "cc_emails");
    if let Some(bad) = cc_emails
        .iter()
        .flatten()
        .find(|e| !is_valid_email(e.trim()))
    {
        f.fail(
            "cc_emails",
            format!(
                "It should contain elements that are in the 'valid email address' format: {bad}"
            ),
            "invalid_value",
        );
    }
    let ticket_type = f.string(body, "type", 255);
    if let Some(t) = &ticket_type {
        let choices: Vec<String> = fields_def
            .iter()
            .find(|d| d.name == "type")
            .and_then(|d| d.choices.as_ref())
            .and_then(Value::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if !choices.is_empty() && !choices.contains(t) {
            f.fail(
                "type",
                format!("It should be one of these values: '{}'", choices.join(",")),
                "invalid_value",
            );
        }
    }
    let date = |f: &mut Fields, field: &str| -> Option<i64> {
        let text = f.string(body, field, 64)?;
        match parse_instant(&text) {
            Ok(ms) => Some(ms.div_euclid(1000)),
            Err(_) => {
                f.fail(
                    field,
                    "It should be in the 'valid date time' format",
                    "invalid_value",
                );
                None
            }
        }
    };
    let due_by = date(&mut f, "due_by");
    let fr_due_by = date(&mut f, "fr_due_by");
    let custom_fields = f.object(body, "custom_fields");
    if let Some(custom) = &custom_fields {
        check_custom(&mut f, custom, fields_def);
    }
    let asked = Asked {
        name: f.string(body, "name", 255),
        requester_id: f.integer(body, "requester_id"),
        email: email.map(|e| e.trim().to_owned()),
        phone: f.string(body, "phone", 255),
        unique_external_id: f.string(body, "unique_external_id", 255),
        subject: f.string(body, "subject", MAX_SUBJECT_CHARS),
        ticket_type,
        status: f.choice(body, "status", &STATUSES),
        priority: f.choice(body, "priority", &PRIORITIES),
        description: f.text(body, "description"),
        responder_id: f.integer(body, "responder_id"),
        group_id: f.integer(body, "group_id"),
        company_id: f.integer(body, "company_id"),
        product_id: f.integer(body, "product_id"),
        source: f.choice(body, "source", &SOURCES),
        tags: f.strings(body, "tags"),
        cc_emails,
        custom_fields,
        due_by,
        fr_due_by,
    };
    if creating {
        let identified = ["requester_id", "email", "phone", "unique_external_id"]
            .iter()
            .any(|k| body.contains_key(*k));
        if !identified {
            f.fail(
                "requester_id",
                "Please fill at least 1 of requester_id, phone, email, twitter_id, facebook_id, unique_external_id fields",
                "missing_field",
            );
        }
        // The default fields the account requires of agents (ticket_fields.json).
        for def in fields_def.iter().filter(|d| d.required_for_agents) {
            let name = def.name.as_str();
            if name == "email" || body.contains_key(name) {
                continue;
            }
            if def.default {
                let message = match name {
                    "status" => "It should be one of these values: '2,3,4,5'".to_owned(),
                    "priority" => "It should be one of these values: '1,2,3,4'".to_owned(),
                    "group_id" | "responder_id" | "product_id" => {
                        "It should be a/an Positive Integer".to_owned()
                    }
                    _ => {
                        f.missing(name);
                        continue;
                    }
                };
                f.fail(name, message, "missing_field");
            } else if !asked
                .custom_fields
                .as_ref()
                .is_some_and(|c| c.contains_key(name))
            {
                f.missing(name);
            }
        }
    }
    f.check()?;
    Ok(asked)
}

/// Custom fields: only the account's, each of its type.
fn check_custom(f: &mut Fields, custom: &Map<String, Value>, defs: &[TicketField]) {
    for (key, value) in custom {
        let Some(def) = defs.iter().find(|d| !d.default && d.name == *key) else {
            f.errors.push(FieldError::unexpected(key));
            continue;
        };
        if value.is_null() {
            continue;
        }
        let ok = match def.field_type.as_str() {
            "custom_number" => value.is_i64() || value.is_u64(),
            "custom_decimal" => value.is_number(),
            "custom_checkbox" => value.is_boolean(),
            "custom_dropdown" => {
                let choices: Vec<&str> = def
                    .choices
                    .as_ref()
                    .and_then(Value::as_array)
                    .map(|c| c.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                match value.as_str() {
                    Some(v) if choices.is_empty() || choices.contains(&v) => true,
                    Some(_) => {
                        f.fail(
                            key,
                            format!("It should be one of these values: '{}'", choices.join(",")),
                            "invalid_value",
                        );
                        continue;
                    }
                    None => false,
                }
            }
            _ => value.is_string(),
        };
        if !ok {
            let wanted = match def.field_type.as_str() {
                "custom_number" => "Integer",
                "custom_decimal" => "Number",
                "custom_checkbox" => "Boolean",
                _ => "String",
            };
            f.fail(
                key,
                format!(
                    "Value set is of type {}.It should be a/an {wanted}",
                    type_name(value)
                ),
                "datatype_mismatch",
            );
        }
    }
}

/// The ids a write names must exist: the requester, the responder (an agent), the group,
/// the company. Returns the requester found, if one was named by id, email, phone or
/// external id.
fn check_ids(state: &AppState, asked: &Asked) -> Result<Option<User>, ApiError> {
    let mut errors = Vec::new();
    let world = state.read();
    let mut requester = None;
    if let Some(id) = asked.requester_id {
        match world.directory.find_by_id(id) {
            Some(u) => requester = Some(u.clone()),
            None => errors.push(FieldError::new(
                "requester_id",
                "There is no contact matching the given requester_id",
                "invalid_value",
            )),
        }
    } else if let Some(email) = &asked.email {
        requester = world.directory.find_by_email(email).map(|u| User::clone(u));
    } else if let Some(phone) = &asked.phone {
        requester = world
            .directory
            .users()
            .find(|u| u.phone.as_deref() == Some(phone) || u.mobile.as_deref() == Some(phone))
            .cloned();
        if requester.is_none() {
            // Assumed: freshmock makes contacts from an email only.
            errors.push(FieldError::new(
                "phone",
                "There is no contact matching the given phone; give an email to create one",
                "invalid_value",
            ));
        }
    } else if let Some(external) = &asked.unique_external_id {
        requester = world
            .directory
            .users()
            .find(|u| u.external_id.as_deref() == Some(external))
            .cloned();
        if requester.is_none() {
            errors.push(FieldError::new(
                "unique_external_id",
                "There is no contact matching the given unique_external_id",
                "invalid_value",
            ));
        }
    }
    let catalog = world.catalog.clone();
    drop(world);
    if let Some(id) = asked.responder_id {
        if !agents(state).iter().any(|a| a.id == id) {
            errors.push(FieldError::new(
                "responder_id",
                "There is no agent matching the given responder_id",
                "invalid_value",
            ));
        }
    }
    if let Some(id) = asked.group_id {
        if !groups(state).iter().any(|g| g.id == id) {
            errors.push(FieldError::new(
                "group_id",
                "There is no group matching the given group_id",
                "invalid_value",
            ));
        }
    }
    if let Some(id) = asked.company_id {
        if catalog.company(id).is_none() {
            errors.push(FieldError::new(
                "company_id",
                "There is no company matching the given company_id",
                "invalid_value",
            ));
        }
    }
    if errors.is_empty() {
        Ok(requester)
    } else {
        Err(api::invalid_all(errors))
    }
}

/// Lays what was asked over a ticket (a new one or a stored one).
fn apply(ticket: &mut TicketRecord, asked: Asked) {
    if let Some(v) = asked.subject {
        ticket.subject = Some(v);
    }
    if let Some(v) = asked.description {
        // Agents write HTML; the text is what it says without the markup.
        ticket.description_text = crate::domain::html::to_text(&v).trim().to_owned();
        ticket.description = v;
    }
    if let Some(v) = asked.status {
        ticket.status = v as i64;
    }
    if let Some(v) = asked.priority {
        ticket.priority = v as i64;
    }
    if let Some(v) = asked.source {
        ticket.source = v as u8;
    }
    if let Some(v) = asked.ticket_type {
        ticket.ticket_type = Some(v);
    }
    if let Some(v) = asked.group_id {
        ticket.group_id = Some(v);
    }
    if let Some(v) = asked.product_id {
        ticket.product_id = Some(v);
    }
    if let Some(v) = asked.tags {
        ticket.tags = v;
    }
    if let Some(v) = asked.cc_emails {
        ticket.cc_emails = v;
    }
    if let Some(v) = asked.custom_fields {
        ticket.custom_fields.extend(v);
    }
    if let Some(v) = asked.responder_id {
        ticket.agent.responder_id = Some(v);
    }
    if let Some(v) = asked.company_id {
        ticket.agent.company_id = Some(v);
    }
    if let Some(v) = asked.due_by {
        ticket.agent.due_by = Some(v);
    }
    if let Some(v) = asked.fr_due_by {
        ticket.agent.fr_due_by = Some(v);
    }
    if let Some(v) = asked.phone {
        ticket.phone = Some(v);
    }
    if let Some(v) = asked.name {
        ticket.name = Some(v);
    }
}

/// `POST /api/v2/tickets` (JSON, or multipart with `attachments[]`): 201 with the ticket.
pub async fn create(mut req: Req) -> Answer {
    let agent = caller(&req, Privilege::ManageTickets)?;
    let (body, files) = write_body(&mut req).await?;
    let state = req.state.clone();
    let asked = read_asked(&state, &body, CREATE_FIELDS, true)?;
    let requester = check_ids(&state, &asked)?;
    let now = state.now_secs();
    let email = match (&requester, &asked.email) {
        (Some(user), _) => user.email.clone(),
        (None, Some(email)) => email.clone(),
        (None, None) => String::new(),
    };
    let name = asked.name.clone();
    let mut ticket = TicketRecord {
        id: 0,
        requester_id: requester.as_ref().map_or(0, |u| u.id),
        email,
        name: None,
        phone: None,
        subject: None,
        description: String::new(),
        description_text: String::new(),
        source: SOURCE_PORTAL,
        product_id: None,
        status: 2,
        priority: 1,
        ticket_type: None,
        group_id: None,
        tags: Vec::new(),
        cc_emails: Vec::new(),
        custom_fields: Map::new(),
        attachment_ids: Vec::new(),
        meta: json!({ "created_by_agent": agent.id }),
        widget_id: 0,
        client_id: AGENT_UPLOADS.to_owned(),
        created_at: now,
        agent: AgentTicketFields::default(),
    };
    apply(&mut ticket, asked);
    if ticket.agent.company_id.is_none() {
        if let Some(Role::Contact { companies, .. }) = requester.as_ref().map(|u| &u.role) {
            ticket.agent.company_id = companies.first().copied();
        }
    }
    for file in files {
        let draft = NewAttachment {
            widget_id: 0,
            client_id: AGENT_UPLOADS.to_owned(),
            name: file.name,
            content_type: file.content_type,
            size: file.size,
            created_at: now,
        };
        let stored = state.save_attachment(draft, file.file).await?;
        ticket.attachment_ids.push(stored.id);
    }
    let created = match state.create_ticket(ticket, name).await? {
        TicketOutcome::Created(t) => t,
        TicketOutcome::NoSuchAttachments(ids) => {
            return Err(ApiError::internal(format!(
                "the agent API's own uploads {ids:?} were not found as drafts"
            )))
        }
    };
    tracing::info!(id = created.id, by = %agent.email, "the agent API created a ticket");
    let attachments = attachments_of(&state, created.id).await?;
    let world = state.read();
    let shown = Shown {
        description: true,
        ..Shown::default()
    };
    let v = agent_json(&world.directory, &created, shown, Some(attachments));
    drop(world);
    created_at(&format!("/api/v2/tickets/{}", created.id), &v)
}

/// `PUT /api/v2/tickets/:id`: 200 with the ticket. A deleted ticket is not found.
pub async fn update(mut req: Req) -> Answer {
    caller(&req, Privilege::ManageTickets)?;
    let id: u64 = req.id(0)?;
    let (body, files) = write_body(&mut req).await?;
    if !files.is_empty() {
        return Err(invalid(
            "attachments",
            "freshmock attaches files when a ticket is created only",
            "invalid_field",
        ));
    }
    let state = req.state.clone();
    let asked = read_asked(&state, &body, UPDATE_FIELDS, false)?;
    let requester = check_ids(&state, &asked)?;
    if asked.email.is_some() && requester.is_none() {
        // Assumed: Freshdesk would create the contact; freshmock changes requesters to
        // known users only.
        return Err(invalid(
            "email",
            "There is no contact matching the given email",
            "invalid_value",
        ));
    }
    let now = state.now_secs();
    let edited = state
        .edit_ticket(id, move |ticket, _world| {
            if ticket.agent.deleted {
                return Err(no_such("ticket (not deleted)", id));
            }
            if let Some(user) = requester {
                ticket.requester_id = user.id;
                ticket.email = user.email.clone();
            }
            apply(ticket, asked);
            ticket.agent.updated_at = now;
            Ok(())
        })
        .await??
        .ok_or_else(|| no_such("ticket", id))?;
    let attachments = attachments_of(&state, id).await?;
    let world = state.read();
    let shown = Shown {
        description: true,
        ..Shown::default()
    };
    let v = agent_json(&world.directory, &edited, shown, Some(attachments));
    drop(world);
    ok(&v)
}
