#!/usr/bin/env bash
# Runs every freshmock test: unit, integration (real HTTP), property and doc tests.
# It installs what the tests need and fails, rather than skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: '$1' is required but not installed" >&2; exit 1; }
}
need_cmd cargo

cargo test --locked --all-targets
cargo test --locked --doc
