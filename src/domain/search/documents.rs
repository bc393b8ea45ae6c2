//! What the index holds about each document: the entry it was made from, the fields of
//! its language, the group that decides who may get it, and its per-document values read
//! back from the fast fields.

use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::SegmentReader;

use crate::domain::fixtures::Id;
use crate::domain::language::Lang;

/// The fast field holding each document's article id.
pub(super) const ARTICLE_FIELD: &str = "article";
/// The fast field holding each document's insertion order.
pub(super) const SEQ_FIELD: &str = "seq";
/// The fast field holding each document's [`Group`], by number.
pub(super) const GROUP_FIELD: &str = "group";

pub(super) struct LangFields {
    pub(super) title: Field,
    pub(super) body: Field,
    pub(super) tags: Field,
    pub(super) analyzer: TextAnalyzer,
    /// The last word as typed: lower-cased and folded, not stemmed (see `queries::text_query`).
    pub(super) typing: TextAnalyzer,
}

/// What the index stores about one article translation.
#[derive(Debug, Clone)]
pub struct IndexEntry<'a> {
    pub article: Id,
    pub lang: Lang,
    pub category: Id,
    pub published: bool,
    /// Access tokens (see `access::folder_tokens`).
    pub access: Vec<String>,
    pub title: &'a str,
    /// Plain text (HTML already stripped) plus attachment names.
    pub body: String,
    pub tags: &'a [String],
}

/// What decides whether a caller may get a document: its status, category and access
/// tokens. Documents share a few hundred groups at most (a category's folders).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Group {
    pub(super) published: bool,
    pub(super) category: Id,
    pub(super) access: Vec<String>,
}

/// One segment's per-document values, read from its fast fields once (the index never
/// changes), so that a search looks them up in plain arrays.
pub(super) struct SegmentTable {
    pub(super) segment: SegmentId,
    pub(super) article: Vec<Id>,
    pub(super) seq: Vec<u64>,
    pub(super) group: Vec<u32>,
}

impl SegmentTable {
    pub(super) fn read(segment: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
        let fields = segment.fast_fields();
        let docs = 0..segment.max_doc();
        let values = |name: &str| -> tantivy::Result<Vec<u64>> {
            let column = fields.u64(name)?.first_or_default_col(0);
            Ok(docs.clone().map(|doc| column.get_val(doc)).collect())
        };
        Ok(Arc::new(SegmentTable {
            segment: segment.segment_id(),
            article: values(ARTICLE_FIELD)?,
            seq: values(SEQ_FIELD)?,
            group: values(GROUP_FIELD)?
                .into_iter()
                .map(|g| u32::try_from(g).unwrap_or(u32::MAX))
                .collect(),
        }))
    }
}
