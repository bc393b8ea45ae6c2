//! freshmock: a local, offline mock of the Freshdesk help-widget backend.
pub mod domain;
pub mod http;
pub mod state;
pub use http::mock::MockServer;
