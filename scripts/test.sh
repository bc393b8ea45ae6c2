#!/usr/bin/env bash
# Runs every freshmock test (unit, integration over real HTTP, property, browser, doc tests, the
# manual's examples and links, the test kits) and builds the manual.
# It installs what the tests need and fails, rather than skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: '$1' is required but not installed" >&2; exit 1; }
}
need_cmd cargo

# The browser tests (tests/browser/, tests/dashboard/) drive Debian's Chromium through
# chromedriver; the manual's examples (tests/api/docs/) pipe answers through jq.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} for the browser tests and the manual's examples" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: ${missing[*]} missing, and installing needs root:" >&2
    echo "         apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  need_cmd apt-get
  apt-get update || { echo "test.sh: apt-get update failed" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" \
    || { echo "test.sh: could not install ${missing[*]}" >&2; exit 1; }
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && command -v jq >/dev/null 2>&1 \
    || { echo "test.sh: chromium, chromedriver or jq still missing after apt-get install" >&2; exit 1; }
fi

cargo test --locked --all-targets
cargo test --locked --doc
# The manual builds as a book (docs/ → target/book/) with a pinned mdBook, installed once into
# target/tools (a minute on a fresh clone; nothing after): its links, includes and examples are
# checked by tests/api/docs.rs above, this checks mdBook reads every page.
MDBOOK_VERSION=0.4.52
TOOLS="${CARGO_TARGET_DIR:-target}/tools"
if [ "$("$TOOLS/bin/mdbook" --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]; then
  cargo install mdbook --version "$MDBOOK_VERSION" --locked --no-default-features --root "$TOOLS"
fi
"$TOOLS/bin/mdbook" build docs
# Generated requests against both OpenAPI documents: no 5xx, every answer as documented.
scripts/schemathesis.sh
# The test kits (TypeScript with Playwright, pytest, curl) against the binary just built.
scripts/kits.sh "${CARGO_TARGET_DIR:-target}/debug/freshmock"
# A second, independently written Freshdesk client (python-freshdesk from PyPI) over the agent API.
scripts/python-freshdesk.sh "${CARGO_TARGET_DIR:-target}/debug/freshmock"
