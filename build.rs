//! Records the git commit the binary is built from, for `freshmock --version`.
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
