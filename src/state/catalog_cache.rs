//! The prepared catalog kept beside the search index in the index cache (`--index-cache
//! DIR`), so that a server started again on the same fixture folder reads the fixtures as
//! the last one prepared them (parsed, validated, times made canonical, bodies sanitised)
//! instead of doing it all again: at 100,000 articles that was 1.6 s of a 1.7 s start.
//!
//! The file is `ROOT/<key>/catalog`, in the set's directory of the index cache, keyed the
//! same way (the folder's stamp, see `index_cache::folder_stamp`, and the code's identity),
//! so the cache's [`KEEP_SETS`](crate::state::index_cache::KEEP_SETS) eviction drops a set's
//! catalog with its index. Its content is a [`snapshot`]: a format version, the label of
//! the set and code it was made for, and a checksum per frame; a file that is damaged, cut
//! short, of another format or made for another set or freshmock is refused, removed and
//! written again from the JSON, never trusted. It is written under a temporary name and
//! renamed into place, so two servers writing at once leave one whole file, and a reader
//! never sees half of one.
//!
//! Only the fixtures as their files hold them are kept: the agent API's edits and a data
//! directory's changes are laid over them at every start, as over the JSON. With a data
//! directory the file also holds the fixtures' fingerprint as the JSON gives it, which the
//! directory is tied to (a file written without a data directory has none, and a server
//! with one then reads the JSON, and writes the file again with it).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::domain::fixtures::snapshot::{self, Block, Refused};
use crate::domain::fixtures::FixtureSet;
use crate::state::index_cache::{place_of, stamp_name, tidy, touch};
use crate::state::indexer::INDEX_NICENESS;

/// The file's name in its set's directory.
const FILE: &str = "catalog";

/// Fixtures read from the cache: already prepared (see `Catalog::load_prepared`).
#[derive(Debug)]
pub struct Cached {
    pub fixtures: FixtureSet,
    /// The data directory's fingerprint of the fixtures' files, if the writer knew it.
    pub fingerprint: Option<String>,
}

/// Where a fixture folder's catalog is kept in the cache at `root`, and the label it
/// carries.
fn place(root: &Path, stamp: &str) -> (PathBuf, PathBuf, String) {
    let (dir, label) = place_of(root, &stamp_name(stamp));
    let label = format!("{label}catalog {}\n", snapshot::FORMAT);
    let file = dir.join(FILE);
    (dir, file, label)
}

/// The fixtures of the folder with this stamp, as a server prepared them, when the cache at
/// `root` holds them whole; `None` otherwise (a file that cannot be used is removed, and
/// said why). With `fingerprint_needed` (a data directory), a file without the fixtures'
/// fingerprint is not used.
pub fn read(root: &Path, stamp: &str, fingerprint_needed: bool) -> Option<Cached> {
    let (dir, path, label) = place(root, stamp);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("the cached catalog {} cannot be read: {e}", path.display());
            return None;
        }
    };
    let started = Instant::now();
    match read_file(&file, &label) {
        Ok(cached) if fingerprint_needed && cached.fingerprint.is_none() => {
            tracing::debug!("the cached catalog has no fingerprint for a data directory");
            None
        }
        Ok(cached) => {
            touch(&dir);
            tracing::debug!(
                read_ms = started.elapsed().as_millis() as u64,
                file = %path.display(),
                "fixtures read from the catalog cache"
            );
            Some(cached)
        }
        Err(Refusal::Io(e)) => {
            tracing::warn!("the cached catalog {} cannot be read: {e}", path.display());
            None
        }
        Err(Refusal::Content(why)) => {
            tracing::warn!(
                "the cached catalog {} is not used ({why}): reading the fixture files",
                path.display()
            );
            let _ = fs::remove_file(&path);
            None
        }
    }
}

#[derive(Debug)]
enum Refusal {
    Io(io::Error),
    Content(Refused),
}

impl From<Refused> for Refusal {
    fn from(r: Refused) -> Refusal {
        Refusal::Content(r)
    }
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Refusal {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Refusal::Content(Refused("cut short".into()))
        } else {
            Refusal::Io(e)
        }
    }
}

/// A frame: where its payload starts, its length and checksum.
#[derive(Debug, Clone, Copy)]
struct Frame {
    at: u64,
    len: usize,
    crc: u32,
}

fn frame_at(file: &File, at: u64) -> Result<Frame, Refusal> {
    let mut header = [0; snapshot::FRAME_HEADER_BYTES];
    file.read_exact_at(&mut header, at)?;
    let (len, crc) = snapshot::frame_header(&header);
    Ok(Frame {
        at: at + header.len() as u64,
        len: usize::try_from(len).map_err(|_| Refused("a frame too large".into()))?,
        crc,
    })
}

/// A frame's payload, checked, in `buffer`.
fn payload<'a>(file: &File, frame: Frame, buffer: &'a mut Vec<u8>) -> Result<&'a [u8], Refusal> {
    buffer.resize(frame.len, 0);
    file.read_exact_at(buffer, frame.at)?;
    snapshot::check_frame(buffer, frame.crc)?;
    Ok(buffer)
}

