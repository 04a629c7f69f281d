"""Benchmark of what the reading loop of the UI (reader/ui/controllers/reading.py) does on each key, at 10,000
and 50,000 articles in the list (70,000 too without --quick).

    .venv/bin/python tests/bench/bench_reading.py [--quick]

In the event loop, on every change (open, r, f): the header's unread count (``unread_in``) and, for
``.``/space, the search for the next unread (``next_unread``) in its worst case (every article read
but the one just before the cursor: the whole list is scanned). Beside them, the floor of any pass
over the list: a bare loop over the ids. In the writer thread: one ``set_read`` (the SQLite commit
with synchronous=FULL, what a key costs on disk, off the event loop). Medians of interleaved runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.state.store import StateStore
from reader.ui.controllers.reading import next_unread, unread_in


def _loop(ids: list[str]) -> int:
    n = 0
    for _ in ids:
        n += 1
    return n


def bench(n: int, runs: int, store: StateStore) -> None:
    ids = [f"2024-{i:06d}-some-article-slug" for i in range(n)]
    third = set(ids[::3])
    all_but_one = set(ids) - {ids[n // 2 - 1]}
    cases = {
        "bare loop over the ids (floor)": lambda: _loop(ids),
        "unread_in (a third read)": lambda: unread_in(ids, third),
        "next_unread (a third read)": lambda: next_unread(ids, third, n // 2),
        "next_unread worst case": lambda: next_unread(ids, all_but_one, n // 2),
        "writer: set_read(one id)": lambda: store.set_read(ids[n // 2], True, "h" * 24),
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    assert next_unread(ids, all_but_one, n // 2) == n // 2 - 1
    floor = statistics.median(times["bare loop over the ids (floor)"])
    print(f"\n{n:,} articles in the list, median of {runs}")
    print(f"  {'':<34} {'ms':>8} {'x floor':>8}")
    for name, values in times.items():
        ms = statistics.median(values)
        print(f"  {name:<34} {ms * 1000:>8.2f} {ms / floor:>8.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 70,000")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = StateStore(Path(tmp) / "reading.sqlite3")
        for n in [10_000, 50_000] if args.quick else [10_000, 50_000, 70_000]:
            bench(n, 5 if args.quick else 15, store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
