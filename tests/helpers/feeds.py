"""Feed tests' material: RSS bodies (``rss``, ``item``), a corpus subscribed to feeds
(``subscribe``) and one fetch of them all (``run``, with short timeouts), for the loopback
``helpers.feedserver.FeedServer``."""

from __future__ import annotations

from reader.feeds import net
from reader.feeds.subscriptions import FeedsFile, Subscription
from reader.feeds.update import Updater


def rss(items: str, title: str = "Feed") -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


def item(guid: str | None, title: str, body: str = "body", date: str = "Tue, 01 Dec 2026 10:00:00 GMT",
         link: str | None = None) -> str:
    g = f"<guid>{guid}</guid>" if guid else ""
    lk = f"<link>{link}</link>" if link else ""
    return f"<item><title>{title}</title>{g}{lk}<pubDate>{date}</pubDate><description>{body}</description></item>"


def subscribe(corpus, *urls, tags=()):
    ff = FeedsFile(corpus)
    for url in urls:
        ff.add(Subscription(url, tuple(tags)))
    ff.save()


FAST = net.Settings(connect_timeout=1, read_timeout=0.5)


def run(corpus, **kw):
    return Updater(corpus, kw.pop("settings", FAST), interval=kw.pop("interval", 0)).run(all_feeds=True, **kw)
