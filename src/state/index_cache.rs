//! The search index kept on disk between starts (`--index-cache DIR`), so that a server
//! started again on the same fixture set (a CI worker each, a restart) opens its index
//! instead of building it.
//!
//! Layout: `ROOT/<key>/<language>/`, a tantivy index directory plus `freshmock.json` (see
//! `search::stored`) and `set`, which names the fixture set and the code that made it (the
//! key is a hash of that). A language's directory is written under a temporary name and
//! renamed into place whole, so a reader never sees half of one and two servers writing
//! the same set at once keep the first. Opened with mmap, checked before use (its set, its
//! format, every file's checksum, its document count): anything else is removed and built
//! again. Changes through the agent API never reach these files (see [`CopyOnWrite`]). At
//! most [`KEEP_SETS`] sets are kept, the most recently used.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, FileHandle, MmapDirectory, RamDirectory, WatchCallback, WatchHandle, WritePtr,
};

use crate::domain::catalog::Catalog;
use crate::domain::fixtures::FixtureSet;
use crate::domain::language::Lang;
use crate::domain::search::{Built, IndexCache};
use crate::state::store::fingerprint;

/// Fixture sets whose indexes are kept; the least recently used beyond are removed.
pub const KEEP_SETS: usize = 4;
/// The file naming the set and the code a language's directory was made for.
const SET_FILE: &str = "set";
/// A temporary directory older than this was left by a writer that died.
const ABANDONED: Duration = Duration::from_secs(600);
/// What made the documents from the fixtures: every source file (see `build.rs`).
const SOURCE_IDENTITY: &str = env!("FRESHMOCK_SOURCE_IDENTITY");

/// One fixture set's place in the cache.
#[derive(Debug)]
pub struct DiskCache {
    root: PathBuf,
    set: SetName,
    /// `ROOT/<key>` and what `set` files hold, once the set's fingerprint is known.
    place: OnceLock<(PathBuf, String)>,
}

/// The fixture set, by its fingerprint, or the set itself to fingerprint when the cache is
/// first used (on the index thread, not before the server listens).
#[derive(Debug)]
pub enum SetName {
    Fingerprint(String),
    /// A fixture folder's [`folder_stamp`].
    Stamp(String),
    Fixtures(Arc<FixtureSet>),
}

/// `catalog` with its index looked for in, and kept in, the cache at `root`, under the
/// set's fingerprint, else its folder's stamp (see [`folder_stamp`]), else a fingerprint
/// taken from the catalog's fixtures when the cache is first used.
pub fn for_catalog(
    catalog: Catalog,
    root: PathBuf,
    fingerprint: Option<String>,
    stamp: Option<String>,
) -> Catalog {
    let set = match (fingerprint, stamp) {
        (Some(fingerprint), _) => SetName::Fingerprint(fingerprint),
        (None, Some(stamp)) => SetName::Stamp(stamp),
        (None, None) => SetName::Fixtures(catalog.fixtures.clone()),
    };
    catalog.with_index_cache(Arc::new(DiskCache::new(root, set)))
}

/// A file changed less than this long ago may change again without its stamp changing.
const SETTLED: Duration = Duration::from_secs(2);

