//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod admin;
mod attachments;
mod durability;
mod property;
mod support;
mod tickets;
mod vectors;
mod votes;
