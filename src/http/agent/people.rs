//! Who works the help desk, read-only: `GET /api/v2/agents/me`, `/agents` (filters
//! `email`, `mobile`, `phone`, `state`, `type`, `group_id`, ordered by `order_by` and
//! `order_type`), `/agents/:id`, `/groups` (filter `group_type`), `/groups/:id`, `/roles`,
//! `/roles/:id`, `/settings/helpdesk` and `/email_configs[/:id]`, from `agents.json` and
//! `account.json`.
//!
//! As in Freshdesk, a show ignores query parameters it does not know (only index actions
//! check theirs), and every list takes `page` and `per_page`, paged or not.
//!
//! freshmock's agents have no groups in the fixtures, so the groups are fixed and derived
//! from the agents' roles (see [`groups`]): tests can name them, and a ticket's `group_id`
//! is checked against them.

use serde_json::{json, Value};

use super::api::{self, caller, list, no_such, Page, PAGING};
use crate::domain::clock::format_timestamp;
use crate::domain::fixtures::Id;
use crate::domain::people::{AgentRole, Privilege, Role, User};
use crate::http::error::ApiError;
use crate::http::reply::{ok, Answer};
use crate::http::request::Req;
use crate::state::AppState;

/// A group of agents, as `GET /api/v2/groups` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: Id,
    pub name: &'static str,
    pub description: &'static str,
    pub agent_ids: Vec<Id>,
}

/// The account's groups, fixed: "Support" holds every agent whose role manages tickets,
/// "Escalations" the administrators and supervisors, "Knowledge Base" those who write
/// articles. Their ids never change, so fixtures and tests can name them.
pub fn groups(state: &AppState) -> Vec<Group> {
    let agents = agents(state);
    let members = |wanted: &dyn Fn(AgentRole) -> bool| -> Vec<Id> {
        agents
            .iter()
            .filter(|a| wanted(role_of(a)))
            .map(|a| a.id)
            .collect()
    };
    vec![
        Group {
            id: 7_000_000_001,
            name: "Support",
            description: "Every agent whose role manages tickets",
            agent_ids: members(&|r| r.may(Privilege::ManageTickets)),
        },
        Group {
            id: 7_000_000_002,
            name: "Escalations",
            description: "Administrators and supervisors",
            agent_ids: members(&|r| {
                matches!(
                    r,
                    AgentRole::AccountAdministrator
                        | AgentRole::Administrator
                        | AgentRole::Supervisor
                )
            }),
        },
        Group {
            id: 7_000_000_003,
            name: "Knowledge Base",
            description: "Agents who write solution articles",
            agent_ids: members(&|r| r.may(Privilege::ManageSolutions)),
        },
    ]
}

/// Every agent, by id.
pub fn agents(state: &AppState) -> Vec<User> {
    let mut agents: Vec<User> = state
        .read()
        .directory
        .users()
        .filter(|u| u.is_agent())
        .cloned()
        .collect();
    agents.sort_by_key(|a| a.id);
    agents
}

fn role_of(agent: &User) -> AgentRole {
    match &agent.role {
        Role::Agent { agent_role, .. } => *agent_role,
        Role::Contact { .. } => AgentRole::Agent,
    }
}

/// Any agent with a valid key (reading who works here needs no privilege).
fn any_agent(req: &Req) -> Result<User, ApiError> {
    caller(req, Privilege::ViewSolutions)
}

fn account_time(state: &AppState) -> String {
    format_timestamp(state.account_created_at())
}

/// The groups an agent belongs to.
fn group_ids_of(state: &AppState, agent: &User) -> Vec<Id> {
    groups(state)
        .into_iter()
        .filter(|g| g.agent_ids.contains(&agent.id))
        .map(|g| g.id)
        .collect()
}

/// An agent as Freshdesk's agent API shows one; `full` (show and `me`) adds the ids of
/// their groups, roles and skills, which Freshdesk's list leaves out. `last_active_at` is
/// always there, `null`: freshmock records no agent activity.
pub fn agent_json(state: &AppState, agent: &User, full: bool) -> Value {
    let at = account_time(state);
    let mut v = json!({
        "id": agent.id,
        "available": true,
        "occasional": false,
        "ticket_scope": 1,
        "signature": null,
        "last_active_at": null,
        "available_since": null,
        "type": "support_agent",
        "contact": {
            "active": true,
            "email": agent.email,
            "job_title": null,
            "language": agent.language.clone().unwrap_or_else(|| state.catalog().languages.primary.code().to_owned()),
            "last_login_at": null,
            "mobile": agent.mobile,
            "name": agent.name,
            "phone": agent.phone,
            "time_zone": "UTC",
            "created_at": at,
            "updated_at": at,
        },
        "created_at": at,
        "updated_at": at,
    });
    if full {
        v["group_ids"] = json!(group_ids_of(state, agent));
        v["role_ids"] = json!([role_of(agent).id()]);
        v["skill_ids"] = json!([]);
    }
    v
}

