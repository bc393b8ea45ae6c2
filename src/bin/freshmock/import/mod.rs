//! `freshmock import`: a Freshdesk account, read through the agent REST API v2, written as
//! a fixture folder that `freshmock check` accepts and `freshmock serve --fixtures` serves.
//!
//! The order of things is what makes bad input change nothing: the options and the out
//! folder are checked first, then the source is asked who the key is and whether it may
//! read the knowledge base; only then is the folder (and the journal, for `--resume`)
//! created. The fixture files are written once everything is read and the set validates.
//!
//! - [`client`]: the HTTP client (retries, rate limits, `Link` paging).
//! - [`read`]: what is read, step by step, into [`read::Raw`].
//! - [`journal`]: the steps kept for `--resume`.
//! - [`assemble`]: the fixture set made from the answers (no I/O).
//! - [`redact`]: stable fake names, emails and phones.
//! - [`progress`]: the bar or the plain lines.

mod assemble;
mod client;
mod journal;
mod progress;
mod read;
mod redact;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reqwest::Url;
use serde::Serialize;
use serde_json::Value;

use freshmock::fixtures::Id;
use freshmock::FixtureSet;

pub use client::ApiKey;
use client::{FetchError, Got, Source};
use journal::{Journal, JournalError};
use progress::Progress;

/// The widget id `widgets.json` gets unless `--widget-id` says otherwise (the demo's).
pub const DEFAULT_WIDGET_ID: Id = crate::generate::WIDGET_ID;
/// Calls in flight at most unless `--jobs` says otherwise. Measured on the 10,000-article
/// set from a local release server on two busy cores: 4 jobs 8.6-9.7 s, 8 jobs 6.8 s,
/// 16 jobs 9.1 s. Against Freshdesk the rate limit decides, not this.
pub const DEFAULT_JOBS: usize = 8;
/// Tries after a failed call unless `--retries` says otherwise.
pub const DEFAULT_RETRIES: u32 = 5;
/// The import's own file in the out folder: where it came from and what it could not
/// carry over. It marks the folder as an import, which a re-import may replace.
pub const MANIFEST: &str = "import.json";

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to read (`https://acme.freshdesk.com`).
    pub base: Url,
    /// The account's host in the fixtures (`acme.freshdesk.com`).
    pub domain: String,
    pub portal_host: Option<String>,
    pub key: ApiKey,
    pub out: PathBuf,
    pub force: bool,
    pub resume: bool,
    pub drafts: bool,
    pub contacts: bool,
    pub redact: bool,
    pub widget_id: Id,
    pub categories: Option<Vec<Id>>,
    pub jobs: usize,
    pub retries: u32,
    pub quiet: bool,
}

/// Why an import stopped. Every one of them leaves the fixture files as they were.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    OutFolder(String),
    #[error("{origin} refused the API key (401 on GET {path}): check --api-key (Freshdesk: your profile picture, Profile settings, \"View API key\")")]
    KeyRefused { origin: String, path: String },
    #[error("the API key's agent may not read {what} (403 on GET {path}): import with the key of an agent whose role can view the knowledge base, such as an administrator")]
    NoAccess { what: String, path: String },
    #[error("{origin} does not look like a Freshdesk account: {detail}; check --domain or --url")]
    NotFreshdesk { origin: String, detail: String },
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    Source(String),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{0}")]
    Invalid(String),
    /// Stopped after reading began: the journal keeps what was read.
    #[error(
        "{cause}\n  what was read is kept in {out}: run the same command with --resume to continue"
    )]
    Interrupted {
        cause: Box<ImportError>,
        out: String,
    },
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// What a finished import says.
#[derive(Debug)]
pub struct Summary {
    pub categories: usize,
    pub folders: usize,
    pub articles: usize,
    pub translations: usize,
    pub drafts_skipped: usize,
    pub companies: usize,
    pub agents: usize,
    pub contacts: usize,
    pub ticket_fields: usize,
    pub widget_id: Id,
    pub widget_categories: Vec<Id>,
    /// Whether the secret is new (false: kept from the folder's earlier import).
    pub new_secret: bool,
    pub resumed_steps: usize,
    pub notes: Vec<String>,
}

/// What the out folder holds before the import.
#[derive(Debug, PartialEq, Eq)]
enum OutState {
    /// Absent or empty.
    Fresh,
    /// An earlier finished import from the same source.
    Reimport,
    /// An interrupted import.
    Interrupted,
    /// Anything else (listed for the message).
    Other(Vec<String>),
}

