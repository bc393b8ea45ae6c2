//! The route table: every path freshmock answers, with its method, its kind of caller, its
//! name in the request log, and its handler, in one place. The dispatch in [`super::app`]
//! finds a request's route here; a path no route has is a 404, a path with routes for other
//! methods a 405 with `Allow` listing them; the OpenAPI test checks the control plane's
//! document against this table, and the request log names each call by its route.
//!
//! Path patterns are literal segments and captures: `{name}` is any one segment, `{name:int}`
//! a segment of digits (an id), and a capture may carry a literal suffix (`{id:int}.js`);
//! `{*name}` at the end takes the rest of the path. Where two routes could take a path, the
//! one with more literal segments wins (a capture never takes what a literal names), then
//! the first one listed.

use std::sync::LazyLock;

use http::Method;

use std::future::Future;
use std::pin::Pin;

use super::reply::Answer;
use super::request::{Captures, Req};
use super::{agent, assets, control, widget};

/// A route's handler: one that answers at once from memory, or one that awaits (bodies,
/// the store, the index; those wait on the blocking pool inside the state's methods).
#[derive(Clone, Copy)]
pub enum Handler {
    Now(fn(Req) -> Answer),
    Later(fn(Req) -> Pin<Box<dyn Future<Output = Answer> + Send>>),
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handler::Now(_) => "Handler::Now",
            Handler::Later(_) => "Handler::Later",
        })
    }
}

/// Who a route is for, which decides its conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// The widget API (`/api/widget/`): Freshdesk's headers, CORS for any page, faults and
    /// the request log.
    Widget,
    /// Freshdesk's agent API calls (`/api/v2/`, `/api/_/`): HTTP Basic with an API key.
    Agent,
    /// The control plane (`/_freshmock/`): the bearer token when one is configured; never
    /// faulted nor logged.
    Control,
    /// Control calls the widget and the dashboard read from any page, without the token:
    /// health, the clock, the live sync, the dashboard's files.
    Open,
    /// The fake widget's files and the demo site.
    Asset,
}

/// One row of the table.
#[derive(Debug)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub caller: Caller,
    /// The name the request log and its filters use.
    pub name: &'static str,
    pub handler: Handler,
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;

macro_rules! route {
    ($method:expr, $path:literal, $caller:ident, $name:literal, now $f:path) => {
        Route {
            method: $method,
            path: $path,
            caller: Caller::$caller,
            name: $name,
            handler: Handler::Now($f),
        }
    };
    ($method:expr, $path:literal, $caller:ident, $name:literal, later $f:path) => {
        Route {
            method: $method,
            path: $path,
            caller: Caller::$caller,
            name: $name,
            handler: Handler::Later(|req| Box::pin($f(req))),
        }
    };
}

