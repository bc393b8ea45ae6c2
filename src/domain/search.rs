//! The article search engine: a tantivy index built in memory from the fixtures.
//!
//! One document per article translation. Each language gets its own title, body and tag
//! fields analysed by that language's analyzer (stop words and stemming where tantivy has
//! them), so `passwords` finds `password` and `Passwörter` finds `Passwort`; a search in
//! one language only reads that language's fields, so it needs no language filter. Status,
//! category and access decide which matches a caller may get: they are checked on each
//! match, through the document's [`Group`] (see `Ranked`), so they restrict results without
//! changing the ranking, which is the text query's, ties in fixture order. This module
//! knows nothing of HTTP.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::directory::RamDirectory;
use tantivy::index::SegmentId;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy, NoMergePolicy};
use tantivy::query::{
    AllScorer, BitSetDocSet, Bm25StatisticsProvider, BooleanQuery, BooleanWeight, BoostQuery,
    ConstScorer, EmptyScorer, EnableScoring, Explanation, Occur, Query, QueryClone, RangeQuery,
    Scorer, SumCombiner, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenStream, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};
use tantivy::{
    BitSet, DocId, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher,
    SegmentReader, TantivyDocument, Term, TERMINATED,
};

use crate::domain::fixtures::Id;
use crate::domain::language::Lang;

/// Longest token indexed; longer "words" are noise (base64, URLs).
const MAX_TOKEN_CHARS: usize = 40;
/// Title matches weigh more than body matches.
const TITLE_BOOST: f32 = 2.0;
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
/// Words an indexing analyzer remembers the analysis of (about 100 bytes each).
const MEMO_WORDS: usize = 200_000;
/// The fast field holding each document's article id.
const ARTICLE_FIELD: &str = "article";
/// The fast field holding each document's insertion order.
const SEQ_FIELD: &str = "seq";
/// Memory of the writer that takes the agent API's changes (tantivy's least).
const EDIT_WRITER_BYTES: usize = 15_000_000;
/// Segments the changes make are merged while they hold fewer documents than this; the
/// segments built at load are never merged (that would be a second build of a large set).
const EDIT_MERGE_MAX_DOCS: usize = 5_000;
/// The fast field holding each document's [`Group`], by number.
const GROUP_FIELD: &str = "group";

/// Indexing threads for about `docs` documents: one for small sets (a single segment,
/// written on the calling thread), then one more per [`DOCS_PER_EXTRA_THREAD`] up to the
/// cores there are.
fn indexing_threads(docs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (1 + docs / DOCS_PER_EXTRA_THREAD)
        .min(cores)
        .min(MAX_INDEXING_THREADS)
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

/// One search: what to look for and who is looking.
#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub lang: Lang,
    /// The widget's categories; an article outside them never matches.
    pub categories: &'a [Id],
    /// The caller's access tokens (see `access::search_tokens`).
    pub access: &'a [String],
    pub offset: usize,
    pub limit: usize,
    /// Drafts match too (the agent API's search; the widget never finds them).
    pub drafts: bool,
}

impl SearchQuery<'_> {
    /// May the caller get documents of this group?
    fn allows(&self, group: &Group) -> bool {
        (group.published || self.drafts)
            && self.categories.contains(&group.category)
            && group.access.iter().any(|token| self.access.contains(token))
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

struct LangFields {
    title: Field,
    body: Field,
    tags: Field,
    analyzer: TextAnalyzer,
    /// The last word as typed: lower-cased and folded, not stemmed (see [`text_query`]).
    typing: TextAnalyzer,
}

/// What decides whether a caller may get a document: its status, category and access
/// tokens. Documents share a few hundred groups at most (a category's folders).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Group {
    published: bool,
    category: Id,
    access: Vec<String>,
}

/// One segment's per-document values, read from its fast fields once (the index never
/// changes), so that a search looks them up in plain arrays.
struct SegmentTable {
    segment: SegmentId,
    article: Vec<Id>,
    seq: Vec<u64>,
    group: Vec<u32>,
}

impl SegmentTable {
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

/// Where a match ranks: a better score first, then the earlier document in the fixtures.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rank {
    score: Score,
    seq: u64,
}

impl Eq for Rank {}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rank {
    /// Greater is better.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.seq.cmp(&self.seq))
    }
}

/// Collects the best `wanted` matches that the caller may see: published, in one of the
/// widget's categories, and with one of the caller's access tokens. Checking the match's
/// [`Group`] costs one array lookup, far less than joining the text query with posting
/// lists for these: at 100,000 articles a widget's dozens of categories made unions that
/// took longer than the rest of a search. The filters add nothing to the score, so the
/// ranking is the text query's, ties broken by fixture order.
struct Ranked<'a> {
    tables: &'a [Arc<SegmentTable>],
    wanted: usize,
    /// By group number: may the caller get documents of this group?
    allowed: Arc<Vec<bool>>,
}

/// [`Ranked`] in one segment: the best matches so far, the worst on top of the heap.
struct RankedSegment {
    table: Arc<SegmentTable>,
    wanted: usize,
    allowed: Arc<Vec<bool>>,
    best: BinaryHeap<Reverse<(Rank, DocId)>>,
}

