"""``reader search QUERY [--json] [--limit N] [--sort relevance|date]``.

Brings the index up to date first (catalogue refresh + :func:`reader.search.index.update_index`;
entity annotation is left to ``reader index``), then prints one page of results. Matches in
snippets are marked with ANSI bold on a terminal and «» otherwise; JSON output is a list of
``{id, title, score, passage, snippet, published}``. A malformed query prints a message on
stderr and exits 1. Passages are numbered from 1 in the text output, as in the UI; JSON keeps the
0-based passage index of the coordinate system (:mod:`reader.passages`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.corpus import Catalogue
from reader.search.index import update_index
from reader.search.searcher import Searcher

if TYPE_CHECKING:
    import argparse


def mark(snippet: str, spans: Iterable[tuple[int, int]], tty: bool) -> str:
    out, last = [], 0
    left, right = ("\x1b[1m", "\x1b[22m") if tty else ("«", "»")
    for s, e in spans:
        out.append(snippet[last:s])
        out.append(left + snippet[s:e] + right)
        last = e
    out.append(snippet[last:])
    return "".join(out)


def _progress(done: int, total: int) -> None:
    if total >= 50:  # only worth a line when there is real work (a first build)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\rindexing for search: {done}/{total}{end}")
        sys.stderr.flush()


def cli_search(args: argparse.Namespace, folder: Path) -> int:
    text = " ".join(args.query)
    scan = Catalogue(folder).refresh()
    report = update_index(folder, scan.articles, progress=_progress if sys.stderr.isatty() else None)
    if report.get("status") == "locked":
        print(f"reader: {report['message']} (searching the current index)", file=sys.stderr)
    searcher = Searcher(folder)
    try:
        res = searcher.search(text, limit=max(1, args.limit), sort=getattr(args, "sort", "relevance"))
    finally:
        searcher.close()
    if res.error:
        print(f"reader: {res.error}", file=sys.stderr)
        return 1
    if res.notice:
        print(f"reader: {res.notice}", file=sys.stderr)
    if args.json:
        json.dump([h.to_json() for h in res.hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
        if not res.hits and res.suggestion:
            print(f"reader: no results; did you mean: {res.suggestion}", file=sys.stderr)
        return 0
    if not res.hits:
        print(f"No results for: {res.understood or text}")
        if res.suggestion:
            print(f"Did you mean: {res.suggestion}")
        return 0
    tty = sys.stdout.isatty()
    about = "about " if res.approximate else ""
    print(f"{about}{res.total} result{'s' if res.total != 1 else ''} for: {res.understood}")
    for h in res.hits:
        date = h.published.isoformat() if h.published else "undated"
        print()
        score = f"  score {h.score:.2f}" if h.score else ""
        print(f"{h.title}  [{date}]{score}  ({h.article_id}, passage {h.passage + 1})")
        print("  " + mark(h.snippet, h.snippet_spans, tty))
    if res.suggestion:
        print(f"\nDid you mean: {res.suggestion}")
    return 0
