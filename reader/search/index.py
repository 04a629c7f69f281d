"""The search index: layout, schema version, incremental updates.

Layout (under ``paths.corpus_cache_dir(folder)``)::

    search/                 the Whoosh index, named ``reader_v<SCHEMA_VERSION>``
    search/manifest.sqlite3 docs(id, content hash, annotated?) + info(schema): what is indexed
    search/info.json        {"schema": V, "newest": "YYYY-MM-DD" | null, "count": N}  (small: searcher)
    search.lock             our writer lock (outside ``search/`` so a wipe never removes it)

Design (goals at 50k articles: page p95 ≤ 50 ms, searcher ≤ 200 MB, 10 updates ≤ 1 s):

- **One document per article** (BM25F ranking per article; made by :mod:`reader.search.documents`,
  the stored passages' format in :mod:`reader.search.model`). The article is analysed once, in
  its own language, by :func:`reader.search.analysis.terms` (cached per word, same output as the
  language's analyzer: French stems for French articles, English ones for English articles, …),
  and the index receives pre-analysed text: ``title``, the entity fields and ``body`` (the terms,
  frequencies only — what scoring reads), ``pairs`` (adjacent-term bigrams ``a_b``: phrase queries become term lookups, see
  :mod:`reader.search.engine`).
- ``passages`` (stored) = the passage offsets + zlib(plain text, and each passage's distinct
  terms): a hit's best passage is chosen by set intersection and only that passage is analysed
  for match spans and its snippet (:mod:`reader.search.highlight`).
- **Languages in one index**: ``analysis`` holds the article's analysis key
  (:func:`reader.search.analysis.analysis_key`: "fr", "en", "de", …, "xx" for the neutral one).
  A query is parsed once per analysis key present in the index and each parse is evaluated on the
  articles of that key only (:mod:`reader.search.searcher`), so terms of different languages never
  meet and the index is no bigger than one of a single language.
- Other fields: ``id`` (unique), ``title`` (stored as written, boost 2, positions), ``source``,
  ``language``, ``published`` (DATETIME, sortable), ``person``/``org``/``place``/``other``
  (entity names from the article's annotations, labels PER/ORG/LOC/MISC; re-indexed when the
  annotations appear after the article was indexed).
- Segments are written with ``compound=False`` (an open searcher maps the files instead of
  copying them into RAM). Updates commit with Whoosh's default small-segment merge; a full merge
  is never done on the hot path.
- **Incremental**: the manifest says which version of each article is indexed; only new, changed
  (content hash), deleted articles — and articles whose annotations appeared since they were
  indexed — touch the index. Touched ids are marked dirty in the manifest before the commit, so a
  killed update is redone next time (``update_document`` is idempotent).
- **Rebuilt, never fatal**: a missing index, an older schema version (another index name) or
  anything that fails to open is wiped and rebuilt. Damage a reader finds later (a bad postings
  block, unreadable stored fields: :func:`is_damage`) leaves a ``.damaged`` marker: the searcher says
  the index is being rebuilt, and the next update rebuilds it.
- **Concurrency**: one writer at a time across processes (``search.lock``, waited for up to
  ``timeout`` seconds, then :func:`update_index` returns ``{"status": "locked"}``); readers never
  take a lock and keep working during an update.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import struct
import time
import zlib
from contextlib import closing, contextmanager
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.codec.whoosh3 import W3Codec
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.support.charset import accent_map
from whoosh.util.filelock import try_for

from reader import languages, paths, sqlitedb
from reader.entities import cache as ann_store
from reader.fileio import write_json_atomic
from reader.corpus import ArticleFileError, ArticleMeta, load_article
from reader.search.analysis import analyzer_for
from reader.search.documents import annotations_match, doc_version, make_document
from reader.log import log_exception

SCHEMA_VERSION = 5  # 5: per-language analysis (the analysis field; title and entities pre-analysed)
INDEX_NAME = f"reader_v{SCHEMA_VERSION}"
TEXT_FIELDS = ("title", "body", "person", "org", "place", "other")  # analysed in the article's language


def index_dir(folder: Path) -> Path:
    return paths.corpus_cache_dir(folder) / "search"


def build_schema() -> Schema:
    simple = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    pre: Any = SpaceSeparatedTokenizer()  # (a tokenizer is an analyzer; whoosh's types say otherwise) the text fields arrive pre-analysed in their language (analysis.terms)
    return Schema(
        id=ID(unique=True, stored=True),
        title=TEXT(analyzer=pre, stored=True, field_boost=2.0),
        body=TEXT(analyzer=pre, phrase=False),
        pairs=TEXT(analyzer=pre, phrase=False),
        source=TEXT(analyzer=simple, stored=True),
        language=ID(stored=True),
        analysis=ID(stored=True),
        published=DATETIME(stored=True, sortable=True),
        person=TEXT(analyzer=pre),
        org=TEXT(analyzer=pre),
        place=TEXT(analyzer=pre),
        other=TEXT(analyzer=pre),
        passages=STORED(),
    )


# -- small JSON files -----------------------------------------------------------------------------


def read_info(directory: Path) -> dict | None:
    try:
        info = json.loads((directory / "info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("schema") == SCHEMA_VERSION else None


def _manifest_db(directory: Path) -> sqlite3.Connection:
    return sqlitedb.connect(directory / "manifest.sqlite3")


# -- damage ---------------------------------------------------------------------------------------

DAMAGED = ".damaged"  # marker: a reader found the index damaged; the next update rebuilds it


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` comes from reading damaged index files (not from a query or a bug)."""
    from whoosh.filedb.filetables import FileFormatError
    from whoosh.reading import CorruptIndexError

    if isinstance(exc, (FileNotFoundError, PermissionError)):  # a writer swapping segments, a permission
        return False
    return isinstance(exc, (CorruptIndexError, FileFormatError, struct.error, zlib.error, EOFError, OSError,
                            UnicodeError, pickle.UnpicklingError)) or sqlitedb.needs_rebuild(exc)


