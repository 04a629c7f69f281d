"""Corpus loading: a folder of Markdown articles with YAML front matter.

A file looks like::

    ---
    id: some-stable-id          # required, unique in the corpus
    title: "Le titre"           # required
    language: fr                # ISO code; default "und"
    published: 2023-04-19       # optional, ISO date or datetime
    published_inferred: "why"   # optional: the date was inferred, and how
    source: Example.fr          # optional
    url: https://…              # optional
    feed: https://…/feed.xml    # optional: the feed the article was fetched from (reader.feeds)
    ---
    Markdown body…

Articles are the ``*.md`` and ``*.markdown`` files of the folder and of its sub-folders (hidden
ones skipped), named in the catalogue by their path relative to the folder (``feeds/x/a.md``).
Every bad file yields a :class:`LoadError` with a clear message; the other files still load. A
fixable problem that does not stop the article from being listed (a ``published`` that is not a
date) is a warning, also a :class:`LoadError`, in :attr:`ScanResult.warnings`. Only regular files
are opened, never blocking (a FIFO named ``x.md`` is an error, not a hang). Other files are
counted in :attr:`ScanResult.skipped`.

Speed: the :class:`Catalogue` keeps each file's metadata in SQLite under the cache dir keyed by
(path, size, mtime), so a start-up lists tens of thousands of articles without reading them, and a
refresh only reads files that changed. Bodies are read and parsed into passages on demand.

The package, one module a job: :mod:`~reader.corpus.model` (the data, a leaf), :mod:`~reader.corpus.files`
(one file: front matter, validation, safe opening), :mod:`~reader.corpus.scan` (the folder walk) and
:mod:`~reader.corpus.catalogue` (the SQLite cache). Its public names are imported from here.
"""

from reader.corpus.catalogue import CATALOGUE_VERSION, Catalogue, LazyMetas
from reader.corpus.files import MAX_BYTES, content_hash, load_article, parse_article_bytes, read_article_file
from reader.corpus.model import (Article, ArticleFileError, ArticleMeta, CorpusFolderError, LoadError, ScanCancelled,
                                 ScanResult, order_key, sort_key, title_key)
from reader.corpus.scan import (ARTICLE_SUFFIXES, CORPUS_FILES, MAX_DEPTH, Listing, list_articles, load_folder,
                                skipped_summary)

__all__ = [
    "ARTICLE_SUFFIXES", "CATALOGUE_VERSION", "CORPUS_FILES", "MAX_BYTES", "MAX_DEPTH",
    "Article", "ArticleFileError", "ArticleMeta", "Catalogue", "CorpusFolderError", "LazyMetas", "Listing", "LoadError",
    "ScanCancelled", "ScanResult",
    "content_hash", "list_articles", "load_article", "load_folder", "order_key", "parse_article_bytes",
    "read_article_file", "skipped_summary", "sort_key", "title_key",
]
