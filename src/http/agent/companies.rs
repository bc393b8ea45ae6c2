//! Companies through Freshdesk's agent API: `GET/POST /api/v2/companies`, `GET/PUT/DELETE
//! /api/v2/companies/:id`, `GET /api/v2/search/companies` and `GET /api/v2/company_fields`.
//! Companies live in the catalog (folder visibility 4 and 7 reads them), so writes go
//! through [`AppState::edit_catalog`]: a company made here can be named by a contact's
//! `company_id` at once, and one deleted here is taken out of its contacts, whose
//! company-restricted folders the widget then hides.
//!
//! Reading needs the role's "view contacts", writing "manage companies".

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::api::{body, caller, list, no_such, search_page, Fields, Page};
use super::query::{self, date_matches, Op, Term};
use crate::domain::catalog::Catalog;
use crate::domain::clock::{format_timestamp, parse_instant};
use crate::domain::fixtures::{Company, Id};
use crate::domain::people::Privilege;
use crate::domain::solutions::Change;
use crate::http::error::ApiError;
use crate::http::error::FieldError;
use crate::http::reply::{created_at, no_content, ok, Answer};
use crate::http::request::Req;
use crate::state::AppState;

const FIELDS: &[&str] = &[
    "name",
    "description",
    "note",
    "domains",
    "health_score",
    "account_tier",
    "renewal_date",
    "industry",
    "custom_fields",
];

const SEARCH_FIELDS: &[&str] = &[
    "name",
    "domain",
    "industry",
    "account_tier",
    "health_score",
    "created_at",
    "updated_at",
];

/// Freshdesk's default choices for these company fields.
const HEALTH_SCORES: [&str; 3] = ["At risk", "Doing okay", "Happy"];
const ACCOUNT_TIERS: [&str; 3] = ["Basic", "Premium", "Enterprise"];

fn time_of(state: &AppState, text: Option<&String>) -> String {
    text.cloned()
        .unwrap_or_else(|| format_timestamp(state.account_created_at()))
}

/// A company as Freshdesk's agent API shows it.
fn company_json(state: &AppState, c: &Company) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "note": c.note,
        "domains": c.domains,
        "health_score": c.health_score,
        "account_tier": c.account_tier,
        "renewal_date": c.renewal_date,
        "industry": c.industry,
        "custom_fields": {},
        "created_at": time_of(state, c.created_at.as_ref()),
        "updated_at": time_of(state, c.updated_at.as_ref()),
    })
}

/// `GET /api/v2/companies`, by id.
pub fn index(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    let params = req.params();
    params.only(&["page", "per_page"])?;
    let page = Page::of(&params)?;
    let catalog = req.state.catalog();
    let mut companies: Vec<&Company> = catalog.fixtures.companies.iter().collect();
    companies.sort_by_key(|c| c.id);
    let items: Vec<Value> = companies
        .iter()
        .map(|c| company_json(&req.state, c))
        .collect();
    list(&req, page, &items)
}

/// `GET /api/v2/companies/:id`.
pub fn show(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    let id: Id = req.id(0)?;
    let catalog = req.state.catalog();
    let company = catalog.company(id).ok_or_else(|| no_such("company", id))?;
    ok(&company_json(&req.state, company))
}

/// What a write asked for, its types checked (`None`: not given).
#[derive(Debug, Default)]
struct Asked {
    name: Option<String>,
    description: Option<String>,
    note: Option<String>,
    domains: Option<Vec<String>>,
    health_score: Option<String>,
    account_tier: Option<String>,
    renewal_date: Option<String>,
    industry: Option<String>,
}

fn read_asked(body: &Map<String, Value>, creating: bool) -> Result<Asked, ApiError> {
    let mut f = Fields::default();
    f.only(body, FIELDS);
    if creating && !body.contains_key("name") {
        f.missing("name");
    }
    let choice = |f: &mut Fields, field: &str, choices: &[&str]| -> Option<String> {
        let value = f.string(body, field, 255)?;
        if choices.contains(&value.as_str()) {
            Some(value)
        } else {
            f.fail(
                field,
                format!("It should be one of these values: '{}'", choices.join(",")),
                "invalid_value",
            );
            None
        }
    };
    let health_score = choice(&mut f, "health_score", &HEALTH_SCORES);
    let account_tier = choice(&mut f, "account_tier", &ACCOUNT_TIERS);
    let renewal_date = f.string(body, "renewal_date", 64).and_then(|text| {
        match parse_instant(&text).or_else(|_| parse_instant(&format!("{text}T00:00:00Z"))) {
            Ok(ms) => Some(format_timestamp(ms.div_euclid(1000))),
            Err(_) => {
                f.fail(
                    "renewal_date",
                    "It should be in the 'valid date time' format",
                    "invalid_value",
                );
                None
            }
        }
    });
    let domains = f.strings(body, "domains").map(|d| {
        d.iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
    });
    if let Some(custom) = f.object(body, "custom_fields") {
        // The account has no custom company fields (see company_fields).
        for key in custom.keys() {
            f.errors.push(FieldError::unexpected(key));
        }
    }
    let asked = Asked {
        name: f.string(body, "name", 255).map(|n| n.trim().to_owned()),
        description: f.text(body, "description"),
        note: f.text(body, "note"),
        domains,
        health_score,
        account_tier,
        renewal_date,
        industry: f.string(body, "industry", 255),
    };
    f.check()?;
    Ok(asked)
}

