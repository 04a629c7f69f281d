"""Exports (Markdown, W3C Web Annotation JSON, Readwise CSV) and the JSON import.

JSON follows the W3C Web Annotation Data Model: an ``AnnotationCollection`` whose ``first``
``AnnotationPage`` holds one ``Annotation`` per live bookmark::

    {"id": "urn:uuid:…", "type": "Annotation", "motivation": "bookmarking",
     "created": "…Z", "modified": "…Z",
     "body": {"type": "TextualBody", "value": note, "format": "text/plain", "purpose": "commenting"},
     "target": {"source": "reader:article/<id>",
                "selector": [{"type": "TextQuoteSelector", "exact", "prefix", "suffix"},
                             {"type": "TextPositionSelector", "start", "end"}]},
     "reader:bookmark": {"title", "contentHash", "passage", "start", "end"}}

``body`` is omitted when there is no note. ``reader:bookmark`` (our extension) carries what the
standard has no field for; :func:`import_json` accepts annotations without it (passage unknown,
re-anchored by quote) and also a bare list, an ``AnnotationPage`` or a single ``Annotation``.

The import adds nothing twice (same uuid, or same article + quote + position as a live bookmark,
including repeats inside the file) and is all-or-nothing: a malformed file raises
:class:`BookmarkError` with the reason and where, before anything is written.

The CSV has Readwise's columns (Highlight, Title, Author, URL, Note, Location, Date); Author is
the article's source, Location the article-level character position.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reader.bookmarks.store import Bookmark, BookmarkError, BookmarkStore, now_iso
from reader.fileio import atomic_write_text
from reader.passages import make_safe

if TYPE_CHECKING:  # pragma: no cover
    from reader.bookmarks.anchor import Anchor
    from reader.corpus import ArticleMeta

SOURCE_PREFIX = "reader:article/"
EXTENSION = "reader:bookmark"
MAX_IMPORT_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date")


def _grouped(bookmarks: Iterable[Bookmark]) -> dict[str, list[Bookmark]]:
    groups: dict[str, list[Bookmark]] = {}
    for bm in sorted(bookmarks, key=lambda b: (b.title.casefold(), b.article_id, b.pos_start, b.created)):
        groups.setdefault(bm.article_id, []).append(bm)
    return groups


def export_markdown(bookmarks: Iterable[Bookmark], metas: Mapping[str, ArticleMeta] | None = None,
                    anchors: Mapping[str, Anchor] | None = None) -> str:
    """Markdown grouped by article: a ``##`` heading per article, each quote as a block quote,
    then the note and a line with the date (and ``orphaned`` when ``anchors`` says so)."""
    metas, anchors = metas or {}, anchors or {}
    out = ["# Bookmarks", ""]
    for art_id, items in _grouped(bookmarks).items():
        meta = metas.get(art_id)
        title = meta.title if meta else items[0].title or art_id
        out += [f"## {_one_line(title)}", ""]
        if meta and meta.url:
            out += [f"<{meta.url}>", ""]
        for bm in items:
            out += ["> " + line if line else ">" for line in bm.quote.split("\n")]
            out.append("")
            if bm.note:
                out += [bm.note, ""]
            status = anchors.get(bm.uuid)
            tail = " · orphaned (no longer found in the article)" if status is not None and status.orphaned else ""
            out += [f"*{bm.date}*{tail}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_annotation(bm: Bookmark) -> dict:
    ann: dict = {
        "id": f"urn:uuid:{bm.uuid}",
        "type": "Annotation",
        "motivation": "bookmarking",
        "created": bm.created,
        "modified": bm.updated,
    }
    if bm.note:
        ann["body"] = {"type": "TextualBody", "value": bm.note, "format": "text/plain", "purpose": "commenting"}
    ann["target"] = {
        "source": SOURCE_PREFIX + bm.article_id,
        "selector": [
            {"type": "TextQuoteSelector", "exact": bm.quote, "prefix": bm.prefix, "suffix": bm.suffix},
            {"type": "TextPositionSelector", "start": bm.pos_start, "end": bm.pos_end},
        ],
    }
    ann[EXTENSION] = {"title": bm.title, "contentHash": bm.content_hash, "passage": bm.passage,
                      "start": bm.start, "end": bm.end}
    return ann


def export_json(bookmarks: Iterable[Bookmark]) -> dict:
    items = [to_annotation(bm) for bm in bookmarks]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "label": "reader bookmarks",
        "generated": now_iso(),
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def export_json_text(bookmarks: Iterable[Bookmark]) -> str:
    return json.dumps(export_json(bookmarks), ensure_ascii=False, indent=2) + "\n"


def export_csv(bookmarks: Iterable[Bookmark], metas: Mapping[str, ArticleMeta] | None = None) -> str:
    """Readwise-style CSV (meant for Readwise import, not for spreadsheets: cells are not escaped
    against formula injection)."""
    metas = metas or {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for bm in sorted(bookmarks, key=lambda b: (b.created, b.uuid)):
        meta = metas.get(bm.article_id)
        created = bm.created.replace("T", " ").replace("Z", "")[:19]
        writer.writerow([bm.quote, meta.title if meta else bm.title, (meta.source if meta else None) or "",
                         (meta.url if meta else None) or "", bm.note, bm.pos_start, created])
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file + rename (never a half-written export)."""
    atomic_write_text(path, text, newline="")


# -- import ---------------------------------------------------------------------------------------


