//! The knowledge base as the agent API changes it, and the account's rules for it.
//!
//! - `rules.rs`: what the account refuses (names taken, the one portal, a folder's
//!   visibility, tags, SEO keys, authors, translations), as an `Invalid`.
//! - `edit.rs`: what a call asks of a category, folder or article, checked by the rules and
//!   laid over the record.
//! - `change.rs`: the one [`Change`] an edit makes, applied to a fixture set and kept by
//!   the store.

mod change;
pub mod edit;
pub mod rules;

pub use change::{Change, Kind, Whereabouts};
pub use edit::{ArticleEdit, CategoryEdit, FolderEdit, NameEdit};
pub use rules::{Access, Refusal, TranslationCall};
