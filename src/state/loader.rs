//! One long-lived thread for the rare, heavy work of replacing the fixture set: parsing,
//! validating and indexing it. Jobs run one at a time, in order, at the index's lower
//! priority, so a replacement never takes a core from the requests served meanwhile.
//!
//! One thread rather than the blocking pool because of memory: glibc gives each thread
//! that allocates its own arena and keeps what is freed there. Fixture sets replaced on a
//! dozen pool threads left a dozen arenas each holding a set's worth (a 10-minute soak
//! plateaued at ~185 MB); on one thread they reuse the same memory.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;

use crate::state::indexer::INDEX_NICENESS;

type Job = Box<dyn FnOnce() + Send>;

/// The thread, started on first use.
#[derive(Debug, Default)]
pub struct Loader {
    jobs: Mutex<Option<Sender<Job>>>,
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
        let spawned = std::thread::Builder::new()
            .name("freshmock-loader".into())
            .spawn(move || {
                let _ = rustix::process::setpriority_process(None, INDEX_NICENESS);
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
