//! One language's index: its schema, its build (on one thread or several), the changes
//! the agent API makes to it, and its searches.

use std::cmp::Reverse;
use std::ops::Bound;
use std::sync::{Arc, Mutex, RwLock};

use tantivy::directory::RamDirectory;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy, NoMergePolicy};
use tantivy::query::RangeQuery;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::analysis::{tokenizer_name, MemoAnalyzer};
use super::documents::{Group, Groups, IndexEntry, LangFields, SegmentTable};
use super::memory::Memory;
use super::queries::text_query;
use super::ranking::{AllLanguages, Ranked, SearchQuery};
use crate::domain::fixtures::Id;
use crate::domain::language::Lang;

/// Indexing memory per indexing thread; a thread starts a new segment when it is full.
const ARENA_BYTES_PER_THREAD: usize = 100_000_000;
/// Indexing memory for a set indexed on one thread: this much per document ...
const SINGLE_SEGMENT_BYTES_PER_DOC: usize = 2_000;
/// ... and at least this much.
const SINGLE_SEGMENT_MIN_BYTES: usize = 100_000;
/// Below this many documents one indexing thread is quicker than starting more.
const DOCS_PER_EXTRA_THREAD: usize = 20_000;
/// At most this many indexing threads, however many cores there are.
const MAX_INDEXING_THREADS: usize = 4;
/// Memory of the writer that takes the agent API's changes (tantivy's least).
const EDIT_WRITER_BYTES: usize = 15_000_000;
/// Segments the changes make are merged while they hold fewer documents than this; the
/// segments built at load are never merged (that would be a second build of a large set).
const EDIT_MERGE_MAX_DOCS: usize = 5_000;

