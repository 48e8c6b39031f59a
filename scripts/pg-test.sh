#!/usr/bin/env bash
# The archive on PostgreSQL (docs/postgresql.md): starts a throwaway
# PostgreSQL 15 cluster (initdb into a temporary folder, run as the postgres
# user, Unix socket only) and a streaming replica (pg_basebackup -R), then:
#   1. the archive test suite (test_ingest) against PostgreSQL
#   2. parity: the demo corpus and OrangeSum (a subset; PG_TEST_ORANGESUM=all
#      for all of it) into SQLite and PostgreSQL: identical exports, search
#      top-10 identical for >= 95 % of bench/queries.txt
#   3. concurrency: four ingest workers at once on overlapping inputs give
#      the archive of one worker running their transactions in turn (and of
#      one worker reading everything in one run, but for stories and
#      passages, which depend on the order and the runs on SQLite too)
#   4. fault: a worker killed with SIGKILL mid-batch, then a rerun: the
#      archive one uninterrupted run gives (nothing lost, nothing twice)
#   5. replica: what the primary stored is searched on the hot standby, by
#      the CLI and by `veille serve`; the standby refuses writes
#   6. accounts: users, tokens, roles, login and the audit log of
#      `veille serve` on the primary
# Everything stops and removes its cluster when it ends, also on failure.
# Usage: scripts/pg-test.sh [build-dir]     (about 5 minutes on 2 cores)
#        PG_TEST_STEPS=35 scripts/pg-test.sh   (only parts 3 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VEILLE=$(realpath "$BUILD/veille")
SHARED=${SHARED:-../shared}
ORANGESUM=$SHARED/corpus/orangesum-fr.jsonl.gz
SUBSET=${PG_TEST_ORANGESUM:-1000}   # articles of OrangeSum for the parity test, or "all"
QUERIES=${PG_TEST_QUERIES:-100}     # queries of bench/queries.txt compared on it (0: all 295)
SECONDS=0
[ -x /usr/lib/postgresql/15/bin/initdb ] || {
  echo "pg-test: needs postgresql-15 (scripts/install-deps.sh)" >&2
  exit 2
}
source scripts/pg-cluster.sh

DIR=$(mktemp -d /tmp/veille-pg.XXXXXX)
WORK=$(mktemp -d /tmp/veille-pg-work.XXXXXX)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  pg_cluster_stop "$DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

pg_cluster_start "$DIR"
PRIMARY=$(pg_uri "$DIR" primary)
psql_() { "$PG_BIN/psql" -h "$DIR" -p "$PG_PORT_PRIMARY" -U postgres -d veille -Atq "$@"; }
# One database per archive.
newdb() {
  pg_as "$PG_BIN/createdb" -h "$DIR" -p "$PG_PORT_PRIMARY" -U postgres "$1"
  echo "postgresql:///$1?host=$DIR&port=$PG_PORT_PRIMARY&user=postgres"
}
# An archive's observable content: every article as exported, in id order.
export_of() { "$VEILLE" export --db "$1"; }
# Output cut short goes through a file: under pipefail, a `diff | head`
# pipeline fails (SIGPIPE) when head stops reading, and set -e would end the
# script there.
first_lines() {  # N FILE
  head -n "$1" "$2" | cut -c1-300
}
same_export() {  # name, archive A, archive B [a field left out of both]
  export_of "$2" >"$WORK/a.jsonl"
  export_of "$3" >"$WORK/b.jsonl"
  if [ -n "${4:-}" ]; then
    for f in a b; do
      python3 -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    a = json.loads(line)
    for k in sys.argv[2].split(","):
        a.pop(k)
    print(json.dumps(a, ensure_ascii=False))' "$WORK/$f.jsonl" "$4" >"$WORK/$f.cut.jsonl"
      mv "$WORK/$f.cut.jsonl" "$WORK/$f.jsonl"
    done
  fi
  if cmp -s "$WORK/a.jsonl" "$WORK/b.jsonl"; then
    ok "$1: identical exports ($(wc -l <"$WORK/a.jsonl") articles)"
  else
    bad "$1: exports differ"
    python3 scripts/pg-export-diff.py "$WORK/a.jsonl" "$WORK/b.jsonl" >"$WORK/diff.txt" || true
    first_lines 12 "$WORK/diff.txt"
  fi
}

