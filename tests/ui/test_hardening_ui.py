"""Issue 10, seen by a newcomer: the article keeps a readable width on small terminals, and the six
entity labels, the selection and the current event stay apart in every theme and colour depth."""

from __future__ import annotations

import pytest

from helpers import BUNDLED, reader_open
from helpers.handmade import numbered_events
from reader.entities.model import LABEL_NAMES
from reader.events.store import EventSet
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.article_view.layout import gutters
from reader.ui.event_format import event_row
from reader.ui.widgets.events_panel import EventsPanel
from reader.ui.layout import ARTICLE_CHROME, ARTICLE_MIN_TEXT, EVENTS_WIDTH, LIST_MIN, plan_panes
from test_theme_contrast import WORDS, annotated, label_segments

# --- layout ------------------------------------------------------------------------------------------


def test_the_pane_plan_keeps_the_article_readable_and_gives_way_in_order():
    for width in range(ARTICLE_MIN_TEXT + ARTICLE_CHROME, 260):
        for events in (False, True):
            plan = plan_panes(width, events)
            beside = EVENTS_WIDTH if plan.events == "beside" else 0
            article = width - plan.list_width - beside
            assert article - ARTICLE_CHROME >= ARTICLE_MIN_TEXT, (width, events, plan)
            assert plan.list_width == 0 or plan.list_width >= LIST_MIN
            assert bool(plan.events) == events
            if plan.events == "below":  # only when even the list hidden leaves no room beside
                assert width - EVENTS_WIDTH - ARTICLE_CHROME < ARTICLE_MIN_TEXT
            if plan.list_width == 0:  # only when the list at its narrowest leaves no room
                assert width - beside - LIST_MIN - ARTICLE_CHROME < ARTICLE_MIN_TEXT


def _events_for(article_id: str, passages: int) -> EventSet:
    """A few dated events on the open article (the real ones need the spaCy ingest)."""
    return numbered_events(article_id, passages)


async def _with_events(app, pilot, shown: bool) -> None:
    app.main._events_loaded(_events_for(app.main.article.id, len(app.main.article.passages)))
    await pilot.pause()
    if bool(app.query_one(EventsPanel).display) != shown:
        await pilot.press("v")
    await pilot.pause()
    await pilot.pause()


def _text_columns(view: ArticleView) -> int:
    """Columns of text in a paragraph row: the view's content width less the cursor and bookmark gutters."""
    paragraph = next(p for p in view.article.passages if p.kind == "paragraph")
    return view.scrollable_content_region.width - sum(gutters(paragraph))


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (100, 30), (120, 40)])
@pytest.mark.parametrize("events", [False, True], ids=["no-events", "events"])
async def test_the_article_keeps_40_columns_and_every_shown_pane_is_usable(size, events):
    async with reader_open(BUNDLED, size) as (app, pilot, view):
        await _with_events(app, pilot, events)
        assert view.has_focus
        assert _text_columns(view) >= ARTICLE_MIN_TEXT, (size, events, view.region)
        rows = [view.row_strip(r).cell_length for r in range(*view.passage_row_range(0))]
        assert all(n == view.doc.width for n in rows)  # painted to the width, nothing cut
        assert view.region.height >= 8, "the article shows a screenful of rows"
        lst, panel = app.query_one(ArticleList), app.query_one(EventsPanel)
        shown = [w for w in (lst, view, panel) if w.display and w.region.area]
        for a in shown:  # side by side or stacked, never on top of each other
            for b in shown:
                assert a is b or not a.region.overlaps(b.region), (a, b)
        if lst in shown:
            assert lst.region.width >= LIST_MIN and lst.region.height >= 8
        assert (panel in shown) == events
        if events:
            options = panel.query_one("#events-list")
            assert options.region.width >= 30 and options.region.height >= 3, options.region
            assert "20 Apr 2023" in "\n".join(s.text for s in panel.query_one("#events-list").render_lines(
                options.region.reset_offset))


