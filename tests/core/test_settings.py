"""Settings (config.toml) and UI state (ui-state.json): parsed, checked, saved; the old state.json kept."""

from __future__ import annotations

import json

import pytest

from reader import paths
from reader.ui import settings as s
from reader.ui.keys import display_key, normalize_key


def _config(text: str) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text, encoding="utf-8")


def test_no_config_file_is_the_defaults():
    loaded = s.load_settings()
    assert loaded == s.Loaded(s.Settings()) and loaded.settings.fetch_minutes == 30


def test_a_config_file_is_read_typed():
    _config('theme = "gruvbox"\nmark_read_on = "end"\nfetch_minutes = 15\n\n'
            '[keys]\nsearch = "ctrl+f"\nnext-unread = "n, ."\nhelp = ["?", "f1"]\n')
    loaded = s.load_settings()
    assert loaded.problems == ()
    assert loaded.settings == s.Settings(theme="gruvbox", mark_read_on="end", fetch_minutes=15.0,
                                         keys={"search": "ctrl+f", "next-unread": "n,full_stop",
                                               "help": "question_mark,f1"})


@pytest.mark.parametrize(("text", "said"), [
    ("theme = [", "not valid TOML"),
    ("fetch_minutes = 0", "fetch_minutes must be a number of minutes above 0, not 0; using 30"),
    ("fetch_minutes = true", "fetch_minutes must be a number"),
    ('mark_read_on = "never"', "mark_read_on must be \"open\" or \"end\", not 'never'"),
    ("theme = 3", "theme must be a theme's name"),
    ('fetch_minute = 5', "unknown setting 'fetch_minute' (did you mean fetch_minutes?); ignored"),
    ('keys = "ctrl+f"', "keys must be a table"),
    ('[keys]\nserach = "ctrl+f"', "[keys] unknown command 'serach' (did you mean search?); ignored"),
    ('[keys]\nsearch = "ctrl+banana"', "[keys] search: 'ctrl+banana' is not a key name"),
    ('[keys]\nsearch = "ctl+f, x"', "'ctl+f' is not a key name"),
    ('[keys]\nsearch = ""', "search: no key given"),
    ("[keys]\nsearch = 5", "[keys] search must be a string of keys"),
    ('[keys]\nlinks-number = "a"', "cannot be remapped"),
])
def test_a_bad_config_is_said_in_one_line_and_the_default_kept(text, said):
    _config(text)
    loaded = s.load_settings()
    assert len(loaded.problems) == 1 and said in loaded.problems[0], loaded.problems
    assert "\n" not in loaded.problems[0] and str(paths.config_file()) in loaded.problems[0]
    assert loaded.settings.fetch_minutes == 30 and loaded.settings.keys == {}


def test_what_is_good_in_a_bad_config_is_kept():
    _config('fetch_minutes = -1\nmark_read_on = "end"\n[keys]\nsearch = "nope+f"\nhelp = "f1"\n')
    loaded = s.load_settings()
    assert len(loaded.problems) == 2
    assert loaded.settings.mark_read_on == "end" and loaded.settings.keys == {"help": "f1"}


def test_a_remapped_key_that_another_command_has_is_said():
    loaded = s.parse_settings({"keys": {"toggle-events": "t"}})
    assert loaded.settings.keys == {"toggle-events": "t"}
    assert loaded.problems == (("config.toml: [keys] toggle-events: t is also the key of timeline (Timeline); "
                                "it now does Events panel"),)
    swapped = s.parse_settings({"keys": {"toggle-events": "t", "timeline": "v"}})  # a swap is no clash
    assert swapped.problems == ()


def test_unreadable_config_is_said(tmp_path):
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_bytes(b'theme = "\xff"\n')
    loaded = s.load_settings()
    assert loaded.settings == s.Settings() and "cannot be read" in loaded.problems[0]


def test_key_names_are_normalized_as_textual_spells_them():
    assert normalize_key("/") == "slash" and normalize_key("?") == "question_mark" and normalize_key("G") == "G"
    assert normalize_key("ctrl+/") == "ctrl+slash" and normalize_key("Ctrl+Enter") == "ctrl+enter"
    assert normalize_key("ctrl++") == "ctrl+plus" and normalize_key("f12") == "f12"
    for bad in ("", " ", "ctrl+", "ctl+f", "ctrl+ctrl+f", "banana", "f25", "\x1b"):
        assert normalize_key(bad) is None, bad
    assert [display_key(k) for k in ("question_mark", "ctrl+slash", "pagedown", "full_stop")] == \
        ["?", "ctrl+/", "pgdn", "."]


def test_ui_state_round_trips_atomically():
    state = s.UIState(events_panel=False, events_undated=True, list_sort="title", last=s.Place("a1", 3),
                      theme="gruvbox", theme_over=None)
    s.save_state(state)
    assert s.load_state() == state
    data = json.loads(paths.ui_state_file().read_text(encoding="utf-8"))
    assert data["last"] == {"id": "a1", "passage": 3}
    assert paths.ui_state_file().parent == paths.state_dir()  # the reader's state, not the user's config
    assert [p.name for p in paths.state_dir().iterdir()] == ["ui-state.json"]  # no temporary file left


def test_a_damaged_ui_state_is_the_defaults():
    paths.ui_state_file().parent.mkdir(parents=True, exist_ok=True)
    for text in ("{not json", "[1, 2]", '{"list_sort": "size", "last": {"id": 5}, "events_panel": "yes"}'):
        paths.ui_state_file().write_text(text, encoding="utf-8")
        assert s.load_state() == s.UIState()


def test_the_old_state_json_keeps_its_settings_and_state():
    legacy = paths.legacy_ui_state_file()
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps({"mark_read_on": "end", "fetch_minutes": 5, "events_panel": True,
                                  "list_sort": "unread", "last": {"id": "x", "passage": 2}}), encoding="utf-8")
    assert s.load_settings().settings == s.Settings(mark_read_on="end", fetch_minutes=5.0)
    assert s.load_state() == s.UIState(events_panel=True, list_sort="unread", last=s.Place("x", 2))
    _config("fetch_minutes = 10\n")  # config.toml has the last word
    assert s.load_settings().settings == s.Settings(mark_read_on="end", fetch_minutes=10.0)
    s.save_state(s.UIState(list_sort="title"))  # once the reader saved its own state, that one is read
    assert s.load_state().list_sort == "title"
    assert json.loads(legacy.read_text(encoding="utf-8"))["fetch_minutes"] == 5  # never written
    assert s.load_settings().settings.mark_read_on == "end"  # and its settings still count


def test_a_theme_picked_in_the_app_wins_until_config_toml_changes():
    state = s.UIState(theme="nord", theme_over="gruvbox")
    assert s.theme_to_use(s.Settings(theme="gruvbox"), state) == "nord"
    assert s.theme_to_use(s.Settings(theme="dracula"), state) == "dracula"  # edited since: config wins
    assert s.theme_to_use(s.Settings(), s.UIState(theme="nord")) == "nord"
    assert s.theme_to_use(s.Settings(), s.UIState()) is None


def test_sorts_are_the_list_filter_s():
    from reader.listfilter import SORTS

    assert s.SORTS == SORTS
