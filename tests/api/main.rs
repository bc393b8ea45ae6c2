//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod admin;
mod attachments;
mod bootstrap;
mod cli;
mod control;
mod durability;
#[path = "../common/harness.rs"]
mod harness;
mod headers;
mod hostile_content;
mod http_conventions;
mod language;
mod property;
mod search;
mod suggested;
mod support;
mod ticket_fields;
mod tickets;
mod tokens;
mod vectors;
mod view_as;
mod visibility;
mod votes;
mod widget_config;
