//! freshmock: a local, offline mock of the Freshdesk help-widget backend.
//!
//! The crate has three rooms, and the arrows go one way: `http` → `state` → `domain`.
//! - `domain/`: the account and its rules, with no HTTP and no SQLite: `fixtures` (the JSON
//!   format, loading, validation), `catalog` (the loaded account and the facts derived from
//!   it once), `access` (the folder visibility table), `language` (codes and the five-step
//!   choice: the parameter, then the profile for a logged-in customer or the browser for an anonymous one), `search` (the tantivy index), `token` (Freshdesk's JWT checks with reasons),
//!   `people` (contacts and agents), `clock`, `html` (text and the sanitiser), `email`,
//!   `invalid` (Freshdesk's field errors, so rules refuse without HTTP), `solutions/` (the
//!   knowledge base's rules, edits and stored changes), `tickets/` (the one ticket model:
//!   rules, due dates, the form's value checks, the one JSON view every room shows).
//! - `state/`: what a running server holds, shared by every request: `AppState` (the world
//!   behind a lock, with every SQLite call on the blocking pool), its face in `mod.rs` and
//!   its methods by concern (`config`, `error`, `world`, `lifecycle`, `snapshots`, `edits`,
//!   `agent`, `customers`, `counters`, `secret`, `clock`, `serving`); `loader` (the one
//!   thread that parses, validates and indexes a replacing fixture set), `indexer` (the
//!   thread that builds a catalog's search index), `answers` (search answers already
//!   rendered), `store/` (SQLite: open/migrate, schema, errors, records, and the queries
//!   by concern), `events` (the live stream), `request_log`, `faults`, `rate` (the widget
//!   API's rate limit).
//! - `http/`: `mod.rs` only declares the modules; the one route table (`routes`), the one
//!   error type (`error`), the replies (`reply`), the dispatch and the one recover
//!   (`dispatch`), the perimeter (`guard`: the `Host` check and cross-site
//!   control writes), the accept loop (`listen`: timeouts, the connection cap), what a
//!   handler gets (`request`), faults and the request
//!   log around widget calls (`observe`), and the handlers by caller: `widget`
//!   (the widget API), `agent` (the agent REST API v2, a file or folder per resource), `control` (the `/_freshmock/` control
//!   plane), `assets` (the fake widget, the demo site and the dashboard's files); `server`
//!   runs it all on a listener and owns [`MockServer`].
//!
//! The command line (`src/bin/freshmock/`: `serve`, `token`, `explain`, `check`, `health`,
//! `import`, the fixture generator and `--watch`) is a user of this library like any other.
//!
//! What embedders and tests use is exported here and nothing else: [`MockServer`] and its
//! builder, [`FixtureSet`] and the [`fixtures`] format, [`Config`] and [`run`] for serving on
//! a listener of one's own, and the token helpers in [`tokens`].

mod domain;
#[cfg(test)]
mod fuzz;
mod http;
mod state;

pub use domain::clock::ClockStart;
pub use domain::fixtures::{self, FixtureError, FixtureSet};
pub use domain::language::Lang;
pub use http::server::{run, MockServer, MockServerBuilder};
pub use state::{AppState, Config, StartError, Timeouts};

/// Widget tokens: minting them as a customer's server would, and Freshdesk's verdict on one.
pub mod tokens {
    pub use crate::domain::token::{mint, mint_for};
    pub use crate::http::verdict::{judge as explain, Verdict};
}
