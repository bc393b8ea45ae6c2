#!/usr/bin/env bash
# Runs the PyPI python-freshdesk client (examples/python-freshdesk) against a freshmock
# binary: a second, independently written Freshdesk API v2 client next to the npm
# freshdesk-api kit, over the same scenarios. Installs python-freshdesk (pinned) into a
# virtual environment under the target folder, starts freshmock on a free port of 127.0.0.1,
# runs the suite (unittest) and stops the server, whatever the outcome. Fails, rather than
# skips, when something is missing.
#
# Usage: scripts/python-freshdesk.sh [path/to/freshmock]   (default: target/debug/freshmock, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="1.3.9"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${1:-$TARGET/debug/freshmock}"
VENV="$TARGET/python-freshdesk-venv"

command -v python3 >/dev/null 2>&1 || { echo "python-freshdesk.sh: python3 is required" >&2; exit 1; }
if [ ! -x "$BIN" ]; then
  if [ -n "${1:-}" ]; then echo "python-freshdesk.sh: $BIN is not an executable freshmock" >&2; exit 1; fi
  echo "python-freshdesk.sh: building $BIN" >&2
  cargo build --locked --bin freshmock
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('python-freshdesk') != '$VERSION')" 2>/dev/null; then
  echo "python-freshdesk.sh: installing python-freshdesk $VERSION in $VENV" >&2
  python3 -m venv "$VENV" || { echo "python-freshdesk.sh: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install --quiet "python-freshdesk==$VERSION" \
    || { echo "python-freshdesk.sh: could not install python-freshdesk from PyPI" >&2; exit 1; }
fi

LOG="$(mktemp)"
SERVER=""
stop() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -f "$LOG"
}
trap stop EXIT

FRESHMOCK_LOG="${FRESHMOCK_LOG:-warn}" "$BIN" --host 127.0.0.1 --port 0 >"$LOG" 2>&1 &
SERVER=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's/.*freshmock listening on \(http:[^ ]*\).*/\1/p' "$LOG" | head -n 1)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "python-freshdesk.sh: freshmock did not start:" >&2
  cat "$LOG" >&2
  exit 1
fi

echo "python-freshdesk.sh: python-freshdesk $VERSION against $BIN at $URL" >&2
FRESHMOCK_URL="$URL" "$VENV/bin/python" -m unittest discover -s examples/python-freshdesk -p 'test_*.py' -v
