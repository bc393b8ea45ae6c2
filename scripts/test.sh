#!/usr/bin/env bash
# Runs every freshmock test: unit, integration (real HTTP), property, browser and doc tests.
# It installs what the tests need and fails, rather than skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: '$1' is required but not installed" >&2; exit 1; }
}
need_cmd cargo

# The dashboard's browser tests (tests/dashboard/) drive Debian's Chromium over WebDriver.
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
  else
    echo "test.sh: Chromium and ChromeDriver are required: apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi

cargo test --locked --all-targets
cargo test --locked --doc
