#!/usr/bin/env bash
# Runs the test kits the way users install them, against a freshmock binary. The TypeScript
# kit is packed (`npm pack`) and the Python kit built as a wheel; both are installed into
# fresh temporary projects (a real copy in node_modules and site-packages: no symlink, no
# `pip install -e`), and the example suites run from there:
#   - examples/app: the Kettle & Co shop with its own login and /widget-token endpoint,
#     Playwright (two workers, a freshmock and a shop process each; `tsc --strict` first,
#     without preserveSymlinks) and pytest (two xdist workers);
#   - examples/playwright: the fake widget on a plain site (two workers, then one server
#     started by Playwright's webServer);
#   - the Python kit's own suite (pytest -n 2), from the wheel;
# and, from this checkout: the curl recipe (examples/curl/session.sh), the TypeScript kit's
# own tests (node --test and tsc) and the npm freshdesk-api client (examples/freshdesk-api).
# Debian's Chromium; nothing downloads a browser. Fails, rather than skips, when something is
# missing. Everything temporary goes at exit.
#
# Usage: scripts/kits.sh [path/to/freshmock]   (default: target/release/freshmock, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${1:-$TARGET/release/freshmock}"
CHROMIUM="${FRESHMOCK_CHROMIUM:-/usr/bin/chromium}"
PLAYWRIGHT_VERSION=1.65.1

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
# Playwright must never download a browser here: the suites use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_audit=false npm_config_fund=false npm_config_loglevel=error npm_config_update_notifier=false

WORK="$(mktemp -d "${TMPDIR:-/tmp}/freshmock-kits.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
step() { echo "kits.sh: $*" >&2; }

npm_ci() {
  # `npm ci` gives exactly the lock file; skipped when node_modules already matches it.
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.kits-lock"; then
    step "npm ci in $dir"
    (cd "$dir" && npm ci) || { echo "kits.sh: npm ci failed in $dir" >&2; exit 1; }
    cp "$dir/package-lock.json" "$dir/node_modules/.kits-lock"
  fi
}

# ---- the packages, as a release would make them ------------------------------------------------
step "npm pack clients/typescript"
TGZ="$WORK/$(cd clients/typescript && npm pack --silent --pack-destination "$WORK" | tail -1)"
[ -f "$TGZ" ] || { echo "kits.sh: npm pack made no tarball" >&2; exit 1; }

step "building the Python wheel"
TOOLS="$ROOT/$TARGET/kits-tools"
if [ ! -x "$TOOLS/bin/pip" ]; then
  python3 -m venv "$TOOLS" || { echo "kits.sh: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$TOOLS/bin/pip" install --quiet --upgrade pip setuptools wheel
fi
# Built from a copy, so that the checkout gets no build/ or egg-info.
(cd clients/python && tar --exclude=.venv --exclude=build --exclude='*.egg-info' --exclude=__pycache__ -cf - .) | (mkdir -p "$WORK/pysrc" && cd "$WORK/pysrc" && tar -xf -)
"$TOOLS/bin/pip" wheel --quiet --no-deps --no-build-isolation -w "$WORK" "$WORK/pysrc"
WHEEL="$(ls "$WORK"/freshmock-*.whl)"

# ---- a fresh Node project with the packed kit -------------------------------------------------
# Copies an example (without node_modules and lock file) to $WORK/$2 and installs the packed
# kit and the example's other packages there.
node_project() {
  local from="$1" dir="$WORK/$2"
  mkdir -p "$dir"
  (cd "$from" && tar --exclude=node_modules --exclude=package-lock.json --exclude=test-results --exclude=.venv -cf - .) | (cd "$dir" && tar -xf -)
  node -e '
    const fs = require("fs"), [file, tgz] = process.argv.slice(1);
    const p = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const k of ["dependencies", "devDependencies"]) if (p[k] && p[k].freshmock) p[k].freshmock = "file:" + tgz;
    fs.writeFileSync(file, JSON.stringify(p, null, 2));
  ' "$dir/package.json" "$TGZ"
  step "npm install in a fresh copy of $from (the packed kit, @playwright/test $PLAYWRIGHT_VERSION)"
  (cd "$dir" && npm install --prefer-offline) || { echo "kits.sh: npm install failed in $dir" >&2; exit 1; }
  [ ! -L "$dir/node_modules/freshmock" ] || { echo "kits.sh: node_modules/freshmock is a symlink" >&2; exit 1; }
}
node_project examples/app app
node_project examples/playwright pw

# ---- a fresh Python environment with the wheel ------------------------------------------------
step "pip install the wheel into a fresh venv"
python3 -m venv "$WORK/py"
"$WORK/py/bin/pip" install --quiet "$WHEEL" 'pytest>=7' 'pytest-xdist>=3'
SITE="$("$WORK/py/bin/python" -c 'import freshmock, os; print(os.path.dirname(freshmock.__file__))')"
case "$SITE" in "$WORK/py/"*) ;; *) echo "kits.sh: freshmock imports from $SITE, not the fresh venv" >&2; exit 1 ;; esac

# ---- the suites ---------------------------------------------------------------------------------
step "curl recipe (against $BIN)"
examples/curl/session.sh "$BIN"

npm_ci clients/typescript
step "TypeScript kit's own tests"
(cd clients/typescript && npx tsc -p tsconfig.json && node --test test/)

step "examples/app: tsc --strict, then Playwright with two workers"
(cd "$WORK/app" && npx tsc -p tsconfig.json && npx playwright test)

step "examples/app: pytest with two workers (the wheel's plugin)"
(cd "$WORK/app" && "$WORK/py/bin/pytest" -q -n 2 -p no:cacheprovider tests_py)

step "examples/playwright: tsc --strict, Playwright with two workers, then one webServer"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$WORK/pw" && npx tsc -p tsconfig.json && npx playwright test && CI=1 FRESHMOCK_PORT="$PORT" npx playwright test -c webserver.config.ts)

step "Python kit's own tests, from the wheel"
cp -r clients/python/tests "$WORK/py-tests"
(cd "$WORK" && "$WORK/py/bin/pytest" -q -n 2 -p no:cacheprovider py-tests)

npm_ci examples/freshdesk-api
step "the npm freshdesk-api client against the agent API"
(cd examples/freshdesk-api && node --test test/)
step "all kit suites passed"