/// Runs an import.
pub fn run(options: &Options) -> Result<Summary, ImportError> {
    if options.key.is_blank() {
        return Err(ImportError::Usage(
            "--api-key is blank: give the API key of an agent of the account".into(),
        ));
    }
    let source_name = source_name(&options.base);
    let state = out_state(&options.out, &source_name)?;
    match (&state, options.resume, options.force) {
        (OutState::Interrupted, false, false) => {
            return Err(ImportError::OutFolder(format!(
                "{} holds an interrupted import ({}): --resume to continue it, or --force to start over",
                options.out.display(),
                journal::FILE
            )))
        }
        (OutState::Other(files), _, false) => {
            return Err(ImportError::OutFolder(format!(
                "{} holds files that are not an import from {source_name} ({}): choose an empty folder, or --force to replace the fixture files in it",
                options.out.display(),
                files.join(", ")
            )))
        }
        _ => {}
    }
    let progress = Arc::new(Progress::new(options.quiet));
    let source = Source::new(
        &options.base,
        &options.key,
        options.retries,
        progress.clone(),
    )
    .map_err(ImportError::Usage)?;
    let settings = preflight(&source)?;

    let created = !options.out.exists();
    std::fs::create_dir_all(&options.out).map_err(|source| ImportError::Io {
        path: options.out.display().to_string(),
        source,
    })?;
    let resuming = options.resume && state == OutState::Interrupted;
    let journal = if resuming {
        let journal = Journal::resume(&options.out, &source_name)?;
        progress.note(&format!(
            "resuming: {} steps were read before",
            journal.steps()
        ));
        journal
    } else {
        if options.resume {
            progress.note("no interrupted import to resume: starting one");
        }
        Journal::start(&options.out, &source_name)?
    };
    let resumed_steps = journal.steps();
    let assembled = match read_and_write(
        options,
        &source,
        &journal,
        &progress,
        settings,
        &source_name,
    ) {
        Ok(assembled) => assembled,
        // A mistake in the options: what this run read is of no use, and the folder is left
        // as it was found (an interrupted import's journal too).
        Err(err @ (ImportError::Usage(_) | ImportError::Invalid(_))) => {
            if !resuming {
                let _ = journal.finish();
            }
            if created {
                let _ = std::fs::remove_dir(&options.out);
            }
            return Err(err);
        }
        Err(err) => {
            return Err(ImportError::Interrupted {
                cause: Box::new(err),
                out: options.out.display().to_string(),
            })
        }
    };
    journal.finish().map_err(|source| ImportError::Io {
        path: options.out.join(journal::FILE).display().to_string(),
        source,
    })?;

    let set = &assembled.set;
    Ok(Summary {
        categories: set.solutions.len(),
        folders: set.solutions.iter().map(|c| c.folders.len()).sum(),
        articles: set.articles().count(),
        translations: set.articles().map(|(_, _, a)| a.translations.len()).sum(),
        drafts_skipped: assembled.drafts_skipped,
        companies: set.companies.len(),
        agents: set.agents.len(),
        contacts: set.contacts.len(),
        ticket_fields: set.ticket_fields.len(),
        widget_id: options.widget_id,
        widget_categories: set.widgets[0].categories.clone(),
        new_secret: assembled.new_secret,
        resumed_steps,
        notes: assembled.notes,
    })
}

/// Reads the account (skipping what the journal has), then writes the folder.
fn read_and_write(
    options: &Options,
    source: &Source,
    journal: &Journal,
    progress: &Progress,
    settings: Value,
    source_name: &str,
) -> Result<assemble::Assembled, ImportError> {
    let reader = read::Reader::new(
        source,
        journal,
        progress,
        options.jobs,
        options.contacts,
        options.categories.clone(),
    );
    // The preflight's settings are today's: no need to ask twice.
    let raw = reader.read(settings);
    progress.finish();
    let raw = raw?;
    let (secret, new_secret) = match kept_secret(&options.out) {
        Some(secret) => (secret, false),
        None => (new_secret(), true),
    };
    let plan = assemble::Plan {
        domain: options.domain.clone(),
        portal_host: options.portal_host.clone(),
        drafts: options.drafts,
        redact: options.redact,
        widget_id: options.widget_id,
        categories: options.categories.clone(),
        secret,
    };
    let mut assembled = assemble::assemble(&raw, &plan).map_err(ImportError::Invalid)?;
    assembled.new_secret = new_secret;
    write(&options.out, &assembled, options, source_name)?;
    Ok(assembled)
}

/// The source as the journal and `import.json` name it: its address, no credentials.
fn source_name(base: &Url) -> String {
    base.as_str().trim_end_matches('/').to_owned()
}

