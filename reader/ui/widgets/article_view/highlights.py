"""The article view's highlights: inline Markdown styles, entities, bookmarks and search matches
layered as :class:`textual.content.Content` spans over a passage's plain text.

Nothing from the article is ever parsed as markup, and control characters were made visible by
:func:`reader.passages.make_safe`. The styles name theme variables, so every theme applies.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Iterable, Mapping

from textual.cache import LRUCache
from textual.content import Content, Span
from textual.style import Style

from reader.entities.model import Mention
from reader.passages import Passage

INLINE_STYLES = {
    "em": "italic",
    "strong": "bold",
    "code": "$text-accent on $boost",
    "link": "underline $text-primary",
    "strike": "strike",
    "image": "italic $text-muted",
}
# Entity label colours: reader.ui.palette (distinct in every theme and colour depth, opaque so a
# label looks the same on the cursor row). No label style uses reverse: the selection does, a cue
# that is not a colour (the theme's selection colour looked like an organisation).
SELECTION_STYLE = "reverse"
MATCH_STYLE = "bold reverse"
BOOKMARK_STYLE = "underline"
ENTITY_CURSOR_STYLE = "bold underline reverse"

Layers = list[tuple[str | Style, int, int]]  # (style, start, end) in layering order


def passage_layers(p: Passage, mentions: Iterable[Mention], labels: Mapping[str, str | Style] | None,
                   focus: Mention | None, bookmarks: Iterable[tuple[int, int]],
                   matches: Iterable[tuple[int, int]]) -> Layers:
    """Every highlight of a passage as (style, start, end), in the order they are layered
    (``labels`` None: entities hidden; ``focus``: the mention under the entity cursor)."""
    layers: Layers = [(INLINE_STYLES.get(span.style, ""), span.start, span.end) for span in p.spans]
    if labels is not None:
        layers += [(labels[m.label], m.start, m.end) for m in mentions if m.label in labels]
        if focus is not None:
            layers.append((ENTITY_CURSOR_STYLE, focus.start, focus.end))
    layers += [(BOOKMARK_STYLE, start, end) for start, end in bookmarks]
    layers += [(MATCH_STYLE, start, end) for start, end in matches]
    return layers


def next_mention(by_passage: dict[int, list[Mention]], current: tuple[int, int] | None, cursor: int,
                 forward: bool) -> tuple[int, int] | None:
    """The (passage, index in its mentions) after/before the ``current`` mention or, with none,
    the first from passage ``cursor`` on (last up to it); wraps around; None without mentions."""
    order = [(p, i) for p in sorted(by_passage) for i in range(len(by_passage[p]))]
    if not order:
        return None
    if current in order:
        k = order.index(current) + (1 if forward else -1)
    else:
        after = [n for n, (p, _) in enumerate(order) if (p >= cursor if forward else p <= cursor)]
        k = (after[0] if forward else after[-1]) if after else (0 if forward else len(order) - 1)
    return order[k % len(order)]


def _spans_in(layers: Iterable[tuple[str | Style, int, int]], lo: int, hi: int) -> list[Span]:
    """The (style, start, end) layers over ``[lo, hi)`` of a text as Content spans of that slice."""
    return [Span(max(a, lo) - lo, min(b, hi) - lo, style) for style, a, b in layers
            if style and a < b and a < hi and b > lo]


class _Windows:
    """A huge passage's highlights, sorted so a row's own are found without scanning them all."""

    LONG = 4096  # spans longer than this (a bookmarked passage…) are few: always looked at

    def __init__(self, text: str, layers: Layers) -> None:
        self.text = text
        ordered = [(a, k, b, style) for k, (style, a, b) in enumerate(layers)]
        self.long = [x for x in ordered if x[2] - x[0] > self.LONG]
        self.short = sorted(x for x in ordered if x[2] - x[0] <= self.LONG)
        self.starts = [x[0] for x in self.short]

    def content(self, lo: int, hi: int) -> Content:
        first, end = bisect_left(self.starts, lo - self.LONG), bisect_left(self.starts, hi)
        picked = sorted([x for x in self.short[first:end] if x[2] > lo] + [x for x in self.long if x[0] < hi],
                        key=lambda x: x[1])  # in layering order
        return Content(self.text[lo:hi], _spans_in([(style, a, b) for a, _k, b, style in picked], lo, hi))


class StyledPassages:
    """Passages' text with every highlight layered, for the passages painted lately (a bounded LRU,
    as Textual's ``Log`` keeps its strips): cached until their highlights change.

    A passage longer than ``window_chars`` is styled one row at a time (a 1 MB paragraph with
    thousands of entities: styling it whole, then cutting a row out of it, cost seconds per screen).
    """

    def __init__(self, maxsize: int) -> None:
        self._cache: LRUCache[int, Content | _Windows] = LRUCache(maxsize)

    def __len__(self) -> int:
        return len(self._cache)

    def clear(self) -> None:
        self._cache.clear()

    def discard(self, index: int) -> None:
        self._cache.discard(index)

    def whole(self, index: int, text: str, layers: Callable[[], Layers]) -> Content:
        """Passage ``index``'s ``text`` (as drawn) with its ``layers()``."""
        content = self._cache.get(index)
        if isinstance(content, Content):
            return content
        content = Content(text, _spans_in(layers(), 0, len(text)))
        self._cache.discard(index)
        self._cache[index] = content
        return content

    def row(self, index: int, text: str, start: int, end: int, layers: Callable[[], Layers],
            window_chars: int) -> Content:
        """``text[start:end]`` of passage ``index`` with its share of the ``layers()``."""
        if len(text) <= window_chars:
            return self.whole(index, text, layers)[start:end]
        windows = self._cache.get(index)
        if not isinstance(windows, _Windows):
            windows = _Windows(text, layers())
            self._cache.discard(index)
            self._cache[index] = windows
        return windows.content(start, end)
