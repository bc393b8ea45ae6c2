//! One language's index: its schema, its build (on one thread or several), the changes
//! the agent API makes to it, and its searches.

use std::cmp::Reverse;
use std::ops::Bound;
use std::sync::{Arc, Mutex, RwLock};

use std::path::{Path, PathBuf};

use tantivy::directory::{Directory, RamDirectory};
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy, NoMergePolicy};
use tantivy::query::RangeQuery;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::analysis::{tokenizer_name, MemoAnalyzer};
use super::documents::{Group, Groups, IndexEntry, LangFields, SegmentTable};
use super::memory::Memory;
use super::queries::text_query;
use super::ranking::{AllLanguages, Ranked, SearchQuery};
use super::stored::{Built, Stored, STORED_FILE};
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

/// Where a language's index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Indexed from the fixtures at this start.
    Built,
    /// The bundled set's index, compiled into the binary.
    Bundled,
    /// A cache a former start left on disk.
    Cached,
}

impl Origin {
    /// How `GET /_freshmock/health` names it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Built => "built",
            Origin::Bundled => "bundled",
            Origin::Cached => "cached",
        }
    }
}

/// The index of one language's documents.
pub(super) struct LangIndex {
    pub(super) origin: Origin,
    /// The files, for a built index (see [`LangIndex::built`]).
    files: Option<RamDirectory>,
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
        let files = RamDirectory::create();
        let builder = Index::builder()
            .schema(schema.clone())
            .tokenizers(tokenizers.clone());
        let index = if threads <= 1 {
            // One segment written on this thread: no threads to start, and an indexing
            // table sized for the set (tantivy's threaded writer takes at least 15 MB and
            // spent longer clearing and scanning it than indexing a small account).
            let budget = (expected * SINGLE_SEGMENT_BYTES_PER_DOC).max(SINGLE_SEGMENT_MIN_BYTES);
            let mut writer = builder.single_segment_index_writer(files.clone(), budget)?;
            for doc in documents {
                writer.add_document(doc)?;
            }
            writer.finalize()?
        } else {
            let mut index = Index::create(files.clone(), schema, Default::default())?;
            index.set_tokenizers(tokenizers);
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
            origin: Origin::Built,
            files: Some(files),
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

    /// A language's index made before (see `stored`), from `directory`, holding what
    /// `stored` says: opened only when it is whole and made for this schema, and with
    /// `verify`, only when every file's checksum is right (a cache on disk may be damaged).
    pub(super) fn open(
        lang: Lang,
        directory: Box<dyn Directory>,
        stored: Stored,
        origin: Origin,
        verify: bool,
    ) -> Result<LangIndex, String> {
        let (schema, fields) = LangFields::schema(lang);
        let mut index = Index::open(directory).map_err(|e| e.to_string())?;
        if index.schema() != schema {
            return Err("made with another schema".into());
        }
        let tokenizers = TokenizerManager::default();
        tokenizers.register(&tokenizer_name(lang), MemoAnalyzer::new(lang));
        index.set_tokenizers(tokenizers);
        if verify {
            let metas = index.load_metas().map_err(|e| e.to_string())?;
            for path in metas.list_segment_files() {
                let directory = index.directory();
                let whole = directory.exists(&path).is_ok_and(|found| !found)
                    || directory.validate_checksum(&path).unwrap_or(false);
                if !whole {
                    return Err(format!("{} is damaged", path.display()));
                }
            }
        }
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| e.to_string())?;
        let searcher = reader.searcher();
        if searcher.num_docs() != stored.documents
            || searcher.segment_readers().iter().any(|s| s.has_deletes())
        {
            return Err(format!(
                "holds {} documents, not {}",
                searcher.num_docs(),
                stored.documents
            ));
        }
        let groups = Groups::from_all(stored.groups);
        let view = View::now(&reader, &[], &groups).map_err(|e| e.to_string())?;
        let known = groups.all().len();
        if view
            .tables
            .iter()
            .any(|t| t.group.iter().any(|&g| g as usize >= known))
        {
            return Err("a document's group is unknown".into());
        }
        Ok(LangIndex {
            origin,
            files: None,
            view: RwLock::new(view),
            editing: Mutex::new(Editing {
                writer: None,
                groups,
                next_seq: stored.documents,
            }),
            index,
            reader,
            fields,
        })
    }

    /// The files of this index, to keep (see [`Built`]), with `digest` for the bundled
    /// index. Only for an index as built: changes would be kept too.
    pub(super) fn built(&self, lang: Lang, digest: String) -> Result<Built, SearchError> {
        let Some(directory) = &self.files else {
            return Err(SearchError(tantivy::TantivyError::InvalidArgument(
                "an index opened from files is not kept again".into(),
            )));
        };
        let metas = self.index.load_metas()?;
        let mut paths: Vec<PathBuf> = metas
            .list_segment_files()
            .into_iter()
            .filter(|path| directory.exists(path).unwrap_or(false))
            .collect();
        paths.sort();
        paths.push(PathBuf::from("meta.json"));
        let read = |path: &Path| -> tantivy::Result<_> {
            let bytes = directory
                .open_read(path)
                .map_err(tantivy::TantivyError::from)?;
            Ok(bytes.read_bytes()?)
        };
        let mut files = paths
            .into_iter()
            .map(|path| Ok((path.clone(), read(&path)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let editing = self.editing.lock().unwrap_or_else(|e| e.into_inner());
        let stored = Stored::new(lang, editing.next_seq, digest, editing.groups.all());
        let json = serde_json::to_vec(&stored).unwrap_or_default();
        files.push((
            PathBuf::from(STORED_FILE),
            tantivy::directory::OwnedBytes::new(json),
        ));
        Ok(Built { lang, files })
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
