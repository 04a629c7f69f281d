"""``reader feeds …``, ``reader fetch`` and ``reader show``.

The corpus of feed commands: ``--articles DIR`` or ``$READER_ARTICLES`` when given, else the user
library (:func:`reader.paths.user_library`), so ``pip install`` then ``reader feeds add URL`` works
without a folder of one's own (the bundled articles may be read-only inside the wheel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING (for mypy) without importing typing: `reader --help` loads this
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from reader.feeds.subscriptions import Special, Subscription
    from reader.feeds.update import FeedReport


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                add_articles: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("feeds", help="list, add, import, export or remove feed subscriptions")
    add_articles(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    fsub = p.add_subparsers(dest="feeds_command", metavar="ACTION")
    a = fsub.add_parser("add", help="subscribe to a feed, or to the feed a web page links")
    a.add_argument("url")
    a.add_argument("--tag", action="append", default=[], metavar="TAG", help="a tag (repeatable)")
    a.add_argument("--full-text", choices=("auto", "always", "never"), default="auto",
                   help="read each new entry's web page and keep its article text: auto (the default) for "
                        "entries that carry only a teaser, always, or never")
    i = fsub.add_parser("import", help="subscribe to the feeds of an OPML or newsboat 'urls' file")
    i.add_argument("file")
    i.add_argument("--allow-commands", action="store_true",
                   help="keep newsboat exec:/filter: lines (they are never run by this version)")
    e = fsub.add_parser("export", help="write the subscriptions as OPML 2.0 (tags as categories)")
    e.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    rf = fsub.add_parser("refetch", help="re-extract a feed's articles (from their pages, as its full-text "
                                          "mode says); an unchanged page is not downloaded again")
    rf.add_argument("url")
    rf.add_argument("--json", action="store_true", help="print JSON")
    r = fsub.add_parser("remove", help="unsubscribe (articles stay unless --delete-articles)")
    r.add_argument("url")
    r.add_argument("--delete-articles", action="store_true", help="also delete the feed's articles")

    p = sub.add_parser("fetch", help="fetch the feeds that are due and write their new articles")
    add_articles(p)
    p.add_argument("--all", action="store_true", help="fetch every feed, due or not")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="read timeout per request (default 30)")
    p.add_argument("--feed", action="append", default=None, metavar="URL",
                   help="only this subscribed feed (repeatable; with --all: even when not due)")
    # for the reader's background fetch: one JSON object a line ({"stage": "start", "total"}, then
    # {"done", "total", "feed", "title", "new", "updated", "error"} a feed, then {"stage": "done", …})
    p.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("show", help="print an article as text: title and passages")
    add_articles(p)
    p.add_argument("id", help="article id")
    p.add_argument("--json", action="store_true", help="print JSON")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"must be between 0 and 600 seconds, got {text}")
    return value


def feeds_folder(args: argparse.Namespace) -> Path:
    from reader import paths

    value = getattr(args, "articles", None) or os.environ.get("READER_ARTICLES")
    return Path(value).expanduser() if value else paths.user_library()


def _err(message: str) -> None:
    from reader.passages import make_safe

    print(f"reader: {make_safe(message)}", file=sys.stderr)


def _out(text: str) -> None:
    from reader.passages import make_safe

    print(make_safe(text))


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()


def cli_feeds(args: argparse.Namespace) -> int:
    from reader.feeds.state import StateError
    from reader.feeds.subscriptions import SubscriptionError

    folder = feeds_folder(args)
    action = getattr(args, "feeds_command", None)
    try:
        if action == "add":
            return _add(args, folder)
        if action == "import":
            return _import(args, folder)
        if action == "export":
            return _export(args, folder)
        if action == "remove":
            return _remove(args, folder)
        if action == "refetch":
            return _refetch(args, folder)
        return _list(args, folder)
    except (SubscriptionError, StateError) as exc:
        _err(str(exc))
        return 1


def _when(ts: float | None) -> str | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")


def feed_rows(folder: Path) -> list[dict]:
    from reader.feeds.state import StateError
    from reader.feeds.status import feeds_status

    status = feeds_status(folder)
    if status.state_error:
        raise StateError(status.state_error)
    return [{"url": f.url, "title": f.title, "tags": list(f.tags), "articles": f.articles,
             "last_fetched": _when(f.last_fetched), "status": f.status, "error": f.error,
             "next_check": _when(f.next_check), "stopped": f.stopped}
            for f in status.feeds]


def _list(args: argparse.Namespace, folder: Path) -> int:
    from reader.feeds.subscriptions import FeedsFile

    ff = FeedsFile(folder)
    rows = feed_rows(folder)
    for message in ff.errors if ff.path.exists() else []:
        _err(message)
    if args.json:
        _json(rows)
        return 0
    if not rows:
        print(f"no subscriptions in {folder} (add one: reader feeds add URL)", file=sys.stderr)
        return 0
    for row in rows:
        state = "never fetched" if row["last_fetched"] is None else (
            f"error: {row['error']}" if row["error"] else f"ok {row['last_fetched']}")
        tags = ",".join(row["tags"]) or "-"
        count = f"{row['articles']} article" + ("" if row["articles"] == 1 else "s")
        _out(f"{row['url']}\t{row['title'] or '-'}\t{tags}\t{count}\t{state}")
    return 0


def _add(args: argparse.Namespace, folder: Path) -> int:
    from reader.feeds.discover import DiscoveryError, discover
    from reader.feeds.subscriptions import (FeedsFile, Subscription, check_writable, clean_tag, full_text_option,
                                            normalize_url)

    url = normalize_url(args.url)
    check_writable(folder)
    ff = FeedsFile(folder)
    if ff.find(url):
        print(f"already subscribed: {url}")
        return 0
    try:
        found = discover(url)
    except DiscoveryError as exc:
        _err(str(exc))
        return 1
    feed_url = normalize_url(found.url)
    if ff.find(feed_url):
        print(f"already subscribed: {feed_url}" + (f" (the feed of {url})" if feed_url != url else ""))
        return 0
    tags = tuple(dict.fromkeys(t for t in (clean_tag(t) for t in args.tag) if t))
    ff.add(Subscription(feed_url, tags, options=full_text_option(args.full_text)))
    ff.save()
    _revive(folder, feed_url)
    how = {"feed": "", "link": f" (linked from {url})", "well-known": f" (found at a well-known path of {url})"}
    _out(f"subscribed: {feed_url}{how[found.how]}" + (f" — {found.title}" if found.title else ""))
    return 0


def _revive(folder: Path, url: str) -> None:
    """Subscribing again to a feed that was stopped (410) or failing: fetch it at the next run.
    Its tombstones stay: articles the user deleted still do not come back."""
    from reader import paths
    from reader.feeds.state import StateDB

    if not paths.feeds_state_db(folder).exists():
        return
    with StateDB(paths.feeds_state_db(folder)) as db:
        st = db.feed(url, create=False)
        if st is not None and (st.stopped or st.next_check):
            st.stopped, st.next_check = False, None
            db.save_feed(st)


def _import(args: argparse.Namespace, folder: Path) -> int:
    from reader.feeds.subscriptions import (FeedsFile, SubscriptionError, check_writable, looks_like_opml,
                                            parse_opml, parse_urls_file)

    path = Path(args.file).expanduser()
    try:
        if path.is_dir():
            raise SubscriptionError(f"{path} is a folder, not an OPML or urls file")
        with open(path, "rb") as fh:
            data = fh.read(20 * 1024 * 1024 + 1)
    except OSError as exc:
        raise SubscriptionError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > 20 * 1024 * 1024:
        raise SubscriptionError(f"{path} is too large for a subscription list (over 20 MB)")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SubscriptionError(f"{path} is a binary file, not an OPML or urls file")
    titles: dict[str, str] = {}
    items: Sequence[Subscription | Special]
    if looks_like_opml(data):
        items, errors = parse_opml(data, titles)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        items, errors = parse_urls_file(text, allow_commands=args.allow_commands)
    for message in errors:
        _err(f"{path.name}: {message}")
    if not items:
        _err(f"no feeds found in {path}")
        return 1
    check_writable(folder)
    ff = FeedsFile(folder)
    report = ff.merge(items)
    ff.save()
    from reader.listfilter.newsboat_query import import_specials  # query: lines become saved searches
    for line in import_specials(items):
        print(line)
    if titles:  # a feed's title until its first fetch
        from reader import paths
        from reader.feeds.state import StateDB

        with StateDB(paths.feeds_state_db(folder)) as db:
            for url, title in titles.items():
                st = db.feed(url)
                if not st.title:
                    st.title = title
                    db.save_feed(st)
    print(f"imported {len(report.added)} feeds, {len(report.merged)} already subscribed (tags merged)"
          + (f", {len(report.specials)} other lines kept" if report.specials else "")
          + (f"; {len(errors)} lines skipped" if errors else ""))
    return 0


def _export(args: argparse.Namespace, folder: Path) -> int:
    from reader import paths
    from reader.feeds.state import StateDB
    from reader.feeds.subscriptions import FeedsFile, SubscriptionError, to_opml

    subs = FeedsFile(folder).subscriptions()
    titles, links = {}, {}
    if paths.feeds_state_db(folder).exists():
        with StateDB(paths.feeds_state_db(folder)) as db:
            for url, st in db.feeds().items():
                if st.title:
                    titles[url] = st.title
                if st.link:
                    links[url] = st.link
    text = to_opml(subs, titles, links)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    from reader.fileio import atomic_write_text

    try:
        atomic_write_text(Path(args.output).expanduser(), text, mode=0o644)
    except OSError as exc:
        raise SubscriptionError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"exported {len(subs)} feeds to {args.output}", file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace, folder: Path) -> int:
    import shutil

    from reader import paths
    from reader.feeds.state import StateDB
    from reader.feeds.subscriptions import FeedsFile, check_writable
    from reader.feeds.update import FEEDS_DIR

    check_writable(folder)
    ff = FeedsFile(folder)
    sub = ff.remove(args.url)
    if sub is None:
        _err(f"not subscribed: {args.url}")
        return 1
    ff.save()
    deleted = 0
    if paths.feeds_state_db(folder).exists():
        with StateDB(paths.feeds_state_db(folder)) as db:
            st = db.feed(sub.url, create=False)
            if st is not None and args.delete_articles:
                feed_dir = folder / FEEDS_DIR / st.feed_id
                if feed_dir.is_dir():
                    deleted = sum(1 for n in os.listdir(feed_dir) if n.endswith(".md"))
                    shutil.rmtree(feed_dir, ignore_errors=True)
                db.forget_feed(sub.url, entries=True)
    _out(f"unsubscribed: {sub.url}" + (f"; {deleted} articles deleted" if args.delete_articles else
                                       " (its articles stay; --delete-articles removes them)"))
    return 0


def _refetch(args: argparse.Namespace, folder: Path) -> int:
    from reader.feeds.subscriptions import FeedsFile, check_writable, normalize_url
    from reader.feeds.update import FetchBusy, Updater

    url = normalize_url(args.url)
    sub = FeedsFile(folder).find(url)
    if sub is None:
        _err(f"not subscribed: {url} (reader feeds lists the subscriptions)")
        return 1
    check_writable(folder)
    try:
        report = Updater(folder).refetch(sub.url, progress=None if args.json else _print_feed_line)
    except FetchBusy as exc:
        _err(str(exc))
        return 1
    if args.json:
        _json({"feeds": [r.to_json() for r in report.feeds], "full_text": sub.full_text})
    elif report.feeds and report.feeds[0].skipped:
        _out(f"skipped  {report.feeds[0].title or url}: {report.feeds[0].skipped}")
    return 1 if not report.feeds or any(r.failed or r.skipped for r in report.feeds) else 0


def cli_fetch(args: argparse.Namespace) -> int:
    from reader.feeds import net
    from reader.feeds.subscriptions import FeedsFile, SubscriptionError, check_writable
    from reader.feeds.update import Updater

    folder = feeds_folder(args)
    try:
        ff = FeedsFile(folder)
        subs = ff.subscriptions()
        for message in ff.errors:
            _err(message)
        commands = [sp for sp in ff.specials() if sp.kind in ("exec", "filter")]
        if commands:
            _err(f"{len(commands)} exec:/filter: lines in feeds.txt are kept but never run (they would run commands)")
        if not subs:
            _err(f"no subscriptions in {folder} (add one: reader feeds add URL)")
            return 1
        only = None
        if args.feed:
            from reader.feeds.subscriptions import normalize_url

            only = [normalize_url(url) for url in args.feed]
            missing = [url for url in only if url not in {s.url for s in subs}]
            if missing:
                _err(f"not subscribed: {missing[0]}")
                return 1
        check_writable(folder)
    except SubscriptionError as exc:
        _err(str(exc))
        return 1
    settings = net.Settings()
    if args.timeout:
        settings.read_timeout = args.timeout
    from reader.feeds.state import StateError
    from reader.feeds.update import FetchBusy

    lines = _ProgressLines() if args.progress_lines else None
    try:
        report = Updater(folder, settings).run(
            all_feeds=args.all, only=only,
            progress=lines.feed if lines else None if args.json else _print_feed_line,
            planned=lines.start if lines else None)
    except FetchBusy as exc:
        if lines:
            lines.emit({"stage": "busy"})
        _err(str(exc))
        return 1
    except StateError as exc:
        _err(str(exc))
        return 1
    total = report.total()
    if lines:
        lines.emit({"stage": "done", **total})
    elif args.json:
        _json({"feeds": [r.to_json() for r in report.feeds], "total": total})
    else:
        for r in report.feeds:
            if r.skipped:
                _out(f"skipped  {r.title or r.url}: {r.skipped}")
        if not report.attempted:
            print("nothing due (reader fetch --all fetches every feed)")
        else:
            print(f"total: {total['feeds']} feeds, {total['new']} new, {total['updated']} updated, "
                  f"{total['unchanged']} unchanged, {total['failed']} failed")
    attempted = report.attempted
    if attempted and all(r.failed for r in attempted):
        return 1
    return 0


class _ProgressLines:
    """``--progress-lines``: the run as JSON lines on standard output, flushed one by one."""

    def __init__(self) -> None:
        self.total = self.done = 0

    def emit(self, data: dict[str, Any]) -> None:
        print(json.dumps(data, ensure_ascii=False), flush=True)

    def start(self, total: int) -> None:
        self.total = total
        self.emit({"stage": "start", "done": 0, "total": total})

    def feed(self, r: FeedReport) -> None:
        self.done += 1
        self.emit({"stage": "feed", "done": self.done, "total": self.total, "feed": r.url, "title": r.title,
                   "new": r.new, "updated": r.updated, "error": r.error})


def _print_feed_line(r: FeedReport) -> None:
    name = r.title or r.url
    if r.failed:
        line = f"failed   {name}: {r.error}"
    elif r.not_modified:
        line = f"ok       {name}: not modified"
    else:
        line = f"ok       {name}: {r.new} new, {r.updated} updated, {r.unchanged} unchanged"
        if r.full_text or r.full_text_failed or r.pages_unchanged:
            line += f"; {r.full_text} full texts" + (f", {r.full_text_failed} pages failed"
                                                     if r.full_text_failed else "")
            if r.pages_unchanged:
                line += f", {r.pages_unchanged} pages unchanged"
    if r.moved_to:
        line += f" (moved permanently to {r.moved_to})"
    _out(line)
    sys.stdout.flush()


def cli_show(args: argparse.Namespace, folder: Path) -> int:
    from reader.corpus import ArticleFileError, Catalogue, load_article

    result = Catalogue(folder).refresh()
    meta = next((m for m in result.articles if m.id == args.id), None)
    if meta is None:
        _err(f"no article with id {args.id!r} in {folder}")
        return 1
    try:
        article = load_article(meta)
    except ArticleFileError as exc:
        _err(f"{meta.path.name}: {exc}")
        return 1
    if args.json:
        data = article.meta.to_json()
        data["passages"] = [{"kind": p.kind, "text": p.text} for p in article.passages]
        _json(data)
        return 0
    out = [article.meta.title, "=" * min(len(article.meta.title), 80)]
    info = " · ".join(x for x in (article.meta.source, article.meta.date_label, article.meta.url) if x)
    if info:
        out.append(info)
    out.append("")
    for p in article.passages:
        if p.kind == "heading":
            out += [p.text, ""]
        elif p.kind == "quote":
            out += ["> " + p.text.replace("\n", "\n> "), ""]
        elif p.kind == "item":
            out.append("  " * max(0, p.level - 1) + "- " + p.text)
        elif p.kind == "code":
            out += ["    " + p.text.replace("\n", "\n    "), ""]
        elif p.kind == "row":
            out.append(p.text)
        else:
            out += [p.text, ""]
    _out("\n".join(out).rstrip())
    return 0
