//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod property;
mod search;
mod support;
mod vectors;
