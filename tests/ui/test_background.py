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
