//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod property;
mod support;
mod vectors;