/// Every route freshmock serves.
pub static ROUTES: &[Route] = &[
    // The widget API.
    route!(GET, "/api/widget/bootstrap", Widget, "widget.bootstrap", later widget::bootstrap::bootstrap),
    route!(GET, "/api/widget/search/solutions", Widget, "widget.search", later widget::articles::search),
    // Freshdesk routes the search for GET and POST alike (its 405 there allows both).
    route!(POST, "/api/widget/search/solutions", Widget, "widget.search", later widget::articles::search),
    route!(GET, "/api/widget/solutions/suggested_articles", Widget, "widget.suggested", later widget::articles::suggested),
    route!(GET, "/api/widget/solutions/article/{id:int}", Widget, "widget.article", now widget::articles::show),
    route!(GET, "/api/widget/solutions/{id:int}", Widget, "widget.article", now widget::articles::show),
    route!(PUT, "/api/widget/solutions/article/{id:int}/hit", Widget, "widget.hit", later widget::feedback::hit),
    route!(PUT, "/api/widget/solutions/article/{id:int}/thumbs_up", Widget, "widget.thumbs_up", later widget::feedback::thumbs_up),
    route!(PUT, "/api/widget/solutions/article/{id:int}/thumbs_down", Widget, "widget.thumbs_down", later widget::feedback::thumbs_down),
    route!(GET, "/api/widget/ticket_fields", Widget, "widget.ticket_fields", now widget::ticket_fields::ticket_fields),
    route!(POST, "/api/widget/tickets", Widget, "widget.tickets", later widget::tickets::receive),
    route!(POST, "/api/widget/attachments", Widget, "widget.attachments", later widget::attachments::upload),
    // The agent API.
    route!(POST, "/api/v2/admin/security_keys/widget/regenerate", Agent, "agent.regenerate_secret", later agent::regenerate),
    route!(GET, "/api/v2/solutions/categories", Agent, "agent.categories", later agent::solutions::list_categories),
    route!(POST, "/api/v2/solutions/categories", Agent, "agent.create_category", later agent::solutions::create_category),
    route!(GET, "/api/v2/solutions/categories/{id:int}", Agent, "agent.category", later agent::solutions::show_category),
    route!(PUT, "/api/v2/solutions/categories/{id:int}", Agent, "agent.update_category", later agent::solutions::update_category),
    route!(DELETE, "/api/v2/solutions/categories/{id:int}", Agent, "agent.delete_category", later agent::solutions::delete_category),
    route!(GET, "/api/v2/solutions/categories/{id:int}/folders", Agent, "agent.folders", later agent::solutions::list_folders),
    route!(POST, "/api/v2/solutions/categories/{id:int}/folders", Agent, "agent.create_folder", later agent::solutions::create_folder),
    route!(GET, "/api/v2/solutions/categories/{id:int}/{language}", Agent, "agent.category", later agent::solutions::show_category),
    route!(POST, "/api/v2/solutions/categories/{id:int}/{language}", Agent, "agent.translate_category", later agent::solutions::category_translation),
    route!(PUT, "/api/v2/solutions/categories/{id:int}/{language}", Agent, "agent.translate_category", later agent::solutions::category_translation),
    route!(GET, "/api/v2/solutions/folders/{id:int}", Agent, "agent.folder", later agent::solutions::show_folder),
    route!(PUT, "/api/v2/solutions/folders/{id:int}", Agent, "agent.update_folder", later agent::solutions::update_folder),
    route!(DELETE, "/api/v2/solutions/folders/{id:int}", Agent, "agent.delete_folder", later agent::solutions::delete_folder),
    route!(GET, "/api/v2/solutions/folders/{id:int}/articles", Agent, "agent.articles", later agent::solutions::list_articles),
    route!(POST, "/api/v2/solutions/folders/{id:int}/articles", Agent, "agent.create_article", later agent::solutions::create_article),
    route!(GET, "/api/v2/solutions/folders/{id:int}/{language}", Agent, "agent.folder", later agent::solutions::show_folder),
    route!(POST, "/api/v2/solutions/folders/{id:int}/{language}", Agent, "agent.translate_folder", later agent::solutions::folder_translation),
    route!(PUT, "/api/v2/solutions/folders/{id:int}/{language}", Agent, "agent.translate_folder", later agent::solutions::folder_translation),
    route!(GET, "/api/v2/solutions/articles/{id:int}", Agent, "agent.article", later agent::solutions::show_article),
    route!(PUT, "/api/v2/solutions/articles/{id:int}", Agent, "agent.update_article", later agent::solutions::update_article),
    route!(DELETE, "/api/v2/solutions/articles/{id:int}", Agent, "agent.delete_article", later agent::solutions::delete_article),
    route!(GET, "/api/v2/solutions/articles/{id:int}/{language}", Agent, "agent.article", later agent::solutions::show_article),
    route!(POST, "/api/v2/solutions/articles/{id:int}/{language}", Agent, "agent.translate_article", later agent::solutions::article_translation),
    route!(PUT, "/api/v2/solutions/articles/{id:int}/{language}", Agent, "agent.translate_article", later agent::solutions::article_translation),
    route!(GET, "/api/v2/search/solutions", Agent, "agent.search_solutions", later agent::solutions::search),
    route!(GET, "/api/_/solutions/articles/{id:int}/votes", Agent, "agent.votes", later agent::votes),
    route!(GET, "/api/_/solutions/articles/{id:int}/{language}/votes", Agent, "agent.votes", later agent::votes),
    // The agent REST API v2: tickets.
    route!(GET, "/api/v2/tickets", Agent, "agent.tickets", later agent::tickets::index),
    route!(POST, "/api/v2/tickets", Agent, "agent.create_ticket", later agent::tickets::create),
    route!(GET, "/api/v2/tickets/{id:int}", Agent, "agent.ticket", later agent::tickets::show),
    route!(PUT, "/api/v2/tickets/{id:int}", Agent, "agent.update_ticket", later agent::tickets::update),
    route!(DELETE, "/api/v2/tickets/{id:int}", Agent, "agent.delete_ticket", later agent::tickets::delete),
    route!(PUT, "/api/v2/tickets/{id:int}/restore", Agent, "agent.restore_ticket", later agent::tickets::restore),
    route!(GET, "/api/v2/search/tickets", Agent, "agent.search_tickets", later agent::tickets::search),
    route!(GET, "/api/v2/tickets/{id:int}/conversations", Agent, "agent.conversations", later agent::conversations::index),
    route!(POST, "/api/v2/tickets/{id:int}/reply", Agent, "agent.reply", later agent::conversations::reply),
    route!(POST, "/api/v2/tickets/{id:int}/notes", Agent, "agent.create_note", later agent::conversations::note),
    route!(PUT, "/api/v2/conversations/{id:int}", Agent, "agent.update_conversation", later agent::conversations::update),
    route!(DELETE, "/api/v2/conversations/{id:int}", Agent, "agent.delete_conversation", later agent::conversations::delete),
    route!(GET, "/api/v2/ticket_fields", Agent, "agent.ticket_fields", now agent::tickets::fields),
    // The agent REST API v2: contacts.
    route!(GET, "/api/v2/contacts", Agent, "agent.contacts", later agent::contacts::index),
    route!(POST, "/api/v2/contacts", Agent, "agent.create_contact", later agent::contacts::create),
    route!(GET, "/api/v2/contacts/{id:int}", Agent, "agent.contact", later agent::contacts::show),
    route!(PUT, "/api/v2/contacts/{id:int}", Agent, "agent.update_contact", later agent::contacts::update),
    route!(DELETE, "/api/v2/contacts/{id:int}", Agent, "agent.delete_contact", later agent::contacts::delete),
    route!(DELETE, "/api/v2/contacts/{id:int}/hard_delete", Agent, "agent.hard_delete_contact", later agent::contacts::hard_delete),
    route!(PUT, "/api/v2/contacts/{id:int}/restore", Agent, "agent.restore_contact", later agent::contacts::restore),
    route!(GET, "/api/v2/search/contacts", Agent, "agent.search_contacts", later agent::contacts::search),
    route!(GET, "/api/v2/contact_fields", Agent, "agent.contact_fields", now agent::contacts::fields),
    // The agent REST API v2: companies (in the catalog: folder visibility reads them).
    route!(GET, "/api/v2/companies", Agent, "agent.companies", now agent::companies::index),
    route!(POST, "/api/v2/companies", Agent, "agent.create_company", later agent::companies::create),
    route!(GET, "/api/v2/companies/{id:int}", Agent, "agent.company", now agent::companies::show),
    route!(PUT, "/api/v2/companies/{id:int}", Agent, "agent.update_company", later agent::companies::update),
    route!(DELETE, "/api/v2/companies/{id:int}", Agent, "agent.delete_company", later agent::companies::delete),
    route!(GET, "/api/v2/search/companies", Agent, "agent.search_companies", now agent::companies::search),
    route!(GET, "/api/v2/company_fields", Agent, "agent.company_fields", now agent::companies::fields),
    // The agent REST API v2: agents, groups, roles, settings.
    route!(GET, "/api/v2/agents/me", Agent, "agent.me", now agent::people::me),
    route!(GET, "/api/v2/agents", Agent, "agent.agents", now agent::people::list_agents),
    route!(GET, "/api/v2/agents/{id:int}", Agent, "agent.agent", now agent::people::show_agent),
    route!(GET, "/api/v2/groups", Agent, "agent.groups", now agent::people::list_groups),
    route!(GET, "/api/v2/groups/{id:int}", Agent, "agent.group", now agent::people::show_group),
    route!(GET, "/api/v2/roles", Agent, "agent.roles", now agent::people::list_roles),
    route!(GET, "/api/v2/roles/{id:int}", Agent, "agent.role", now agent::people::show_role),
    route!(GET, "/api/v2/settings/helpdesk", Agent, "agent.helpdesk_settings", now agent::people::helpdesk_settings),
    route!(GET, "/api/v2/email_configs", Agent, "agent.email_configs", now agent::people::list_email_configs),
    route!(GET, "/api/v2/email_configs/{id:int}", Agent, "agent.email_config", now agent::people::show_email_config),
    // What the browser loads: the widget's published files and the demo site.
    route!(GET, "/widgets/{id:int}.js", Asset, "asset.loader", now assets::widget_loader),
    route!(GET, "/widgets/{id:int}.json", Asset, "asset.widget_config", now widget::widget_config::config),
    route!(GET, "/widgetBase/{file}", Asset, "asset.widget", now assets::widget_file),
    route!(GET, "/", Asset, "asset.demo", now assets::home),
    route!(GET, "/demo/{file}", Asset, "asset.demo", now assets::demo_file),
    // The control plane, open to any page.
    route!(GET, "/_freshmock/health", Open, "control.health", now control::health),
    route!(GET, "/_freshmock/clock", Open, "control.clock", now control::clock::read),
    route!(GET, "/_freshmock/widget/sync", Open, "control.widget_sync", now control::stream::widget_sync),
    route!(GET, "/_freshmock/ui", Open, "control.dashboard", now assets::dashboard_file),
    route!(GET, "/_freshmock/ui/{*file}", Open, "control.dashboard", now assets::dashboard_file),
    route!(GET, "/_freshmock/openapi.json", Open, "control.openapi", now control::openapi),
    route!(GET, "/_freshmock/openapi/widget.json", Open, "control.widget_openapi", now control::widget_openapi),
    // The control plane, behind the token when one is set.
    route!(POST, "/_freshmock/reset", Control, "control.reset", later control::reset),
    route!(GET, "/_freshmock/fixtures", Control, "control.fixtures", now control::fixtures),
    route!(PUT, "/_freshmock/fixtures", Control, "control.replace_fixtures", later control::replace_fixtures),
    route!(GET, "/_freshmock/state", Control, "control.state", later control::state),
    route!(PUT, "/_freshmock/state", Control, "control.restore_state", later control::restore_state),
    route!(GET, "/_freshmock/secret", Control, "control.secret", now control::secret),
    route!(POST, "/_freshmock/secret/rotate", Control, "control.rotate_secret", later control::rotate_secret),
    route!(PUT, "/_freshmock/clock", Control, "control.set_clock", later control::clock::set),
    route!(POST, "/_freshmock/clock/advance", Control, "control.advance_clock", later control::clock::advance),
    route!(POST, "/_freshmock/clock/freeze", Control, "control.freeze_clock", now control::clock::freeze),
    route!(POST, "/_freshmock/clock/unfreeze", Control, "control.unfreeze_clock", now control::clock::unfreeze),
    route!(POST, "/_freshmock/tokens", Control, "control.mint_token", later control::tokens::mint),
    route!(POST, "/_freshmock/tokens/explain", Control, "control.explain_token", later control::tokens::explain),
    route!(GET, "/_freshmock/contacts", Control, "control.contacts", now control::inspect::contacts),
    route!(GET, "/_freshmock/tickets", Control, "control.tickets", later control::inspect::tickets),
    route!(GET, "/_freshmock/tickets/{id:int}", Control, "control.ticket", later control::inspect::ticket),
    route!(GET, "/_freshmock/votes", Control, "control.votes", later control::inspect::votes),
    route!(GET, "/_freshmock/hits", Control, "control.hits", later control::inspect::hits),
    route!(GET, "/_freshmock/requests", Control, "control.requests", later control::inspect::requests),
    route!(GET, "/_freshmock/requests/count", Control, "control.count_requests", now control::inspect::count_requests),
    route!(DELETE, "/_freshmock/requests", Control, "control.clear_requests", now control::inspect::clear_requests),
    route!(GET, "/_freshmock/kb", Control, "control.kb", later control::knowledge::kb),
    route!(GET, "/_freshmock/view-as", Control, "control.view_as", later control::knowledge::view_as),
    route!(GET, "/_freshmock/events", Control, "control.events", now control::stream::events),
    route!(GET, "/_freshmock/faults", Control, "control.faults", now control::faults::list),
    route!(POST, "/_freshmock/faults", Control, "control.add_fault", later control::faults::add),
    route!(DELETE, "/_freshmock/faults", Control, "control.clear_faults", now control::faults::clear),
    route!(DELETE, "/_freshmock/faults/{id:int}", Control, "control.remove_fault", now control::faults::remove),
];