def mark_damaged(directory: Path, exc: BaseException | str) -> None:
    """Remember that the index is damaged (the next :func:`update_index` rebuilds it; the ingest runs it)."""
    try:
        (directory / DAMAGED).write_text(str(exc)[:200], encoding="utf-8")
    except OSError:
        pass
    sqlitedb.log_rebuild("search index", directory, exc)


def damaged(directory: Path) -> bool:
    return (directory / DAMAGED).exists()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while building tens of thousands of small objects at once.

    Those allocations would trigger full collections over everything the caller holds (measured at
    50k articles: reading the manifest went from 0.07 s to 0.47 s with the corpus' metadata loaded).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_manifest(directory: Path) -> dict[str, list] | None:
    """{article id: [content hash, annotated?]} or None when missing, corrupt or of another version."""
    path = directory / "manifest.sqlite3"
    if not path.exists():
        return None
    try:
        with closing(_manifest_db(directory)) as conn:
            version = sqlitedb.user_version(conn)
            if version == 0:  # from before PRAGMA user_version: the schema was in an info table
                row = conn.execute("SELECT value FROM info WHERE key = 'schema'").fetchone()
                version = int(row[0]) if row is not None and str(row[0]).isdigit() else 0
            if version != SCHEMA_VERSION:
                return None
            with gc_paused():
                return {i: [h, bool(a)] for i, h, a in conn.execute("SELECT id, hash, annotated FROM docs")}
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if sqlitedb.needs_rebuild(exc):
            sqlitedb.log_rebuild("search index", path, exc)  # the caller wipes the index and rebuilds it
        return None


def _create_manifest(directory: Path) -> None:
    sqlitedb.open_cache(directory / "manifest.sqlite3", _MANIFEST).close()


_MANIFEST = sqlitedb.Layout("search manifest", SCHEMA_VERSION,
                            "CREATE TABLE docs (id TEXT PRIMARY KEY, hash TEXT, annotated INTEGER);")


def _update_manifest(directory: Path, changes: dict[str, list | None]) -> None:
    """Upsert ``[hash, annotated]`` entries, delete ``None`` ones — one transaction, touched rows only."""
    with closing(_manifest_db(directory)) as conn, conn:
        conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?)",
                         [(i, e[0], int(e[1])) for i, e in changes.items() if e is not None])
        conn.executemany("DELETE FROM docs WHERE id = ?", [(i,) for i, e in changes.items() if e is None])


# -- opening --------------------------------------------------------------------------------------


def open_index(directory: Path) -> windex.Index | None:
    """Open the index read-only, or None when it is missing/of another version/unreadable."""
    try:
        if damaged(directory):
            return None
        if not windex.exists_in(str(directory), indexname=INDEX_NAME):
            if directory.is_dir() and any(directory.glob(f"_{INDEX_NAME}_*.toc")):  # there, but unreadable
                mark_damaged(directory, "its table of contents cannot be read")
            return None
        return windex.open_dir(str(directory), indexname=INDEX_NAME, readonly=True)
    except Exception as exc:  # noqa: BLE001 - any failure means "rebuild", never a crash
        log_exception(__name__, "cannot open the search index %s", directory)
        if is_damage(exc):
            mark_damaged(directory, exc)
        return None


