//! Looking at what the mock holds and was asked: users, tickets, votes, hits and the
//! request log.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::fixtures::Id;
use crate::http::request::Req;
use crate::http::{ok, Answer, ApiError};
use crate::state::request_log::LogFilter;
use crate::state::{AppState, TranslationVotes, VoterName};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFilter {
    email: Option<String>,
}

/// `GET /_freshmock/contacts[?email=]`: every user, fixtures' and created.
pub fn contacts(req: Req) -> Answer {
    let filter: UserFilter = req.query_as()?;
    let world = req.state.read();
    let users: Vec<_> = world
        .directory
        .users()
        .filter(|u| filter.email.as_deref().is_none_or(|e| u.has_email(e)))
        .collect();
    ok(&users)
}

/// `GET /_freshmock/requests`: the request log, newest last.
pub fn requests(req: Req) -> Answer {
    let filter: LogFilter = req.query_as()?;
    let log = req.state.requests();
    ok(&json!({ "capacity": log.capacity(), "entries": log.list(&filter) }))
}

/// `DELETE /_freshmock/requests`.
pub fn clear_requests(req: Req) -> Answer {
    req.state.requests().clear();
    ok(&json!({ "status": "cleared" }))
}

/// `GET /_freshmock/tickets[?email=]`.
pub async fn tickets(req: Req) -> Answer {
    let filter: UserFilter = req.query_as()?;
    ticket_list(&req.state, filter.email, None).await
}

/// `GET /_freshmock/tickets/:id`.
pub async fn ticket(req: Req) -> Answer {
    req.query_as::<NoParams>()?;
    let id: u64 = req.id(0)?;
    ticket_list(&req.state, None, Some(id)).await
}

/// `GET /_freshmock/votes?article=|email=`.
pub async fn votes(req: Req) -> Answer {
    let filter: VoteFilter = req.query_as()?;
    vote_list(&req.state, filter).await
}

/// `GET /_freshmock/hits[?article=]`.
pub async fn hits(req: Req) -> Answer {
    let filter: ArticleFilter = req.query_as()?;
    let all = req.state.article_hits().await.map_err(ApiError::storage)?;
    let picked: Vec<_> = all
        .into_iter()
        .filter(|h| filter.article.is_none_or(|a| h.article_id == a))
        .collect();
    ok(&picked)
}

/// A call that takes no query parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFilter {
    article: Option<Id>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteFilter {
    article: Option<Id>,
    email: Option<String>,
}

/// Tickets with their attachments' metadata; one ticket (404 when absent) or a list.
async fn ticket_list(state: &AppState, email: Option<String>, id: Option<u64>) -> Answer {
    let tickets = state.tickets(email).await.map_err(ApiError::storage)?;
    let attachments = state.attachments().await.map_err(ApiError::storage)?;
    let world = state.read();
    let with_attachments = |t: &crate::state::store::TicketRecord| -> Value {
        let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
        let user = world.directory.find_by_id(t.requester_id);
        v["requester"] = json!({
            "id": t.requester_id,
            "name": user.map(|u| u.name.clone()).or_else(|| t.name.clone()),
            "email": t.email,
        });
        let own: Vec<_> = attachments
            .iter()
            .filter(|a| a.ticket_id == Some(t.id))
            .collect();
        v["attachments"] = json!(own);
        v
    };
    match id {
        Some(id) => match tickets.iter().find(|t| t.id == id) {
            Some(t) => ok(&with_attachments(t)),
            None => Err(ApiError::control_not_found(format!(
                "there is no ticket {id}"
            ))),
        },
        None => ok(&tickets.iter().map(with_attachments).collect::<Vec<_>>()),
    }
}

/// Who voted: per article (every translation, with voters' names and emails and the
/// anonymous rest) or per customer.
async fn vote_list(state: &AppState, filter: VoteFilter) -> Answer {
    if let Some(email) = &filter.email {
        let user = state.read().directory.find_by_email(email).cloned();
        let Some(user) = user else {
            return Err(ApiError::control_not_found(format!(
                "no user has the email {email}"
            )));
        };
        let votes = state
            .customer_votes(user.id)
            .await
            .map_err(ApiError::storage)?;
        let picked: Vec<_> = votes
            .into_iter()
            .filter(|v| filter.article.is_none_or(|a| v.article_id == a))
            .collect();
        return ok(&picked);
    }
    let Some(article) = filter.article else {
        return Err(ApiError::control(
            StatusCode::BAD_REQUEST,
            "filter_required",
            "give article=ID or email=EMAIL",
        ));
    };
    if state.catalog().article(article).is_none() {
        return Err(ApiError::control_not_found(format!(
            "there is no article {article}"
        )));
    }
    let translations = state
        .article_votes(article)
        .await
        .map_err(ApiError::storage)?;
    let world = state.read();
    let people = |names: &[VoterName]| -> Vec<Value> {
        names
            .iter()
            .map(|n| json!({ "id": n.id, "name": n.name, "email": world.directory.find_by_id(n.id).map(|u| u.email.clone()) }))
            .collect()
    };
    let side = |count: u64, names: &[VoterName]| json!({ "anonymous": count.saturating_sub(names.len() as u64), "users": people(names) });
    let per_language: Vec<Value> = translations
        .iter()
        .map(|t: &TranslationVotes| {
            json!({
                "language": t.language,
                "thumbs_up": t.thumbs_up,
                "thumbs_down": t.thumbs_down,
                "helpful": side(t.thumbs_up, &t.helpful),
                "not_helpful": side(t.thumbs_down, &t.not_helpful),
            })
        })
        .collect();
    let total = |f: fn(&TranslationVotes) -> u64| translations.iter().map(f).sum::<u64>();
    let all_helpful: Vec<_> = translations
        .iter()
        .flat_map(|t| t.helpful.clone())
        .collect();
    let all_not: Vec<_> = translations
        .iter()
        .flat_map(|t| t.not_helpful.clone())
        .collect();
    ok(&json!({
        "article_id": article,
        "helpful": side(total(|t| t.thumbs_up), &all_helpful),
        "not_helpful": side(total(|t| t.thumbs_down), &all_not),
        "translations": per_language,
    }))
}