/// `GET /api/v2/agents/me`: the agent whose key calls.
pub fn me(req: Req) -> Answer {
    let agent = any_agent(&req)?;
    ok(&agent_json(&req.state, &agent, true))
}

/// Agent types Freshdesk knows (`type` of the agents list); freshmock's are all support
/// agents.
const AGENT_TYPES: [&str; 3] = ["support_agent", "field_agent", "collaborator"];
/// What the agents list orders by (Freshdesk's `AGENTS_ORDER_BY`).
const AGENT_ORDER_BY: [&str; 3] = ["name", "last_active_at", "created_at"];

/// One of `choices`, or 400 `invalid_value` in Freshdesk's words.
fn one_of<'a>(
    params: &'a crate::http::request::Params,
    field: &str,
    choices: &[&str],
) -> Result<Option<&'a str>, ApiError> {
    match params.get(field) {
        Some(v) if !choices.contains(&v) => Err(api::invalid(
            field,
            format!("It should be one of these values: '{}'", choices.join(",")),
            "invalid_value",
        )),
        v => Ok(v),
    }
}

/// `GET /api/v2/agents[?email=&mobile=&phone=&state=&type=&group_id=&order_by=&order_type=]`:
/// by name unless `order_by` says otherwise, ties by id.
pub fn list_agents(req: Req) -> Answer {
    any_agent(&req)?;
    let params = req.params();
    let mut allowed = vec![
        "email",
        "mobile",
        "phone",
        "state",
        "type",
        "group_id",
        "order_by",
        "order_type",
    ];
    allowed.extend(PAGING);
    params.only(&allowed)?;
    let page = Page::of(&params)?;
    let kind = one_of(&params, "type", &AGENT_TYPES)?;
    let order_by = one_of(&params, "order_by", &AGENT_ORDER_BY)?.unwrap_or("name");
    let descending = one_of(&params, "order_type", &["asc", "desc"])? == Some("desc");
    let group = match params.get("group_id") {
        None => None,
        Some(v) => Some(v.parse::<Id>().ok().filter(|&id| id > 0).ok_or_else(|| {
            api::invalid(
                "group_id",
                "It should be a/an Positive Integer",
                "datatype_mismatch",
            )
        })?),
    };
    let state_filter = params.get("state");
    if let Some(s) = state_filter {
        if !matches!(s, "fulltime" | "occasional") {
            return Err(api::invalid(
                "state",
                "It should be one of these values: 'fulltime,occasional'",
                "invalid_value",
            ));
        }
    }
    let email = params.get("email");
    let mobile = params.get("mobile");
    let phone = params.get("phone");
    let members = group.map(|id| {
        groups(&req.state)
            .into_iter()
            .find(|g| g.id == id)
            .map(|g| g.agent_ids)
            .unwrap_or_default()
    });
    let mut found: Vec<User> = agents(&req.state)
        .into_iter()
        // Every freshmock agent is a full-time support agent.
        .filter(|_| state_filter != Some("occasional"))
        .filter(|_| kind.is_none_or(|k| k == "support_agent"))
        .filter(|a| email.is_none_or(|e| a.has_email(e)))
        .filter(|a| mobile.is_none_or(|m| a.mobile.as_deref() == Some(m)))
        .filter(|a| phone.is_none_or(|p| a.phone.as_deref() == Some(p)))
        .filter(|a| members.as_ref().is_none_or(|m| m.contains(&a.id)))
        .collect();
    // Every agent was made with the account and none has been active: only the name
    // tells them apart, and the id settles ties.
    found.sort_by(|a, b| {
        match order_by {
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            _ => std::cmp::Ordering::Equal,
        }
        .then(a.id.cmp(&b.id))
    });
    if descending {
        found.reverse();
    }
    let found: Vec<Value> = found
        .iter()
        .map(|a| agent_json(&req.state, a, false))
        .collect();
    list(&req, page, &found)
}

/// `GET /api/v2/agents/:id`.
pub fn show_agent(req: Req) -> Answer {
    any_agent(&req)?;
    let id: Id = req.id(0)?;
    let agent = agents(&req.state)
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| no_such("agent", id))?;
    ok(&agent_json(&req.state, &agent, true))
}

