"""What the user sets and what the reader remembers, typed, in two files (no Textual import).

**Settings** are the user's: ``$XDG_CONFIG_HOME/reader/config.toml`` (:func:`reader.paths.config_file`),
written by hand, never by the reader::

    theme = "gruvbox"         # a Textual theme (ctrl+p → Theme lists them)
    mark_read_on = "end"      # "open" (the default): read when opened; "end": once its last passage is reached
    fetch_minutes = 15        # background fetch of the feeds every N minutes (default 30)

    [keys]                    # command id = keys, comma-separated alternatives (ids: `python -m reader.ui.commands`)
    search = "ctrl+f"         # replaces "/" (give "/,ctrl+f" to keep both)
    next-unread = "n,full_stop"

A file that cannot be read or parsed, an unknown setting or command id, a bad key name or a value of
the wrong type is said in one line each (:attr:`Loaded.problems`: a notice when the app starts, a
line on stderr from ``reader``) and the default is used for what is wrong; nothing else is lost.

**UI state** is the reader's: ``$XDG_STATE_HOME/reader/ui-state.json`` (:func:`reader.paths.ui_state_file`)
holds the panels shown, the list's sort, the last place read and the theme picked in the app. A
theme picked in the app wins until ``theme`` in config.toml is changed again (the state records
which config theme it overrode).

The reader used to keep both in ``$XDG_CONFIG_HOME/reader/state.json``; that file is still read
(never written): its settings (``mark_read_on``, ``fetch_minutes``) under config.toml's, its UI state
until the new state file exists.
"""

from __future__ import annotations

import difflib
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from reader import paths
from reader.fileio import write_json_atomic
from reader.passages import make_safe_line
from reader.ui.commands import COMMANDS
from reader.ui.keys import display_key, normalize_key

log = logging.getLogger(__name__)

MarkReadOn = Literal["open", "end"]
Sort = Literal["date", "title", "source", "unread"]
MARK_READ_ON: tuple[MarkReadOn, ...] = get_args(MarkReadOn)
SORTS: tuple[Sort, ...] = get_args(Sort)  # reader.listfilter.SORTS (a test keeps them one)
DEFAULT_FETCH_MINUTES = 30.0


@dataclass(frozen=True)
class Settings:
    theme: str | None = None  # None: Textual's default
    keys: Mapping[str, str] = field(default_factory=dict)  # command id → its keys (normalized), the remapped only
    mark_read_on: MarkReadOn = "open"
    fetch_minutes: float = DEFAULT_FETCH_MINUTES


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    problems: tuple[str, ...] = ()  # one line each, safe to show (no markup, no control characters)


@dataclass(frozen=True)
class Place:
    article_id: str
    passage: int = 0


@dataclass
class UIState:
    events_panel: bool | None = None  # None: shown when the terminal is wide enough
    events_undated: bool = False
    list_sort: Sort = "date"
    last: Place | None = None
    theme: str | None = None  # picked in the app
    theme_over: str | None = None  # config.toml's theme when it was picked (changed since: config.toml wins)


def theme_to_use(settings: Settings, state: UIState) -> str | None:
    """The theme picked in the app, unless config.toml's ``theme`` changed since it was picked."""
    if state.theme and state.theme_over == settings.theme:
        return state.theme
    return settings.theme


# --- config.toml -------------------------------------------------------------------------------------
_SETTINGS = ("theme", "mark_read_on", "fetch_minutes", "keys")
_BY_ID = {cmd.id: cmd for cmd in COMMANDS}


def _keys(table: Any, where: str) -> tuple[dict[str, str], list[str]]:
    if not isinstance(table, dict):
        return {}, [f"{where}: keys must be a table ([keys], command id = \"keys\"); using the default keys"]
    out: dict[str, str] = {}
    problems: list[str] = []
    for cid, value in table.items():
        cmd = _BY_ID.get(cid)
        if cmd is None:
            near = difflib.get_close_matches(str(cid), list(_BY_ID), n=1)
            hint = f" (did you mean {near[0]}?)" if near else " (the ids are in the README's Keyboard section)"
            problems.append(f"{where}: [keys] unknown command {cid!r}{hint}; ignored")
            continue
        if cmd.per_key:
            problems.append(f"{where}: [keys] {cid} (the digits of the links view) cannot be remapped; ignored")
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str):
            problems.append(f"{where}: [keys] {cid} must be a string of keys such as \"ctrl+f\" or \"j,down\"; "
                            f"using the default ({cmd.keys})")
            continue
        names = [k for k in (part.strip() for part in value.split(",")) if k]  # a comma itself: "comma"
        keys = [normalize_key(k) for k in names]
        bad = [n for n, k in zip(names, keys) if k is None]
        if bad or not names:
            what = f"{', '.join(repr(b) for b in bad)} {'is not a key name' if len(bad) == 1 else 'are not key names'}" \
                if bad else "no key given"
            problems.append(f"{where}: [keys] {cid}: {what} (e.g. \"x\", \"X\", \"ctrl+x\", \"f5\", \"pagedown\", "
                            f"\"/\"); using the default ({cmd.keys})")
            continue
        out[cid] = ",".join(dict.fromkeys(k for k in keys if k))
    problems += _clashes(out, where)
    return out, problems


