//! A language's index kept between runs: the files of a build, what freshmock adds to them
//! (the group numbering and the insertion order, see [`Stored`]), and the two places a
//! build is looked for before indexing: the bundled set's index, made ahead of time and
//! compiled into the binary (see [`bundled`]), and a cache the server keeps on disk (an
//! [`IndexCache`], see `state::index_cache`).
//!
//! Nothing here trusts what it reads: a stored index is opened only when its format, its
//! analysis (see [`IDENTITY`]), its language and its document count are the ones expected,
//! and the bundled one only for exactly the documents it was made from (see [`Digest`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use tantivy::directory::{Directory, OwnedBytes, RamDirectory};

use super::documents::{Group, IndexEntry};
use crate::domain::language::Lang;

/// The file freshmock adds to a language's index directory (see [`Stored`]).
pub const STORED_FILE: &str = "freshmock.json";
/// Changes when what [`Stored`] holds changes shape.
const FORMAT: u32 = 1;
/// What made the index: the source of the schema, the analysis and the documents, and the
/// tantivy version (written by `build.rs`). An index made by other code is never opened.
pub const IDENTITY: &str = env!("FRESHMOCK_INDEX_IDENTITY");

/// Where a server keeps the indexes it built, and finds them on its next start: the
/// state's disk cache, keyed by the fixture set. The domain opens and checks what it gets.
pub trait IndexCache: Send + Sync + std::fmt::Debug {
    /// The stored index of this language, if any (to be checked before use).
    fn open(&self, lang: Lang) -> Option<Box<dyn Directory>>;
    /// What [`IndexCache::open`] gave for this language cannot be used (damaged, partial,
    /// another set's or another version's): forget it, so the next start builds again.
    fn refuse(&self, lang: Lang, why: &str);
    /// A language's index as just built, before any change, to keep for the next start.
    fn keep(&self, built: Built);
}

/// The files of a language's index as built (before any change), ready to be written.
#[derive(Debug)]
pub struct Built {
    pub lang: Lang,
    /// Relative paths and their bytes, [`STORED_FILE`] included.
    pub files: Vec<(PathBuf, OwnedBytes)>,
}

/// What freshmock keeps beside tantivy's files: enough to check the index is the one
/// wanted, and to carry on numbering groups and documents from where the build stopped.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Stored {
    pub(super) format: u32,
    pub(super) identity: String,
    pub(super) lang: String,
    /// Documents indexed (and the next insertion number).
    pub(super) documents: u64,
    /// The [`Digest`] of the entries, for the bundled index (empty in a cache).
    #[serde(default)]
    pub(super) digest: String,
    pub(super) groups: Vec<Group>,
}

impl Stored {
    /// Reads and checks the stored file of a directory: this format, this identity, this
    /// language.
    pub(super) fn read(directory: &dyn Directory, lang: Lang) -> Result<Stored, String> {
        let bytes = directory
            .atomic_read(Path::new(STORED_FILE))
            .map_err(|e| format!("no {STORED_FILE}: {e}"))?;
        let stored: Stored = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{STORED_FILE} does not read: {e}"))?;
        if stored.format != FORMAT || stored.identity != IDENTITY {
            return Err(format!(
                "made by another version (format {}, {})",
                stored.format, stored.identity
            ));
        }
        if stored.lang != lang.code() {
            return Err(format!("holds {}, not {}", stored.lang, lang.code()));
        }
        Ok(stored)
    }

    pub(super) fn new(lang: Lang, documents: u64, digest: String, groups: &[Group]) -> Stored {
        Stored {
            format: FORMAT,
            identity: IDENTITY.to_owned(),
            lang: lang.code().to_owned(),
            documents,
            digest,
            groups: groups.to_vec(),
        }
    }
}

/// A hash of a language's entries, in order: everything the index is made from. Equal
/// digests mean the same documents, whichever fixtures or code produced them.
#[derive(Default)]
pub(super) struct Digest(Sha256);

impl Digest {
    pub(super) fn add(&mut self, entry: &IndexEntry<'_>) {
        let mut field = |bytes: &[u8]| {
            self.0.update((bytes.len() as u64).to_le_bytes());
            self.0.update(bytes);
        };
        field(&entry.article.to_le_bytes());
        field(entry.lang.code().as_bytes());
        field(&entry.category.to_le_bytes());
        field(&[u8::from(entry.published)]);
        field(&(entry.access.len() as u64).to_le_bytes());
        for token in &entry.access {
            field(token.as_bytes());
        }
        field(entry.title.as_bytes());
        field(entry.body.as_bytes());
        field(&(entry.tags.len() as u64).to_le_bytes());
        for tag in entry.tags {
            field(tag.as_bytes());
        }
    }

    pub(super) fn hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The bundled set's index, one directory per language, made by
/// `SearchIndex::write_bundled` and compiled in (see `bundled.index`): an empty file
/// when there is none, or when `build.rs` found it made by other code than this.
pub mod bundled {
    use super::*;

    /// The packed directories: `FMIX` then, per file, its path's length (u32, little
    /// endian), its path (`en/meta.json`), its length (u64) and its bytes.
    static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bundled.index"));
    const MAGIC: &[u8] = b"FMIX";

    /// The bundled index of this language, if there is one for exactly this many
    /// documents: a directory in memory (its files are copied: edits may add to it).
    pub(in crate::domain::search) fn language(
        lang: Lang,
        documents: usize,
    ) -> Option<(RamDirectory, Stored)> {
        let prefix = format!("{}/", lang.code());
        let directory = RamDirectory::create();
        let mut found = false;
        for (path, bytes) in unpack(PACKED)? {
            if let Some(name) = path.strip_prefix(&prefix) {
                directory.atomic_write(Path::new(name), bytes).ok()?;
                found = true;
            }
        }
        if !found {
            return None;
        }
        let stored = Stored::read(&directory, lang).ok()?;
        (stored.documents == documents as u64).then_some((directory, stored))
    }

    /// Packs language directories' files (see [`PACKED`]).
    #[cfg(test)]
    pub(in crate::domain::search) fn pack(built: &[Built]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for language in built {
            for (path, bytes) in &language.files {
                let name = format!("{}/{}", language.lang.code(), path.display());
                out.extend_from_slice(&(name.len() as u32).to_le_bytes());
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
                out.extend_from_slice(bytes.as_slice());
            }
        }
        out
    }

    /// The files of a pack; `None` for an empty or damaged one.
    fn unpack(mut packed: &[u8]) -> Option<Vec<(&str, &[u8])>> {
        packed = packed.strip_prefix(MAGIC)?;
        let mut files = Vec::new();
        while !packed.is_empty() {
            let (len, rest) = packed.split_first_chunk::<4>()?;
            let (name, rest) = rest.split_at_checked(u32::from_le_bytes(*len) as usize)?;
            let (len, rest) = rest.split_first_chunk::<8>()?;
            let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
            let (bytes, rest) = rest.split_at_checked(len)?;
            files.push((std::str::from_utf8(name).ok()?, bytes));
            packed = rest;
        }
        Some(files)
    }
}
