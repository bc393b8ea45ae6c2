//! Looking at what the mock holds and was asked: users, tickets, votes, hits and the
//! request log.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::{error, ok, with_state};
use crate::http::widget::{respond, ApiError};
use crate::domain::fixtures::Id;
use crate::state::request_log::LogFilter;
use crate::state::AppState;
use crate::state::{AppState as State, TranslationVotes, VoterName};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFilter {
    email: Option<String>,
}

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let contacts = warp::path!("contacts")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(warp::query::<UserFilter>())
        .map(|state: AppState, filter: UserFilter| {
            let world = state.read();
            let users: Vec<_> = world
                .directory
                .users()
                .filter(|u| filter.email.as_deref().is_none_or(|e| u.has_email(e)))
                .collect();
            respond(ok(&users))
        });
    let requests = warp::path!("requests")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(warp::query::<LogFilter>())
        .map(|state: AppState, filter: LogFilter| {
            let log = state.requests();
            respond(ok(
                &json!({ "capacity": log.capacity(), "entries": log.list(&filter) }),
            ))
        });
    let clear = warp::path!("requests")
        .and(warp::delete())
        .and(with_state(state.clone()))
        .map(|state: AppState| {
            state.requests().clear();
            respond(ok(&json!({ "status": "cleared" })))
        });
    let tickets = warp::path!("tickets")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(warp::query::<UserFilter>())
        .map(|state: AppState, filter: UserFilter| {
            respond(ticket_list(&state, filter.email.as_deref(), None))
        });
    let ticket = warp::path!("tickets" / u64)
        .and(warp::get())
        .and(with_state(state.clone()))
        .map(|id: u64, state: AppState| respond(ticket_list(&state, None, Some(id))));
    let votes = warp::path!("votes")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(warp::query::<VoteFilter>())
        .map(|state: AppState, filter: VoteFilter| respond(votes(&state, filter)));
    let hits = warp::path!("hits")
        .and(warp::get())
        .and(with_state(state))
        .and(warp::query::<ArticleFilter>())
        .map(|state: AppState, filter: ArticleFilter| {
            respond(
                state
                    .article_hits()
                    .map_err(ApiError::internal)
                    .and_then(|all| {
                        let picked: Vec<_> = all
                            .into_iter()
                            .filter(|h| filter.article.is_none_or(|a| h.article_id == a))
                            .collect();
                        ok(&picked)
                    }),
            )
        });
    contacts
        .or(requests)
        .unify()
        .or(clear)
        .unify()
        .or(tickets)
        .unify()
        .or(ticket)
        .unify()
        .or(votes)
        .unify()
        .or(hits)
        .unify()
        .boxed()
}

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
fn ticket_list(
    state: &State,
    email: Option<&str>,
    id: Option<u64>,
) -> Result<warp::reply::Response, ApiError> {
    let tickets = state.tickets(email).map_err(ApiError::internal)?;
    let attachments = state.attachments().map_err(ApiError::internal)?;
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
            None => Err(error(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("there is no ticket {id}"),
            )),
        },
        None => ok(&tickets.iter().map(with_attachments).collect::<Vec<_>>()),
    }
}

/// Who voted: per article (every translation, with voters' names and emails and the
/// anonymous rest) or per customer.
fn votes(state: &State, filter: VoteFilter) -> Result<warp::reply::Response, ApiError> {
    if let Some(email) = &filter.email {
        let user = state.read().directory.find_by_email(email).cloned();
        let Some(user) = user else {
            return Err(error(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no user has the email {email}"),
            ));
        };
        let votes = state.customer_votes(user.id).map_err(ApiError::internal)?;
        let picked: Vec<_> = votes
            .into_iter()
            .filter(|v| filter.article.is_none_or(|a| v.article_id == a))
            .collect();
        return ok(&picked);
    }
    let Some(article) = filter.article else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "filter_required",
            "give article=ID or email=EMAIL",
        ));
    };
    if state.catalog().article(article).is_none() {
        return Err(error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no article {article}"),
        ));
    }
    let translations = state.article_votes(article).map_err(ApiError::internal)?;
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
