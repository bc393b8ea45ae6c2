//! The command line: `serve` (the default), `token`, `explain`, `check`, `generate`,
//! `import` and `health`.
//!
//! Every option of `serve` can also come from a `FRESHMOCK_*` environment variable (the
//! option's long name in upper snake case), so a container or a CI service is configured
//! without a command line; a test below keeps it so for options added later.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};

use freshmock::{ClockStart, Config, FixtureError, FixtureSet, Timeouts};

/// Port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8787;
/// Address `serve` binds unless told otherwise: loopback only.
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// Lifetime of a token from `freshmock token` unless told otherwise.
pub const DEFAULT_TTL: &str = "1h";

/// What `--version` prints: the version and the commit the binary was built from
/// (`build.rs`; "unknown" outside a git checkout).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FRESHMOCK_COMMIT"),
    ")"
);

/// A local, offline mock of the Freshdesk help-widget backend.
#[derive(Debug, Parser)]
#[command(name = "freshmock", version = VERSION, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options for `serve` when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the widget backend (the default).
    Serve(ServeArgs),
    /// Print a widget JWT that the fixtures accept.
    Token(TokenArgs),
    /// Print what Freshdesk would answer to a token, and why.
    Explain(ExplainArgs),
    /// Validate a fixture folder and exit.
    Check(AccountArgs),
    /// Write a generated fixture folder of any size (for benchmarks and load tests).
    Generate(GenerateArgs),
    /// Write a fixture folder from a Freshdesk account, read through its agent API.
    Import(ImportArgs),
    /// Exit 0 when a running server is ready (search index built), else 1 with the reason:
    /// a container HEALTHCHECK without curl.
    Health(HealthArgs),
}

/// Where the account comes from, and its secret and time.
#[derive(Debug, Clone, Args)]
pub struct AccountArgs {
    /// Fixture folder (account.json, widgets.json, ...); the bundled demo account if absent.
    #[arg(long, value_name = "DIR", env = "FRESHMOCK_FIXTURES", global = true)]
    pub fixtures: Option<PathBuf>,
    /// Widget secret, overriding the fixtures' (32 lowercase hex characters).
    #[arg(long, env = "FRESHMOCK_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<String>,
    /// The server's clock: an RFC 3339 time to freeze at (2026-01-01T00:00:00Z), or a
    /// signed offset from real time that keeps running (+90m, -2h). Default: real time.
    #[arg(
        long,
        value_name = "TIME",
        env = "FRESHMOCK_NOW",
        value_parser = ClockStart::parse,
        global = true
    )]
    pub now: Option<ClockStart>,
}

impl AccountArgs {
    pub fn fixtures(&self) -> Result<FixtureSet, FixtureError> {
        match &self.fixtures {
            Some(dir) => FixtureSet::from_dir(dir),
            None => FixtureSet::bundled(),
        }
    }

