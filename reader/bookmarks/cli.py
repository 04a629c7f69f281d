"""``reader bookmarks`` — list, export and import bookmarks from the command line.

- ``reader bookmarks [--json]``: every live bookmark, newest first, with its anchor status against
  the current article files (``exact``/``moved``/``fuzzy``/``orphaned``; an article that is gone
  makes its bookmarks orphaned), the original quote and the note.
- ``reader bookmarks export --format md|json|csv [-o FILE]``: see :mod:`reader.bookmarks.export`
  (to FILE with :func:`~reader.bookmarks.export.write_export`, or to standard output with ``-o -``
  or no ``-o``; a write error is a message and exit code 1).
- ``reader bookmarks import FILE``: a W3C JSON export, without duplicates, all or nothing.

Exit codes: 0 success, 1 a bookmark problem (message on stderr), 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.bookmarks.anchor import anchor_bookmarks
from reader.bookmarks.export import (export_csv, export_json_text, export_markdown, import_json,
                                     write_export)
from reader.bookmarks.model import ORPHANED, Bookmark, BookmarkError
from reader.bookmarks.store import BookmarkStore
from reader.clitools import scan
from reader.passages import make_safe


def _err(message: str) -> None:
    print(f"reader: {make_safe(message)}", file=sys.stderr)


def _current(store: BookmarkStore, bookmarks: list[Bookmark], folder: Path):
    """(metas by id, anchor by uuid, current anchored text by uuid) against the folder's files."""
    metas = {m.id: m for m in scan(folder).articles}
    placed = anchor_bookmarks(store, bookmarks, metas, lambda meta, msg: _err(f"{meta.path.name}: {msg}"))
    return metas, {u: a for u, (a, _) in placed.items()}, {u: t for u, (_, t) in placed.items() if t is not None}


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(make_safe(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _list(store: BookmarkStore, folder: Path, as_json: bool) -> int:
    bookmarks = store.list()
    metas, anchors, texts = _current(store, bookmarks, folder)
    if as_json:
        rows = []
        for bm in bookmarks:
            a = anchors.get(bm.uuid, ORPHANED)
            rows.append({
                "uuid": bm.uuid, "article_id": bm.article_id, "title": bm.title, "created": bm.created,
                "updated": bm.updated, "quote": bm.quote, "prefix": bm.prefix, "suffix": bm.suffix,
                "note": bm.note, "content_hash": bm.content_hash, "passage": bm.passage, "start": bm.start,
                "end": bm.end, "pos_start": bm.pos_start, "pos_end": bm.pos_end,
                "article_found": bm.article_id in metas,
                "anchor": {"status": a.status, "passage": a.passage, "start": a.start, "end": a.end,
                           "text": texts.get(bm.uuid)},
            })
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not bookmarks:
        print("no bookmarks")
        return 0
    for bm in bookmarks:
        a = anchors.get(bm.uuid, ORPHANED)
        gone = "" if bm.article_id in metas else " (article not found)"
        meta = metas.get(bm.article_id)
        title = meta.title if meta else bm.title
        print(f"{bm.date}  {a.status:<8}  {_short(title, 100)} [{bm.article_id}]{gone}")
        print(f"    “{_short(bm.quote)}”")
        now = texts.get(bm.uuid)
        if a.status == "fuzzy" and now is not None and now != bm.quote:
            print(f"    now: “{_short(now)}”")
        if bm.note:
            print(f"    note: {_short(bm.note, 1000)}")
    return 0


def _export(store: BookmarkStore, folder: Path, fmt: str, output: str | None) -> int:
    bookmarks = store.list()
    if fmt == "json":
        text = export_json_text(bookmarks)
    else:
        metas, anchors, _ = _current(store, bookmarks, folder)
        if fmt == "md":
            orphans = {b.uuid: anchors.get(b.uuid, ORPHANED) for b in bookmarks}
            text = export_markdown(bookmarks, metas, orphans)
        else:
            text = export_csv(bookmarks, metas)
    if output and output != "-":
        try:
            write_export(Path(output), text)
        except OSError as exc:
            _err(f"cannot write {output}: {exc.strerror or exc}; nothing was exported")
            return 1
        print(f"exported {len(bookmarks)} bookmark{'s' if len(bookmarks) != 1 else ''} to {make_safe(output)}",
              file=sys.stderr)
        return 0
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader of the pipe stopped (| head): reader.cli.main ends quietly
    except OSError as exc:
        _err(f"cannot write to standard output: {exc.strerror or exc}")
        return 1
    return 0


def cli_bookmarks(args, folder: Path) -> int:
    """Entry point of ``reader bookmarks``; ``args`` comes from :func:`reader.cli.build_parser`."""
    command = getattr(args, "bookmarks_command", None)
    try:
        store = BookmarkStore()
        if command == "import":
            added, skipped = import_json(args.file, store)
            print(f"imported {added} bookmark{'s' if added != 1 else ''}, skipped {skipped} already present")
            return 0
        if command == "export":
            return _export(store, folder, getattr(args, "format", "md"), getattr(args, "output", None))
        if command is None:
            return _list(store, folder, bool(getattr(args, "json", False)))
    except BookmarkError as exc:
        _err(str(exc))
        return 1
    _err(f"unknown bookmarks action {command!r}")
    return 2