def _clashes(remapped: Mapping[str, str], where: str) -> list[str]:
    """A remapped key that another command of the same scope already has: said (the remapping wins)."""
    problems = []
    for cid, keys in remapped.items():
        scope = _BY_ID[cid].scope
        for other in COMMANDS:
            if other.id == cid or other.scope != scope:
                continue
            theirs = set(remapped.get(other.id, other.keys).split(","))
            for key in keys.split(","):
                if key in theirs and (other.id not in remapped or other.id > cid):  # a pair said once
                    problems.append(f"{where}: [keys] {cid}: {display_key(key)} is also the key of "
                                    f"{other.id} ({other.title}); it now does {_BY_ID[cid].title}")
    return problems


def parse_settings(data: Mapping[str, Any], where: str = "config.toml", base: Settings = Settings()) -> Loaded:
    """``base`` updated with the valid entries of ``data`` (a parsed config.toml), and what was wrong."""
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "theme":
            if isinstance(value, str) and value.strip():
                changes["theme"] = value.strip()
            else:
                problems.append(f"{where}: theme must be a theme's name such as \"textual-light\"; using the default")
        elif key == "mark_read_on":
            if value in MARK_READ_ON:
                changes["mark_read_on"] = value
            else:
                problems.append(f"{where}: mark_read_on must be \"open\" or \"end\", not {value!r}; using "
                                f"\"{base.mark_read_on}\"")
        elif key == "fetch_minutes":
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                changes["fetch_minutes"] = float(value)
            else:
                problems.append(f"{where}: fetch_minutes must be a number of minutes above 0, not {value!r}; "
                                f"using {base.fetch_minutes:g}")
        elif key == "keys":
            keys, bad = _keys(value, where)
            changes["keys"] = {**base.keys, **keys}
            problems += bad
        else:
            near = difflib.get_close_matches(str(key), _SETTINGS, n=1)
            hint = f" (did you mean {near[0]}?)" if near else f" (known: {', '.join(_SETTINGS)})"
            problems.append(f"{where}: unknown setting {key!r}{hint}; ignored")
    return Loaded(replace(base, **changes), tuple(make_safe_line(p) for p in problems))


_LEGACY_SETTINGS = ("mark_read_on", "fetch_minutes")  # the user's settings the old state.json held


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("UI state %s unreadable (%s); using the defaults", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def load_settings() -> Loaded:
    """The settings: defaults ← the old state.json's settings ← config.toml."""
    legacy = _read_json(paths.legacy_ui_state_file())
    base = parse_settings({k: legacy[k] for k in _LEGACY_SETTINGS if k in legacy}).settings  # as before: quietly
    path = paths.config_file()
    where = make_safe_line(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded(base)
    except (OSError, UnicodeDecodeError) as exc:
        return Loaded(base, (f"{where}: cannot be read ({exc.__class__.__name__}); using the default settings",))
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Loaded(base, (make_safe_line(f"{where}: not valid TOML ({exc}); using the default settings"),))
    return parse_settings(data, where, base)


# --- ui-state.json ------------------------------------------------------------------------------------
def state_from_json(data: Mapping[str, Any]) -> UIState:
    """The UI state of a saved dict; what is missing or of the wrong type gets its default."""
    state = UIState()
    if isinstance(data.get("events_panel"), bool):
        state.events_panel = data["events_panel"]
    if isinstance(data.get("events_undated"), bool):
        state.events_undated = data["events_undated"]
    if data.get("list_sort") in SORTS:
        state.list_sort = data["list_sort"]
    last = data.get("last")
    if isinstance(last, dict) and isinstance(last.get("id"), str) and last["id"]:
        passage = last.get("passage")
        state.last = Place(last["id"], max(0, passage) if isinstance(passage, int) and not isinstance(passage, bool)
                           else 0)
    for key in ("theme", "theme_over"):
        if isinstance(data.get(key), str):
            setattr(state, key, data[key])
    return state


def state_to_json(state: UIState) -> dict[str, Any]:
    data = asdict(state)
    data["last"] = {"id": state.last.article_id, "passage": state.last.passage} if state.last else None
    return data


def load_state() -> UIState:
    """The saved UI state; before the reader first saves one, the old state.json's."""
    path = paths.ui_state_file()
    return state_from_json(_read_json(path if path.exists() else paths.legacy_ui_state_file()))


def save_state(state: UIState) -> None:
    """Write the UI state atomically (raises OSError: the caller says it could not)."""
    target = paths.ui_state_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(target, state_to_json(state))
