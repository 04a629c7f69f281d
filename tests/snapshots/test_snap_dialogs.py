"""Snapshots of the dialogs over the main screen: help (?), the note of a bookmark (b then a), the
links of an article (L)."""

from __future__ import annotations

from helpers.screen import quiet, wait_for_text

from reader.ui.dialogs.links import LinksScreen
from reader.ui.dialogs.note import NoteDialog
from reader.ui.screens.help import HelpScreen


class TestHelp:
    def test_snapshot_help_screen(self, snap, make_app):
        async def run_before(pilot):
            await pilot.press("question_mark")
            await quiet(pilot)
            assert isinstance(pilot.app.screen, HelpScreen)

        assert snap(make_app(ingest=False), (100, 40), run_before, shows=("reader — keys", "Everywhere"))


class TestNote:
    def test_note_dialog_on_a_new_bookmark(self, snap, make_app):
        async def run_before(pilot):
            await pilot.press("enter")  # open the first article
            await quiet(pilot)
            await pilot.press("j", "b")  # bookmark its second passage
            await wait_for_text(pilot, "●")  # the bookmark's mark in the list
            await pilot.press("a", *"à relire")
            await quiet(pilot)
            assert isinstance(pilot.app.screen, NoteDialog)

        assert snap(make_app(ingest=False), (100, 30), run_before,
                    shows=("Note for the bookmark", "“Depuis l’arrivée d’Elon Musk", "à relire"))


class TestLinks:
    def test_links_dialog_numbers_the_article_links(self, snap, make_app, linked):
        async def run_before(pilot):
            await pilot.press("enter")  # Article 0, the one with links
            await quiet(pilot)
            await pilot.press("L", "j")
            await quiet(pilot)
            assert isinstance(pilot.app.screen, LinksScreen)

        assert snap(make_app(linked, ingest=False), (100, 30), run_before,
                    shows=("4 links in Article 0", "2. un second", "irc://irc.example.org/x"))
