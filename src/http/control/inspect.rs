//! Looking at what the mock holds and was asked: users, tickets, votes, hits and the
//! request log.
//!
//! The request log, tickets and votes can also be **awaited**: `wait=DURATION` (at most
//! 30 s) with `count=N` (default 1) answers as soon as N entries match the other filters, or
//! at the deadline with 408 and what was seen so far. A wait listens to the server's event
//! bus and looks again only when something relevant happened: no polling, and a wait that
//! began before the ticket was posted sees it.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::fixtures::Id;
use crate::domain::tickets::conversations::{conversation_json, View};
use crate::domain::tickets::{attachment_json, control_json};
use crate::http::request::Req;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::http::error::ApiError;
use crate::http::reply::{ok, Answer};
use crate::state::events::Event;
use crate::state::request_log::{LogFilter, Outcome, Verdict};
use crate::state::store::TicketRecord;
use crate::state::{AppState, TranslationVotes, VoterName};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFilter {
    email: Option<String>,
}

/// Which tickets: `email` (the requester's), `subject` and `text` (what the subject and the
/// description contain, ignoring case), `since=ID` (tickets numbered after ID: a cursor, as
/// ticket numbers only grow), and a wait.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketQuery {
    email: Option<String>,
    subject: Option<String>,
    text: Option<String>,
    since: Option<u64>,
    wait: Option<String>,
    count: Option<usize>,
}

impl TicketQuery {
    fn matches(&self, ticket: &TicketRecord) -> bool {
        let contains =
            |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        self.since.is_none_or(|since| ticket.id > since)
            && self.subject.as_deref().is_none_or(|s| {
                ticket
                    .subject
                    .as_deref()
                    .is_some_and(|subject| contains(subject, s))
            })
            && self
                .text
                .as_deref()
                .is_none_or(|t| contains(&ticket.description_text, t))
    }
}

/// The request log's filters, a cursor, and a wait.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestQuery {
    email: Option<String>,
    path: Option<String>,
    route: Option<String>,
    status: Option<u16>,
    method: Option<String>,
    token: Option<Verdict>,
    outcome: Option<Outcome>,
    limit: Option<usize>,
    since: Option<u64>,
    wait: Option<String>,
    count: Option<usize>,
}

impl RequestQuery {
    fn filter(&self) -> LogFilter {
        LogFilter {
            since: self.since,
            email: self.email.clone(),
            path: self.path.clone(),
            route: self.route.clone(),
            status: self.status,
            method: self.method.clone(),
            token: self.token,
            outcome: self.outcome,
            limit: self.limit,
        }
    }
}

/// A wait can last this long at most; a test that needs longer asks again.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// `wait=DURATION&count=N`.
#[derive(Debug, Clone, Copy)]
struct Wait {
    until: Instant,
    asked: Duration,
    count: usize,
}

impl Wait {
    /// The wait a query asks for; `count` without `wait` answers at once, as a list does.
    fn of(wait: Option<&str>, count: Option<usize>) -> Result<Option<Wait>, ApiError> {
        let Some(text) = wait else {
            return Ok(None);
        };
        let text = text.trim();
        let asked = match text.parse::<u64>() {
            Ok(seconds) => Some(Duration::from_secs(seconds)),
            Err(_) => humantime::parse_duration(text).ok(),
        };
        let invalid =
            |why: String| ApiError::control(StatusCode::BAD_REQUEST, "invalid_query", why);
        let asked = asked.ok_or_else(|| {
            invalid(format!(
                "wait={text:?} is not a duration: give seconds (5) or a unit (500ms, 5s, 30s)"
            ))
        })?;
        if asked > MAX_WAIT {
            return Err(invalid(format!(
                "wait={text} is longer than {} s: wait at most 30 s, and ask again if you need more",
                MAX_WAIT.as_secs()
            )));
        }
        Ok(Some(Wait {
            until: Instant::now() + asked,
            asked,
            count: count.unwrap_or(1),
        }))
    }
}

