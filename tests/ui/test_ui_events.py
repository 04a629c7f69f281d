"""Events panel and timeline on the bundled articles, after a real ingest (spaCy: slow)."""

from __future__ import annotations

import pytest

from helpers import BUNDLED, wait_until
from reader.ingest import run_ingest
from reader.ui.widgets.article_view import ArticleView
from reader.ui.dialogs.event_mentions import EventMentionsScreen
from reader.ui.screens.timeline import TimelineScreen
from reader.ui.widgets.events_panel import EventsPanel
from reader.ui.widgets.timeline_axis import axis_lines

pytestmark = pytest.mark.slow




async def test_events_panel_marks_links_and_opens_mentions_and_timeline(make_app):
    run_ingest(BUNDLED)
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert await wait_until(pilot, lambda: app.main.event_set is not None)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.query_one(EventsPanel)
        assert panel.display, "shown by default on a wide terminal"
        assert panel.events, "the article's events are listed"
        linked = [e for e in panel.events if e.other_articles(app.main.article.id)]
        assert linked, "at least one event is reported by the other article too"
        dates = [e.when or "9999" for e in panel.events]
        assert dates == sorted(dates)
        # the marker follows the passage cursor
        view = app.query_one(ArticleView)
        target = linked[0].mentions_in(app.main.article.id)[0].passage
        view.set_cursor(target)
        await pilot.pause()
        listed = {e.id for e in panel.events}
        assert panel.marked == app.main.event_set.nearest(app.main.article.id, target, among=listed).id
        # listed: the dated ones and those another article reports; u lists the undated rest too
        every = app.main.event_set.for_article(app.main.article.id)
        assert all(e.dated or e.other_articles(app.main.article.id) for e in panel.events)
        assert panel.hidden == len(every) - len(panel.events) > 0
        assert f"{panel.hidden} undated hidden (u)" in str(panel.query_one("#events-note").render())
        await pilot.press("u")
        await pilot.pause()
        assert [e.id for e in panel.events] == [e.id for e in every] and panel.hidden == 0
        await pilot.press("u")
        await pilot.pause()
        assert len(panel.events) == len(every) - panel.hidden
        # enter on an event lists its mentions in both articles; enter on one opens it
        panel.query_one("#events-list").focus()
        panel.query_one("#events-list").highlighted = panel.events.index(linked[0])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EventMentionsScreen)
        other = [i for i, m in enumerate(linked[0].mentions) if m.article_id != app.main.article.id][0]
        app.screen.query_one("#event-mentions").highlighted = other
        await pilot.press("enter")
        mention = linked[0].mentions[other]
        assert await wait_until(pilot, lambda: app.main.article is not None and app.main.article.id == mention.article_id)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.cursor == mention.passage
        # toggling the panel is remembered
        await pilot.press("v")
        assert not panel.display and app.state.events_panel is False
        # the timeline
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        screen = app.screen
        total = len(app.main.event_set.all())
        assert await wait_until(pilot, lambda: len(screen.shown) == total)
        await pilot.press(*"musk")
        assert await wait_until(pilot, lambda: 0 < len(screen.shown) < total)
        assert all(any("musk" in p.name.casefold() for p in e.participants) for e in screen.shown)
    app2 = make_app(BUNDLED, ingest=False)
    async with app2.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        assert not app2.query_one(EventsPanel).display, "the hidden panel stays hidden after a restart"


def test_axis_draws_ticks_and_markers():
    import datetime as dt

    dates = [dt.date(2015, 6, 1), dt.date(2023, 4, 19), dt.date(2023, 4, 25)]
    marks, axis, labels = axis_lines(dates, 60, [False, False, True])
    assert len(marks) == len(axis) == len(labels) == 60
    assert "┼" in axis and "2016" in labels and "2023" in labels
    assert marks.count("●") + marks.count("◆") + sum(c.isdigit() for c in marks) >= 2
    assert marks.index("●") < 10  # 2015 sits at the left end
    marks, _, _ = axis_lines(dates, 60, [False, False, True], selected=0)
    assert marks.index("▼") < 10


def test_axis_zooms_on_a_window():
    import datetime as dt

    dates = [dt.date(2015, 6, 1), dt.date(2023, 4, 18), dt.date(2023, 4, 19), dt.date(2023, 4, 25)]
    window = (dt.date(2023, 4, 9), dt.date(2023, 4, 29))
    marks, axis, labels = axis_lines(dates, 60, [False] * 4, selected=2, window=window)
    assert marks[0] == "◀"  # 2015 is left of the window
    assert "04-19" in labels or "04-17" in labels
    assert "▼" in marks and marks.count("●") == 2  # the two other April dates stand apart
