//! A ticket's conversations through the agent API: `GET /api/v2/tickets/:id/conversations`
//! (paged, oldest first), `POST /api/v2/tickets/:id/reply`, `POST /api/v2/tickets/:id/notes`,
//! `PUT /api/v2/conversations/:id` (notes an agent wrote) and `DELETE
//! /api/v2/conversations/:id`. The rules and the JSON are the domain's
//! ([`crate::domain::tickets::conversations`]); this room reads the call and answers it.
//!
//! Every call needs the role's "manage tickets", as the tickets' own calls do. A ticket
//! soft-deleted or in spam still takes conversations (Freshdesk refuses only a ticket
//! deleted forever, which freshmock does not have).

use http::{Method, StatusCode};
use serde_json::Value;

use super::api::{body, caller, list, no_such, Page, PAGING};
use crate::domain::people::Privilege;
use crate::domain::tickets::conversations::{
    self, conversation_json, editable, NotEditable, View, NOTE_FIELDS, REPLY_FIELDS, UPDATE_FIELDS,
};
use crate::http::error::ApiError;
use crate::http::reply::{created_at, no_content, ok, Answer};
use crate::http::request::Req;
use crate::state::AppState;

/// The account's support mailbox: where replies are sent from unless they say.
fn support_email(state: &AppState) -> String {
    format!("support@{}", state.catalog().fixtures.account.domain)
}

fn access_denied(reason: String) -> ApiError {
    ApiError::with_message(
        StatusCode::FORBIDDEN,
        "access_denied",
        "You are not authorized to perform this action.",
        reason,
    )
}

/// A ticket's conversations in Freshdesk's list view, the first `limit` when given (the
/// ticket's `include=conversations`).
pub async fn listed(
    state: &AppState,
    ticket: u64,
    limit: Option<usize>,
) -> Result<Vec<Value>, ApiError> {
    let all = state.conversations(ticket).await?;
    Ok(all
        .iter()
        .take(limit.unwrap_or(usize::MAX))
        .map(|c| conversation_json(c, View::List))
        .collect())
}

/// `GET /api/v2/tickets/:id/conversations`: the ticket's replies and notes, oldest first,
/// paged as every list is (the description is the ticket's, not a conversation).
pub async fn index(req: Req) -> Answer {
    caller(&req, Privilege::ManageTickets)?;
    let params = req.params();
    params.only(&PAGING)?;
    let page = Page::of(&params)?;
    let id: u64 = req.id(0)?;
    req.state
        .ticket(id)
        .await?
        .ok_or_else(|| no_such("ticket", id))?;
    let items = listed(&req.state, id, None).await?;
    list(&req, page, &items)
}

/// `POST /api/v2/tickets/:id/reply`: 201 with the reply.
pub async fn reply(req: Req) -> Answer {
    add(req, true).await
}

/// `POST /api/v2/tickets/:id/notes`: 201 with the note (private unless it says otherwise).
pub async fn note(req: Req) -> Answer {
    add(req, false).await
}

async fn add(mut req: Req, reply: bool) -> Answer {
    let agent = caller(&req, Privilege::ManageTickets)?;
    let id: u64 = req.id(0)?;
    let given = body(&mut req).await?;
    let state = req.state.clone();
    let support = support_email(&state);
    let asked = {
        let world = state.read();
        let allowed = if reply { REPLY_FIELDS } else { NOTE_FIELDS };
        conversations::check(&world.directory, &given, allowed)?
    };
    if let Some(from) = &asked.from_email {
        if !from.eq_ignore_ascii_case(&support) {
            return Err(super::api::invalid(
                "from_email",
                format!(
                    "There is no email config matching the given from_email (the account's is {support})"
                ),
                "invalid_value",
            ));
        }
    }
    let now = state.now_secs();
    let added = state
        .add_conversation(id, move |ticket, _world| {
            let to = if ticket.email.is_empty() {
                Vec::new()
            } else {
                vec![ticket.email.clone()]
            };
            Ok::<_, ApiError>(conversations::new_record(
                id,
                agent.id,
                reply,
                asked,
                to,
                Some(support),
                now,
            ))
        })
        .await??
        .ok_or_else(|| no_such("ticket", id))?;
    tracing::info!(ticket = id, conversation = added.id, by = %agent.email, reply, "the agent API added a conversation");
    let view = if reply { View::Reply } else { View::Note };
    created_at(
        &format!("/api/v2/conversations/{}", added.id),
        &conversation_json(&added, view),
    )
}

/// `PUT /api/v2/conversations/:id`: a note's body, 200 with the note. A reply is 405
/// allowing DELETE (Freshdesk's `can_update?`), a customer's note 403 `access_denied`.
pub async fn update(mut req: Req) -> Answer {
    caller(&req, Privilege::ManageTickets)?;
    let id: u64 = req.id(0)?;
    let given = body(&mut req).await?;
    let state = req.state.clone();
    let now = state.now_secs();
    let edited = state
        .edit_conversation(id, move |c, world| {
            editable(&world.directory, c).map_err(|why| match why {
                NotEditable::NotANote => ApiError::method_not_allowed(
                    Method::PUT,
                    vec![Method::DELETE],
                    false,
                ),
                NotEditable::CustomersNote => access_denied(format!(
                    "conversation {id} is a note the customer (user {}) wrote; agents edit their own notes only",
                    c.user_id
                )),
            })?;
            let asked = conversations::check(&world.directory, &given, UPDATE_FIELDS)?;
            conversations::apply_edit(c, asked, now);
            Ok::<_, ApiError>(())
        })
        .await??
        .ok_or_else(|| no_such("conversation", id))?;
    ok(&conversation_json(&edited, View::Note))
}

/// `DELETE /api/v2/conversations/:id`: 204. A customer's note is 403 `access_denied`.
pub async fn delete(req: Req) -> Answer {
    caller(&req, Privilege::ManageTickets)?;
    let id: u64 = req.id(0)?;
    req.state
        .remove_conversation(id, move |c, world| {
            if conversations::deletable(&world.directory, c) {
                Ok(())
            } else {
                Err(access_denied(format!(
                    "conversation {id} is a note the customer (user {}) wrote",
                    c.user_id
                )))
            }
        })
        .await??
        .ok_or_else(|| no_such("conversation", id))?;
    no_content()
}
