"""The linked events beside the article: the events panel, the timeline, going to a mention.

The event set is loaded in a thread worker (:func:`reader.ui.widgets.events_panel.load_event_set`) after each
scan and ingest; the panel shows the open article's events and marks the one nearest the cursor.

This module is a mixin of :class:`reader.ui.screens.main.MainScreen` (``self`` is the screen).
"""

from __future__ import annotations

from textual import work

from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.events_panel import EventsPanel, load_event_set
from reader.ui.messages import (GoTo)


class EventActions:
    """Mixed into MainScreen: the events panel and the timeline."""

    # events -------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="events", exit_on_error=False)
    def load_events(self) -> None:
        event_set = load_event_set(self.folder)
        self.call_from_thread(self._events_loaded, event_set)

    def _events_loaded(self, event_set) -> None:
        self.event_set = event_set
        self.show_events()

    def show_events(self) -> None:
        panel = self.query_one_optional(EventsPanel)
        if panel is None:  # leaving: a load that ends as the app shuts down finds the panes gone
            return
        article_id = self.article.id if self.article else None
        state = "linking" if self.ingest_state == "running" and self.ingest_stage == "events" else self.ingest_state
        panel.show(self.event_set, article_id, state)
        self.mark_event(self.query_one(ArticleView).cursor)

    def mark_event(self, passage: int) -> None:
        if self.event_set is None or self.article is None:
            return
        panel = self.query_one(EventsPanel)
        nearest = self.event_set.nearest(self.article.id, passage, among={e.id for e in panel.events})
        panel.mark(nearest.id if nearest else None)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.mark_event(message.passage)
        self.cursor_on(message.passage)
        self.reading_cursor_moved(message.article_id, message.passage)

    def action_toggle_undated_events(self) -> None:
        panel = self.query_one(EventsPanel)
        panel.show_undated = not panel.show_undated
        self.state.events_undated = panel.show_undated
        self.save_state()
        if not self.events_wanted:
            self.events_wanted = True
            self._show_events_panel()
        self.show_events()
        self.set_status("Events panel: undated events " + ("listed" if panel.show_undated else "hidden"))

    def action_toggle_events(self) -> None:
        self.events_wanted = not self.events_wanted
        self.state.events_panel = self.events_wanted
        self.save_state()
        self._show_events_panel()

    def _show_events_panel(self) -> None:
        self._layout_panes()
        if self.events_wanted and not self.query_one(EventsPanel).display:
            self.focus_pane(self.query_one(ArticleView))  # the list had the width to itself: show the reading side

    def on_events_panel_chosen(self, message: EventsPanel.Chosen) -> None:
        event = self.event_set.event(message.event_id) if self.event_set else None
        if event is not None:
            from reader.ui.dialogs.event_mentions import EventMentionsScreen  # loaded when asked for

            self.push_screen(EventMentionsScreen(event, self.titles()), self.goto)

    def action_timeline(self) -> None:
        if not self.query_one(ArticleList).articles:
            self.notify("No articles in this folder, so no events", severity="warning")
            return
        if self.event_set is None:
            self.notify("Events are not computed yet (they are being built in the background)", severity="warning")
            return
        from reader.ui.screens.timeline import TimelineScreen  # loaded when asked for

        self.push_screen(TimelineScreen(self.event_set, self.titles()), self.goto)

    def titles(self) -> dict[str, str]:
        return {m.id: m.title for m in self.query_one(ArticleList).articles}

    def goto(self, target: GoTo | None) -> None:
        if target is None:
            return
        lst = self.query_one(ArticleList)
        if lst.select_id(target.article_id):
            self.open_meta(lst.current, passage=target.passage)
        else:
            self.notify("That article is no longer in the folder", severity="warning")
