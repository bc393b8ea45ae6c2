//! The widget API under `/api/widget/`: reads (bootstrap, search, articles, suggestions,
//! the form's fields), the customer's tickets, attachments, hits and votes, and the
//! widget's published configuration. Every call first goes through [`crate::http::context::check`],
//! Freshdesk's header checks in Freshdesk's order.

pub mod articles;
pub mod attachments;
pub mod bootstrap;
pub mod feedback;
pub mod ticket_fields;
pub mod tickets;
pub mod widget_config;
