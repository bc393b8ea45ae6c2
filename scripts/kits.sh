#!/usr/bin/env bash
# Runs the test kits' suites against a freshmock binary: the curl recipe
# (examples/curl/session.sh), the TypeScript client's (node --test and tsc), the example
# Playwright suites (two workers with a server each, then one webServer; Debian's Chromium) and
# the Python client's with its pytest plugin (pytest -n 2), and the npm freshdesk-api client
# against the agent API (examples/freshdesk-api). Installs only into local folders:
# clients/typescript/node_modules, examples/playwright/node_modules,
# examples/freshdesk-api/node_modules (npm, from the lock files) and clients/python/.venv (pip). Fails, rather than skips, when something is missing.
#
# Usage: scripts/kits.sh [path/to/freshmock]   (default: target/release/freshmock, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${1:-$TARGET/release/freshmock}"
CHROMIUM="${FRESHMOCK_CHROMIUM:-/usr/bin/chromium}"

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "kits.sh: '$1' is required but not installed" >&2; exit 1; }
}
need_cmd node
need_cmd npm
need_cmd python3
[ -x "$CHROMIUM" ] || { echo "kits.sh: $CHROMIUM is missing (apt-get install chromium, or set FRESHMOCK_CHROMIUM)" >&2; exit 1; }

if [ ! -x "$BIN" ]; then
  if [ -n "${1:-}" ]; then echo "kits.sh: $BIN is not an executable freshmock" >&2; exit 1; fi
  echo "kits.sh: building $BIN" >&2
  cargo build --release --locked --bin freshmock
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
export FRESHMOCK_BIN="$BIN"
export FRESHMOCK_CHROMIUM="$CHROMIUM"
export FRESHMOCK_LOG="${FRESHMOCK_LOG:-warn}"
# Playwright must never download a browser here: the suite uses Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

npm_install() {
  # `npm ci` gives exactly the lock file; it is skipped when node_modules already matches it.
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.kits-lock"; then
    echo "kits.sh: npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "kits.sh: npm ci failed in $dir" >&2; exit 1; }
    cp "$dir/package-lock.json" "$dir/node_modules/.kits-lock"
  fi
}
npm_install clients/typescript
npm_install examples/playwright
npm_install examples/freshdesk-api

VENV="$ROOT/clients/python/.venv"
if [ ! -x "$VENV/bin/pytest" ] || ! cmp -s clients/python/pyproject.toml "$VENV/.kits-pyproject"; then
  echo "kits.sh: installing the Python client and its test tools in $VENV" >&2
  python3 -m venv "$VENV" || { echo "kits.sh: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install --quiet -e 'clients/python[test]' || { echo "kits.sh: pip install failed" >&2; exit 1; }
  cp clients/python/pyproject.toml "$VENV/.kits-pyproject"
fi

echo "kits.sh: curl recipe (against $BIN)" >&2
examples/curl/session.sh "$BIN"

echo "kits.sh: TypeScript client" >&2
(cd clients/typescript && npx tsc -p tsconfig.json && node --test test/)

echo "kits.sh: Playwright example, two workers" >&2
(cd examples/playwright && npx tsc -p tsconfig.json && npx playwright test)

echo "kits.sh: Playwright with one shared server started by webServer" >&2
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd examples/playwright && CI=1 FRESHMOCK_PORT="$PORT" npx playwright test -c webserver.config.ts)

echo "kits.sh: the npm freshdesk-api client against the agent API" >&2
(cd examples/freshdesk-api && node --test test/)

echo "kits.sh: Python client and pytest plugin, two xdist workers" >&2
(cd clients/python && "$VENV/bin/pytest" -q -n 2 -p no:cacheprovider)
