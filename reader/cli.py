"""Command line: ``reader [--articles DIR]`` opens the UI; sub-commands serve scripts.

Feature commands import their (heavy) modules only when run, so ``reader --version`` and the UI
start-up stay fast, and the reading path never imports spaCy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reader import __version__


def _add_articles(p: argparse.ArgumentParser, top: bool = False) -> None:
    p.add_argument(
        "--articles",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="folder of Markdown articles (default: $READER_ARTICLES, else your feed library "
             "once it has subscriptions, else the bundled articles)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 1000, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A terminal news reader with entity highlighting, search, linked events and bookmarks.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="write debug detail to the log, $XDG_STATE_HOME/reader/reader.log (also READER_DEBUG=1)")
    _add_articles(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="list the articles (errors on stderr)")
    _add_articles(p)
    p.add_argument("--json", action="store_true", help="print JSON (with read and starred)")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--filter", metavar="QUERY", help="only articles the filter keeps (unread, feed:, tag:, date:, words…)")
    p.add_argument("--sort", choices=["date", "title", "source", "unread"], default="date", help="order (default: date)")

    p = sub.add_parser("mark", help="mark articles read, unread, starred or not; all read; undo")
    _add_articles(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="article ids (see reader list)")
    g = p.add_mutually_exclusive_group(required=True)
    for flag, what in (("read", "read"), ("unread", "unread"), ("star", "starred"), ("unstar", "not starred")):
        g.add_argument(f"--{flag}", dest="action", action="store_const", const=flag, help=f"mark ID… {what}")
    g.add_argument("--all-read", dest="action", action="store_const", const="all-read",
                   help="mark every article of the folder read")
    g.add_argument("--undo", dest="action", action="store_const", const="undo", help="undo the last mark")
    p.add_argument("--filter", metavar="QUERY", help="with --all-read: only the articles the filter keeps")

    p = sub.add_parser("searches", help="saved searches (named filters) with their unread counts")
    _add_articles(p)
    p.add_argument("--json", action="store_true")
    ssub = p.add_subparsers(dest="searches_command", metavar="ACTION")
    a = ssub.add_parser("add", help="save a filter under a name")
    a.add_argument("name")
    a.add_argument("query", nargs="+")
    a.add_argument("--replace", action="store_true", help="replace a saved search of that name")
    a = ssub.add_parser("remove", help="forget a saved search")
    a.add_argument("name")

    p = sub.add_parser("index", help="annotate entities, index for search and link events (incremental)")
    _add_articles(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("entities", help="print an article's named entities")
    _add_articles(p)
    p.add_argument("id", help="article id")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("models", help="entity models per language: installed, checked, how to install")
    _add_articles(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="full-text search (Whoosh query syntax)")
    _add_articles(p)
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=_positive, default=10, help="results to print (1–1000)")
    p.add_argument("--sort", choices=["relevance", "date"], default="relevance")

    p = sub.add_parser("events", help="print dated events and their links across articles")
    _add_articles(p)
    p.add_argument("id", nargs="?", help="only the events of this article")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("bookmarks", help="list, export or import passage bookmarks")
    _add_articles(p)
    p.add_argument("--json", action="store_true")
    bsub = p.add_subparsers(dest="bookmarks_command", metavar="ACTION")
    e = bsub.add_parser("export", help="write bookmarks as Markdown, W3C JSON or Readwise CSV")
    e.add_argument("--format", choices=["md", "json", "csv"], default="md")
    e.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    i = bsub.add_parser("import", help="read bookmarks back from an exported JSON file")
    i.add_argument("file")

    from reader.feeds.cli import add_parsers  # argparse only: the feed machinery loads when run

    add_parsers(sub, _add_articles)
    p = sub.add_parser("import-newsboat", help="subscribe as in newsboat's urls, import its cache.db articles")
    _add_articles(p)
    p.add_argument("--urls", metavar="FILE", help="default: newsboat's (~/.newsboat/urls or XDG)")
    p.add_argument("--cache", metavar="FILE", help="default: newsboat's (~/.newsboat/cache.db or XDG)")
    p.add_argument("--starred-flags", metavar="LETTERS", help="flags that mean starred (default: any flag)")
    return parser


def articles_dir(args: argparse.Namespace) -> Path:
    from reader import paths

    value = getattr(args, "articles", None) or os.environ.get("READER_ARTICLES")
    if value:
        return Path(value).expanduser()
    library = paths.user_library()  # once the user subscribed to feeds, their library is the default
    return library if (library / "feeds.txt").is_file() else paths.bundled_articles()


def _fail(message: str, code: int = 2) -> int:
    from reader.passages import make_safe

    print(f"reader: {make_safe(message)}", file=sys.stderr)
    return code


_JSON_C1 = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def cmd_list(args, folder: Path) -> int:
    from reader.clitools import scan

    articles, states = scan(folder).articles, None
    if args.filter is not None or args.sort != "date":
        from reader.listfilter.cli import filter_articles

        articles, code = filter_articles(articles, args.filter, folder, args.sort)
        if code is not None:
            return code
    if args.json or args.unread or args.starred:
        from reader.state.cli import list_states

        articles, states = list_states(articles, args.unread, args.starred)
        if states is None:
            return 1
    from reader.languages import stored, used

    langs = stored()
    if args.json:
        text = json.dumps([m.to_json() | _language_json(used(m, langs)) | states[m.id] for m in articles],
                          ensure_ascii=False, indent=2)
        # JSON escapes C0 controls itself; DEL and C1 (U+009B is a CSI) too, so a path prints inert
        # and still reads back exactly
        print(text.translate(_JSON_C1))
    else:
        for m in articles:
            print(f"{m.id}\t{m.date_label or '-'}\t{m.source or '-'}\t{used(m, langs).lang}\t{m.title}")
    return 0


def _language_json(u) -> dict:
    """``language_used`` (what the index, entities and events read it in) and why."""
    return {"language_used": u.lang, "language_source": u.source, "language_confidence":
            round(u.confidence, 4) if u.confidence is not None else None}


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command behind the error boundary of :mod:`reader.errors`:
    0 success, 1 a fault (one line on stderr, traceback in the log), 2 bad usage."""
    from reader.errors import guarded

    args = build_parser().parse_args(argv)
    if args.debug or os.environ.get("READER_DEBUG"):  # reader.log only then: the start-up does without it
        from reader import log

        if args.debug:
            log.enable_debug()
        log.log_debug(__name__, "reader %s, argv %r", __version__, sys.argv if argv is None else argv)
    return guarded(lambda: _run(args), subject=getattr(args, "file", None))


