//! `POST /api/widget/tickets`: the contact form, checked in Freshdesk's order
//! (`widget/tickets_controller.rb`): creation allowed, allowed keys, the form's required
//! fields, types, choices and lengths, the logged-in customer's email, a restricted help
//! desk's requester domains, the captcha (not for predictive tickets), the attachment drafts;
//! then stored with source 9, the inline `attachments[]` files linked like drafts.

use std::collections::BTreeSet;

use http::StatusCode;
use serde_json::{json, Map, Value};

use crate::domain::email::is_valid_email;
use crate::domain::fixtures::{ArticleStatus, TicketField};
use crate::domain::html::text_to_html;
use crate::domain::tickets::form::{check_kind, is_blank, kind_of_custom, kind_of_default};
use crate::domain::tickets::{
    too_long, DEFAULT_PRIORITY, DEFAULT_STATUS, MAX_SUBJECT_CHARS, SOURCE_WIDGET,
};
use crate::http::body::{self, Accepts, FormFile, FormParams};
use crate::http::context::{
    check, contact_form_requires_login, login_required, Login, WidgetCall, WidgetHeaders,
};
use crate::http::error::ApiError;
use crate::http::error::FieldError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::Req;
use crate::state::store::{NewAttachment, TicketOutcome, TicketRecord};
use crate::state::AppState;

/// The captcha answer that always fails (freshmock cannot ask Google): lets a test see the
/// 403 a wrong answer gets. Any other non-blank answer passes.
pub const CAPTCHA_FAIL: &str = "freshmock-captcha-fail";

const MANDATORY: &str =
    "It should not be blank as this is a mandatory field for help widget ticket";
const EMAIL_FORMAT: &str = "It should be in the 'valid email address' format";

/// Keys every widget ticket may carry, besides the customer-editable default ticket fields
/// (custom fields go only inside `custom_fields`, as `validate_params` permits them).
const BASE_KEYS: [&str; 17] = [
    "email",
    "name",
    "phone",
    "subject",
    "requester_id",
    "unique_external_id",
    "product_id",
    "source",
    "tags",
    "cc_emails",
    "attachment_ids",
    // Files of a multipart ticket (`attachments[]`); read aside by the body reader, so a
    // value here is never a file.
    "attachments",
    "custom_fields",
    "g-recaptcha-response",
    "meta",
    "predictive",
    // Assumed: the simple form always has a description, whatever ticket_fields.json says.
    "description",
];

/// `POST /api/widget/tickets`: the contact form, as JSON or multipart/form-data.
pub async fn receive(mut req: Req) -> Answer {
    let kind = body::content_kind(req.content_type().as_deref(), Accepts::JsonOrMultipart)?;
    let params = body::read_params(kind, req.take_body()).await?;
    let sent = SentWith {
        user_agent: req.header_lossy(&http::header::USER_AGENT),
        referrer: req.header_lossy(&http::header::REFERER),
    };
    create(&req.state, WidgetHeaders::of(&req.headers), params, sent).await
}

/// The request headers Freshdesk copies into a ticket's `meta` when the widget does not
/// send them (`META_KEY_MAP`).
struct SentWith {
    user_agent: Option<String>,
    referrer: Option<String>,
}

