//! What the import says while it works, on standard error: a progress bar on a terminal,
//! plain lines (a phase, then every tenth of the articles) in a log or a CI job, where a
//! bar's redraws would be noise. Never the API key: nothing here is given it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The prefix of every plain line.
const PREFIX: &str = "freshmock import";

pub struct Progress {
    bar: Option<ProgressBar>,
    done: AtomicU64,
    total: AtomicU64,
    /// The last tenth reported in plain mode.
    reported: Mutex<u64>,
    quiet: bool,
}

impl Progress {
    /// A bar when standard error is a terminal, plain lines otherwise; nothing but
    /// warnings when `quiet`.
    pub fn new(quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg:24} [{bar:32}] {pos}/{len} articles ({eta} left)",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            reported: Mutex::new(0),
            quiet,
        }
    }

    /// A new phase of the import ("reading companies").
    pub fn phase(&self, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(what.to_owned()),
            None if !self.quiet => line(what),
            None => {}
        }
    }

    /// Something worth knowing that is not a failure: a wait, a retry, a skipped record.
    pub fn note(&self, what: &str) {
        match &self.bar {
            Some(bar) => bar.println(format!("{PREFIX}: {what}")),
            None => line(what),
        }
    }

    /// More articles to read (their folders' `articles_count`).
    pub fn add_total(&self, articles: u64) {
        let total = self.total.fetch_add(articles, Ordering::Relaxed) + articles;
        if let Some(bar) = &self.bar {
            bar.set_length(total);
        }
    }

    /// Articles read.
    pub fn advance(&self, articles: u64) {
        let done = self.done.fetch_add(articles, Ordering::Relaxed) + articles;
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        if self.quiet {
            return;
        }
        let total = self.total.load(Ordering::Relaxed).max(done).max(1);
        let tenth = done * 10 / total;
        let mut reported = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        if tenth > *reported {
            *reported = tenth;
            line(&format!("articles: {done} of {total}"));
        }
    }

    /// The bar goes away before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn line(what: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{PREFIX}: {what}");
}
