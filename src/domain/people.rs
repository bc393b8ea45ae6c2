//! The account's users (contacts and agents) as the widget sees them: found by any of
//! their emails, created by bootstrap, their names synced from tokens.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

pub use crate::domain::fixtures::{AgentRole, Privilege};
use crate::domain::fixtures::{ContactState, FixtureSet, Id};

/// Contact or agent, with what differs between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Role {
    Contact {
        companies: Vec<Id>,
        segments: Vec<Id>,
    },
    Agent {
        admin: bool,
        manage_tickets: bool,
        #[serde(skip)]
        api_key: Option<String>,
        /// What the agent REST API lets them do.
        agent_role: AgentRole,
    },
}

/// A user of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub other_emails: Vec<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    /// Profile language code; `None` means the account's primary language.
    pub language: Option<String>,
    pub external_id: Option<String>,
    pub state: ContactState,
    pub role: Role,
    /// Created by a bootstrap call rather than loaded from the fixtures.
    pub created_by_widget: bool,
}

impl User {
    pub fn is_agent(&self) -> bool {
        matches!(self.role, Role::Agent { .. })
    }

    /// Deleted, spam and blocked users may not act through the widget.
    pub fn may_use_widget(&self) -> bool {
        self.state == ContactState::Active
    }

    /// Does this email (case-insensitively) belong to the user?
    pub fn has_email(&self, email: &str) -> bool {
        self.email.eq_ignore_ascii_case(email)
            || self
                .other_emails
                .iter()
                .any(|e| e.eq_ignore_ascii_case(email))
    }
}

/// Every user, indexed by lower-cased email (primary and secondary). Users are shared
/// (`Arc`) so that a call can hold the one it is for without copying it.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    users: Vec<Arc<User>>,
    by_email: HashMap<String, usize>,
    next_id: Id,
}

/// First id given to contacts that bootstrap creates.
const FIRST_CREATED_ID: Id = 90_000_001;

impl Directory {
    pub fn from_fixtures(set: &FixtureSet) -> Directory {
        let contacts = set.contacts.iter().map(|c| User {
            id: c.id,
            name: c.name.clone(),
            email: c.email.clone(),
            other_emails: c.other_emails.clone(),
            phone: c.phone.clone(),
            mobile: c.mobile.clone(),
            language: c.language.clone(),
            external_id: c.external_id.clone(),
            state: c.state,
            role: Role::Contact {
                companies: c.companies.clone(),
                segments: c.segments.clone(),
            },
            created_by_widget: false,
        });
        let agents = set.agents.iter().map(|a| User {
            id: a.id,
            name: a.name.clone(),
            email: a.email.clone(),
            other_emails: Vec::new(),
            phone: None,
            mobile: None,
            language: a.language.clone(),
            external_id: None,
            state: ContactState::Active,
            role: Role::Agent {
                admin: a.admin,
                manage_tickets: a.manage_tickets,
                api_key: a.api_key.clone(),
                agent_role: AgentRole::of(a),
            },
            created_by_widget: false,
        });
        let mut dir = Directory::default();
        for user in contacts.chain(agents) {
            dir.insert(user);
        }
        dir.next_id = dir
            .users
            .iter()
            .map(|u| u.id + 1)
            .max()
            .unwrap_or(0)
            .max(FIRST_CREATED_ID);
        dir
    }

    fn insert(&mut self, user: User) -> usize {
        let index = self.users.len();
        index_emails(&mut self.by_email, &user, index);
        self.users.push(Arc::new(user));
        index
    }

    pub fn find_by_email(&self, email: &str) -> Option<&Arc<User>> {
        // Most emails are already lower case: look them up as they are.
        let found = if email.is_ascii() && !email.bytes().any(|b| b.is_ascii_uppercase()) {
            self.by_email.get(email)
        } else {
            self.by_email.get(&email.to_lowercase())
        };
        found.map(|&i| &self.users[i])
    }

    pub fn find_by_id(&self, id: Id) -> Option<&User> {
        self.users.iter().find(|u| u.id == id).map(|u| &**u)
    }

    pub fn find_by_api_key(&self, key: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| matches!(&u.role, Role::Agent { api_key: Some(k), .. } if k == key))
            .map(|u| &**u)
    }

    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.iter().map(|u| &**u)
    }

    /// The id the next created contact gets.
    pub fn next_created_id(&self) -> Id {
        self.next_id
    }

    /// Adds a contact created through the widget under a known id (a new one, or one the
    /// store remembers from an earlier run).
    pub fn add_created(&mut self, id: Id, name: &str, email: &str) -> &User {
        let user = User {
            id,
            name: name.to_owned(),
            email: email.to_owned(),
            other_emails: Vec::new(),
            phone: None,
            mobile: None,
            language: None,
            external_id: None,
            state: ContactState::Active,
            role: Role::Contact {
                companies: Vec::new(),
                segments: Vec::new(),
            },
            created_by_widget: true,
        };
        self.next_id = self.next_id.max(id + 1);
        let index = self.insert(user);
        &self.users[index]
    }

    /// Overwrites a known user's name with the token's (bootstrap's name sync).
    pub fn sync_name(&mut self, id: Id, name: &str) -> Option<&User> {
        let user = self.users.iter_mut().find(|u| u.id == id)?;
        let user = Arc::make_mut(user);
        user.name = name.to_owned();
        Some(user)
    }
}

