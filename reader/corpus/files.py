"""One article file: its front matter (YAML, read without dates), validation into an
:class:`~reader.corpus.model.ArticleMeta` and a safe body, and opening only regular files, never blocking."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any

from reader.corpus.model import Article, ArticleFileError, ArticleMeta, LoadError
from reader.passages import PASSAGES_VERSION, make_safe, parse_passages_cached, parses_differently
from reader.log import log_exception

MAX_BYTES = 5 * 1024 * 1024
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@functools.cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader, imported on first use (start-up from the catalogue never parses
    front matter). The loader constructs no dates or times: ``2024-02-30`` or ``25:00:00`` in any key
    made PyYAML raise a bare ValueError; every value that looks like a timestamp (or is tagged
    ``!!timestamp``) stays the text it was written as, and :func:`_as_date` reads ``published``."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class FrontMatterLoader(base):  # type: ignore[misc, valid-type]  # PyYAML ships no types
        pass

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != _TIMESTAMP_TAG]
        for first, resolvers in base.yaml_implicit_resolvers.items()}
    FrontMatterLoader.add_constructor(_TIMESTAMP_TAG, lambda loader, node: loader.construct_scalar(node))
    return yaml, FrontMatterLoader



def content_hash(data: bytes, body: str | None = None) -> str:
    """The version of an article every cache is keyed by: its bytes, and — for a body whose passages
    a newer parser reads differently (see :data:`reader.passages.PASSAGES_VERSION`) — that version,
    so such an article alone is annotated and indexed again after an upgrade."""
    if body is not None and parses_differently(body):
        data += b"\x00passages:%d" % PASSAGES_VERSION
    return hashlib.sha256(data).hexdigest()[:24]


def _split_front_matter(text: str) -> tuple[str, str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        raise ArticleFileError("no front matter: the file must start with a '---' block holding id and title")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ArticleFileError("malformed front matter: the first line must be exactly '---'")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    raise ArticleFileError("malformed front matter: no closing '---' line")


# what YAML itself reads as a date: 2023-04-19, 2023-4-9, optionally followed by a time
_YAML_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[Tt\s])")


def _as_date(value: Any, key: str) -> dt.date | None:
    """``published`` as a date; raises ArticleFileError (said as a warning: the article is listed
    undated) for text that is no date, or no real one (2024-02-30)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    try:
        match = _YAML_DATE.match(text)
        if match:
            return dt.date(*map(int, match.groups()))
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        why = f"not a real date ({exc})" if match else "not a date (YYYY-MM-DD)"
        raise ArticleFileError(f"'{key}' is {why}: {str(value)[:40]!r}; listed undated") from None


def _scalar(fm: dict[str, Any], key: str) -> Any:
    value = fm.get(key)
    if isinstance(value, (dict, list, set, tuple)):  # str() of nested YAML aliases can be gigabytes
        raise ArticleFileError(f"'{key}' must be a single value, not a list or mapping")
    return value


def _opt_str(fm: dict[str, Any], key: str) -> str | None:
    value = _scalar(fm, key)
    if value is None or value is False:
        return None
    if value is True:
        return "yes"
    return make_safe(str(value)).strip() or None


def parse_article_bytes(path: Path, data: bytes, warnings: list[str] | None = None) -> tuple[ArticleMeta, str]:
    """Validate one file's bytes; returns its metadata and (safe) Markdown body or raises ArticleFileError.
    Problems that leave the article readable (an optional field that is wrong, left out) are
    appended to ``warnings``."""
    if not data.strip():
        raise ArticleFileError("empty file")
    if len(data) > MAX_BYTES:
        raise ArticleFileError(f"too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")
    if b"\x00" in data[:8192]:
        raise ArticleFileError("binary file (contains NUL bytes), not Markdown text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleFileError(f"not valid UTF-8 (bad byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    front, body = _split_front_matter(text.replace("\r\n", "\n"))
    yaml, loader = _yaml()
    try:
        fm = yaml.load(front, Loader=loader) if front.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ArticleFileError(f"front matter is not valid YAML{where}: {problem}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a constructor on odd input (!!float x)
        raise ArticleFileError(f"front matter could not be read: {str(exc)[:80] or type(exc).__name__}") from None
    if not isinstance(fm, dict):
        raise ArticleFileError("front matter must be 'key: value' lines with at least id and title")
    raw_id = _scalar(fm, "id")
    if raw_id is None or str(raw_id).strip() == "":
        raise ArticleFileError("front matter lacks 'id'")
    art_id = str(raw_id).strip()
    if not _ID_RE.match(art_id):
        raise ArticleFileError(f"id {art_id[:40]!r} must be letters, digits, '.', '_', ':' or '-' (at most 200)")
    title = _opt_str(fm, "title")
    if not title:
        raise ArticleFileError("front matter lacks 'title'")
    language = (_opt_str(fm, "language") or _opt_str(fm, "lang") or "und").lower()
    date_key = "published" if fm.get("published") not in (None, "") else "date"
    try:
        published = _as_date(_scalar(fm, date_key), date_key)
    except ArticleFileError as exc:  # optional: the article is listed undated, and the file is named
        published = None
        if warnings is not None:
            warnings.append(str(exc))
    body = make_safe(body)
    meta = ArticleMeta(
        id=art_id,
        title=" ".join(title.split()),
        path=path,
        content_hash=content_hash(data, body),
        language=language[:12],
        published=published,
        published_inferred=_opt_str(fm, "published_inferred"),
        source=_opt_str(fm, "source"),
        url=_opt_str(fm, "url"),
        words=len(body.split()),
        feed=_opt_str(fm, "feed"),
    )
    return meta, body


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a regular file"


def _not_regular(mode: int) -> ArticleFileError:
    return ArticleFileError(f"{_kind(mode)}, not a regular file; skipped")


def read_article_file(path: Path, warnings: list[str] | None = None) -> tuple[ArticleMeta, str]:
    """Read and validate one article file. Only a regular file is read: it is opened non-blocking
    (opening a FIFO for reading would wait for a writer forever) and checked before reading."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise ArticleFileError(f"cannot read: {exc.strerror or exc}") from None
    with open(fd, "rb") as fh:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(st.st_mode)
            data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ArticleFileError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ArticleFileError(f"too large ({max(st.st_size, len(data)) / 1e6:.1f} MB; "
                               f"the limit is {MAX_BYTES // (1024 * 1024)} MB)")
    return parse_article_bytes(path, data, warnings)


def _read_entry(path: Path, name: str) -> tuple[ArticleMeta | LoadError, str | None]:
    """One file of a scan: its metadata or its error, and its warning (None when none)."""
    warnings: list[str] = []
    try:
        return read_article_file(path, warnings)[0], "; ".join(warnings) or None
    except ArticleFileError as exc:
        return LoadError(path, str(exc), name), None
    except Exception as exc:  # noqa: BLE001 — one file never stops the scan of the others
        log_exception("reader.corpus", "%s could not be read", path)  # the capability's logger
        return LoadError(path, f"could not be read ({type(exc).__name__}: {str(exc)[:80]})", name), None


def load_article(meta: ArticleMeta) -> Article:
    """Read and parse one article's body (re-reading its file: it may have changed since listing)."""
    new_meta, body = read_article_file(meta.path)
    return Article(new_meta, body, parse_passages_cached(new_meta.content_hash, body))

