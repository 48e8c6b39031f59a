#!/usr/bin/env bash
# One crawl round over 200 local sources x 50 new items (issue 17's bar:
# under 60 s on 2 cores with the per-host delay turned down, memory under
# 300 MB). Builds bench/veille-crawl-bench, runs it 3 times, prints each run.
# Takes about 35 s a run on a loaded 2-core machine. Options after -- go to
# the benchmark (--sources N --items N --hosts N --parallel N --delay S
# --entities 0|1 --quotes 0|1).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
[[ "${1:-}" == "--" ]] && shift
ninja -C build veille-crawl-bench >/dev/null
for i in $(seq 1 "$runs"); do
  echo "== run $i"
  /usr/bin/time -f "wall %e s, max RSS (crawl process) %M KB" build/bench/veille-crawl-bench "$@"
done
