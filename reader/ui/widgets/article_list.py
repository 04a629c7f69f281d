"""The article list: a virtual list (Textual line API) that renders only visible rows.

Tens of thousands of articles cost nothing at start-up: rows are formatted when painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader import languages
from reader.corpus import ArticleMeta
from reader.ui.commands import bindings

UNREAD_MARK, STAR_MARK, BOOKMARK_MARK = "•", "★", "●"


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(0, width - 1)] + "…"


class ArticleList(ScrollView, can_focus=True):
    """Two lines per article (marks and title; date · language · source) under a header line. ``enter`` opens the highlighted one."""

    BINDINGS = bindings("list")
    COMPONENT_CLASSES = {"article-list--cursor", "article-list--meta", "article-list--mark",
                         "article-list--unread", "article-list--star"}
    # the header ("12 unread · 340 articles") is the border title; unread rows are bold with a
    # marker, in every theme (a style and a character, not a colour alone)
    DEFAULT_CSS = """
    ArticleList { background: $surface; border-top: tall $panel; border-title-align: left;
                  border-title-color: $text-muted; }
    ArticleList > .article-list--unread { text-style: bold; color: $text-accent; }
    ArticleList > .article-list--star { color: $text-warning; }
    ArticleList > .article-list--cursor { background: $block-cursor-blurred-background; }
    ArticleList:focus > .article-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    ArticleList > .article-list--meta { color: $text-muted; }
    ArticleList > .article-list--mark { color: $accent; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Selected(Message):
        meta: ArticleMeta

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.articles: Sequence[ArticleMeta] = []  # a list, a LazyMetas or a filtered Shown
        self.marked: set[str] = set()  # ids with bookmarks
        self.read: set[str] = set()  # ids read (every other article is unread)
        self.starred: set[str] = set()
        self._index: dict[str, int] | None = None

    # data ---------------------------------------------------------------------------------
    def set_articles(self, articles: Sequence[ArticleMeta], keep_id: str | None = None) -> None:
        self.articles = articles  # a list or a LazyMetas: rows become objects only when painted
        self._index = None
        self.virtual_size = Size(self.size.width, len(self.articles) * self.ROW_HEIGHT)
        target = self.index_of(keep_id) or 0 if keep_id else 0
        self.cursor = min(target, max(0, len(self.articles) - 1))
        self.refresh()

    def set_marked(self, ids: set[str]) -> None:
        self.marked = set(ids)
        self.refresh()

    def set_reading(self, read: set[str], starred: set[str]) -> None:
        """The reading state of the articles (reader.ui.controllers.reading keeps it up to date)."""
        self.read, self.starred = read, starred
        self.refresh()

    def set_header(self, text: str) -> None:
        self.border_title = Content(text)

    @property
    def current(self) -> ArticleMeta | None:
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor]
        return None

    def index_of(self, article_id: str) -> int | None:
        if self._index is None:
            ids = getattr(self.articles, "ids", None) or [m.id for m in self.articles]
            self._index = {aid: i for i, aid in enumerate(ids)}
        return self._index.get(article_id)

    def select_id(self, article_id: str) -> bool:
        i = self.index_of(article_id)
        if i is not None:
            self.cursor = i
            return True
        return False

    # rendering ------------------------------------------------------------------------------
    ROW_HEIGHT = 2  # line 1: marker + title; line 2: date · language · source

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        line = scroll_y + y
        row, sub = divmod(line, self.ROW_HEIGHT)
        width = self.scrollable_content_region.width
        if row >= len(self.articles):
            return Strip.blank(width, self.rich_style)
        meta = self.articles[row]
        base = self.rich_style
        if row == self.cursor:
            base = self.get_component_rich_style("article-list--cursor")
        if sub == 0:
            # unread marker, star, bookmark: a column each, then the title (bold when unread)
            mark_style = self.get_component_rich_style("article-list--mark", partial=True)
            unread = meta.id not in self.read
            title_style = base
            if unread:
                title_style = base + self.get_component_rich_style("article-list--unread", partial=True)
            star_style = self.get_component_rich_style("article-list--star", partial=True)
            segments = [Segment(UNREAD_MARK if unread else " ", title_style),
                        Segment(STAR_MARK if meta.id in self.starred else " ", base + star_style),
                        Segment(BOOKMARK_MARK if meta.id in self.marked else " ", base + mark_style),
                        Segment(" " + _fit(meta.title, max(0, width - 4)), title_style)]
        else:
            dim = self.get_component_rich_style("article-list--meta", partial=True)
            bits = [meta.date_label or "undated", languages.effective(meta)]  # the one used (maybe detected)
            if meta.source:
                bits.append(meta.source)
            segments = [Segment("    " + _fit(" · ".join(bits), max(0, width - 4)), base + dim)]
        return Strip(segments).crop(0, width).extend_cell_length(width, base)

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.articles:
            return
        self.scroll_to_region_row(new)
        self.refresh()

    def scroll_to_region_row(self, row: int) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height or 1
        y0, y1 = row * self.ROW_HEIGHT, (row + 1) * self.ROW_HEIGHT
        if y0 < top:
            self.scroll_to(y=y0, animate=False)
        elif y1 > top + height:
            self.scroll_to(y=y1 - height, animate=False)

    # actions ------------------------------------------------------------------------------------
    def _move(self, delta: int) -> None:
        if self.articles:
            self.cursor = max(0, min(len(self.articles) - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self._move(-len(self.articles))

    def action_last(self) -> None:
        self._move(len(self.articles))

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height // self.ROW_HEIGHT - 1))

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height // self.ROW_HEIGHT - 1))

    def action_open(self) -> None:
        meta = self.current
        if meta is not None:
            self.post_message(self.Selected(meta))

    def on_click(self, event: events.Click) -> None:
        row = (self.scroll_offset.y + event.y) // self.ROW_HEIGHT
        if 0 <= row < len(self.articles):
            self.cursor = row
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.articles) * self.ROW_HEIGHT)
