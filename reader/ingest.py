"""The ingest pipeline: everything computed once per article version, incrementally.

Stages, in order (each one skips what its cache already holds for an article's content hash):

1. ``catalogue`` — stat the folder, re-read new/changed files (:class:`reader.corpus.Catalogue`).
2. ``languages`` — the language of each new article version, detected on its title and first
   paragraph, checking the declared one (:mod:`reader.languages`): the stages below use it.
3. ``index`` — Whoosh index: add/replace/delete changed articles (``reader.search.index``), first
   without waiting for entities, so search works early on a large new corpus.
4. ``entities`` — spaCy annotation of articles whose hash has no annotations (``reader.nlp.ingest``);
   the slow stage (~6k words/s): annotations appear article by article, the UI picks them up.
5. ``index`` again — only articles whose annotations appeared get their entity fields.
6. ``events`` — event extraction per article and cross-article linking (``reader.events.build``).

The UI runs ``reader index --progress-lines`` in a *subprocess* (spaCy's 0.5 GB and 4 s load stay
out of the reader's process) and shows its JSON progress lines; the CLI shows a progress bar.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reader.corpus import Catalogue

Progress = Callable[[str, int, int], None]


def _stages():
    """(name, callable) of the stages after the catalogue. Every stage is part of reader: a module
    that cannot be imported is a broken install and fails loudly here, never a stage skipped."""
    from reader.events.build import update_events
    from reader.languages import update_languages
    from reader.nlp.ingest import annotate_missing
    from reader.search.index import merge_small_segments, update_index

    def languages_stage(folder, metas, p):
        errors: list[str] = []
        return update_languages(metas, progress=p, errors=errors) | {"errors": errors}

    def entities_stage(folder, metas, p):
        errors: list[str] = []
        done = annotate_missing(metas, progress=p, errors=errors)
        return {"annotated": done, "errors": errors}

    index = ("index", lambda folder, metas, p: update_index(folder, metas, progress=p))
    merge = ("index", lambda folder, metas, p: merge_small_segments(folder))
    # updates commit without merging; small segments are merged last, off the update's path
    return [("languages", languages_stage), index, ("entities", entities_stage), index, merge,
            ("events", lambda folder, metas, p: update_events(folder, metas, progress=p))]


class IngestBusy(RuntimeError):
    """Another process is already indexing this corpus."""


def _lock(folder: Path):
    """An exclusive, non-blocking lock per corpus (released by the OS if the process dies)."""
    from reader import paths
    from reader.fileio import try_lock

    return try_lock(paths.corpus_cache_dir(folder) / "ingest.lock",
                    IngestBusy("another `reader index` is already running on this corpus"))


def run_ingest(folder: Path, progress: Progress | None = None) -> dict:
    """Bring every cache of ``folder`` up to date; returns a small report (counts and seconds).

    Raises :class:`IngestBusy` when another process holds this corpus' ingest lock.
    """
    lock = _lock(folder)
    try:
        return _run(folder, progress)
    finally:
        lock.close()


def _run(folder: Path, progress: Progress | None) -> dict:
    report: dict = {}
    prog = progress or (lambda stage, done, total: None)
    t0 = time.perf_counter()
    scan = Catalogue(folder).refresh(progress=lambda d, t: prog("catalogue", d, t))
    report["articles"] = len(scan.articles)
    report["errors"] = [str(e) for e in scan.errors]
    report["catalogue_s"] = round(time.perf_counter() - t0, 3)
    for name, stage in _stages():
        t1 = time.perf_counter()
        result = stage(folder, scan.articles, lambda d, t, _n=name: prog(_n, d, t))
        if isinstance(result, dict) and result.get("status") == "locked":
            report.setdefault("errors", []).append(result.get("message") or "the search index is locked")
        if isinstance(result, dict) and result.get("errors"):  # per-article failures of a stage
            report.setdefault("errors", []).extend(str(e) for e in result["errors"])
        key = f"{name}_s"
        report[key] = round(report.get(key, 0) + time.perf_counter() - t1, 3)
    return report


class _Bar:
    def __init__(self, stream):
        self.stream = stream
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _lines(stage: str, done: int, total: int) -> None:
    print(json.dumps({"stage": stage, "done": done, "total": total}), flush=True)


def cli_index(args, folder: Path) -> int:
    """``reader index``: SIGTERM stops it and its worker processes (exit 143); with
    ``--progress-lines`` (the UI's indexer, in its own session) so does its parent's death."""
    import signal
    from contextlib import ExitStack

    from reader import lifetime

    with ExitStack() as stack:
        stack.enter_context(lifetime.stop_on_signals(signal.SIGTERM))
        if getattr(args, "progress_lines", False):
            stack.enter_context(lifetime.watch_parent())
        return _cli_index(args, folder)


def _cli_index(args, folder: Path) -> int:
    if getattr(args, "progress_lines", False):
        progress: Progress | None = _lines
    elif getattr(args, "quiet", False) or not sys.stderr.isatty():
        progress = None
    else:
        progress = _Bar(sys.stderr)
    try:
        report = run_ingest(folder, progress)
    except IngestBusy as exc:
        if getattr(args, "progress_lines", False):
            print(json.dumps({"stage": "busy"}), flush=True)
        else:
            print(f"reader: {exc}; try again when it has finished", file=sys.stderr)
        return 0
    for err in report.pop("errors"):
        print(f"reader: {err}", file=sys.stderr)
    if getattr(args, "progress_lines", False):
        print(json.dumps({"stage": "done", "report": report}), flush=True)
    elif not getattr(args, "quiet", False):
        print("indexed " + ", ".join(f"{k}={v}" for k, v in report.items()))
    return 0
