#!/usr/bin/env bash
# Runs each fuzz target (src/fuzz.rs) on fresh random inputs for SECONDS_PER_TARGET
# (default 600), one after the other, and prints how many inputs each ran. Not part of CI:
# `cargo test` replays the corpus (fuzz/corpus/<target>/) and a few hundred inputs per
# target from a fixed seed.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    targets: html token fixtures multipart
#
# A debug build, on purpose: integer overflow panics there, and a panic is a finding.
# An input that breaks a target is shrunk and saved as fuzz/corpus/<target>/crash-<hash>;
# the script then stops with the target's message. Commit that file with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
shift || true
case "$seconds" in
  ''|*[!0-9]*) echo "fuzz.sh: SECONDS_PER_TARGET must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(html token fixtures multipart)

test_of() {
  case "$1" in
    html) echo fuzz::fuzz_html_to_text_and_sanitiser ;;
    token) echo fuzz::fuzz_token_verdicts ;;
    fixtures) echo fuzz::fuzz_fixture_sets ;;
    multipart) echo fuzz::fuzz_multipart_reader ;;
    *) echo "fuzz.sh: unknown target '$1' (html, token, fixtures, multipart)" >&2; exit 2 ;;
  esac
}

# Built once, then run directly: what is fuzzed is what was built, whatever changes meanwhile.
bin="$(cargo test --lib --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)"
[ -x "$bin" ] || { echo "fuzz.sh: could not build the library's test binary (cargo test --lib --no-run)" >&2; exit 1; }
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
cp "$bin" "$copy/fuzz" && bin="$copy/fuzz"
summary=()
for target in "${targets[@]}"; do
  name="$(test_of "$target")"
  echo "fuzz.sh: $target for ${seconds}s" >&2
  log="$(mktemp)"
  if ! FRESHMOCK_FUZZ_SECONDS="$seconds" "$bin" "$name" --exact --nocapture >"$log" 2>&1; then
    cat "$log" >&2
    echo "fuzz.sh: target $target FAILED (see above; the input is under fuzz/corpus/$target/)" >&2
    rm -f "$log"
    exit 1
  fi
  line="$(grep '^fuzz target' "$log" || true)"
  rm -f "$log"
  echo "$line"
  summary+=("$line")
done
echo
echo "fuzz.sh: summary (${seconds}s per target, no crash)"
printf '  %s\n' "${summary[@]}"