async def test_on_a_narrow_terminal_the_list_and_the_reading_side_take_turns():
    async with reader_open(BUNDLED, (60, 20)) as (app, pilot, view):
        await _with_events(app, pilot, True)
        lst, panel = app.query_one(ArticleList), app.query_one(EventsPanel)
        assert panel.display and panel.region.y > view.region.y, "the events panel is below the article"
        await pilot.press("escape")
        await pilot.pause()
        assert lst.has_focus and lst.region.width == 60 and not view.region.width and not panel.display
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()
        assert view.has_focus and panel.display and _text_columns(view) >= ARTICLE_MIN_TEXT


async def test_v_from_the_list_shows_the_reading_side_where_the_list_must_give_way():
    async with reader_open(BUNDLED, (100, 30)) as (app, pilot, view):
        await _with_events(app, pilot, False)
        lst, panel = app.query_one(ArticleList), app.query_one(EventsPanel)
        await pilot.press("escape")
        await pilot.pause()
        assert lst.has_focus and lst.region.width and view.region.width  # side by side without the panel
        await pilot.press("v")
        await pilot.pause()
        await pilot.pause()
        assert panel.display and view.has_focus and not lst.display
        assert panel.region.x >= view.region.right and _text_columns(view) >= ARTICLE_MIN_TEXT


# --- entity colours (every theme and depth: test_theme_contrast.py), selection, current event ----------


async def test_a_label_looks_the_same_on_the_cursor_row_and_in_the_legend(tmp_path):
    annotated(tmp_path)
    async with reader_open(tmp_path, (100, 30)) as (app, pilot, view):
        for theme in ("textual-dark", "textual-light", "nord", "solarized-light"):
            app.theme = theme
            await pilot.pause()
            view.set_cursor(1)
            await pilot.pause()
            off = label_segments(view, 0)
            view.set_cursor(0)
            await pilot.pause()
            on = label_segments(view, 0)
            assert view.has_cursor_bar(0) and not view.has_cursor_bar(1)
            for label in WORDS:
                assert (on[label].bgcolor, on[label].color) == (off[label].bgcolor, off[label].color), (theme, label)
            legend = app.query_one("#legend")
            strips = legend.render_lines(legend.content_region.reset_offset)
            chips = {seg.text.strip(): seg.style for strip in strips for seg in strip if seg.text.strip()}
            for label, name in LABEL_NAMES.items():
                assert chips[name].bgcolor == off[label].bgcolor, (theme, label, "legend follows the theme")


async def test_the_selection_is_reverse_video_unlike_any_label(tmp_path):
    annotated(tmp_path)
    async with reader_open(tmp_path, (100, 30)) as (app, pilot, view):
        labels = label_segments(view, 0)
        await pilot.press("s")  # keyboard selection: the first sentence of the passage under the cursor
        await pilot.pause()
        first, _ = view.passage_row_range(0)
        painted = view._paint(first, view.text_selection)
        selected = [seg for seg in painted if seg.text.strip() and seg.style and seg.style.reverse]
        assert "Acme" in "".join(seg.text for seg in selected), "the selected text is drawn in reverse video"
        assert not any(style.reverse for style in labels.values())


def test_the_current_event_has_a_marker_besides_its_colour():
    event = _events_for("a", 1).all()[0]
    assert str(event_row(event, "a", True)).startswith("▶")
    assert not str(event_row(event, "a", False)).startswith("▶")


# --- timeline -----------------------------------------------------------------------------------------


async def test_an_event_gone_from_the_events_file_opens_nothing_and_never_crashes():
    from textual.app import App

    from helpers import wait_until
    from reader.ui.screens.timeline import TimelineScreen

    class Rebuilt(EventSet):  # the events file was rebuilt under the open screen: the listed event is gone
        def event(self, event_id: str) -> None:
            return None

    app = App()
    async with app.run_test() as pilot:
        screen = TimelineScreen(Rebuilt(numbered_events("a", 3).all(), {"a": "x"}), {"a": "Article"})
        await app.push_screen(screen)
        assert await wait_until(pilot, lambda: len(screen.shown) == 4)
        await pilot.press("enter")  # enter in the filter opens the highlighted event's mentions
        await pilot.pause()
        assert app.screen is screen, "no mentions dialog for an event that is not there"
