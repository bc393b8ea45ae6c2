//! Tickets through Freshdesk's agent API: `GET/POST /api/v2/tickets`, `GET/PUT/DELETE
//! /api/v2/tickets/:id`, `PUT /api/v2/tickets/:id/restore`, `GET /api/v2/search/tickets`
//! and `GET /api/v2/ticket_fields`, over the same store as the widget's contact form: a
//! ticket the widget sent is listed here with `source` 9, and one created here is one more
//! row of the same table (one numbering).
//!
//! Reading and writing need the role's "manage tickets", deleting and restoring "delete
//! ticket". Deletes are soft (`deleted: true`), as Freshdesk's are.

use serde_json::{json, Value};

use super::api::{caller, check_soft_delete, invalid, list, no_such, Page};
use crate::domain::clock::{format_timestamp, parse_instant};
use crate::domain::people::Privilege;
use crate::domain::tickets::conversations::MAX_INCLUDED;
use crate::domain::tickets::{agent_json, attachment_json, sla, Shown};
use crate::http::agent::conversations;
use crate::http::error::ApiError;
use crate::http::reply::{no_content, ok, Answer};
use crate::http::request::{Params, Req};
use crate::state::AppState;

/// Without `updated_since` (or a filter), a list shows the tickets of the last 30 days.
const DEFAULT_WINDOW_SECS: i64 = 30 * 86_400;

/// A ticket's attachments, as its JSON lists them.
async fn attachments_of(state: &AppState, ticket: u64) -> Result<Vec<Value>, ApiError> {
    let all = state.attachments().await?;
    Ok(all
        .into_iter()
        .filter(|a| a.ticket_id == Some(ticket))
        .map(|a| attachment_json(a.id, &a.name, &a.content_type, a.size, a.created_at))
        .collect())
}

/// `include=` values, checked against what the call allows.
fn includes(params: &Params, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    let Some(given) = params.get("include") else {
        return Ok(Vec::new());
    };
    let wanted: Vec<String> = given.split(',').map(|s| s.trim().to_owned()).collect();
    if wanted.iter().any(|w| !allowed.contains(&w.as_str())) {
        return Err(invalid(
            "include",
            format!("It should be one of these values: '{}'", allowed.join(",")),
            "invalid_value",
        ));
    }
    Ok(wanted)
}

fn date_param(params: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    params
        .get(name)
        .map(|text| {
            parse_instant(text)
                .or_else(|_| parse_instant(&format!("{text}T00:00:00Z")))
                .map(|ms| ms.div_euclid(1000))
                .map_err(|_| {
                    invalid(
                        name,
                        "It should be in the 'valid date time' format",
                        "invalid_value",
                    )
                })
        })
        .transpose()
}

/// `GET /api/v2/tickets`.
pub async fn index(req: Req) -> Answer {
    let agent = caller(&req, Privilege::ManageTickets)?;
    let params = req.params();
    params.only(&[
        "filter",
        "requester_id",
        "email",
        "company_id",
        "updated_since",
        "order_by",
        "order_type",
        "include",
        "page",
        "per_page",
    ])?;
    let page = Page::of(&params)?;
    let include = includes(&params, &["requester", "stats", "description"])?;
    let filter = params.get("filter");
    if let Some(f) = filter {
        if !matches!(f, "new_and_my_open" | "watching" | "spam" | "deleted") {
            return Err(invalid(
                "filter",
                "It should be one of these values: 'new_and_my_open,watching,spam,deleted'",
                "invalid_value",
            ));
        }
    }
    let order_by = params.get("order_by").unwrap_or("created_at");
    if !matches!(
        order_by,
        "created_at" | "due_by" | "updated_at" | "status" | "priority"
    ) {
        return Err(invalid(
            "order_by",
            "It should be one of these values: 'created_at,due_by,updated_at,priority,status'",
            "invalid_value",
        ));
    }
    let descending = match params.get("order_type").unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        _ => {
            return Err(invalid(
                "order_type",
                "It should be one of these values: 'asc,desc'",
                "invalid_value",
            ))
        }
    };
    let id_param = |name: &str| -> Result<Option<u64>, ApiError> {
        params
            .get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    invalid(
                        name,
                        "It should be a/an Positive Integer",
                        "datatype_mismatch",
                    )
                })
            })
            .transpose()
    };
    let requester_id = id_param("requester_id")?;
    let company_id = id_param("company_id")?;
    let updated_since = date_param(&params, "updated_since")?;
    let requester_by_email = match params.get("email") {
        Some(email) => Some(
            req.state
                .read()
                .directory
                .find_by_email(email.trim())
                .map(|u| u.id)
                .ok_or_else(|| {
                    invalid(
                        "email",
                        "There is no contact matching the given email",
                        "invalid_value",
                    )
                })?,
        ),
        None => None,
    };
    let now = req.state.now_secs();
    let mut tickets = req.state.all_tickets().await?;
    let world = req.state.read();
    tickets.retain(|t| {
        let visible = match filter {
            None => !t.agent.deleted && !t.agent.spam,
            Some("spam") => t.agent.spam && !t.agent.deleted,
            Some("deleted") => t.agent.deleted,
            Some("watching") => !t.agent.deleted && t.agent.watchers.contains(&agent.id),
            _ => {
                !t.agent.deleted
                    && !t.agent.spam
                    && t.status == 2
                    && t.agent.responder_id.is_none_or(|r| r == agent.id)
            }
        };
        // Freshdesk's default window, lifted by updated_since or by any filter.
        let recent = match updated_since {
            Some(since) => t.updated_at() >= since,
            None => {
                filter.is_some()
                    || requester_id.is_some()
                    || requester_by_email.is_some()
                    || company_id.is_some()
                    || t.created_at >= now - DEFAULT_WINDOW_SECS
            }
        };
        visible
            && recent
            && requester_id.is_none_or(|r| t.requester_id == r)
            && requester_by_email.is_none_or(|r| t.requester_id == r)
            && company_id.is_none_or(|c| t.company(&world.directory) == Some(c))
    });
    // Equal keys tie by id (the same direction), so a connector paging by updated_at
    // sees every ticket once whatever the page size.
    tickets.sort_by_key(|t| {
        let key = match order_by {
            "due_by" => t.due_by(),
            "updated_at" => t.updated_at(),
            "status" => t.status,
            "priority" => t.priority,
            _ => t.created_at,
        };
        (key, t.id)
    });
    if descending {
        tickets.reverse();
    }
    let shown = Shown {
        show: false,
        description: include.iter().any(|i| i == "description"),
        requester: include.iter().any(|i| i == "requester"),
        stats: include.iter().any(|i| i == "stats"),
    };
    let items: Vec<Value> = tickets
        .iter()
        .map(|t| agent_json(&world.directory, t, shown, None))
        .collect();
    drop(world);
    list(&req, page, &items)
}

