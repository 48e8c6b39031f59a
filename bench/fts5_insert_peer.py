#!/usr/bin/env python3
"""The bare-FTS5 baseline of `make bench`'s ingest figures: inserts the title
and text of every article of a JSONL(.gz) corpus into one FTS5 table
(SQLite's standard `unicode61 remove_diacritics 2` tokenizer, no analysis,
no other table), 2,000 articles per transaction as `veille ingest` commits,
WAL mode, from reading the compressed file to the last commit. Prints one
line: articles, seconds, articles/s, MB/s of text.

Usage: bench/fts5_insert_peer.py CORPUS DB
Standard library only (Debian's Python has sqlite3 with FTS5).
"""
import gzip
import json
import os
import sqlite3
import sys
import time


def main():
    corpus, db = sys.argv[1], sys.argv[2]
    for p in (db, db + "-wal", db + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    t0 = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, "
                "tokenize='unicode61 remove_diacritics 2')")
    opener = gzip.open if corpus.endswith(".gz") else open
    n = 0
    text_bytes = 0
    con.execute("BEGIN")
    with opener(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = d.get("text") or ""
            text_bytes += len(text.encode("utf-8"))
            con.execute("INSERT INTO docs(title, body) VALUES(?, ?)", (d.get("title") or "", text))
            n += 1
            if n % 2000 == 0:
                con.execute("COMMIT")
                con.execute("BEGIN")
    con.execute("COMMIT")
    con.close()
    secs = time.perf_counter() - t0
    print(f"bare FTS5 insert: {n} articles in {secs:.2f} s ({n / secs:.0f} articles/s, "
          f"{text_bytes / 1e6 / secs:.1f} MB/s)")


if __name__ == "__main__":
    main()
