"""Bookmarks in the open article: select by sentence, bookmark, note, the bookmarks screen.

The store is :class:`reader.bookmarks.store.BookmarkStore`, opened on first use; anchoring in the
article's text is :func:`reader.bookmarks.anchor.anchor_article` (an orphan is kept and said).
A store that fails is a notification, never the end of the app.

This module is a mixin of :class:`reader.ui.screens.main.MainScreen` (``self`` is the screen).
"""

from __future__ import annotations


from reader.log import log_exception
from reader.corpus import (Article, load_article)
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.messages import (GoTo)


class BookmarkActions:
    """Mixed into MainScreen: bookmarks of the open article."""

    # bookmarks ------------------------------------------------------------------------------------------
    def bookmark_store(self):
        if self._bookmark_store is None:
            from reader.bookmarks.store import BookmarkStore

            self._bookmark_store = BookmarkStore()
        return self._bookmark_store

    def _bookmark_error(self, exc: Exception) -> None:
        self.notify(str(exc), title="Bookmarks unavailable", severity="error", markup=False)

    def refresh_bookmark_marks(self) -> None:
        try:
            ids = self.bookmark_store().article_ids()
        except Exception as exc:
            log_exception(__name__, "the bookmark store failed")
            self._bookmark_error(exc)
            return
        self.query_one(ArticleList).set_marked(ids)

    def _anchor(self, article: Article) -> list | Exception:
        """The article's bookmarks anchored in its text, or the error (thread-safe: no widget touched)."""
        from reader.bookmarks.anchor import anchor_article

        try:
            return anchor_article(self.bookmark_store(), article)
        except Exception as exc:
            log_exception(__name__, "the bookmark store failed")
            return exc

    def anchor_bookmarks(self, article: Article,
                         anchored: list | Exception | None = None) -> dict[int, list[tuple[int, int]]]:
        """Re-anchor the article's bookmarks (unless given anchored); returns their spans per passage
        (orphans are kept apart)."""
        anchored = self._anchor(article) if anchored is None else anchored
        self.anchored = [] if isinstance(anchored, Exception) else anchored
        if isinstance(anchored, Exception):
            self._bookmark_error(anchored)
        spans: dict[int, list[tuple[int, int]]] = {}
        for _bm, anchor in self.anchored:
            if not anchor.orphaned:
                spans.setdefault(anchor.passage, []).append((anchor.start, anchor.end))
        orphans = sum(1 for _bm, a in self.anchored if a.orphaned)
        if orphans:
            self.notify(f"{orphans} bookmark(s) of this article no longer match its text; they are kept as "
                        "orphans in the bookmarks screen (B)", severity="warning")
        return spans

    def apply_bookmarks(self) -> None:
        if self.article is not None:
            view = self.query_one(ArticleView)
            view.set_bookmarks(self.anchor_bookmarks(self.article))
            self.cursor_on(view.cursor)

    def _selection_in_view(self) -> tuple[int, int, int] | None:
        """(passage, start, end) of a text selection in the article (clipped to the passage it starts in)."""
        view = self.query_one(ArticleView)
        sel = self.app.screen.selections.get(view)
        return view.selection_span(sel) if sel is not None else None

    def action_select_sentence(self, extend: bool) -> None:
        """Keyboard selection, sentence by sentence, inside the passage under the cursor (the
        sentences of the events' extraction: "Selon M. Musk, …" is one)."""
        from reader.text import split_sentences

        view = self.query_one(ArticleView)
        if self.article is None or not view.passage_count:
            return
        here = view.cursor
        text = self.article.passages[here].text
        sentences = split_sentences(text)
        current = self._selection_in_view()
        if current and current[0] == here:
            _, start, end = current
            after = [k for k, (a, _b) in enumerate(sentences) if a >= end]
            if not after:
                self.set_status("End of the passage: j moves to the next one")
                return
            nxt = sentences[after[0]]
            start, end = (start, nxt[1]) if extend else nxt
        else:
            start, end = sentences[0] if sentences else (0, len(text))
        end = len(text[:end].rstrip())
        self.app.screen.selections = {view: view.selection_for(here, start, end)}
        self.set_status("Selected: s next sentence · S extend · b bookmark the selection · esc clear")

    def action_bookmark(self) -> None:
        view = self.query_one(ArticleView)
        if self.article is None or not view.passage_count:
            return
        selected = self._selection_in_view()
        sel = self.app.screen.selections.get(view)
        clipped = bool(selected and sel is not None and view.selection_crosses_passages(sel))
        passage, start, end = selected if selected else (view.cursor, None, None)
        text = self.article.passages[passage].text
        span = (start, end) if selected else (0, len(text))
        if any(not a.orphaned and (a.passage, a.start, a.end) == (passage, *span) for _bm, a in self.anchored):
            self.set_status("Already bookmarked · a: edit its note · B: all bookmarks (d deletes there)")
            return
        try:
            bm = self.bookmark_store().add(self.article, passage, start, end)
        except Exception as exc:
            log_exception(__name__, "the bookmark store failed")
            self._bookmark_error(exc)
            return
        self.app.screen.clear_selection()
        self.apply_bookmarks()
        self.refresh_bookmark_marks()
        what = "selection" if selected else "passage"
        quote = bm.quote if len(bm.quote) < 50 else bm.quote[:49] + "…"
        if clipped:  # a bookmark points into one passage (the coordinate system)
            self.set_status(f"Bookmarked the selection up to the end of its first passage: “{quote}” · "
                            "a bookmark stays within one passage")
            return
        self.set_status(f"Bookmarked {what}: “{quote}” · a: add a note · B: all bookmarks")

    def action_note(self) -> None:
        view = self.query_one(ArticleView)
        if self.article is None or not view.passage_count:
            self.set_status("Open an article first")
            return
        here = [(bm, a) for bm, a in self.anchored if not a.orphaned and a.passage == view.cursor]
        if not here:
            self.set_status("No bookmark on this passage: press b to bookmark it first")
            return
        selected = self._selection_in_view()
        whole = len(self.article.passages[view.cursor].text)
        # the bookmark of the selected text, else the whole-passage one, else the last made
        bm = next((b for b, a in here if selected and (a.passage, a.start, a.end) == selected), None) \
            or next((b for b, a in here if (a.start, a.end) == (0, whole)), None) or here[-1][0]

        def done(note: str | None) -> None:
            if note is None:
                return
            try:
                self.bookmark_store().update_note(bm.uuid, note)
            except Exception as exc:
                log_exception(__name__, "the bookmark store failed")
                self._bookmark_error(exc)
                return
            self.apply_bookmarks()
            self.set_status("Note saved")

        from reader.ui.dialogs.note import NoteDialog  # dialogs and screens are loaded when asked for

        self.push_screen(NoteDialog(bm.quote, bm.note), done)

    def action_bookmarks(self) -> None:
        try:
            store = self.bookmark_store()
        except Exception as exc:
            log_exception(__name__, "the bookmark store failed")
            self._bookmark_error(exc)
            return
        metas = {m.id: m for m in self.query_one(ArticleList).articles}

        def done(target: GoTo | None) -> None:
            self.refresh_bookmark_marks()
            if self.article is not None:
                self.apply_bookmarks()
            self.goto(target)

        from reader.ui.screens.bookmarks import BookmarksScreen

        self.push_screen(BookmarksScreen(store, metas, load_article), done)
