#!/usr/bin/env bash
# Profiles `veille ingest` (every stage) of a corpus with perf, per thread and
# per phase, with SQLite's own functions visible: builds Debian's SQLite
# (same version and compile options as libsqlite3-0) with symbols once, from
# `apt-get source sqlite3` (needs a deb-src line; added for the download only
# and removed again), and runs the binary against it with LD_LIBRARY_PATH.
# Also prints the ingest's own --profile table (CPU time per step).
# Usage: scripts/profile-ingest.sh [BUILD_DIR] [CORPUS] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus/orangesum-fr.jsonl.gz}
OUT=${3:-$BUILD/profile}
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "profile: needs perf (apt-get install linux-perf)"; exit 1; }
LIB=$OUT/sqlite/libsqlite3.so.0
if [ ! -f "$LIB" ]; then
  echo "== building SQLite with symbols into $OUT/sqlite"
  mkdir -p "$OUT/sqlite" && cd "$OUT/sqlite"
  if ! ls sqlite3_*.orig.tar.xz >/dev/null 2>&1; then
    src=/etc/apt/sources.list.d/veille-profile-src.list
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" > $src
    apt-get update -qq && apt-get source --download-only sqlite3 || true
    rm -f $src && apt-get update -qq
  fi
  tar xf sqlite3_*.orig.tar.xz
  cd sqlite3-*/ && ./configure --enable-fts5 >/dev/null && make sqlite3.c >/dev/null
  # The compile options of Debian's libsqlite3-0 (debian/rules), plus -g.
  gcc -O2 -g -fno-strict-aliasing -fPIC -shared -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA \
    -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE=1 \
    -DSQLITE_SOUNDEX=1 -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB \
    -DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 -DSQLITE_ENABLE_LOAD_EXTENSION \
    -DSQLITE_ENABLE_JSON1 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 \
    -DSQLITE_ENABLE_FTS3_TOKENIZER=1 -DSQLITE_USE_URI=1 -DSQLITE_MAX_SCHEMA_RETRY=25 \
    -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB \
    -DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_ENABLE_MATH_FUNCTIONS sqlite3.c -o ../libsqlite3.so.0 \
    -lpthread -ldl -lm
  cd - >/dev/null
fi
DB=$OUT/profile.db
rm -f "$DB" "$DB-wal" "$DB-shm"
echo "== perf record (cpu-clock, 199 Hz, DWARF call graphs): $BUILD/veille ingest --profile $CORPUS"
LD_LIBRARY_PATH=$(dirname "$LIB") perf record -q -e cpu-clock -F 199 --call-graph dwarf,16384 \
  -o "$OUT/perf.data" "$BUILD/veille" ingest -q --profile --db "$DB" "$CORPUS"
echo "== phases per thread (first marker function from the leaf up)"
perf script -i "$OUT/perf.data" -F comm,tid,time,ip,sym 2>/dev/null |
  python3 scripts/perf-phases.py scripts/perf-phases.txt