    /// This account, secret and clock, with everything else at its default (what `token`
    /// and `explain` need; `serve` sets its own options on top).
    pub fn config(&self) -> Result<Config, FixtureError> {
        Ok(Config {
            secret: self.secret.clone(),
            clock: self.now.unwrap_or_default(),
            ..Config::new(self.fixtures()?)
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (printed at start).
    #[arg(long, short, env = "FRESHMOCK_PORT", default_value_t = DEFAULT_PORT, global = true)]
    pub port: u16,
    /// Address to bind (0.0.0.0 for every interface, as in a container).
    #[arg(long, env = "FRESHMOCK_HOST", default_value = DEFAULT_HOST, global = true)]
    pub host: String,
    /// Keep tickets, attachments, contacts, names, hits, votes and the secret in
    /// DIR/freshmock.sqlite, durable before each answer; default: in memory.
    #[arg(long, value_name = "DIR", env = "FRESHMOCK_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Keep the search index of a fixture set in DIR, and open it from there when a server
    /// starts on the same set again (a CI worker each: one indexes, the others open).
    /// Default: DATA_DIR/index-cache with --data-dir, else $XDG_CACHE_HOME/freshmock/index
    /// (~/.cache/freshmock/index). The bundled set's index is compiled in.
    #[arg(long, value_name = "DIR", env = "FRESHMOCK_INDEX_CACHE", global = true)]
    pub index_cache: Option<PathBuf>,
    /// Build the search index at every start, keeping none on disk.
    #[arg(
        long,
        env = "FRESHMOCK_NO_INDEX_CACHE",
        value_parser = BoolishValueParser::new(),
        conflicts_with = "index_cache",
        global = true
    )]
    pub no_index_cache: bool,
    /// Accept every ticket without a captcha answer, even where the widget asks for one
    /// (from the environment: true/false, 1/0, yes/no, on/off).
    #[arg(
        long,
        env = "FRESHMOCK_NO_CAPTCHA",
        value_parser = BoolishValueParser::new(),
        global = true
    )]
    pub no_captcha: bool,
    /// Requests the request log keeps (a ring buffer: older ones are forgotten).
    #[arg(
        long,
        value_name = "N",
        env = "FRESHMOCK_REQUEST_LOG",
        default_value_t = Config::DEFAULT_REQUEST_LOG
    )]
    pub request_log: usize,
    /// Require `Authorization: Bearer <TOKEN>` on the control API (/_freshmock/).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "FRESHMOCK_CONTROL_TOKEN",
        hide_env_values = true
    )]
    pub control_token: Option<String>,
    /// Listening on loopback, also serve requests whose Host is NAME (any port; `.NAME`
    /// allows its subdomains too). Only localhost, 127.0.0.0/8 and [::1] are served
    /// otherwise, which keeps DNS-rebinding pages out. Repeatable; comma-separated in the
    /// environment.
    #[arg(
        long,
        value_name = "NAME",
        env = "FRESHMOCK_ALLOW_HOST",
        value_delimiter = ','
    )]
    pub allow_host: Vec<String>,
    /// Listen beyond loopback (--host 0.0.0.0) without --control-token: anyone who can
    /// reach the port can read the secret, mint tokens and reset the server.
    #[arg(long, env = "FRESHMOCK_INSECURE_CONTROL", value_parser = BoolishValueParser::new())]
    pub insecure_control: bool,
    /// The largest fixture set PUT /_freshmock/fixtures takes (bytes, or with KiB, MiB,
    /// GiB).
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size, env = "FRESHMOCK_MAX_FIXTURES_BODY")]
    pub max_fixtures_body: usize,
    /// How long a connection waiting for a request (new, or kept alive after an answer)
    /// has to send its headers.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration, env = "FRESHMOCK_HEADER_TIMEOUT")]
    pub header_timeout: Duration,
    /// How long a connection may stay silent mid-request or mid-answer (a stalled body, a
    /// client that stops reading) before it is closed.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = humantime::parse_duration, env = "FRESHMOCK_IDLE_TIMEOUT")]
    pub idle_timeout: Duration,
    /// Refuse widget calls over N a minute of the server's clock (429 with Retry-After), as
    /// Freshdesk does; without N, Freshdesk's 500. Off by default; the X-RateLimit headers
    /// are sent either way.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "500", env = "FRESHMOCK_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Restore a state document (from GET /_freshmock/state or --export-on-exit) at start:
    /// tickets, contacts, votes, hits, the secret and the clock.
    #[arg(long, value_name = "FILE", env = "FRESHMOCK_IMPORT")]
    pub import: Option<PathBuf>,
    /// Reload the --fixtures folder when one of its files changes; a bad edit keeps the old
    /// set and says why (the log, the event stream, the dashboard).
    #[arg(long, requires = "fixtures", env = "FRESHMOCK_WATCH", value_parser = BoolishValueParser::new())]
    pub watch: bool,
    /// Write the state document to FILE when the server stops (Ctrl-C or SIGTERM).
    #[arg(long, value_name = "FILE", env = "FRESHMOCK_EXPORT_ON_EXIT")]
    pub export_on_exit: Option<PathBuf>,
    #[command(flatten)]
    pub account: AccountArgs,
}

