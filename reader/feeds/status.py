"""What the subscriptions and their fetch state say, read without the fetch machinery.

For the reader's feeds screen and ``reader feeds``: ``feeds.txt`` (:mod:`reader.feeds.subscriptions`)
and the fetch state database, opened read-only (``mode=ro``: never created, upgraded or moved aside
from here — that is the fetch's job). This module imports neither the network stack (urllib3) nor
the feed parser nor language detection, so the UI process can use it: a test checks it. Fetching
and discovery run in ``reader fetch`` / ``reader feeds add`` subprocesses.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

FEEDS_DIR = "feeds"  # a feed's articles are written under <corpus>/feeds/<feed id>/ (reader.feeds.update)


@dataclass(frozen=True)
class FeedRow:
    url: str
    title: str | None        # the user's own title, else the feed's
    tags: tuple[str, ...]
    feed_id: str | None      # its folder feeds/<feed_id>/ (None: never fetched)
    articles: int
    last_fetched: float | None
    status: int | None
    error: str | None        # the last fetch's error (None: it went well, or never fetched)
    next_check: float | None
    stopped: bool            # 410 Gone: no longer fetched

    @property
    def folder_prefix(self) -> str | None:
        """The catalogue name prefix of its articles (``feeds/<feed_id>/``)."""
        return f"{FEEDS_DIR}/{self.feed_id}/" if self.feed_id else None

    def due(self, now: float) -> bool:
        return not self.stopped and (self.next_check is None or self.next_check <= now)


@dataclass(frozen=True)
class FeedsStatus:
    feeds: list[FeedRow]
    errors: list[str]        # lines of feeds.txt that do not parse
    state_error: str | None = None  # the fetch state cannot be read: the rows say "never fetched"

    def due(self, now: float | None = None) -> list[FeedRow]:
        now = time.time() if now is None else now
        return [f for f in self.feeds if f.due(now)]


def _states(db_path: Path) -> tuple[dict[str, tuple], str | None]:
    if not db_path.exists():
        return {}, None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=2)
        try:
            rows = conn.execute("SELECT url, feed_id, title, status, error, last_fetched, next_check, stopped "
                                "FROM feeds").fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        from reader.passages import make_safe

        return {}, f"cannot open the feed state {db_path}: {make_safe(str(exc))[:100]}"
    return {row[0]: row[1:] for row in rows}, None


def _count(folder: Path) -> int:
    try:
        return sum(1 for n in os.listdir(folder) if n.endswith(".md") and not n.startswith("."))
    except OSError:
        return 0


def feeds_status(folder: Path) -> FeedsStatus:
    """Every subscription of the corpus at ``folder`` with what its last fetch left.
    Raises :class:`reader.feeds.subscriptions.SubscriptionError` when ``feeds.txt`` cannot be read."""
    from reader import paths
    from reader.feeds.subscriptions import FeedsFile

    folder = Path(folder)
    ff = FeedsFile(folder)
    subs = ff.subscriptions()
    try:
        states, problem = _states(paths.feeds_state_db(folder))
    except OSError as exc:
        states, problem = {}, f"cannot make the feed state folder: {exc.strerror or exc}"
    rows = []
    for sub in subs:
        st = states.get(sub.url)
        feed_id, title, status, error, last, next_check, stopped = st if st else (None,) * 7
        rows.append(FeedRow(sub.url, sub.title or title, tuple(sub.tags), feed_id,
                            _count(folder / FEEDS_DIR / feed_id) if feed_id else 0,
                            last, status, error, next_check, bool(stopped)))
    return FeedsStatus(rows, list(ff.errors), problem)
