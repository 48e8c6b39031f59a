#!/usr/bin/env python3
"""Table-by-table parity of two archives (scripts/pg-test.sh).

Each archive is a SQLite file or a PostgreSQL URI (read with psql). Every
table the archive schema has on both backends is read whole, each row as
text (numbers rounded to 12 significant digits, blobs in hex), sorted, and
compared: the same multiset of rows, or the first differences. Left out:
the full-text and reuse indexes (FTS5 tables on SQLite, tsvector and B-tree
tables on PostgreSQL: compared through search and export instead), the
backend's own bookkeeping (article_ids, fts_stats, partitions), and columns
holding the time of writing (ingested_at, started_at, ...), which differ
between any two runs.

Usage: pg-tables.py A B [--tables t1,t2] [--skip-columns c1,t.c2] [--skip-tables t3]
Exit status 1 if a table differs.
"""
import argparse
import csv
import io
import os
import sqlite3
import subprocess
import sys

# Tables that hold indexes or bookkeeping of one backend only.
SKIP_TABLES = {
    "article_ids", "fts_stats", "articles_fts", "quotes_fts", "reuse_index", "reuse_keys",
    "line_counts",
}
# Columns that say when something was written.
TIME_COLUMNS = {
    "ingested_at", "started_at", "finished_at", "updated_at", "stored_at", "at", "created",
    "created_at", "added_at", "fetched_at", "last_fetch", "last_success", "last_error_at",
    "next_due", "expires", "last_used", "revoked_at", "first_fetched_at",
}
# Columns PostgreSQL adds: the month an article's partition is chosen by.
PG_COLUMNS = {"articles": {"month"}}
# Columns whose content records times too (an ingest run's summary: seconds).
OTHER_COLUMNS = {("ingest_runs", "summary"), ("ingest_runs", "inputs"), ("meta", "value")}


def norm(v):
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, float):
        return f"{v:.12g}"
    s = str(v)
    try:
        f = float(s)
        if "." in s or "e" in s.lower():
            return f"{f:.12g}"
    except ValueError:
        pass
    return s


class Sqlite:
    def __init__(self, path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def tables(self):
        rows = self.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        return {n for n, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")
                and not any(n.startswith(v + "_") for v in ("articles_fts", "quotes_fts",
                                                            "reuse_index"))}

    def columns(self, table):
        return [r[1] for r in self.db.execute(f'PRAGMA table_xinfo("{table}")')]

    def rows(self, table, cols):
        q = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{table}"'
        return [tuple(norm(v) for v in r) for r in self.db.execute(q)]


class Pg:
    def __init__(self, uri):
        self.uri = uri
        self.psql = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")

    def query(self, q):
        r = subprocess.run([self.psql, "-X", "-d", self.uri, "--csv", "-c", q],
                           capture_output=True, text=True, check=True)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        return rows[0] if rows else [], rows[1:]

    def tables(self):
        _, rows = self.query(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition")
        return {r[0] for r in rows}

    def columns(self, table):
        _, rows = self.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            f"current_schema() AND table_name = '{table}' ORDER BY ordinal_position")
        return [r[0] for r in rows]

    def rows(self, table, cols):
        # NULL as \N, bytea as hex without its \x, numbers as text.
        sel = []
        for c in cols:
            sel.append(f"""CASE WHEN "{c}" IS NULL THEN '\\N' ELSE
                CASE WHEN pg_typeof("{c}") = 'bytea'::regtype THEN encode("{c}"::text::bytea, 'hex')
                ELSE "{c}"::text END END""")
        _, rows = self.query("SELECT " + ", ".join(sel) + f' FROM "{table}"')
        out = []
        for r in rows:
            out.append(tuple(norm(None if v == "\\N" else v) for v in r))
        return out


def open_archive(where):
    return Pg(where) if where.startswith("postgres") else Sqlite(where)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tables", default="", help="only these tables")
    ap.add_argument("--skip-columns", default="", help="table.column or column, comma-separated")
    ap.add_argument("--skip-tables", default="", help="tables left out, comma-separated")
    args = ap.parse_args()
    a, b = open_archive(args.a), open_archive(args.b)
    skip_cols = {c for c in args.skip_columns.split(",") if c}
    skip_tables = SKIP_TABLES | {t for t in args.skip_tables.split(",") if t}
    names = sorted((a.tables() & b.tables()) - skip_tables)
    only = [t for t in args.tables.split(",") if t]
    if only:
        names = [t for t in names if t in only]
    missing = sorted((a.tables() ^ b.tables()) - skip_tables)
    differ = 0
    total = 0
    for t in names:
        ca, cb = a.columns(t), b.columns(t)
        cols = [c for c in ca if c in cb and c not in TIME_COLUMNS and c not in skip_cols
                and f"{t}.{c}" not in skip_cols and (t, c) not in OTHER_COLUMNS]
        if set(ca) - PG_COLUMNS.get(t, set()) != set(cb) - PG_COLUMNS.get(t, set()):
            print(f"{t}: columns differ: {sorted(set(ca) ^ set(cb))}")
            differ += 1
        ra, rb = sorted(a.rows(t, cols)), sorted(b.rows(t, cols))
        total += len(ra)
        if ra != rb:
            differ += 1
            sa, sb = set(ra), set(rb)
            print(f"{t}: {len(ra)} rows in A, {len(rb)} in B; "
                  f"{len(sa - sb)} only in A, {len(sb - sa)} only in B ({', '.join(cols)})")
            for r in sorted(sa - sb)[:2]:
                print("  A: " + " | ".join(x[:60] for x in r))
            for r in sorted(sb - sa)[:2]:
                print("  B: " + " | ".join(x[:60] for x in r))
    for t in missing:
        print(f"{t}: in one archive only")
    print(f"tables: {len(names) - differ} of {len(names)} identical ({total} rows)"
          + (f"; {len(missing)} in one only: {', '.join(missing)}" if missing else ""))
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
