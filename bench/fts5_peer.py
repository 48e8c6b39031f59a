#!/usr/bin/env python3
"""Search latency of a bare SQLite FTS5 index of the OrangeSum texts: the peer
that `make bench` compares veille-search-bench with.

Usage:
    python3 bench/fts5_peer.py --corpus CORPUS --db PEER.db [--queries bench/queries.txt]
                               [--rounds 3] [--slowest N]

Builds PEER.db once (again when the corpus is newer): one FTS5 table with the
title and text of every article whose text is not an exact duplicate of an
earlier one (case and white space normalised, as Veille stores them), with
SQLite's standard tokenizer `unicode61 remove_diacritics 2` (case and accent
folding, no stemming, no stop words) and the same ranking as Veille (bm25,
title weight 3). Dates are an UNINDEXED column, for the date filters.

Then runs every query of the query file (Veille syntax, translated to FTS5
syntax: words, "phrases", OR, -exclusion, prefix*) the way a search page
does: the ten best hits by rank with their title and an FTS5 snippet(), and
the total when the page is full -- what `veille search` returns. `--lang`
filters are dropped (the corpus is all French). The first round warms the
caches and is not counted. Prints the same latency and CPU-time lines as
veille-search-bench, for "page" (the above) and "top10" (ten rowids by rank
only, no snippet, no total).

Standard library only (sqlite3 with FTS5, as Debian's Python has).
"""
import argparse
import gzip
import json
import os
import re
import sqlite3
import sys
import time


def build(corpus, db):
    if os.path.exists(db) and os.path.getmtime(db) >= os.path.getmtime(corpus):
        return
    tmp = db + ".tmp"
    for p in (tmp, tmp + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    con = sqlite3.connect(tmp)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, date UNINDEXED, "
                "tokenize='unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO docs(docs, rank) VALUES('rank', 'bm25(3.0, 1.0)')")
    seen = set()
    rows = []
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = d.get("text") or ""
            key = " ".join(text.lower().split())
            if key in seen:
                continue
            seen.add(key)
            rows.append((d.get("title") or "", text, d.get("date") or None))
    t0 = time.perf_counter()
    con.executemany("INSERT INTO docs(title, body, date) VALUES(?, ?, ?)", rows)
    con.commit()
    dt = time.perf_counter() - t0
    con.close()
    os.replace(tmp, db)
    print(f"fts5 peer: indexed {len(rows)} articles in {dt:.2f} s "
          f"({len(rows) / dt:.0f} articles/s) into {db}", file=sys.stderr)


TOKEN = re.compile(r'\s*(?:(-)?"([^"]*)"(\*)?|(\()|(\))|(-)?([^\s()"]+))')


def to_fts5(query):
    """Veille query syntax -> FTS5 MATCH syntax (every term quoted)."""
    out = []
    pending_not = False
    for m in TOKEN.finditer(query):
        neg_phrase, phrase, star, lp, rp, neg_word, word = m.groups()
        if lp or rp:
            out.append(lp or rp)
            continue
        if phrase is not None:
            term = '"' + phrase.replace('"', '""') + '"' + (" *" if star else "")
            neg = bool(neg_phrase)
        else:
            if word in ("OR", "AND"):
                out.append(word)
                continue
            if word == "NOT":
                pending_not = True
                continue
            prefix = word.endswith("*")
            word = word.rstrip("*")
            if not word:
                continue
            term = '"' + word.replace('"', '""') + '"' + (" *" if prefix else "")
            neg = bool(neg_word)
        if neg or pending_not:
            out.append("NOT " + term)
        else:
            out.append(term)
        pending_not = False
    # FTS5 needs an explicit AND before NOT only when NOT is binary: "a NOT b".
    expr = []
    for i, t in enumerate(out):
        if i and t not in ("OR", "AND", ")") and out[i - 1] not in ("OR", "AND", "(") \
                and not t.startswith("NOT "):
            expr.append("AND")
        expr.append(t)
    return " ".join(expr)


def parse_line(line):
    parts = line.rstrip("\n").split("\t")
    if not parts or not parts[0] or parts[0].startswith("#"):
        return None
    filters = {}
    for p in parts[1:]:
        k, _, v = p.partition(" ")
        filters[k] = v
    return parts[0], filters


def date_low(d):
    return d + "-01-01" if len(d) == 4 else d + "-01" if len(d) == 7 else d


def date_high(d):
    return d + "-12-31" if len(d) == 4 else d + "-31" if len(d) == 7 else d


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "queries.txt"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--slowest", type=int, default=0)
    args = ap.parse_args()
    build(args.corpus, args.db)
    con = sqlite3.connect(args.db)
    con.execute("PRAGMA cache_size=-65536")
    con.execute("PRAGMA mmap_size=1073741824")
    queries = []
    with open(args.queries, encoding="utf-8") as f:
        for line in f:
            q = parse_line(line)
            if q:
                queries.append(q)

    def where(filters):
        w, params = "docs MATCH ?", []
        if "--since" in filters:
            w += " AND date >= ?"
            params.append(date_low(filters["--since"]))
        if "--until" in filters:
            w += " AND date <= ?"
            params.append(date_high(filters["--until"]))
        return w, params

    def page(match, filters):
        w, params = where(filters)
        hits = con.execute(
            "SELECT rowid, title, snippet(docs, 1, '[', ']', '…', 30) FROM docs WHERE " + w +
            " ORDER BY rank LIMIT 10", [match] + params).fetchall()
        if len(hits) < 10:
            return len(hits)
        return con.execute("SELECT count(*) FROM docs WHERE " + w, [match] + params).fetchone()[0]

    def top10(match, filters):
        w, params = where(filters)
        return len(con.execute("SELECT rowid FROM docs WHERE " + w + " ORDER BY rank LIMIT 10",
                               [match] + params).fetchall())

    errors = 0
    for name, fn in (("page", page), ("top10", top10)):
        ms, cpu, hits, slow = [], [], 0, []
        for r in range(args.rounds):
            for q, filters in queries:
                match = to_fts5(q)
                t0, c0 = time.perf_counter(), time.thread_time()
                try:
                    n = fn(match, filters)
                except sqlite3.Error as e:
                    if r == 0 and name == "page":
                        errors += 1
                        print(f"query '{q}' ({match}): {e}", file=sys.stderr)
                    continue
                t = (time.perf_counter() - t0) * 1000
                c = (time.thread_time() - c0) * 1000
                if r == 0 and args.rounds > 1:
                    continue
                ms.append(t)
                cpu.append(c)
                hits += n
                slow.append((t, f"{q}  ({n} hits)"))
        print(f"fts5 {name}: {len(queries)} queries x {max(1, args.rounds - 1)} timed rounds, "
              f"{errors} errors, mean {hits / max(1, len(ms)):.0f} hits/query")
        print(f"fts5 {name} latency ms: p50 {pct(ms, .5):.2f}  p90 {pct(ms, .9):.2f}  "
              f"p99 {pct(ms, .99):.2f}  max {pct(ms, 1):.2f}")
        print(f"fts5 {name} cpu ms: p50 {pct(cpu, .5):.2f}  p90 {pct(cpu, .9):.2f}  "
              f"p99 {pct(cpu, .99):.2f}  max {pct(cpu, 1):.2f}")
        for t, s in sorted(slow, reverse=True)[:args.slowest]:
            print(f"  {t:.2f} ms  {s}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
