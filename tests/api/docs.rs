//! The manual (README.md and docs/) checked against the code, so it cannot drift:
//! - `refusals`: every error `code` the source can answer has its section in
//!   docs/src/refusals.md, and every section names a code the source can answer;
//! - `links`: every relative link, image and `#anchor` in the Markdown a user reads resolves
//!   inside the repository (a deliberately broken page shows the checker catches each kind);
//! - `examples`: every code block of the manual is run (`<!-- run -->`, against a fresh
//!   server, its answer compared with the `<!-- output -->` block under it), included from a
//!   tested file (mdBook's `{{#include}}`), or marked `<!-- illustration: why -->`;
//! - `embedding`: the Rust examples the manual includes, as tests.

mod embedding;
mod examples;
mod links;
mod markdown;
mod refusals;
