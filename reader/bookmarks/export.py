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

The import adds nothing twice (same uuid, or same article + quote + position + note as a live
bookmark, including repeats inside the file; another note on the same quote is another bookmark)
and is all-or-nothing: a malformed file raises
:class:`BookmarkError` with the reason and where, before anything is written.

The CSV has Readwise's columns (Highlight, Title, Author, URL, Note, Location, Date); Author is
the article's source, Location the article-level character position. A text cell that a spreadsheet
would read as a formula (starting with ``= + - @``, a tab or a carriage return) gets a leading
``'`` (OWASP's advice against CSV injection).

The Markdown shows quotes, notes and titles as text whatever they contain: Markdown and HTML
metacharacters are escaped (:func:`md_escape`), so a fence in a note cannot swallow the bookmarks
after it and ``<script>`` or ``[x](javascript:…)`` is shown, never rendered.

:func:`write_export` writes ``-o FILE``: through symbolic links, only to a regular file, keeping
its permissions, atomically, and every write error is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reader.bookmarks.model import Anchor, Bookmark, BookmarkError
from reader.bookmarks.store import BookmarkStore, now_iso
from reader.fileio import atomic_write_text
from reader.passages import make_safe

if TYPE_CHECKING:  # pragma: no cover
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
    then the note and a line with the date (and ``orphaned`` when ``anchors`` says so). Titles,
    quotes, notes and URLs are text, never markup (:func:`md_escape`)."""
    metas, anchors = metas or {}, anchors or {}
    out = ["# Bookmarks", ""]
    for art_id, items in _grouped(bookmarks).items():
        meta = metas.get(art_id)
        title = meta.title if meta else items[0].title or art_id
        out += ["## " + _CLOSING_HASH.sub(r"\\#", md_escape(_one_line(title))), ""]
        if meta and meta.url:
            url = _one_line(meta.url)
            out += [f"<{url}>" if _SAFE_URL.fullmatch(url) else md_escape(url), ""]
        for bm in items:
            out += ["> " + line if line else ">" for line in md_escape(bm.quote).split("\n")]
            out.append("")
            if bm.note:
                out += [md_escape(bm.note), ""]
            status = anchors.get(bm.uuid)
            tail = " · orphaned (no longer found in the article)" if status is not None and status.orphaned else ""
            out += [f"*{bm.date}*{tail}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


_MD_INLINE = re.compile(r"[\\`*_\[\]|~<]|&(?=#?\w+;)")  # code, emphasis, links, tables, strike, HTML, entities
_MD_AS_ENTITY = {"<": "&lt;", "&": "&amp;"}
_MD_BLOCK_START = re.compile(r"[#>+=-]|(\d{1,9})([.)])")  # heading, quote, list, setext/thematic break
_CLOSING_HASH = re.compile(r"(?<=[ \t])#")  # '#' after a space could close an ATX heading
_SAFE_URL = re.compile(r"https?://[^\s<>\\\x00-\x1f\x7f]+", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n?|\n")


def md_escape(text: str) -> str:
    """``text`` escaped so that CommonMark (and GFM) renders it literally, line by line: every
    inline metacharacter is backslash-escaped (``<`` and an entity's ``&`` become ``&lt;`` and
    ``&amp;``), a block marker at a line's start (after up to three spaces) is escaped and a
    deeper indentation starts with a character reference (never an indented code block). Blank
    lines stay blank (paragraph breaks); whitespace-only lines become blank."""
    lines = []
    for line in _LINE_END.split(text):
        if not line.strip():
            lines.append("")
            continue
        line = _MD_INLINE.sub(lambda m: _MD_AS_ENTITY.get(m[0], "\\" + m[0]), line)
        rest = line.lstrip(" \t")
        indent = line[:len(line) - len(rest)]
        if "\t" in indent or len(indent) >= 4:  # would be an indented code block
            lines.append(f"&#{ord(line[0])};" + line[1:])
            continue
        if m := _MD_BLOCK_START.match(rest):
            rest = (m[1] + "\\" + m[2] if m[1] else "\\" + m[0]) + rest[m.end():]
        lines.append(indent + rest)
    return "\n".join(lines)


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


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A text cell no spreadsheet runs: one that would start a formula gets a leading ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(bookmarks: Iterable[Bookmark], metas: Mapping[str, ArticleMeta] | None = None) -> str:
    """Readwise-style CSV; text cells pass through :func:`csv_cell` (no formula injection)."""
    metas = metas or {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for bm in sorted(bookmarks, key=lambda b: (b.created, b.uuid)):
        meta = metas.get(bm.article_id)
        created = bm.created.replace("T", " ").replace("Z", "")[:19]
        texts = [bm.quote, meta.title if meta else bm.title, (meta.source if meta else None) or "",
                 (meta.url if meta else None) or "", bm.note]
        writer.writerow([csv_cell(t) for t in texts] + [bm.pos_start, created])
    return buf.getvalue()


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a pipe"), (stat.S_ISSOCK, "a socket"))


def write_export(path: Path | str, text: str) -> None:
    """Write an export to the user's ``path``:

    - through a symbolic link (the link stays; the file it points to gets the text);
    - only to a regular file or a new one: a folder, device, pipe or socket raises
      :class:`BookmarkError` before anything is written (standard output is ``-o -``);
    - atomically: a temporary file beside the target, flushed to disk, renamed over it — the old
      file stays whole if anything fails;
    - an existing file keeps its permission bits; a new one gets the usual mode (0666 less the umask);
    - a write error raises :class:`OSError` (the temporary file is removed).
    """
    try:
        st = os.stat(path)  # through links (also /dev/stdout's to a pipe, which realpath cannot name)
    except FileNotFoundError:
        st = None  # a new file, or a dangling link: created where the link points
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise BookmarkError(f"{make_safe(str(path))} is {kind}, not a regular file: nothing was written "
                            "(for standard output leave out -o or use -o -)")
    atomic_write_text(os.path.realpath(path), text, newline="", sync=True,
                      mode=stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o077)  # reading it means setting it (the CLI has one thread)
    os.umask(mask)
    return mask


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
