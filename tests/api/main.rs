//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod bootstrap;
mod cli;
mod control;
mod headers;
mod http_conventions;
mod language;
mod property;
mod suggested;
mod support;
mod ticket_fields;
mod tokens;
mod vectors;
mod visibility;
mod widget_config;