def _annotations(data) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        kind = data.get("type")
        if kind == "Annotation" or "target" in data:
            return [data]
        if kind == "AnnotationCollection" or "first" in data:
            first = data.get("first")
            if first is None:
                return []
            if not isinstance(first, dict) or not isinstance(first.get("items"), list):
                raise BookmarkError("'first' must be an AnnotationPage with an 'items' list")
            return first["items"]
        if isinstance(data.get("items"), list):
            return data["items"]
    raise BookmarkError("not a W3C annotation file: expected an AnnotationCollection, an AnnotationPage, "
                        "an Annotation or a list of annotations")


def _text(value, what: str, where: str, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BookmarkError(f"{where}: {what} must be a string")
    return make_safe(value)


def _int(value, what: str, where: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < -1:
        raise BookmarkError(f"{where}: {what} must be an integer ≥ 0 (or -1: unknown)")
    return value


def _stamp(value, what: str, where: str, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise BookmarkError(f"{where}: '{what}' must be an ISO 8601 date-time string")
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BookmarkError(f"{where}: '{what}' is not an ISO 8601 date-time: {value[:40]!r}") from None
    return value


def _uuid(value, where: str) -> str:
    import uuid as uuidlib

    if not isinstance(value, str):
        raise BookmarkError(f"{where}: 'id' must be a string (urn:uuid:…)")
    raw = value[len("urn:uuid:"):] if value.startswith("urn:uuid:") else value
    try:
        return str(uuidlib.UUID(raw))
    except ValueError:
        raise BookmarkError(f"{where}: 'id' is not a UUID: {value[:60]!r}") from None


def parse_annotation(ann, n: int) -> Bookmark:
    """One W3C annotation → :class:`Bookmark`; raises :class:`BookmarkError` naming annotation ``n``."""
    where = f"annotation {n}"
    if not isinstance(ann, dict):
        raise BookmarkError(f"{where}: must be a JSON object")
    import uuid as uuidlib

    uid = _uuid(ann["id"], where) if "id" in ann else str(uuidlib.uuid4())
    target = ann.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if not isinstance(target, dict):
        raise BookmarkError(f"{where}: 'target' must be an object with 'source' and 'selector'")
    source = target.get("source")
    if not isinstance(source, str) or not source.startswith(SOURCE_PREFIX) or len(source) == len(SOURCE_PREFIX):
        raise BookmarkError(f"{where}: target 'source' must be '{SOURCE_PREFIX}<article id>'")
    article_id = source[len(SOURCE_PREFIX):]
    selectors = target.get("selector")
    if isinstance(selectors, dict):
        selectors = [selectors]
    if not isinstance(selectors, list):
        raise BookmarkError(f"{where}: target 'selector' must be a list of selectors")
    quote_sel = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
    pos_sel = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
    if quote_sel is None:
        raise BookmarkError(f"{where}: no TextQuoteSelector (the quoted text is required)")
    quote = _text(quote_sel.get("exact"), "TextQuoteSelector 'exact'", where, required=True)
    if not quote:
        raise BookmarkError(f"{where}: TextQuoteSelector 'exact' is empty")
    prefix = _text(quote_sel.get("prefix"), "TextQuoteSelector 'prefix'", where)
    suffix = _text(quote_sel.get("suffix"), "TextQuoteSelector 'suffix'", where)
    pos_start = _int((pos_sel or {}).get("start"), "TextPositionSelector 'start'", where, -1)
    pos_end = _int((pos_sel or {}).get("end"), "TextPositionSelector 'end'", where, -1)
    body = ann.get("body")
    if isinstance(body, list):
        body = next((b for b in body if isinstance(b, dict) and b.get("type") == "TextualBody"), None)
    note = _text(body.get("value"), "body 'value'", where) if isinstance(body, dict) else ""
    ext = ann.get(EXTENSION)
    ext = ext if isinstance(ext, dict) else {}
    created = _stamp(ann.get("created"), "created", where, now_iso())
    return Bookmark(
        uuid=uid,
        article_id=article_id,
        title=_text(ext.get("title"), "title", where) or article_id,
        content_hash=_text(ext.get("contentHash"), "contentHash", where),
        passage=_int(ext.get("passage"), "passage", where, -1),
        start=_int(ext.get("start"), "start", where, 0),
        end=_int(ext.get("end"), "end", where, len(quote)),
        pos_start=pos_start,
        pos_end=pos_end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        note=note,
        created=created,
        updated=_stamp(ann.get("modified"), "modified", where, created),
    )


def read_json_file(path: Path | str) -> list[Bookmark]:
    """Parse a W3C JSON export; raises :class:`BookmarkError` with a clear message when malformed."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise BookmarkError(f"{path}: too large to be a bookmarks export (over {MAX_IMPORT_BYTES // 2**20} MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise BookmarkError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BookmarkError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BookmarkError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    try:
        return [parse_annotation(ann, n) for n, ann in enumerate(_annotations(data), 1)]
    except BookmarkError as exc:
        raise BookmarkError(f"{path}: {exc}") from None


def import_json(path: Path | str, store: BookmarkStore | None = None) -> tuple[int, int]:
    """Read a W3C JSON export into the store; returns (added, skipped duplicates). All or nothing."""
    bookmarks = read_json_file(path)
    store = store or BookmarkStore()
    added = store.insert_new(bookmarks)
    return len(added), len(bookmarks) - len(added)
