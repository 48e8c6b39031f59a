#!/usr/bin/env bash
# CLI contract tests: --help everywhere, exit codes, JSON output shapes, errors
# on stderr. Usage: tests/cli/cli_test.sh path/to/veille
set -uo pipefail
VEILLE=${1:?usage: cli_test.sh path/to/veille}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() {  # check NAME EXPECTED_CODE COMMAND...
  local name=$1 want=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $name: exit $got, want $want"; sed 's/^/  stderr: /' "$T/err" | head -5
  fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$T/$2"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $1: '$3' not in $2"; head -5 "$T/$2"; fi
}

for sub in ingest search show stats export eval; do
  check "$sub --help" 0 "$VEILLE" "$sub" --help
  contains "$sub --help mentions --db" out "--db"
done
check "no subcommand" 2 "$VEILLE"
check "unknown flag" 2 "$VEILLE" search --db "$T/x.db" --no-such-flag kaboul
check "missing archive" 4 "$VEILLE" search --db "$T/missing.db" kaboul
contains "missing archive message" err "missing.db"
check "ingest missing path" 2 "$VEILLE" ingest --db "$T/a.db" "$T/nope"

mkdir -p "$T/in/sub"
printf 'Grève au port\n\nLes dockers du port de Sète ont voté la grève jeudi, a annoncé leur syndicat.\n' > "$T/in/a.txt"
printf ' date 2021-03 Le port de Sète a rouvert lundi après trois jours de grève des dockers.\n' > "$T/in/sub/b.txt"
printf '' > "$T/in/empty.txt"
check "ingest with one bad file" 3 "$VEILLE" ingest -q --db "$T/a.db" "$T/in"
contains "summary line" out "stored 2"
check "re-ingest" 3 "$VEILLE" ingest -q --db "$T/a.db" "$T/in"
contains "re-ingest stores nothing" out "stored 0"
check "ingest --json" 3 "$VEILLE" ingest -q --json --db "$T/a.db" "$T/in"
contains "ingest json" out '"stored":0'