impl Collector for Ranked<'_> {
    type Fruit = Vec<(Rank, Id)>;
    type Child = RankedSegment;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<RankedSegment> {
        let read = self
            .tables
            .iter()
            .find(|t| t.segment == segment.segment_id());
        let table = match read {
            Some(table) => table.clone(),
            None => SegmentTable::read(segment)?,
        };
        Ok(RankedSegment {
            table,
            wanted: self.wanted,
            allowed: self.allowed.clone(),
            best: BinaryHeap::with_capacity(self.wanted + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Rank, Id)>>) -> tantivy::Result<Vec<(Rank, Id)>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for RankedSegment {
    type Fruit = Vec<(Rank, Id)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let doc_index = doc as usize;
        let group = self.table.group.get(doc_index).copied().unwrap_or(u32::MAX);
        if !self.allowed.get(group as usize).copied().unwrap_or(false) {
            return;
        }
        let rank = Rank {
            score,
            seq: self.table.seq[doc_index],
        };
        if self.best.len() < self.wanted {
            self.best.push(Reverse((rank, doc)));
        } else if self
            .best
            .peek()
            .is_some_and(|Reverse((worst, _))| rank > *worst)
        {
            self.best.pop();
            self.best.push(Reverse((rank, doc)));
        }
    }

    fn harvest(self) -> Vec<(Rank, Id)> {
        self.best
            .into_iter()
            .map(|Reverse((rank, doc))| (rank, self.table.article[doc as usize]))
            .collect()
    }
}

/// The in-memory article index: one tantivy index per language, each built on its own
/// and usable as soon as it is built, so that a search waits only for its language (the
/// first search after start-up is answered once the portal's language is indexed).
///
/// The ranking is exactly that of one index holding every language: a language's fields
/// only hold its documents, so BM25's term and token counts are the same per language, and
/// its document count, the one figure that spans languages, is given to each search (see
/// [`AllLanguages`]).
pub struct SearchIndex {
    /// Documents in every language: BM25's document count.
    total_docs: AtomicU64,
    langs: HashMap<Lang, OnceLock<Result<LangIndex, SearchError>>>,
}

/// The index of one language's documents.
struct LangIndex {
    index: Index,
    reader: IndexReader,
    fields: LangFields,
    /// What searches read, swapped whole after each change (see [`SearchIndex::update`]).
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
}

struct Editing {
    writer: Option<IndexWriter>,
    groups: Vec<Group>,
    group_ids: HashMap<Group, u64>,
    next_seq: u64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("languages", &self.langs.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// BM25's statistics for one language's index as if it held every language: the
/// language's own term and token counts, and the document count of all languages.
struct AllLanguages<'a> {
    searcher: &'a Searcher,
    total_docs: u64,
}

impl Bm25StatisticsProvider for AllLanguages<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_tokens(self.searcher, field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.total_docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::doc_freq(self.searcher, term)
    }
}

fn stemmer_language(lang: Lang) -> Option<Language> {
    Some(match lang.code() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "nb-NO" => Language::Norwegian,
        "pt-BR" | "pt-PT" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru-RU" => Language::Russian,
        "es" | "es-LA" => Language::Spanish,
        "sv-SE" => Language::Swedish,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// The analyzer for one language: words, lower case, stop words removed, stemmed where
/// tantivy has a stemmer, accents folded last so `reinitialiser` finds `réinitialiser`.
fn analyzer(lang: Lang) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_CHARS))
        .filter(LowerCaser);
    match stemmer_language(lang) {
        Some(language) => {
            let stop =
                StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
            base.filter(stop)
                .filter(Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build()
        }
        None => base.filter(AsciiFoldingFilter).build(),
    }
}

fn tokenizer_name(lang: Lang) -> String {
    format!("lang_{}", lang.code())
}

/// The language analyzer for indexing, with a memo of what it made of each word.
///
/// Every filter of [`analyzer`] works on one word at a time, so a word always analyses to
/// the same term (or to nothing, for stop words and over-long words). A help centre
/// repeats a few thousand words hundreds of thousands of times, and stemming them again
/// each time was most of the indexing time. The output is exactly [`analyzer`]'s: same
/// terms, positions and offsets. A clone starts with an empty memo (tantivy clones the
/// analyzer for each field of each segment it writes).
struct MemoAnalyzer {
    words: SimpleTokenizer,
    analyzer: TextAnalyzer,
    memo: Memo,
}

/// Word → what the analyzer made of it (`None`: nothing, a stop word or an over-long word).
type Memo = HashMap<String, Option<String>, BuildHasherDefault<WordHasher>>;

/// FxHash, rustc's hasher: the memo's keys are short words from the account's own
/// fixtures, so SipHash's defence against chosen keys buys nothing here, and it cost a
/// tenth of the indexing time.
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl MemoAnalyzer {
    fn new(lang: Lang) -> MemoAnalyzer {
        MemoAnalyzer {
            words: SimpleTokenizer::default(),
            analyzer: analyzer(lang),
            memo: Memo::default(),
        }
    }
}

impl Clone for MemoAnalyzer {
    fn clone(&self) -> Self {
        MemoAnalyzer {
            words: SimpleTokenizer::default(),
            analyzer: self.analyzer.clone(),
            memo: Memo::default(),
        }
    }
}

impl Tokenizer for MemoAnalyzer {
    type TokenStream<'a> = MemoTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoTokenStream<'a> {
        MemoTokenStream {
            words: self.words.token_stream(text),
            analyzer: &mut self.analyzer,
            memo: &mut self.memo,
        }
    }
}

struct MemoTokenStream<'a> {
    words: SimpleTokenStream<'a>,
    analyzer: &'a mut TextAnalyzer,
    memo: &'a mut Memo,
}

