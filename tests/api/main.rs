//! Integration tests over real HTTP: one binary, so warp and tantivy link once.

mod control;
mod headers;
mod http_conventions;
mod property;
mod support;
mod tokens;
mod vectors;