/// Looks with `look` (what to answer, and how many entries match), again each time an
/// event `relevant` accepts happens, until `wait` is satisfied or over; without a wait,
/// once. Returns the last look and whether the wait was satisfied.
async fn awaited<T, F, Fut>(
    state: &AppState,
    wait: Option<Wait>,
    relevant: fn(&Event) -> bool,
    mut look: F,
) -> Result<(T, usize, bool), ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(T, usize), ApiError>>,
{
    let Some(wait) = wait else {
        let (value, n) = look().await?;
        return Ok((value, n, true));
    };
    // Listening before the first look: nothing that happens after it is missed.
    let mut events = state.events().subscribe();
    loop {
        let (value, n) = look().await?;
        if n >= wait.count {
            return Ok((value, n, true));
        }
        loop {
            match tokio::time::timeout_at(wait.until, events.recv()).await {
                Err(_) | Ok(Err(RecvError::Closed)) => return Ok((value, n, false)),
                Ok(Ok(event)) if !relevant(&event) => continue,
                // Something relevant, or so much happened that some was missed: look again.
                Ok(Ok(_)) | Ok(Err(RecvError::Lagged(_))) => break,
            }
        }
    }
}

/// The answer to a wait: the list at once when satisfied, else 408 with what was seen.
fn wait_answer(
    body: Value,
    found: usize,
    wait: Option<Wait>,
    satisfied: bool,
    what: &str,
) -> Answer {
    match wait {
        Some(wait) if !satisfied => {
            let message = format!(
                "waited {} ms for {} {what}, saw {found}",
                wait.asked.as_millis(),
                wait.count
            );
            Err(ApiError::wait_timeout(message, body))
        }
        _ => ok(&body),
    }
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

/// `GET /_freshmock/requests`: the request log, newest last; `since=ID` for newer entries
/// only, `wait`/`count` to await them.
pub async fn requests(req: Req) -> Answer {
    let query: RequestQuery = req.query_as()?;
    let filter = query.filter();
    let wait = Wait::of(query.wait.as_deref(), query.count)?;
    let state = req.state.clone();
    let (body, found, satisfied) = awaited(
        &req.state,
        wait,
        |e| matches!(e, Event::Request(_)),
        || {
            let log = state.requests();
            let entries = log.list(&filter);
            let found = log.count(&filter);
            std::future::ready(Ok((
                json!({ "capacity": log.capacity(), "entries": entries }),
                found,
            )))
        },
    )
    .await?;
    wait_answer(body, found, wait, satisfied, "requests")
}

/// `GET /_freshmock/requests/count`: how many entries match, for the same filters.
pub fn count_requests(req: Req) -> Answer {
    let query: RequestQuery = req.query_as()?;
    if query.wait.is_some() || query.count.is_some() {
        return Err(ApiError::control(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "requests/count answers at once: wait on GET /_freshmock/requests instead",
        ));
    }
    ok(&json!({ "count": req.state.requests().count(&query.filter()) }))
}

/// `DELETE /_freshmock/requests`.
pub fn clear_requests(req: Req) -> Answer {
    req.state.requests().clear();
    ok(&json!({ "status": "cleared" }))
}

/// `GET /_freshmock/tickets[?email=&subject=&text=&since=][&wait=&count=]`.
pub async fn tickets(req: Req) -> Answer {
    let query: TicketQuery = req.query_as()?;
    let wait = Wait::of(query.wait.as_deref(), query.count)?;
    let state = &req.state;
    let (body, found, satisfied) = awaited(
        state,
        wait,
        |e| matches!(e, Event::Ticket { .. } | Event::Reset | Event::Fixtures),
        || async {
            let list = ticket_values(state, &query).await?;
            let found = list.len();
            Ok((Value::Array(list), found))
        },
    )
    .await?;
    wait_answer(body, found, wait, satisfied, "tickets")
}

/// `GET /_freshmock/tickets/:id`: the ticket, and its `conversations` (replies and notes,
/// oldest first, as the agent API lists them) for the dashboard's ticket view.
pub async fn ticket(req: Req) -> Answer {
    req.query_as::<NoParams>()?;
    let id: u64 = req.id(0)?;
    let mut ticket = ticket_list(&req.state, &TicketQuery::default(), Some(id)).await?;
    let conversations = req.state.conversations(id).await?;
    ticket["conversations"] = conversations
        .iter()
        .map(|c| conversation_json(c, View::List))
        .collect();
    ok(&ticket)
}

/// `GET /_freshmock/votes?article=|email=[&wait=&count=]`: with a wait, `count` is the
/// votes to await (for an article, its thumbs up and down together; for a customer, the
/// articles they voted on).
pub async fn votes(req: Req) -> Answer {
    let filter: VoteFilter = req.query_as()?;
    let wait = Wait::of(filter.wait.as_deref(), filter.count)?;
    let state = &req.state;
    let (body, found, satisfied) = awaited(
        state,
        wait,
        |e| matches!(e, Event::Vote { .. } | Event::Reset | Event::Fixtures),
        || vote_list(state, &filter),
    )
    .await?;
    wait_answer(body, found, wait, satisfied, "votes")
}

/// `GET /_freshmock/hits[?article=]`.
pub async fn hits(req: Req) -> Answer {
    let filter: ArticleFilter = req.query_as()?;
    let all = req.state.article_hits().await?;
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
    wait: Option<String>,
    count: Option<usize>,
}

/// Tickets with their attachments' metadata, oldest first.
async fn ticket_values(state: &AppState, query: &TicketQuery) -> Result<Vec<Value>, ApiError> {
    match ticket_list(state, query, None).await? {
        Value::Array(list) => Ok(list),
        other => Ok(vec![other]),
    }
}

/// Tickets with their attachments' metadata; one ticket (404 when absent) or a list.
async fn ticket_list(
    state: &AppState,
    query: &TicketQuery,
    id: Option<u64>,
) -> Result<Value, ApiError> {
    let mut tickets = state.tickets(query.email.clone()).await?;
    tickets.retain(|t| query.matches(t));
    let attachments = state.attachments().await?;
    let world = state.read();
    // The agent API's view of the same ticket, plus freshmock's own keys; attachments
    // add their owner (widget, client) to the agent API's metadata.
    let with_attachments = |t: &TicketRecord| -> Value {
        let own = attachments
            .iter()
            .filter(|a| a.ticket_id == Some(t.id))
            .map(|a| {
                let mut v = attachment_json(a.id, &a.name, &a.content_type, a.size, a.created_at);
                v["widget_id"] = json!(a.widget_id);
                v["client_id"] = json!(a.client_id);
                v["ticket_id"] = json!(a.ticket_id);
                v
            })
            .collect();
        control_json(&world.directory, t, own)
    };
    match id {
        Some(id) => match tickets.iter().find(|t| t.id == id) {
            Some(t) => Ok(with_attachments(t)),
            None => Err(ApiError::control_not_found(format!(
                "there is no ticket {id}"
            ))),
        },
        None => Ok(Value::Array(tickets.iter().map(with_attachments).collect())),
    }
}

/// Who voted: per article (every translation, with voters' names and emails and the
/// anonymous rest) or per customer.
async fn vote_list(state: &AppState, filter: &VoteFilter) -> Result<(Value, usize), ApiError> {
    if let Some(email) = &filter.email {
        let user = state.read().directory.find_by_email(email).cloned();
        let Some(user) = user else {
            return Err(ApiError::control_not_found(format!(
                "no user has the email {email}"
            )));
        };
        let votes = state.customer_votes(user.id).await?;
        let picked: Vec<_> = votes
            .into_iter()
            .filter(|v| filter.article.is_none_or(|a| v.article_id == a))
            .collect();
        let found = picked.len();
        return Ok((json!(picked), found));
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
    let translations = state.article_votes(article).await?;
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
    let found = (total(|t| t.thumbs_up) + total(|t| t.thumbs_down)) as usize;
    let body = json!({
        "article_id": article,
        "helpful": side(total(|t| t.thumbs_up), &all_helpful),
        "not_helpful": side(total(|t| t.thumbs_down), &all_not),
        "translations": per_language,
    });
    Ok((body, found))
}
