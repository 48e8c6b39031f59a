#!/usr/bin/env python3
"""Aggregates `perf script` output (recorded with call graphs) per thread and
per phase: a sample belongs to the first function, from the leaf up, whose
name contains one of the markers (one per line in MARKERS), else to "other".

Usage: perf script -i perf.data -F comm,tid,time,ip,sym | scripts/perf-phases.py MARKERS
"""
import collections
import sys


def samples(lines):
    cur = None
    for line in lines:
        if not line.strip():
            if cur:
                yield cur
            cur = None
        elif not line.startswith((" ", "\t")):
            cur = {"comm": line.split()[0], "frames": []}
        elif cur is not None:
            f = line.strip().split(" ", 1)
            cur["frames"].append(f[1] if len(f) > 1 else f[0])
    if cur:
        yield cur


def main():
    markers = [m.strip() for m in open(sys.argv[1]) if m.strip() and not m.startswith("#")]
    by = collections.defaultdict(collections.Counter)
    total = 0
    for s in samples(sys.stdin):
        total += 1
        phase = next((m for fr in s["frames"] for m in markers if m in fr), "other")
        by[s["comm"]][phase] += 1
    print(f"{total} samples")
    for comm, c in sorted(by.items()):
        n = sum(c.values())
        print(f"== thread {comm}: {n} samples ({100 * n / max(total, 1):.1f} % of all)")
        for k, v in c.most_common():
            print(f"   {100 * v / n:5.1f} %  {k}")


if __name__ == "__main__":
    main()
