"""The folder scan: the article files under the articles folder and its sub-folders (hidden ones
left out, links never looping), the files skipped, and reading a folder without the catalogue."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.corpus.files import _not_regular, _read_entry
from reader.corpus.model import ArticleMeta, CorpusFolderError, LoadError, ScanResult, sort_key
from reader.passages import make_safe_line

ARTICLE_SUFFIXES = (".md", ".markdown")
MAX_DEPTH = 32  # sub-folder levels scanned below the articles folder
CORPUS_FILES = frozenset({"feeds.txt"})  # the corpus's own files (subscriptions): not articles, not 'skipped'


@dataclass
class Listing:
    files: list[tuple[str, os.DirEntry]]  # (name relative to the folder, entry), sorted by name
    problems: list[LoadError]  # sub-folders that cannot be read, article names that are no file
    skipped: list[str]  # other files, not articles


def list_articles(folder: Path) -> Listing:
    """The article files under ``folder`` and its sub-folders (``os.scandir``: no stat per file but
    for folders and odd entries). Hidden files and folders are left out; a sub-folder that cannot
    be read is a problem, and the scan goes on; the folder itself raises :class:`CorpusFolderError`."""
    files: list[tuple[str, os.DirEntry]] = []
    problems: list[LoadError] = []
    skipped: list[str] = []
    try:
        top = os.stat(folder)
    except OSError as exc:
        raise CorpusFolderError(_folder_message(folder, exc)) from None
    visited = {(top.st_dev, top.st_ino)}  # folders already listed: a symbolic link never loops
    stack = [("", os.fspath(folder), 0)]
    while stack:
        prefix, dirpath, depth = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                for entry in it:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    rel = prefix + name
                    if not name.isascii() and not _utf8(name):  # no catalogue row, no JSON, no terminal
                        if name.endswith(ARTICLE_SUFFIXES) or entry.is_dir():
                            problems.append(LoadError(Path(entry.path), "the name is not valid UTF-8 (rename it); "
                                                      "skipped", rel))
                        else:
                            skipped.append(rel)
                        continue
                    try:
                        if entry.is_file():
                            if name.endswith(ARTICLE_SUFFIXES):
                                files.append((rel, entry))
                            elif rel not in CORPUS_FILES:
                                skipped.append(rel)
                        elif entry.is_dir():
                            st = entry.stat()
                            if (st.st_dev, st.st_ino) in visited:
                                continue
                            visited.add((st.st_dev, st.st_ino))
                            if depth >= MAX_DEPTH:
                                problems.append(LoadError(Path(entry.path), f"more than {MAX_DEPTH} folders deep; "
                                                          "skipped", rel + "/"))
                            else:
                                stack.append((rel + "/", entry.path, depth + 1))
                        elif name.endswith(ARTICLE_SUFFIXES):
                            problems.append(LoadError(Path(entry.path), str(_not_regular(entry.stat().st_mode)), rel))
                        else:
                            skipped.append(rel)
                    except FileNotFoundError:  # a broken symbolic link, or gone meanwhile
                        if name.endswith(ARTICLE_SUFFIXES):
                            problems.append(LoadError(Path(entry.path), "broken symbolic link; skipped", rel))
                    except OSError as exc:
                        problems.append(LoadError(Path(entry.path), f"cannot read: {exc.strerror or exc}", rel))
        except OSError as exc:
            if not prefix:
                raise CorpusFolderError(_folder_message(folder, exc)) from None
            problems.append(LoadError(Path(dirpath), f"cannot read this folder ({exc.strerror or exc}); "
                                      "its articles are skipped", prefix))
    files.sort(key=lambda f: f[0])
    problems.sort(key=lambda e: e.name)
    skipped.sort()
    return Listing(files, problems, skipped)


def skipped_summary(skipped: Sequence[str], show: int = 3) -> str:
    """One line for the files that are not articles: how many, and the first few names (inert)."""
    names = ", ".join(make_safe_line(name) for name in skipped[:show]) + (", …" if len(skipped) > show else "")
    return f"{len(skipped)} other file(s) skipped (articles are .md or .markdown): {names}"


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by os as surrogate escapes
        return False


def _folder_message(folder: Path, exc: OSError) -> str:
    shown = make_safe_line(os.fspath(folder))
    if isinstance(exc, FileNotFoundError):
        return f"articles folder not found: {shown}"
    if isinstance(exc, NotADirectoryError):
        return f"the articles folder is a file, not a folder: {shown}"
    return f"cannot read the articles folder {shown}: {exc.strerror or exc}"


def _duplicate(art_id: str, first_file: str) -> str:
    return f"duplicate id {art_id!r} (already used by {first_file}); skipped"



def _dedupe(folder: Path, metas: Iterable[ArticleMeta], errors: list[LoadError]) -> list[ArticleMeta]:
    seen: dict[str, ArticleMeta] = {}
    for meta in metas:  # in file-name order (relative names, as listed): the first file keeps the id
        if meta.id in seen:
            name, first = (m.path.relative_to(folder).as_posix() for m in (meta, seen[meta.id]))
            errors.append(LoadError(meta.path, _duplicate(meta.id, first), name))
        else:
            seen[meta.id] = meta
    return sorted(seen.values(), key=sort_key)


def _by_name(errors: list[LoadError]) -> list[LoadError]:
    return sorted(errors, key=lambda e: e.name)  # stable: a file's own errors keep their order


def _listed(articles: list[ArticleMeta], warnings: list[LoadError]) -> list[LoadError]:
    """The warnings of files that are listed (a duplicate's is noise: the file is an error)."""
    if not warnings:
        return []
    kept = {m.path for m in articles}
    return [w for w in warnings if w.path in kept]


def sort_in(item: ArticleMeta | LoadError, warning: str | None, path: Path, name: str, metas: list[ArticleMeta],
            errors: list[LoadError], warnings: list[LoadError]) -> None:
    """One file's result, read or cached, into the scan's lists: the article or its error, and its
    warning (the folder scan and the catalogue's refresh both)."""
    if isinstance(item, LoadError):
        errors.append(item)
    else:
        metas.append(item)
    if warning:
        warnings.append(LoadError(path, warning, name))


def load_folder(folder: Path) -> ScanResult:
    """Read every article of a folder, without any cache (used by tests and small corpora)."""
    folder = Path(folder)
    listing = list_articles(folder)
    metas: list[ArticleMeta] = []
    errors: list[LoadError] = list(listing.problems)
    warnings: list[LoadError] = []
    for name, entry in listing.files:
        path = Path(entry.path)
        item, warning = _read_entry(path, name)
        sort_in(item, warning, path, name, metas, errors, warnings)
    articles = _dedupe(folder, metas, errors)
    return ScanResult(articles, _by_name(errors), warnings=_listed(articles, warnings), skipped=listing.skipped)

