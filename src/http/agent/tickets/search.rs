//! `GET /api/v2/search/tickets` (Freshdesk's filter query over tickets) and
//! `GET /api/v2/ticket_fields`.

use serde_json::Value;

use crate::domain::fixtures::TicketField;
use crate::domain::people::Privilege;
use crate::domain::tickets::{agent_default_fields, agent_json, field_json, FieldSide, Shown};
use crate::http::agent::api::{caller, search_page, Page};
use crate::http::agent::query::{self, date_matches, Op, Term};
use crate::http::reply::{ok, Answer};
use crate::http::request::Req;
use crate::state::store::TicketRecord;
use crate::state::World;

/// Fields a filter search takes (`email` is the requester's: a freshmock addition).
const SEARCH_FIELDS: &[&str] = &[
    "status",
    "priority",
    "type",
    "tag",
    "agent_id",
    "group_id",
    "requester_id",
    "email",
    "company_id",
    "created_at",
    "updated_at",
    "due_by",
    "fr_due_by",
];

/// Whether a ticket matches one search term.
fn term_matches(world: &World, t: &TicketRecord, term: &Term) -> bool {
    use query::Value as V;
    let int = |v: Option<i64>| match (&term.value, v) {
        (V::Null, None) => true,
        (V::Int(n), Some(v)) => *n == v,
        _ => false,
    };
    let date = |at: i64| date_matches(term.op, &term.value, at).unwrap_or(false);
    if term.op != Op::Eq && !term.field.ends_with("_at") && !term.field.ends_with("_by") {
        return false;
    }
    match term.field.as_str() {
        "status" => int(Some(t.status)),
        "priority" => int(Some(t.priority)),
        "type" => match &term.value {
            V::Null => t.ticket_type.is_none(),
            V::Text(s) => t.ticket_type.as_deref() == Some(s.as_str()),
            _ => false,
        },
        "tag" => match &term.value {
            V::Text(s) => t.tags.iter().any(|tag| tag.eq_ignore_ascii_case(s)),
            _ => false,
        },
        "agent_id" => int(t.agent.responder_id.map(|v| v as i64)),
        "group_id" => int(t.group_id.map(|v| v as i64)),
        "requester_id" => int(Some(t.requester_id as i64)),
        "company_id" => int(t.company(&world.directory).map(|v| v as i64)),
        "email" => match &term.value {
            V::Text(s) => world
                .directory
                .find_by_id(t.requester_id)
                .map_or(t.email.eq_ignore_ascii_case(s), |u| u.has_email(s)),
            _ => false,
        },
        "created_at" => date(t.created_at),
        "updated_at" => date(t.updated_at()),
        "due_by" => date(t.due_by()),
        "fr_due_by" => date(t.fr_due_by()),
        _ => false,
    }
}

/// `GET /api/v2/search/tickets?query="..."[&page=]`: `{"results", "total"}`, newest first,
/// deleted and spam tickets left out.
pub async fn search(req: Req) -> Answer {
    caller(&req, Privilege::ManageTickets)?;
    let params = req.params();
    params.only(&["query", "page"])?;
    let page = Page::search(&params)?;
    let query = query::parse_param(params.get("query"), SEARCH_FIELDS)?;
    let mut tickets = req.state.all_tickets().await?;
    let world = req.state.read();
    tickets.retain(|t| {
        !t.agent.deleted && !t.agent.spam && query.eval(&|term| term_matches(&world, t, term))
    });
    tickets.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.id)));
    let items: Vec<Value> = tickets
        .iter()
        .map(|t| agent_json(&world.directory, t, Shown::default(), None))
        .collect();
    drop(world);
    search_page(page, &items)
}

/// `GET /api/v2/ticket_fields[?type=]`: every ticket field, labelled in the account's
/// primary language, named as the agent API names them, with the default fields the
/// fixtures leave out. `page` and `per_page` are taken and ignored (nothing is paged).
pub fn fields(req: Req) -> Answer {
    caller(&req, Privilege::ViewSolutions)?;
    let params = req.params();
    params.only(&["type", "page", "per_page"])?;
    Page::of(&params)?;
    let wanted = params.get("type");
    let catalog = req.state.catalog();
    let primary = catalog.languages.primary.code();
    let fixtures = &catalog.fixtures.ticket_fields;
    let extra = agent_default_fields(fixtures);
    let mut defs: Vec<&TicketField> = fixtures
        .iter()
        .chain(extra.iter())
        .filter(|f| wanted.is_none_or(|t| f.field_type == t))
        .collect();
    defs.sort_by_key(|f| (f.position, f.id));
    let body: Vec<Value> = defs
        .into_iter()
        .map(|f| {
            let labels = f.labels.get(primary).or_else(|| f.labels.get("en"));
            field_json(f, labels, FieldSide::Agent)
        })
        .collect();
    ok(&body)
}
