#!/usr/bin/env bash
# Builds the distributable freshmock: one statically linked x86_64 Linux binary (glibc,
# crt-static), release profile (no debug info), at dist/freshmock, stripped of its symbol
# table: the names go to dist/freshmock.sym beside it, linked by .gnu_debuglink, which gdb
# and perf follow to name a stack's functions. Prints its size and ldd's verdict and fails
# when it is dynamic or over the size limit (MAX_MB); then, as root, proves it serves the
# demo account from an empty chroot holding nothing but the binary (scripts/chroot-check.sh).
#
#   scripts/dist.sh             # build, check size and linking, chroot check (root)
#   scripts/dist.sh --no-chroot # build and check size and linking only
#
# The target is named explicitly so that the flags apply to the binary only: build scripts
# and proc macros are built for the host as usual (they cannot be static). A first build
# takes as long as a release build (it shares nothing with it); later ones are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROOT=1
case "${1:-}" in
  --no-chroot) CHROOT=0 ;;
  "") ;;
  *) echo "dist.sh: unexpected argument '$1'" >&2; exit 2 ;;
esac

TARGET=x86_64-unknown-linux-gnu
MAX_MB=18
echo "dist: building the static binary (release, --target $TARGET, crt-static)" >&2
# Whole-program optimisation for this build only (a slow link, no use for the bench's or the
# tests' builds): 30.6 MB becomes 24.2 before the symbols go, 21.5 MB after; 18.9 MB since
# tokens are signed with hmac alone, the log filter needs no regular expressions and the
# binary is linked at a fixed address; 17.4 MB (18291056 bytes) since tantivy is built
# without zstd and the import's and the command line's crates are optimised for size.
# getrandom (tantivy's uuids, freshmock's secrets) finds the getrandom syscall through a
# dynamic lookup that fails in a static binary, and would fall back to /dev/urandom, which
# an empty root does not have: linux_getrandom calls it directly (glibc 2.25+, Linux 3.17+).
# Linked at a fixed address (relocation-model=static: a static executable, not a static
# PIE), as the dynamic build is (build.rs): no relocation records in the file, and none for
# the loader to apply at every start.
# Optimised for size: the crates that run only for `freshmock import` (its HTTPS client:
# reqwest, rustls, ring, webpki; its progress bar: indicatif, console) and for reading the
# command line (clap), never while serving, searching or editing: 0.5 MB less. Generic
# code takes the level of the crate that instantiates it, so the server's hyper, h2 and tokio
# code (instantiated by hyper-util and freshmock) stays at opt-level 3; only the client's
# instantiations, made in reqwest, shrink.
SMALL="reqwest hyper-rustls tokio-rustls rustls rustls-webpki webpki-roots ring clap_builder clap_lex indicatif console unicode-width"
small=()
for crate in $SMALL; do small+=(--config "profile.release.package.$crate.opt-level=\"s\""); done
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static --cfg getrandom_backend=\"linux_getrandom\"" \
  cargo build "${small[@]}" --release --locked --quiet --target "$TARGET" --bin freshmock
# The image's folders (Containerfile): dist/root/tmp becomes /tmp, dist/empty /data.
mkdir -p dist/empty dist/root/tmp
chmod 1777 dist/root/tmp
BUILT="${CARGO_TARGET_DIR:-target}/$TARGET/release/freshmock"
# The symbol table is a fifth of the file and nothing at run time reads it.
objcopy --only-keep-debug "$BUILT" dist/freshmock.sym
objcopy --strip-all --add-gnu-debuglink=dist/freshmock.sym "$BUILT" dist/freshmock

bytes=$(stat -c %s dist/freshmock)
verdict=$(ldd dist/freshmock 2>&1 || true)
echo "dist/freshmock: $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB (%d bytes)", b / 1048576, b }'), $(dist/freshmock --version)"
echo "ldd: $(echo "$verdict" | sed 's/^[[:space:]]*//' | head -1)"
case "$verdict" in
  *"not a dynamic executable"* | *"statically linked"*) ;;
  *) echo "dist.sh: dist/freshmock is not static:" >&2; echo "$verdict" >&2; exit 1 ;;
esac
[ "$bytes" -le $((MAX_MB * 1024 * 1024)) ] || { echo "dist.sh: dist/freshmock is over $MAX_MB MB" >&2; exit 1; }

[ "$CHROOT" = 1 ] || exit 0
ROOT=$(mktemp -d -t freshmock-dist-root.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
chmod 755 "$ROOT"
cp dist/freshmock "$ROOT/freshmock"
# Nothing but the binary: no /tmp either, so no attachment upload here (the image has one).
scripts/chroot-check.sh --no-tmp "$ROOT" -- /freshmock serve --host localhost
