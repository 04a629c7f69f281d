"""The article view's passage cursor and the scrolling that follows it (j/k, g/G, pages, clicks).

A mixin of :class:`reader.ui.widgets.article_view.ArticleView`, which owns the ``cursor`` reactive,
the layout (``doc``) and the repaint of a passage (``_invalidate``); here, only where the cursor
goes and what scrolls with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.reactive import reactive
from textual.scroll_view import ScrollView

if TYPE_CHECKING:
    from reader.corpus import Article
    from reader.ui.widgets.article_view.layout import ArticleLayout


class PassageCursor(ScrollView):
    """The passage under the cursor; moving it scrolls just enough to show it."""

    if TYPE_CHECKING:
        cursor: reactive[int]
        doc: ArticleLayout
        article: Article | None

        @property
        def passage_count(self) -> int: ...

        _pending_top: bool
        CursorMoved: Any

        def _wrap_to(self, passage: int) -> None: ...
        def _invalidate(self, passage: int) -> None: ...

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.doc.passage_rows:
            return
        self._cursor_changed(old, new)
        self._scroll_to_passage(new, top=False)

    def _cursor_changed(self, old: int, new: int) -> None:
        """Repaint the two passages and tell the app (the events panel follows the cursor)."""
        self._invalidate(old)
        self._invalidate(new)
        if self.article is not None:
            self.post_message(self.CursorMoved(self.article.id, new))

    def _scroll_to_passage(self, passage: int, top: bool) -> None:
        self._wrap_to(passage)
        if not 0 <= passage < len(self.doc.passage_rows):
            return
        first, end = self.doc.passage_rows[passage]
        height = self.scrollable_content_region.height
        y = int(self.scroll_offset.y)
        if top or end - first >= height or first < y:
            # the blank row above a passage stays in view (and the header above the first one)
            y = 0 if passage == 0 else first - 1
        elif end > y + height:
            y = min(end + 1, len(self.doc.rows)) - height
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def set_cursor(self, passage: int, top: bool = False) -> None:
        if not self.doc.passage_rows:
            if self.passage_count:  # not laid out yet (no size): place it when the rows exist
                self.set_reactive(type(self).cursor, max(0, min(self.passage_count - 1, passage)))
                self._pending_top = True
            return
        passage = max(0, min(self.passage_count - 1, passage))
        self._wrap_to(passage)
        self.cursor = passage
        if top:
            self._scroll_to_passage(passage, top=True)

    def _move_cursor_quietly(self, passage: int) -> None:
        """Move the cursor to a passage already on screen (no scrolling)."""
        old = self.cursor
        self.set_reactive(type(self).cursor, passage)
        self._cursor_changed(old, passage)

    def _top_passage(self) -> int | None:
        visible = self._visible_passages()
        return visible[0] if visible else None

    def _visible_passages(self) -> list[int]:
        top = int(self.scroll_offset.y)
        return self.doc.visible_passages(top, top + self.scrollable_content_region.height)

    def action_cursor_down(self) -> None:
        if self.doc.passage_rows:
            self._wrap_to(self.cursor)  # a huge passage being wrapped: the rows below the screen first
            bottom = int(self.scroll_offset.y) + self.scrollable_content_region.height
            # a passage taller than the screen scrolls before the cursor moves on
            if self.doc.passage_rows[self.cursor][1] > bottom:
                self.scroll_relative(y=max(1, self.scrollable_content_region.height // 2), animate=False,
                                     immediate=True)
                return
            self.set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        if self.doc.passage_rows:
            if self.doc.passage_rows[self.cursor][0] < int(self.scroll_offset.y):
                self.scroll_relative(y=-max(1, self.scrollable_content_region.height // 2), animate=False,
                                     immediate=True)
                return
            self.set_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.set_cursor(0)
        self.scroll_home(animate=False, immediate=True)

    def action_last(self) -> None:
        self.set_cursor(self.passage_count - 1)
        self.scroll_end(animate=False, immediate=True)

    def action_page_down(self) -> None:
        self._page(+1)
        self._cursor_into_view(True)

    def action_page_up(self) -> None:
        self._page(-1)
        self._cursor_into_view(False)

    def _page(self, direction: int) -> None:
        """Scroll by a screen, keeping one row of the previous screen for context."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=int(self.scroll_offset.y) + direction * step, animate=False, immediate=True)

    def _cursor_into_view(self, down: bool) -> None:
        visible = self._visible_passages()
        if visible and self.cursor not in visible:
            self._move_cursor_quietly(visible[0] if down else visible[-1])

    def passage_at(self, y: int) -> int | None:
        """The passage shown on screen row ``y`` of the content region, if any."""
        return self.doc.passage_at(y + int(self.scroll_offset.y))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        passage = self.passage_at(offset.y)
        if passage is not None and passage != self.cursor:
            self._move_cursor_quietly(passage)