/// A pattern's segment.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(&'static str),
    /// A capture, digits only when `int`, ending with `suffix`.
    Capture {
        int: bool,
        suffix: &'static str,
    },
    /// The rest of the path (possibly empty).
    Rest,
}

/// The patterns, split once.
static PATTERNS: LazyLock<Vec<Vec<Segment>>> =
    LazyLock::new(|| ROUTES.iter().map(|r| parse(r.path)).collect());

fn parse(path: &'static str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|segment| {
            let Some(rest) = segment.strip_prefix('{') else {
                return Segment::Literal(segment);
            };
            let (inside, suffix) = rest.split_once('}').expect("a capture closes with }");
            if inside.starts_with('*') {
                Segment::Rest
            } else {
                Segment::Capture {
                    int: inside.ends_with(":int"),
                    suffix,
                }
            }
        })
        .collect()
}

/// Matches `path` against a pattern, returning the captures.
fn matches(pattern: &[Segment], path: &str) -> Option<Captures> {
    let mut captures = Captures::new();
    let mut rest = path.strip_prefix('/').unwrap_or(path);
    let mut offset = path.len() - rest.len();
    for (i, segment) in pattern.iter().enumerate() {
        if *segment == Segment::Rest {
            captures.push((offset, path.len()));
            return Some(captures);
        }
        let (part, next) = match rest.split_once('/') {
            Some((part, next)) => (part, Some(next)),
            None => (rest, None),
        };
        match segment {
            Segment::Literal(literal) if *literal == part => {}
            Segment::Capture { int, suffix } => {
                let value = part.strip_suffix(suffix)?;
                if value.is_empty() || (*int && !value.bytes().all(|b| b.is_ascii_digit())) {
                    return None;
                }
                captures.push((offset, offset + value.len()));
            }
            _ => return None,
        }
        match next {
            Some(next) => {
                // A trailing slash is not another segment ("/api/widget/bootstrap/").
                if next.is_empty() && i + 1 == pattern.len() {
                    return Some(captures);
                }
                offset += part.len() + 1;
                rest = next;
            }
            None if i + 1 == pattern.len() || pattern[i + 1] == Segment::Rest => {
                if i + 1 < pattern.len() {
                    captures.push((path.len(), path.len()));
                }
                return Some(captures);
            }
            None => return None,
        }
    }
    // Only "/" has no segments.
    (pattern.is_empty() && rest.is_empty()).then_some(captures)
}

