"""``reader import-newsboat``: subscriptions from newsboat's ``urls``, articles from its ``cache.db``.

Paths (newsboat's own rules, ``rust/libnewsboat/src/configpaths.rs``): when
``$XDG_CONFIG_HOME/newsboat`` (default ``~/.config/newsboat``) is a folder, ``urls`` is there and
``cache.db`` in ``$XDG_DATA_HOME/newsboat`` (default ``~/.local/share/newsboat``); else both are
in ``~/.newsboat``.

Each cached item of a subscribed feed becomes an article exactly as a fetch would write it
(:func:`reader.feeds.articles.render_article`, same file layout, same identity key and content
hash recorded in the fetch state), so ``reader fetch`` of that feed afterwards finds every entry
known. newsboat's guid is its own guess when the feed had none (``get_guid`` in
``src/rssparser.cpp``: link + pubDate, else link, else title): such items get the key a fetch
would give them (link, else title + date); where a guid cannot be told from newsboat's guess
(guid equal to the link, or to the title) both keys are recorded for the same article.

Items newsboat marked deleted are tombstoned (never written, not even by a later fetch).
Unread → unread; read → read; flagged → starred: newsboat's flags are letters the user gives
meanings to (no flag means "star" by default; only its sync back-ends map one), so any flag
counts unless ``starred_flags`` names the letters that do. The reading state of the new
articles is written in one transaction; articles already known (fetched or imported before)
keep reader's own state, so importing again changes nothing. The cache is opened read-only.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.passages import make_safe

if TYPE_CHECKING:
    import argparse

PROGRESS_EVERY = 1000


class NewsboatError(RuntimeError):
    """The newsboat files cannot be used; the message is meant for the user."""


@dataclass
class ImportReport:
    feeds: int = 0            # subscribed feeds with items in the cache
    new: int = 0              # articles written
    known: int = 0            # items already in the fetch state (fetched or imported before)
    tombstoned: int = 0       # deleted in newsboat: remembered, not written
    read: int = 0
    starred: int = 0
    unsubscribed: int = 0     # items of feeds not in the subscriptions


def default_paths(env: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """(urls, cache.db) where newsboat itself looks for them."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())

    def xdg(name: str, default: str) -> Path:
        value = env.get(name, "")
        return Path(value) if value and os.path.isabs(value) else home / default  # relative: ignored (spec)

    config_dir = xdg("XDG_CONFIG_HOME", ".config") / "newsboat"
    if config_dir.is_dir():
        return config_dir / "urls", xdg("XDG_DATA_HOME", ".local/share") / "newsboat" / "cache.db"
    return home / ".newsboat" / "urls", home / ".newsboat" / "cache.db"


