//! Search answers already rendered, so a widget's repeated searches cost a lookup: the
//! rendered bytes of one catalog's answers, keyed by everything else an answer depends on
//! ([`SearchKey`]). The bytes are the HTTP side's; they are kept here, with the running
//! server, because the domain renders nothing.

use std::sync::{Arc, RwLock, Weak};

use bytes::Bytes;
use rustc_hash::FxHashMap;

use crate::domain::access::SearchAccess;
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::Id;
use crate::domain::language::Lang;

/// Search answers remembered, at most this many. A widget's searches repeat a few terms;
/// searches that never repeat fill the memory and are forgotten at once. At 4,096,
/// never-repeated searches on 100,000 articles added 19 MB to the server's peak (answers
/// of up to 30 titles, and the allocator's leftovers after each clearing); at 1,024 they
/// add 6 MB.
const REMEMBERED_SEARCHES: usize = 1024;

/// Everything besides the account that a search answer depends on: the widget (its
/// categories), the language, the page, what the caller may find, and the words.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchKey {
    pub widget: Id,
    pub lang: Lang,
    pub offset: usize,
    pub limit: usize,
    pub access: SearchAccess,
    pub text: String,
}

/// The answers rendered from one catalog. A catalog that changes (an edit, a reset, new
/// fixtures, a restored state) is a new catalog, and its answers start empty: an answer is
/// never served from a catalog other than the one it was rendered from.
#[derive(Debug, Default)]
pub struct Answers {
    held: RwLock<Held>,
}

#[derive(Debug, Default)]
struct Held {
    /// The catalog the answers were rendered from. Weak, so that the answers do not keep a
    /// replaced catalog alive; while it is held its address cannot be reused, so a new
    /// catalog is never taken for it.
    catalog: Weak<Catalog>,
    answers: FxHashMap<SearchKey, Bytes>,
}

impl Answers {
    /// The answer rendered earlier from `catalog` to the search `key` describes.
    pub fn get(&self, catalog: &Arc<Catalog>, key: &SearchKey) -> Option<Bytes> {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        if !std::ptr::eq(held.catalog.as_ptr(), Arc::as_ptr(catalog)) {
            return None;
        }
        held.answers.get(key).cloned()
    }

    /// Remembers an answer rendered from `catalog` (see [`Answers::get`]): the answers of
    /// another catalog are forgotten, and past the limit everything is forgotten at once.
    pub fn put(&self, catalog: &Arc<Catalog>, key: SearchKey, body: Bytes) {
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        if !std::ptr::eq(held.catalog.as_ptr(), Arc::as_ptr(catalog)) {
            held.catalog = Arc::downgrade(catalog);
            held.answers.clear();
        }
        if held.answers.len() >= REMEMBERED_SEARCHES {
            held.answers.clear();
        }
        held.answers.insert(key, body);
    }
}