async fn create(
    state: &AppState,
    headers: WidgetHeaders,
    form: FormParams,
    sent: SentWith,
) -> Answer {
    let call = check(state, headers, Login::Optional)?;
    let widget = call.widget();
    login_required(&call, contact_form_requires_login(widget))?;
    let components = &widget.settings.components;
    if !components.contact_form && !components.predictive_support {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "ticket_creation_not_allowed",
            format!(
                "widget {} has both the contact form and predictive support turned off (settings.components)",
                widget.id
            ),
        ));
    }
    let fields = editable_fields(&call);
    refuse_unknown_keys(&form.params, &fields)?;
    let mut ticket = validate(&call, &form, &fields)?;
    ticket.created_at = state.clock().now_secs();
    ticket.meta = meta(&call, form.params.get("meta"), &sent);

    // A logged-in customer files tickets as themselves.
    if let Some(user) = &call.user {
        if !user.has_email(&ticket.email) {
            tracing::info!(given = %ticket.email, used = %user.email, "the logged-in customer's email replaced the form's");
            ticket.email = user.email.clone();
        }
    }
    refuse_restricted_requester(&call, &ticket.email)?;

    // A predictive ticket (sent as one, by a widget with predictive support) skips the
    // captcha (`check_recaptcha, unless: :predictive_ticket?`).
    let predictive = form.params.get("predictive").is_some_and(is_true)
        && widget.settings.components.predictive_support;
    if state.captcha_checked() && widget.settings.contact_form.captcha && !predictive {
        check_captcha(form.params.get("g-recaptcha-response"))?;
    }

    for file in form.files {
        let id = store_inline_file(state, &call, file).await?;
        ticket.attachment_ids.push(id);
    }

    let name = form
        .params
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match state.create_ticket(ticket, name).await? {
        TicketOutcome::Created(t) => {
            tracing::info!(id = t.id, email = %t.email, "ticket created");
            json_response(StatusCode::CREATED, &json!({ "id": t.id }))
        }
        TicketOutcome::NoSuchAttachments(ids) => {
            let list: Vec<String> = ids.iter().map(u64::to_string).collect();
            Err(ApiError::invalid(
                FieldError::new(
                    "attachment_ids",
                    format!("There are no records matching the ids: '{}'", list.join(", ")),
                    "invalid_value",
                ),
                format!(
                    "attachment(s) {} are not drafts uploaded through widget {} with X-Client-Id {:?} (or are already on a ticket)",
                    list.join(", "),
                    call.widget_id,
                    call.client_id()
                ),
            ))
        }
    }
}

/// A JSON `true`, or a form's `"true"`.
fn is_true(value: &Value) -> bool {
    value.as_bool().unwrap_or(false) || value.as_str().is_some_and(|t| t.trim() == "true")
}

/// An inline file of a multipart ticket, stored as a draft of this widget and browser so
/// that the ticket links it as it links `attachment_ids`.
async fn store_inline_file(
    state: &AppState,
    call: &WidgetCall,
    file: FormFile,
) -> Result<u64, ApiError> {
    let draft = NewAttachment {
        widget_id: call.widget_id,
        client_id: call.client_id().to_owned(),
        name: file.name,
        content_type: file.content_type,
        size: file.size,
        created_at: state.clock().now_secs(),
    };
    let record = state.save_attachment(draft, file.file).await?;
    tracing::info!(
        id = record.id,
        size = record.size,
        "inline ticket file stored"
    );
    Ok(record.id)
}

/// A restricted help desk takes tickets from agents and from requesters of its permissible
/// domains only (`check_ticket_permission`, for anonymous callers and customers).
fn refuse_restricted_requester(call: &WidgetCall, email: &str) -> Result<(), ApiError> {
    let features = &call.catalog.fixtures.account.features;
    let is_agent = call.user.as_ref().is_some_and(|u| u.is_agent());
    if is_agent || features.admits_customer(email) {
        return Ok(());
    }
    Err(ApiError::with_message(
        StatusCode::BAD_REQUEST,
        "invalid_requester",
        // Assumed wording: Freshdesk's source names only the code.
        "You are not allowed to create a ticket for this requester",
        format!(
            "the help desk is restricted (features.restricted_helpdesk) and {email}'s domain is not in features.helpdesk_permissible_domains ({})",
            features.helpdesk_permissible_domains.join(", ")
        ),
    ))
}

/// The ticket's `meta` as Freshdesk stores it: `user_agent`, `referrer` and `widget_source`
/// from the widget's `meta`, else from the request (`User-Agent`, `Referer`, `X-Widget-Id`);
/// `seen_articles` keeps the published articles that exist; other keys are dropped.
fn meta(call: &WidgetCall, given: Option<&Value>, sent: &SentWith) -> Value {
    let given = given.and_then(Value::as_object);
    let from_request = [
        ("user_agent", sent.user_agent.clone()),
        ("referrer", sent.referrer.clone()),
        (
            "widget_source",
            call.headers.widget_id.as_deref().map(str::to_owned),
        ),
    ];
    let mut meta = Map::new();
    for (key, header) in from_request {
        // Ruby's `a || b`: only nil and false fall back to the header.
        let value = given
            .and_then(|m| m.get(key))
            .filter(|v| !matches!(v, Value::Null | Value::Bool(false)))
            .cloned()
            .or_else(|| header.map(Value::String));
        if let Some(value) = value {
            meta.insert(key.to_owned(), value);
        }
    }
    let seen = given.and_then(|m| m.get("seen_articles"));
    let ids = match seen {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    let published: Vec<Value> = ids
        .into_iter()
        .filter_map(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
        })
        .filter(|id| {
            call.catalog
                .article(*id)
                .is_some_and(|a| a.article.status == ArticleStatus::Published)
        })
        .map(|id| json!(id))
        .collect();
    if !published.is_empty() {
        meta.insert("seen_articles".to_owned(), Value::Array(published));
    }
    Value::Object(meta)
}

