//! From what the API answered ([`Raw`]) to a fixture set, with no I/O: the same answers
//! and options always give the same set, byte for byte once written.
//!
//! Where Freshdesk's data does not fit the fixture format, the record is adjusted or left
//! out, and a note says so (the summary prints the notes, `import.json` keeps them):
//! languages freshmock does not know, contacts without an email, ticket fields whose names
//! freshmock would refuse, a folder restricted to nobody. What the API does not show at all
//! is filled in plainly: the widget, its secret, segment membership.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use freshmock::fixtures::validate::{is_field_name, BUILT_IN_FIELD_NAMES, FIELD_TYPES, MAX_COUNT};
use freshmock::fixtures::{
    Account, Agent, AgentRole, Article, ArticleAttachment, ArticleStatus, Category, Company,
    Contact, ContactState, FieldLabels, FixtureSet, Folder, Id, NameTranslation, Privilege,
    Segment, Segments, TicketField, Translation, Visibility, Widget, WidgetSettings,
};
use freshmock::Lang;

use super::read::{languages, strings, Raw, RawArticle, RawCategory, RawFolder};
use super::redact;

/// When the API gives no time (fixtures' own default).
const NO_TIME: &str = "2020-01-01T00:00:00Z";

/// What the user chose that shapes the set.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The account's host (`acme.freshdesk.com`).
    pub domain: String,
    pub portal_host: Option<String>,
    pub drafts: bool,
    pub redact: bool,
    pub widget_id: Id,
    /// The categories the widget links; every imported one when `None`.
    pub categories: Option<Vec<Id>>,
    pub secret: String,
}

/// The set, and what the import has to say about it.
#[derive(Debug)]
pub struct Assembled {
    pub set: FixtureSet,
    pub notes: Vec<String>,
    /// The account's groups, as the API lists them (the fixture format has none:
    /// freshmock derives its groups from the agents' roles).
    pub groups: Vec<Value>,
    /// Drafts left out (without `--drafts`).
    pub drafts_skipped: usize,
    /// Whether the widget secret was made for this import (set by the caller, who knows).
    pub new_secret: bool,
}

/// Builds the fixture set, or says why the account cannot be one.
pub fn assemble(raw: &Raw, plan: &Plan) -> Result<Assembled, String> {
    let mut notes = raw.notes.clone();
    let (primary_code, other_codes) = languages(&raw.settings);
    let primary = Lang::parse(&primary_code).ok_or_else(|| {
        format!("the account's primary language '{primary_code}' is not one freshmock knows")
    })?;
    let mut others = Vec::new();
    for code in &other_codes {
        match Lang::parse(code) {
            Some(lang) if lang != primary && !others.contains(&lang) => others.push(lang),
            Some(_) => {}
            None => notes.push(format!(
                "language '{code}' is not one freshmock knows: its translations are left out"
            )),
        }
    }
    let langs = Langs { primary, others };

    let mut kb = Kb {
        langs: &langs,
        drafts: plan.drafts,
        notes: &mut notes,
        attachments: HashSet::new(),
        drafts_skipped: 0,
    };
    let solutions: Vec<Category> = raw.categories.iter().map(|c| kb.category(c)).collect();
    let drafts_skipped = kb.drafts_skipped;

    let agents = agents(raw, &langs, plan.redact, &mut notes);
    let mut companies = companies(raw);
    let contacts = contacts(raw, &langs, plan.redact, &agents, &mut notes);
    add_missing_companies(&mut companies, &solutions, &contacts, &mut notes);
    let segments = segments(raw, &solutions, &mut notes);
    let ticket_fields = ticket_fields(raw, primary, &mut notes);
    let widgets = vec![widget(plan, &solutions)?];

    let account = Account {
        id: raw
            .account
            .as_ref()
            .and_then(|a| a["account_id"].as_u64().or(a["id"].as_u64()))
            .unwrap_or(1),
        name: raw
            .account
            .as_ref()
            .and_then(|a| a["account_name"].as_str().or(a["name"].as_str()))
            .map(str::to_owned)
            .unwrap_or_else(|| plan.domain.clone()),
        domain: plan.domain.clone(),
        portal_host: plan.portal_host.clone(),
        widget_secret: plan.secret.clone(),
        primary_language: primary.code().to_owned(),
        portal_languages: langs.others.iter().map(|l| l.code().to_owned()).collect(),
        portal_language: None,
        multilingual: !langs.others.is_empty(),
        features: Default::default(),
        created_at: NO_TIME.to_owned(),
    };
    let set = FixtureSet {
        account,
        widgets,
        companies,
        segments,
        contacts: contacts.into(),
        agents,
        solutions,
        ticket_fields,
    };
    freshmock::fixtures::validate::validate(&set).map_err(|e| {
        format!("the account does not fit freshmock's fixture format ({e}); nothing was written")
    })?;
    let groups = raw
        .groups
        .iter()
        .flatten()
        .map(|g| {
            let mut kept = Map::new();
            for key in ["id", "name", "description", "agent_ids"] {
                kept.insert(key.to_owned(), g[key].clone());
            }
            Value::Object(kept)
        })
        .collect();
    Ok(Assembled {
        set,
        notes,
        groups,
        drafts_skipped,
        new_secret: true,
    })
}