impl TokenStream for MemoTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let token = self.words.token_mut();
            if let Some(term) = self.memo.get(&token.text) {
                match term {
                    Some(term) => {
                        token.text.clear();
                        token.text.push_str(term);
                        return true;
                    }
                    None => continue,
                }
            }
            // The word alone goes through the whole analyzer: its tokenizer finds it
            // again as one word, and the filters decide what remains of it.
            let mut stream = self.analyzer.token_stream(&token.text);
            let term = stream.advance().then(|| stream.token().text.clone());
            drop(stream);
            if self.memo.len() < MEMO_WORDS {
                self.memo.insert(token.text.clone(), term.clone());
            }
            if let Some(term) = term {
                token.text = term;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

impl SearchIndex {
    /// An index of these languages with nothing indexed yet: each language is indexed by
    /// [`SearchIndex::index_language`], and searches in it wait until then.
    /// `total_docs` is the number of documents all languages will hold together.
    pub fn pending(languages: &[Lang], total_docs: u64) -> SearchIndex {
        SearchIndex {
            total_docs: AtomicU64::new(total_docs),
            langs: languages.iter().map(|&l| (l, OnceLock::new())).collect(),
        }
    }

    /// Builds the index for the given languages from every article translation, and
    /// returns once every language is indexed. Large sets are indexed on several threads
    /// (see [`indexing_threads`]), which changes nothing in the answers.
    #[cfg(test)]
    pub fn build<'a>(
        languages: &[Lang],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<SearchIndex, SearchError> {
        Self::build_with(None, languages, entries)
    }

    /// [`SearchIndex::build`] on this many threads per language, or as many as suit the
    /// set (`None`).
    #[cfg(test)]
    fn build_with<'a>(
        threads: Option<usize>,
        languages: &[Lang],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<SearchIndex, SearchError> {
        let mut by_lang: HashMap<Lang, Vec<IndexEntry<'a>>> = HashMap::new();
        for entry in entries {
            if languages.contains(&entry.lang) {
                by_lang.entry(entry.lang).or_default().push(entry);
            }
        }
        let total = by_lang.values().map(Vec::len).sum::<usize>() as u64;
        let index = SearchIndex::pending(languages, total);
        for &l in languages {
            let entries = by_lang.remove(&l).unwrap_or_default();
            let threads = threads.unwrap_or_else(|| indexing_threads(entries.len()));
            index.set_language(l, LangIndex::build(threads, l, entries));
        }
        index.wait_all()?;
        Ok(index)
    }

    /// Indexes one language from its article translations (entries of other languages are
    /// skipped), unless it is indexed already. Searches in it are answered from then on.
    pub fn index_language<'a>(
        &self,
        lang: Lang,
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<(), SearchError> {
        let Some(slot) = self.langs.get(&lang) else {
            return Ok(());
        };
        if slot.get().is_none() {
            let entries = entries.into_iter();
            let threads = indexing_threads(entries.size_hint().0);
            self.set_language(lang, LangIndex::build(threads, lang, entries));
        }
        slot.wait().as_ref().map(|_| ()).map_err(Clone::clone)
    }

    fn set_language(&self, lang: Lang, index: Result<LangIndex, SearchError>) {
        if let Some(slot) = self.langs.get(&lang) {
            let _ = slot.set(index);
        }
    }

    /// Whether this language is indexed (or not searched at all: nothing to wait for).
    pub fn is_ready(&self, lang: Lang) -> bool {
        self.langs
            .get(&lang)
            .is_none_or(|slot| slot.get().is_some())
    }

    /// Waits until this language is indexed.
    pub fn wait(&self, lang: Lang) {
        if let Some(slot) = self.langs.get(&lang) {
            slot.wait();
        }
    }

    /// Whether every language is indexed.
    pub fn is_complete(&self) -> bool {
        self.langs.values().all(|slot| slot.get().is_some())
    }

    /// Waits until every language is indexed; the first failure, if any.
    pub fn wait_all(&self) -> Result<(), SearchError> {
        for slot in self.langs.values() {
            slot.wait().as_ref().map_err(Clone::clone)?;
        }
        Ok(())
    }

    /// Article ids matching the query, best first. Every word must match (in the title,
    /// body or tags); the last word also matches as a prefix, for search-as-you-type.
    /// Waits until the query's language is indexed.
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<Vec<Id>, SearchError> {
        let Some(slot) = self.langs.get(&q.lang) else {
            return Ok(Vec::new());
        };
        if q.limit == 0 || q.categories.is_empty() || q.access.is_empty() {
            return Ok(Vec::new());
        }
        let index = slot.wait().as_ref().map_err(Clone::clone)?;
        index.search(q, self.total_docs.load(AtomicOrdering::Relaxed))
    }

    /// Replaces the documents of `articles` in every indexed language with `entries`
    /// (their translations now; none for a deleted article), waiting for the languages
    /// still being built; searches see the change when this returns. `total_docs` is the
    /// number of documents all languages hold afterwards. Costs what the changed documents
    /// cost, whatever the size of the index: the agent API calls it for each change.
    pub fn update<'a>(
        &self,
        articles: &[Id],
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
        total_docs: u64,
    ) -> Result<(), SearchError> {
        let mut by_lang: HashMap<Lang, Vec<IndexEntry<'a>>> = HashMap::new();
        for entry in entries {
            by_lang.entry(entry.lang).or_default().push(entry);
        }
        for (&lang, slot) in &self.langs {
            let index = slot.wait().as_ref().map_err(Clone::clone)?;
            index.update(articles, by_lang.remove(&lang).unwrap_or_default())?;
        }
        self.total_docs.store(total_docs, AtomicOrdering::Relaxed);
        Ok(())
    }
}

