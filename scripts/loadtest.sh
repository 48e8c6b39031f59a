#!/usr/bin/env bash
# Load test of the search endpoint on loopback (docs/api.md, "Load test").
#
# Starts `veille serve` on an archive (by default one built from the OrangeSum
# corpus), then runs wrk against /api/search at 1, 10 and 50 connections, each
# for DURATION seconds, cycling through bench/queries.txt. Reports requests/s,
# p50/p99 latency, errors, and the server's peak resident memory (VmHWM) and
# its RSS after each step (flat RSS = no leak).
# Usage: scripts/loadtest.sh [path/to/veille] [archive.db]
# Env:   DURATION (default 15), WARMUP (seconds of unmeasured load at 50
#        connections first, default 5: it fills the page cache and the
#        analyser caches of the server's threads), THREADS (server workers, default 64), PORT
#        (default 18080), CACHE_MB (the server's answer cache; default 0, so
#        that every search is computed afresh: the query list is short enough
#        to be cached whole, which would measure the cache, not the search).
set -euo pipefail
cd "$(dirname "$0")/.."
VEILLE=$(realpath "${1:-build/veille}")
DB=${2:-build/orangesum.db}
DURATION=${DURATION:-15}
PORT=${PORT:-18080}
command -v wrk >/dev/null || { echo "loadtest: needs wrk (apt-get install wrk)" >&2; exit 2; }

if [[ "$DB" != postgres* ]] && [ ! -f "$DB" ]; then
  echo "loadtest: building $DB from the OrangeSum corpus (once)"
  "$VEILLE" ingest -q --db "$DB" /work/shared/corpus/orangesum-fr.jsonl.gz
fi

"$VEILLE" serve --db "$DB" --port "$PORT" --threads "${THREADS:-64}" --cache-mb "${CACHE_MB:-0}" \
  2>/dev/null &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/stats" >/dev/null && break; sleep 0.2; done

# wrk script: one query per request, round robin over the benchmark queries
# (filters after a TAB are dropped: they need values from the gold file).
LUA=$(mktemp --suffix=.lua)
{
  echo 'local q = {}'
  grep -v '^#' bench/queries.txt | cut -f1 | grep -v '^$' | python3 -c '
import sys, urllib.parse
for line in sys.stdin:
    print("q[#q+1] = \"/api/search?q=%s\"" % urllib.parse.quote(line.strip(), safe=""))'
  cat <<'LUAEOF'
local i = 0
request = function()
  i = i % #q + 1
  return wrk.format("GET", q[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50=%.2fms p99=%.2fms requests=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end
LUAEOF
} >"$LUA"

rss() { awk '/^(VmRSS|VmHWM)/ {printf "%s %s MB  ", $1, int($2/1024)}' /proc/$PID/status; }
echo "loadtest: $(grep -vc '^#' bench/queries.txt) queries, ${DURATION}s per step, archive $DB," \
  "answer cache ${CACHE_MB:-0} MiB"
if [ "${WARMUP:-5}" -gt 0 ]; then
  wrk -t2 -c50 -d"${WARMUP:-5}s" --timeout 5s -s "$LUA" "http://127.0.0.1:$PORT" >/dev/null
  sleep 1
fi
for c in 1 10 50; do
  t=$(( c < 2 ? 1 : 2 ))
  printf "connections=%-3s " "$c"
  wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 5s --latency -s "$LUA" "http://127.0.0.1:$PORT" |
    grep '^RESULT' | sed 's/^RESULT //' | tr -d '\n'
  echo "  $(rss)"
done
rm -f "$LUA"