/// What the table says of a request.
#[derive(Debug)]
pub enum Found {
    Route(&'static Route, Captures),
    /// The path exists with these methods.
    WrongMethod(Vec<Method>),
    Nothing,
}

/// The route for a method and path. HEAD is answered as GET, as Rails does; an API path
/// may end in `.json`, the one format Freshdesk's API routes take (`config/api_routes.rb`:
/// `/api/widget/search/solutions.json` is the search).
pub fn find(method: &Method, path: &str) -> Found {
    let found = find_exact(method, path);
    if matches!(found, Found::Nothing) && path.starts_with("/api/") {
        if let Some(bare) = path.strip_suffix(".json") {
            // The captures are ranges of `bare`, a prefix of `path`: they stay valid.
            return find_exact(method, bare);
        }
    }
    found
}

/// The paths of routes made of literal segments only (`api/widget/search/solutions`, no
/// leading or trailing slash), with the routes that take them in table order: the widget's
/// hottest calls found by one hash lookup instead of a scan of the table. A path is here
/// only when no pattern with a capture or a rest takes it as well, so the answer is the
/// scan's.
static LITERAL: LazyLock<rustc_hash::FxHashMap<String, Vec<&'static Route>>> =
    LazyLock::new(|| {
        let mut literal: rustc_hash::FxHashMap<String, Vec<&'static Route>> = Default::default();
        for (route, pattern) in ROUTES.iter().zip(PATTERNS.iter()) {
            let words: Option<Vec<&str>> = pattern
                .iter()
                .map(|s| match s {
                    Segment::Literal(word) => Some(*word),
                    _ => None,
                })
                .collect();
            if let Some(words) = words {
                literal.entry(words.join("/")).or_default().push(route);
            }
        }
        // Another pattern as literal as these that takes the same path (a rest that may be
        // empty) would share the scan's answer: such paths are left to the scan.
        literal.retain(|key, _| {
            let path = format!("/{key}");
            let most = key.split('/').filter(|w| !w.is_empty()).count();
            !PATTERNS.iter().any(|pattern| {
                pattern.iter().any(|s| !matches!(s, Segment::Literal(_)))
                    && matches(pattern, &path).is_some()
                    && pattern
                        .iter()
                        .filter(|s| matches!(s, Segment::Literal(_)))
                        .count()
                        >= most
            })
        });
        literal
    });

/// [`find_exact`] by [`LITERAL`], or `None` when the path is not there.
fn find_literal(wanted: &Method, path: &str) -> Option<Found> {
    let mut key = path.strip_prefix('/').unwrap_or(path);
    // One trailing slash is not another segment, as in `matches`.
    if key.len() > 1 {
        key = key.strip_suffix('/').unwrap_or(key);
    }
    let routes = LITERAL.get(key)?;
    if let Some(route) = routes.iter().find(|r| r.method == *wanted) {
        return Some(Found::Route(route, Captures::new()));
    }
    let mut allowed: Vec<Method> = Vec::new();
    for route in routes {
        if !allowed.contains(&route.method) {
            allowed.push(route.method.clone());
        }
    }
    Some(Found::WrongMethod(allowed))
}

fn find_exact(method: &Method, path: &str) -> Found {
    let wanted = if method == Method::HEAD { &GET } else { method };
    find_literal(wanted, path).unwrap_or_else(|| scan(wanted, path))
}

/// The table read pattern by pattern.
fn scan(wanted: &Method, path: &str) -> Found {
    // Only the patterns with the most literal segments that match take the path: a
    // capture does not take what a literal names (`PUT .../categories/1/folders` is not a
    // translation into a language called "folders", but a 405 listing GET and POST).
    let mut most_literal = 0;
    let mut found: Option<(&'static Route, Captures)> = None;
    let mut allowed: Vec<Method> = Vec::new();
    for (route, pattern) in ROUTES.iter().zip(PATTERNS.iter()) {
        let Some(captures) = matches(pattern, path) else {
            continue;
        };
        let literals = pattern
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count();
        if literals < most_literal {
            continue;
        }
        if literals > most_literal {
            most_literal = literals;
            found = None;
            allowed.clear();
        }
        if route.method == *wanted {
            found.get_or_insert((route, captures));
        } else if !allowed.contains(&route.method) {
            allowed.push(route.method.clone());
        }
    }
    match found {
        Some((route, captures)) => Found::Route(route, captures),
        None if allowed.is_empty() => Found::Nothing,
        None => Found::WrongMethod(allowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_literal_paths_answer_as_the_table_read_in_full_does() {
        let methods = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ];
        let mut paths: Vec<String> = ROUTES.iter().map(|r| r.path.to_owned()).collect();
        paths.extend(paths.clone().iter().map(|p| format!("{p}/")));
        paths.extend(
            [
                "",
                "/",
                "//",
                "/api//widget/bootstrap",
                "/api/widget/bootstrap//",
            ]
            .map(String::from),
        );
        let mut taken = 0;
        for path in &paths {
            for method in &methods {
                let Some(fast) = find_literal(method, path) else {
                    continue;
                };
                taken += 1;
                let slow = scan(method, path);
                let name = |f: &Found| match f {
                    Found::Route(r, c) => format!("{} {c:?}", r.name),
                    Found::WrongMethod(m) => format!("405 {m:?}"),
                    Found::Nothing => "404".to_owned(),
                };
                assert_eq!(name(&fast), name(&slow), "{method} {path}");
            }
        }
        assert!(taken > 100, "{taken}");
        assert!(LITERAL.contains_key("api/widget/search/solutions"));
    }

    fn captured(path: &str, method: Method) -> Option<(&'static str, Vec<&str>)> {
        match find(&method, path) {
            Found::Route(route, captures) => Some((
                route.name,
                captures.iter().map(|&(a, b)| &path[a..b]).collect(),
            )),
            _ => None,
        }
    }

    #[test]
    fn every_pattern_parses_and_names_are_dotted_by_caller() {
        for route in ROUTES {
            assert!(route.path.starts_with('/'), "{}", route.path);
            let prefix = match route.caller {
                Caller::Widget => "widget.",
                Caller::Agent => "agent.",
                Caller::Control | Caller::Open => "control.",
                Caller::Asset => "asset.",
            };
            assert!(
                route.name.starts_with(prefix),
                "{} {}",
                route.name,
                route.path
            );
            if route.path.starts_with("/_freshmock/") {
                assert!(matches!(route.caller, Caller::Control | Caller::Open));
            }
        }
    }

    #[test]
    fn literals_captures_and_suffixes_match() {
        assert_eq!(
            captured("/api/widget/solutions/article/42", Method::GET),
            Some(("widget.article", vec!["42"]))
        );
        assert_eq!(
            captured("/api/widget/solutions/suggested_articles", Method::GET),
            Some(("widget.suggested", vec![]))
        );
        assert_eq!(captured("/api/widget/solutions/abc", Method::GET), None);
        assert_eq!(
            captured("/widgets/12000000025.js", Method::GET),
            Some(("asset.loader", vec!["12000000025"]))
        );
        assert_eq!(
            captured("/widgets/12000000025.json", Method::HEAD),
            Some(("asset.widget_config", vec!["12000000025"]))
        );
        assert_eq!(
            captured("/api/_/solutions/articles/7/fr/votes", Method::GET),
            Some(("agent.votes", vec!["7", "fr"]))
        );
        assert_eq!(captured("/", Method::GET), Some(("asset.demo", vec![])));
        assert_eq!(
            captured("/_freshmock/ui/app.js", Method::GET),
            Some(("control.dashboard", vec!["app.js"]))
        );
        assert_eq!(
            captured("/_freshmock/ui/", Method::GET),
            Some(("control.dashboard", vec![]))
        );
        assert_eq!(
            captured("/_freshmock/ui", Method::GET),
            Some(("control.dashboard", vec![]))
        );
        assert_eq!(
            captured("/api/widget/bootstrap/", Method::GET),
            Some(("widget.bootstrap", vec![]))
        );
        assert!(matches!(find(&Method::GET, "/nope"), Found::Nothing));
        assert!(matches!(find(&Method::GET, "/api/widget"), Found::Nothing));
    }

    #[test]
    fn a_known_path_with_another_method_lists_the_methods_it_takes() {
        match find(&Method::PATCH, "/_freshmock/faults") {
            Found::WrongMethod(allowed) => {
                assert_eq!(allowed, vec![Method::GET, Method::POST, Method::DELETE])
            }
            other => panic!("{other:?}"),
        }
        // A literal segment is not taken by another route's capture.
        for path in [
            "/api/v2/solutions/categories/1/folders",
            "/api/v2/solutions/folders/1/articles",
        ] {
            match find(&Method::PUT, path) {
                Found::WrongMethod(allowed) => {
                    assert_eq!(allowed, vec![Method::GET, Method::POST], "{path}")
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        match find(&Method::PUT, "/api/widget/search/solutions") {
            Found::WrongMethod(allowed) => assert_eq!(allowed, vec![Method::GET, Method::POST]),
            other => panic!("{other:?}"),
        }
    }
}
