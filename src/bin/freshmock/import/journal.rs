//! `--resume`: what an import has read so far, kept in the out folder as it goes.
//!
//! The journal is a JSON-lines file, [`FILE`]: a header naming the source, then one line
//! per finished step (a page of articles with their translations, the companies ...), each
//! flushed as soon as the step is done. An import stopped by a failure, Ctrl-C or a crash
//! leaves it behind; `--resume` reads it and asks the source only for the steps it lacks.
//! A line cut short by the interruption is dropped. It holds what the API answered and the
//! source's address, never the API key. A finished import removes it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The journal's name in the out folder.
pub const FILE: &str = ".freshmock-import.jsonl";

/// The journal's format; a journal of another version is not resumed.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    freshmock_import: u32,
    /// Where the import reads from (`https://acme.freshdesk.com`).
    source: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    value: Value,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    done: Mutex<HashMap<String, Value>>,
}

/// Why a journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the import's journal {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is the journal of an import from {found}, not from {wanted}: resume with that source, or start over with --force")]
    OtherSource {
        path: String,
        found: String,
        wanted: String,
    },
    #[error("{path} is not a journal this freshmock can resume: start over with --force")]
    Unreadable { path: String },
}

impl Journal {
    /// Whether `dir` holds an unfinished import.
    pub fn exists(dir: &Path) -> bool {
        dir.join(FILE).is_file()
    }

    /// A new journal for an import from `source` (replacing any old one).
    pub fn start(dir: &Path, source: &str) -> Result<Journal, JournalError> {
        let path = dir.join(FILE);
        let io = |source| JournalError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut file = File::create(&path).map_err(io)?;
        let header = Header {
            freshmock_import: VERSION,
            source: source.to_owned(),
        };
        let mut line = serde_json::to_vec(&header).expect("a header serialises");
        line.push(b'\n');
        file.write_all(&line).map_err(io)?;
        Ok(Journal {
            path,
            file: Mutex::new(file),
            done: Mutex::new(HashMap::new()),
        })
    }

    /// The journal an interrupted import from `source` left in `dir`, its steps loaded;
    /// a last line cut short is cut off.
    pub fn resume(dir: &Path, source: &str) -> Result<Journal, JournalError> {
        let path = dir.join(FILE);
        let shown = path.display().to_string();
        let io = |source| JournalError::Io {
            path: shown.clone(),
            source,
        };
        let mut reader = BufReader::new(File::open(&path).map_err(io)?);
        let mut line = String::new();
        reader.read_line(&mut line).map_err(io)?;
        let header: Header = serde_json::from_str(&line).map_err(|_| JournalError::Unreadable {
            path: shown.clone(),
        })?;
        if header.freshmock_import != VERSION {
            return Err(JournalError::Unreadable { path: shown });
        }
        if header.source != source {
            return Err(JournalError::OtherSource {
                path: shown,
                found: header.source,
                wanted: source.to_owned(),
            });
        }
        let mut good = line.len() as u64;
        let mut done = HashMap::new();
        loop {
            line.clear();
            let read = reader.read_line(&mut line).map_err(io)?;
            if read == 0 || !line.ends_with('\n') {
                break;
            }
            match serde_json::from_str::<Entry>(&line) {
                Ok(entry) => {
                    done.insert(entry.key, entry.value);
                    good += read as u64;
                }
                Err(_) => break,
            }
        }
        let file = OpenOptions::new().write(true).open(&path).map_err(io)?;
        file.set_len(good).map_err(io)?;
        let mut file = file;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(io)?;
        Ok(Journal {
            path,
            file: Mutex::new(file),
            done: Mutex::new(done),
        })
    }

    /// How many steps were read back.
    pub fn steps(&self) -> usize {
        self.lock_done().len()
    }

    fn lock_done(&self) -> std::sync::MutexGuard<'_, HashMap<String, Value>> {
        self.done.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A finished step's result, when an earlier run got that far.
    pub fn take<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.lock_done().remove(key)?;
        serde_json::from_value(value).ok()
    }

    /// Keeps a finished step, flushed before returning.
    pub fn record<T: Serialize>(&self, key: &str, value: &T) -> Result<(), JournalError> {
        let entry = Entry {
            key: key.to_owned(),
            value: serde_json::to_value(value).expect("read data serialises"),
        };
        let mut line = serde_json::to_vec(&entry).expect("an entry serialises");
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(&line)
            .and_then(|()| file.flush())
            .map_err(|source| JournalError::Io {
                path: self.path.display().to_string(),
                source,
            })
    }

    /// The import is written: the journal has done its work.
    pub fn finish(self) -> std::io::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("freshmock-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_resumed_journal_has_the_steps_and_drops_a_line_cut_short() {
        let dir = dir("resume");
        let journal = Journal::start(&dir, "https://acme.freshdesk.com").unwrap();
        journal.record("a", &vec![1, 2]).unwrap();
        journal.record("b", &"two").unwrap();
        drop(journal);
        let path = dir.join(FILE);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"key\":\"c\",\"val");
        std::fs::write(&path, text).unwrap();

        let journal = Journal::resume(&dir, "https://acme.freshdesk.com").unwrap();
        assert_eq!(journal.steps(), 2);
        assert_eq!(journal.take::<Vec<u32>>("a"), Some(vec![1, 2]));
        journal.record("c", &3).unwrap();
        drop(journal);
        let again = Journal::resume(&dir, "https://acme.freshdesk.com").unwrap();
        assert_eq!(again.take::<u32>("c"), Some(3));
        assert_eq!(again.take::<String>("b"), Some("two".into()));
        again.finish().unwrap();
        assert!(!Journal::exists(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_journal_of_another_source_is_not_resumed() {
        let dir = dir("other");
        drop(Journal::start(&dir, "https://acme.freshdesk.com").unwrap());
        let err = Journal::resume(&dir, "https://globex.freshdesk.com").unwrap_err();
        assert!(matches!(err, JournalError::OtherSource { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
