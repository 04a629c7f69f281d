"""Settings in the app: remapped keys (keymap, footer, help), the theme kept across restarts, a bad
config.toml said in a notice while the app starts as usual."""

from __future__ import annotations

import os
import string
import subprocess
import sys

from helpers import BUNDLED, wait_until

from reader import paths
from reader.ui.commands import COMMANDS
from reader.ui.keys import normalize_key
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.search import SearchScreen


def _config(text: str) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text, encoding="utf-8")


async def _started(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_key_names_are_textual_s():
    from textual.keys import _character_to_key, _normalize_key_list

    for char in string.punctuation + string.ascii_letters + string.digits:
        assert normalize_key(char) == _character_to_key(char), char
    for cmd in COMMANDS:  # every default key is a key name, spelled as Textual spells it
        keys = cmd.keys.split(",")
        assert all(normalize_key(k) == k for k in keys), cmd.id
        assert _normalize_key_list(cmd.keys) == cmd.keys


async def test_a_remapped_key_opens_search_and_help_and_footer_show_it(make_app):
    _config('[keys]\nsearch = "ctrl+g"\n')
    app = make_app(ingest=False, fetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot)
        assert not app._notifications  # a good config says nothing
        keys = {key: b.binding.action for key, b in app.active_bindings.items()}
        assert keys.get("ctrl+g") == "app.search" and "slash" not in keys
        footer = {fk.description: fk.key_display for fk in app.screen.query("FooterKey")}
        assert footer["Search"] == "^g"
        await pilot.press("slash")  # no longer search
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        line = next(ln for ln in text.splitlines() if "Search — Full-text search" in ln)
        assert line.split()[0] == "ctrl+g"


async def test_a_theme_picked_survives_a_restart(make_app):
    app = make_app(ingest=False, fetch=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        assert app.theme == "textual-dark"
        app.theme = "textual-light"  # what ctrl+p → Theme does
        await pilot.pause()
        await pilot.press("q")
    again = make_app(ingest=False, fetch=False)
    async with again.run_test() as pilot:
        await _started(pilot)
        assert again.theme == "textual-light"
    _config('theme = "nord"\n')  # config.toml edited since: its theme
    third = make_app(ingest=False, fetch=False)
    async with third.run_test() as pilot:
        await _started(pilot)
        assert third.theme == "nord"


async def test_a_broken_config_is_a_notice_and_the_app_starts(make_app):
    _config('theme = "nord"\nfetch_minutes = 0\n[keys]\nsearch = "ctrl+banana"\nbookmark = "B"\n')
    app = make_app(ingest=False, fetch=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        assert await wait_until(pilot, lambda: bool(app._notifications))
        notice = next(iter(app._notifications))
        assert notice.severity == "warning" and "config.toml" in notice.title
        lines = notice.message.splitlines()
        assert len(lines) == 2 and "fetch_minutes must be a number" in lines[0]
        assert "'ctrl+banana' is not a key name" in lines[1]
        assert app.theme == "nord" and app.settings.keys == {"bookmark": "B"}  # the good ones kept
        assert app.query_one("ArticleList").articles  # the reader works as usual
    for text, said in (("theme = [\n", "not valid TOML"),
                       ('theme = "no-such-theme"\n', "'no-such-theme' is not a theme")):
        _config(text)
        app = make_app(ingest=False, fetch=False)
        async with app.run_test() as pilot:
            await _started(pilot)
            assert await wait_until(pilot, lambda a=app: bool(a._notifications))
            assert said in next(iter(app._notifications)).message
            assert app.theme == "textual-dark"


def test_reader_says_a_bad_config_in_one_line_on_stderr():
    _config("fetch_minutes = 'often'\n")
    env = dict(os.environ, READER_EXIT_AFTER_PAINT="1", READER_HEADLESS="1", READER_NO_INGEST="1",
               READER_NO_FETCH="1")
    proc = subprocess.run([sys.executable, "-m", "reader", "--articles", str(BUNDLED)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0
    said = [ln for ln in proc.stderr.splitlines() if "config.toml" in ln]
    assert len(said) == 1 and said[0].startswith("reader: ") and "fetch_minutes must be a number" in said[0]
    assert "Traceback" not in proc.stderr
