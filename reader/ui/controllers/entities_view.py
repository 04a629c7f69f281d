"""Named entities in the open article: show them, move between them, the articles that mention one.

This module is a mixin of :class:`reader.ui.screens.main.MainScreen` (``self`` is the screen).
"""

from __future__ import annotations


from reader.log import log_exception
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.legend import describe_mention
from reader.ui.palette import app_label_styles


class EntityActions:
    """Mixed into MainScreen: the entities of the open article."""

    # entities ----------------------------------------------------------------------------------------
    def action_toggle_entities(self) -> None:
        view = self.query_one(ArticleView)
        view.show_entities = not view.show_entities
        self.update_legend()

    def action_entity(self, forward: bool) -> None:
        view = self.query_one(ArticleView)
        if not view.show_entities:
            view.show_entities = True
            self.update_legend()
        mention = view.move_entity(forward)
        if mention is None:
            self.set_status("No entities in this article" if view.annotations else "Entities are not ready yet")
            return
        from reader.ui.dialogs.entity_articles import entity_index  # the dialog's module, loaded when used

        index = entity_index(self.folder)
        count = None
        if index is not None:
            try:
                count = index.article_count(mention.entity)
            except Exception:
                log_exception(__name__, "the entity index could not be read")
                count = None
        self.set_status(describe_mention(mention, view.annotations, count, app_label_styles(self.app)))

    def action_activate(self) -> None:
        view = self.query_one(ArticleView)
        mention = view.focused_mention()
        if mention is not None:
            self.show_entity_articles(mention)

    def show_entity_articles(self, mention) -> None:
        from reader.ui.dialogs.entity_articles import EntityArticlesScreen, entity_index

        index = entity_index(self.folder)
        ids = []
        if index is not None:
            try:
                ids = index.articles(mention.entity)
            except Exception:
                log_exception(__name__, "the entity index could not be read")
                ids = []
        lst = self.query_one(ArticleList)
        metas = {m.id: m for m in lst.articles}
        from reader.corpus import sort_key

        found = sorted((metas[aid] for aid in ids if aid in metas), key=sort_key)
        current = self.article.id if self.article else None
        found.sort(key=lambda m: m.id != current)  # the article being read first, then newest first
        rows = [(m.id, f"{m.date_label or 'undated'}  {m.title}" + ("  (this article)" if m.id == current else ""))
                for m in found]
        if not rows:
            self.notify("The entity index is not ready yet", severity="warning")
            return
        title = f"{len(rows)} article(s) mention {mention.text}"

        def chosen(article_id: str | None) -> None:
            if article_id and article_id in metas:
                lst.select_id(article_id)
                self.open_meta(metas[article_id])

        self.push_screen(EntityArticlesScreen(title, rows), chosen)
