"""Taking an article out of the reader: open it in the web browser (``o``, ``O``), its links view
(``L``), copy its URL (``y``) or a passage with its citation.

Opening URLs is :mod:`reader.ui.browser`, the links view :mod:`reader.ui.dialogs.links` (imported when
asked for: it is not on the first frame). The target is the reading loop's (:mod:`reader.ui.controllers.reading`):
the highlighted article when the list has focus, else the open one.

This module is a mixin of :class:`reader.ui.screens.main.MainScreen` (``self`` is the screen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.corpus import ArticleFileError, ArticleMeta, load_article
from reader.passages import make_safe
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.browser import BrowserActions

if TYPE_CHECKING:
    from reader.ui.messages import LinkChosen


def citation(meta: ArticleMeta, text: str) -> str:
    """A passage as it is pasted elsewhere: the text, then title, source and date, then the URL."""
    where = ", ".join(b for b in (meta.title, meta.source, meta.published.isoformat() if meta.published else "")
                      if b)
    lines = [text.strip(), "", f"— {where}"]
    if meta.url:
        lines.append(meta.url)
    return "\n".join(lines)



class ShareActions(BrowserActions):
    """Mixed into MainScreen: the browser, the links view, the clipboard."""

    # the browser ----------------------------------------------------------------------------------
    def _target_with_url(self) -> ArticleMeta | None:
        meta = self._target()
        if meta is not None and not meta.url:
            self.set_status("This article has no URL (no url: in its front matter)")
            return None
        return meta

    def action_open_browser(self, mark_read: bool) -> None:
        from reader.ui.dialogs.links import resolve_url

        meta = self._target_with_url()
        if meta is None or not meta.url:  # (said by _target_with_url)
            return
        url, why = resolve_url(meta.url, None)
        if url is None:
            self.set_status(why)
            return
        self.open_url(url)
        if mark_read and meta.id not in self.query_one(ArticleList).read:
            self._mark_read(meta)

    # links and copying ------------------------------------------------------------------------------
    def action_links(self) -> None:
        from reader.ui.dialogs.links import LinksScreen, article_links, resolve_url  # a screen: loaded when asked for

        meta = self._target()
        if meta is None:
            return
        if self.article is not None and self.article.id == meta.id:
            article = self.article
        else:
            try:
                article = load_article(meta)
            except ArticleFileError as exc:
                self.notify(f"{meta.path.name}: {exc}", title="Cannot read the article", severity="error",
                            markup=False)
                return
        links = article_links(article)
        if not links:
            self.set_status("No links in this article")
            return

        def chosen(result: LinkChosen | None) -> None:
            if result is None:
                return
            url, why = resolve_url(result.link.url, meta.url)
            if url is None:
                self.set_status(why)
            else:
                self.open_url(url)

        self.push_screen(LinksScreen(meta.title, links), chosen)

    def action_copy_url(self) -> None:
        meta = self._target_with_url()
        if meta is None or not meta.url:  # (said by _target_with_url)
            return
        self.copy_to_clipboard(meta.url)
        self.set_status(f"Copied {make_safe(meta.url)}")

    def action_copy_passage(self) -> None:
        view = self.query_one(ArticleView)
        article = self.article
        if article is None or not view.passage_count:
            self.set_status("Open an article first")
            return
        selected = self._selection_in_view()
        passage, start, end = selected if selected else (view.cursor, 0, None)
        text = article.passages[passage].text[start:end]
        self.copy_to_clipboard(citation(article.meta, text))
        self.set_status(f"Copied the {'selection' if selected else 'passage'} with its citation")
