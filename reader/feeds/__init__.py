"""Feeds: subscriptions (``feeds.txt`` in the corpus), polite fetching, entries written as articles.

Modules: :mod:`subscriptions` (the file, OPML and newsboat import/export), :mod:`net` (HTTP),
:mod:`parse` (RSS/Atom via feedparser, JSON Feed), :mod:`fulltext` (the one HTML/XML → Markdown
writer: entry HTML, plain text, and a page's article via trafilatura; teasers), :mod:`langdetect`,
:mod:`update` (a fetch run: identity, edits, tombstones, scheduling), :mod:`state` (fetch state
in SQLite), :mod:`discover` (a page → its feed), :mod:`cli`. Never imports textual or rich.
"""
