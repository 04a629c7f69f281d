"""The background workers (reader.ui.background) never take the app down: a worker that raises
becomes a message the user sees, and its traceback goes to the log."""

from __future__ import annotations

from helpers import wait_until, write_article
from reader import paths
from reader.corpus import Catalogue


def _said(app, title: str) -> list[str]:
    return [n.message for n in app._notifications if n.title == title]


async def test_a_scan_that_raises_is_a_message_and_the_app_stays_up(tmp_path, monkeypatch, make_app):
    write_article(tmp_path, "a.md", "a", "A", "Texte.")

    def broken(self, *args, **kwargs):
        raise RuntimeError("scan broke on [b]a.md[/b]")

    monkeypatch.setattr(Catalogue, "refresh", broken)
    app = make_app(tmp_path, ingest=False, fetch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: _said(app, "Cannot read the articles"))
        assert _said(app, "Cannot read the articles") == ["scan broke on [b]a.md[/b]"]  # text, not markup
        assert app.is_running
        await pilot.press("j")  # still answering keys
        assert app.is_running
    assert "scan broke on" in paths.log_file().read_text(encoding="utf-8")  # with its traceback
    assert "RuntimeError" in paths.log_file().read_text(encoding="utf-8")


async def test_an_ingest_that_raises_is_a_message_and_the_app_stays_up(tmp_path, monkeypatch, make_app):
    import reader.ui.subprocesses as subprocesses

    write_article(tmp_path, "a.md", "a", "A", "Texte.")

    def broken(*args, **kwargs):
        raise OSError("cannot start reader index")

    monkeypatch.setattr(subprocesses, "run_json_lines", broken)
    app = make_app(tmp_path, ingest=True, fetch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: _said(app, "Indexing failed"))
        assert _said(app, "Indexing failed") == ["cannot start reader index"]
        assert app.main.ingest_state == "failed"
        assert app.is_running
    assert "cannot start reader index" in paths.log_file().read_text(encoding="utf-8")


async def test_any_other_worker_that_raises_is_said_and_logged_and_the_app_stays_up(tmp_path, monkeypatch,
                                                                                    make_app):
    """The events panel's loader (a thread worker like the search's, the timeline's, the list
    filter's) raising: the app's one worker handler logs it and says it; keys still work."""
    import reader.ui.controllers.events_view as events_view

    write_article(tmp_path, "a.md", "a", "A", "Texte.")

    def broken(folder):
        raise RuntimeError("events store broke on [b]x[/b]")

    monkeypatch.setattr(events_view, "load_event_set", broken)
    app = make_app(tmp_path, ingest=False, fetch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: _said(app, "Background work failed"))
        said = _said(app, "Background work failed")[0]
        assert said.startswith("events store broke on [b]x[/b]")  # text, not markup
        assert "reader.log" in said  # where the details are
        assert app.is_running
        await pilot.press("j")
        assert app.is_running
    log = paths.log_file().read_text(encoding="utf-8")
    assert "UI worker" in log and "events store broke on" in log and "RuntimeError" in log


async def test_a_worker_ending_after_the_panes_are_gone_is_quiet(tmp_path, make_app):
    """A worker's last word (status line, events panel) after the main screen's widgets are gone
    (leaving) does nothing instead of raising NoMatches."""
    write_article(tmp_path, "a.md", "a", "A", "Texte.")
    app = make_app(tmp_path, ingest=False, fetch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        main = app.main
        await main.query_one("#status").remove()
        await main.query_one("#events").remove()
        main.set_status("late word")  # before: NoMatches('StatusBar')
        main.show_events()  # before: NoMatches('EventsPanel')
        assert main.status_text == "late word"
        assert app.is_running
