"""Benchmark of ``reader import-newsboat`` on a generated cache.db (newsboat's schema,
tests/helpers/newsboat_cache.py): 5,000 items with --quick, 50,000 without, over 8 feeds.

    .venv/bin/python tests/bench/bench_newsboat.py [--quick]

Timed, wall and CPU, each step after the previous one:
- import: urls + cache.db → articles, fetch state, reading state (no network);
- to listed: the catalogue refresh (what ``reader list`` and the app's list need);
- to searchable: the search stage of ingest (``update_index``);
- to annotated: the entity stage (``annotate_missing``), measured on a sample of
  :data:`SAMPLE` articles and extrapolated to all of them (said so in the output);
- a second import (nothing to do: the idempotent path).
XDG dirs point into a temporary folder: nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SAMPLE = 2000
FEEDS = 8


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n = 5000 if args.quick else 50000
    sample = 500 if args.quick else SAMPLE
    with tempfile.TemporaryDirectory(prefix="bench-newsboat-") as tmp:
        tmp = Path(tmp)
        saved = {v: os.environ.get(v) for v in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
                                                 "XDG_STATE_HOME", "READER_ARTICLES")}
        for v in saved:
            if v.startswith("XDG_"):
                (tmp / v).mkdir()
                os.environ[v] = str(tmp / v)
        os.environ.pop("READER_ARTICLES", None)
        try:
            _run(tmp, n, sample)
        finally:
            for v, value in saved.items():
                if value is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = value


def _run(tmp: Path, n: int, sample: int) -> None:
    from helpers.newsboat_cache import generate

    from reader.cli import main as cli
    from reader.corpus import Catalogue

    base = "http://127.0.0.1:9"
    cache, urls, folder = tmp / "cache.db", tmp / "urls", tmp / "library"
    items = generate(cache, base, n, FEEDS)
    urls.write_text("".join(f"{base}/f{k}.xml tag{k % 3}\n" for k in range(FEEDS)))
    argv = ["import-newsboat", "--articles", str(folder), "--urls", str(urls), "--cache", str(cache)]
    print(f"newsboat import, {n:,} items over {FEEDS} feeds")

    def run_import():
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert cli(argv) == 0

    _, w, c = timed(run_import)
    print(f"  import                 {w:8.2f} s wall {c:8.2f} s CPU   ({n / w:,.0f} items/s)")
    scan, w2, c2 = timed(lambda: Catalogue(folder).refresh())
    metas = scan.articles
    print(f"  to listed (catalogue)  {w2:8.2f} s wall {c2:8.2f} s CPU   {len(metas):,} articles"
          f"   (import + list: {w + w2:.2f} s)")
    from reader.search.index import update_index

    _, w3, c3 = timed(lambda: update_index(folder, metas))
    print(f"  to searchable (index)  {w3:8.2f} s wall {c3:8.2f} s CPU   (from import: {w + w2 + w3:.2f} s)")
    from reader.nlp.ingest import annotate_missing

    annotate_missing(metas[:20], whole_corpus=False)  # loads the models: not counted
    part = metas[20:20 + sample]
    done, w4, c4 = timed(lambda: annotate_missing(part, whole_corpus=False))
    per = w4 / max(1, done)
    est = per * len(metas)
    print(f"  annotation sample      {w4:8.2f} s wall {c4:8.2f} s CPU   {done:,} articles ({per * 1000:.0f} ms each)")
    print(f"  to annotated           {est:8.0f} s wall (EXTRAPOLATED from the {done:,}-article sample to "
          f"{len(metas):,}; from import: {w + w2 + w3 + est:.0f} s)")
    _, w5, c5 = timed(run_import)
    print(f"  second import          {w5:8.2f} s wall {c5:8.2f} s CPU   (nothing new)")
    _fetch_baseline(tmp, items)


def _fetch_baseline(tmp: Path, items) -> None:
    """Baseline: the same entries fetched from loopback feeds into a fresh library (the feed's text
    only, as the import: no page fetched)."""
    from helpers.feedserver import FeedServer
    from helpers.newsboat_cache import feed_rss

    from reader.cli import main as cli

    folder = tmp / "fetched"
    with FeedServer() as srv:
        base = "http://127.0.0.1:9"
        lines = []
        for k in range(FEEDS):
            body = feed_rss(items, f"{base}/f{k}.xml", f"Gazette {k}").replace(base, srv.url("").rstrip("/"))
            srv.add(f"/f{k}.xml", body, content_type="application/rss+xml")
            lines.append(srv.url(f"/f{k}.xml") + " +full-text=never")  # the feed's text, as imported
        (tmp / "urls.fetch").write_text("\n".join(lines) + "\n")

        def run():
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                assert cli(["feeds", "--articles", str(folder), "import", str(tmp / "urls.fetch")]) == 0
                assert cli(["fetch", "--articles", str(folder), "--all"]) == 0

        _, w, c = timed(run)
    n = sum(1 for _ in (folder / "feeds").rglob("*.md"))
    print(f"  baseline: fetch        {w:8.2f} s wall {c:8.2f} s CPU   the same entries from loopback feeds "
          f"({n:,} articles written)")


if __name__ == "__main__":
    main()
