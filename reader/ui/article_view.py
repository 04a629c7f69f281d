"""The article view: one widget per passage, a passage cursor, and layered highlights.

Text is built as :class:`textual.content.Content` from the passage's plain text plus style spans
(inline Markdown styles, entities, search matches). Nothing from the article is ever parsed as
markup, and control characters were made visible by :func:`reader.passages.make_safe`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from reader.annotations import Annotations, Mention
from reader.corpus import Article
from reader.passages import Passage
from reader.ui.commands import bindings

INLINE_STYLES = {
    "em": "italic",
    "strong": "bold",
    "code": "$text-accent on $boost",
    "link": "underline $text-primary",
    "strike": "strike",
}
# Background tints from the theme: readable on dark and light themes alike.
LABEL_STYLES = {
    "PER": "on $secondary 25%",
    "ORG": "on $primary 25%",
    "LOC": "on $success 25%",
    "DATE": "on $warning 25%",
    "MONEY": "on $error 20%",
    "MISC": "on $accent 25%",
}
MATCH_STYLE = "bold reverse"
BOOKMARK_STYLE = "underline"
ENTITY_CURSOR_STYLE = "bold underline reverse"


class PassageWidget(Static):
    """One passage. ``prefix`` (a bullet) is display-only and not part of the coordinates."""

    def __init__(self, passage: Passage, mentions=(), matches=(), marks=()) -> None:
        self.passage = passage
        self.prefix = "• " if passage.kind == "item" else ""
        classes = f"passage -{passage.kind}"
        if passage.kind == "heading":
            classes += f" -h{min(passage.level, 3)}"
        if marks:
            classes += " -bookmarked"
        super().__init__(self._content(mentions, matches, None, marks), classes=classes, markup=False)
        self.mentions = list(mentions)
        self.matches = list(matches)

    def _content(self, mentions, matches, focus_mention, marks=()) -> Content:
        p = self.passage
        content = Content(p.text)
        for span in p.spans:
            content = content.stylize(INLINE_STYLES.get(span.style, ""), span.start, span.end)
        for m in mentions:
            content = content.stylize(LABEL_STYLES.get(m.label, ""), m.start, m.end)
        if focus_mention is not None:
            content = content.stylize(ENTITY_CURSOR_STYLE, focus_mention.start, focus_mention.end)
        for start, end in marks:
            content = content.stylize(BOOKMARK_STYLE, start, end)
        for start, end in matches:
            content = content.stylize(MATCH_STYLE, start, end)
        if self.prefix:
            content = Content(self.prefix) + content
        return content

    def show(self, mentions: list[Mention], matches: list[tuple[int, int]], focus: Mention | None = None,
             marks: list[tuple[int, int]] = ()) -> None:
        self.mentions = mentions
        self.matches = matches
        self.set_class(bool(marks), "-bookmarked")
        # same text, so same size: restyle without a layout pass
        self.update(self._content(mentions, matches, focus, marks), layout=False)

    def selection_for(self, start: int, end: int):
        """The Textual selection covering ``[start, end)`` of the passage text (for keyboard selection)."""
        from textual.geometry import Offset
        from textual.selection import Selection

        def point(offset: int) -> Offset:
            offset += len(self.prefix)
            lines = str(self.render()).split("\n")
            y = 0
            while y < len(lines) - 1 and offset > len(lines[y]):
                offset -= len(lines[y]) + 1
                y += 1
            return Offset(offset, y)

        return Selection(point(start), point(end))

    def selection_span(self, selection) -> tuple[int, int] | None:
        """A mouse/keyboard selection inside this widget → (start, end) in the passage text."""
        lines = str(self.render()).split("\n")

        def offset(point, default_end: bool) -> int:
            if point is None:
                return sum(len(ln) + 1 for ln in lines) - 1 if default_end else 0
            y, x = point.y, point.x
            y = min(y, len(lines) - 1)
            return sum(len(ln) + 1 for ln in lines[:y]) + min(x, len(lines[y]))

        start = offset(selection.start, False) - len(self.prefix)
        end = offset(selection.end, True) - len(self.prefix)
        start, end = max(0, start), min(len(self.passage.text), end)
        if end <= start:
            return None
        return start, end


class ArticleHeader(Static):
    pass


class ArticleView(VerticalScroll, can_focus=True):
    BINDINGS = bindings("article")

    cursor: reactive[int] = reactive(0, always_update=True)
    show_entities: reactive[bool] = reactive(True)

    @dataclass
    class CursorMoved(Message):
        article_id: str
        passage: int

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.annotations: Annotations | None = None
        self.matches: dict[int, list[tuple[int, int]]] = {}
        self.bookmarks: dict[int, list[tuple[int, int]]] = {}
        self.entity_cursor: tuple[int, int] | None = None  # (passage, index in that passage's mentions)
        self._widgets: list[PassageWidget] = []
        self._by_passage: dict[int, list[Mention]] = {}

    # content --------------------------------------------------------------------------------------
    async def show_article(self, article: Article, passage: int = 0, annotations: Annotations | None = None,
                           matches: dict[int, list[tuple[int, int]]] | None = None,
                           bookmarks: dict[int, list[tuple[int, int]]] | None = None) -> None:
        """Show an article with all its highlights at once (one layout pass)."""
        self.article = article
        self.annotations = annotations
        self._by_passage = annotations.by_passage() if annotations else {}
        self.matches = matches or {}
        self.bookmarks = bookmarks or {}
        self.entity_cursor = None
        header = ArticleHeader(self._header_content(article), classes="article-header", markup=False)
        mentions = self._by_passage if self.show_entities else {}
        self._widgets = [PassageWidget(p, mentions.get(p.index, ()), self.matches.get(p.index, ()),
                                       self.bookmarks.get(p.index, ())) for p in article.passages]
        # Progressive: mount what the first screen needs (up to the target passage and a screenful
        # more), paint, then mount the rest — opening a long article costs one screen, not the article.
        first = self._first_batch(passage)
        removing = self.remove_children()
        mounting = self.mount(header, *self._widgets[:first])
        await removing
        await mounting
        self._generation = getattr(self, "_generation", 0) + 1
        if first < len(self._widgets):
            self.call_after_refresh(self._mount_rest, self._generation, first)
        self.scroll_home(animate=False)
        self.cursor = min(passage, max(0, len(self._widgets) - 1))

    def _first_batch(self, passage: int) -> int:
        """How many passages to mount before the first paint: through ``passage``, then a screenful of text."""
        budget = max(1500, self.size.width * self.size.height)
        count, chars = passage + 1, 0
        while count < len(self._widgets) and chars < budget:
            chars += len(self._widgets[count].passage.text) + 80
            count += 1
        return min(count, len(self._widgets))

    async def _mount_rest(self, generation: int, start: int) -> None:
        if generation == self._generation and start < len(self._widgets):
            await self.mount(*self._widgets[start:])

    async def _ensure_mounted(self) -> None:
        pending = [w for w in self._widgets if not w.is_attached]
        if pending:
            await self.mount(*pending)

    def _header_content(self, article: Article) -> Content:
        meta = article.meta
        bits = [b for b in (meta.date_label and f"{meta.published.isoformat()}"
                            + (" (date inferred)" if meta.published_inferred else ""),
                            meta.source, meta.language, f"{meta.words} words") if b]
        title = Content(meta.title).stylize("bold")
        return Content.assemble(title, "\n", Content(" · ".join(bits)).stylize("$text-muted"))

    def set_annotations(self, annotations: Annotations | None) -> None:
        self.annotations = annotations
        self._by_passage = annotations.by_passage() if annotations else {}
        self.entity_cursor = None
        self.refresh_highlights()

    def set_bookmarks(self, spans: dict[int, list[tuple[int, int]]]) -> None:
        self.bookmarks = spans
        self.refresh_highlights()

    def refresh_highlights(self, only: set[int] | None = None) -> None:
        focus = self.focused_mention()
        for w in self._widgets:
            i = w.passage.index
            if only is not None and i not in only:
                continue
            mentions = self._by_passage.get(i, []) if self.show_entities else []
            f = focus if focus is not None and self.entity_cursor and self.entity_cursor[0] == i else None
            w.show(mentions, self.matches.get(i, []), f, self.bookmarks.get(i, []))

    def watch_show_entities(self, value: bool) -> None:
        self.refresh_highlights()

    # cursor --------------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if not self._widgets:
            return
        if not self._widgets[new].is_attached:
            self.run_worker(self._cursor_after_mount(old, new), group="mount-rest")
            return
        if 0 <= old < len(self._widgets):
            self._widgets[old].remove_class("-cursor")
        widget = self._widgets[new]
        widget.add_class("-cursor")
        if widget.region.height:
            self.scroll_to_widget(widget, animate=False, top=False)
        else:  # mounted in this cycle: not laid out yet
            self.call_after_refresh(self.scroll_to_widget, widget, animate=False, top=False)
        if self.article is not None:
            self.post_message(self.CursorMoved(self.article.id, new))

    async def _cursor_after_mount(self, old: int, new: int) -> None:
        await self._ensure_mounted()
        self.call_after_refresh(self.watch_cursor, old, new)

    def set_cursor(self, passage: int, top: bool = False) -> None:
        if not self._widgets:
            return
        passage = max(0, min(len(self._widgets) - 1, passage))
        self.cursor = passage
        if top:
            # just-mounted passages have no place yet: scroll once the layout has run
            self.call_after_refresh(self._scroll_top, passage)

    def _scroll_top(self, passage: int) -> None:
        if passage < len(self._widgets) and self._widgets[passage].is_attached:
            self.scroll_to_widget(self._widgets[passage], animate=False, top=True)

    def _visible_passages(self) -> list[int]:
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        out = []
        for w in self._widgets:
            y = w.virtual_region.y
            if y + w.virtual_region.height > top and y < bottom:
                out.append(w.passage.index)
        return out

    def action_cursor_down(self) -> None:
        if self._widgets:
            w = self._widgets[self.cursor]
            bottom = self.scroll_offset.y + self.scrollable_content_region.height
            # a passage taller than the screen scrolls before the cursor moves on
            if w.virtual_region.bottom > bottom:
                self.scroll_relative(y=max(1, self.scrollable_content_region.height // 2), animate=False)
                return
            self.set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        if self._widgets:
            w = self._widgets[self.cursor]
            if w.virtual_region.y < self.scroll_offset.y:
                self.scroll_relative(y=-max(1, self.scrollable_content_region.height // 2), animate=False)
                return
            self.set_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.set_cursor(0)
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.set_cursor(len(self._widgets) - 1)
        self.call_after_refresh(self.scroll_end, animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)
        self.call_after_refresh(self._cursor_into_view, True)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)
        self.call_after_refresh(self._cursor_into_view, False)

    def _cursor_into_view(self, down: bool) -> None:
        visible = self._visible_passages()
        if visible and self.cursor not in visible:
            target = visible[0] if down else visible[-1]
            if self._widgets:
                self._widgets[self.cursor].remove_class("-cursor")
            self.set_reactive(ArticleView.cursor, target)
            self._widgets[target].add_class("-cursor")
            if self.article is not None:
                self.post_message(self.CursorMoved(self.article.id, target))

    def on_click(self, event) -> None:
        widget = event.widget
        while widget is not None and not isinstance(widget, PassageWidget):
            widget = widget.parent if widget is not self else None
        if isinstance(widget, PassageWidget) and widget.passage.index != self.cursor:
            self._widgets[self.cursor].remove_class("-cursor")
            self.set_reactive(ArticleView.cursor, widget.passage.index)
            widget.add_class("-cursor")
            if self.article is not None:
                self.post_message(self.CursorMoved(self.article.id, widget.passage.index))

    # entities ------------------------------------------------------------------------------------
    def focused_mention(self) -> Mention | None:
        if self.entity_cursor is None:
            return None
        p, i = self.entity_cursor
        lst = self._by_passage.get(p, [])
        return lst[i] if 0 <= i < len(lst) else None

    def _all_mentions(self) -> list[tuple[int, int]]:
        return [(p, i) for p in sorted(self._by_passage) for i in range(len(self._by_passage[p]))]

    def move_entity(self, forward: bool) -> Mention | None:
        """Jump to the next/previous entity mention from the current one (or the passage cursor)."""
        order = self._all_mentions()
        if not order:
            return None
        if self.entity_cursor in order:
            k = order.index(self.entity_cursor) + (1 if forward else -1)
        else:
            after = [n for n, (p, _) in enumerate(order) if (p >= self.cursor if forward else p <= self.cursor)]
            k = (after[0] if forward else after[-1]) if after else (0 if forward else len(order) - 1)
        k %= len(order)
        old = self.entity_cursor[0] if self.entity_cursor else None
        self.entity_cursor = order[k]
        self.refresh_highlights({old, order[k][0]} - {None})
        self.set_cursor(order[k][0])
        return self.focused_mention()

    @property
    def passage_widgets(self) -> list[PassageWidget]:
        return self._widgets
