"""Saved searches ("query feeds") and when the reader was last opened on a corpus.

**Saved searches** are named filters (:mod:`reader.listfilter.syntax`) kept in
``$XDG_DATA_HOME/reader/searches.json`` (:func:`reader.paths.saved_searches_file`): the user's own,
so in the data dir, shared by every corpus (a filter names feeds, tags, words: it means the same
wherever it runs). A filter is checked when it is saved; the file is written atomically; a file that
cannot be read is a :class:`SavedSearchError` that says so, and is never overwritten nor deleted
(nothing the user wrote is lost). Counts are evaluated by a :class:`FilterContext`, the reading state
read once for all the searches.

**Last opened** (``new``): ``$XDG_DATA_HOME/reader/opened.json`` holds, per corpus, when the reader
was last opened on it. The UI calls :func:`mark_opened` at start-up, which records now and returns
the previous time, to pass as ``FilterContext(last_opened=…)``; ``reader list --filter new`` reads it
with :func:`last_opened`.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.listfilter.evaluate import FilterContext
from reader.listfilter.model import Filter, FilterError
from reader.listfilter.syntax import parse_filter
from reader.passages import make_safe

MAX_NAME = 80
MAX_SEARCHES = 500
FORMAT = 1


class SavedSearchError(Exception):
    """A problem with saved searches the user should read (bad name, unreadable file…)."""


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    created: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "query": self.query, "created": self.created}


@dataclass(frozen=True)
class SearchCount:
    search: SavedSearch
    total: int | None  # None when it cannot be evaluated (``error``)
    unread: int | None
    error: str | None = None

    def to_json(self) -> dict:
        return self.search.to_json() | {"total": self.total, "unread": self.unread, "error": self.error}


def check_name(name: str) -> str:
    """A saved search's name, cleaned (whitespace collapsed), or :class:`SavedSearchError`."""
    clean = " ".join(make_safe(name).split())
    if not clean:
        raise SavedSearchError("a saved search needs a name")
    if len(clean) > MAX_NAME:
        raise SavedSearchError(f"name too long: {len(clean)} characters (at most {MAX_NAME})")
    return clean


class SavedSearches:
    """The saved searches in ``path`` (default: :func:`reader.paths.saved_searches_file`)."""

    def __init__(self, path: Path | None = None):
        if path is None:
            from reader import paths

            path = paths.saved_searches_file()
        self.path = Path(path)

    def _read(self) -> list[SavedSearch]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise SavedSearchError(f"cannot read the saved searches {make_safe(str(self.path))}: "
                                   f"{make_safe(str(getattr(exc, 'strerror', None) or exc))}") from None
        try:
            data = json.loads(text)
            items = data["searches"] if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise ValueError("no 'searches' list")
            out = [SavedSearch(str(d["name"]), str(d["query"]), str(d.get("created", ""))) for d in items]
        except (ValueError, KeyError, TypeError) as exc:
            raise SavedSearchError(f"the saved searches file {make_safe(str(self.path))} is not readable "
                                   f"({make_safe(str(exc))[:100]}); it was left as it is: fix or move it") from None
        return out

    def _write(self, searches: list[SavedSearch]) -> None:
        from reader.fileio import atomic_write_text

        data = {"format": FORMAT, "searches": [s.to_json() for s in searches]}
        try:
            atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", sync=True)
        except OSError as exc:
            raise SavedSearchError(f"cannot write the saved searches {make_safe(str(self.path))}: "
                                   f"{make_safe(exc.strerror or str(exc))}") from None

    def list(self) -> list[SavedSearch]:
        """Every saved search, in the order saved."""
        return self._read()

    def get(self, name: str) -> SavedSearch | None:
        key = check_name(name).casefold()
        return next((s for s in self._read() if s.name.casefold() == key), None)

    def save(self, name: str, query: str, replace: bool = False) -> SavedSearch:
        """Save ``query`` as ``name`` (names are unique, case ignored). The query must parse
        (:class:`reader.listfilter.model.FilterError` otherwise); an existing name is a
        :class:`SavedSearchError` unless ``replace``."""
        name = check_name(name)
        query = " ".join(query.split())
        parse_filter(query)  # FilterError: the caller shows it
        searches = self._read()
        same = [k for k, s in enumerate(searches) if s.name.casefold() == name.casefold()]
        created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        item = SavedSearch(name, query, created)
        if same:
            if not replace:
                raise SavedSearchError(f"a saved search named {searches[same[0]].name!r} exists "
                                       f"({searches[same[0]].query}); remove it first or replace it")
            searches[same[0]] = item
        else:
            if len(searches) >= MAX_SEARCHES:
                raise SavedSearchError(f"too many saved searches (at most {MAX_SEARCHES})")
            searches.append(item)
        self._write(searches)
        return item

    def delete(self, name: str) -> SavedSearch:
        """Remove ``name`` (case ignored) and return it; :class:`SavedSearchError` when there is none."""
        key = check_name(name).casefold()
        searches = self._read()
        kept = [s for s in searches if s.name.casefold() != key]
        if len(kept) == len(searches):
            names = ", ".join(s.name for s in searches[:10]) or "none saved"
            raise SavedSearchError(f"no saved search named {check_name(name)!r} (saved: {names})")
        self._write(kept)
        return next(s for s in searches if s.name.casefold() == key)

    def counts(self, ctx: FilterContext, ids: Sequence[str] | None = None) -> builtins.list[SearchCount]:
        """Each saved search with how many articles it keeps and how many of those are unread (the
        reading state read once for all of them)."""
        searches = self._read()
        parsed: builtins.list[Filter | str] = []  # a filter, or why it cannot be parsed
        out: builtins.list[SearchCount] = []
        for s in searches:
            try:
                parsed.append(parse_filter(s.query))
            except FilterError as exc:
                parsed.append(str(exc))
        counted = iter(ctx.count_many([p for p in parsed if not isinstance(p, str)], ids))
        for s, p in zip(searches, parsed):
            if isinstance(p, str):
                out.append(SearchCount(s, None, None, p))
                continue
            total, unread, error = next(counted)
            out.append(SearchCount(s, total, unread, error))
        return out


# -- last opened ----------------------------------------------------------------------------------


def _opened_path() -> Path:
    from reader import paths

    return paths.opened_file()


def _read_opened(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError, UnicodeDecodeError):
        return {}  # a lost time only makes every article 'new' once: not worth a message


def last_opened(folder: Path) -> float | None:
    """When the reader was last opened on ``folder`` (Unix time), or None (never)."""
    from reader import paths

    try:
        value = _read_opened(_opened_path()).get(paths.corpus_key(folder))
    except OSError:
        return None
    return float(value) if isinstance(value, (int, float)) else None


def mark_opened(folder: Path, when: float | None = None) -> float | None:
    """Record that the reader opens ``folder`` now (or at ``when``); returns the previous time (for
    ``new``), None the first time. A data dir that cannot be written loses only this record."""
    from reader import paths
    from reader.fileio import atomic_write_text

    try:
        path = _opened_path()
        data = _read_opened(path)
        key = paths.corpus_key(folder)
        previous = data.get(key)
        data[key] = time.time() if when is None else float(when)
        atomic_write_text(path, json.dumps(data) + "\n")
    except OSError:
        return last_opened(folder)
    return float(previous) if isinstance(previous, (int, float)) else None
