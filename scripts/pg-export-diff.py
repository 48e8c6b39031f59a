#!/usr/bin/env python3
"""What differs between two `veille export` outputs (scripts/pg-test.sh).

Prints the ids only one side has, then, for the first --limit articles that
differ, each differing field with both values (cut). Exit status 1 if the
exports differ.

Usage: pg-export-diff.py A.jsonl B.jsonl [--limit 5]
"""
import argparse
import json
import sys


def load(path):
    out = {}
    order = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            out[a["id"]] = a
            order.append(a["id"])
    return out, order


def cut(v, n=160):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--limit", type=int, default=5)
    args = ap.parse_args()
    a, order_a = load(args.a)
    b, order_b = load(args.b)
    differ = False
    only_a = [i for i in order_a if i not in b]
    only_b = [i for i in order_b if i not in a]
    if only_a or only_b:
        differ = True
        print(f"only in A: {len(only_a)} {only_a[:5]}; only in B: {len(only_b)} {only_b[:5]}")
    if [i for i in order_a if i in b] != [i for i in order_b if i in a]:
        differ = True
        print("the articles come in another order")
    shown = 0
    fields = {}
    for i in order_a:
        if i not in b or a[i] == b[i]:
            continue
        differ = True
        keys = sorted(k for k in set(a[i]) | set(b[i]) if a[i].get(k) != b[i].get(k))
        for k in keys:
            fields[k] = fields.get(k, 0) + 1
        if shown < args.limit:
            shown += 1
            for k in keys:
                print(f"{i} {k}: A {cut(a[i].get(k))}")
                print(f"{' ' * len(i)} {k}: B {cut(b[i].get(k))}")
    if fields.get("story"):
        # Whether only the story numbers differ (the same articles together).
        def partition(x):
            groups = {}
            for i, art in x.items():
                if i in a and i in b and art.get("story") is not None:
                    groups.setdefault(art["story"], []).append(i)
            return sorted(sorted(g) for g in groups.values())
        same = partition(a) == partition(b)
        print("stories: " + ("the same articles together, other numbers" if same else
                             f"other groupings ({len(partition(a))} stories in A, "
                             f"{len(partition(b))} in B)"))
    if fields:
        print("articles differing, by field: " +
              ", ".join(f"{k} {n}" for k, n in sorted(fields.items())))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