def _files_signature(directory: Path) -> str:
    """Names, sizes and mtimes of the index files: changes whenever a segment is written or damaged."""
    entries = []
    for entry in os.scandir(directory):
        if entry.name.startswith(("manifest.sqlite3", "info.json", ".")) or entry.name.endswith(".tmp"):
            continue
        st = entry.stat()
        entries.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("|".join(sorted(entries)).encode()).hexdigest()[:20]


def _open_or_create(directory: Path) -> tuple[windex.Index, dict[str, list[Any]], bool]:
    """(index, manifest docs, rebuilt?) — wipes and recreates what cannot be trusted. Caller holds the lock.

    Opening every segment to check it costs ~0.5 s at 50k articles, so it is done only when the
    index files differ from those our last successful update left (``info.json`` "validated").
    """
    docs = _read_manifest(directory)
    ix = None
    if docs is not None and not damaged(directory):
        try:
            if windex.exists_in(str(directory), indexname=INDEX_NAME):
                ix = windex.open_dir(str(directory), indexname=INDEX_NAME)
                if set(ix.schema.names()) != set(build_schema().names()):
                    raise ValueError("schema changed")
                if (read_info(directory) or {}).get("validated") != _files_signature(directory):
                    with ix.reader() as r:  # touch the segments: a corrupt TOC/segment fails here
                        r.doc_count_all()
        except Exception:  # noqa: BLE001
            log_exception(__name__, "the search index %s cannot be read: rebuilt", directory)
            ix = None
    if ix is not None and docs is not None:  # (an index is opened only with its manifest)
        return ix, docs, False
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    ix = FileStorage(str(directory)).create_index(build_schema(), indexname=INDEX_NAME)
    _create_manifest(directory)
    return ix, {}, True


# -- documents ------------------------------------------------------------------------------------


def parse_schema(lang: str | None = None) -> Schema:
    """The schema the query parser sees for the articles of one language: the text fields analysed
    with that language's analyzer (the index holds their terms)."""
    schema = build_schema()
    analyzer = analyzer_for(lang)
    for name in TEXT_FIELDS:
        schema.remove(name)
        schema.add(name, TEXT(analyzer=analyzer, phrase=name == "body"))
    return schema


# -- update ---------------------------------------------------------------------------------------


def update_index(
    folder: Path,
    metas: Sequence[ArticleMeta],
    progress: Callable[[int, int], None] | None = None,
    timeout: float = 30.0,
) -> dict:
    """Bring the index of ``folder`` in line with ``metas`` (the catalogue's current articles).

    Returns ``{"status": "ok"|"locked", "added": n, "updated": n, "deleted": n, "skipped": n,
    "rebuilt": bool, "documents": n, "seconds": s}``. ``skipped`` counts articles that could not
    be read (they are left out of the index). Never raises for a corrupt or outdated index.
    """
    t0 = time.perf_counter()
    report = {"status": "ok", "added": 0, "updated": 0, "deleted": 0, "skipped": 0, "rebuilt": False}
    directory = index_dir(folder)
    lock = FileStorage(str(directory.parent)).lock("search.lock")
    if not try_for(lock.acquire, timeout=timeout, delay=0.1):
        report["status"] = "locked"
        report["message"] = "the search index is being updated by another process; try again later"
        return report
    try:
        ix, docs, rebuilt = _open_or_create(directory)
        report["rebuilt"] = rebuilt
        with gc_paused():
            current = {m.id for m in metas}
            to_delete = [i for i in docs if i not in current]
            to_index = []
            annotated = _annotated_hashes()
            langs = languages.stored()
            for m in metas:
                entry = docs.get(m.id)
                if entry is None or entry[0] != doc_version(m, langs) or \
                        (not entry[1] and m.content_hash in annotated):
                    to_index.append(m)
        total = len(to_index)
        if progress:
            progress(0, total)
        if to_delete or to_index:
            try:
                _apply(ix, directory, docs, to_delete, to_index, report, progress)
            except windex.LockError:
                report["status"] = "locked"
                report["message"] = "the search index is locked by another writer; try again later"
                ix.close()
                return report
        elif progress:
            progress(total, total)
        newest = max((m.published for m in metas if m.published), default=None)
        info = {"schema": SCHEMA_VERSION, "newest": newest.isoformat() if newest else None, "count": len(docs),
                "validated": _files_signature(directory)}
        if read_info(directory) != info:
            write_json_atomic(directory / "info.json", info)
        report["documents"] = len(docs)
        ix.close()
    finally:
        lock.release()
    report["seconds"] = round(time.perf_counter() - t0, 3)
    return report


