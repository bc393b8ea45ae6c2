//! The knowledge base through Freshdesk's REST API v2: categories, folders (listed under a
//! category) and articles (listed under a folder), each with list, show, create, update,
//! delete and `/:language` translations, and `GET /api/v2/search/solutions`.
//!
//! Writes go through [`crate::state::AppState::edit_catalog`]: durable in the store, and searchable by
//! the widget when the answer leaves (the index is updated for the changed articles only).
//! Reading needs the knowledge base's view privilege, writing its manage privilege.
//!
//! A file a resource (`categories.rs`, `folders.rs`, `articles.rs`, `search.rs`), each
//! handler reading the call, finding the record and answering; the account's rules and
//! what an edit does to a record live in [`crate::domain::solutions`]. `shape.rs` gives
//! the records' JSON, `common.rs` what the handlers share (languages, translation calls,
//! deletes).

mod articles;
mod categories;
mod common;
mod folders;
mod search;
mod shape;

pub use articles::{
    article_translation, create_article, delete_article, list_articles, show_article,
    update_article,
};
pub use categories::{
    category_translation, create_category, delete_category, list_categories, show_category,
    update_category,
};
pub use folders::{
    create_folder, delete_folder, folder_translation, list_folders, show_folder, update_folder,
};
pub use search::search;
