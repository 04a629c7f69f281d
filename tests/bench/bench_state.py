"""Benchmark of the reading state (reader/state/store.py) at the sizes heavy readers keep.

    .venv/bin/python tests/bench/bench_state.py [--quick]

For N ids (10,000 and 50,000; 70,000 too without --quick), a third of them read and a seventh
starred: ``states()`` and ``unread_count()`` of all N, ``mark_all_read()`` of all N (two thirds
change) and its ``undo()``, and one ``state()`` (what one row of a list would cost). Each figure is
the median of runs interleaved with two baselines on the same database and a new connection, as the
store opens one per call: a bare ``SELECT count(*)`` (the floor of any call) and a full scan
fetching every row (the floor of reading N states).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.state.store import StateStore  # noqa: E402


def _count(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("SELECT count(*) FROM state").fetchone()
    conn.close()


def _scan(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("SELECT id, read, starred, read_hash FROM state").fetchall()
    conn.close()


def bench(n: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "reading.sqlite3"
        store = StateStore(db)
        ids = [f"2024-{i:06d}-some-article-slug" for i in range(n)]
        hashes = {i: f"{k:024x}" for k, i in enumerate(ids)}
        store.mark_all_read(ids[::3], hashes)
        store.mark_all(ids[::7], "star")
        cases = {
            "SELECT count(*) (baseline)": lambda: _count(db),
            "full scan of rows (baseline)": lambda: _scan(db),
            "state(one id)": lambda: store.state(ids[n // 2]),
            "states(all)": lambda: store.states(ids),
            "unread_count(all)": lambda: store.unread_count(ids),
        }
        times: dict[str, list[float]] = {k: [] for k in cases}
        times["mark_all_read(all)"] = []
        times["undo of it"] = []
        for _ in range(runs):
            for name, fn in cases.items():
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
            t = time.perf_counter()
            token = store.mark_all_read(ids, hashes)
            times["mark_all_read(all)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            store.undo(token)
            times["undo of it"].append(time.perf_counter() - t)
        assert token.count == n - len(ids[::3])
        floor = statistics.median(times["SELECT count(*) (baseline)"])
        scan = statistics.median(times["full scan of rows (baseline)"])
        print(f"\n{n:,} ids ({len(ids[::3]):,} read, {len(ids[::7]):,} starred; mark_all_read changes "
              f"{token.count:,}), median of {runs}")
        print(f"  {'':<30} {'ms':>8} {'x count(*)':>11} {'x scan':>8}")
        for name, values in times.items():
            ms = statistics.median(values)
            print(f"  {name:<30} {ms * 1000:>8.1f} {ms / floor:>11.1f} {ms / scan:>8.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 70,000")
    args = parser.parse_args(argv)
    for n in [10_000, 50_000] if args.quick else [10_000, 50_000, 70_000]:
        bench(n, 3 if args.quick else 9)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