def _open_cache(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise NewsboatError(f"no newsboat cache at {path}" + (" (a folder)" if path.is_dir() else ""))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
        cols = {r[1] for r in conn.execute("PRAGMA table_info(rss_item)")}
        feed_cols = {r[1] for r in conn.execute("PRAGMA table_info(rss_feed)")}
    except sqlite3.Error as exc:
        raise NewsboatError(f"cannot read the newsboat cache {path}: {make_safe(str(exc))[:100]}") from None
    missing = {"guid", "title", "author", "url", "feedurl", "pubDate", "content", "unread"} - cols
    if missing or not {"rssurl", "title"} <= feed_cols:
        conn.close()
        raise NewsboatError(f"{path} is not a newsboat cache (no rss_item/rss_feed tables with the usual columns)")
    return conn


def _key(guid: str, link: str | None, title: str) -> tuple[str, str | None]:
    """(the key given to the entry before :func:`assign_keys` — '' to let it derive one the way a
    fetch of a feed without guid would —, an alias key newsboat's guid may stand for)."""
    if not guid:
        return "", None
    if link and guid.startswith(link) and guid != link:  # newsboat's link + pubDate
        return "", guid
    if link and guid == link:  # a permalink guid, or newsboat's link: both
        return guid, f"link:{link}"
    if not link and guid == title:  # newsboat's title
        return "", guid
    return guid, None


def import_newsboat(folder: Path, cache: Path, starred_flags: str | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    clock: Callable[[], float] = time.time) -> ImportReport:
    """Import the items of ``cache`` (newsboat's cache.db) whose feeds ``folder`` subscribes to
    (newsboat's ``urls`` is imported first, by ``reader feeds import``); ``starred_flags``: the
    flag letters that mean starred (None: any flag). ``progress(done, total)`` every
    :data:`PROGRESS_EVERY` items."""
    from reader.feeds.parse import Entry, Feed, _abs, assign_keys, clean
    from reader.feeds.state import EntryState
    from reader.feeds.subscriptions import FeedsFile, SubscriptionError, normalize_url
    from reader.feeds.articles import _file_for, article_id, entry_hash, render_article
    from reader.feeds.update import _RunLock, state_db
    from reader.fileio import atomic_write_text
    from reader.state.store import StateStore

    folder = Path(folder)
    report = ImportReport()
    subs = {s.url: s for s in FeedsFile(folder).subscriptions()}
    conn = _open_cache(Path(cache))

    def col(name: str, default: str) -> str:
        return name if name in cols else default

    try:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(rss_item)")}
        feed_rows = conn.execute("SELECT rssurl, url, title FROM rss_feed").fetchall()
        total = 0  # items of subscribed feeds
        by_url: dict[str, tuple[str, str | None, str | None, list[str]]] = {}
        for rssurl, link, title in feed_rows:
            try:
                url = normalize_url(rssurl)
            except SubscriptionError:
                continue
            by_url.setdefault(url, (url, link, title, []))[3].append(rssurl)
        known_rss = {r for v in by_url.values() for r in v[3]}
        for (feedurl, n) in conn.execute("SELECT feedurl, count(*) FROM rss_item GROUP BY feedurl"):
            try:
                url = normalize_url(feedurl)
            except SubscriptionError:  # not a feed URL: not subscribed either
                report.unsubscribed += n
                continue
            if url not in subs:
                report.unsubscribed += n
                continue
            total += n
            if feedurl not in known_rss:
                by_url.setdefault(url, (url, None, None, []))[3].append(feedurl)
                known_rss.add(feedurl)
        fetched = dt.datetime.fromtimestamp(clock(), dt.timezone.utc)
        done = 0
        states: dict[str, tuple[bool, bool]] = {}
        pending: list[list] = []  # each feed's entry states, saved after the reading state
        with _RunLock(folder), state_db(folder) as db:
            for url, link, title, raw_urls in by_url.values():
                if url not in subs:
                    continue
                marks = ",".join("?" * len(raw_urls))
                rows = conn.execute(
                    f"SELECT guid, title, author, url, pubDate, content, unread, {col('flags', 'NULL')}, "
                    f"{col('deleted', '0')}, {col('base', chr(39) * 2)}, {col('content_mime_type', chr(39) * 2)} "
                    f"FROM rss_item WHERE feedurl IN ({marks}) ORDER BY pubDate DESC, id DESC", raw_urls).fetchall()
                if not rows:
                    continue
                report.feeds += 1
                st = db.feed(url)
                if (not st.title and clean(title)) or (not st.link and _abs(link, url)):
                    st.title = st.title or clean(title) or None
                    st.link = st.link or _abs(link, url)
                    db.save_feed(st)
                feed = Feed(title=st.title or clean(title) or None, link=st.link,
                            language=st.language, format="newsboat")
                known = db.entries(st.feed_id)
                items: list[tuple[Entry, str | None, tuple]] = []
                for guid, ititle, author, ilink, pub, content, unread, flags, deleted, base, mime in rows:
                    elink = _abs(ilink, url)
                    etitle = clean(ititle)
                    try:
                        published = dt.datetime.fromtimestamp(int(pub), dt.timezone.utc) if pub else None
                    except (ValueError, OverflowError, OSError):
                        published = None
                    key, alias = _key((guid or "").strip(), elink, etitle)
                    e = Entry(key=key, title=etitle, link=elink, published=published, content=content or "",
                              content_type="text" if (mime or "").lower() == "text/plain" else "html",
                              author=clean(author) or None, base=_abs(base, url) if base else None)
                    items.append((e, alias, (unread, flags, deleted, base)))
                assign_keys([e for e, _, _ in items])
                changes: list[EntryState] = []
                taken = set(known)
                for e, alias, (unread, flags, deleted, _base) in items:
                    done += 1
                    if progress and done % PROGRESS_EVERY == 0:
                        progress(done, total)
                    if e.key in known:
                        report.known += 1
                        continue
                    art_id = article_id(st.feed_id, e.key)
                    rel = _file_for(st.feed_id, e, art_id)
                    h = entry_hash(e)
                    new = EntryState(st.feed_id, e.key, art_id, rel, h, deleted=bool(deleted))
                    if deleted:
                        report.tombstoned += 1
                    else:
                        path = folder / rel
                        path.parent.mkdir(parents=True, exist_ok=True)
                        atomic_write_text(path, render_article(art_id, e, feed, st.url, fetched, url),
                                          mode=0o644)
                        report.new += 1
                        read = not unread
                        star = bool(flags) and (starred_flags is None or any(f in starred_flags for f in flags))
                        report.read += read
                        report.starred += star
                        if read or star:
                            states[art_id] = (read, star)
                    changes.append(new)
                    taken.add(e.key)
                    if alias and alias not in taken:
                        changes.append(EntryState(st.feed_id, alias, art_id, rel, h, deleted=bool(deleted)))
                        taken.add(alias)
                pending.append(changes)
            if progress and done % PROGRESS_EVERY:
                progress(done, total)
            # files first, then the reading state, then the fetch state: interrupted anywhere, the
            # next import writes the same files and states again
            if states:
                StateStore().import_states(states)
            for changes in pending:
                db.save_entries(changes, fetched.timestamp())
    except sqlite3.Error as exc:
        raise NewsboatError(f"cannot read the newsboat cache {cache}: {make_safe(str(exc))[:100]}") from None
    finally:
        conn.close()
    return report


def cli_import_newsboat(args: argparse.Namespace) -> int:
    from argparse import Namespace

    from reader.feeds.cli import _err, _import, feeds_folder
    from reader.feeds.state import StateError
    from reader.feeds.subscriptions import SubscriptionError
    from reader.feeds.update import FetchBusy
    from reader.state.store import StateError as ReadingStateError

    folder = feeds_folder(args)
    default_urls, default_cache = default_paths()
    urls = Path(args.urls).expanduser() if args.urls else default_urls
    cache = Path(args.cache).expanduser() if args.cache else default_cache
    try:
        if urls.is_file():
            if _import(Namespace(file=str(urls), allow_commands=False), folder) != 0:
                return 1
        elif args.urls:
            _err(f"no newsboat urls file at {urls}")
            return 1
        else:
            _err(f"no newsboat urls file at {urls}: importing the cache's articles of feeds already subscribed")

        def progress(done: int, total: int) -> None:
            print(f"reader: newsboat cache: {done}/{total} items", file=sys.stderr, flush=True)

        r = import_newsboat(folder, cache, args.starred_flags, progress)
    except (NewsboatError, SubscriptionError, StateError, FetchBusy, ReadingStateError) as exc:
        _err(str(exc))
        return 1
    print(f"imported {r.new} articles from {make_safe(str(cache))} ({r.read} read, {r.starred} starred) "
          f"of {r.feeds} feeds; {r.known} already known, {r.tombstoned} deleted in newsboat (not imported)"
          + (f", {r.unsubscribed} of feeds not subscribed skipped" if r.unsubscribed else ""))
    return 0