fn check_captcha(answer: Option<&Value>) -> Result<(), ApiError> {
    let answer = answer.and_then(Value::as_str).map(str::trim).unwrap_or("");
    let reason = if answer.is_empty() {
        "the widget asks for a captcha and the ticket has no g-recaptcha-response; freshmock accepts any non-blank answer (or start it with --no-captcha)"
    } else if answer == CAPTCHA_FAIL {
        "g-recaptcha-response is freshmock's failing test value"
    } else {
        return Ok(());
    };
    Err(ApiError::request(
        StatusCode::FORBIDDEN,
        "access_restricted",
        reason,
    ))
}

/// The ticket fields a customer may fill in.
fn editable_fields(call: &WidgetCall) -> Vec<TicketField> {
    call.catalog
        .fixtures
        .ticket_fields
        .iter()
        .filter(|f| f.customers_can_edit)
        .cloned()
        .collect()
}

fn is_custom(field: &TicketField) -> bool {
    !field.default
}

fn refuse_unknown_keys(
    params: &Map<String, Value>,
    fields: &[TicketField],
) -> Result<(), ApiError> {
    let allowed: BTreeSet<&str> = BASE_KEYS
        .iter()
        .copied()
        .chain(
            fields
                .iter()
                .filter(|f| !is_custom(f))
                .map(|f| f.name.as_str()),
        )
        .collect();
    let mut bad: Vec<FieldError> = params
        .keys()
        .filter(|k| !allowed.contains(k.as_str()))
        .map(|k| FieldError::unexpected(k))
        .collect();
    if let Some(Value::Object(custom)) = params.get("custom_fields") {
        bad.extend(
            custom
                .keys()
                .filter(|k| !fields.iter().any(|f| is_custom(f) && &f.name == *k))
                .map(|k| FieldError::unexpected(k)),
        );
    }
    if bad.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
    let custom: Vec<&str> = fields
        .iter()
        .filter(|f| is_custom(f))
        .map(|f| f.name.as_str())
        .collect();
    let reason = format!(
        "{} not a field customers may send; allowed: {}; custom fields ({}) go inside custom_fields",
        names.join(", ") + if names.len() == 1 { " is" } else { " are" },
        allowed.into_iter().collect::<Vec<_>>().join(", "),
        custom.join(", ")
    );
    Err(ApiError::validation(StatusCode::BAD_REQUEST, bad, reason))
}

