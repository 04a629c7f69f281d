"""Full-text search from the main screen and the matches in the open article (``/``, ``n``/``N``).

The search screen (:mod:`reader.ui.screens.search`) returns an :class:`reader.ui.messages.OpenHit`; the
article opens at the hit's passage with the query's matches marked (found by the same analysis
as the index, :func:`reader.search.highlight.match_spans`), and ``n``/``N`` move between them.

This module is a mixin of :class:`reader.ui.screens.main.MainScreen` (``self`` is the screen).
"""

from __future__ import annotations


from reader.corpus import (Article)
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.messages import (OpenHit)


class MatchActions:
    """Mixed into MainScreen: search, the matches in the open article."""

    # search --------------------------------------------------------------------------------------------
    def action_search(self) -> None:
        from textual.actions import SkipAction
        from textual.widgets import Input, TextArea

        from reader.ui.screens.search import SearchScreen  # a screen: loaded when asked for

        if isinstance(self.app.screen, SearchScreen) or isinstance(self.app.focused, (Input, TextArea)):
            raise SkipAction()  # "/" is a character there (a query, a note, a filter)
        node = self.app.focused or self.app.screen
        while node is not None and node is not self.app:  # the focused widget, its parents, the screen
            if node._bindings.key_to_bindings.get("slash"):
                raise SkipAction()  # "/" has its own meaning there (bookmarks list: back to the filter)
            node = node.parent
        self.push_screen(SearchScreen(self.folder, self.last_query), self.search_done)

    def search_done(self, hit: OpenHit | None) -> None:
        if hit is None:
            return
        self.last_query = hit.query
        lst = self.query_one(ArticleList)
        if not lst.select_id(hit.article_id):
            self.notify("That article is no longer in the folder", severity="warning")
            return
        self.open_meta(lst.current, passage=hit.passage, query=hit.query)

    @staticmethod
    def query_matches(query: str, article: Article) -> dict[int, list[tuple[int, int]]]:
        from reader.languages import effective
        from reader.search.highlight import match_spans

        matches: dict[int, list[tuple[int, int]]] = {}
        for p in article.passages:
            spans = match_spans(query, p.text, lang=effective(article.meta))
            if spans:
                matches[p.index] = spans
        return matches

    def set_match_list(self, query: str, matches: dict[int, list[tuple[int, int]]], passage: int) -> None:
        self.match_list = [(p, s, e) for p in sorted(matches) for s, e in matches[p]]
        at = [i for i, m in enumerate(self.match_list) if m[0] >= passage]
        self.match_pos = at[0] if at else -1
        total = len(self.match_list)
        from reader.search.highlight import spans_note

        note = spans_note(matches.values())  # a passage with more matches than are marked
        self.set_status((f"{total} match{'es' if total != 1 else ''} for {query} · n/N next/previous"
                         + (f" · {note}" if note else "")) if total else f"No match for {query} in this article")

    def action_match(self, forward: bool) -> None:
        if not self.match_list:
            self.set_status("No search matches: press / to search")
            return
        self.match_pos = (self.match_pos + (1 if forward else -1)) % len(self.match_list)
        passage, _, _ = self.match_list[self.match_pos]
        self.query_one(ArticleView).set_cursor(passage)
        self.set_status(f"match {self.match_pos + 1}/{len(self.match_list)} · n/N next/previous")