/// Reads a whole snapshot: its frames found one after the other (a header each), the
/// blocks then decoded on a few threads, each reading its blocks into a buffer of its own
/// (one block at a time: the file never sits in memory beside what it decodes into).
fn read_file(file: &File, label: &str) -> Result<Cached, Refusal> {
    let size = file.metadata()?.len();
    let mut preamble = [0; snapshot::PREAMBLE_BYTES];
    file.read_exact_at(&mut preamble, 0)?;
    snapshot::check_preamble(&preamble)?;
    let mut frames = Vec::new();
    let mut at = preamble.len() as u64;
    while at < size {
        let frame = frame_at(file, at)?;
        at = frame.at + frame.len as u64;
        frames.push(frame);
    }
    if at != size || frames.len() < 2 {
        return Err(Refused("cut short".into()).into());
    }
    let mut buffer = Vec::new();
    let head = snapshot::read_head(payload(file, frames[0], &mut buffer)?)?;
    if head.label != label {
        return Err(Refused("made for another fixture set or another freshmock".into()).into());
    }
    let end = frames[frames.len() - 1];
    let end = snapshot::read_end(payload(file, end, &mut buffer)?)?;
    let blocks = &frames[1..frames.len() - 1];
    if end.blocks != blocks.len() || end.folders != head.folders {
        return Err(Refused("cut short".into()).into());
    }
    let fingerprint = head.fingerprint.clone();
    let decoded = decode_blocks(file, blocks, buffer)?;
    Ok(Cached {
        fixtures: snapshot::assemble(head, decoded)?,
        fingerprint,
    })
}

/// At most this many threads decode a snapshot's blocks.
const MAX_THREADS: usize = 4;

/// The blocks decoded, on this thread and up to [`MAX_THREADS`]` - 1` others, each taking
/// every n-th block.
fn decode_blocks(file: &File, blocks: &[Frame], buffer: Vec<u8>) -> Result<Vec<Block>, Refusal> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(blocks.len().max(1));
    let share = |nth: usize, mut buffer: Vec<u8>| -> Result<Vec<Block>, Refusal> {
        blocks
            .iter()
            .skip(nth)
            .step_by(threads)
            .map(|&frame| Ok(snapshot::read_block(payload(file, frame, &mut buffer)?)?))
            .collect()
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads)
            .map(|nth| scope.spawn(move || share(nth, Vec::new())))
            .collect();
        let mut all = share(0, buffer)?;
        for other in others {
            match other.join() {
                Ok(blocks) => all.extend(blocks?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(all)
    })
}

/// Keeps `fixtures` (as [`Catalog::load`](crate::domain::catalog::Catalog::load) left them)
/// in the cache at `root` for the folder with this stamp, on a thread of its own at the
/// index's lower priority: the server answers meanwhile, and the next start reads it.
pub fn keep(root: PathBuf, stamp: String, fixtures: Arc<FixtureSet>, fingerprint: Option<String>) {
    let spawned = std::thread::Builder::new()
        .name("freshmock-catalog-cache".into())
        .spawn(move || {
            let _ = rustix::process::setpriority_process(None, INDEX_NICENESS);
            let started = Instant::now();
            match write(&root, &stamp, &fixtures, fingerprint.as_deref()) {
                Ok(path) => tracing::debug!(
                    write_ms = started.elapsed().as_millis() as u64,
                    file = %path.display(),
                    "fixtures kept in the catalog cache"
                ),
                Err(e) => {
                    tracing::warn!("the catalog could not be kept in {}: {e}", root.display())
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("the catalog is not kept in the cache (no thread: {e})");
    }
}

/// Writes the snapshot under a temporary name and renames it into place.
pub fn write(
    root: &Path,
    stamp: &str,
    fixtures: &FixtureSet,
    fingerprint: Option<&str>,
) -> io::Result<PathBuf> {
    let (dir, path, label) = place(root, stamp);
    fs::create_dir_all(&dir)?;
    let temporary = dir.join(format!(".tmp-{FILE}-{}", unique()));
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&temporary)?);
        snapshot::write(fixtures, &label, fingerprint, &mut out)?;
        out.flush()
    })();
    let placed = written.and_then(|()| fs::rename(&temporary, &path));
    if placed.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    tidy(root, &dir);
    placed.map(|()| path)
}

/// A name no other writer uses at the same time.
fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_catalog_reads_back_and_a_damaged_one_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let set = FixtureSet::bundled().unwrap();
        let path = write(root.path(), "stamp", &set, Some("fp")).unwrap();
        let cached = read(root.path(), "stamp", true).unwrap();
        assert_eq!(cached.fingerprint.as_deref(), Some("fp"));
        assert_eq!(cached.fixtures.to_document(), set.to_document());
        assert!(read(root.path(), "another stamp", false).is_none());

        let mut bytes = fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        fs::write(&path, &bytes).unwrap();
        assert!(read(root.path(), "stamp", false).is_none());
        assert!(!path.exists(), "a damaged file is removed");

        write(root.path(), "stamp", &set, None).unwrap();
        assert!(read(root.path(), "stamp", true).is_none(), "no fingerprint");
        assert!(read(root.path(), "stamp", false).is_some());
    }
}