/// The form's required fields, types and formats; every error at once, as Freshdesk lists them.
fn validate(
    call: &WidgetCall,
    form: &FormParams,
    fields: &[TicketField],
) -> Result<TicketRecord, ApiError> {
    let params = &form.params;
    let mut errors: Vec<FieldError> = Vec::new();
    let form_type = call.widget().settings.contact_form.form_type;

    // Custom fields come only inside custom_fields (a top-level cf_* key was refused).
    let custom: Map<String, Value> = match params.get("custom_fields") {
        Some(Value::Object(inner)) => inner.clone(),
        _ => Map::new(),
    };

    // Required: the simple form needs email and description; the ticket-fields form needs
    // what ticket_fields.json marks required_for_customers.
    let required: Vec<&str> = if form_type == 2 {
        fields
            .iter()
            .filter(|f| f.required_for_customers)
            .map(|f| f.name.as_str())
            .collect()
    } else {
        vec!["email", "description"]
    };
    let mut missing = BTreeSet::new();
    for name in &required {
        let value = params.get(*name).or_else(|| custom.get(*name));
        match value {
            // The ticket-fields form checks description as Freshdesk's ticket API does: a
            // required String (assumed: the message of a missing required default field).
            None if form_type == 2 && *name == "description" => {
                errors.push(FieldError::new(
                    name,
                    "It should be a/an String",
                    "missing_field",
                ));
                missing.insert(*name);
            }
            None => {
                errors.push(FieldError::new(name, MANDATORY, "missing_field"));
                missing.insert(*name);
            }
            Some(v) if is_blank(v) => {
                errors.push(FieldError::new(name, MANDATORY, "invalid_value"));
                missing.insert(*name);
            }
            Some(_) => {}
        }
    }

    // Types of everything present (null is "not given" for optional fields).
    let mut checked = Map::new();
    for (key, value) in params {
        if missing.contains(key.as_str()) || value.is_null() {
            continue;
        }
        let field = fields.iter().find(|f| &f.name == key);
        let kind = match field {
            Some(f) if is_custom(f) => continue, // checked with the custom fields below
            _ => kind_of_default(key, field),
        };
        match check_kind(key, value, &kind, form.from_form) {
            Ok(v) => {
                checked.insert(key.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    let mut custom_checked = Map::new();
    for (key, value) in &custom {
        if missing.contains(key.as_str()) || value.is_null() {
            continue;
        }
        let Some(field) = fields.iter().find(|f| &f.name == key && is_custom(f)) else {
            continue;
        };
        match check_kind(key, value, &kind_of_custom(field), form.from_form) {
            Ok(v) => {
                custom_checked.insert(key.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }

    // Lengths and formats.
    if let Some(Value::String(subject)) = checked.get("subject") {
        errors.extend(too_long("subject", subject, MAX_SUBJECT_CHARS));
    }
    if let Some(Value::String(email)) = checked.get("email") {
        if !email.trim().is_empty() && !is_valid_email(email.trim()) {
            errors.push(FieldError::new("email", EMAIL_FORMAT, "invalid_value"));
        }
    }
    if let Some(Value::Array(ccs)) = checked.get("cc_emails") {
        if ccs
            .iter()
            .any(|c| c.as_str().is_none_or(|c| !is_valid_email(c.trim())))
        {
            errors.push(FieldError::new(
                "cc_emails",
                "It should contain elements that are in the 'valid email address' format",
                "invalid_value",
            ));
        }
    }

    if !errors.is_empty() {
        let reason = errors
            .iter()
            .map(|e| format!("{}: {} ({})", e.field, e.message, e.code))
            .collect::<Vec<_>>()
            .join("; ");
        let form = if form_type == 2 {
            "the ticket-fields form (form_type 2): required fields follow ticket_fields.json"
        } else {
            "the simple form (form_type 1) needs email and description"
        };
        return Err(ApiError::validation(
            StatusCode::BAD_REQUEST,
            errors,
            format!("{reason}; widget {} uses {form}", call.widget_id),
        ));
    }

    let text = |key: &str| checked.get(key).and_then(Value::as_str).map(str::to_owned);
    let int = |key: &str| checked.get(key).and_then(Value::as_i64);
    let strings = |key: &str| -> Vec<String> {
        checked
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let description_text = text("description").unwrap_or_default();
    Ok(TicketRecord {
        id: 0,
        requester_id: 0,
        email: text("email")
            .map(|e| e.trim().to_owned())
            .unwrap_or_default(),
        name: text("name"),
        phone: text("phone"),
        subject: text("subject"),
        description: text_to_html(&description_text),
        description_text,
        source: SOURCE_WIDGET,
        product_id: call.widget().product_id,
        status: int("status").unwrap_or(DEFAULT_STATUS),
        priority: int("priority").unwrap_or(DEFAULT_PRIORITY),
        ticket_type: text("type"),
        group_id: int("group_id").map(|g| g as u64),
        tags: strings("tags"),
        cc_emails: strings("cc_emails"),
        custom_fields: custom_checked,
        attachment_ids: checked
            .get("attachment_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default(),
        // Built from the widget's meta and the request once the ticket is valid.
        meta: json!({}),
        widget_id: call.widget_id,
        client_id: call.client_id().to_owned(),
        created_at: 0,
        agent: Default::default(),
    })
}