/// A name or domain another company has: 409 `duplicate_value`.
fn refuse_duplicates(catalog: &Catalog, asked: &Asked, own: Option<Id>) -> Result<(), ApiError> {
    let others = || {
        catalog
            .fixtures
            .companies
            .iter()
            .filter(move |c| Some(c.id) != own)
    };
    let mut errors = Vec::new();
    if let Some(name) = &asked.name {
        if let Some(other) = others().find(|c| c.name.eq_ignore_ascii_case(name)) {
            errors.push(
                FieldError::new("name", "It should be a unique value", "duplicate_value")
                    .with_info(json!({ "company_id": other.id })),
            );
        }
    }
    for domain in asked.domains.iter().flatten() {
        if let Some(other) = others().find(|c| c.domains.contains(domain)) {
            errors.push(
                FieldError::new("domains", "It should be a unique value", "duplicate_value")
                    .with_info(json!({ "company_id": other.id })),
            );
            break;
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(
            StatusCode::CONFLICT,
            errors,
            "another company has this name or domain",
        ))
    }
}

fn apply(c: &mut Company, asked: Asked, now: &str) {
    if let Some(v) = asked.name {
        c.name = v;
    }
    let set = |slot: &mut Option<String>, v: Option<String>| {
        if let Some(v) = v {
            *slot = (!v.is_empty()).then_some(v);
        }
    };
    set(&mut c.description, asked.description);
    set(&mut c.note, asked.note);
    set(&mut c.health_score, asked.health_score);
    set(&mut c.account_tier, asked.account_tier);
    set(&mut c.renewal_date, asked.renewal_date);
    set(&mut c.industry, asked.industry);
    if let Some(v) = asked.domains {
        c.domains = v;
    }
    c.updated_at = Some(now.to_owned());
}

/// `POST /api/v2/companies`: 201 with the company.
pub async fn create(mut req: Req) -> Answer {
    let agent = caller(&req, Privilege::ManageCompanies)?;
    let body = body(&mut req).await?;
    let asked = read_asked(&body, true)?;
    let state = req.state.clone();
    let now = format_timestamp(state.now_secs());
    let (_, company) = state
        .edit_catalog(agent.email.clone(), move |catalog, next_id| {
            refuse_duplicates(catalog, &asked, None)?;
            let mut company = Company {
                id: *next_id,
                created_at: Some(now.clone()),
                ..Company::default()
            };
            *next_id += 1;
            apply(&mut company, asked, &now);
            Ok((vec![Change::Company(company.clone())], company))
        })
        .await?;
    created_at(
        &format!("/api/v2/companies/{}", company.id),
        &company_json(&state, &company),
    )
}

/// `PUT /api/v2/companies/:id`: 200 with the company.
pub async fn update(mut req: Req) -> Answer {
    let agent = caller(&req, Privilege::ManageCompanies)?;
    let id: Id = req.id(0)?;
    let body = body(&mut req).await?;
    let asked = read_asked(&body, false)?;
    let state = req.state.clone();
    let now = format_timestamp(state.now_secs());
    let (_, company) = state
        .edit_catalog(agent.email.clone(), move |catalog, _| {
            let mut company = catalog
                .company(id)
                .cloned()
                .ok_or_else(|| no_such("company", id))?;
            refuse_duplicates(catalog, &asked, Some(id))?;
            apply(&mut company, asked, &now);
            Ok((vec![Change::Company(company.clone())], company))
        })
        .await?;
    ok(&company_json(&state, &company))
}