/// A group as the list shows it; `full` (show) adds its `agent_ids`, which Freshdesk's
/// list leaves out.
fn group_json(state: &AppState, group: &Group, full: bool) -> Value {
    let at = account_time(state);
    let mut v = json!({
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "escalate_to": null,
        "unassigned_for": null,
        "business_hour_id": null,
        "group_type": SUPPORT_GROUP,
        "auto_ticket_assign": false,
        "created_at": at,
        "updated_at": at,
    });
    if full {
        v["agent_ids"] = json!(group.agent_ids);
    }
    v
}

/// The type of every freshmock group; Freshdesk also has field-service groups.
const SUPPORT_GROUP: &str = "support_agent_group";
const GROUP_TYPES: [&str; 2] = [SUPPORT_GROUP, "field_agent_group"];

/// `GET /api/v2/groups[?group_type=]`.
pub fn list_groups(req: Req) -> Answer {
    any_agent(&req)?;
    let params = req.params();
    params.only(&["group_type", "page", "per_page"])?;
    let page = Page::of(&params)?;
    let wanted = one_of(&params, "group_type", &GROUP_TYPES)?;
    let found: Vec<Value> = groups(&req.state)
        .iter()
        .filter(|_| wanted.is_none_or(|t| t == SUPPORT_GROUP))
        .map(|g| group_json(&req.state, g, false))
        .collect();
    list(&req, page, &found)
}

/// `GET /api/v2/groups/:id`.
pub fn show_group(req: Req) -> Answer {
    any_agent(&req)?;
    let id: Id = req.id(0)?;
    let group = groups(&req.state)
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| no_such("group", id))?;
    ok(&group_json(&req.state, &group, true))
}

fn role_json(state: &AppState, role: AgentRole) -> Value {
    let at = account_time(state);
    json!({
        "id": role.id(),
        "name": role.name(),
        "description": role.description(),
        "default": role.is_default(),
        "created_at": at,
        "updated_at": at,
    })
}

/// `GET /api/v2/roles`: admins only, as in Freshdesk.
pub fn list_roles(req: Req) -> Answer {
    caller(&req, Privilege::AdminTasks)?;
    Page::unpaged(&req.params())?;
    let roles: Vec<Value> = AgentRole::ALL
        .into_iter()
        .map(|r| role_json(&req.state, r))
        .collect();
    ok(&roles)
}

/// `GET /api/v2/roles/:id`.
pub fn show_role(req: Req) -> Answer {
    caller(&req, Privilege::AdminTasks)?;
    let id: Id = req.id(0)?;
    let role = AgentRole::ALL
        .into_iter()
        .find(|r| r.id() == id)
        .ok_or_else(|| no_such("role", id))?;
    ok(&role_json(&req.state, role))
}

/// `GET /api/v2/settings/helpdesk`: the account's languages.
pub fn helpdesk_settings(req: Req) -> Answer {
    any_agent(&req)?;
    Page::unpaged(&req.params())?;
    let account = &req.state.catalog().fixtures.account;
    // A single-language account supports and shows only its primary language.
    let others: Vec<String> = if account.multilingual {
        account.portal_languages.clone()
    } else {
        Vec::new()
    };
    ok(&json!({
        "primary_language": account.primary_language,
        "supported_languages": others,
        "portal_languages": others,
    }))
}

/// The id of the account's one email configuration.
const EMAIL_CONFIG_ID: Id = 9_000_000_001;

/// The account's support mailbox, as Freshdesk makes it with every account:
/// `support@<account domain>`, primary, active, in no group and no product.
fn email_config_json(state: &AppState) -> Value {
    let account = &state.catalog().fixtures.account;
    let at = account_time(state);
    let address = format!("support@{}", account.domain);
    json!({
        "id": EMAIL_CONFIG_ID,
        "name": account.name,
        "product_id": null,
        "to_email": address,
        "reply_email": address,
        "group_id": null,
        "primary_role": true,
        "active": true,
        "created_at": at,
        "updated_at": at,
    })
}

/// `GET /api/v2/email_configs`: admins only, as in Freshdesk.
pub fn list_email_configs(req: Req) -> Answer {
    caller(&req, Privilege::AdminTasks)?;
    let params = req.params();
    params.only(&PAGING)?;
    let page = Page::of(&params)?;
    list(&req, page, &[email_config_json(&req.state)])
}

/// `GET /api/v2/email_configs/:id`.
pub fn show_email_config(req: Req) -> Answer {
    caller(&req, Privilege::AdminTasks)?;
    let id: Id = req.id(0)?;
    if id != EMAIL_CONFIG_ID {
        return Err(no_such("email config", id));
    }
    ok(&email_config_json(&req.state))
}
