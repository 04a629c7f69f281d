"""Corpus scan cost of issue 10's hardening: the recursive listing (sub-folders, .markdown, a
regular-file check) against the flat ``*.md`` listing it replaced, and the catalogue's change
check (``unchanged()``, every 20 s in the UI) and warm refresh on the same folder.

    .venv/bin/python tests/bench/bench_limits_corpus.py [--quick]

Median of several runs, in-process, isolated cache. The baseline is the old listing, copied below.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def old_list_md(folder: Path) -> list[os.DirEntry]:
    """The listing before issue 10 (one folder, names only)."""
    entries = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.endswith(".md") and not entry.name.startswith("."):
                entries.append(entry)
    entries.sort(key=lambda e: e.name)
    return entries


def _write(folder: Path, n: int, subfolders: int) -> Path:
    folder.mkdir(parents=True)
    dirs = [folder] if not subfolders else [folder / "feeds" / f"feed{k:02}" for k in range(subfolders)]
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (dirs[i % len(dirs)] / f"a{i:05}.md").write_text(
            f"---\nid: a{i}\ntitle: Article {i}\npublished: 2023-01-{1 + i % 28:02}\n---\nTexte {i}.\n")
    return folder


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else 10_000
    runs = 5 if args.quick else 9
    with tempfile.TemporaryDirectory(prefix="reader-bench-corpus-") as tmp:
        os.environ.update(XDG_CACHE_HOME=tmp, XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp)
        from reader.corpus import Catalogue, list_articles

        flat = _write(Path(tmp) / "flat", n, 0)
        nested = _write(Path(tmp) / "nested", n, 20)
        print(f"corpus listing, {n:,} articles (median of {runs})")
        base = _median(lambda: old_list_md(flat), runs)
        new_flat = _median(lambda: list_articles(flat), runs)
        new_nested = _median(lambda: list_articles(nested), runs)
        print(f"  old flat listing (baseline)        {base * 1000:7.1f} ms")
        print(f"  list_articles, one folder          {new_flat * 1000:7.1f} ms   ratio {new_flat / base:4.2f}")
        print(f"  list_articles, 20 sub-folders      {new_nested * 1000:7.1f} ms   ratio {new_nested / base:4.2f}")
        for name, folder in (("one folder", flat), ("20 sub-folders", nested)):
            cat = Catalogue(folder)
            t0 = time.perf_counter()
            cat.refresh()
            cold = time.perf_counter() - t0
            unchanged = _median(cat.unchanged, runs)
            warm = _median(cat.refresh, runs)
            print(f"  catalogue, {name:15}  cold refresh {cold * 1000:7.0f} ms, unchanged() "
                  f"{unchanged * 1000:6.1f} ms, warm refresh {warm * 1000:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
