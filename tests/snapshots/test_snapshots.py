"""A few fixed-size snapshots of the real app (update with `make snapshot-update`)."""

from __future__ import annotations

from helpers import BUNDLED


async def _settle(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_snapshot_start_screen(snap_compare, make_app):
    assert snap_compare(make_app(BUNDLED, ingest=False), terminal_size=(100, 30), run_before=_settle)


def test_snapshot_article_open_with_cursor(snap_compare, make_app):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("j", "j", "j")
        await pilot.pause()

    assert snap_compare(make_app(BUNDLED, ingest=False), terminal_size=(100, 30), run_before=run_before)


def test_snapshot_help_screen(snap_compare, make_app):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(BUNDLED, ingest=False), terminal_size=(100, 40), run_before=run_before)


def test_snapshot_list_with_a_filter(snap_compare, tmp_path, make_app):
    from helpers import write_article

    for k, (title, source) in enumerate([("Delta", "Tech Hebdo"), ("Alpha", "Le Journal"), ("Echo", "Tech Hebdo"),
                                         ("Charlie", "Le Journal"), ("Bravo", "Tech Hebdo")]):
        write_article(tmp_path, f"a{k}.md", f"art{k}", title, f"Texte de l'article {title}.",
                      published=f"2024-05-{20 - k:02d}", source=source)

    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("l", *"source:tech", "enter")  # the line closes; the header says the filter
        await pilot.pause(0.3)
        await _settle(pilot)

    assert snap_compare(make_app(tmp_path, ingest=False, fetch=False), terminal_size=(100, 30),
                        run_before=run_before)