impl LangIndex {
    /// One language's index, on this many threads (one: a single segment on this one).
    fn build<'a>(
        threads: usize,
        lang: Lang,
        entries: impl IntoIterator<Item = IndexEntry<'a>>,
    ) -> Result<LangIndex, SearchError> {
        let mut builder = Schema::builder();
        let article = builder.add_u64_field(ARTICLE_FIELD, FAST);
        // Insertion order: breaks score ties, whichever segment a document landed in.
        let seq = builder.add_u64_field(SEQ_FIELD, FAST);
        // What decides whether a match may be returned, checked on each match (see
        // `Ranked`): status, category and access, as the number of their `Group`.
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
        let schema = builder.build();
        let tokenizers = TokenizerManager::default();
        tokenizers.register(&tokenizer_name(lang), MemoAnalyzer::new(lang));
        let fields = LangFields {
            title,
            body,
            tags,
            analyzer: analyzer(lang),
            typing: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_CHARS))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        };

        let started = std::time::Instant::now();
        let entries = entries.into_iter();
        let expected = entries.size_hint().0;
        let mut count = 0u64;
        let mut groups: Vec<Group> = Vec::new();
        let mut group_ids: HashMap<Group, u64> = HashMap::new();
        let documents = entries.filter(|e| e.lang == lang).map(|entry| {
            let mut doc = TantivyDocument::default();
            doc.add_u64(article, entry.article);
            doc.add_u64(seq, count);
            count += 1;
            let key = Group {
                published: entry.published,
                category: entry.category,
                access: entry.access,
            };
            let id = match group_ids.get(&key) {
                Some(&id) => id,
                None => {
                    let id = groups.len() as u64;
                    groups.push(key.clone());
                    group_ids.insert(key, id);
                    id
                }
            };
            doc.add_u64(group, id);
            doc.add_text(fields.title, entry.title);
            doc.add_text(fields.body, &entry.body);
            for tag in entry.tags {
                doc.add_text(fields.tags, tag);
            }
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
            let mut writer = index.writer_with_options::<TantivyDocument>(
                IndexWriterOptions::builder()
                    .num_worker_threads(threads)
                    .memory_budget_per_thread(ARENA_BYTES_PER_THREAD)
                    .num_merge_threads(1)
                    .build(),
            )?;
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
        let searcher = reader.searcher();
        let tables = searcher
            .segment_readers()
            .iter()
            .map(SegmentTable::read)
            .collect::<Result<_, _>>()?;
        Ok(LangIndex {
            view: RwLock::new(Arc::new(View {
                searcher,
                tables,
                groups: groups.clone(),
            })),
            editing: Mutex::new(Editing {
                writer: None,
                groups,
                group_ids,
                next_seq: count,
            }),
            index,
            reader,
            fields,
        })
    }

    /// [`SearchIndex::update`] in this language.
    fn update(&self, articles: &[Id], entries: Vec<IndexEntry<'_>>) -> Result<(), SearchError> {
        let mut editing = self.editing.lock().unwrap_or_else(|e| e.into_inner());
        let Editing {
            writer,
            groups,
            group_ids,
            next_seq,
        } = &mut *editing;
        let writer = match writer {
            Some(writer) => writer,
            None => {
                let made = self.index.writer_with_options::<TantivyDocument>(
                    IndexWriterOptions::builder()
                        .num_worker_threads(1)
                        .memory_budget_per_thread(EDIT_WRITER_BYTES)
                        .num_merge_threads(1)
                        .build(),
                )?;
                let mut policy = LogMergePolicy::default();
                policy.set_max_docs_before_merge(EDIT_MERGE_MAX_DOCS);
                made.set_merge_policy(Box::new(policy));
                writer.insert(made)
            }
        };
        let schema = self.index.schema();
        let field = |name: &str| schema.get_field(name);
        let (article, seq, group) = (
            field(ARTICLE_FIELD)?,
            field(SEQ_FIELD)?,
            field(GROUP_FIELD)?,
        );
        for &id in articles {
            let term = Term::from_field_u64(article, id);
            writer.delete_query(Box::new(RangeQuery::new(
                Bound::Included(term.clone()),
                Bound::Included(term),
            )))?;
        }
        for entry in entries {
            let key = Group {
                published: entry.published,
                category: entry.category,
                access: entry.access,
            };
            let number = match group_ids.get(&key) {
                Some(&n) => n,
                None => {
                    let n = groups.len() as u64;
                    groups.push(key.clone());
                    group_ids.insert(key, n);
                    n
                }
            };
            let mut doc = TantivyDocument::default();
            doc.add_u64(article, entry.article);
            doc.add_u64(seq, *next_seq);
            *next_seq += 1;
            doc.add_u64(group, number);
            doc.add_text(self.fields.title, entry.title);
            doc.add_text(self.fields.body, &entry.body);
            for tag in entry.tags {
                doc.add_text(self.fields.tags, tag);
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let old = self.view.read().unwrap_or_else(|e| e.into_inner()).clone();
        let tables = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                // A segment's values never change (deletes are kept apart): reuse them.
                match old
                    .tables
                    .iter()
                    .find(|t| t.segment == segment.segment_id())
                {
                    Some(table) => Ok(table.clone()),
                    None => SegmentTable::read(segment),
                }
            })
            .collect::<Result<_, _>>()?;
        *self.view.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(View {
            searcher,
            tables,
            groups: groups.clone(),
        });
        Ok(())
    }

    /// [`SearchIndex::search`] in this language; `total_docs` is the document count of
    /// every language (see [`AllLanguages`]).
    fn search(&self, q: &SearchQuery<'_>, total_docs: u64) -> Result<Vec<Id>, SearchError> {
        let Some(text_query) = text_query(&self.fields, q.text) else {
            return Ok(Vec::new());
        };
        let view = self.view.read().unwrap_or_else(|e| e.into_inner()).clone();
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

/// The scored part: every analysed word must match somewhere; the last one may be
/// a prefix of a longer word. `None` when the text has no searchable word.
fn text_query(fields: &LangFields, text: &str) -> Option<Box<dyn Query>> {
    text_query_with(fields, text, &|queries| Box::new(Union(queries)))
}

/// [`text_query`] with the unions made by `union`.
fn text_query_with(
    fields: &LangFields,
    text: &str,
    union: &dyn Fn(Vec<Box<dyn Query>>) -> Box<dyn Query>,
) -> Option<Box<dyn Query>> {
    let mut analyzer = fields.analyzer.clone();
    let mut words = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if !words.contains(&token.text) {
            words.push(token.text.clone());
        }
    }
    // The last word as typed (lower-cased, folded, unstemmed) for prefix matching,
    // unless the user has finished it with a space.
    let typing = (!text.ends_with(char::is_whitespace))
        .then(|| {
            let mut simple = fields.typing.clone();
            let mut stream = simple.token_stream(text);
            let mut last = None;
            while let Some(t) = stream.next() {
                last = Some(t.text.clone());
            }
            last
        })
        .flatten()
        .filter(|w| w.chars().count() >= 2);
    if words.is_empty() && typing.is_none() {
        return None;
    }

    let per_field = |make: &dyn Fn(Field) -> Box<dyn Query>| -> Box<dyn Query> {
        union(vec![
            Box::new(BoostQuery::new(make(fields.title), TITLE_BOOST)),
            make(fields.body),
            make(fields.tags),
        ])
    };
    let term_query = |word: String| -> Box<dyn Query> {
        per_field(&|f| {
            Box::new(TermQuery::new(
                Term::from_field_text(f, &word),
                IndexRecordOption::WithFreqs,
            ))
        })
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let last_stemmed = if typing.is_some() { words.pop() } else { None };
    for word in words {
        clauses.push((Occur::Must, term_query(word)));
    }
    if let Some(prefix) = typing {
        let mut either: Vec<Box<dyn Query>> = vec![per_field(&|f| {
            Box::new(PrefixQuery {
                field: f,
                prefix: prefix.as_bytes().into(),
            })
        })];
        if let Some(word) = last_stemmed {
            either.push(term_query(word));
        }
        clauses.push((Occur::Must, union(either)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Every term of a field that starts with `prefix`, each matching with the same score (as
/// tantivy's `FuzzyTermQuery::new_prefix` at distance 0). The terms are read as one range
/// of the term dictionary, without building a Levenshtein automaton for every search,
/// which was a third of a never-repeated search's time.
#[derive(Debug, Clone)]
struct PrefixQuery {
    field: Field,
    prefix: Arc<[u8]>,
}

impl Query for PrefixQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for PrefixQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let inverted = reader.inverted_index(self.field)?;
        let mut range = inverted.terms().range().ge(&*self.prefix);
        if let Some(upper) = after_prefix(&self.prefix) {
            range = range.lt(upper);
        }
        let mut terms = range.into_stream()?;
        while terms.advance() {
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("PrefixQuery", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match the prefix"
            )))
        }
    }
}

/// Documents matching any of the queries, scored by the sum of their scores: what
/// `BooleanQuery::union` answers, to the bit, without its scorer's look-ahead window on
/// small segments. That window is two arrays of 4,096 entries allocated and cleared per
/// union per search, and a search has three unions or more (each word in three fields, the
/// last word also as a prefix): they were a quarter of a never-repeated search's
/// instructions on the bundled fixtures. On segments larger than the window, tantivy's own
/// union runs.
#[derive(Debug)]
struct Union(Vec<Box<dyn Query>>);

impl Clone for Union {
    fn clone(&self) -> Union {
        Union(self.0.iter().map(|query| query.box_clone()).collect())
    }
}

/// The documents tantivy's union looks ahead at (`HORIZON` in its `buffered_union.rs`).
const UNION_WINDOW: u32 = 4096;

impl Query for Union {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .0
            .iter()
            .map(|query| query.weight(scoring).map(Arc::from))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(UnionWeight(weights)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.0 {
            query.query_terms(visitor);
        }
    }
}

struct UnionWeight(Vec<Arc<dyn Weight>>);

/// A weight shared with tantivy's union.
struct Shared(Arc<dyn Weight>);

impl Weight for Shared {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

impl UnionWeight {
    /// Tantivy's union of the same weights.
    fn tantivy(&self) -> BooleanWeight<SumCombiner> {
        let weights = self
            .0
            .iter()
            .map(|w| {
                (
                    Occur::Should,
                    Box::new(Shared(w.clone())) as Box<dyn Weight>,
                )
            })
            .collect();
        BooleanWeight::with_minimum_number_should_match(
            weights,
            1,
            true,
            Box::new(SumCombiner::default),
        )
    }
}

impl Weight for UnionWeight {
    /// The scorer tantivy's union would give, step by step (`BooleanWeight::scorer` for
    /// should clauses only): one weight is its own scorer; empty scorers are dropped; one
    /// scorer left is the answer; two or more are merged, adding up each document's scores
    /// from 0 in the weights' order. Tantivy's merged scorer has read a segment this small to
    /// the end when it is made, so it reports no cost left, and so does this one: an
    /// intersection orders its scorers by cost, and sums their scores in that order.
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if reader.max_doc() > UNION_WINDOW {
            return self.tantivy().scorer(reader, boost);
        }
        if let [only] = &self.0[..] {
            return only.scorer(reader, boost);
        }
        let mut scorers = Vec::with_capacity(self.0.len());
        for weight in &self.0 {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.is::<AllScorer>() {
                return self.tantivy().scorer(reader, boost);
            }
            if !scorer.is::<EmptyScorer>() {
                scorers.push(scorer);
            }
        }
        if scorers.len() <= 1 {
            return Ok(scorers.pop().unwrap_or_else(|| Box::new(EmptyScorer)));
        }
        scorers.retain(|scorer| scorer.doc() != TERMINATED);
        let mut union = UnionScorer {
            scorers,
            doc: 0,
            score: 0.0,
        };
        union.settle();
        Ok(Box::new(union))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.tantivy().explain(reader, doc)
    }
}

/// [`Union`] in one segment: the smallest document of its scorers, and its score.
struct UnionScorer {
    /// None of them terminated when the union was made.
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
    score: Score,
}

impl UnionScorer {
    /// Moves to the smallest document of the scorers and adds up its scores, in order.
    fn settle(&mut self) {
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        let mut score: Score = 0.0;
        if self.doc != TERMINATED {
            for scorer in &mut self.scorers {
                if scorer.doc() == self.doc {
                    score += scorer.score();
                }
            }
        }
        self.score = score;
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() == self.doc {
                scorer.advance();
            }
        }
        self.settle();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// None left: see [`UnionWeight::scorer`].
    fn size_hint(&self) -> u32 {
        0
    }

    fn cost(&self) -> u64 {
        0
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

/// The smallest byte string after every string that starts with `prefix` (`None` when
/// there is none: every byte is 0xFF).
fn after_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    fn entry<'a>(
        article: Id,
        l: &str,
        title: &'a str,
        body: &str,
        access: &str,
        tags: &'a [String],
    ) -> IndexEntry<'a> {
        IndexEntry {
            article,
            lang: lang(l),
            category: 1,
            published: true,
            access: vec![access.to_owned()],
            title,
            body: body.to_owned(),
            tags,
        }
    }

    fn index() -> SearchIndex {
        let login = vec!["login".to_owned()];
        let entries = vec![
            entry(
                1,
                "en",
                "Reset your password",
                "Forgot passwords happen.",
                "anyone",
                &login,
            ),
            entry(
                1,
                "fr",
                "Réinitialiser votre mot de passe",
                "Mots de passe oubliés.",
                "anyone",
                &[],
            ),
            entry(
                2,
                "en",
                "Company password policy",
                "Only for Globex.",
                "company:101",
                &[],
            ),
            entry(
                3,
                "en",
                "Invoices",
                "Your monthly bill and password-free payments.",
                "anyone",
                &[],
            ),
        ];
        SearchIndex::build(&[lang("en"), lang("fr")], entries).unwrap()
    }

    fn run(index: &SearchIndex, text: &str, l: &str, access: &[&str]) -> Vec<Id> {
        let access: Vec<String> = access.iter().map(|s| s.to_string()).collect();
        index
            .search(&SearchQuery {
                text,
                lang: lang(l),
                categories: &[1],
                access: &access,
                offset: 0,
                limit: 10,
                drafts: false,
            })
            .unwrap()
    }

    #[test]
    fn an_update_adds_changes_and_removes_one_article_without_a_rebuild() {
        let idx = index();
        // A new article, found at once.
        idx.update(
            &[7],
            vec![entry(
                7,
                "en",
                "Passkeys",
                "Sign in without a password.",
                "anyone",
                &[],
            )],
            5,
        )
        .unwrap();
        assert_eq!(run(&idx, "passkeys", "en", &["anyone"]), vec![7]);
        let mut found = run(&idx, "password", "en", &["anyone"]);
        found.sort_unstable();
        assert_eq!(found, vec![1, 3, 7]);
        // Restricted to a company: gone for anyone else, its words kept for the company.
        idx.update(
            &[7],
            vec![entry(
                7,
                "en",
                "Passkeys",
                "Sign in without a password.",
                "company:9",
                &[],
            )],
            5,
        )
        .unwrap();
        assert_eq!(run(&idx, "passkeys", "en", &["anyone"]), Vec::<Id>::new());
        assert_eq!(run(&idx, "passkeys", "en", &["company:9"]), vec![7]);
        // A fixture article changed: its old words no longer find it.
        idx.update(
            &[3],
            vec![entry(3, "en", "Receipts", "Monthly bills.", "anyone", &[])],
            5,
        )
        .unwrap();
        assert_eq!(run(&idx, "invoices", "en", &["anyone"]), Vec::<Id>::new());
        assert_eq!(run(&idx, "receipts", "en", &["anyone"]), vec![3]);
        // Deleted in every language.
        idx.update(&[1, 7], Vec::new(), 2).unwrap();
        assert_eq!(
            run(&idx, "password", "en", &["anyone", "company:9"]),
            Vec::<Id>::new()
        );
        assert_eq!(
            run(&idx, "reinitialiser", "fr", &["anyone"]),
            Vec::<Id>::new()
        );
    }

    #[test]
    fn stemming_finds_plural_and_title_ranks_first() {
        let idx = index();
        assert_eq!(run(&idx, "passwords ", "en", &["anyone"]), vec![1, 3]);
    }

    #[test]
    fn access_filter_restricts_without_reordering() {
        let idx = index();
        assert_eq!(
            run(&idx, "password", "en", &["anyone", "company:101"]),
            vec![1, 2, 3]
        );
        assert_eq!(run(&idx, "password", "en", &["anyone"]), vec![1, 3]);
    }

    #[test]
    fn last_word_matches_as_prefix_while_typing() {
        let idx = index();
        assert_eq!(run(&idx, "reset passw", "en", &["anyone"]), vec![1]);
        assert_eq!(run(&idx, "reinitialiser", "fr", &["anyone"]), vec![1]);
    }

    #[test]
    fn odd_input_never_fails() {
        let idx = index();
        for text in [
            "",
            "   ",
            "\"",
            "title:(",
            "AND OR NOT",
            "*",
            "\u{0}",
            &"x".repeat(10_000),
        ] {
            assert!(run(&idx, text, "en", &["anyone"]).len() <= 3);
        }
    }

    /// Every token an analyzer makes of `text`: (term, position, offsets).
    fn tokens(tokenizer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn the_indexing_memo_changes_nothing_the_analyzer_makes() {
        let long = "a".repeat(MAX_TOKEN_CHARS + 1);
        let texts = [
            "How to reset your passwords, and the other passwords too",
            "Réinitialiser les mots de passe oubliés, réinitialiser encore",
            "Die Passwörter werden zurückgesetzt; Passwörter!",
            "ÉCOLE école Ecole straße STRASSE 2FA x86_64 日本語のテキスト",
            &format!("{long} short {long} the"),
            "",
        ];
        for code in ["en", "fr", "de", "ja-JP"] {
            let mut memo = TextAnalyzer::from(MemoAnalyzer::new(lang(code)));
            let mut plain = analyzer(lang(code));
            // Twice, so that the second pass is answered from the memo.
            for _ in 0..2 {
                for text in texts {
                    assert_eq!(
                        tokens(&mut memo, text),
                        tokens(&mut plain, text),
                        "{code}: {text}"
                    );
                }
            }
        }
    }

    /// Entries where many documents tie, in several languages and access groups.
    fn tied_entries(tags: &[String]) -> Vec<IndexEntry<'_>> {
        (0..300)
            .map(|i| IndexEntry {
                article: 1000 + i / 2,
                lang: lang(if i % 2 == 0 { "en" } else { "fr" }),
                category: 1 + i % 3,
                published: i % 7 != 0,
                access: vec![if i % 5 == 0 { "company:101" } else { "anyone" }.to_owned()],
                title: if i % 4 == 0 {
                    "Reset your password"
                } else {
                    "Password reset"
                },
                body: format!(
                    "password {}",
                    ["help", "invoice", "export"][(i % 3) as usize]
                ),
                tags,
            })
            .collect()
    }

    #[test]
    fn a_language_is_searched_as_soon_as_it_is_indexed() {
        let index = SearchIndex::pending(&[lang("en"), lang("fr")], 4);
        let login = vec!["login".to_owned()];
        let entries = vec![
            entry(
                1,
                "en",
                "Reset your password",
                "Forgot it?",
                "anyone",
                &login,
            ),
            entry(1, "fr", "Mot de passe", "Oublié ?", "anyone", &[]),
        ];
        index.index_language(lang("en"), entries).unwrap();
        assert!(!index.is_complete());
        assert_eq!(run(&index, "password", "en", &["anyone"]), vec![1]);
    }

    #[test]
    fn scores_count_the_documents_of_every_language() {
        let tags = vec!["login".to_owned()];
        let entries = tied_entries(&tags);
        let all = entries.len() as u64;
        let index = SearchIndex::build(&[lang("en"), lang("fr")], entries).unwrap();
        assert_eq!(index.total_docs.load(AtomicOrdering::Relaxed), all);
        let en = index.langs[&lang("en")].get().unwrap().as_ref().unwrap();
        let access = vec!["anyone".to_owned()];
        let q = SearchQuery {
            text: "password help",
            lang: lang("en"),
            categories: &[1, 2, 3],
            access: &access,
            offset: 0,
            limit: 30,
            drafts: false,
        };
        assert_eq!(index.search(&q).unwrap(), en.search(&q, all).unwrap());
    }

    #[test]
    fn unions_score_exactly_as_tantivys_own() {
        use tantivy::collector::TopDocs;
        let tags = vec!["login".to_owned()];
        let index = SearchIndex::build(&[lang("en"), lang("fr")], tied_entries(&tags)).unwrap();
        let mut compared = 0;
        for code in ["en", "fr"] {
            let lang_index = index.langs[&lang(code)].get().unwrap().as_ref().unwrap();
            let searcher = lang_index.reader.searcher();
            let all = |query: Box<dyn Query>| {
                let top = TopDocs::with_limit(1000).order_by_score();
                let found = searcher.search(&*query, &top).unwrap();
                found
                    .into_iter()
                    .map(|(score, doc)| (score.to_bits(), doc))
                    .collect::<Vec<_>>()
            };
            for text in [
                "password",
                "passw",
                "reset password",
                "password help ",
                "password invoice export",
                "login pass",
                "help",
                "nothing",
                "the",
            ] {
                let ours = text_query(&lang_index.fields, text).map(all);
                let theirs = text_query_with(&lang_index.fields, text, &|queries| {
                    Box::new(BooleanQuery::union(queries))
                })
                .map(all);
                compared += ours.as_ref().map_or(0, Vec::len);
                assert_eq!(ours, theirs, "{code}: {text}");
            }
        }
        assert!(compared > 500, "{compared}");
    }

    #[test]
    fn answers_do_not_depend_on_how_many_threads_indexed() {
        let tags = vec!["login".to_owned()];
        let langs = [lang("en"), lang("fr")];
        let one = SearchIndex::build_with(Some(1), &langs, tied_entries(&tags)).unwrap();
        let two = SearchIndex::build_with(Some(2), &langs, tied_entries(&tags)).unwrap();
        for slot in one.langs.values() {
            let index = slot.get().unwrap().as_ref().unwrap();
            assert_eq!(index.reader.searcher().segment_readers().len(), 1);
        }
        let mut found = 0;
        for text in [
            "password",
            "reset",
            "passw",
            "password invoice",
            "login",
            "help ",
        ] {
            for code in ["en", "fr"] {
                for access in [&["anyone"][..], &["anyone", "company:101"][..]] {
                    for (offset, limit) in [(0, 10), (10, 10), (0, 30), (50, 5)] {
                        let access: Vec<String> = access.iter().map(|a| a.to_string()).collect();
                        let q = SearchQuery {
                            text,
                            lang: lang(code),
                            categories: &[1, 3],
                            access: &access,
                            offset,
                            limit,
                            drafts: false,
                        };
                        let expected = one.search(&q).unwrap();
                        found += expected.len();
                        assert_eq!(
                            two.search(&q).unwrap(),
                            expected,
                            "{text} {code} {access:?}"
                        );
                    }
                }
            }
        }
        assert!(found > 500, "{found}");
    }
}
