"""What the list filter knows of feeds (:class:`Feeds`: an article's feed, a feed's tags and title),
read from the corpus's subscriptions by :func:`load_feeds`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.log import log_exception


@dataclass
class Feeds:
    """What the filter knows of feeds, pluggable from :mod:`reader.feeds` (or anything else).

    ``feed_of``: article id → feed URL, for articles whose front matter has no ``feed:`` (the front
    matter wins otherwise); ``tags``: feed URL → its tags; ``titles``: feed URL → its title (``feed:``
    matches part of the URL or of the title)."""

    feed_of: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, Sequence[str]] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_subscriptions(cls, subscriptions: Iterable, feed_of: Mapping[str, str] | None = None) -> Feeds:
        """From objects with ``url``, ``tags`` and ``title`` (``reader.feeds.subscriptions.Subscription``)."""
        subs = list(subscriptions)
        return cls(feed_of or {}, {s.url: tuple(s.tags) for s in subs},
                   {s.url: s.title for s in subs if getattr(s, "title", None)})


def load_feeds(folder: Path) -> Feeds | None:
    """The corpus's subscriptions as :class:`Feeds`, read through :mod:`reader.feeds`
    (``feeds.txt`` in the folder); None when they cannot be read."""
    from reader.feeds.subscriptions import FeedsFile

    try:
        return Feeds.from_subscriptions(FeedsFile(Path(folder)).subscriptions())
    except Exception:  # noqa: BLE001 - unreadable subscriptions: feed: still reads the front matter
        log_exception(__name__, "the subscriptions of %s cannot be read (feed: filters read the front matter)", folder)
        return None


def _url_key(url: str) -> str:
    return url.strip().rstrip("/").casefold()
