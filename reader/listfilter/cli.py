"""``reader list --filter QUERY [--sort …]``, ``reader mark --all-read --filter QUERY`` and
``reader searches [--json] | add NAME QUERY [--replace] | remove NAME``.

Exit codes: 0 success; 1 a problem with stored data (unreadable saved searches, reading state,
no search index for a text filter); 2 bad usage, a filter that cannot be understood among them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.passages import make_safe

if TYPE_CHECKING:
    import argparse

    from reader.corpus import ArticleMeta
    from reader.listfilter import SortName
    from reader.listfilter.evaluate import FilterContext


def _err(message: str) -> None:
    print(f"reader: {make_safe(message)}", file=sys.stderr)


def _context(folder: Path, metas: Sequence[ArticleMeta] | None = None) -> FilterContext:
    from reader.listfilter.evaluate import FilterContext
    from reader.listfilter.feedinfo import load_feeds
    from reader.listfilter.saved import last_opened

    return FilterContext(folder, feeds=load_feeds(folder), last_opened=last_opened(folder), metas=metas)


def filter_articles(articles: Sequence[ArticleMeta], query: str | None, folder: Path,
                    sort: SortName = "date") -> tuple[list[ArticleMeta], int | None]:
    """``articles`` kept by ``query`` (all for None) in the order ``sort``; (list, exit code or None).
    A bad filter or one that cannot be evaluated is printed, with code 2 (syntax) or 1."""
    from reader.listfilter.model import FilterError
    from reader.listfilter.syntax import parse_filter

    if not query and sort == "date":
        return list(articles), None
    try:
        flt = parse_filter(query or "")
    except FilterError as exc:
        _err(f"bad filter: {exc}")
        return [], 2
    ctx = _context(folder, articles)
    try:
        by_id = {m.id: m for m in articles}
        res = ctx.apply(flt, list(by_id))
        if res.error:
            _err(res.error)
            return [], 1
        if res.notice:
            _err(res.notice)
        ids = ctx.sort(res.ids, sort) if sort != "date" else res.ids
        return [by_id[i] for i in ids], None
    finally:
        ctx.close()


def cli_searches(args: argparse.Namespace, folder: Path) -> int:
    """Entry point of ``reader searches``; ``args`` from :func:`reader.cli.build_parser`."""
    from reader.listfilter.saved import SavedSearchError, SavedSearches
    from reader.listfilter.model import FilterError

    store = SavedSearches()
    action = getattr(args, "searches_command", None)
    try:
        if action == "add":
            try:
                saved = store.save(args.name, " ".join(args.query), replace=args.replace)
            except FilterError as exc:
                _err(f"bad filter: {exc}; nothing was saved")
                return 2
            print(f"saved search {saved.name!r}: {saved.query}")
            return 0
        if action == "remove":
            gone = store.delete(args.name)
            print(f"removed saved search {gone.name!r} ({gone.query})")
            return 0
        ctx = _context(folder)
        try:
            counts = store.counts(ctx)
        finally:
            ctx.close()
    except SavedSearchError as exc:
        _err(str(exc))
        return 1
    if args.json:
        json.dump([c.to_json() for c in counts], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not counts:
        print("no saved searches (add one with: reader searches add NAME QUERY)")
        return 0
    for c in counts:
        name, query = make_safe(c.search.name), make_safe(c.search.query)
        if c.total is None:
            print(f"?\t?\t{name}\t{query}\t({make_safe(c.error or '')})")
        else:
            print(f"{'?' if c.unread is None else c.unread}\t{c.total}\t{name}\t{query}")
    return 0