/// What names a fixture folder's content without reading it, taken before its files are
/// read: the folder's and each JSON file's device, inode, size, and change and modification times (to
/// the nanosecond). Writing a file changes its change time, which no program can set back,
/// so equal stamps mean the same bytes; except within the clock's tick, which is why a
/// file changed in the last [`SETTLED`] seconds gives no stamp (the cache then names the
/// set by a fingerprint of its content, as git does with its racily clean files).
pub fn folder_stamp(dir: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    let mut stamp = format!("{}", fs::canonicalize(dir).ok()?.display());
    // The folder (files added or removed) and every JSON file in it.
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in std::iter::once(dir.to_owned()).chain(files) {
        match fs::metadata(&path) {
            Ok(m) => {
                let changed = m.ctime() as f64 + m.ctime_nsec() as f64 / 1e9;
                let modified = m.mtime() as f64 + m.mtime_nsec() as f64 / 1e9;
                if now - changed.max(modified) < SETTLED.as_secs_f64() {
                    return None;
                }
                stamp.push_str(&format!(
                    "\n{} {} {} {} {}.{:09} {}.{:09}",
                    path.file_name()?.to_string_lossy(),
                    m.dev(),
                    m.ino(),
                    m.len(),
                    m.ctime(),
                    m.ctime_nsec(),
                    m.mtime(),
                    m.mtime_nsec()
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                stamp.push_str(&format!("\n{} none", path.display()));
            }
            Err(_) => return None,
        }
    }
    Some(stamp)
}

impl DiskCache {
    pub fn new(root: PathBuf, set: SetName) -> DiskCache {
        DiskCache {
            root,
            set,
            place: OnceLock::new(),
        }
    }

    /// The set's directory, and its `set` file's content.
    fn place(&self) -> &(PathBuf, String) {
        self.place.get_or_init(|| {
            let name = match &self.set {
                SetName::Fingerprint(f) => f.clone(),
                SetName::Stamp(stamp) => stamp_name(stamp),
                SetName::Fixtures(fixtures) => fingerprint(fixtures),
            };
            place_of(&self.root, &name)
        })
    }

    fn language_dir(&self, lang: Lang) -> PathBuf {
        self.place().0.join(lang.code())
    }

    fn write(&self, built: &Built) -> io::Result<()> {
        let (dir, label) = self.place();
        fs::create_dir_all(dir)?;
        let temporary = dir.join(format!(".tmp-{}-{}", built.lang.code(), unique()));
        fs::create_dir(&temporary)?;
        let written = (|| {
            for (path, bytes) in &built.files {
                fs::File::create(temporary.join(path))?.write_all(bytes.as_slice())?;
            }
            fs::write(temporary.join(SET_FILE), label)
        })();
        let placed = written.and_then(|()| fs::rename(&temporary, self.language_dir(built.lang)));
        if placed.is_err() {
            // A failed write, or another server placed this language first (which is as
            // good): nothing of ours stays.
            let _ = fs::remove_dir_all(&temporary);
        }
        self.tidy();
        match placed {
            Err(e)
                if e.kind() != io::ErrorKind::DirectoryNotEmpty
                    && e.kind() != io::ErrorKind::AlreadyExists =>
            {
                Err(e)
            }
            _ => Ok(()),
        }
    }

    fn tidy(&self) {
        tidy(&self.root, &self.place().0);
    }
}

/// How a fixture folder's stamp names its set (beside a fingerprint, which names it by
/// content).
pub(crate) fn stamp_name(stamp: &str) -> String {
    format!("folder {stamp}")
}

/// `ROOT/<key>` for the set this names (a fingerprint, or [`stamp_name`]), and the label
/// its files carry: the set and the code that made them (the key is a hash of it).
pub(crate) fn place_of(root: &Path, name: &str) -> (PathBuf, String) {
    let label = format!(
        "fixtures {name}\nsource {SOURCE_IDENTITY}\nindex {}\n",
        crate::domain::search::IDENTITY
    );
    let key: String = Sha256::digest(label.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    (root.join(key), label)
}

/// Marks a set used now: the last one [`tidy`] removes.
pub(crate) fn touch(set: &Path) {
    if let Ok(set) = fs::File::open(set) {
        let _ = set.set_modified(SystemTime::now());
    }
}

/// Removes the sets used least recently beyond [`KEEP_SETS`] (their indexes and their
/// catalogs, see `catalog_cache`), and what writers that died left in `mine`.
pub(crate) fn tidy(root: &Path, mine: &Path) {
    let now = SystemTime::now();
    let age = |path: &Path| {
        fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .unwrap_or_default()
    };
    if let Ok(entries) = fs::read_dir(mine) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(".tmp-") && age(&path) > ABANDONED {
                if path.is_dir() {
                    let _ = fs::remove_dir_all(path);
                } else {
                    let _ = fs::remove_file(path);
                }
            }
        }
    }
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    let mut sets: Vec<(Duration, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && is_key(p) && p != mine)
        .map(|p| (age(&p), p))
        .collect();
    sets.sort();
    for (_, old) in sets.into_iter().skip(KEEP_SETS - 1) {
        let _ = fs::remove_dir_all(old);
    }
}

/// Whether a directory's name is a set's key (32 hex digits): the cache removes nothing else.
fn is_key(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A name no other writer uses at the same time.
fn unique() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

impl IndexCache for DiskCache {
    fn open(&self, lang: Lang) -> Option<Box<dyn Directory>> {
        let (set_dir, label) = self.place();
        let dir = self.language_dir(lang);
        let found = fs::read_to_string(dir.join(SET_FILE)).ok()?;
        if found != *label {
            self.refuse(lang, "made for another fixture set or another freshmock");
            return None;
        }
        let base = match MmapDirectory::open(&dir) {
            Ok(base) => base,
            Err(e) => {
                self.refuse(lang, &e.to_string());
                return None;
            }
        };
        // Used now: the last set the tidying removes.
        touch(set_dir);
        tracing::debug!(language = %lang, dir = %dir.display(), "search index found in the cache");
        Some(Box::new(CopyOnWrite::new(base)))
    }

    fn refuse(&self, lang: Lang, why: &str) {
        let dir = self.language_dir(lang);
        tracing::warn!(
            language = %lang,
            "the cached search index in {} is not used ({why}): indexing again",
            dir.display()
        );
        let _ = fs::remove_dir_all(dir);
    }

    fn keep(&self, built: Built) {
        match self.write(&built) {
            Ok(()) => tracing::debug!(language = %built.lang, "search index kept in the cache"),
            Err(e) => tracing::warn!(
                language = %built.lang,
                "the search index could not be kept in {}: {e}",
                self.root.display()
            ),
        }
    }
}

/// A cached index as the server uses it: tantivy reads the files on disk, and whatever it
/// writes (the agent API's changes, their merges, the writer's lock) goes to memory, so the
/// cache stays the unchanged set's for every other server. Deleting a cached file only
/// hides it here.
#[derive(Debug, Clone)]
pub struct CopyOnWrite {
    base: MmapDirectory,
    changes: RamDirectory,
    hidden: Arc<Mutex<HashSet<PathBuf>>>,
}

impl CopyOnWrite {
    pub fn new(base: MmapDirectory) -> CopyOnWrite {
        CopyOnWrite {
            base,
            changes: RamDirectory::create(),
            hidden: Arc::default(),
        }
    }

    fn hidden(&self, path: &Path) -> bool {
        self.hidden
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(path)
    }

    fn in_changes(&self, path: &Path) -> bool {
        self.changes.exists(path).unwrap_or(false)
    }

    fn in_base(&self, path: &Path) -> bool {
        !self.hidden(path) && self.base.exists(path).unwrap_or(false)
    }
}

impl Directory for CopyOnWrite {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if self.in_changes(path) {
            return self.changes.get_file_handle(path);
        }
        if self.hidden(path) {
            return Err(OpenReadError::FileDoesNotExist(path.to_owned()));
        }
        self.base.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        if self.in_changes(path) {
            return self.changes.delete(path);
        }
        if self.in_base(path) {
            self.hidden
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_owned());
            return Ok(());
        }
        Err(DeleteError::FileDoesNotExist(path.to_owned()))
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.in_changes(path) || self.in_base(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        if self.in_base(path) {
            return Err(OpenWriteError::FileAlreadyExists(path.to_owned()));
        }
        self.changes.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        if self.in_changes(path) {
            return self.changes.atomic_read(path);
        }
        if self.hidden(path) {
            return Err(OpenReadError::FileDoesNotExist(path.to_owned()));
        }
        self.base.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.changes.atomic_write(path, data)?;
        self.hidden
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.changes.watch(callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_to_a_cached_index_stay_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("meta.json"), b"old").unwrap();
        fs::write(dir.path().join("a.idx"), b"data").unwrap();
        let cow = CopyOnWrite::new(MmapDirectory::open(dir.path()).unwrap());
        cow.atomic_write(Path::new("meta.json"), b"new").unwrap();
        cow.delete(Path::new("a.idx")).unwrap();
        let mut w = cow.open_write(Path::new("b.idx")).unwrap();
        w.write_all(b"more").unwrap();
        tantivy::directory::TerminatingWrite::terminate(w).unwrap();
        assert_eq!(cow.atomic_read(Path::new("meta.json")).unwrap(), b"new");
        assert!(!cow.exists(Path::new("a.idx")).unwrap());
        assert!(cow.exists(Path::new("b.idx")).unwrap());
        // The files on disk are as they were.
        assert_eq!(fs::read(dir.path().join("meta.json")).unwrap(), b"old");
        assert_eq!(fs::read(dir.path().join("a.idx")).unwrap(), b"data");
        assert!(!dir.path().join("b.idx").exists());
    }
}
