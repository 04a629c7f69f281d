"""Key names as Textual spells them ("question_mark", "ctrl+slash"), checked and shown without Textual.

The user's ``[keys]`` in config.toml are checked here (:func:`normalize_key`), and help, the palette
and the README write keys with :func:`display_key`. tests/ui/test_settings_ui.py checks these names
against Textual's own.
"""

from __future__ import annotations

import string
import unicodedata

_MODIFIERS = ("ctrl", "alt", "shift", "meta", "super", "hyper")
_NAMED = frozenset({"escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end", "pageup",
                    "pagedown", "up", "down", "left", "right", *(f"f{n}" for n in range(1, 25))})
_RENAMED = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at", "hyphen_minus": "minus",
            "plus_sign": "plus", "low_line": "underscore"}


def _char_key(char: str) -> str:
    """The key name of one typed character: "a", "G", "7"; "?" → "question_mark", "/" → "slash"."""
    if char.isalnum():
        return char
    if char == " ":
        return "space"
    try:
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return char
    return _RENAMED.get(name, name)


_CHAR_NAMES = {_char_key(c): c for c in string.punctuation}


def normalize_key(key: str) -> str | None:
    """``key`` as Textual names it ("?" → "question_mark", "ctrl+/" → "ctrl+slash"), or None when it
    names no key ("ctrl+banana", "", "ctl+f")."""
    key = key.strip()
    if len(key) == 1:
        return _char_key(key) if key.isprintable() else None
    if key.endswith("++"):  # "ctrl++"
        mods, base = key[:-2].split("+"), "+"
    else:
        *mods, base = key.split("+")
    mods = [m.lower() for m in mods]
    if any(m not in _MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return None
    if len(base) == 1 and base.isprintable() and not base.isspace():
        base = _char_key(base)
    elif base.lower() in _NAMED or base.lower() in _CHAR_NAMES:
        base = base.lower()
    else:
        return None
    return "+".join([*mods, base])


def display_key(key: str) -> str:
    """How help and the palette write a key: "question_mark" → "?", "pagedown" → "pgdn"."""
    shown = {"pageup": "pgup", "pagedown": "pgdn"}
    *mods, base = key.split("+") if len(key) > 1 else [key]
    return "+".join([*mods, shown.get(base, _CHAR_NAMES.get(base, base))])


def display_keys(keys: str) -> str:
    """Comma-separated key names as help writes them, space-separated: "j,down" → "j down"."""
    return " ".join(display_key(k) for k in keys.split(","))
