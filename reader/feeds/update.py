"""Fetch a corpus's feeds and write their entries as articles.

An entry becomes ``feeds/<feed id>/<date>-<title>-<hash>.md`` under the corpus folder: Markdown
with front matter (:mod:`reader.corpus` reads it like any article, so the catalogue, ingest,
search and bookmarks need nothing new). Identity is (feed, entry key) — see
:func:`reader.feeds.parse.assign_keys` — and the article id is derived from it, so it never
changes. An entry is written again only when its content *without dates* changes (at most
:data:`MAX_REWRITES` times); one the user deleted is remembered and never written again.

Scheduling: a feed is due at its ``next_check`` (:mod:`reader.feeds.schedule`: the per-feed
interval, stretched by the server's cache headers, with jitter); ``429``/``503`` with
``Retry-After`` wait that long; ``410 Gone`` stops the feed. What an entry becomes on disk is
:mod:`reader.feeds.articles`."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import IO
from dataclasses import dataclass, field
from pathlib import Path

from reader.feeds import net
from reader.feeds.articles import Body, _body_of, _file_for, article_id, entry_hash, render_article, wants_page
from reader.feeds.parse import Entry, Feed, FeedParseError, parse_feed
from reader.feeds.schedule import MIN_INTERVAL, cache_lifetime, next_check, retry_after
from reader.feeds.state import EntryState, FeedState, StateDB
from reader.feeds.status import FEEDS_DIR
from reader.feeds.subscriptions import FeedsFile, FullTextMode, Subscription
from reader.passages import parse_passages
from reader.log import ERROR, log_exception

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)

MAX_REWRITES = 24


@dataclass
class FeedReport:
    url: str
    title: str | None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    status: int | None = None
    error: str | None = None
    not_modified: bool = False
    moved_to: str | None = None
    skipped: str | None = None   # why it was not fetched (stopped)
    full_text: int = 0           # articles whose text came from their web page (full text)
    full_text_failed: int = 0    # pages that could not be fetched or held no article text
    pages_unchanged: int = 0     # pages not downloaded again (304): the article keeps their text
    pages_pending: int = 0       # pages queued for this feed (its progress line waits for them)

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_json(self) -> dict:
        return {"url": self.url, "title": self.title, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "status": self.status, "error": self.error,
                "not_modified": self.not_modified, "moved_to": self.moved_to, "skipped": self.skipped,
                "full_text": self.full_text, "full_text_failed": self.full_text_failed,
                "pages_unchanged": self.pages_unchanged}


@dataclass
class RunReport:
    feeds: list[FeedReport] = field(default_factory=list)
    unread_again: int = 0  # read articles of '+unread-on-edit' feeds made unread by their edit
    warnings: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> list[FeedReport]:
        return [f for f in self.feeds if not f.skipped]

    def total(self) -> dict:
        att = self.attempted
        return {"feeds": len(att), "failed": sum(f.failed for f in att),
                "new": sum(f.new for f in att), "updated": sum(f.updated for f in att),
                "unchanged": sum(f.unchanged for f in att), "skipped": len(self.feeds) - len(att),
                "unread_again": self.unread_again}


class FetchBusy(RuntimeError):
    """Another fetch of the same corpus is running."""


class _RunLock:
    """One fetch run per corpus at a time (an advisory lock next to its state database)."""

    def __init__(self, folder: Path):
        from reader import paths

        self.path = paths.feeds_state_db(folder).with_suffix(".lock")
        self.fh: IO[str] | None = None

    def __enter__(self) -> _RunLock:
        from reader.fileio import try_lock

        self.fh = try_lock(self.path, FetchBusy("another 'reader fetch' of this corpus is running; "
                                                "try again when it is done"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()


def state_db(folder: Path) -> StateDB:
    from reader import paths

    return StateDB(paths.feeds_state_db(folder))


# --- one run ------------------------------------------------------------------------------------

@dataclass
class _Page:
    """An article waiting for its web page (full text ``always``, or ``auto`` and a teaser)."""

    path: Path
    state: EntryState
    entry: Entry
    feed: Feed
    feed_url: str
    fetched: dt.datetime     # first fetched (the article's front matter)
    base_url: str
    report: FeedReport
    mode: FullTextMode       # "always" or "auto"
    edit_hash: str | None    # an edited entry: its new hash (stored once the article is rewritten)


class Updater:
    def __init__(self, folder: Path, settings: net.Settings | None = None, interval: float = MIN_INTERVAL,
                 clock: Callable[[], float] = time.time):
        self.folder = Path(folder)
        self.settings = settings or net.Settings()
        self.interval = interval
        self.clock = clock
        self._pages: list[_Page] = []

    def refetch(self, url: str, progress: Callable[[FeedReport], None] | None = None) -> RunReport:
        """``reader feeds refetch URL``: the feed downloaded again (not conditionally) and every entry
        it still carries re-extracted — from its web page as the feed's full-text mode says (asked
        with the page's ETag / Last-Modified: an unchanged page is not downloaded again and its
        article stays), else from the feed's own text. Deleted articles stay deleted."""
        return self.run(all_feeds=True, only=[url], progress=progress, refetch=True)

    def run(self, all_feeds: bool = False, only: list[str] | None = None,
            progress: Callable[[FeedReport], None] | None = None,
            planned: Callable[[int], None] | None = None, refetch: bool = False) -> RunReport:
        """Fetch the feeds that are due (every one with ``all_feeds``; ``only`` those URLs; ``refetch``:
        unconditionally, every entry re-extracted). ``planned(n)`` is told how many feeds will be
        fetched, before the first request; ``progress(report)`` is told of each feed once it is done."""
        feeds_file = FeedsFile(self.folder)
        subs = feeds_file.subscriptions()
        if only is not None:
            subs = [s for s in subs if s.url in set(only)]
        report = RunReport()
        now = self.clock()
        with _RunLock(self.folder), state_db(self.folder) as db:
            states = {s.url: db.feed(s.url) for s in subs}
            requests = []
            for sub in subs:
                st = states[sub.url]
                if st.stopped:
                    r = FeedReport(sub.url, sub.title or st.title, status=st.status,
                                   skipped=st.error or "stopped")
                    report.feeds.append(r)
                    continue
                if not all_feeds and st.next_check and st.next_check > now:
                    continue
                if refetch:
                    requests.append(net.Request(sub.url, tag=sub))
                else:
                    requests.append(net.Request(sub.url, st.etag, st.last_modified, tag=sub))
            # the slowest feeds of the last run first: a feed that hangs costs one read timeout from
            # the start of the run, not from its end (the rest is fetched meanwhile)
            requests.sort(key=lambda req: -(states[req.url].fetch_seconds or 0.0))
            if planned:
                planned(len(requests))
            if requests:  # the language model loads (~1-3 s) while the first feeds download
                import threading

                from reader.feeds.langdetect import preload

                threading.Thread(target=preload, daemon=True, name="feeds-langid-load").start()
            fetcher = net.Fetcher(self.settings)
            moved: list[tuple[str, str]] = []
            self._pages = []
            self._edited: list[tuple[str, Path]] = []  # (article id, file) of edits of +unread-on-edit feeds
            try:
                done = []
                for result in fetcher.run(requests):
                    assert result.request.tag is not None  # every request of the run carries its subscription
                    sub = result.request.tag
                    r = self._handle(db, sub, states[sub.url], result, refetch)
                    if r.moved_to:
                        moved.append((sub.url, r.moved_to))
                    report.feeds.append(r)
                    if progress and not r.pages_pending:
                        progress(r)
                    else:
                        done.append(r)
                if self._pages:
                    self._full_texts(db, fetcher, self._pages)
                if self._edited:
                    self._unread_edited(report)
                if progress:
                    for r in done:
                        progress(r)
            finally:
                fetcher.close()
            if moved:
                for old, new in moved:
                    db.move_feed(old, new)
                    feeds_file.rename(old, new)
                feeds_file.save()
        return report

    def _unread_edited(self, report: RunReport) -> None:
        """The edited articles of '+unread-on-edit' feeds become unread again if they were read at
        another version (their content hash as the catalogue computes it, once written)."""
        from reader.corpus import read_article_file
        from reader.state.store import StateStore

        hashes = {}
        for art_id, path in self._edited:
            try:
                hashes[art_id] = read_article_file(path)[0].content_hash
            except Exception:  # noqa: BLE001 - an article that cannot be read back keeps its state
                log_exception(__name__, "cannot read back %s", path)
                continue
        try:
            report.unread_again = len(StateStore().mark_unread_if_edited_many(hashes))
        except Exception as exc:  # noqa: BLE001 - the reading state is another store: the fetch went fine
            log_exception(__name__, "could not mark edited articles unread")
            report.warnings.append(f"could not mark edited articles unread: {exc}")

    def _handle(self, db: StateDB, sub: Subscription, st: FeedState, res: net.Result,
                refetch: bool = False) -> FeedReport:
        now = self.clock()
        r = FeedReport(sub.url, sub.title or st.title, status=res.status)
        st.status = res.status
        st.last_fetched = now
        st.fetch_seconds = res.seconds
        if res.permanent_url and res.permanent_url != sub.url and res.status not in (None, 404, 410):
            from reader.feeds.subscriptions import SubscriptionError, normalize_url

            try:
                r.moved_to = normalize_url(res.permanent_url)
            except SubscriptionError:
                r.moved_to = None
        if res.error:
            return self._fail(db, st, r, res.error, now)
        if res.status == 304:
            r.not_modified = True
            st.error = None
            st.next_check = next_check(now, self.interval, cache_lifetime(res.headers, now))
            db.save_feed(st)
            return r
        if res.status == 410:
            st.stopped = True
            return self._fail(db, st, r, "gone (HTTP 410): the feed was removed; it is no longer fetched", now)
        if res.status in (429, 503):
            wait = retry_after(res.headers.get("retry-after"), now)
            msg = "too many requests (HTTP 429)" if res.status == 429 else "service unavailable (HTTP 503)"
            if wait is not None:
                msg += f"; retrying after {_duration(wait)} as the server asked"
            return self._fail(db, st, r, msg, now, wait)
        if res.status != 200 or res.body is None:
            return self._fail(db, st, r, f"HTTP {res.status}{_reason_phrase(res.status)}", now)
        try:
            feed = parse_feed(res.body, res.url, res.headers.get("content-type", ""),
                              res.headers.get("content-language"))
        except FeedParseError as exc:
            return self._fail(db, st, r, str(exc), now)
        except Exception as exc:  # a parser bug must not lose the other feeds
            log_exception(__name__, "cannot parse the feed %s", sub.url, level=ERROR)
            return self._fail(db, st, r, f"cannot parse the feed ({type(exc).__name__})", now)
        try:
            self._write(db, st, feed, res.url, r, sub.full_text, refetch, sub.unread_on_edit)
        except OSError as exc:
            return self._fail(db, st, r, f"cannot write articles: {exc.strerror or exc}", now)
        except Exception as exc:  # a bug on one feed's content must not lose the other feeds
            log_exception(__name__, "internal error while writing the articles of %s", sub.url, level=ERROR)
            return self._fail(db, st, r, f"internal error while writing articles ({type(exc).__name__})", now)
        st.title = feed.title or st.title
        st.link = feed.link or st.link
        st.language = feed.language or st.language
        r.title = sub.title or st.title
        st.etag = res.headers.get("etag")
        st.last_modified = res.headers.get("last-modified")
        st.error = None
        ttl = feed.ttl_minutes * 60.0 if feed.ttl_minutes and feed.ttl_minutes > 0 else None
        st.next_check = next_check(now, self.interval, cache_lifetime(res.headers, now), ttl)
        db.save_feed(st)
        return r

    def _fail(self, db: StateDB, st: FeedState, r: FeedReport, message: str, now: float,
              wait: float | None = None) -> FeedReport:
        r.error = st.error = message
        st.next_check = now + wait if wait is not None else next_check(now, self.interval)
        db.save_feed(st)
        return r

    def _full_texts(self, db: StateDB, fetcher: net.Fetcher, pages: list[_Page]) -> None:
        """Fetch the queued pages (same pool, same per-host limit; conditional when the article's text
        came from that page before) and write their articles with the page's text. A page that fails,
        holds no article or (``auto``) no more than the entry keeps the feed's text; a 304 keeps the
        text the article has."""
        from reader.feeds.discover import HTML_ACCEPT

        requests = [net.Request(p.entry.link or "", p.state.page_etag, p.state.page_last_modified,
                                accept=HTML_ACCEPT, tag=p) for p in pages]
        changes: list[EntryState] = []
        for res in fetcher.run(requests):
            p = res.request.tag
            assert p is not None  # every request carries its page
            try:
                self._page_done(p, res)
            except OSError:
                p.report.full_text_failed += 1
            changes.append(p.state)
        db.save_entries(changes, self.clock())

    def _page_done(self, p: _Page, res: net.Result[_Page]) -> None:
        from reader.feeds.extract import extract_article
        from reader.feeds.fulltext import is_teaser
        from reader.fileio import atomic_write_text

        st, r = p.state, p.report

        def write(page_md: str | None) -> None:
            atomic_write_text(p.path, render_article(st.article_id, p.entry, p.feed, p.feed_url, p.fetched,
                                                     p.base_url, page=page_md), mode=0o644)
            if p.edit_hash is not None:
                st.hash = p.edit_hash
                st.rewrites += 1
                p.edit_hash = None

        if res.status == 304 and not res.error:
            r.pages_unchanged += 1
            if p.edit_hash is not None:  # an edited entry, its page the same: new front matter, same text
                write(_body_of(p.path))
            return
        mime = res.headers.get("content-type", "text/html").split(";", 1)[0].strip().lower()
        md = None
        if res.ok and res.body and mime in ("text/html", "application/xhtml+xml"):
            charset = _CHARSET.search(res.headers.get("content-type", ""))
            ex = extract_article(res.body, res.url, encoding=charset.group(1) if charset else None,
                                 drop_title=p.entry.title)
            if ex.text_length and (p.mode == "always" or is_teaser(
                    Body.of_entry(p.entry, p.base_url).parsed.plain_text, parse_passages(ex.markdown).plain_text,
                    plain=True)):
                md = ex.markdown
        if md is None:
            r.full_text_failed += 1
            st.page_etag = st.page_last_modified = None
            if p.edit_hash is not None:
                write(None)
            return
        write(md)
        st.page_etag = res.headers.get("etag")
        st.page_last_modified = res.headers.get("last-modified")
        r.full_text += 1

    def _write(self, db: StateDB, st: FeedState, feed: Feed, base_url: str, r: FeedReport,
               full_text: FullTextMode = "auto", refetch: bool = False, unread_on_edit: bool = False) -> None:
        from reader.fileio import atomic_write_text

        known = db.entries(st.feed_id)
        fetched = dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)
        changes: list[EntryState] = []
        folder = self.folder / FEEDS_DIR / st.feed_id

        def queue(path: Path, state: EntryState, e: Entry, first: dt.datetime, edit_hash: str | None) -> None:
            self._pages.append(_Page(path, state, e, feed, st.url, first, base_url, r, full_text, edit_hash))
            r.pages_pending += 1

        for e in feed.entries:
            h = entry_hash(e)
            old = known.get(e.key)
            if old is not None:
                path = self.folder / old.file
                if old.deleted:
                    r.unchanged += 1
                    continue
                if not path.exists():  # the user deleted the article: a tombstone, never back
                    old.deleted = True
                    changes.append(old)
                    r.unchanged += 1
                    continue
                first = dt.datetime.fromtimestamp(old.first_seen, dt.timezone.utc) if old.first_seen else fetched
                edited = old.hash != h and old.rewrites < MAX_REWRITES
                if not edited and not refetch:
                    r.unchanged += 1
                    continue
                if edited:
                    r.updated += 1
                    if unread_on_edit:
                        self._edited.append((old.article_id, path))
                else:
                    r.unchanged += 1
                body = Body.of_entry(e, base_url)
                if wants_page(full_text, e, body):  # written once its page is in (the edit stored then)
                    queue(path, old, e, first, h if edited else None)
                    continue
                atomic_write_text(path, render_article(old.article_id, e, feed, st.url, first, base_url, body=body),
                                  mode=0o644)
                if edited:
                    old.hash = h
                    old.rewrites += 1
                old.page_etag = old.page_last_modified = None
                changes.append(old)
                continue
            art_id = article_id(st.feed_id, e.key)
            rel = _file_for(st.feed_id, e, art_id)
            folder.mkdir(parents=True, exist_ok=True)
            # written with the feed's text first (an article exists whatever happens to its page)
            body = Body.of_entry(e, base_url)
            atomic_write_text(self.folder / rel, render_article(art_id, e, feed, st.url, fetched, base_url, body=body),
                              mode=0o644)
            new = EntryState(st.feed_id, e.key, art_id, rel, h)
            known[e.key] = new
            changes.append(new)
            r.new += 1
            if wants_page(full_text, e, body):
                queue(self.folder / rel, new, e, fetched, None)
        db.save_entries(changes, fetched.timestamp())


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def _reason_phrase(status: int | None) -> str:
    from http import HTTPStatus

    try:
        return f" ({HTTPStatus(status).phrase.lower()})" if status else ""
    except ValueError:
        return ""
