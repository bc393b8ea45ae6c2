//! freshmock: a local, offline mock of the Freshdesk help-widget backend.
//!
//! Map of the crate:
//! - [`fixtures`]: the JSON fixture format, loading and validation (bundled demo data too).
//! - [`generate`]: fixture sets of any size, written as a fixture folder (benchmarks).
//! - [`catalog`]: the loaded account, with the rules that decide which article a call gets.
//! - [`access`]: the folder visibility table (who sees what, for show and for search).
//! - [`search`]: the tantivy index, one analyzer per language; knows nothing of HTTP.
//! - [`language`]: Freshdesk's language codes and the five-step language resolution.
//! - [`token`]: widget JWTs verified exactly as Freshdesk does, with plain-words reasons.
//! - [`people`]: contacts and agents, found by email, created and synced by bootstrap.
//! - [`clock`]: the one clock everything reads, settable for tests.
//! - [`state`]: what the server holds; where routes and data meet.
//! - [`store`]: everything the API changes, in SQLite (in memory, or durable in `--data-dir`).
//! - [`api`]: the warp routes, their header checks and the one error type.
//! - [`server`]: running the routes on a listener, and a handle for tests.
//! - [`web`]: what the browser gets: the fake widget's loader and UI, and the demo site.
//! - [`html`], [`email`]: small shared helpers.

pub mod access;
pub mod api;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod control;
pub mod email;
pub mod events;
pub mod faults;
pub mod fixtures;
pub mod generate;
pub mod html;
pub mod language;
pub mod mock;
pub mod observe;
pub mod people;
pub mod request_log;
pub mod search;
pub mod server;
pub mod state;
pub mod store;
pub mod token;
pub mod web;

pub use mock::MockServer;
