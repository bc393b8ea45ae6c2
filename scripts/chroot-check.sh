#!/usr/bin/env bash
# Proves that a root file system holding the freshmock binary serves on its own: runs the
# server with `chroot ROOT` and nothing else (no shared libraries, no /etc, an empty
# environment but the given variables), then from inside the same root runs the health
# command (exit 0 wanted), asks a widget search from outside (the demo account's anonymous
# search for "password" answers article 1101), uploads an attachment (it is spooled to
# /tmp: skipped with --no-tmp), stops the server and runs the health command again
# (exit 1 and its reason wanted).
#
#   scripts/chroot-check.sh [--user UID:GID] [--env NAME=VALUE]... [--health 'CMD ARGS']
#                           [--no-tmp] ROOT -- COMMAND [ARGS]...
#
# The server gets FRESHMOCK_PORT=0 and the port it prints is given to the health command
# as FRESHMOCK_PORT. Used by scripts/dist.sh (an empty root with only the binary) and
# scripts/image-check.sh (the image's exported file system). Needs root (chroot) and curl.
set -euo pipefail

USERSPEC=65532:65532
ENVS=()
HEALTH="/freshmock health"
TMP_CHECK=1
while [ $# -gt 0 ]; do
  case "$1" in
    --user) USERSPEC=$2; shift 2 ;;
    --env) ENVS+=("$2"); shift 2 ;;
    --health) HEALTH=$2; shift 2 ;;
    --no-tmp) TMP_CHECK=0; shift ;;
    --) shift; break ;;
    -*) echo "chroot-check.sh: unknown option $1" >&2; exit 2 ;;
    *) ROOT=$1; shift ;;
  esac
done
: "${ROOT:?chroot-check.sh: give the root folder}"
[ $# -gt 0 ] || { echo "chroot-check.sh: give the server command after --" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "chroot-check.sh: chroot needs root" >&2; exit 1; }
command -v curl >/dev/null || { echo "chroot-check.sh: curl is required" >&2; exit 1; }
CHROOT=$(command -v chroot) || { echo "chroot-check.sh: chroot is required" >&2; exit 1; }

WIDGET=12000000025
LOG=$(mktemp -t freshmock-chroot.XXXXXX)
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT
# Runs a command inside ROOT as the user, with only the given environment.
inside() { # extra NAME=VALUE..., then -- command
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done
  shift
  env -i "${ENVS[@]}" "${extra[@]}" "$CHROOT" --userspec="$USERSPEC" "$ROOT" "$@"
}
fail() { echo "chroot-check: FAIL: $*" >&2; sed 's/^/  server: /' "$LOG" >&2; exit 1; }

echo "chroot-check: root $ROOT holds: $(cd "$ROOT" && find . -mindepth 1 -maxdepth 1 | sed 's|^\./||' | sort | tr '\n' ' ')"
# A plain command in the background, so that $! is the server itself (env and chroot exec).
env -i "${ENVS[@]}" FRESHMOCK_PORT=0 "$CHROOT" --userspec="$USERSPEC" "$ROOT" "$@" >"$LOG" 2>&1 &
SERVER=$!
ADDR=""
for _ in $(seq 1 200); do
  ADDR=$(grep -o 'listening on http://[^ ]*' "$LOG" | head -1 | sed 's|.*http://||' || true)
  [ -n "$ADDR" ] && break
  kill -0 "$SERVER" 2>/dev/null || fail "the server stopped before listening"
  sleep 0.05
done
[ -n "$ADDR" ] || fail "the server printed no address"
PORT=${ADDR##*:}
echo "chroot-check: serving on $ADDR as $USERSPEC: $*"

# The health command may run before the index is built: retry for a few seconds, as a
# HEALTHCHECK's retries would.
read -r -a health_cmd <<<"$HEALTH"
ok=0
for _ in $(seq 1 50); do
  if out=$(inside FRESHMOCK_PORT="$PORT" -- "${health_cmd[@]}" 2>&1); then ok=1; break; fi
  sleep 0.1
done
[ "$ok" = 1 ] || fail "'$HEALTH' against the running server: $out"
echo "chroot-check: '$HEALTH' -> exit 0: $out"

answer=$(curl -sS "http://127.0.0.1:$PORT/api/widget/search/solutions?term=password" \
  -H "X-Widget-Id: $WIDGET" -H 'X-Client-Id: chroot-check')
case "$answer" in
  '[{"id":1101,'*) echo "chroot-check: widget search 'password' -> article 1101" ;;
  *) fail "widget search answered: $answer" ;;
esac

if [ "$TMP_CHECK" = 1 ]; then
  upload=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/widget/attachments" \
    -H "X-Widget-Id: $WIDGET" -H 'X-Client-Id: chroot-check' -F "content=@$0;filename=check.sh")
  [ "$upload" = 200 ] || fail "attachment upload answered $upload"
  echo "chroot-check: attachment upload (spooled to /tmp) -> 200"
fi

kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
SERVER=""
if out=$(inside FRESHMOCK_PORT="$PORT" -- "${health_cmd[@]}" 2>&1); then
  fail "'$HEALTH' succeeded against a stopped server: $out"
fi
echo "chroot-check: '$HEALTH' after stop -> exit 1: $out"
echo "chroot-check: PASS"
