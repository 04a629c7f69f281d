"""Feeds: subscriptions (``feeds.txt`` in the corpus), polite fetching, entries written as articles.

Modules: :mod:`subscriptions` (the file, OPML and newsboat import/export), :mod:`net` (HTTP),
:mod:`parse` (RSS/Atom via feedparser, JSON Feed), the one HTML/XML → Markdown writer
(:mod:`markdown_writer`, on :mod:`markdown_escape`; :mod:`convert`: entry HTML, plain text, the
opening text), :mod:`extract` (a page's article via trafilatura), :mod:`fulltext` (teasers: full
text ``auto``), :mod:`langdetect`,
:mod:`update` (a fetch run: identity, edits, tombstones, scheduling), :mod:`state` (fetch state
in SQLite), :mod:`discover` (a page → its feed), :mod:`cli`. Never imports textual or rich.
"""
