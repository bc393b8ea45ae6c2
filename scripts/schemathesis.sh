#!/usr/bin/env bash
# Schemathesis with every check (`[checks] enabled = true` below) against freshmock's two
# OpenAPI documents, the control plane's (/_freshmock/openapi.json) and the widget API's
# (/_freshmock/openapi/widget.json): no 5xx; every answer with a documented status, content
# type, headers and body shape; every schema-valid request accepted and every
# schema-violating one refused; authentication enforced where it is declared; 405s with
# `Allow`. Bounded: a fixed number of examples per operation and a fixed seed, so a run is
# repeatable (set SCHEMATHESIS_EXAMPLES / SCHEMATHESIS_SEED to explore).
#
# The few checks an operation cannot pass are turned off for that operation alone in the
# configuration below, each with its reason: what the server checks there depends on the
# server's data or state, which a schema cannot say.
#
# It makes its own virtual environment (target/schemathesis-venv, from PyPI) and fails,
# rather than skips, when it cannot.
#
# Usage: scripts/schemathesis.sh [path/to/freshmock]   (default: target/debug/freshmock)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="4.32.5"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-20}"
SEED="${SCHEMATHESIS_SEED:-1}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${1:-$TARGET/debug/freshmock}"
VENV="$TARGET/schemathesis-venv"

[ -x "$BIN" ] || cargo build --locked --bin freshmock
if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version | grep -q "$VERSION"; then
  echo "schemathesis.sh: installing schemathesis $VERSION in $VENV" >&2
  python3 -m venv "$VENV" || { echo "schemathesis.sh: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install --quiet "schemathesis==$VERSION" \
    || { echo "schemathesis.sh: could not install schemathesis from PyPI" >&2; exit 1; }
fi

WORK="$(mktemp -d)"
VENV_ABS="$(cd "$VENV" && pwd)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts a server on a free port and sets ADDRESS to its address. Each run gets a server of
# its own: the control plane's run resets, rotates, moves the clock and injects faults. Not
# called as $(start ...): in a subshell the PID would never reach the cleanup above.
start() {
  local name="$1"
  shift
  FRESHMOCK_LOG=warn "$BIN" --port 0 --now 2026-01-01T00:00:00Z "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PIDS+=("$!")
  for _ in $(seq 1 200); do
    if grep -q "listening on" "$WORK/$name.out" 2>/dev/null; then
      ADDRESS="$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$WORK/$name.out" | head -1)"
      return
    fi
    sleep 0.05
  done
  echo "schemathesis.sh: freshmock did not start" >&2
  cat "$WORK/$name.err" >&2
  exit 1
}

# The configuration: every check, and the exceptions, each with its reason.
cat >"$WORK/schemathesis.toml" <<'TOML'
[checks]
enabled = true

# Waits: schemathesis's own calls are neither logged nor tickets, so a wait would last its
# whole time; wait=0 answers at once (a 408 wait_timeout when count entries did not match).
[[operations]]
include-path-regex = "^/_freshmock/(requests|tickets|votes)$"
include-method = "GET"
parameters = { "query.wait" = "0" }
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 408, 409, 429]

# Votes need article or email: OpenAPI 3.0 cannot require one of two query parameters.
[[operations]]
include-path = "/_freshmock/votes"
include-method = "GET"
checks.positive_data_acceptance.enabled = false

# A fixture set must hold together (a folder's category exists), a state must come from the
# fixtures loaded, and the clock must stay within 1970-9999 wherever it stands: data, not schema.
[[operations]]
include-path-regex = "^/_freshmock/(fixtures|state|clock/advance)$"
exclude-method = "GET"
checks.positive_data_acceptance.enabled = false

# The widget calls past the header checks: the bundled account's active widget.
[[operations]]
include-path-regex = "^/api/widget/"
parameters = { "header.X-Widget-Id" = "12000000025" }

# A widget ticket's attachment_ids must name drafts this client uploaded: state, not schema.
[[operations]]
include-path = "/api/widget/tickets"
checks.positive_data_acceptance.enabled = false

# The agent API's writes: ids must name existing agents, portals, companies and segments,
# tickets and contacts need one of several fields (Freshdesk's rules, in prose), and a contact
# is soft-deleted before it is forgotten without force: data and state, not schema.
[[operations]]
include-path-regex = "^/api/v2/(solutions/|contacts|companies|tickets)"
include-method = ["POST", "PUT", "DELETE"]
checks.positive_data_acceptance.enabled = false
TOML

run() {
  local label="$1"
  shift
  echo "schemathesis.sh: $label" >&2
  # In the scratch folder: schemathesis and hypothesis keep caches in the current one.
  (cd "$WORK" && "$VENV_ABS/bin/schemathesis" --config-file "$WORK/schemathesis.toml" run \
    --seed "$SEED" --phases examples,coverage,fuzzing --no-color "$@")
}

start control
CONTROL="$ADDRESS"
run "control plane, $EXAMPLES examples per operation" \
  "$CONTROL/_freshmock/openapi.json" -n "$EXAMPLES" --exclude-path-regex '/events$|/widget/sync$'
# The two event streams never end: a few examples each, read for two seconds.
run "control plane's event streams" \
  "$CONTROL/_freshmock/openapi.json" -n 5 --request-timeout 2 --include-path-regex '/events$|/widget/sync$'

start widget --no-captcha
WIDGET="$ADDRESS"
run "widget API, $EXAMPLES examples per operation" \
  "$WIDGET/_freshmock/openapi/widget.json" -n "$EXAMPLES" --include-path-regex '^/api/widget/'

# The agent API past its authentication: the demo admin's key (every role privilege).
start agent
AGENT="$ADDRESS"
run "agent API as the demo admin, $EXAMPLES examples per operation" \
  "$AGENT/_freshmock/openapi/widget.json" -n "$EXAMPLES" --include-path-regex '^/api/(v2|_)/' \
  -H "Authorization: Basic $(printf 'adminkey0000000000000000000000001:X' | base64)"

# Every server must still be alive: a crash is a failure even if each answer looked right.
for pid in "${PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "schemathesis.sh: a freshmock server died during the run" >&2; exit 1; }
done
echo "schemathesis.sh: every check passed against both documents" >&2