struct Langs {
    primary: Lang,
    others: Vec<Lang>,
}

impl Langs {
    /// The fixture's code for an API language code, when the set keeps that language.
    fn kept(&self, code: &str) -> Option<&'static str> {
        let lang = Lang::parse(code)?;
        (lang == self.primary || self.others.contains(&lang)).then(|| lang.code())
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

fn ids(v: &Value, key: &str) -> Vec<Id> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0).min(MAX_COUNT)
}

/// The knowledge base's assembly, with what it counts on the way.
struct Kb<'a> {
    langs: &'a Langs,
    drafts: bool,
    notes: &'a mut Vec<String>,
    /// Attachment ids seen: a fixture's are unique across the set.
    attachments: HashSet<Id>,
    drafts_skipped: usize,
}

impl Kb<'_> {
    fn names(&self, translations: &BTreeMap<String, Value>) -> BTreeMap<String, NameTranslation> {
        translations
            .iter()
            .filter_map(|(code, v)| {
                let code = self.langs.kept(code)?;
                (code != self.langs.primary.code()).then(|| {
                    (
                        code.to_owned(),
                        NameTranslation {
                            name: text(v, "name"),
                            description: text(v, "description"),
                            created_at: opt_text(v, "created_at"),
                            updated_at: opt_text(v, "updated_at"),
                        },
                    )
                })
            })
            .filter(|(_, t)| !t.name.trim().is_empty())
            .collect()
    }

    fn category(&mut self, raw: &RawCategory) -> Category {
        let base = &raw.base;
        Category {
            id: base["id"].as_u64().unwrap_or_default(),
            name: text(base, "name"),
            description: text(base, "description"),
            visible_in_portals: ids(base, "visible_in_portals"),
            created_at: opt_text(base, "created_at"),
            updated_at: opt_text(base, "updated_at"),
            translations: self.names(&raw.translations),
            folders: raw.folders.iter().map(|f| self.folder(f)).collect(),
        }
    }

    fn folder(&mut self, raw: &RawFolder) -> Folder {
        let base = &raw.base;
        let id = base["id"].as_u64().unwrap_or_default();
        let number = base["visibility"].as_u64().unwrap_or(0);
        let mut visibility = u8::try_from(number)
            .ok()
            .and_then(|n| Visibility::try_from(n).ok())
            .unwrap_or_else(|| {
                self.notes.push(format!(
                    "folder {id} has visibility {number}, which freshmock does not know: imported as agents only (3)"
                ));
                Visibility::Agents
            });
        let companies = ids(base, "company_ids");
        let contact_segments = ids(base, "contact_segment_ids");
        let company_segments = ids(base, "company_segment_ids");
        let nobody = match visibility {
            Visibility::Companies => companies.is_empty(),
            Visibility::ContactSegments => contact_segments.is_empty(),
            Visibility::CompanySegments => company_segments.is_empty(),
            _ => false,
        };
        if nobody {
            self.notes.push(format!(
                "folder {id} is restricted to no one in its visibility {number}: imported as agents only (3)"
            ));
            visibility = Visibility::Agents;
        }
        let articles: Vec<Article> = raw
            .articles
            .iter()
            .filter_map(|a| self.article(a))
            .collect();
        Folder {
            id,
            name: text(base, "name"),
            visibility,
            companies: if visibility == Visibility::Companies {
                companies
            } else {
                Vec::new()
            },
            contact_segments: if visibility == Visibility::ContactSegments {
                contact_segments
            } else {
                Vec::new()
            },
            company_segments: if visibility == Visibility::CompanySegments {
                company_segments
            } else {
                Vec::new()
            },
            description: text(base, "description"),
            created_at: opt_text(base, "created_at"),
            updated_at: opt_text(base, "updated_at"),
            translations: self.names(&raw.translations),
            articles: std::sync::Arc::new(articles.into_iter().map(std::sync::Arc::new).collect()),
        }
    }

    /// An article with the translations the set keeps; `None` when none is left (a draft
    /// without `--drafts`).
    fn article(&mut self, raw: &RawArticle) -> Option<Article> {
        let base = &raw.base;
        let id = base["id"].as_u64()?;
        let primary_status = status(base);
        let article_status = if self.drafts {
            primary_status
        } else {
            ArticleStatus::Published
        };
        let mut translations = BTreeMap::new();
        let all = std::iter::once((self.langs.primary.code(), base)).chain(
            raw.translations
                .iter()
                .filter_map(|(code, v)| Some((self.langs.kept(code)?, v))),
        );
        for (code, v) in all {
            let own = status(v);
            if own == ArticleStatus::Draft && !self.drafts {
                continue;
            }
            if text(v, "title").trim().is_empty() {
                self.notes.push(format!(
                    "article {id} has no title in '{code}': that translation is left out"
                ));
                continue;
            }
            let translation = self.translation(id, code, v, own, article_status);
            translations.entry(code.to_owned()).or_insert(translation);
        }
        if translations.is_empty() {
            self.drafts_skipped += 1;
            return None;
        }
        Some(Article {
            id,
            status: article_status,
            tags: strings(base, "tags"),
            hits: count(base, "hits"),
            article_type: match base["type"].as_u64() {
                Some(2) => 2,
                _ => 1,
            },
            agent_id: base["agent_id"].as_u64(),
            translations: translations.into_iter().collect(),
        })
    }

    fn translation(
        &mut self,
        article: Id,
        code: &str,
        v: &Value,
        own: ArticleStatus,
        article_status: ArticleStatus,
    ) -> Translation {
        let modified_at = opt_text(v, "updated_at").unwrap_or_else(|| NO_TIME.to_owned());
        let created_at = opt_text(v, "created_at").filter(|c| *c != modified_at);
        let seo_data = v["seo_data"]
            .as_object()
            .filter(|m| !m.is_empty())
            .map(|m| Box::new(m.clone()));
        let mut attachments = Vec::new();
        for a in v["attachments"].as_array().into_iter().flatten() {
            let Some(att) = a["id"].as_u64() else {
                continue;
            };
            if !self.attachments.insert(att) {
                self.notes.push(format!(
                    "attachment {att} of article {article} ('{code}') is also another translation's: kept on the first only"
                ));
                continue;
            }
            attachments.push(ArticleAttachment {
                id: att,
                name: text(a, "name"),
                content_type: opt_text(a, "content_type")
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
                size: a["size"].as_u64().unwrap_or(0),
            });
        }
        Translation {
            title: text(v, "title"),
            description: text(v, "description"),
            modified_at,
            status: (own != article_status).then_some(own),
            created_at: created_at.map(Into::into),
            seo_data,
            thumbs_up: count(v, "thumbs_up"),
            thumbs_down: count(v, "thumbs_down"),
            attachments,
        }
    }
}

