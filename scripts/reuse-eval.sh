#!/usr/bin/env bash
# Near-duplicates and reused passages through the real pipeline (issue 5):
# `veille-reuse synth --ingest` samples 2000 OrangeSum articles (seed 1),
# derives edited copies with known answers, ingests them all with
# `veille ingest --no-entities --no-quotes` into a temporary archive, and
# scores what the archive recorded. Fails unless, at 10 % word edits,
# near-duplicate recall >= 0.95 and precision >= 0.99, precision over all
# derived pairs >= 0.99, and transplanted paragraphs recall >= 0.9.
# Takes about 10 s. See docs/reuse.md.
# Usage: scripts/reuse-eval.sh [BUILD_DIR] [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SHARED=${2:-../shared}
REUSE=$BUILD/tools/reuse/veille-reuse
CORPUS=$SHARED/corpus/orangesum-fr.jsonl.gz
for f in "$REUSE" "$BUILD/veille"; do
  [ -x "$f" ] || { echo "reuse-eval: $f not built" >&2; exit 2; }
done
[ -f "$CORPUS" ] || { echo "reuse-eval: $CORPUS not found" >&2; exit 2; }

echo "== reuse: veille-reuse synth --n 2000 --seed 1 --ingest $BUILD/veille"
REPORT=$(mktemp)
trap 'rm -f "$REPORT"' EXIT
"$REUSE" synth --corpus "$CORPUS" --n 2000 --seed 1 --no-corpus --ingest "$BUILD/veille" |
  tee "$REPORT"

awk '
  $1 == "edit-10" { recall = $3; precision = $4; seen++ }
  /all derived pairs: precision/ { all = $5; seen++ }
  /transplanted paragraphs found:/ { split($0, t, "recall "); transplant = t[2] + 0; seen++ }
  END {
    if (seen != 3) { print "reuse-eval: report incomplete"; exit 1 }
    ok = recall >= 0.95 && precision >= 0.99 && all >= 0.99 && transplant >= 0.9
    printf "== reuse bar (edit-10 recall >= 0.95, precision >= 0.99; all pairs precision >= 0.99; " \
           "transplants recall >= 0.9): %s (%.4f, %.4f; %.4f; %.4f)\n",
           ok ? "PASS" : "FAIL", recall, precision, all, transplant
    exit ok ? 0 : 1
  }' "$REPORT"