def _run(args: argparse.Namespace) -> int:
    if args.command in ("feeds", "fetch"):  # their folder may not exist yet (the user library)
        from reader.feeds.cli import cli_feeds, cli_fetch

        return (cli_feeds if args.command == "feeds" else cli_fetch)(args)
    if args.command == "import-newsboat":
        from reader.feeds.newsboat import cli_import_newsboat

        return cli_import_newsboat(args)
    folder = articles_dir(args)
    if not folder.exists():
        return _fail(f"articles folder not found: {folder}")
    if not folder.is_dir():
        return _fail(f"--articles must be a folder of .md files, not a file: {folder}")
    command = args.command
    try:
        if command is None:
            from reader.ui.app import run_app

            return run_app(folder)
        if command == "list":
            return cmd_list(args, folder)
        if command == "index":
            from reader.ingest import cli_index

            return cli_index(args, folder)
        if command == "entities":
            from reader.nlp.cli import cli_entities

            return cli_entities(args, folder)
        if command == "models":
            from reader.nlp.cli import cli_models

            return cli_models(args, folder)
        if command == "search":
            from reader.search.cli import cli_search

            return cli_search(args, folder)
        if command == "events":
            from reader.events.cli import cli_events
            from reader.ingest import run_ingest

            return cli_events(args, folder, run_ingest)
        if command == "mark":
            from reader.state.cli import cli_mark

            return cli_mark(args, folder)
        if command == "searches":
            from reader.listfilter.cli import cli_searches

            return cli_searches(args, folder)
        if command == "bookmarks":
            from reader.bookmarks.cli import cli_bookmarks

            return cli_bookmarks(args, folder)
        if command == "show":
            from reader.feeds.cli import cli_show

            return cli_show(args, folder)
    except OSError as exc:
        from reader.corpus import CorpusFolderError

        if isinstance(exc, CorpusFolderError):  # the articles folder cannot be listed: its message says why
            return _fail(str(exc), 1)
        raise
    return _fail(f"unknown command {command!r}")
