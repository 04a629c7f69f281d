"""The language an article is read in: its declared ``language:``, checked by an offline detector.

Front matter often lacks ``language:`` (then "und") and feeds declare it wrongly, so the ingest's
first stage, ``languages`` (:func:`update_languages`, in the ingest process only: it imports
py3langid through :mod:`reader.feeds.langdetect`), detects the language of every article version
on its title and first paragraph and stores ``(lang, confidence, source)`` per content hash in a
small cache, ``<cache>/languages.sqlite3``. The content hash covers the front matter, so one
version has one answer; a detector with other thresholds (:func:`detector_id`) redoes the rows.

:func:`used` / :func:`effective` only read that cache (no py3langid: safe in the UI process).
What wins (:func:`reader.feeds.langdetect.detect_language`):

- nothing declared: a confident detection (``source="detected"``), else "und" (``"unknown"``);
- declared, and a confident detection disagrees: the detected language, the disagreement recorded
  in ``source`` (``"declared en, detected fr (0.99)"``), like ``published_inferred`` for dates;
- otherwise the declared language (``"declared"``, or ``"declared+detected"`` when they agree).

The search index, the entity model choice, the date and amount rules and the events use
:func:`effective` instead of ``meta.language``; an article whose effective language changes is
indexed and annotated again (the index's manifest and the annotations carry the language).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader import paths, sqlitedb
from reader.passages import make_safe_line
from reader.log import log_exception

if TYPE_CHECKING:
    from reader.corpus import ArticleMeta

LAYOUT = sqlitedb.Layout(
    "languages", 1,
    "CREATE TABLE detected (hash TEXT PRIMARY KEY, declared TEXT, lang TEXT, confidence REAL, "
    "source TEXT NOT NULL, detector TEXT NOT NULL);",
    probe=("SELECT hash, declared, lang, confidence, source, detector FROM detected LIMIT 0",))
UNDETERMINED = "und"


class Used(NamedTuple):
    lang: str  # what the article is read in: "en", "fr-CA" (as declared), "und"
    source: str  # "declared", "detected", "declared+detected", "declared en, detected fr (0.99)", "unknown"
    confidence: float | None  # the detector's probability; None when not checked (yet)


def db_path() -> Path:
    return paths.cache_dir() / "languages.sqlite3"


def base_code(lang: str | None) -> str:
    """ "fr-CA" → "fr"; missing → "und" (the comparison key of two language codes)."""
    return (lang or UNDETERMINED).strip().lower().replace("_", "-").split("-")[0] or UNDETERMINED


# -- read side (no detector) ---------------------------------------------------------------------

_memo: tuple[tuple, dict[str, tuple]] | None = None  # (file stamp, hash → (lang, confidence, source))


def _stamp(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


_paths: dict[str | None, Path] = {}  # $XDG_CACHE_HOME → db_path() (platformdirs costs ~25 µs a call)


def stored() -> dict[str, tuple]:
    """Every stored answer, read again whenever the file changed (one stat a call). A cache that
    cannot be read is an empty one (the declared languages are used); the ingest rebuilds a
    damaged file."""
    global _memo
    env = os.environ.get("XDG_CACHE_HOME")
    path = _paths.get(env)
    if path is None:
        path = _paths[env] = db_path()
    stamp = _stamp(path)
    if _memo is not None and _memo[0] == stamp:
        return _memo[1]
    rows: dict[str, tuple] = {}
    if stamp:
        try:
            with closing(sqlitedb.connect(path, mode="ro")) as conn:
                if sqlitedb.user_version(conn) == LAYOUT.version:
                    rows = {h: (lang, conf, src) for h, lang, conf, src in
                            conn.execute("SELECT hash, lang, confidence, source FROM detected")}
        except (sqlite3.Error, UnicodeDecodeError, OSError):
            rows = {}
    _memo = (stamp, rows)
    return rows


def used(meta: ArticleMeta, rows: dict[str, tuple] | None = None) -> Used:
    """The language ``meta`` (an :class:`reader.corpus.ArticleMeta`) is read in, and why (``rows``:
    :func:`stored`, read once for a loop over many articles)."""
    return used_of(meta.content_hash, meta.language, rows)


def used_of(content_hash: str | None, declared: str | None, rows: dict[str, tuple] | None = None) -> Used:
    """:func:`used` of an article version known by its hash and declared language (``rows``: a
    :func:`stored` already read, for a loop over many articles)."""
    declared = declared or UNDETERMINED
    row = (stored() if rows is None else rows).get(content_hash) if content_hash else None
    undetermined = base_code(declared) == UNDETERMINED
    if row is None:  # not checked yet (the ingest has not run since the file changed)
        return Used(declared, "unknown" if undetermined else "declared", None)
    lang, conf, source = row
    if lang and base_code(lang) != base_code(declared):
        return Used(lang, source, conf)
    return Used(declared, source if lang else ("unknown" if undetermined else "declared"), conf)


def effective(meta: ArticleMeta, rows: dict[str, tuple] | None = None) -> str:
    """The language code the index, the entity model, the date rules and the events use for ``meta``."""
    return used_of(meta.content_hash, meta.language, rows).lang


# -- write side: the ingest stage -----------------------------------------------------------------


def detector_id() -> str:
    """What the stored answers depend on: the detector's version, thresholds and text window."""
    from importlib.metadata import PackageNotFoundError, version

    from reader.feeds import langdetect

    try:
        v = version("py3langid")
    except PackageNotFoundError:
        v = "?"
    return f"py3langid {v}/{langdetect.MIN_CONFIDENCE}/{langdetect.MIN_LETTERS}/{langdetect.MAX_CHARS}/{OPENING_CHARS}"


