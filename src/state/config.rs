//! How a server starts: [`Config`] (fixtures, secret, clock, data directory, limits) and
//! the connection [`Timeouts`].

use std::path::PathBuf;
use std::time::Duration;

use crate::domain::clock::ClockStart;
use crate::domain::fixtures::FixtureSet;
use crate::state::request_log::DEFAULT_CAPACITY;

/// How a server starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub fixtures: FixtureSet,
    /// Overrides the fixtures' widget secret.
    pub secret: Option<String>,
    pub clock: ClockStart,
    /// Where changes are kept durably (`DIR/freshmock.sqlite`); in memory when `None`.
    pub data_dir: Option<PathBuf>,
    /// Whether the contact form's captcha is checked where the widget asks for it
    /// (`--no-captcha` turns it off).
    pub captcha: bool,
    /// Requests the request log keeps.
    pub request_log: usize,
    /// When set, the control API wants `Authorization: Bearer <token>`.
    pub control_token: Option<String>,
    /// Names served besides loopback ones while listening on loopback (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Listen beyond loopback without a control token (`--insecure-control`).
    pub insecure_control: bool,
    /// The largest fixture set `PUT /_freshmock/fixtures` takes, in bytes.
    pub max_fixtures_body: usize,
    /// How long connections may take or wait.
    pub timeouts: Timeouts,
    /// Widget calls a minute refused over (429), `None` to count only (`--rate-limit`).
    pub rate_limit: Option<u32>,
    /// Where search indexes are kept between starts, by fixture set (`--index-cache`, see
    /// `state::index_cache`); `None` builds the index at every start, keeping nothing.
    pub index_cache: Option<PathBuf>,
    /// The fixture folder's stamp, taken before its files were read (see
    /// `index_cache::folder_stamp`): names the set in the index cache without hashing it.
    pub fixtures_stamp: Option<String>,
    /// The fixtures were read from the catalog cache, as a server prepared them (see
    /// `state::catalog_cache`): not prepared again, and not kept again.
    pub prepared: bool,
    /// With [`Config::prepared`], the data directory's fingerprint of the fixtures' files
    /// (which the prepared fixtures no longer give), if the cache held it.
    pub fixtures_fingerprint: Option<String>,
}

/// How long a connection may take to send a request's headers, and how long it may stay
/// silent, before freshmock closes it (so slow or idle sockets cannot pile up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the moment a connection waits for a request (a new one, or one kept alive
    /// after an answer) until the request's headers are in.
    pub header: Duration,
    /// Nothing read or written for this long, mid-request or mid-answer.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            header: Duration::from_secs(30),
            idle: Duration::from_secs(120),
        }
    }
}

impl Config {
    /// The stamp of a fixture folder, for [`Config::fixtures_stamp`]: to be taken before
    /// its files are read.
    pub fn stamp_fixture_folder(dir: &std::path::Path) -> Option<String> {
        crate::state::index_cache::folder_stamp(dir)
    }

    /// A fixture folder's set as the catalog cache at `root` keeps it (see
    /// `state::catalog_cache`), by the folder's stamp taken before (see
    /// [`Config::stamp_fixture_folder`]), with every other setting at its default; `None`
    /// when the cache does not hold it whole (the folder's files are then read). With
    /// `data_dir`, only a kept set that knows its files' fingerprint.
    pub fn from_catalog_cache(
        root: &std::path::Path,
        stamp: &str,
        data_dir: bool,
    ) -> Option<Config> {
        let cached = crate::state::catalog_cache::read(root, stamp, data_dir)?;
        Some(Config {
            prepared: true,
            fixtures_fingerprint: cached.fingerprint,
            fixtures_stamp: Some(stamp.to_owned()),
            index_cache: Some(root.to_owned()),
            ..Config::new(cached.fixtures)
        })
    }

    /// Requests the request log keeps unless told otherwise.
    pub const DEFAULT_REQUEST_LOG: usize = DEFAULT_CAPACITY;
    /// The largest fixture set taken over HTTP unless told otherwise (the 6,000-article
    /// sets tests load are a few MB; `--fixtures DIR` has no limit).
    pub const DEFAULT_MAX_FIXTURES_BODY: usize = 64 * 1024 * 1024;

    /// The bundled demo account, real time, its own secret, state in memory, captcha on.
    pub fn bundled() -> Config {
        Config::new(FixtureSet::bundled().expect("the bundled fixtures are valid"))
    }

    /// These fixtures with every other setting at its default: real time, the fixtures'
    /// own secret, state in memory, captcha on. What the command line starts from, so it
    /// sets only what it was told.
    pub fn new(fixtures: FixtureSet) -> Config {
        Config {
            fixtures,
            secret: None,
            clock: ClockStart::System,
            data_dir: None,
            captcha: true,
            request_log: DEFAULT_CAPACITY,
            control_token: None,
            allow_hosts: Vec::new(),
            insecure_control: false,
            max_fixtures_body: Config::DEFAULT_MAX_FIXTURES_BODY,
            timeouts: Timeouts::default(),
            rate_limit: None,
            index_cache: None,
            fixtures_stamp: None,
            prepared: false,
            fixtures_fingerprint: None,
        }
    }
}