/// What the out folder holds: fresh, an earlier import of this source, an interrupted
/// import, or something else.
fn out_state(out: &Path, source: &str) -> Result<OutState, ImportError> {
    if !out.exists() {
        return Ok(OutState::Fresh);
    }
    if !out.is_dir() {
        return Err(ImportError::OutFolder(format!(
            "--out {} is a file, not a folder",
            out.display()
        )));
    }
    if Journal::exists(out) {
        return Ok(OutState::Interrupted);
    }
    let entries: Vec<String> = std::fs::read_dir(out)
        .map_err(|source| ImportError::Io {
            path: out.display().to_string(),
            source,
        })?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if entries.is_empty() {
        return Ok(OutState::Fresh);
    }
    let earlier = std::fs::read(out.join(MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    // An earlier import of this source: its files are replaced, and any the team added
    // (a README) are left alone.
    if earlier.is_some_and(|m| m["source"] == source) {
        return Ok(OutState::Reimport);
    }
    let mut shown: Vec<String> = entries;
    shown.sort();
    if shown.len() > 5 {
        let more = shown.len() - 5;
        shown.truncate(5);
        shown.push(format!("{more} more"));
    }
    Ok(OutState::Other(shown))
}

/// The first calls: is this Freshdesk, is the key an agent's, may it read the knowledge
/// base? The settings come back for the import to use.
fn preflight(source: &Source) -> Result<Value, ImportError> {
    let origin = source.origin().to_owned();
    let refused = |path: &str, err: FetchError| -> ImportError {
        match err {
            FetchError::Refused { status: 401, .. } => ImportError::KeyRefused {
                origin: origin.clone(),
                path: path.to_owned(),
            },
            FetchError::Refused { status: 403, .. } => ImportError::NoAccess {
                what: "the help desk's settings".into(),
                path: path.to_owned(),
            },
            FetchError::Refused { status, .. } => ImportError::NotFreshdesk {
                origin: origin.clone(),
                detail: format!("GET {path} answered {status}"),
            },
            FetchError::NotJson { content_type, .. } => ImportError::NotFreshdesk {
                origin: origin.clone(),
                detail: format!("GET {path} answered {content_type}, not JSON"),
            },
            other => other.into(),
        }
    };
    let path = "/api/v2/settings/helpdesk";
    let settings = match source.get(path).map_err(|e| refused(path, e))? {
        Got::Json { body, .. } if body.get("primary_language").is_some() => body,
        Got::Json { .. } => {
            return Err(ImportError::NotFreshdesk {
                origin,
                detail: format!("GET {path} has no primary_language"),
            })
        }
        Got::NotFound => {
            return Err(ImportError::NotFreshdesk {
                origin,
                detail: format!("GET {path} answered 404"),
            })
        }
    };
    let path = "/api/v2/solutions/categories?per_page=1";
    match source.get(path) {
        Ok(Got::Json { .. }) => Ok(settings),
        Ok(Got::NotFound) => Err(ImportError::NotFreshdesk {
            origin,
            detail: "it has no knowledge base (GET /api/v2/solutions/categories answered 404)"
                .into(),
        }),
        Err(FetchError::Refused { status: 403, .. }) => Err(ImportError::NoAccess {
            what: "the knowledge base".into(),
            path: "/api/v2/solutions/categories".into(),
        }),
        Err(err) => Err(refused(path, err)),
    }
}

/// The widget secret of the folder's earlier import, so a re-import changes nothing
/// that did not change at the source.
fn kept_secret(out: &Path) -> Option<String> {
    let text = std::fs::read(out.join("account.json")).ok()?;
    let account: Value = serde_json::from_slice(&text).ok()?;
    let secret = account["widget_secret"].as_str()?;
    freshmock::fixtures::validate::is_valid_secret(secret).then(|| secret.to_owned())
}

/// 32 random lowercase hex characters, as Freshdesk issues secrets.
fn new_secret() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system has randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `import.json`: the source, the options that shape the files, what was imported and
/// what could not be. No times and no key, so an unchanged account gives the same bytes.
#[derive(Serialize)]
struct Manifest<'a> {
    source: &'a str,
    drafts: bool,
    contacts: bool,
    redact: bool,
    widget_id: Id,
    widget_categories: &'a [Id],
    groups: &'a [Value],
    notes: &'a [String],
}

fn write(
    out: &Path,
    assembled: &assemble::Assembled,
    options: &Options,
    source: &str,
) -> Result<(), ImportError> {
    crate::generate::write_dir(&assembled.set, out).map_err(|e| ImportError::Io {
        path: out.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let manifest = Manifest {
        source,
        drafts: options.drafts,
        contacts: options.contacts,
        redact: options.redact,
        widget_id: options.widget_id,
        widget_categories: &assembled.set.widgets[0].categories,
        groups: &assembled.groups,
        notes: &assembled.notes,
    };
    let path = out.join(MANIFEST);
    let mut text = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    text.push(b'\n');
    std::fs::write(&path, text).map_err(|source| ImportError::Io {
        path: path.display().to_string(),
        source,
    })?;
    // What was written is what `check` and `serve` will read: make sure.
    FixtureSet::from_dir(out)
        .map(|_| ())
        .map_err(|e| ImportError::Invalid(format!("the written folder does not load: {e}")))
}

/// The summary's words.
pub fn describe(summary: &Summary, out: &Path) -> String {
    let mut text = format!(
        "imported {} articles ({} translations) in {} categories and {} folders, {} companies, {} agents, {} contacts and {} ticket fields into {}",
        summary.articles,
        summary.translations,
        summary.categories,
        summary.folders,
        summary.companies,
        summary.agents,
        summary.contacts,
        summary.ticket_fields,
        out.display()
    );
    if summary.resumed_steps > 0 {
        text.push_str(&format!(
            "\n  resumed: {} steps came from the interrupted import",
            summary.resumed_steps
        ));
    }
    if summary.drafts_skipped > 0 {
        text.push_str(&format!(
            "\n  {} draft articles left out (--drafts keeps them)",
            summary.drafts_skipped
        ));
    }
    let categories: Vec<String> = summary
        .widget_categories
        .iter()
        .map(Id::to_string)
        .collect();
    let secret = if summary.new_secret {
        format!(
            "a newly generated widget_secret: sign test tokens with it (`freshmock token --fixtures {}`), or put your real secret there",
            out.display()
        )
    } else {
        "the widget_secret of the earlier import".to_owned()
    };
    text.push_str(&format!(
        "\n  widget: Freshdesk's API shows neither the help widget's settings nor its secret, so widgets.json has widget {} linking categories {} with solution articles on, and account.json {}",
        summary.widget_id,
        categories.join(", "),
        secret
    ));
    for note in &summary.notes {
        text.push_str(&format!("\n  note: {note}"));
    }
    text
}

/// `--domain` and `--url` as the import's base URL and the account's domain.
pub fn resolve_source(
    domain: Option<&str>,
    url: Option<&str>,
) -> Result<(Url, String), ImportError> {
    let usage = |m: String| ImportError::Usage(m);
    let domain = domain.map(|d| {
        let d = d.trim().trim_end_matches('/');
        let d = d
            .strip_prefix("https://")
            .or_else(|| d.strip_prefix("http://"))
            .unwrap_or(d);
        // `acme` is `acme.freshdesk.com`, as Freshdesk's own tools take it.
        if d.contains('.') || d.contains(':') {
            d.to_owned()
        } else {
            format!("{d}.freshdesk.com")
        }
    });
    let base = match (url, &domain) {
        (Some(url), _) => {
            Url::parse(url.trim()).map_err(|e| usage(format!("--url {url:?} is not a URL: {e}")))?
        }
        (None, Some(domain)) => Url::parse(&format!("https://{domain}"))
            .map_err(|e| usage(format!("--domain {domain:?} is not a host name: {e}")))?,
        (None, None) => {
            return Err(usage(
                "say which account: --domain acme.freshdesk.com, or --url for any base URL".into(),
            ))
        }
    };
    if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
        return Err(usage(format!("{base} is not an http(s) address")));
    }
    if !base.username().is_empty() || base.password().is_some() {
        return Err(usage(
            "the URL carries credentials: give the key with --api-key (or FRESHDESK_API_KEY) instead, so that it is never written anywhere".into(),
        ));
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(usage(format!(
            "{base}: a base URL takes no query or fragment"
        )));
    }
    let domain = match domain {
        Some(domain) => domain,
        None => {
            let host = base.host_str().unwrap_or_default();
            match base.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            }
        }
    };
    Ok((base, domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_account_name_is_a_freshdesk_domain_and_a_url_names_its_host() {
        let (base, domain) = resolve_source(Some("acme"), None).unwrap();
        assert_eq!(base.as_str(), "https://acme.freshdesk.com/");
        assert_eq!(domain, "acme.freshdesk.com");
        let (base, domain) = resolve_source(None, Some("http://127.0.0.1:8787")).unwrap();
        assert_eq!(base.as_str(), "http://127.0.0.1:8787/");
        assert_eq!(domain, "127.0.0.1:8787");
        let (_, domain) =
            resolve_source(Some("acme.freshdesk.com"), Some("http://127.0.0.1:1")).unwrap();
        assert_eq!(domain, "acme.freshdesk.com");
    }

    #[test]
    fn credentials_in_the_url_and_other_schemes_are_refused() {
        assert!(resolve_source(None, Some("http://key:X@127.0.0.1:1")).is_err());
        assert!(resolve_source(None, Some("ftp://127.0.0.1")).is_err());
        assert!(resolve_source(None, None).is_err());
    }

    #[test]
    fn secrets_are_what_the_fixtures_accept() {
        let secret = new_secret();
        assert!(freshmock::fixtures::validate::is_valid_secret(&secret));
        assert_ne!(secret, new_secret());
    }
}
