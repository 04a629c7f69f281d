"""`make bench`: start-up figures (issue 2) and every area's benchmark found in tests/bench/.

    python tests/bench/bench.py [--quick] [--only startup,search,nlp,events,bookmarks]

Start-up is measured as a new process from exec to first paint (the app exits right after its
first refresh: READER_EXIT_AFTER_PAINT=1, headless), median of several runs, for:
the bare Textual floor, reader on the bundled corpus, and reader on a generated 10,000-article corpus
(warm catalogue; the cold first scan is measured separately, it runs after first paint).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPORA = ROOT / "bench-corpora"
sys.path.insert(0, str(HERE))


def corpus(n: int) -> Path:
    from gencorpus import generate

    path = CORPORA / f"gen{n}"
    if not path.is_dir() or len(list(path.glob("*.md"))) != n:
        print(f"  generating {n} articles in {path} …", flush=True)
        generate(path, n)
    return path


def _time(cmds: list[list[str]], env: dict, runs: int, envs: dict[int, dict] | None = None) -> list[float]:
    """Median wall time of each command; runs are interleaved so machine load drifts hit all alike.
    ``envs`` gives some commands (by position) an environment of their own."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            t0 = time.perf_counter()
            subprocess.run(cmd, env=(envs or {}).get(k, env), check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            times[k].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def bench_startup(quick: bool, code_before: Path | None = None) -> None:
    runs = 3 if quick else 7
    cache = tempfile.mkdtemp(prefix="reader-bench-cache-")
    env = dict(os.environ, READER_EXIT_AFTER_PAINT="1", READER_HEADLESS="1", READER_NO_INGEST="1",
               XDG_CACHE_HOME=cache, XDG_DATA_HOME=cache, XDG_CONFIG_HOME=cache)
    # as on a user's machine, Python caches bytecode (Textual's came compiled by pip; without this
    # reader's own modules would be compiled again at every start where PYTHONDONTWRITEBYTECODE is set)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    big = corpus(2_000 if quick else 10_000)
    n_big = len(list(big.glob("*.md")))
    huge = None if quick else corpus(50_000)  # the top of what heavy readers keep (15k–70k)
    # warm every cache once (catalogue filled, .pyc compiled)
    for folder in (ROOT / "articles", big, huge):
        if folder is not None:
            subprocess.run([py, "-m", "reader", "--articles", str(folder), "list"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
    cmds = [[py, str(HERE / "bare_app.py")], [py, "-m", "reader", "--articles", str(ROOT / "articles")],
            [py, "-m", "reader", "--articles", str(big)]]
    if huge is not None:
        cmds.append([py, "-m", "reader", "--articles", str(huge)])
    envs = {}
    if code_before is not None:  # the same start-up with another checkout's code, in the same run
        envs[len(cmds)] = dict(env, PYTHONPATH=str(code_before))
        subprocess.run([py, "-m", "reader", "--articles", str(ROOT / "articles"), "list"], env=envs[len(cmds)],
                       check=True, stdout=subprocess.DEVNULL)
        cmds.append([py, "-m", "reader", "--articles", str(ROOT / "articles")])
    bare, small, large, *rest = _time(cmds, env, runs, envs)
    before = rest.pop() if code_before is not None else None
    # cold catalogue: first scan of the big corpus (happens in a worker after first paint)
    cold_env = dict(env, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="reader-bench-cold-"))
    t0 = time.perf_counter()
    subprocess.run([py, "-m", "reader", "--articles", str(big), "list"], env=cold_env, check=True,
                   stdout=subprocess.DEVNULL)
    cold_scan = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([py, "-m", "reader", "--articles", str(big), "list"], env=cold_env, check=True,
                   stdout=subprocess.DEVNULL)
    warm_scan = time.perf_counter() - t0
    print("start-up to first paint (median of %d new processes)" % runs)
    print(f"  bare Textual app (floor)          {bare * 1000:8.0f} ms")
    print(f"  reader, bundled corpus (2)        {small * 1000:8.0f} ms   ratio to floor {small / bare:5.2f}  (goal ≤ 1.5)")
    print(f"  reader, generated corpus ({n_big})  {large * 1000:8.0f} ms   ratio to 2 articles {large / small:5.2f}  (goal ≤ 1.2)")
    if rest:
        print(f"  reader, generated corpus (50000)  {rest[0] * 1000:8.0f} ms   ratio to 2 articles "
              f"{rest[0] / small:5.2f}  (no goal; shown for scale)")
    if before is not None:
        print(f"  code before ({code_before}), bundled {before * 1000:8.0f} ms   ratio to floor {before / bare:5.2f}"
              f"  (this code / before: {small / before:5.2f})")
    print(f"  `reader list` {n_big}: cold catalogue {cold_scan * 1000:.0f} ms, warm {warm_scan * 1000:.0f} ms")


def bench_open(quick: bool) -> None:
    """Open a 2,000-word article with its entity highlights, in-process (Pilot), median of runs.

    A 20,000-word article is timed too: the view wraps the whole article on open (then paints only
    the rows on screen), so this shows how open time grows with length.
    """
    for target in (2000, 20000):
        _bench_open_one(quick, target)


def _bench_open_one(quick: bool, target_words: int) -> None:
    import asyncio

    from gencorpus import Gen

    cache = tempfile.mkdtemp(prefix="reader-bench-open-")
    os.environ.update(XDG_CACHE_HOME=cache, XDG_DATA_HOME=cache, XDG_CONFIG_HOME=cache)
    folder = Path(tempfile.mkdtemp(prefix="reader-bench-open-arts-"))
    g = Gen(7)
    paras, words = [], 0
    while words < target_words:
        para = " ".join(g.sentence(__import__("datetime").date(2023, 4, 19)) for _ in range(4))
        paras.append(para)
        words += len(para.split())
    (folder / "long.md").write_text("---\nid: long\ntitle: Un long article\nlanguage: fr\npublished: 2023-04-19\n"
                                    "---\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    from reader.corpus import Catalogue

    metas = Catalogue(folder).refresh().articles
    try:
        from reader.nlp.ingest import annotate_missing

        annotate_missing(metas)
        how = "real annotations"
    except ModuleNotFoundError:
        how = "no annotations"
    from reader.entities import cache as ann_store
    from reader.ui.app import ReaderApp
    from reader.ui.article_view import ArticleView

    ann = ann_store.load(metas[0].content_hash)
    n_mentions = len(ann.mentions) if ann else 0
    runs = 5 if quick else 15
    painted: list[float] = []
    settled: list[float] = []

    async def main():
        app = ReaderApp(folder, ingest=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            lst = app.query_one("#list")
            view = app.query_one(ArticleView)
            show = view.show_article
            marks: list[float] = []
            shown = [False]

            async def timed_show(*args, **kwargs):
                await show(*args, **kwargs)
                shown[0] = True

            # first paint = the first frame written to the terminal once the article is set up
            display = app._display

            def timed_display(*args, **kwargs):
                display(*args, **kwargs)
                if shown[0] and not marks:
                    marks.append(time.perf_counter())

            view.show_article = timed_show
            app._display = timed_display
            for _ in range(runs):
                marks.clear()
                shown[0] = False
                t0 = time.perf_counter()
                app.main.open_meta(lst.current, focus=True)
                await app.workers.wait_for_complete()
                await pilot.pause()  # every message handled: events panel and legend updated
                settled.append(time.perf_counter() - t0)
                await pilot.pause(0.2)
                painted.append(marks[0] - t0)

    asyncio.run(main())
    goal = "  (goal < 50 ms)" if target_words == 2000 else ""
    print(f"  open a {words}-word article with {n_mentions} entity highlights ({how}): first paint median "
          f"{statistics.median(painted) * 1000:.0f} ms (max {max(painted) * 1000:.0f}), app idle again "
          f"{statistics.median(settled) * 1000:.0f} ms{goal}")


def _area_modules() -> dict[str, Path]:
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--only", default="", help="comma-separated: startup and/or area names")
    ap.add_argument("--code-before", type=Path, default=None,
                    help="a checkout of earlier code (e.g. a git worktree): its start-up is timed in the same run")
    args = ap.parse_args()
    only = {x for x in args.only.split(",") if x}
    if not only or "startup" in only:
        print("== startup ==", flush=True)
        bench_startup(args.quick, args.code_before)
        bench_open(args.quick)
    for name, path in _area_modules().items():
        if only and name not in only:
            continue
        print(f"\n== {name} ==", flush=True)
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.main(["--quick"] if args.quick else [])


if __name__ == "__main__":
    main()