check "search" 0 "$VEILLE" search --db "$T/a.db" dockers
contains "search text" out "2 results"
check "search --json" 0 "$VEILLE" search --db "$T/a.db" --json grève
contains "search json total" out '"total":2'
contains "search json hits" out '"snippet":'
check "search bad date" 2 "$VEILLE" search --db "$T/a.db" --since 2021-13-01 port
check "search syntax error" 2 "$VEILLE" search --db "$T/a.db" '"unbalanced'
check "search filters" 0 "$VEILLE" search --db "$T/a.db" --json --since 2021-03-01 --until 2021-03-31 port
contains "search filters result" out '"total":1'
check "show" 0 "$VEILLE" show --db "$T/a.db" a
contains "show title" out "Grève au port"
check "show --json" 0 "$VEILLE" show --db "$T/a.db" --json b
contains "show json date" out '"date":"2021-03"'
check "show missing" 4 "$VEILLE" show --db "$T/a.db" zzz
check "stats" 0 "$VEILLE" stats --db "$T/a.db"
check "stats --json" 0 "$VEILLE" stats --db "$T/a.db" --json
contains "stats json" out '"articles":2'
check "export" 0 "$VEILLE" export --db "$T/a.db" --format jsonl
[ "$(wc -l < "$T/out")" = 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL export: want 2 lines"; }
contains "export fields" out '"duplicate_of":null'
check "export bad format" 2 "$VEILLE" export --db "$T/a.db" --format xml
printf '{"articles":{"a":{"language":"fr","title":"Grève au port"}},"search":[{"query":"dockers","must_match":["a","b"]}]}' > "$T/gold.json"
check "eval" 0 "$VEILLE" eval --db "$T/a.db" --gold "$T/gold.json"
contains "eval table" out "search checks"
check "eval --json" 0 "$VEILLE" eval --db "$T/a.db" --gold "$T/gold.json" --json
contains "eval json" out '"all_pass": true'
printf '{"articles":{"a":{"language":"en"}}}' > "$T/gold2.json"
check "eval --strict failing" 5 "$VEILLE" eval --db "$T/a.db" --gold "$T/gold2.json" --strict

# --watch: keeps running, ingests what appears, stops cleanly on SIGTERM.
mkdir -p "$T/watch"
printf 'Grève au port\n\nLes dockers du port de Sète ont voté la grève jeudi.\n' > "$T/watch/w1.txt"
"$VEILLE" ingest -q --watch 1 --cache-mb 16 --db "$T/w.db" "$T/watch" >"$T/watch.out" 2>"$T/watch.err" &
WPID=$!
for _ in $(seq 50); do grep -q "stored 1" "$T/watch.out" 2>/dev/null && break; sleep 0.2; done
contains "watch: first run" watch.out "stored 1"
printf 'Marché\n\nLe marché aux poissons de Sète ouvre plus tôt cet été, annonce la mairie.\n' > "$T/watch/w2.txt"
for _ in $(seq 60); do [ "$(grep -c 'stored 1' "$T/watch.out")" -ge 2 ] && break; sleep 0.2; done
[ "$(grep -c 'stored 1' "$T/watch.out")" -ge 2 ] && pass=$((pass + 1)) ||
  { fail=$((fail + 1)); echo "FAIL watch: the new file was not ingested"; cat "$T/watch.out" "$T/watch.err"; }
kill -TERM "$WPID"
wait "$WPID"
code=$?
[ "$code" = 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL watch: exit $code after SIGTERM"; }
check "watch: both stored" 0 "$VEILLE" stats --db "$T/w.db" --json
contains "watch: stats" out '"articles":2'
check "watch: bad interval" 2 "$VEILLE" ingest --watch 0 --db "$T/w.db" "$T/watch"

# crawl --daemon: rounds until SIGTERM, which ends it cleanly (exit 130)
# after the current fetches, with what it fetched stored. A feed served on
# 127.0.0.1 by python3's http.server.
mkdir -p "$T/site"
cat > "$T/site/feed.xml" <<'FEED'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Le Courrier de Sète</title><link>http://127.0.0.1:PORT/</link>
<item><title>Les dockers de Sète votent la grève</title><link>http://127.0.0.1:PORT/a/greve.html</link>
<pubDate>Thu, 12 Aug 2021 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>Les dockers du port de Sète ont voté jeudi une grève de trois jours contre la réforme des horaires, a annoncé leur syndicat.</p><p>Le trafic des ferries vers le Maroc sera perturbé jusqu'à dimanche.</p>]]></content:encoded></item>
</channel></rss>
FEED
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/127.0.0.1:PORT/127.0.0.1:$PORT/g" "$T/site/feed.xml"
mkdir -p "$T/site/a"
printf '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Les dockers de Sète votent la grève</title></head><body><article><h1>Les dockers de Sète votent la grève</h1><p>Les dockers du port de Sète ont voté jeudi une grève de trois jours contre la réforme des horaires, a annoncé leur syndicat.</p><p>Le trafic des ferries vers le Maroc sera perturbé jusqu’à dimanche, selon la capitainerie.</p></article></body></html>' >"$T/site/a/greve.html"
(cd "$T/site" && exec python3 -m http.server --bind 127.0.0.1 "$PORT" >/dev/null 2>&1) &
HPID=$!
for _ in $(seq 50); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/feed.xml')" 2>/dev/null && break; sleep 0.1; done
check "crawl: sources add" 0 "$VEILLE" sources add "http://127.0.0.1:$PORT/feed.xml" --every 15m --db "$T/c.db"
"$VEILLE" crawl --daemon -q --delay 0 --no-entities --no-quotes --warc-dir "$T/warc" --db "$T/c.db" >"$T/crawl.out" 2>"$T/crawl.err" &
CPID=$!
for _ in $(seq 300); do grep -q "new articles" "$T/crawl.out" 2>/dev/null && break; sleep 0.2; done
contains "crawl --daemon: a round" crawl.out "new articles 1"
kill -TERM "$CPID"
wait "$CPID"
code=$?
kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null
[ "$code" = 130 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL crawl --daemon: exit $code after SIGTERM"; cat "$T/crawl.out" "$T/crawl.err"; }
check "crawl --daemon: stored" 0 "$VEILLE" stats --db "$T/c.db" --json
contains "crawl --daemon: stats" out '"articles":1'
ls "$T/warc"/*.warc.gz >/dev/null 2>&1 && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL crawl --daemon: no WARC file"; }

# Accounts, tokens and the audit log.
check "audit without accounts" 0 "$VEILLE" audit --db "$T/a.db"
check "users add" 0 "$VEILLE" users add bob --role editor --db "$T/a.db"
check "users add twice" 2 "$VEILLE" users add bob --db "$T/a.db"
check "users add bad role" 2 "$VEILLE" users add carol --role root --db "$T/a.db"
check "users add bad name" 2 "$VEILLE" users add "c d" --db "$T/a.db"
check "tokens create" 0 "$VEILLE" tokens create bob --expires 30d --label ci --db "$T/a.db"
TOKEN=$(cat "$T/out")
[[ "$TOKEN" =~ ^veille_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$ ]] && pass=$((pass + 1)) ||
  { fail=$((fail + 1)); echo "FAIL tokens create: '$TOKEN' is not a token"; }
contains "tokens create says once" err "shown only this once"
check "tokens create unknown user" 4 "$VEILLE" tokens create nobody --db "$T/a.db"
check "tokens create bad expiry" 2 "$VEILLE" tokens create bob --expires 3y --db "$T/a.db"
check "users list --json" 0 "$VEILLE" users list --json --db "$T/a.db"
contains "users list" out '"name":"bob","role":"editor"'
contains "users list live tokens" out '"tokens":1'
check "tokens list" 0 "$VEILLE" tokens list bob --db "$T/a.db"
contains "tokens list label" out "ci"
if grep -qF "${TOKEN:24}" "$T/out" || sqlite3 "$T/a.db" .dump | grep -qF "${TOKEN:24}"; then
  fail=$((fail + 1)); echo "FAIL the token's secret is stored or listed"
else pass=$((pass + 1)); fi
check "tokens revoke" 0 "$VEILLE" tokens revoke "$TOKEN" --db "$T/a.db"
check "tokens revoke twice" 2 "$VEILLE" tokens revoke "${TOKEN:7:16}" --db "$T/a.db"
check "tokens revoke unknown" 4 "$VEILLE" tokens revoke 0123456789abcdef --db "$T/a.db"
check "audit" 0 "$VEILLE" audit --db "$T/a.db" --action 'tokens *' --json
contains "audit revoke" out '"action":"tokens revoke"'
contains "audit create" out '"action":"tokens create"'
check "audit since" 0 "$VEILLE" audit --db "$T/a.db" --since 1h
contains "audit users add" out "users add bob"
check "audit bad since" 2 "$VEILLE" audit --db "$T/a.db" --since 3y
check "users remove" 0 "$VEILLE" users remove bob --db "$T/a.db"
check "users remove unknown" 4 "$VEILLE" users remove bob --db "$T/a.db"
# Without accounts, serve refuses to listen beyond loopback (nothing binds).
check "serve beyond loopback without accounts" 2 "$VEILLE" serve --db "$T/a.db" --bind 0.0.0.0 --port 0
contains "serve refusal says how" err "--insecure-no-auth"

# Time expressions: `veille timex` prints offsets, type, value and words;
# `veille eval-time` scores a TimeML folder (a one-document corpus here).
printf 'Les talibans ont pris Herat hier soir, trois jours après Kandahar.\n' > "$T/t.txt"
check "timex" 0 "$VEILLE" timex --anchor 2021-08-14 "$T/t.txt"
contains "timex hier soir" out "TIME	2021-08-13TEV	hier soir"
contains "timex duration" out "DURATION	P3D	trois jours"
check "timex missing file" 4 "$VEILLE" timex "$T/none.txt"
mkdir -p "$T/tml"
printf '<TimeML><DCT><TIMEX3 tid="t1" type="DATE" value="2021-08-14" /></DCT><TEXT>Herat est tomb\xc3\xa9e <TIMEX3 tid="t2" type="TIME" value="2021-08-13TEV">hier soir</TIMEX3>.</TEXT></TimeML>\n' > "$T/tml/a.tml"
check "eval-time" 0 "$VEILLE" eval-time --format timeml --half 0 --json "$T/tml"
contains "eval-time value" out '"value_f1":1.0000'
check "eval-time empty folder" 4 "$VEILLE" eval-time "$T/in/sub"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
