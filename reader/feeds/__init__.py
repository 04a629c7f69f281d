"""Feeds: subscriptions (``feeds.txt`` in the corpus), polite fetching, entries written as articles.

Modules: :mod:`subscriptions` (the file, OPML and newsboat import/export), :mod:`net` (HTTP),
:mod:`parse` (RSS/Atom via feedparser, JSON Feed), :mod:`htmlmd` (entry HTML → our Markdown),
:mod:`update` (a fetch run: identity, edits, tombstones, scheduling), :mod:`state` (fetch state
in SQLite), :mod:`discover` (a page → its feed), :mod:`cli`. Never imports textual or rich.
"""
