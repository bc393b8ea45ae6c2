//! The HTTP face of freshmock. This file only declares the rooms; the work lives in them,
//! and each imports the leaves below it, never this face, so no import runs in a circle.
//!
//! The leaves, which every handler uses:
//! - [`error`]: the one error type, [`error::ApiError`], with Freshdesk's bodies and a reason.
//! - [`reply`]: [`reply::Answer`] and the JSON replies: the one way a success leaves.
//! - [`request`]: what a handler gets ([`request::Req`]), with bounded body reading and the
//!   one query-string reader.
//! - [`body`]: request bodies as Freshdesk's forms take them (JSON, form, multipart).
//! - [`context`]: who calls the widget API (Freshdesk's header and token checks), shared by
//!   the widget handlers, the control plane's view-as and [`verdict`].
//!
//! The handlers, by caller: [`widget`] (the widget API), [`agent`] (the agent API v2),
//! [`control`] (the `/_freshmock/` control plane), [`assets`] (the fake widget, the demo site
//! and the dashboard's files).
//!
//! Above them: [`routes`] (the one table: method, path, caller, log name, handler; 404 and
//! 405 with `Allow` come from it), [`dispatch`] (finds the route, runs the room's checks,
//! dresses the answer, and the one `recover`), [`guard`] (the perimeter: the `Host` check
//! against DNS rebinding, cross-site control writes), [`observe`] (faults and the request
//! log around widget-facing calls), [`listen`] (the accept loop: timeouts, the connection
//! cap) and [`server`] ([`server::run`] and [`server::MockServer`]).

pub mod agent;
pub mod assets;
pub mod body;
pub mod context;
pub mod control;
pub mod dispatch;
pub mod error;
pub mod guard;
pub mod listen;
pub mod observe;
pub mod reply;
pub mod request;
pub mod routes;
pub mod server;
pub mod verdict;
pub mod widget;
