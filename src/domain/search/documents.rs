//! What the index holds about each document: the entry it was made from, the fields of
//! its language, the group that decides who may get it, and its per-document values read
//! back from the fast fields.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{SegmentReader, TantivyDocument};

use super::analysis::{analyzer, tokenizer_name, typing_analyzer};
use crate::domain::fixtures::Id;
use crate::domain::language::Lang;

/// The fast field holding each document's article id.
pub(super) const ARTICLE_FIELD: &str = "article";
/// The fast field holding each document's insertion order.
pub(super) const SEQ_FIELD: &str = "seq";
/// The fast field holding each document's [`Group`], by number.
pub(super) const GROUP_FIELD: &str = "group";

/// One language's fields, and the analyzers its queries are made with.
pub(super) struct LangFields {
    pub(super) article: Field,
    /// Insertion order: breaks score ties, whichever segment a document landed in.
    pub(super) seq: Field,
    /// What decides whether a match may be returned, checked on each match (see
    /// `ranking::Ranked`): status, category and access, as the number of their [`Group`].
    pub(super) group: Field,
    pub(super) title: Field,
    pub(super) body: Field,
    pub(super) tags: Field,
    pub(super) analyzer: TextAnalyzer,
    /// The last word as typed: lower-cased and folded, not stemmed (see `queries::text_query`).
    pub(super) typing: TextAnalyzer,
}

impl LangFields {
    /// The schema of one language's index, and its fields. The text fields are analysed
    /// by the tokenizer named `analysis::tokenizer_name(lang)`.
    pub(super) fn schema(lang: Lang) -> (Schema, LangFields) {
        let mut builder = Schema::builder();
        let article = builder.add_u64_field(ARTICLE_FIELD, FAST);
        let seq = builder.add_u64_field(SEQ_FIELD, FAST);
        let group = builder.add_u64_field(GROUP_FIELD, FAST);
        let options = || {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(&tokenizer_name(lang))
                    // Queries are single terms and prefixes, never phrases: positions
                    // would cost indexing time and memory for nothing.
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let title = builder.add_text_field(&format!("title_{}", lang.code()), options());
        let body = builder.add_text_field(&format!("body_{}", lang.code()), options());
        let tags = builder.add_text_field(&format!("tags_{}", lang.code()), options());
        let fields = LangFields {
            article,
            seq,
            group,
            title,
            body,
            tags,
            analyzer: analyzer(lang),
            typing: typing_analyzer(),
        };
        (builder.build(), fields)
    }

    /// The document of one entry, the `seq`-th indexed, its group numbered by `groups`.
    pub(super) fn document(
        &self,
        entry: IndexEntry<'_>,
        seq: u64,
        groups: &mut Groups,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.article, entry.article);
        doc.add_u64(self.seq, seq);
        let group = groups.number(Group {
            published: entry.published,
            category: entry.category,
            access: entry.access,
        });
        doc.add_u64(self.group, group);
        doc.add_text(self.title, entry.title);
        doc.add_text(self.body, &entry.body);
        for tag in entry.tags {
            doc.add_text(self.tags, tag);
        }
        doc
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(super) struct Group {
    pub(super) published: bool,
    pub(super) category: Id,
    pub(super) access: Vec<String>,
}

/// Every group documents have had, numbered in the order they first came: a document
/// holds its group's number, which stays the same for as long as the index lives.
#[derive(Debug, Clone, Default)]
pub(super) struct Groups {
    all: Vec<Group>,
    numbers: HashMap<Group, u64>,
}

impl Groups {
    /// Groups numbered as listed (a stored index's, see `stored::Stored`).
    pub(super) fn from_all(all: Vec<Group>) -> Groups {
        let numbers = all
            .iter()
            .enumerate()
            .map(|(number, group)| (group.clone(), number as u64))
            .collect();
        Groups { all, numbers }
    }

    /// The group's number: the one it has, or the next one for a group not seen before.
    pub(super) fn number(&mut self, group: Group) -> u64 {
        if let Some(&number) = self.numbers.get(&group) {
            return number;
        }
        let number = self.all.len() as u64;
        self.all.push(group.clone());
        self.numbers.insert(group, number);
        number
    }

    /// Every group, by number.
    pub(super) fn all(&self) -> &[Group] {
        &self.all
    }
}

/// One segment's per-document values, read from its fast fields once (the index never
/// changes), so that a search looks them up in plain arrays.
pub(super) struct SegmentTable {
    segment: SegmentId,
    pub(super) article: Vec<Id>,
    pub(super) seq: Vec<u64>,
    pub(super) group: Vec<u32>,
}

impl SegmentTable {
    /// The table of this segment: the one in `known`, else read now (a segment's values
    /// never change: deletes are kept apart).
    pub(super) fn of(
        segment: &SegmentReader,
        known: &[Arc<SegmentTable>],
    ) -> tantivy::Result<Arc<SegmentTable>> {
        match known.iter().find(|t| t.segment == segment.segment_id()) {
            Some(table) => Ok(table.clone()),
            None => SegmentTable::read(segment),
        }
    }

    fn read(segment: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
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
