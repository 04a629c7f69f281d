"""List filter benchmark (reader/listfilter): what one keystroke in the filter box costs.

    .venv/bin/python tests/bench/bench_filter.py [--quick] [--sizes 10000,50000]

For each size N: a corpus of N short articles (front matter: language, date, source, feed; ~60 words
from tests/bench/gencorpus.py's vocabulary) under ``bench-corpora/filter-<N>/``, its catalogue and
search index in an isolated cache ``bench-corpora/filter-cache-<N>/`` (both reused when present),
a third of the articles read and a seventh starred in an isolated reading state. Each figure is the
median of runs of :meth:`FilterContext.apply` over all N ids (list order) — metadata-only filters,
state filters, text filters (through the search index), combined ones — beside the **baseline**: a
bare pass over the N ids (``[i for i in ids if i]``: the floor of anything that looks at every
row). Also: the first filter of a session (the catalogue's columns read), the sorts, saved-search
counts, and typing a combined filter one character at a time (every prefix, errors included).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCH = ROOT / "bench-corpora"
FEEDS = [f"https://feeds{k}.example/{'rss' if k % 2 else 'atom.xml'}" for k in range(40)]
TAGS = ["tech", "news", "sport", "culture", "eco", "monde"]

METADATA = ["lang:fr", "date:2023", "date:[2021-03 to 2022-06]", "source:hebdo", 'feed:feeds7.example',
            "tag:tech", "new", "lang:en OR tag:sport", "-lang:fr date:>2022"]
STATE = ["unread", "starred", "unread starred", "-unread OR starred"]
TEXT = ["plateforme", "marché gouvernement", '"intelligence artificielle"', "régul*", "tarifcation~",
        "title:réforme", "énergie -climat"]
COMBINED = ["unread plateforme", "unread lang:fr date:[2021 to 2023] marché -tag:sport",
            "(starred OR new) énergie", "unread (tag:tech OR tag:eco) \"intelligence artificielle\" date:>2021"]
TYPED = "unread lang:fr date:[2021 to 2023] marché -tag:sport"


def make_corpus(folder: Path, n: int) -> None:
    import gencorpus as g

    if folder.is_dir() and sum(1 for _ in folder.glob("*.md")) == n:
        return
    folder.mkdir(parents=True, exist_ok=True)
    r = random.Random(7)
    words = [w for w in g.NOUNS + g.VERBS + g.ADJS]
    t = time.perf_counter()
    for i in range(n):
        day = 18262 + r.randrange(1800)  # 2020 … 2024
        pub = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        title = f"{r.choice(g.ORGS).capitalize()} {r.choice(g.VERBS)} une {r.choice(g.ADJS)} {r.choice(g.NOUNS)}"
        body = " ".join(r.choice(words) for _ in range(60)) + "."
        lang = "fr" if r.random() < 0.8 else "en"
        (folder / f"a{i:06d}.md").write_text(
            f"---\nid: art-{i:06d}\ntitle: \"{title}\"\nlanguage: {lang}\npublished: {pub}\n"
            f"source: {r.choice(g.SOURCES)}\nfeed: {r.choice(FEEDS)}\n---\n\n{body}\n", encoding="utf-8")
    print(f"  generated {n:,} articles in {time.perf_counter() - t:.1f}s", flush=True)


def feeds():
    from reader.listfilter.feedinfo import Feeds

    r = random.Random(3)
    return Feeds(tags={u: tuple(r.sample(TAGS, 2)) for u in FEEDS})


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench(n: int, runs: int) -> None:
    folder = BENCH / f"filter-{n}"
    make_corpus(folder, n)
    os.environ["XDG_CACHE_HOME"] = str(BENCH / f"filter-cache-{n}")
    data = tempfile.mkdtemp(prefix="bench-filter-data-")
    os.environ["XDG_DATA_HOME"] = data

    from reader.corpus import Catalogue
    from reader.listfilter.evaluate import FilterContext
    from reader.listfilter.saved import SavedSearches
    from reader.search.index import update_index
    from reader.state.store import StateStore

    t = time.perf_counter()
    metas = Catalogue(folder).refresh().articles
    report = update_index(folder, metas)
    if report.get("added") or report.get("updated"):
        print(f"  catalogue and index built in {time.perf_counter() - t:.1f}s", flush=True)
    ids = [m.id for m in metas]
    store = StateStore()
    store.mark_all_read(ids[::3])
    store.mark_all(ids[::7], "star")
    cat = Catalogue(folder)
    with sqlite3.connect(cat.db_path) as conn:  # one scan saw them all at once: a tenth arrive later
        conn.execute("UPDATE files SET first_seen = 1e9 + (rowid % 10 = 0) * 100")
    last = 1e9 + 50

    ctx = FilterContext(folder, feeds=feeds(), last_opened=last)
    t = time.perf_counter()
    first = ctx.apply("lang:fr", ids)
    cold = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    first_text = ctx.apply("plateforme", ids)
    cold_text = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    first_state = ctx.apply("unread", ids)
    cold_state = (time.perf_counter() - t) * 1000
    warm_ctx = FilterContext(folder, feeds=feeds(), last_opened=last)
    t = time.perf_counter()
    warm_ctx.warm(ids)
    warming = (time.perf_counter() - t) * 1000
    warm_ctx.close()
    baseline = median_ms(lambda: [i for i in ids if i], runs * 3)

    print(f"\n{n:,} articles (median of {runs}; baseline: a bare pass over the ids = {baseline:.2f} ms)")
    print(f"  {'filter':<62} {'ms':>8} {'x base':>8} {'kept':>7}")
    for what, ms, res in (("first filter of a session (columns read): lang:fr", cold, first),
                          ("first text filter (document map made): plateforme", cold_text, first_text),
                          ("first state filter (states read): unread", cold_state, first_state)):
        print(f"  {what:<62} {ms:>8.1f} {ms / baseline:>8.1f} {res.total:>7,}")
    print(f"  {'warm() of a new context (what a start-up worker does)':<62} {warming:>8.1f} {warming / baseline:>8.1f}")
    for group, queries in (("metadata", METADATA), ("state", STATE), ("text", TEXT), ("combined", COMBINED)):
        print(f"  -- {group}")
        for q in queries:
            res = ctx.apply(q, ids)  # warm: the engine's postings, the columns
            assert res.error is None, (q, res.error)
            ms = median_ms(lambda q=q: ctx.apply(q, ids), runs)
            print(f"  {q:<62} {ms:>8.1f} {ms / baseline:>8.1f} {res.total:>7,}")
    print("  -- sort, saved searches, typing")
    for by in ("date", "title", "source", "unread"):
        ms = median_ms(lambda by=by: ctx.sort(ids, by), runs)
        print(f"  {'sort by ' + by:<62} {ms:>8.1f} {ms / baseline:>8.1f}")
    saved = SavedSearches()
    for k, q in enumerate(COMBINED + METADATA[:4]):
        saved.save(f"s{k}", q)
    ms = median_ms(lambda: saved.counts(ctx, ids), max(1, runs // 2))
    print(f"  {'counts of 8 saved searches (total and unread)':<62} {ms:>8.1f} {ms / baseline:>8.1f}")
    prefixes = [TYPED[:k] for k in range(1, len(TYPED) + 1)]
    fresh = FilterContext(folder, feeds=feeds(), last_opened=last)
    fresh.warm(ids)  # as the UI does at start-up
    t = time.perf_counter()
    worst, worst_prefix = 0.0, ""
    for p in prefixes:
        t1 = time.perf_counter()
        fresh.apply(p, ids)
        if time.perf_counter() - t1 > worst:
            worst, worst_prefix = time.perf_counter() - t1, p
    total = (time.perf_counter() - t) * 1000
    print(f"  {f'typing {TYPED!r}: per keystroke (mean; worst)':<62} {total / len(prefixes):>8.1f} "
          f"{total / len(prefixes) / baseline:>8.1f}   worst {worst * 1000:.1f} ms ({worst_prefix!r})")
    ctx.close()
    fresh.close()
    bench_ui(folder, runs)


UI_FILTERS = ("unread", "lang:fr unread", "plateforme", "-unread starred")


def bench_ui(folder: Path, runs: int) -> None:
    """The UI path: a filter typed in the app's filter line (l), evaluated by its worker; the time from
    the last key to the list showing it (the debounce, 150 ms, included), and s (sort) to the list sorted."""
    import asyncio

    from reader.ui.app import ReaderApp
    from reader.ui.controllers.list_filter import Shown
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.filter_line import FILTER_DEBOUNCE_S

    for var in ("XDG_STATE_HOME", "XDG_CONFIG_HOME"):  # the UI state file (sort) is in the config dir
        os.environ[var] = tempfile.mkdtemp(prefix="bench-filter-ui-")

    async def wait(pilot, cond, limit: float = 60.0) -> float:
        t = time.perf_counter()
        while not cond():
            if time.perf_counter() - t > limit:
                raise TimeoutError("the list did not update")
            await pilot.pause(0.002)
        return (time.perf_counter() - t) * 1000

    async def run() -> list[tuple[str, float, int]]:
        out = []
        app = ReaderApp(folder, ingest=False, fetch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            lst = app.query_one(ArticleList)
            await wait(pilot, lambda: app.main._reading_loaded and len(lst.articles) > 0 and not app.workers, 600)
            await pilot.pause(0.5)
            lst.focus()
            t = time.perf_counter()
            for _ in range(5):
                await pilot.press("j")
            out.append(("ui baseline: j (cursor down) through the same harness", (time.perf_counter() - t) * 200,
                        len(lst.articles)))
            for text in UI_FILTERS:
                times = []
                for _ in range(max(1, runs // 3)):
                    await pilot.press("l", *text[:-1])
                    t = time.perf_counter()
                    await pilot.press(text[-1])
                    while app.main.list_filter_shown != text:
                        await pilot.pause(0.002)
                    times.append((time.perf_counter() - t) * 1000)
                    kept, evaluated = len(lst.articles), app.main.filter_worker_ms
                    await pilot.press("escape")
                    await wait(pilot, lambda: app.main.list_filter_shown == "" and not app.workers)
                out.append((f"ui: typed {text!r}, last key → list shown (evaluation {evaluated:.1f} ms)",
                            sorted(times)[len(times) // 2], kept))
            lst.focus()
            t = time.perf_counter()
            await pilot.press("s")  # by title
            await wait(pilot, lambda: isinstance(lst.articles, Shown))
            out.append(("ui: s (sort by title), key → list shown", (time.perf_counter() - t) * 1000, len(lst.articles)))
        return out

    print(f"  -- the app (debounce {FILTER_DEBOUNCE_S * 1000:.0f} ms included)")
    for what, ms, kept in asyncio.run(run()):
        print(f"  {what:<62} {ms:>8.1f} {'':>8} {kept:>7,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--sizes", default="10000,50000")
    args = parser.parse_args(argv)
    saved = {k: os.environ.get(k) for k in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                                                "XDG_CONFIG_HOME")}
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            bench(n, 3 if args.quick else 9)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
