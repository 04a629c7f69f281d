"""Benchmark of the SQLite toolbox (reader/sqlitedb.py): what its checks cost on the catalogue.

    .venv/bin/python tests/bench/bench_storage.py [--quick]

A catalogue of N rows (written directly, no article files), then, median of many runs:
- a plain ``sqlite3.connect`` + one chunk of list rows (what ``_list_rows`` did before: no check), beside
  ``Catalogue._connect`` (``sqlitedb.open_cache``: busy timeout, ``user_version``, layout probe) + the same;
- ``Catalogue.cached()`` (the start-up read) and its first 20 rows;
- the rebuild of a damaged catalogue (delete, create): what a user waits before the rescan.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_bookmarks import median_ms  # noqa: E402

from reader import sqlitedb  # noqa: E402
from reader.corpus import Catalogue, title_key  # noqa: E402
from reader.passages import PASSAGES_VERSION  # noqa: E402


def median_us(fn, repeat: int) -> float:
    return median_ms(fn, repeat) * 1000


def fill(cat: Catalogue, n: int) -> None:
    rows = [(f"a{i:06d}.md", 100, 1, f"a{i}", f"Titre {i}", f"h{i}", "fr", f"2023-01-{1 + i % 28:02d}", None, None,
             None, 100, None, title_key(f"Titre {i}"), PASSAGES_VERSION) for i in range(n)]
    with closing(cat._connect()) as conn, conn:
        conn.executemany("INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n = 5_000 if args.quick else 50_000
    repeat = 50 if args.quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "arts"
        folder.mkdir()
        cat = Catalogue(folder, db_path=Path(tmp) / "catalogue.sqlite3")
        fill(cat, n)
        names = [f"a{i:06d}.md" for i in range(256)]
        sql = f"SELECT {Catalogue._LIST_COLUMNS} FROM files WHERE name IN ({','.join('?' * len(names))})"

        def plain():
            with closing(sqlite3.connect(cat.db_path, timeout=10)) as conn:
                conn.execute(sql, names).fetchall()

        def checked():
            with closing(cat._connect()) as conn:
                conn.execute(sql, names).fetchall()

        def start():
            metas = cat.cached().articles
            return [metas[i].title for i in range(20)]

        def rebuild():
            cat.db_path.write_bytes(b"garbage" * 100)
            sqlitedb.discard(cat.db_path)
            cat._connect().close()

        print(f"storage (catalogue of {n:,} rows, median of {repeat})")
        a = b = 0.0
        for _ in range(5):  # interleaved: machine load drifts hit both alike
            a += median_us(plain, repeat) / 5
            b += median_us(checked, repeat) / 5
        print(f"  plain connect + 256 list rows     {a:8.0f} µs   (before: no check)")
        print(f"  open_cache    + 256 list rows     {b:8.0f} µs   ({b - a:+.0f} µs: version, probe)")
        print(f"  cached() + first 20 rows          {median_us(start, max(5, repeat // 10)) / 1000:8.1f} ms")
        print(f"  damaged catalogue rebuilt (empty) {median_us(rebuild, max(5, repeat // 10)):8.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
