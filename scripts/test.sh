#!/usr/bin/env bash
# Runs every freshmock test: unit, integration (real HTTP), property, browser and doc tests.
# It installs what the tests need and fails, rather than skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: '$1' is required but not installed" >&2; exit 1; }
}
need_cmd cargo

# The browser tests (tests/browser/, tests/dashboard/) drive Debian's Chromium through chromedriver.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "test.sh: installing chromium and chromium-driver for the browser tests" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: /usr/bin/chromium or /usr/bin/chromedriver is missing and installing them needs root:" >&2
    echo "         apt-get update && apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
  need_cmd apt-get
  apt-get update || { echo "test.sh: apt-get update failed" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver \
    || { echo "test.sh: could not install chromium and chromium-driver" >&2; exit 1; }
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    || { echo "test.sh: chromium or chromedriver still missing after apt-get install" >&2; exit 1; }
fi

cargo test --locked --all-targets
cargo test --locked --doc
# Generated requests against both OpenAPI documents: no 5xx, every answer as documented.
scripts/schemathesis.sh
# The test kits (TypeScript with Playwright, pytest, curl) against the binary just built.
scripts/kits.sh "${CARGO_TARGET_DIR:-target}/debug/freshmock"
# A second, independently written Freshdesk client (python-freshdesk from PyPI) over the agent API.
scripts/python-freshdesk.sh "${CARGO_TARGET_DIR:-target}/debug/freshmock"