/// `DELETE /api/v2/companies/:id`: 204; the company is forgotten and its contacts no
/// longer belong to it.
pub async fn delete(req: Req) -> Answer {
    let agent = caller(&req, Privilege::ManageCompanies)?;
    let id: Id = req.id(0)?;
    let state = req.state.clone();
    state
        .edit_catalog(agent.email.clone(), move |catalog, _| {
            if catalog.company(id).is_none() {
                return Err(no_such("company", id));
            }
            Ok((vec![Change::DeleteCompany(id)], ()))
        })
        .await?;
    let unlinked = state.unlink_company(id).await?;
    tracing::info!(id, unlinked, by = %agent.email, "the agent API deleted a company");
    no_content()
}

fn term_matches(state: &AppState, c: &Company, term: &Term) -> bool {
    use query::Value as V;
    let text = |have: Option<&str>| match (&term.value, have) {
        (V::Null, None) => true,
        (V::Text(s), Some(h)) => h.eq_ignore_ascii_case(s),
        _ => false,
    };
    let at = |t: Option<&String>| {
        t.and_then(|t| parse_instant(t).ok())
            .map_or_else(|| state.account_created_at(), |ms| ms.div_euclid(1000))
    };
    let date = |secs: i64| date_matches(term.op, &term.value, secs).unwrap_or(false);
    if term.op != Op::Eq && !term.field.ends_with("_at") {
        return false;
    }
    match term.field.as_str() {
        "name" => text(Some(&c.name)),
        "domain" => match &term.value {
            V::Text(s) => c.domains.iter().any(|d| d.eq_ignore_ascii_case(s)),
            _ => false,
        },
        "industry" => text(c.industry.as_deref()),
        "account_tier" => text(c.account_tier.as_deref()),
        "health_score" => text(c.health_score.as_deref()),
        "created_at" => date(at(c.created_at.as_ref())),
        "updated_at" => date(at(c.updated_at.as_ref())),
        _ => false,
    }
}

/// `GET /api/v2/search/companies?query="..."[&page=]`: `{"results", "total"}`, by id.
pub fn search(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    let params = req.params();
    params.only(&["query", "page"])?;
    let page = Page::search(&params)?;
    let query = query::parse_param(params.get("query"), SEARCH_FIELDS)?;
    let catalog = req.state.catalog();
    let mut found: Vec<&Company> = catalog
        .fixtures
        .companies
        .iter()
        .filter(|c| query.eval(&|term| term_matches(&req.state, c, term)))
        .collect();
    found.sort_by_key(|c| c.id);
    let items: Vec<Value> = found.iter().map(|c| company_json(&req.state, c)).collect();
    search_page(page, &items)
}

/// The default company fields (the account has no custom ones).
const COMPANY_FIELDS: [(&str, &str, &str, bool); 8] = [
    ("name", "Company Name", "default_name", true),
    ("description", "Description", "default_description", false),
    ("note", "Notes", "default_note", false),
    (
        "domains",
        "Domains for this company",
        "default_domains",
        false,
    ),
    (
        "health_score",
        "Health score",
        "default_health_score",
        false,
    ),
    (
        "account_tier",
        "Account tier",
        "default_account_tier",
        false,
    ),
    (
        "renewal_date",
        "Contract renewal date",
        "default_renewal_date",
        false,
    ),
    ("industry", "Industry", "default_industry", false),
];

/// `GET /api/v2/company_fields`.
pub fn fields(req: Req) -> Answer {
    caller(&req, Privilege::ViewContacts)?;
    Page::unpaged(&req.params())?;
    let at = format_timestamp(req.state.account_created_at());
    let body: Vec<Value> = COMPANY_FIELDS
        .iter()
        .enumerate()
        .map(|(i, (name, label, kind, required))| {
            let mut v = json!({
                "id": 6_100_000_001u64 + i as u64,
                "name": name,
                "label": label,
                "position": i + 1,
                "type": kind,
                "default": true,
                "required_for_agents": required,
                "created_at": at,
                "updated_at": at,
            });
            match *name {
                "health_score" => v["choices"] = json!(HEALTH_SCORES),
                "account_tier" => v["choices"] = json!(ACCOUNT_TIERS),
                _ => {}
            }
            v
        })
        .collect();
    ok(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renewal_day_is_kept_as_a_timestamp_and_choices_are_checked() {
        let body = json!({ "renewal_date": "2026-05-01", "health_score": "Happy", "account_tier": "Gold" });
        let err = read_asked(body.as_object().unwrap(), false).unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        let body = json!({ "renewal_date": "2026-05-01", "health_score": "Happy" });
        let asked = read_asked(body.as_object().unwrap(), false).unwrap();
        assert_eq!(asked.renewal_date.as_deref(), Some("2026-05-01T00:00:00Z"));
    }
}