/// An article's status in one language: Freshdesk's 1 is a draft, 2 published.
fn status(v: &Value) -> ArticleStatus {
    match v["status"].as_u64() {
        Some(1) => ArticleStatus::Draft,
        _ => ArticleStatus::Published,
    }
}

fn companies(raw: &Raw) -> Vec<Company> {
    let mut companies: Vec<Company> = raw
        .companies
        .iter()
        .flatten()
        .filter_map(|c| {
            Some(Company {
                id: c["id"].as_u64()?,
                name: text(c, "name"),
                segments: Vec::new(),
                description: opt_text(c, "description"),
                note: opt_text(c, "note"),
                domains: strings(c, "domains"),
                health_score: opt_text(c, "health_score"),
                account_tier: opt_text(c, "account_tier"),
                renewal_date: opt_text(c, "renewal_date"),
                industry: opt_text(c, "industry"),
                created_at: opt_text(c, "created_at"),
                updated_at: opt_text(c, "updated_at"),
            })
        })
        .filter(|c| !c.name.trim().is_empty())
        .collect();
    companies.sort_by_key(|c| c.id);
    companies.dedup_by_key(|c| c.id);
    companies
}

/// Companies that folders or contacts name but the list did not give (a key that may not
/// read companies): kept by id, so the folders keep their meaning.
fn add_missing_companies(
    companies: &mut Vec<Company>,
    solutions: &[Category],
    contacts: &[Contact],
    notes: &mut Vec<String>,
) {
    let known: HashSet<Id> = companies.iter().map(|c| c.id).collect();
    let named: BTreeSet<Id> = solutions
        .iter()
        .flat_map(|c| &c.folders)
        .flat_map(|f| &f.companies)
        .chain(contacts.iter().flat_map(|c| &c.companies))
        .copied()
        .filter(|id| !known.contains(id))
        .collect();
    if named.is_empty() {
        return;
    }
    notes.push(format!(
        "companies {} are named but were not listed: imported as \"Company <id>\"",
        named
            .iter()
            .map(Id::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    companies.extend(named.into_iter().map(|id| Company {
        id,
        name: format!("Company {id}"),
        ..Company::default()
    }));
    companies.sort_by_key(|c| c.id);
}

/// The segments folders name (and any the API lists), by id. Membership is not in the
/// API, so no contact or company is in one: a note says so.
fn segments(raw: &Raw, solutions: &[Category], notes: &mut Vec<String>) -> Segments {
    let folders = || solutions.iter().flat_map(|c| &c.folders);
    let build = |listed: &Option<Vec<Value>>, named: BTreeSet<Id>, kind: &str| {
        let mut by_id: BTreeMap<Id, String> = listed
            .iter()
            .flatten()
            .filter_map(|s| Some((s["id"].as_u64()?, text(s, "name"))))
            .filter(|(_, name)| !name.trim().is_empty())
            .collect();
        for id in named {
            by_id
                .entry(id)
                .or_insert_with(|| format!("{kind} segment {id}"));
        }
        by_id
            .into_iter()
            .map(|(id, name)| Segment { id, name })
            .collect::<Vec<_>>()
    };
    let contact_named: BTreeSet<Id> = folders()
        .flat_map(|f| &f.contact_segments)
        .copied()
        .collect();
    let company_named: BTreeSet<Id> = folders()
        .flat_map(|f| &f.company_segments)
        .copied()
        .collect();
    if !contact_named.is_empty() || !company_named.is_empty() {
        notes.push(
            "segment membership is not in Freshdesk's API: folders restricted to segments are imported, but no contact or company is in a segment (add them in contacts.json and companies.json)".to_owned(),
        );
    }
    Segments {
        contact_segments: build(&raw.contact_segments, contact_named, "Contact"),
        company_segments: build(&raw.company_segments, company_named, "Company"),
    }
}

/// An email a fixture takes: something before and after one `@`, no spaces.
fn plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn agents(raw: &Raw, langs: &Langs, redact: bool, notes: &mut Vec<String>) -> Vec<Agent> {
    let roles: BTreeMap<Id, String> = raw
        .roles
        .iter()
        .flatten()
        .filter_map(|r| Some((r["id"].as_u64()?, text(r, "name"))))
        .collect();
    let mut unknown_roles = BTreeSet::new();
    let mut seen = HashSet::new();
    let mut agents: Vec<Agent> = Vec::new();
    for a in &raw.agents {
        let Some(id) = a["id"].as_u64() else { continue };
        let contact = &a["contact"];
        let email = text(contact, "email");
        if !plausible_email(&email) || !seen.insert(email.to_lowercase()) {
            notes.push(format!("agent {id} has no usable email: left out"));
            continue;
        }
        let role = ids(a, "role_ids").into_iter().find_map(|r| {
            let name = roles.get(&r)?;
            let known = AgentRole::named(name);
            if known.is_none() {
                unknown_roles.insert(name.clone());
            }
            known
        });
        let name = text(contact, "name");
        let agent = Agent {
            id,
            name: if name.trim().is_empty() {
                format!("Agent {id}")
            } else {
                name
            },
            email,
            language: contact["language"]
                .as_str()
                .and_then(|c| langs.kept(c))
                .map(str::to_owned),
            admin: matches!(
                role,
                Some(AgentRole::AccountAdministrator | AgentRole::Administrator)
            ),
            manage_tickets: role.is_none_or(|r| r.may(Privilege::ManageTickets)),
            api_key: None,
            role: role.map(|r| r.name().to_owned()),
        };
        agents.push(if redact { redact::agent(agent) } else { agent });
    }
    if !unknown_roles.is_empty() {
        notes.push(format!(
            "roles {} are not ones freshmock knows: their agents get freshmock's \"Agent\" role",
            unknown_roles.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    agents.sort_by_key(|a| a.id);
    agents
}

fn contacts(
    raw: &Raw,
    langs: &Langs,
    redact: bool,
    agents: &[Agent],
    notes: &mut Vec<String>,
) -> Vec<Contact> {
    let Some(listed) = &raw.contacts else {
        return Vec::new();
    };
    let mut taken: HashSet<String> = agents.iter().map(|a| a.email.to_lowercase()).collect();
    let mut without_email = 0;
    let mut contacts: Vec<Contact> = Vec::new();
    let mut ids_seen = HashSet::new();
    let mut sorted: Vec<&Value> = listed.iter().collect();
    sorted.sort_by_key(|c| c["id"].as_u64());
    for c in sorted {
        let Some(id) = c["id"].as_u64() else { continue };
        if !ids_seen.insert(id) || agents.iter().any(|a| a.id == id) {
            continue;
        }
        let email = text(c, "email");
        if !plausible_email(&email) || !taken.insert(email.to_lowercase()) {
            without_email += 1;
            continue;
        }
        let other_emails: Vec<String> = strings(c, "other_emails")
            .into_iter()
            .filter(|e| plausible_email(e) && taken.insert(e.to_lowercase()))
            .collect();
        let mut companies: Vec<Id> = c["company_id"].as_u64().into_iter().collect();
        for other in c["other_companies"].as_array().into_iter().flatten() {
            if let Some(company) = other["company_id"].as_u64().or(other.as_u64()) {
                if !companies.contains(&company) {
                    companies.push(company);
                }
            }
        }
        let state = if c["deleted"].as_bool() == Some(true) {
            ContactState::Deleted
        } else if c["blocked"].as_bool() == Some(true) {
            ContactState::Blocked
        } else {
            ContactState::Active
        };
        let name = text(c, "name");
        let contact = Contact {
            id,
            name: if name.trim().is_empty() {
                format!("Contact {id}")
            } else {
                name
            },
            email,
            other_emails,
            phone: opt_text(c, "phone"),
            mobile: opt_text(c, "mobile"),
            language: c["language"]
                .as_str()
                .and_then(|code| langs.kept(code))
                .map(str::to_owned),
            external_id: opt_text(c, "unique_external_id"),
            companies,
            segments: Vec::new(),
            state,
        };
        contacts.push(if redact {
            redact::contact(contact)
        } else {
            contact
        });
    }
    if without_email > 0 {
        notes.push(format!(
            "{without_email} contacts have no email, or one already taken: left out (a widget login names an email)"
        ));
    }
    contacts
}

fn ticket_fields(raw: &Raw, primary: Lang, notes: &mut Vec<String>) -> Vec<TicketField> {
    let mut names = HashSet::new();
    let mut fields = Vec::new();
    for f in raw.ticket_fields.iter().flatten() {
        let Some(id) = f["id"].as_u64() else { continue };
        let field_type = text(f, "type");
        let default = f["default"].as_bool().unwrap_or(false);
        // The agent API names two default fields as agents see them; the fixture format
        // (the widget's form) names them as the form does. The default fields only agents
        // set (source, group, agent, company) are not the form's.
        let name = match field_type.as_str() {
            "default_requester" => "email".to_owned(),
            "default_ticket_type" => "type".to_owned(),
            "default_source" | "default_group" | "default_agent" | "default_company" => continue,
            _ => text(f, "name"),
        };
        let fits = is_field_name(&name)
            && FIELD_TYPES.contains(&field_type.as_str())
            && default == field_type.starts_with("default_")
            && (if default {
                BUILT_IN_FIELD_NAMES.contains(&name.as_str())
            } else {
                name.starts_with("cf_")
            })
            && names.insert(name.clone());
        if !fits {
            notes.push(format!(
                "ticket field {id} '{name}' ({field_type}) is not one the widget's form can show: left out"
            ));
            continue;
        }
        let label = opt_text(f, "label").unwrap_or_else(|| name.clone());
        let labels = BTreeMap::from([(
            primary.code().to_owned(),
            FieldLabels {
                label,
                label_for_customers: opt_text(f, "label_for_customers"),
                description: opt_text(f, "description"),
            },
        )]);
        let flag = |key: &str, default: bool| f[key].as_bool().unwrap_or(default);
        fields.push(TicketField {
            id,
            name,
            field_type,
            position: f["position"].as_u64().unwrap_or(0).min(u32::MAX as u64) as u32,
            required_for_closure: flag("required_for_closure", false),
            required_for_agents: flag("required_for_agents", false),
            required_for_customers: flag("required_for_customers", false),
            customers_can_edit: flag("customers_can_edit", true),
            displayed_to_customers: flag("displayed_to_customers", true),
            default,
            belongs_to_section: flag("belongs_to_section", false),
            labels,
            choices: f.get("choices").filter(|c| !c.is_null()).cloned(),
            created_at: opt_text(f, "created_at").unwrap_or_else(|| NO_TIME.to_owned()),
            updated_at: opt_text(f, "updated_at").unwrap_or_else(|| NO_TIME.to_owned()),
        });
    }
    fields
}

/// The one widget: the API has no help-widget settings, so it links the chosen
/// categories with solution articles on and Freshdesk's defaults for the rest.
fn widget(plan: &Plan, solutions: &[Category]) -> Result<Widget, String> {
    let known: Vec<Id> = solutions.iter().map(|c| c.id).collect();
    let categories = match &plan.categories {
        Some(chosen) => {
            if let Some(missing) = chosen.iter().find(|id| !known.contains(id)) {
                return Err(format!(
                    "--categories names {missing}, which the account does not have (it has {})",
                    known
                        .iter()
                        .map(Id::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            chosen.clone()
        }
        None => known,
    };
    let mut settings = WidgetSettings::default();
    settings.components.solution_articles = true;
    Ok(Widget {
        id: plan.widget_id,
        name: "Help widget (imported)".into(),
        product_id: None,
        active: true,
        date_format: 1,
        categories,
        settings,
        suggestions: Vec::new(),
        created_at: NO_TIME.to_owned(),
        updated_at: NO_TIME.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(drafts: bool) -> Plan {
        Plan {
            domain: "acme.freshdesk.com".into(),
            portal_host: None,
            drafts,
            redact: true,
            widget_id: 7,
            categories: None,
            secret: "0123456789abcdef0123456789abcdef".into(),
        }
    }

    fn article(id: u64, status: u64, title: &str) -> Value {
        json!({ "id": id, "status": status, "title": title, "description": "<p>x</p>",
                "updated_at": "2025-01-01T00:00:00Z", "hits": 3, "tags": ["t"] })
    }

    /// An account with one category and one folder (visibility `visibility`) holding
    /// article 1: a draft in English, published in French.
    fn raw(visibility: u64, companies: Value) -> Raw {
        Raw {
            settings: json!({ "primary_language": "en", "portal_languages": ["fr", "xx"] }),
            categories: vec![RawCategory {
                base: json!({ "id": 1, "name": "Help" }),
                translations: BTreeMap::from([("fr".into(), json!({ "name": "Aide" }))]),
                folders: vec![RawFolder {
                    base: json!({ "id": 10, "name": "F", "visibility": visibility,
                                  "company_ids": companies }),
                    translations: BTreeMap::new(),
                    articles: vec![RawArticle {
                        base: article(1, 1, "Draft"),
                        translations: BTreeMap::from([
                            ("fr".into(), article(1, 2, "Publié")),
                            ("xx".into(), article(1, 2, "??")),
                        ]),
                    }],
                }],
            }],
            ..Raw::default()
        }
    }

    #[test]
    fn without_drafts_only_published_translations_are_kept() {
        let done = assemble(&raw(1, json!([])), &plan(false)).unwrap();
        let (_, _, a) = done.set.articles().next().unwrap();
        assert_eq!(a.status, ArticleStatus::Published);
        assert_eq!(a.translations.keys().collect::<Vec<_>>(), vec!["fr"]);
        assert_eq!(a.translations["fr"].status, None);
        assert!(
            done.notes.iter().any(|n| n.contains("'xx'")),
            "{:?}",
            done.notes
        );
        assert_eq!(done.set.account.portal_languages, vec!["fr"]);
        assert_eq!(done.set.solutions[0].translations["fr"].name, "Aide");
    }

    #[test]
    fn with_drafts_each_translation_keeps_its_own_status() {
        let done = assemble(&raw(1, json!([])), &plan(true)).unwrap();
        let (_, _, a) = done.set.articles().next().unwrap();
        assert_eq!(a.status, ArticleStatus::Draft);
        assert_eq!(a.translations["en"].status, None);
        assert_eq!(a.translations["fr"].status, Some(ArticleStatus::Published));
    }

    #[test]
    fn a_folder_restricted_to_no_company_is_for_agents_and_named_companies_exist() {
        let done = assemble(&raw(4, json!([])), &plan(true)).unwrap();
        assert_eq!(
            done.set.solutions[0].folders[0].visibility,
            Visibility::Agents
        );
        assert!(done.notes.iter().any(|n| n.contains("folder 10")));

        let done = assemble(&raw(4, json!([55])), &plan(true)).unwrap();
        assert_eq!(done.set.solutions[0].folders[0].companies, vec![55]);
        assert_eq!(done.set.companies[0].name, "Company 55");
    }

    #[test]
    fn people_fields_and_roles_fit_the_fixture_format() {
        let mut raw = raw(1, json!([]));
        raw.roles = Some(vec![json!({ "id": 5, "name": "Knowledge Base Editor" })]);
        raw.agents = vec![json!({ "id": 2, "role_ids": [5],
            "contact": { "name": "Vera", "email": "vera@acme.test", "language": "fr" } })];
        raw.companies = Some(vec![json!({ "id": 101, "name": "Globex" })]);
        raw.contacts = Some(vec![
            json!({ "id": 9, "name": "Max", "email": "max@example.com", "company_id": 101,
                    "other_companies": [{ "company_id": 102 }], "language": "de", "blocked": true }),
            json!({ "id": 8, "name": "Phone only", "email": null, "phone": "+1" }),
        ]);
        raw.ticket_fields = Some(vec![
            json!({ "id": 1, "name": "subject", "type": "default_subject", "default": true,
                    "label": "Subject", "position": 1 }),
            json!({ "id": 2, "name": "bad name", "type": "custom_text", "default": false,
                    "label": "Bad", "position": 2 }),
        ]);
        let done = assemble(&raw, &plan(true)).unwrap();
        let agent = &done.set.agents[0];
        assert_eq!(agent.role.as_deref(), Some("Knowledge Base Editor"));
        assert!(!agent.manage_tickets && !agent.admin);
        assert_ne!(agent.email, "vera@acme.test", "redacted");
        let contact = &done.set.contacts[0];
        assert_eq!(
            done.set.contacts.len(),
            1,
            "the contact without an email is left out"
        );
        assert_eq!(contact.companies, vec![101, 102]);
        assert_eq!(contact.state, ContactState::Blocked);
        // German is not one of this account's languages.
        assert_eq!(contact.language, None);
        assert_eq!(done.set.ticket_fields.len(), 1);
        assert_eq!(
            done.set.companies.len(),
            2,
            "company 102 is named, so it exists"
        );
    }

    #[test]
    fn an_unknown_widget_category_is_refused() {
        let mut plan = plan(true);
        plan.categories = Some(vec![1, 99]);
        let err = assemble(&raw(1, json!([])), &plan).unwrap_err();
        assert!(err.contains("--categories names 99"), "{err}");
    }
}
