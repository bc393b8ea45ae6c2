#!/usr/bin/env bash
# freshmock from a shell script with curl: start on a free port, wait for a ticket that is
# posted afterwards (the server answers as soon as it exists), count requests since a cursor,
# inject a fault, reset. scripts/kits.sh runs it; the README's curl recipe is taken from it.
#
# Usage: examples/curl/session.sh [path/to/freshmock]   (default: freshmock on PATH)
set -euo pipefail
BIN="${1:-${FRESHMOCK_BIN:-freshmock}}"
OUT="$(mktemp)"
fail() { echo "session.sh: $*" >&2; cat "$OUT.err" >&2; exit 1; }

"$BIN" --port 0 > "$OUT" 2> "$OUT.err" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$OUT" "$OUT.err"' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$OUT" && break; sleep 0.05; done
FM=$(sed -n 's/^freshmock listening on \(http:[^ ]*\).*/\1/p' "$OUT" | head -1)
[ -n "$FM" ] || fail "freshmock did not start"
until curl -fs "$FM/_freshmock/health" | grep -q '"status":"ready"'; do sleep 0.05; done
W=(-H 'X-Widget-Id: 12000000025' -H 'X-Client-Id: shell')

# A wait started before the ticket exists answers once it does (or 408 after 5 s).
curl -fs "$FM/_freshmock/tickets?email=nora@example.com&wait=5s" > "$OUT.ticket" &
WAITER=$!
sleep 0.3
curl -fs -X POST "$FM/api/widget/tickets" "${W[@]}" -H 'Content-Type: application/json' \
  -d '{"email":"nora@example.com","description":"It broke","g-recaptcha-response":"ok"}' >/dev/null
wait $WAITER || fail "the wait for the ticket failed"
grep -q '"email":"nora@example.com"' "$OUT.ticket" || fail "the wait did not return the ticket: $(cat "$OUT.ticket")"
rm -f "$OUT.ticket"

# Nothing more within 200 ms: 408 wait_timeout, with what was seen.
status=$(curl -s -o /dev/null -w '%{http_code}' "$FM/_freshmock/tickets?wait=200ms&count=2")
[ "$status" = 408 ] || fail "a wait for 2 tickets answered $status, not 408"

# A token for Alice, and the request log since a cursor.
TOKEN=$(curl -fs -X POST "$FM/_freshmock/tokens" -H 'Content-Type: application/json' \
  -d '{"email":"alice@globex.test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
LAST=$(curl -fs "$FM/_freshmock/requests?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][-1]["id"])')
curl -fs "$FM/api/widget/search/solutions?term=password" "${W[@]}" -H "X-Widget-Auth: $TOKEN" | grep -q 1401 \
  || fail "Alice does not find article 1401"
[ "$(curl -fs "$FM/_freshmock/requests/count?since=$LAST&route=widget.search")" = '{"count":1}' ] \
  || fail "the count since the cursor is not 1"
curl -fs "$FM/_freshmock/requests?since=$LAST&route=widget.search&wait=5s" | grep -q '"query":"term=password"' \
  || fail "the wait since the cursor did not return the search"

# A fault on search, then a reset (faults stay until cleared).
curl -fs -X POST "$FM/_freshmock/faults" -H 'Content-Type: application/json' \
  -d '{"path":"/api/widget/search/*","status":503,"times":1}' >/dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' "$FM/api/widget/search/solutions?term=password" "${W[@]}")
[ "$status" = 503 ] || fail "the faulted search answered $status"
curl -fs -X POST "$FM/_freshmock/reset" >/dev/null
[ "$(curl -fs "$FM/_freshmock/tickets")" = '[]' ] || fail "tickets survived the reset"
echo "session.sh: 1 passed, 0 failed"
