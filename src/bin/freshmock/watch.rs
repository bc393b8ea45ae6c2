//! `--watch`: the `--fixtures` folder reloaded when one of its files changes.
//!
//! The folder is looked at a few times a second (names, sizes and modification times of its
//! JSON files) rather than through the kernel's file events: a fixture folder holds a
//! handful of files, this costs nothing, and it behaves the same on every file system,
//! network and container mounts included. A change is loaded once the folder looks the same
//! twice in a row, so an editor's save in several writes is read whole.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use freshmock::{AppState, FixtureSet};

/// How often the folder is looked at.
const POLL: Duration = Duration::from_millis(250);

/// What the folder looks like: its JSON files' names, sizes and modification times.
type Signature = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn signature(dir: &Path) -> Signature {
    let mut files: Signature = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    files.sort();
    files
}

/// Watches `dir` on a thread of its own for as long as the process lives.
pub fn fixtures(
    state: AppState,
    dir: PathBuf,
    runtime: tokio::runtime::Handle,
) -> std::io::Result<()> {
    tracing::info!("watching {} for fixture changes", dir.display());
    std::thread::Builder::new()
        .name("freshmock-watch".into())
        .spawn(move || {
            let mut loaded = signature(&dir);
            loop {
                std::thread::sleep(POLL);
                let now = signature(&dir);
                if now == loaded {
                    continue;
                }
                std::thread::sleep(POLL);
                if signature(&dir) != now {
                    // Still being written: look again next round.
                    continue;
                }
                loaded = now;
                match FixtureSet::from_dir(&dir) {
                    Ok(set) => match runtime.block_on(state.load_fixtures(set)) {
                        Ok(articles) => tracing::info!(
                            "fixtures reloaded from {}: {articles} articles",
                            dir.display()
                        ),
                        Err(refused) => state.fixtures_refused(refused.to_string()),
                    },
                    Err(err) => state.fixtures_refused(err.to_string()),
                }
            }
        })
        .map(drop)
}
