#!/usr/bin/env bash
# Ingests the bundled demo corpus into demo.db and shows a few searches.
# Usage: scripts/demo.sh [path/to/veille]
set -euo pipefail
cd "$(dirname "$0")/.."
VEILLE=${1:-build/veille}
DB=${DEMO_DB:-demo.db}
rm -f "$DB" "$DB-wal" "$DB-shm"
run() { echo; echo "\$ veille $*"; "$VEILLE" "$@"; }
run ingest --db "$DB" demo/corpus
run ingest --db "$DB" demo/corpus   # a second run stores nothing new
run stats --db "$DB"
run search --db "$DB" -n 3 inondations
run search --db "$DB" -n 3 '"port de Marseille"' --lang fr
run search --db "$DB" -n 3 strike OR grève
run search --db "$DB" -n 3 --json minist*
run quotes --db "$DB" -n 3
run entities --db "$DB" --top 8
run reuse --db "$DB" -n 1
echo
echo "The archive is $DB: open it with sqlite3 (schema: docs/schema.md), or run"
echo "  $VEILLE show --db $DB ID    and    $VEILLE export --db $DB | head"
if [ "${DEMO_NO_SERVE:-0}" = 1 ]; then exit 0; fi
PORT=${DEMO_PORT:-8080}
echo
echo "Web UI and JSON API: http://127.0.0.1:$PORT/  (Ctrl-C stops the server)"
exec "$VEILLE" serve --db "$DB" --port "$PORT"
