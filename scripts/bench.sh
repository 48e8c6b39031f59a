#!/usr/bin/env bash
# Speed figures: ingest OrangeSum into a fresh archive (articles/s, MB/s, peak
# memory), then run the committed query list (bench/queries.txt) and report
# search latency p50/p99.
# Usage: scripts/bench.sh [BUILD_DIR] [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SHARED=${2:-../shared}
CORPUS=$SHARED/corpus/orangesum-fr.jsonl.gz
DB=${BENCH_DB:-$BUILD/orangesum.db}
[ -f "$CORPUS" ] || { echo "bench: $CORPUS not found"; exit 1; }
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.base" "$DB.base-wal" "$DB.base-shm"
echo "== foundation pipeline only (read, clean, analyse, store, index): fresh archive $DB.base"
"$BUILD/veille" ingest -q --no-entities --no-quotes --no-reuse --db "$DB.base" "$CORPUS"
rm -f "$DB.base" "$DB.base-wal" "$DB.base-shm"
echo "== foundation + entities (recognise, link, store mentions): fresh archive $DB.base"
"$BUILD/veille" ingest -q --no-quotes --no-reuse --db "$DB.base" "$CORPUS"
rm -f "$DB.base" "$DB.base-wal" "$DB.base-shm"
echo "== ingest $CORPUS with every stage (fresh archive $DB)"
"$BUILD/veille" ingest -q --db "$DB" "$CORPUS"
echo "== re-ingest (must store 0)"
"$BUILD/veille" ingest -q --db "$DB" "$CORPUS"
"$BUILD/veille" stats --db "$DB"
echo "== search latency, $(grep -vc '^#' bench/queries.txt) queries"
"$BUILD/bench/veille-search-bench" --db "$DB" --queries bench/queries.txt --rounds 3
