//! One long-lived thread for a kind of heavy work that comes again and again: replacing the
//! fixture set (parsing, validating and indexing it, at the index's lower priority, so a
//! replacement never takes a core from the requests served meanwhile), or the agent API's
//! edits of the catalog. Jobs run one at a time, in order.
//!
//! One thread rather than the blocking pool because of memory: glibc gives each thread
//! that allocates its own arena and keeps what is freed there. Fixture sets replaced on a
//! dozen pool threads left a dozen arenas each holding a set's worth (a 10-minute soak
//! plateaued at ~185 MB); on one thread they reuse the same memory. Edits the same: at
//! 100,000 articles, 20 publishes on the pool grew the server by 35–50 MB of freed memory
//! kept in the pool threads' arenas (1.9 MB with a single arena).
//!
//! What an edit leaves after that is the arena of the indexing thread tantivy starts for
//! each commit (~15 MB once, not per edit); the binary serves a fixture folder with one
//! arena so that it is reused (see `MALLOC_TUNABLES` in `src/bin/freshmock/main.rs`, with
//! the figures).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;

use crate::state::indexer::INDEX_NICENESS;

type Job = Box<dyn FnOnce() + Send>;

/// The thread, started on first use.
#[derive(Debug)]
pub struct Loader {
    jobs: Mutex<Option<Sender<Job>>>,
    name: &'static str,
    /// The thread's niceness, if lower than the server's.
    niceness: Option<i32>,
}

impl Loader {
    /// The fixture loader: at the index's lower priority.
    pub fn fixtures() -> Loader {
        Loader {
            jobs: Mutex::new(None),
            name: "freshmock-loader",
            niceness: Some(INDEX_NICENESS),
        }
    }

    /// The catalog's editor: at the server's own priority (an edit's caller waits for it).
    pub fn edits() -> Loader {
        Loader {
            jobs: Mutex::new(None),
            name: "freshmock-editor",
            niceness: None,
        }
    }
}

/// The job panicked: a bug, reported as a server fault.
#[derive(Debug)]
pub struct JobPanicked;

impl Loader {
    /// Runs `work` on the loader thread after the jobs before it, and returns its result.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, JobPanicked> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.submit(Box::new(move || {
            let _ = done.send(work());
        }));
        result.await.map_err(|_| JobPanicked)
    }

    fn submit(&self, job: Job) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        let job = match jobs.as_ref() {
            Some(sender) => match sender.send(job) {
                Ok(()) => return,
                // The thread is gone: start another for this job.
                Err(returned) => returned.0,
            },
            None => job,
        };
        let (sender, receiver) = channel::<Job>();
        let niceness = self.niceness;
        let spawned = std::thread::Builder::new()
            .name(self.name.into())
            .spawn(move || {
                if let Some(niceness) = niceness {
                    let _ = rustix::process::setpriority_process(None, niceness);
                }
                for job in receiver {
                    // A panicking job drops its answer channel, which its caller sees; the
                    // thread goes on with the next.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                }
            });
        match spawned {
            Ok(_) => {
                let _ = sender.send(job);
                *jobs = Some(sender);
            }
            // No thread to spare: run it here.
            Err(_) => {
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
        }
    }
}