# Every table both backends have, row by row (scripts/pg-tables.py: what
# it leaves out and why).
same_tables() {  # name, archive A, archive B [columns left out] [tables left out]
  if python3 scripts/pg-tables.py "$2" "$3" --skip-columns "${4:-}" --skip-tables "${5:-}" \
    >"$WORK/t.txt" 2>&1; then
    ok "$1: $(tail -1 "$WORK/t.txt")"
  else
    bad "$1: $(tail -1 "$WORK/t.txt")"
    first_lines 12 "$WORK/t.txt"
  fi
}
# JSON on stdin without the times of writing (a story's updated_at).
untimed() {
  python3 -c 'import json, sys
def drop(x):
    if isinstance(x, dict):
        return {k: drop(v) for k, v in x.items() if k != "updated_at"}
    return [drop(v) for v in x] if isinstance(x, list) else x
print(json.dumps(drop(json.load(sys.stdin)), ensure_ascii=False, sort_keys=True))'
}
# The archive-wide views the export leaves out: merged events, stories.
same_views() {  # name, archive A, archive B
  local v
  for v in "events --reports -n 100000" "stories --min-size 1 -n 100000"; do
    # shellcheck disable=SC2086
    "$VEILLE" $v --json --db "$2" | untimed >"$WORK/va.json"
    # shellcheck disable=SC2086
    "$VEILLE" $v --json --db "$3" | untimed >"$WORK/vb.json"
    if cmp -s "$WORK/va.json" "$WORK/vb.json"; then
      ok "$1: identical \`veille ${v%% *}\` ($(wc -c <"$WORK/va.json") bytes)"
    else
      bad "$1: \`veille ${v%% *}\` differs"
    fi
  done
}

STEPS=${PG_TEST_STEPS:-123456}  # which parts to run (development)
echo "== 1. archive test suite on PostgreSQL ($SECONDS s)"
if [[ $STEPS != *1* ]]; then
  echo "   skipped"
elif VEILLE_TEST_PG=$PRIMARY VEILLE_DATA_DIR=$PWD/data "$BUILD/test_ingest" \
  --gtest_brief=1 >"$WORK/suite.log" 2>&1; then
  ok "test_ingest on PostgreSQL: $(grep -o 'PASSED  \] [0-9]* tests' "$WORK/suite.log" | grep -o '[0-9]*'
  ) passed, $(grep -o 'SKIPPED \] [0-9]* tests' "$WORK/suite.log" | grep -o '[0-9]*' || echo 0) skipped (SQLite-specific)"
else
  bad "test_ingest on PostgreSQL"
  grep -E 'FAILED|Failure|error' "$WORK/suite.log" >"$WORK/grep.txt" || true
  first_lines 20 "$WORK/grep.txt"
fi

make_conc() {  # the inputs of the concurrency test, $WORK/conc/f0..7.jsonl
mkdir -p "$WORK/conc"
python3 - "$WORK/conc" <<'EOF'
import sys, json, random
rng = random.Random(5)
vocab = ["port", "barrage", "budget", "école", "grève", "crue", "mairie", "préfet", "tribunal",
         "hôpital", "usine", "vendanges", "incendie", "routes", "élection", "syndicat", "marché",
         "collège", "tempête", "récolte", "digue", "tramway", "festival", "forêt", "loyer"]
names = ["Jean Dupont", "Claire Martin", "Karim Belkacem", "Sophie Laurent", "Luc Moreau",
         "Anne Girard", "Paul Lefèvre", "Inès Roux"]
towns = ["Sète", "Alès", "Nîmes", "Lunel", "Uzès", "Béziers", "Agde", "Lodève"]
def sentence():
    return " ".join(rng.choice(vocab) for _ in range(rng.randrange(6, 14))).capitalize() + "."
arts = []
for i in range(240):
    who, town, topic = rng.choice(names), rng.choice(towns), rng.choice(vocab)
    body = (f"À {town}, le dossier du {topic} a occupé le conseil municipal mardi. " +
            " ".join(sentence() for _ in range(8)) +
            f" « Nous tiendrons nos engagements sur le {topic} », a déclaré {who}. " +
            " ".join(sentence() for _ in range(4)))
    arts.append({"id": f"c{i:03d}", "title": f"{town} : le {topic} en débat", "date":
                 f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}", "outlet": ["AFP", "Le Quai", "Midi"][i % 3],
                 "language": "fr", "text": body})
