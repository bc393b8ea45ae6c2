//! Who works the help desk, read-only: `GET /api/v2/agents/me`, `/agents` (filters
//! `email`, `mobile`, `phone`, `state`), `/agents/:id`, `/groups`, `/groups/:id`, `/roles`,
//! `/roles/:id` and `/settings/helpdesk`, from `agents.json` and `account.json`.
//!
//! freshmock's agents have no groups in the fixtures, so the groups are fixed and derived
//! from the agents' roles (see [`groups`]): tests can name them, and a ticket's `group_id`
//! is checked against them.

use serde_json::{json, Value};

use super::api::{self, caller, list, no_such, Page};
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

/// An agent as Freshdesk's agent API shows one.
pub fn agent_json(state: &AppState, agent: &User) -> Value {
    let at = account_time(state);
    let group_ids: Vec<Id> = groups(state)
        .into_iter()
        .filter(|g| g.agent_ids.contains(&agent.id))
        .map(|g| g.id)
        .collect();
    json!({
        "id": agent.id,
        "available": true,
        "occasional": false,
        "ticket_scope": 1,
        "signature": null,
        "group_ids": group_ids,
        "role_ids": [role_of(agent).id()],
        "skill_ids": [],
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
    })
}

/// `GET /api/v2/agents/me`: the agent whose key calls.
pub fn me(req: Req) -> Answer {
    let agent = any_agent(&req)?;
    req.params().only(&[])?;
    ok(&agent_json(&req.state, &agent))
}

/// `GET /api/v2/agents[?email=&mobile=&phone=&state=fulltime|occasional]`.
pub fn list_agents(req: Req) -> Answer {
    any_agent(&req)?;
    let params = req.params();
    params.only(&["email", "mobile", "phone", "state", "page", "per_page"])?;
    let page = Page::of(&params)?;
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
    let found: Vec<Value> = agents(&req.state)
        .iter()
        // Every freshmock agent is full-time.
        .filter(|_| state_filter != Some("occasional"))
        .filter(|a| email.is_none_or(|e| a.has_email(e)))
        .filter(|a| mobile.is_none_or(|m| a.mobile.as_deref() == Some(m)))
        .filter(|a| phone.is_none_or(|p| a.phone.as_deref() == Some(p)))
        .map(|a| agent_json(&req.state, a))
        .collect();
    list(&req, page, &found)
}

/// `GET /api/v2/agents/:id`.
pub fn show_agent(req: Req) -> Answer {
    any_agent(&req)?;
    req.params().only(&[])?;
    let id: Id = req.id(0)?;
    let agent = agents(&req.state)
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| no_such("agent", id))?;
    ok(&agent_json(&req.state, &agent))
}

fn group_json(state: &AppState, group: &Group) -> Value {
    let at = account_time(state);
    json!({
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "escalate_to": null,
        "unassigned_for": null,
        "business_hour_id": null,
        "group_type": "support_agent_group",
        "auto_ticket_assign": false,
        "agent_ids": group.agent_ids,
        "created_at": at,
        "updated_at": at,
    })
}

/// `GET /api/v2/groups`.
pub fn list_groups(req: Req) -> Answer {
    any_agent(&req)?;
    let params = req.params();
    params.only(&["page", "per_page"])?;
    let page = Page::of(&params)?;
    let found: Vec<Value> = groups(&req.state)
        .iter()
        .map(|g| group_json(&req.state, g))
        .collect();
    list(&req, page, &found)
}

/// `GET /api/v2/groups/:id`.
pub fn show_group(req: Req) -> Answer {
    any_agent(&req)?;
    req.params().only(&[])?;
    let id: Id = req.id(0)?;
    let group = groups(&req.state)
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| no_such("group", id))?;
    ok(&group_json(&req.state, &group))
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
    req.params().only(&[])?;
    let roles: Vec<Value> = AgentRole::ALL
        .into_iter()
        .map(|r| role_json(&req.state, r))
        .collect();
    ok(&roles)
}

/// `GET /api/v2/roles/:id`.
pub fn show_role(req: Req) -> Answer {
    caller(&req, Privilege::AdminTasks)?;
    req.params().only(&[])?;
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
    req.params().only(&[])?;
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