/// Indexing threads for about `docs` documents: one for small sets (a single segment,
/// written on the calling thread), then one more per [`DOCS_PER_EXTRA_THREAD`] up to the
/// cores there are.
pub(super) fn indexing_threads(docs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (1 + docs / DOCS_PER_EXTRA_THREAD)
        .min(cores)
        .min(MAX_INDEXING_THREADS)
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// The index of one language's documents.
pub(super) struct LangIndex {
    index: Index,
    pub(super) reader: IndexReader,
    pub(super) fields: LangFields,
    /// What searches read, swapped whole after each change (see
    /// [`SearchIndex::update`](super::SearchIndex::update)).
    view: RwLock<Arc<View>>,
    /// What changes need: the writer (made on the first change: it takes 15 MB), and the
    /// group numbering and insertion order carried on from the build.
    editing: Mutex<Editing>,
}

/// One consistent moment of a language's index: its searcher with each segment's
/// per-document values, and every [`Group`] by number.
struct View {
    searcher: Searcher,
    tables: Vec<Arc<SegmentTable>>,
    groups: Vec<Group>,
    /// What this searcher's searches remember for the next ones.
    memory: Arc<Memory>,
}

impl View {
    /// What the reader sees now; the tables of `known` segments are reused.
    fn now(
        reader: &IndexReader,
        known: &[Arc<SegmentTable>],
        groups: &Groups,
    ) -> tantivy::Result<Arc<View>> {
        let searcher = reader.searcher();
        let tables = searcher
            .segment_readers()
            .iter()
            .map(|segment| SegmentTable::of(segment, known))
            .collect::<tantivy::Result<_>>()?;
        Ok(Arc::new(View {
            searcher,
            tables,
            groups: groups.all().to_vec(),
            memory: Memory::new(),
        }))
    }
}

struct Editing {
    writer: Option<IndexWriter>,
    groups: Groups,
    next_seq: u64,
}

/// A writer of `threads` threads, each with `bytes` of indexing memory.
fn index_writer(index: &Index, threads: usize, bytes: usize) -> tantivy::Result<IndexWriter> {
    index.writer_with_options::<TantivyDocument>(
        IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(bytes)
            .num_merge_threads(1)
            .build(),
    )
}

impl LangIndex {
    /// One language's index, on this many threads (one: a single segment on this one).
    pub(super) fn build<'a>(
        threads: usize,
        lang: Lang,
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<LangIndex, SearchError> {
        let (schema, fields) = LangFields::schema(lang);
        let tokenizers = TokenizerManager::default();
        tokenizers.register(&tokenizer_name(lang), MemoAnalyzer::new(lang));

        let started = std::time::Instant::now();
        let entries = entries.into_iter();
        let expected = entries.size_hint().0;
        let mut count = 0u64;
        let mut groups = Groups::default();
        let documents = entries.filter(|e| e.lang == lang).map(|entry| {
            let doc = fields.document(entry, count, &mut groups);
            count += 1;
            doc
        });
        let builder = Index::builder().schema(schema).tokenizers(tokenizers);
        let index = if threads <= 1 {
            // One segment written on this thread: no threads to start, and an indexing
            // table sized for the set (tantivy's threaded writer takes at least 15 MB and
            // spent longer clearing and scanning it than indexing a small account).
            let budget = (expected * SINGLE_SEGMENT_BYTES_PER_DOC).max(SINGLE_SEGMENT_MIN_BYTES);
            let mut writer = builder.single_segment_index_writer(RamDirectory::create(), budget)?;
            for doc in documents {
                writer.add_document(doc)?;
            }
            writer.finalize()?
        } else {
            let index = builder.create_in_ram()?;
            let mut writer = index_writer(&index, threads, ARENA_BYTES_PER_THREAD)?;
            // The index is built once and never changes: merging its segments in the
            // background would only compete with the requests for the cores.
            writer.set_merge_policy(Box::new(NoMergePolicy));
            for doc in documents {
                writer.add_document(doc)?;
            }
            writer.commit()?;
            writer.wait_merging_threads()?;
            index
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        tracing::debug!(
            language = %lang,
            documents = reader.searcher().num_docs(),
            threads,
            segments = reader.searcher().segment_readers().len(),
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        Ok(LangIndex {
            view: RwLock::new(View::now(&reader, &[], &groups)?),
            editing: Mutex::new(Editing {
                writer: None,
                groups,
                next_seq: count,
            }),
            index,
            reader,
            fields,
        })
    }

    /// [`SearchIndex::update`](super::SearchIndex::update) in this language.
    pub(super) fn update(
        &self,
        articles: &[Id],
        entries: Vec<IndexEntry<'_>>,
    ) -> Result<(), SearchError> {
        let mut editing = self.editing.lock().unwrap_or_else(|e| e.into_inner());
        let Editing {
            writer: made,
            groups,
            next_seq,
        } = &mut *editing;
        let writer = match made {
            Some(writer) => writer,
            None => {
                let writer = index_writer(&self.index, 1, EDIT_WRITER_BYTES)?;
                let mut policy = LogMergePolicy::default();
                policy.set_max_docs_before_merge(EDIT_MERGE_MAX_DOCS);
                writer.set_merge_policy(Box::new(policy));
                made.insert(writer)
            }
        };
        for &id in articles {
            let term = Term::from_field_u64(self.fields.article, id);
            writer.delete_query(Box::new(RangeQuery::new(
                Bound::Included(term.clone()),
                Bound::Included(term),
            )))?;
        }
        for entry in entries {
            writer.add_document(self.fields.document(entry, *next_seq, groups))?;
            *next_seq += 1;
        }
        writer.commit()?;
        self.reader.reload()?;
        let old = self.view.read().unwrap_or_else(|e| e.into_inner()).clone();
        let view = View::now(&self.reader, &old.tables, groups)?;
        *self.view.write().unwrap_or_else(|e| e.into_inner()) = view;
        Ok(())
    }

    /// [`SearchIndex::search`](super::SearchIndex::search) in this language; `total_docs` is
    /// the document count of every language (see [`AllLanguages`]).
    pub(super) fn search(
        &self,
        q: &SearchQuery<'_>,
        total_docs: u64,
    ) -> Result<Vec<Id>, SearchError> {
        let view = self.view.read().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(text_query) = text_query(&self.fields, &view.memory, q.text) else {
            return Ok(Vec::new());
        };
        let allowed: Vec<bool> = view.groups.iter().map(|g| q.allows(g)).collect();
        if !allowed.contains(&true) {
            return Ok(Vec::new());
        }
        let collector = Ranked {
            tables: &view.tables,
            wanted: q.offset + q.limit,
            allowed: Arc::new(allowed),
        };
        let searcher = &view.searcher;
        let statistics = AllLanguages {
            searcher,
            total_docs,
        };
        let mut ranked =
            searcher.search_with_statistics_provider(&*text_query, &collector, &statistics)?;
        ranked.sort_unstable_by_key(|&(rank, _)| Reverse(rank));
        Ok(ranked
            .into_iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|(_, article)| article)
            .collect())
    }
}