# Rewrites: the same dispatch edited (near-duplicate), or its quote and two
# sentences taken into another story (reused passage).
for i in range(0, 240, 9):
    j = (i * 7 + 31) % 240
    if j == i:
        continue
    src = arts[i]["text"].split(". ")
    if i % 2:
        arts[j]["text"] = ". ".join(src[:-1]) + ". Mise à jour : " + sentence()
    else:
        arts[j]["text"] += " " + ". ".join(src[2:7]) + "."
for f in range(8):
    with open(f"{sys.argv[1]}/f{f}.jsonl", "w") as out:
        for a in arts[f * 30:(f + 1) * 30]:
            out.write(json.dumps(a, ensure_ascii=False) + "\n")
EOF
}

# A crawl into each backend: a local feed of three pages (served by
# python3 -m http.server), the same sources, pages, versions and articles.
crawl_parity() {
  local site=$WORK/site port=$((20000 + RANDOM % 20000)) i
  mkdir -p "$site"
  {
    echo '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Le Quai</title>'
    echo "<link>http://127.0.0.1:$port/</link><description>Nouvelles du port</description>"
    for i in 1 2 3; do
      echo "<item><title>Le port, épisode $i</title><link>http://127.0.0.1:$port/2024/05/0$i/port-$i.html</link>"
      echo "<pubDate>Tue, 0$i May 2024 08:00:00 GMT</pubDate></item>"
    done
    echo '</channel></rss>'
  } >"$site/feed.xml"
  for i in 1 2 3; do
    mkdir -p "$site/2024/05/0$i"
    cat >"$site/2024/05/0$i/port-$i.html" <<EOF
<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Le port, épisode $i</title>
<meta property="article:published_time" content="2024-05-0${i}T08:00:00Z"></head><body>
<nav><a href="/">Accueil</a> <a href="/port">Port</a></nav>
<article><h1>Le port, épisode $i</h1>
<p>Le conseil portuaire de Sète s'est réuni mardi pour examiner le dragage du chenal, une opération
attendue depuis l'hiver par les pêcheurs et les plaisanciers de la ville.</p>
<p>« Nous commencerons les travaux avant l'été », a déclaré Claire Martin, présidente du conseil,
devant une salle comble. Le chantier numéro $i doit durer six semaines.</p>
<p>Les associations de riverains demandent que le bruit des engins soit limité la nuit, et la
préfecture de l'Hérault a promis une réunion publique au mois de juin.</p></article>
<footer>© Le Quai</footer></body></html>
EOF
  done
  (cd "$site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  local web=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/feed.xml" >/dev/null && break; sleep 0.1; done
  local CR
  CR=$(newdb crawl)
  for db in "$WORK/crawl.db" "$CR"; do
    "$VEILLE" sources add "http://127.0.0.1:$port/feed.xml" --name "Le Quai" --db "$db" >/dev/null 2>&1
    "$VEILLE" crawl --db "$db" --warc-dir "$WORK/warc-$RANDOM" --delay 0 >"$WORK/crawl.log" 2>&1 ||
      { bad "crawl into $db"; first_lines 5 "$WORK/crawl.log"; }
  done
  kill "$web" 2>/dev/null; wait "$web" 2>/dev/null || true
  same_export "crawl of a local feed" "$WORK/crawl.db" "$CR"
  # Where each backend's crawl wrote its WARC records differs, not what (the
  # file names carry the time: meta's keys of the ingested files too).
  same_tables "crawl of a local feed" "$WORK/crawl.db" "$CR" \
    crawl_seen.warc_file,crawl_seen.warc_offset,article_versions.source_file,article_versions.record_id,article_versions.record_offset,articles.source,ingest_problems.location \
    meta
}

step_2() {
echo "== 2. parity ($SECONDS s)"
"$VEILLE" ingest -q --db "$WORK/demo.db" demo/corpus >/dev/null 2>&1
DEMO=$(newdb demo)
"$VEILLE" ingest -q --db "$DEMO" demo/corpus >/dev/null 2>&1
same_export "demo corpus" "$WORK/demo.db" "$DEMO"
same_tables "demo corpus" "$WORK/demo.db" "$DEMO"
same_views "demo corpus" "$WORK/demo.db" "$DEMO"
if python3 scripts/pg-parity.py "$VEILLE" "$WORK/demo.db" "$DEMO" --limit 60 >"$WORK/p.txt"; then
  ok "demo corpus: $(tail -1 "$WORK/p.txt")"
else
  bad "demo corpus: $(tail -1 "$WORK/p.txt")"
fi
if [ -f "$ORANGESUM" ]; then
  if [ "$SUBSET" = all ]; then
    cp "$ORANGESUM" "$WORK/os.jsonl.gz"
  else
    (set +o pipefail; zcat "$ORANGESUM" | head -n "$SUBSET" | gzip -1 >"$WORK/os.jsonl.gz")
  fi
  t0=$SECONDS
  "$VEILLE" ingest -q --db "$WORK/os.db" "$WORK/os.jsonl.gz" >/dev/null 2>&1
  t1=$SECONDS
  OS=$(newdb orangesum)
  "$VEILLE" ingest -q --db "$OS" "$WORK/os.jsonl.gz" >/dev/null 2>&1
  echo "   OrangeSum ($SUBSET articles): SQLite $((t1 - t0)) s, PostgreSQL $((SECONDS - t1)) s"
  same_export "OrangeSum ($SUBSET)" "$WORK/os.db" "$OS"
  same_tables "OrangeSum ($SUBSET)" "$WORK/os.db" "$OS"
  if python3 scripts/pg-parity.py "$VEILLE" "$WORK/os.db" "$OS" --limit "$QUERIES" >"$WORK/p.txt"; then
    ok "OrangeSum ($SUBSET): $(tail -1 "$WORK/p.txt")"
  else
    grep -A2 '^differs' "$WORK/p.txt" >"$WORK/grep.txt" || true
    first_lines 12 "$WORK/grep.txt"
    bad "OrangeSum ($SUBSET): $(tail -1 "$WORK/p.txt")"
  fi
else
  echo "   $ORANGESUM not found: OrangeSum parity skipped"
fi
crawl_parity
}

step_3() {
echo "== 3. four concurrent workers ($SECONDS s)"
# Eight files of distinct dispatches (with rewrites of one another across
# files: near-duplicates and reused passages); worker w reads files 2w to
# 2w+3 (mod 8), so every file is read by two workers at once.
# Batches of 16: the workers' write turns interleave within their runs.
make_conc
FOUR=$(newdb four)
pids=()
for w in 0 1 2 3; do
  files=()
  for k in 0 1 2 3; do files+=("$WORK/conc/f$(((2 * w + k) % 8)).jsonl"); done
  "$VEILLE" ingest -q --threads 1 --batch 16 --db "$FOUR" "${files[@]}" >/dev/null \
    2>"$WORK/w$w.err" &
  pids+=($!)
done
wrc=0
for p in "${pids[@]}"; do wait "$p" || wrc=1; done
[ "$wrc" = 0 ] && ok "four workers finished" || { bad "a worker failed"; cat "$WORK"/w*.err >"$WORK/grep.txt"; first_lines 10 "$WORK/grep.txt"; }
# The write turns put the workers' transactions in one order (row ids come
# from a sequence inside the turn; a row's xmin names its transaction): one
# worker running the same transactions one after another, each as a run of
# its own, must give the same archive, every field but `source` (where the
# input was read).
psql_ -d four -F ' ' -c "SELECT id, xmin FROM article_ids ORDER BY rowid" >"$WORK/order.txt"
python3 - "$WORK/conc" "$WORK/order.txt" "$WORK/serial" <<'EOF'
import json, sys
by_id = {}
for f in range(8):
    for line in open(f"{sys.argv[1]}/f{f}.jsonl", encoding="utf-8"):
        by_id[json.loads(line)["id"]] = line
n, last, out = 0, None, None
for row in open(sys.argv[2], encoding="utf-8"):
    i, xid = row.split()
    if xid != last:
        n, last = n + 1, xid
        out = open(f"{sys.argv[3]}{n:03d}.jsonl", "w", encoding="utf-8")
    out.write(by_id[i])
EOF
SERIAL=$(newdb serial)
for f in "$WORK"/serial*.jsonl; do "$VEILLE" ingest -q --db "$SERIAL" "$f" >/dev/null 2>&1; done
same_export "four workers = one worker running their $(ls "$WORK"/serial*.jsonl | wc -l) transactions in turn" \
  "$SERIAL" "$FOUR" source
same_views "four workers = one worker running their transactions in turn" "$SERIAL" "$FOUR"
# One worker reading the eight files in one run: the same archive but for
# what the stages make of the order and of the partition of the input into
# runs, on SQLite as well: the stories (online clustering: the articles of
# these files in another order give other stories) and passages whose
# fingerprints cross the reuse stage's document-frequency limit between runs.
ONE=$(newdb one)
"$VEILLE" ingest -q --db "$ONE" "$WORK"/conc/f{0,1,2,3,4,5,6,7}.jsonl >/dev/null 2>&1
same_export "four workers = one worker reading the files in one run, but for stories and passages" \
  "$ONE" "$FOUR" story,reuse
dups=$(psql_ -d four -c "SELECT count(*) - count(DISTINCT id) FROM articles")
[ "$dups" = 0 ] && ok "four workers: no article twice" || bad "four workers: $dups articles twice"
}

step_4() {
echo "== 4. SIGKILL mid-batch, then a rerun ($SECONDS s)"
python3 - "$WORK" <<'EOF'
import sys, json, random
rng = random.Random(11)
with open(f"{sys.argv[1]}/big.jsonl", "w") as f:
    for i in range(3000):
        body = " ".join(f"mot{rng.randrange(4000)}" for _ in range(60))
        f.write(json.dumps({"id": f"k{i}", "title": f"Dépêche {i}", "date": f"2019-0{1 + i % 9}-11",
                            "text": body + "."}) + "\n")
EOF
FULL=$(newdb full)
"$VEILLE" ingest -q --db "$FULL" "$WORK/big.jsonl" >/dev/null 2>&1
KILLED=$(newdb killed)
"$VEILLE" ingest -q --db "$KILLED" "$WORK/big.jsonl" >/dev/null 2>&1 &
victim=$!
for _ in $(seq 600); do
  n=$(psql_ -d killed -c "SELECT count(*) FROM article_ids" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 400 ] && break
  sleep 0.05
done
kill -9 "$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
before=$(psql_ -d killed -c "SELECT count(*) FROM article_ids")
echo "   killed with $before articles committed"
"$VEILLE" ingest -q --db "$KILLED" "$WORK/big.jsonl" >/dev/null 2>&1
same_export "SIGKILL then rerun = one run" "$FULL" "$KILLED"
half=$(psql_ -d killed -c "SELECT (SELECT count(*) FROM article_ids) - (SELECT count(*) FROM articles)
  + (SELECT count(*) FROM articles a WHERE a.duplicate_of IS NULL AND NOT EXISTS
     (SELECT 1 FROM articles_fts f WHERE f.rowid = a.rowid))")
[ "$half" = 0 ] && ok "SIGKILL: nothing half-stored" || bad "SIGKILL: $half half-stored rows"
}

step_5() {
echo "== 5. streaming replica ($SECONDS s)"
[ -f "$WORK/conc/f0.jsonl" ] || make_conc
if [ -z "${DEMO:-}" ]; then
  DEMO=$(newdb demo)
  "$VEILLE" ingest -q --db "$DEMO" demo/corpus >/dev/null 2>&1
fi
for db in orangesum one four serial full killed; do  # a smaller base backup
  pg_as "$PG_BIN/dropdb" -h "$DIR" -p "$PG_PORT_PRIMARY" -U postgres --if-exists "$db"
done
pg_replica_start "$DIR"
"$VEILLE" ingest -q --db "$DEMO" "$WORK/conc/f0.jsonl" >/dev/null 2>&1   # after the base backup
pg_replica_catch_up "$DIR"
REPLICA="postgresql:///demo?host=$DIR&port=$PG_PORT_REPLICA&user=postgres"
if cmp -s <("$VEILLE" search --db "$DEMO" --json barrage) <("$VEILLE" search --db "$REPLICA" --json barrage); then
  ok "replica: the same search as the primary, with what was stored after the base backup"
else
  bad "replica: search differs from the primary"
fi
if "$VEILLE" ingest -q --db "$REPLICA" "$WORK/conc/f1.jsonl" >"$WORK/ro.out" 2>&1; then
  bad "replica: accepted an ingest"
else
  ok "replica: refuses writes ($(tail -1 "$WORK/ro.out" | cut -c1-90))"
fi
PORT=$((20000 + RANDOM % 20000))
"$VEILLE" serve --db "$REPLICA" --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/stats" >/dev/null && break; sleep 0.1; done
hits=$(curl -sf "http://127.0.0.1:$PORT/api/search?q=barrage" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' || echo none)
want=$("$VEILLE" search --db "$DEMO" --json barrage | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$hits" = "$want" ] && ok "veille serve on the replica: /api/search finds $hits" ||
  { bad "veille serve on the replica: $hits results, primary $want"; tail -5 "$WORK/serve.log"; }
kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
SERVER=
}

step_6() {
echo "== 6. accounts, tokens, roles and the audit log on PostgreSQL ($SECONDS s)"
ACC=$(newdb accounts)
"$VEILLE" ingest -q --db "$ACC" demo/corpus >/dev/null 2>&1
local who
for who in rita:reader ed:editor ada:admin; do
  "$VEILLE" users add "${who%%:*}" --role "${who#*:}" --db "$ACC" >/dev/null 2>&1
done
local reader editor admin revoked
reader=$("$VEILLE" tokens create rita --db "$ACC" 2>/dev/null)
editor=$("$VEILLE" tokens create ed --db "$ACC" 2>/dev/null)
admin=$("$VEILLE" tokens create ada --db "$ACC" 2>/dev/null)
revoked=$("$VEILLE" tokens create rita --label old --db "$ACC" 2>/dev/null)
"$VEILLE" tokens revoke "$revoked" --db "$ACC" >/dev/null 2>&1
local n
n=$("$VEILLE" users list --json --db "$ACC" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 3 ] && ok "users add, tokens create/revoke: 3 accounts" || bad "users list: $n accounts, want 3"
local port=$((20000 + RANDOM % 20000))
"$VEILLE" serve --db "$ACC" --port "$port" >"$WORK/serve-acc.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/me" && break; sleep 0.1; done
code() {  # TOKEN METHOD PATH: the status of the answer
  local auth=()
  [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
  curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -X "$2" -H 'Content-Type: application/json' \
    --data-binary "${4:-}" "http://127.0.0.1:$port$3"
}
local got want="401 200 403 200 401 403 400"
got="$(code "" GET '/api/search?q=barrage') $(code "$reader" GET '/api/search?q=barrage')"
got+=" $(code "$reader" GET /api/users) $(code "$admin" GET /api/users)"
got+=" $(code "$revoked" GET '/api/search?q=barrage') $(code "$reader" POST /api/sources '{}')"
got+=" $(code "$editor" POST /api/sources '{}')"
# no token, reader search, reader /api/users, admin /api/users, revoked
# token, reader adds a source, editor adds a source without a URL (400: past
# the role check)
[ "$got" = "$want" ] && ok "veille serve on PostgreSQL: tokens and roles ($got)" ||
  bad "veille serve on PostgreSQL: answers $got, want $want"
local hits
hits=$(curl -s -H "Authorization: Bearer $reader" "http://127.0.0.1:$port/api/search?q=barrage" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' || echo none)
want=$("$VEILLE" search --db "$ACC" --json barrage | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$hits" = "$want" ] && ok "a reader's search: $hits results, as the CLI" || bad "a reader's search: $hits, CLI $want"
local cookie
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  --data-binary "{\"token\": \"$reader\"}" "http://127.0.0.1:$port/api/login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: //p')
if [[ $cookie == *HttpOnly* && $cookie == *SameSite=Strict* ]] &&
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: ${cookie%%;*}" \
    "http://127.0.0.1:$port/api/search?q=barrage")" = 200 ]; then
  ok "login: a session cookie (HttpOnly, SameSite=Strict) that searches"
else
  bad "login: cookie '$cookie'"
fi
# The audit log is written by a background thread: wait for the search.
local audit=""
for _ in $(seq 50); do
  audit=$("$VEILLE" audit --db "$ACC" --user rita --action 'GET /api/search' --json 2>/dev/null || true)
  [ -n "$audit" ] && break
  sleep 0.1
done
kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
SERVER=
if [[ $audit == *'"target":"barrage"'* ]]; then
  ok "audit log on PostgreSQL: rita's searches ($(grep -c . <<<"$audit") entries)"
else
  bad "audit log on PostgreSQL: no search by rita ('${audit:0:200}')"
fi
local cli refused
cli=$("$VEILLE" audit --db "$ACC" --action 'tokens *' --json | grep -c . || true)
[ "$cli" -ge 5 ] && ok "audit log: tokens create/revoke from the command line ($cli)" ||
  bad "audit log: $cli token entries, want 5"
refused=$(psql_ -d accounts -c "DELETE FROM audit_log" 2>&1 || true)
[[ $refused == *append-only* ]] && ok "audit log: append-only (DELETE refused)" ||
  bad "audit log: DELETE answered '$refused'"
}

for s in 2 3 4 5 6; do
  if [[ $STEPS == *$s* ]]; then step_$s; else echo "== $s. skipped"; fi
done

echo "== pg-test: $pass passed, $fail failed in ${SECONDS}s"
[ "$fail" = 0 ]
