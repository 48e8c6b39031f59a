#!/usr/bin/env bash
# End-to-end tests of the web UI (issue 6): ingests demo/corpus into a
# temporary archive with an existing veille binary (this script builds
# nothing), serves it on a free loopback port, and runs tests/browser/ui.test.mjs
# (node:test + playwright-core) driving Debian's /usr/bin/chromium, never a
# downloaded browser. Screenshots of the search, article (with a highlighted
# quote and its speaker), who-said-what and entity pages are written to
# tests/browser/screenshots/. The archive gets an account (reader) and a token:
# the tests log in through the UI's login page first. On failure the server's
# log is printed.
#
# Usage: scripts/browser-test.sh path/to/veille
# Needs: node, npm, chromium (scripts/install-deps.sh installs them).
# Env:   CHROMIUM (default /usr/bin/chromium), TEST_TIMEOUT (seconds for the
#        node tests, default 300), KEEP_TMP=1 keeps the archive and logs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

fail() { echo "browser-test: FAIL: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: scripts/browser-test.sh path/to/veille" >&2; exit 2; }
[ -x "$1" ] && [ -f "$1" ] || fail "no veille binary at '$1' (build it first; this script builds nothing)"
VEILLE=$(realpath "$1")
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] ||
  fail "missing Debian packages: ${missing[*]} (run scripts/install-deps.sh)"

TMP=$(mktemp -d -t veille-browser.XXXXXX)
DB=$TMP/demo.db
LOG=$TMP/serve.log
PID=""
cleanup() {
  local rc=$?
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    # Graceful stop takes milliseconds; do not hang CI if it does not.
    for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ] && [ -s "$LOG" ]; then
    echo "browser-test: last lines of the server log ($LOG):" >&2
    tail -n 60 "$LOG" >&2
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "browser-test: kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "browser-test: ingesting demo/corpus with $VEILLE"
timeout 120 "$VEILLE" ingest -q --db "$DB" demo/corpus >"$TMP/ingest.log" 2>&1 ||
  { cat "$TMP/ingest.log" >&2; fail "ingest of demo/corpus failed"; }

# A crawl source, for the Sources page (never fetched: no crawl runs here).
"$VEILLE" sources add https://journal.example/rss --name "Le Journal" --db "$DB" \
  >>"$TMP/ingest.log" 2>&1 || fail "veille sources add failed"

# An account, so that the UI is tested as a desk uses it: behind a login.
"$VEILLE" users add ui-test --role reader --db "$DB" 2>>"$TMP/ingest.log" ||
  fail "veille users add failed"
TOKEN=$("$VEILLE" tokens create ui-test --expires 1h --db "$DB" 2>>"$TMP/ingest.log") ||
  fail "veille tokens create failed"

"$VEILLE" serve --db "$DB" --port 0 --web "$ROOT/web" 2>"$LOG" &
PID=$!
URL=""
for _ in $(seq 150); do
  URL=$(sed -n 's|.*serving .* on \(http://[^ ]*/\).*|\1|p' "$LOG" | head -n 1)
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || fail "veille serve exited before listening"
  sleep 0.1
done
[ -n "$URL" ] || fail "veille serve did not report its address within 15 s"
curl -fsS --max-time 5 -H "Authorization: Bearer $TOKEN" "${URL}api/stats" >/dev/null ||
  fail "${URL}api/stats does not answer"
echo "browser-test: serving on $URL"

cd tests/browser
# playwright-core only; --ignore-scripts makes sure no browser is downloaded.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 npm ci --ignore-scripts --no-audit --no-fund \
  --loglevel=error || fail "npm ci in tests/browser failed"
rm -rf screenshots
BASE_URL=$URL VEILLE_TOKEN=$TOKEN CHROMIUM=$CHROMIUM SCREENSHOTS=$ROOT/tests/browser/screenshots \
  timeout "${TEST_TIMEOUT:-300}" node --test --test-reporter=spec ui.test.mjs ||
  fail "browser tests failed (screenshots so far in tests/browser/screenshots/)"
echo "browser-test: OK; screenshots in tests/browser/screenshots/: $(ls screenshots | tr '\n' ' ')"
