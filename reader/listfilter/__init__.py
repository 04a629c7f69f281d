"""The article list's filter, sort and saved searches (core: no Textual, no Rich).

- :mod:`reader.listfilter.model`: the filter's AST (the leaf): nodes, :class:`Filter`, its description,
  :class:`FilterError`, the field names and flags.
- :mod:`reader.listfilter.syntax`: the filter language, parsed once into that AST, with
  :mod:`reader.listfilter.datespec` (``date:`` values) and :mod:`reader.listfilter.textgroups` (text
  parts merged into one search-engine query per group).
- :mod:`reader.listfilter.evaluate`: :class:`FilterContext` evaluates a filter over the catalogue's
  cached columns (NumPy, :mod:`reader.listfilter.columns`), the reading state (one ``states()`` call)
  and the search index (one engine call per text group), and sorts ids; the per-node and per-field
  masks are :mod:`reader.listfilter.evaluation`'s, the feeds' titles and tags
  :mod:`reader.listfilter.feedinfo`'s.
- :mod:`reader.listfilter.saved`: saved searches ("query feeds") and when a corpus was last opened.
"""

from typing import Literal

from reader.listfilter.model import Filter, FilterError
from reader.listfilter.syntax import parse_filter, try_parse

# the list's orders; "date" (newest first) is the default. Here, not in evaluate (NumPy, ~50 ms to
# import): the reader's start-up needs the names only
SortName = Literal["date", "title", "source", "unread"]
SORTS: tuple[SortName, ...] = ("date", "title", "source", "unread")

__all__ = ["SORTS", "SortName", "Filter", "FilterError", "parse_filter", "try_parse"]