OPENING_CHARS = 200  # the first paragraph, and the next ones while shorter (reader.feeds.convert.opening_text)


def update_languages(metas: Iterable[ArticleMeta], progress: Callable[[int, int], None] | None = None,
                     errors: list[str] | None = None) -> dict[str, int]:
    """Detect the language of every article version not checked yet (by this detector); returns
    ``{"checked": n, "detected": n, "corrected": n}`` (the undeclared ones detected, the declared
    ones overruled). An article that cannot be read is skipped (the catalogue reports it)."""
    from reader.corpus import ArticleFileError, load_article
    from reader.feeds.convert import opening_text
    from reader.feeds.langdetect import detect_language

    global _memo
    detector = detector_id()
    report = {"checked": 0, "detected": 0, "corrected": 0}
    try:
        conn = sqlitedb.open_cache(db_path(), LAYOUT)
    except (sqlite3.Error, OSError) as exc:  # read-only, full, locked: the declared languages are used
        if errors is not None:
            errors.append(f"the language cache {make_safe_line(str(db_path()))} cannot be used "
                          f"({sqlitedb.classify(exc)}: {make_safe_line(str(exc))[:120]}); declared languages used")
        return report
    with closing(conn):
        try:
            done = {h for h, d in conn.execute("SELECT hash, detector FROM detected") if d == detector}
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            if not sqlitedb.needs_rebuild(exc):
                raise
            conn.close()
            sqlitedb.discard(db_path(), LAYOUT.name, exc)
            return update_languages(metas, progress, errors)
        todo, seen = [], set(done)
        for m in metas:
            if m.content_hash not in seen:
                seen.add(m.content_hash)
                todo.append(m)
        total = len(todo)
        if progress:
            progress(0, total)
        batch: list[tuple] = []
        for n, meta in enumerate(todo, 1):
            try:
                article = load_article(meta)
            except (ArticleFileError, OSError):
                continue
            declared = article.meta.language if base_code(article.meta.language) != UNDETERMINED else None
            try:
                found = detect_language(article.meta.title, opening_text(article.parsed, OPENING_CHARS), declared)
            except Exception as exc:  # noqa: BLE001 - one article's failure keeps its declared language
                log_exception(__name__, "language detection failed for %s", meta.path)
                if errors is not None:
                    errors.append(f"{Path(meta.path).name}: language detection failed ({type(exc).__name__}: {exc})")
                continue
            batch.append((article.meta.content_hash, declared, found.lang, found.confidence, found.source, detector))
            report["checked"] += 1
            if found.source == "detected":
                report["detected"] += 1
            elif found.source.startswith("declared ") and found.lang:
                report["corrected"] += 1
            if len(batch) >= 200 or n == total:
                with conn:
                    conn.executemany("INSERT OR REPLACE INTO detected VALUES (?, ?, ?, ?, ?, ?)", batch)
                batch = []
            if progress and (n % 200 == 0 or n == total):
                progress(n, total)
        if batch:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO detected VALUES (?, ?, ?, ?, ?, ?)", batch)
    _memo = None  # read again by this process's next stages
    return report
