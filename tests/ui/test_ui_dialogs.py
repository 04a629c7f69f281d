"""The list dialogs share one base (reader.ui.dialogs.base.ListDialog): the same keys in each."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from helpers import BUNDLED, wait_until
from reader.ui.dialogs.entity_articles import EntityArticlesScreen
from reader.ui.dialogs.event_mentions import EventMentionsScreen
from reader.ui.dialogs.links import Link, LinksScreen
from reader.ui.messages import GoTo, LinkChosen


def _entity_articles():
    rows = [("a1", "First"), ("a2", "Second"), ("a3", "Third")]
    return (lambda: EntityArticlesScreen("Articles mentioning Elon Musk", rows)), ["a1", "a2", "a3"]


def _event_mentions():
    mentions = [NS(article_id=f"a{i}", passage=2 * i, text=f"mention {i}") for i in range(3)]
    event = NS(label="Launch", date_start="2023-04-20", date_end="2023-04-21", granularity="day", reported=None,
               participants=[NS(name="SpaceX")], links=[], mentions=mentions)
    return (lambda: EventMentionsScreen(event, {"a0": "Zero"})), [GoTo(m.article_id, m.passage) for m in mentions]


def _links():
    links = [Link(i + 1, f"link {i}", f"https://example.org/{i}", 0) for i in range(3)]
    return (lambda: LinksScreen("An article", links)), [LinkChosen(link) for link in links]


@pytest.mark.parametrize("dialog", [_entity_articles, _event_mentions, _links])
async def test_list_dialogs_move_with_j_k_and_arrows_choose_with_enter_close_with_esc_and_q(make_app, dialog):
    make, results = dialog()
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        got: list = []
        for keys, expected in ((["j", "j", "k", "enter"], results[1]),
                               (["down", "down", "up", "down", "enter"], results[2]),
                               (["k", "enter"], results[-1]),  # up from the first: round to the last
                               (["j", "j", "j", "enter"], results[0]),  # down from the last: the first
                               (["escape"], None), (["q"], None)):
            shown = make()
            app.push_screen(shown, got.append)
            assert await wait_until(pilot, lambda: app.screen is shown)
            await pilot.press(*keys)
            assert await wait_until(pilot, lambda: app.screen is not shown), keys
            assert got[-1] == expected, keys
        assert app.is_running