/// Makes `by_email` find the `index`-th user by each of its emails (lower-cased).
fn index_emails(by_email: &mut HashMap<String, usize>, user: &User, index: usize) {
    for email in std::iter::once(&user.email).chain(&user.other_emails) {
        if !email.is_empty() {
            by_email.insert(email.to_lowercase(), index);
        }
    }
}

/// A contact as the agent REST API reads and writes it: the fields a [`User`] has, and
/// those only the API shows (job title, tags, ...). Stored whole as a `contact` record
/// (see `state::store::Record`) once the API creates or changes the contact.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ContactDoc {
    pub id: Id,
    pub name: String,
    /// Empty for a contact known by phone only.
    pub email: String,
    pub other_emails: Vec<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub language: Option<String>,
    pub unique_external_id: Option<String>,
    pub twitter_id: Option<String>,
    /// Every company, the first being Freshdesk's `company_id`.
    pub companies: Vec<Id>,
    pub segments: Vec<Id>,
    pub job_title: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub time_zone: Option<String>,
    pub tags: Vec<String>,
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    pub view_all_tickets: bool,
    /// Verified (Freshdesk's `active`); a contact the API creates is not until it logs in.
    pub active: bool,
    pub state: ContactState,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub created_by_widget: bool,
}

impl Default for ContactDoc {
    fn default() -> ContactDoc {
        ContactDoc {
            id: 0,
            name: String::new(),
            email: String::new(),
            other_emails: Vec::new(),
            phone: None,
            mobile: None,
            language: None,
            unique_external_id: None,
            twitter_id: None,
            companies: Vec::new(),
            segments: Vec::new(),
            job_title: None,
            description: None,
            address: None,
            time_zone: None,
            tags: Vec::new(),
            custom_fields: serde_json::Map::new(),
            view_all_tickets: false,
            active: true,
            state: ContactState::Active,
            created_at: 0,
            updated_at: 0,
            created_by_widget: false,
        }
    }
}

impl ContactDoc {
    /// A contact the API has not written yet, from what the directory knows; `at` is its
    /// creation time (the account's for fixture contacts).
    pub fn of_user(user: &User, at: i64) -> ContactDoc {
        let (companies, segments) = match &user.role {
            Role::Contact {
                companies,
                segments,
            } => (companies.clone(), segments.clone()),
            Role::Agent { .. } => (Vec::new(), Vec::new()),
        };
        ContactDoc {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            other_emails: user.other_emails.clone(),
            phone: user.phone.clone(),
            mobile: user.mobile.clone(),
            language: user.language.clone(),
            unique_external_id: user.external_id.clone(),
            companies,
            segments,
            state: user.state,
            created_at: at,
            updated_at: at,
            created_by_widget: user.created_by_widget,
            ..ContactDoc::default()
        }
    }

    /// What the widget sees of this contact, with the name and state the API last set.
    pub fn to_user(&self) -> User {
        User {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            other_emails: self.other_emails.clone(),
            phone: self.phone.clone(),
            mobile: self.mobile.clone(),
            language: self.language.clone(),
            external_id: self.unique_external_id.clone(),
            state: self.state,
            role: Role::Contact {
                companies: self.companies.clone(),
                segments: self.segments.clone(),
            },
            created_by_widget: self.created_by_widget,
        }
    }
}

impl Directory {
    /// Creates or replaces a contact with what the agent API wrote (its emails re-indexed).
    pub fn put_contact(&mut self, doc: &ContactDoc) {
        let user = doc.to_user();
        self.next_id = self.next_id.max(doc.id + 1);
        match self.users.iter().position(|u| u.id == doc.id) {
            Some(index) => {
                self.users[index] = Arc::new(user);
                self.reindex();
            }
            None => {
                self.insert(user);
            }
        }
    }

    /// Forgets a user for good (the agent API's hard delete).
    pub fn remove(&mut self, id: Id) {
        self.users.retain(|u| u.id != id);
        self.reindex();
    }

    fn reindex(&mut self) {
        self.by_email.clear();
        for (index, user) in self.users.iter().enumerate() {
            index_emails(&mut self.by_email, user, index);
        }
    }
}
