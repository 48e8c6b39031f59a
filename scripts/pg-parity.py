#!/usr/bin/env python3
"""Search parity between two archives (scripts/pg-test.sh, docs/postgresql.md).

Runs every query of a query file (bench/queries.txt: the query, then
TAB-separated CLI filters) with `veille search --json -n 10` against archive A
and archive B, and prints the share of queries whose top-10 ids are identical,
in order. Scores are compared too (relative difference). Exit status 1 if the
share is under --min.

Usage: pg-parity.py VEILLE A B [--queries FILE] [--min 0.95] [--limit N]
"""
import argparse
import json
import subprocess
import sys


def search(veille, db, query, filters):
    r = subprocess.run([veille, "search", "--db", db, "--json", "-n", "10", *filters, "--", query],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return ("error", r.stderr.strip().splitlines()[-1:] or [""])
    j = json.loads(r.stdout)
    return (j.get("total"), [(h["id"], h.get("score", 0)) for h in j.get("hits", [])])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("veille")
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--queries", default="bench/queries.txt")
    ap.add_argument("--min", type=float, default=0.95)
    ap.add_argument("--limit", type=int, default=0, help="first N queries only")
    args = ap.parse_args()
    queries = []
    for line in open(args.queries, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        filters = []
        for f in parts[1:]:
            filters += f.split(" ", 1)
        queries.append((parts[0], filters))
    if args.limit:
        queries = queries[: args.limit]
    same = same_total = 0
    worst = 0.0
    for q, filters in queries:
        ta, ha = search(args.veille, args.a, q, filters)
        tb, hb = search(args.veille, args.b, q, filters)
        ids_a, ids_b = [h[0] for h in ha], [h[0] for h in hb]
        if ta == tb:
            same_total += 1
        if ids_a == ids_b and ta == tb:
            same += 1
            for (_, sa), (_, sb) in zip(ha, hb):
                if sa:
                    worst = max(worst, abs(sa - sb) / abs(sa))
        else:
            print(f"differs: {q!r} {filters}: total {ta} vs {tb}\n  A {ids_a}\n  B {ids_b}")
    n = len(queries)
    share = same / n if n else 1.0
    print(f"search parity: top-10 identical for {same}/{n} queries ({100 * share:.1f} %), "
          f"totals equal for {same_total}/{n}, largest relative score difference {worst:.2e}")
    sys.exit(0 if share >= args.min else 1)


if __name__ == "__main__":
    main()
