#!/usr/bin/env bash
# Speed figures: a bare FTS5 insert of OrangeSum's texts (the baseline), then
# OrangeSum ingests into fresh archives (articles/s, MB/s, peak memory; the
# every-stage run with its CPU profile per step) and their ratios to the
# baseline, then the committed query list (bench/queries.txt) and search
# latency p50/p99 beside a bare FTS5 index of the same texts (bench/fts5_peer.py:
# "page" = ten hits with snippets and the total, as veille search; "top10" =
# ten rowids by rank only) and their ratios, then the 1M-article reuse figures.
# Usage: scripts/bench.sh [BUILD_DIR] [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SHARED=${2:-../shared}
CORPUS=$SHARED/corpus/orangesum-fr.jsonl.gz
DB=${BENCH_DB:-$BUILD/orangesum.db}
[ -f "$CORPUS" ] || { echo "bench: $CORPUS not found"; exit 1; }
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.base" "$DB.base-wal" "$DB.base-shm"
# Runs `veille ingest`, prints its summary and keeps its articles/s in $RATE.
ingest() {
  local out
  out=$("$BUILD/veille" ingest -q "$@")
  echo "$out"
  RATE=$(echo "$out" | head -1 | sed -n 's/.*(\([0-9]*\) articles\/s.*/\1/p')
}
ratio() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }
echo "== bare SQLite FTS5 insert of the same titles and texts (bench/fts5_insert_peer.py; no analysis)"
PEER=$(python3 bench/fts5_insert_peer.py "$CORPUS" "$DB.peer")
echo "$PEER"
PEER_RATE=$(echo "$PEER" | sed -n 's/.*(\([0-9]*\) articles\/s.*/\1/p')
rm -f "$DB.peer" "$DB.peer-wal" "$DB.peer-shm"
echo "== foundation pipeline only (read, clean, analyse, store, index): fresh archive $DB.base"
ingest --no-entities --no-quotes --no-reuse --no-stories --db "$DB.base" "$CORPUS"
BASE_RATE=$RATE
rm -f "$DB.base" "$DB.base-wal" "$DB.base-shm"
echo "== foundation + entities (recognise, link, store mentions): fresh archive $DB.base"
ingest --no-quotes --no-reuse --no-stories --db "$DB.base" "$CORPUS"
rm -f "$DB.base" "$DB.base-wal" "$DB.base-shm"
echo "== ingest $CORPUS with every stage (fresh archive $DB), CPU time per step (--profile)"
ingest --profile --db "$DB" "$CORPUS"
ALL_RATE=$RATE
echo "== ingest ratios against the bare FTS5 insert ($PEER_RATE articles/s):" \
  "foundation $(ratio "$BASE_RATE" "$PEER_RATE"), every stage $(ratio "$ALL_RATE" "$PEER_RATE")"
echo "== re-ingest (must store 0)"
"$BUILD/veille" ingest -q --db "$DB" "$CORPUS"
"$BUILD/veille" stats --db "$DB"
# --- search: Veille against a bare FTS5 index of the same texts, same queries,
# same run (bench/fts5_peer.py builds $BUILD/fts5-peer.db once, ~5 s) ---------
echo "== search latency, $(grep -vc '^#' bench/queries.txt) queries (bench/queries.txt)"
VEILLE_SEARCH=$("$BUILD/bench/veille-search-bench" --db "$DB" --queries bench/queries.txt --rounds 3)
echo "$VEILLE_SEARCH"
echo "== the same queries on a bare FTS5 index (unicode61 remove_diacritics 2, bm25 title x3)"
PEER_SEARCH=$(python3 bench/fts5_peer.py --corpus "$CORPUS" --db "$BUILD/fts5-peer.db" \
  --queries bench/queries.txt --rounds 3)
echo "$PEER_SEARCH"
pct() { sed -n "s/^$1 ms:.* $2 \([0-9.]*\).*/\1/p"; }
# Wall clock, then CPU time of the searching thread (on a shared machine the
# wall clock also counts the time spent waiting for a core).
for what in latency cpu; do
  v50=$(pct "search $what" p50 <<<"$VEILLE_SEARCH"); v99=$(pct "search $what" p99 <<<"$VEILLE_SEARCH")
  for kind in page top10; do
    f50=$(pct "fts5 $kind $what" p50 <<<"$PEER_SEARCH"); f99=$(pct "fts5 $kind $what" p99 <<<"$PEER_SEARCH")
    awk -v w="$what" -v k="$kind" -v v50="$v50" -v v99="$v99" -v f50="$f50" -v f99="$f99" 'BEGIN {
      printf "search %s ratio Veille / FTS5 %s: p50 %.2f / %.2f ms = %.2fx, p99 %.2f / %.2f ms = %.2fx\n",
        w, k, v50, f50, v50 / f50, v99, f99, v99 / f99 }'
  done
done

# The 1M-article synthetic archive (veille-reuse scale: in-memory near-duplicate
# and passage detection at 1M). BENCH_1M=0 skips it (scripts/eval.sh does: CI).
if [ "${BENCH_1M:-1}" != 0 ] && [ -x "$BUILD/tools/reuse/veille-reuse" ]; then
  echo "== reuse at scale: veille-reuse scale --n 1000000 (in memory; docs/reuse.md)"
  "$BUILD/tools/reuse/veille-reuse" scale --corpus "$CORPUS" --n 1000000
fi