def _annotated_hashes() -> set[str]:
    """Content hashes that have annotations (one directory listing, not a stat per article)."""
    try:
        return {n[:-5] for n in os.listdir(ann_store.annotations_dir()) if n.endswith(".json")}
    except OSError:
        return set()


SMALL_UPDATE = 500  # documents; at most this many are committed without merging segments
MAX_SEGMENTS = 2  # merge_small_segments() folds the small segments together beyond this many


def _merge_into_largest_kept(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: keep the largest segment, rewrite all the others into the new one.

    Small update segments cost every query a little; folding them together reads only their few
    documents (the big segment is untouched), so it is cheap to run after each ingest.
    """
    from whoosh.reading import SegmentReader

    if len(segments) <= 1:
        return segments
    largest = max(segments, key=lambda seg: seg.doc_count_all())
    for seg in segments:
        if seg is not largest:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
    return [largest]


def merge_small_segments(folder: Path, max_segments: int = MAX_SEGMENTS, timeout: float = 30.0) -> dict:
    """Fold the small segments together when there are more than ``max_segments``.

    Returns ``{"status": "ok"|"locked"|"absent", "segments_before": n, "segments_after": n, "seconds": s}``.
    """
    t0 = time.perf_counter()
    directory = index_dir(folder)
    if open_index(directory) is None:
        return {"status": "absent", "seconds": 0.0}
    lock = FileStorage(str(directory.parent)).lock("search.lock")
    if not try_for(lock.acquire, timeout=timeout, delay=0.1):
        return {"status": "locked", "message": "the search index is being updated by another process"}
    try:
        ix = windex.open_dir(str(directory), indexname=INDEX_NAME)
        before = after = len(ix._segments())
        if before > max_segments:
            writer = ix.writer(timeout=5.0, limitmb=64, compound=False, codec=W3Codec(blocklimit=1024))
            writer.commit(mergetype=_merge_into_largest_kept)
            after = len(windex.open_dir(str(directory), indexname=INDEX_NAME)._segments())
        ix.close()
        return {"status": "ok", "segments_before": before, "segments_after": after,
                "seconds": round(time.perf_counter() - t0, 3)}
    finally:
        lock.release()


def _apply(ix: windex.Index, directory: Path, docs: dict[str, list[Any]], to_delete: Sequence[str],
           to_index: Sequence[ArticleMeta], report: dict[str, Any],
           progress: Callable[[int, int], None] | None) -> None:
    fresh = not docs
    dirty: dict[str, list[Any] | None] = {i: ["", False] for i in to_delete}  # dirty until committed
    dirty.update({m.id: ["", docs[m.id][1]] for m in to_index if m.id in docs})
    if dirty:
        _update_manifest(directory, dirty)
    big = len(to_index) > 1000
    # Blocks of 1024 postings (Whoosh's default is 128): the engine reads whole postings lists a
    # block at a time, so fewer, larger blocks mean fewer Python steps per query.
    writer = ix.writer(timeout=5.0, limitmb=256 if big else 64, compound=False, codec=W3Codec(blocklimit=1024))
    try:
        for i in to_delete:
            writer.delete_by_term("id", i)
        done_ids: dict[str, list[Any] | None] = {}
        total = len(to_index)
        for n, meta in enumerate(to_index, 1):
            try:
                article = load_article(meta)
            except ArticleFileError:
                report["skipped"] += 1
                if meta.id in docs:
                    writer.delete_by_term("id", meta.id)
                    done_ids[meta.id] = None
                continue
            h = article.meta.content_hash
            lang = languages.effective(article.meta)
            ann = ann_store.load(h)
            if not annotations_match(ann, lang):
                ann = None
            doc = make_document(article, ann, lang)
            if fresh:
                writer.add_document(**doc)
            else:
                writer.update_document(**doc)
            report["updated" if meta.id in docs else "added"] += 1
            done_ids[meta.id] = [doc_version(article.meta), ann is not None]
            if progress and (n % 200 == 0 or n == total):
                progress(n, total)
        # A small update writes its own small segment and returns: merging segments is housekeeping,
        # done afterwards by merge_small_segments() (the ingest calls it), off the update's path.
        writer.commit(merge=len(to_index) + len(to_delete) > SMALL_UPDATE)
    except BaseException:
        writer.cancel()
        raise
    changes: dict[str, list | None] = {i: None for i in to_delete}
    changes.update(done_ids)
    _update_manifest(directory, changes)
    report["deleted"] = len(to_delete)
    for i, entry in changes.items():
        if entry is None:
            docs.pop(i, None)
        else:
            docs[i] = entry
