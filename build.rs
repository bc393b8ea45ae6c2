//! Records the git commit the binary is built from, for `freshmock --version`, and what
//! the search index is made by (see [`index_identity`]).
//!
//! The commit comes from `FRESHMOCK_BUILD_COMMIT` when set (a build from a source archive
//! can say where it came from), else from `git rev-parse` when the crate is a git checkout
//! of its own, else it is "unknown" (a crate unpacked from a registry, or no git).
//!
//! Cargo runs this script again when HEAD moves (a commit, a checkout): it watches HEAD,
//! the branch HEAD names and `packed-refs`, not the working tree. A commit therefore
//! rebuilds the crate once, at the next build (which an edit would have caused anyway);
//! editing files between commits reruns nothing here. The price: the commit says which
//! commit the build started from, not whether the tree had uncommitted changes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=FRESHMOCK_BUILD_COMMIT");
    let commit = std::env::var("FRESHMOCK_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=FRESHMOCK_COMMIT={}", commit.trim());
    index_identity();
    fixed_address();
}

/// Links the `freshmock` binary at a fixed address (not position-independent) when it links
/// against a shared C library: nothing then has to be relocated when it starts. As a PIE,
/// the dynamic loader wrote 56,886 pointers into 1 MB of tables (vtables, string tables) at
/// every start, copying each of those 262 pages on write: 290 of a bundled start's 613 page
/// faults, and 1.3 MB of relocation records read (`perf record -e page-faults -d`). The
/// price is that the binary's own code is not moved by address-space randomisation (its
/// libraries, stack and heap still are), which a local test double can afford.
///
/// A static build (`-C target-feature=+crt-static`, `scripts/dist.sh`) is left as the
/// target makes it (static-pie).
fn fixed_address() {
    let static_crt = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .unwrap_or_default()
        .split(',')
        .any(|f| f == "crt-static");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && !static_crt {
        println!("cargo:rustc-link-arg-bin=freshmock=-no-pie");
    }
}

/// The source a search index depends on: `FRESHMOCK_INDEX_IDENTITY` hashes the files
/// that make a language's index from its documents (schema, analysis, stored form) and
/// tantivy's version, and `FRESHMOCK_SOURCE_IDENTITY` every source file (what makes the
/// documents from a fixture set too). A stored index made by other code is never opened:
/// the bundled one is checked against the first, a cache on disk is keyed by the second.
/// Also copies the bundled set's index (`src/domain/search/bundled.index`, made by
/// `cargo test --lib bundled_index -- --ignored`) where the crate includes it from, or
/// an empty file when there is none.
fn index_identity() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let search = manifest.join("src/domain/search");
    let lock = std::fs::read_to_string(manifest.join("Cargo.lock")).unwrap_or_default();
    // The lock file's tantivy entries (name, version, checksum), in order.
    let tantivy: String = lock
        .split("[[package]]")
        .filter(|p| p.contains("name = \"tantivy"))
        .collect();
    let mut index = Fnv::default();
    for name in ["analysis.rs", "documents.rs", "index.rs", "stored.rs"] {
        let path = search.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        index.add(name.as_bytes());
        index.add(&std::fs::read(&path).unwrap_or_default());
    }
    index.add(tantivy.as_bytes());
    println!("cargo:rustc-env=FRESHMOCK_INDEX_IDENTITY={:016x}", index.0);

    let mut source = Fnv::default();
    let mut files = Vec::new();
    list(&manifest.join("src"), &mut files);
    files.sort();
    for file in files {
        source.add(
            file.strip_prefix(&manifest)
                .unwrap_or(&file)
                .to_string_lossy()
                .as_bytes(),
        );
        source.add(&std::fs::read(&file).unwrap_or_default());
    }
    source.add(lock.as_bytes());
    println!("cargo:rerun-if-changed={}", manifest.join("src").display());
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("Cargo.lock").display()
    );
    println!(
        "cargo:rustc-env=FRESHMOCK_SOURCE_IDENTITY={:016x}",
        source.0
    );

    let bundled = search.join("bundled.index");
    println!("cargo:rerun-if-changed={}", bundled.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("bundled.index");
    let packed = std::fs::read(&bundled).unwrap_or_default();
    let _ = std::fs::write(out, packed);
}

/// Every file under `dir`.
fn list(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// FNV-1a, 64 bits: an identity, not a defence (only this script computes it).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The short commit of HEAD, when this crate's own folder is a git checkout (a `.git`
/// folder, or a `.git` file in a worktree), so an unpacked crate inside some other
/// repository does not report that repository's commit.
fn git_commit() -> Option<String> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    if !manifest.join(".git").exists() {
        return None;
    }
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .current_dir(&manifest)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // What moves HEAD: HEAD itself (checkouts; in a worktree it lives in the worktree's
    // git dir), the branch it names and packed-refs (both in the common git dir).
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        watch(&manifest.join(dir).join("HEAD"));
    }
    if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
        let common = manifest.join(common);
        watch(&common.join("packed-refs"));
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch(&common.join(branch));
        }
    }
    Some(commit)
}

/// Watches a file that exists (Cargo would rerun the script on every build for a missing
/// one: a branch whose ref is only in packed-refs, or no packed-refs yet).
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