/// `GET /api/v2/tickets/:id[?include=requester,company,stats,conversations,sla_policy]`:
/// `company` and `sla_policy` are side-loads of the show only, as in Freshdesk;
/// `conversations` the first ten, oldest first.
pub async fn show(req: Req) -> Answer {
    caller(&req, Privilege::ManageTickets)?;
    let params = req.params();
    params.only(&["include"])?;
    let include = includes(
        &params,
        &[
            "requester",
            "company",
            "stats",
            "conversations",
            "sla_policy",
        ],
    )?;
    let id: u64 = req.id(0)?;
    let ticket = req
        .state
        .ticket(id)
        .await?
        .ok_or_else(|| no_such("ticket", id))?;
    let attachments = attachments_of(&req.state, id).await?;
    let conversations = if include.iter().any(|i| i == "conversations") {
        Some(conversations::listed(&req.state, id, Some(MAX_INCLUDED)).await?)
    } else {
        None
    };
    let world = req.state.read();
    let shown = Shown {
        show: true,
        description: true,
        requester: include.iter().any(|i| i == "requester"),
        stats: include.iter().any(|i| i == "stats"),
    };
    let mut v = agent_json(&world.directory, &ticket, shown, Some(attachments));
    if let Some(conversations) = conversations {
        v["conversations"] = json!(conversations);
    }
    if include.iter().any(|i| i == "sla_policy") {
        v["sla_policy"] = sla_policy_json(req.state.account_created_at());
    }
    if include.iter().any(|i| i == "company") {
        v["company"] = ticket
            .company(&world.directory)
            .and_then(|c| world.catalog.company(c))
            .map_or(Value::Null, |c| json!({ "id": c.id, "name": c.name }));
    }
    drop(world);
    ok(&v)
}

/// The account's one SLA policy, Freshdesk's default, whose targets give `due_by` and
/// `fr_due_by` (see [`sla`]): what `include=sla_policy` side-loads on a ticket.
fn sla_policy_json(account_created_at: i64) -> Value {
    let mut targets = serde_json::Map::new();
    for priority in [4, 3, 2, 1] {
        let (respond, resolve) = sla(priority);
        targets.insert(
            format!("priority_{priority}"),
            json!({
                "respond_within": respond,
                "resolve_within": resolve,
                "business_hours": false,
                "escalation_enabled": true,
            }),
        );
    }
    let at = format_timestamp(account_created_at);
    json!({
        "id": 1,
        "name": "Default SLA Policy",
        "description": "default policy",
        "active": true,
        "is_default": true,
        "position": 1,
        "sla_target": targets,
        "applicable_to": {},
        "escalation": {},
        "created_at": at,
        "updated_at": at,
    })
}

/// `DELETE /api/v2/tickets/:id`: soft delete (204); a deleted ticket is not found again.
pub async fn delete(req: Req) -> Answer {
    set_deleted(req, true).await
}

/// `PUT /api/v2/tickets/:id/restore`: 204; only a deleted ticket can be restored.
pub async fn restore(req: Req) -> Answer {
    set_deleted(req, false).await
}

async fn set_deleted(req: Req, deleted: bool) -> Answer {
    caller(&req, Privilege::DeleteTicket)?;
    req.params().only(&[])?;
    let id: u64 = req.id(0)?;
    let now = req.state.now_secs();
    req.state
        .edit_ticket(id, move |ticket, _| {
            check_soft_delete("ticket", id, ticket.agent.deleted, deleted)?;
            ticket.agent.deleted = deleted;
            ticket.agent.updated_at = now;
            Ok::<_, ApiError>(())
        })
        .await??
        .ok_or_else(|| no_such("ticket", id))?;
    no_content()
}

mod search;
mod write;

pub use search::{fields, search};
pub use write::{create, update};