/// A size in bytes: `65536`, `64KiB`, `64MiB`, `1GiB` (also `KB`/`MB`/`GB`, as powers of
/// 1024 too, since that is what people mean for a body limit).
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let number: usize = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (try 64MiB)"))?;
    let scale: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("{other:?} is not a size unit (B, KiB, MiB or GiB)")),
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))
}

impl ServeArgs {
    /// The server configuration these options describe: the account, where state lives,
    /// the captcha switch, the request log and the control token.
    pub fn config(&self) -> Result<Config, FixtureError> {
        let index_cache = self.index_cache_dir();
        // Before the files are read: a change after this shows in the next start's stamp.
        let fixtures_stamp = match (&index_cache, &self.account.fixtures) {
            (Some(_), Some(dir)) => Config::stamp_fixture_folder(dir),
            _ => None,
        };
        // A folder's set as the last server on it prepared it, when the cache keeps it.
        let cached = match (&index_cache, &fixtures_stamp) {
            (Some(root), Some(stamp)) => {
                Config::from_catalog_cache(root, stamp, self.data_dir.is_some())
            }
            _ => None,
        };
        let account = match cached {
            Some(cached) => Config {
                secret: self.account.secret.clone(),
                clock: self.account.now.unwrap_or_default(),
                ..cached
            },
            None => self.account.config()?,
        };
        Ok(Config {
            data_dir: self.data_dir.clone(),
            captcha: !self.no_captcha,
            request_log: self.request_log,
            control_token: self.control_token.clone(),
            allow_hosts: self.allow_host.clone(),
            insecure_control: self.insecure_control,
            max_fixtures_body: self.max_fixtures_body,
            timeouts: Timeouts {
                header: self.header_timeout,
                idle: self.idle_timeout,
            },
            rate_limit: self.rate_limit,
            index_cache,
            fixtures_stamp,
            ..account
        })
    }

    /// Where the search index cache lives (see `--index-cache`), if anywhere.
    fn index_cache_dir(&self) -> Option<PathBuf> {
        if self.no_index_cache {
            return None;
        }
        if let Some(dir) = &self.index_cache {
            return Some(dir.clone());
        }
        if let Some(data) = &self.data_dir {
            return Some(data.join("index-cache"));
        }
        let home = |var: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let cache = home("XDG_CACHE_HOME").or_else(|| Some(home("HOME")?.join(".cache")))?;
        Some(cache.join("freshmock").join("index"))
    }
}

#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// The customer's email (a fixture contact's, or a new one for bootstrap to create).
    #[arg(long)]
    pub email: String,
    /// The customer's name; defaults to the fixture user's name for a known email.
    #[arg(long)]
    pub name: Option<String>,
    /// Lifetime, e.g. 90m or 2h (Freshdesk accepts at most 2h).
    #[arg(long, default_value = DEFAULT_TTL, value_parser = humantime::parse_duration)]
    pub ttl: Duration,
    /// An explicit exp (Unix seconds) instead of now + ttl.
    #[arg(long, conflicts_with = "ttl")]
    pub exp: Option<i64>,
    /// Signing algorithm: HS256, HS384, HS512 (others to test refusals).
    #[arg(long, default_value = "HS256")]
    pub alg: String,
    #[command(flatten)]
    pub account: AccountArgs,
}

#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// How many articles (each with a translation per language, a few missing).
    #[arg(long, value_name = "N")]
    pub articles: usize,
    /// Comma-separated language codes, primary first (en, fr, de and es are known).
    #[arg(long, default_value = crate::generate::DEFAULT_LANGUAGES)]
    pub languages: String,
    /// Seed: the same seed and options always give the same files.
    #[arg(long, default_value_t = crate::generate::DEFAULT_SEED)]
    pub seed: u64,
    /// The folder to write (created if missing; its fixture files are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Clone, Args)]
