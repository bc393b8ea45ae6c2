//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod admin;
mod agent_companies;
mod agent_contacts;
mod agent_people;
mod agent_solutions;
mod agent_tickets;
mod attachments;
mod bootstrap;
mod cli;
mod control;
mod durability;
mod fidelity;
#[path = "../common/harness.rs"]
mod harness;
mod headers;
mod hostile_content;
mod hostile_storage;
mod http_conventions;
mod import;
mod language;
mod perimeter;
mod property;
mod search;
mod snapshots;
mod suggested;
mod support;
mod ticket_fields;
mod tickets;
mod tokens;
mod vectors;
mod view_as;
mod visibility;
mod votes;
mod waits;
mod widget_config;
