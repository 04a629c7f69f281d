"""Snapshots of the main screen (list | article | events): start, an open article, the entity legend,
narrow terminals, a light theme, background work still running, errors as notices.

Update with ``make snapshot-update``; ``helpers.screen.svg_text`` prints a stored SVG as text."""

from __future__ import annotations

from helpers import write_article
from helpers.handmade import annotate, numbered_events
from helpers.screen import quiet, wait_for_text

from reader.events.store import save_events

FIRST = "microsoft-retire-twitter-advertising"  # the first article of the bundled list


async def opened(pilot) -> None:
    """The first article of the list opened (the article view has focus)."""
    await quiet(pilot)
    await pilot.press("enter")
    await quiet(pilot)


class TestStart:
    def test_snapshot_start_screen(self, snap, make_app):
        async def run_before(pilot):
            assert pilot.app.screen.focused is pilot.app.screen.query_one("#list")

        assert snap(make_app(ingest=False), (100, 30), run_before, shows=("2 unread · 2 articles",))

    def test_80x24_the_list_beside_the_article(self, snap, make_app):
        async def run_before(pilot):
            lst, article = pilot.app.screen.query_one("#list"), pilot.app.screen.query_one("#article")
            assert lst.region.width and article.region.width and lst.region.right <= article.region.x

        assert snap(make_app(ingest=False), (80, 24), run_before, shows=("2 unread", "Microsoft va retirer"))

    def test_60x20_the_list_alone(self, snap, make_app):
        async def run_before(pilot):
            assert pilot.app.screen.query_one("#list").region.width == 60

        assert snap(make_app(ingest=False), (60, 20), run_before, shows=("2 unread · 2 articles",))


class TestArticle:
    def test_snapshot_article_open_with_cursor(self, snap, make_app):
        async def run_before(pilot):
            await opened(pilot)
            await pilot.press("j", "j", "j")
            assert pilot.app.screen.focused is pilot.app.screen.query_one("#article")

        assert snap(make_app(ingest=False), (100, 30), run_before)

    def test_entities_highlighted_with_the_legend(self, snap, make_app, corpus):
        annotate(corpus)

        async def run_before(pilot):
            await opened(pilot)
            assert pilot.app.screen.query_one("#legend").display

        assert snap(make_app(corpus, ingest=False), (100, 30), run_before,
                    shows=("e/E jump · x toggle", "person", "organisation"))

    def test_entities_hidden_by_x(self, snap, make_app, corpus):
        annotate(corpus)

        async def run_before(pilot):
            await opened(pilot)
            await pilot.press("x")

        assert snap(make_app(corpus, ingest=False), (100, 30), run_before, shows=("highlighting off (x)",))


class TestNarrow:
    """A small terminal with the events panel: the article keeps a readable width."""

    def test_snapshot_80x24_events_panel_below_the_article(self, snap, make_app, corpus):
        annotate(corpus)
        save_events(corpus, numbered_events(FIRST, 9))

        async def run_before(pilot):
            await opened(pilot)
            await pilot.press("v", "j")  # the panel (v), below the article at this width
            panel, article = pilot.app.screen.query_one("#events"), pilot.app.screen.query_one("#article")
            await quiet(pilot)
            assert panel.display and panel.region.y > article.region.y

        assert snap(make_app(corpus, ingest=False), (80, 24), run_before, shows=("20 Apr 2023",))

    def test_snapshot_60x20_article_alone_with_the_events_panel(self, snap, make_app, corpus):
        annotate(corpus)
        save_events(corpus, numbered_events(FIRST, 9))

        async def run_before(pilot):
            await opened(pilot)
            await pilot.press("v", "s")  # the panel, and the first sentence selected
            await quiet(pilot)
            assert not pilot.app.screen.query_one("#list").region.width

        assert snap(make_app(corpus, ingest=False), (60, 20), run_before, shows=("Événement numéro 0",))


class TestTheme:
    def test_light_theme_article_with_entities(self, snap, make_app, corpus):
        annotate(corpus)

        async def run_before(pilot):
            pilot.app.theme = "textual-light"
            await opened(pilot)
            assert pilot.app.current_theme.dark is False

        assert snap(make_app(corpus, ingest=False), (100, 30), run_before, shows=("e/E jump · x toggle",))


class TestBackgroundWork:
    """The ingest (a subprocess, off here) reports its progress by messages: posted by hand."""

    def test_index_still_being_built(self, snap, make_app):
        from reader.ui.messages import IngestProgress

        async def run_before(pilot):
            await opened(pilot)
            pilot.app.screen.post_message(IngestProgress("index", 1, 2))
            await wait_for_text(pilot, "Indexing… 1/2 50%")

        assert snap(make_app(ingest=False), (140, 30), run_before,
                    shows=("Indexing… 1/2 50%", "Events come after the search", "finding entities…"))

    def test_indexing_failed_is_an_error_notice(self, snap, make_app):
        from reader.ui.messages import IngestDone, IngestProgress

        async def run_before(pilot):
            await opened(pilot)
            pilot.app.screen.post_message(IngestProgress("entities", 0, 2))
            pilot.app.screen.post_message(IngestDone(False, "reader index stopped: exit status 1"))
            await wait_for_text(pilot, "Indexing failed")

        assert snap(make_app(ingest=False), (140, 30), run_before,
                    shows=("Indexing failed", "Background indexing failed (the reader still works)"))


class TestErrors:
    def test_a_bad_article_file_is_a_notice(self, snap, make_app, tmp_path):
        folder = tmp_path / "arts"
        folder.mkdir()
        write_article(folder, "good.md", "good", "A readable article", "Readable text.", published="2024-05-01")
        (folder / "broken.md").write_bytes(b"\x00\x01binary")

        async def run_before(pilot):
            await wait_for_text(pilot, "1 file(s) could not be read")

        assert snap(make_app(folder, ingest=False), (100, 24), run_before, shows=("broken.md",))