pub struct ImportArgs {
    /// The account to read: acme.freshdesk.com (or just acme), over HTTPS. With --url, the
    /// domain the fixtures give the account.
    #[arg(long, value_name = "HOST", required_unless_present = "url")]
    pub domain: Option<String>,
    /// Read from this base URL instead, such as another freshmock
    /// (http://127.0.0.1:8787).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// An agent's API key (Freshdesk: Profile settings, "View API key"); sent as HTTP Basic
    /// and never written anywhere.
    #[arg(
        long,
        value_name = "KEY",
        env = "FRESHDESK_API_KEY",
        hide_env_values = true
    )]
    pub api_key: String,
    /// The folder to write (created if missing; it must be empty or an earlier import of
    /// the same account, unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write into a folder that holds something else, replacing its fixture files; or
    /// start an interrupted import over.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Continue an interrupted import in --out where it stopped.
    #[arg(long)]
    pub resume: bool,
    /// Keep draft articles and translations (left out by default).
    #[arg(long)]
    pub drafts: bool,
    /// Import contacts too (active, blocked and deleted), with --redact on by default.
    #[arg(long)]
    pub contacts: bool,
    /// Replace people's names, emails and phones (contacts and agents) with stable fakes,
    /// keeping companies, language and roles: on unless --no-redact.
    #[arg(long, overrides_with = "no_redact")]
    pub redact: bool,
    /// Keep people's real names, emails and phones.
    #[arg(long, overrides_with = "redact")]
    pub no_redact: bool,
    /// The widget id widgets.json gets: your help widget's, so your page works unchanged.
    #[arg(long, value_name = "ID", default_value_t = crate::import::DEFAULT_WIDGET_ID)]
    pub widget_id: u64,
    /// The categories the widget links (comma-separated ids); default: every category.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub categories: Option<Vec<u64>>,
    /// The customer portal's host for articles' portal links (default: the domain).
    #[arg(long, value_name = "HOST")]
    pub portal_host: Option<String>,
    /// Calls in flight at once (per-article translations, contacts).
    #[arg(long, value_name = "N", default_value_t = crate::import::DEFAULT_JOBS, value_parser = clap::value_parser!(usize))]
    pub jobs: usize,
    /// How many times a failing call (5xx, a broken connection) is tried again before the
    /// import stops.
    #[arg(long, value_name = "N", default_value_t = crate::import::DEFAULT_RETRIES)]
    pub retries: u32,
    /// Print only warnings and the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// By hand, so that the API key never shows in a debug print of the arguments.
impl std::fmt::Debug for ImportArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportArgs")
            .field("domain", &self.domain)
            .field("url", &self.url)
            .field("api_key", &"…")
            .field("out", &self.out)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Args)]
pub struct HealthArgs {
    /// The server to ask; default: this machine at `--port` / FRESHMOCK_PORT (the same
    /// settings as `serve`, so a container's HEALTHCHECK needs no arguments).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Sent as `Authorization: Bearer <TOKEN>`, for a server started with one.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "FRESHMOCK_CONTROL_TOKEN",
        hide_env_values = true
    )]
    pub control_token: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The JWT, as sent in X-Widget-Auth.
    pub token: String,
    #[command(flatten)]
    pub account: AccountArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// A container or CI service sets freshmock up through its environment only, so every
    /// option of `serve`, including ones added later, has a `FRESHMOCK_*` variable named
    /// after its long name.
    #[test]
    fn every_serve_option_has_an_environment_variable() {
        let cli = Cli::command();
        let serve = cli
            .find_subcommand("serve")
            .expect("a serve subcommand")
            .clone();
        let mut missing = Vec::new();
        let mut checked = 0;
        for arg in serve.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "help" | "version") {
                continue;
            }
            checked += 1;
            let expected = format!("FRESHMOCK_{}", long.replace('-', "_").to_uppercase());
            match arg.get_env() {
                Some(env) if env == expected.as_str() => {}
                other => missing.push(format!("--{long}: {other:?}, want {expected}")),
            }
        }
        assert!(checked >= 9, "only {checked} serve options found");
        assert!(missing.is_empty(), "{missing:#?}");
    }
}
