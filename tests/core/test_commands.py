"""The command registry (reader/ui/commands.py) is the one list of keys: every binding comes from it."""

from __future__ import annotations

import ast

from helpers import ROOT

from reader.ui.commands import (
    COMMANDS,
    SCOPE_TITLES,
    bindings,
    by_scope,
    split_bindings,
)

UI = ROOT / "reader" / "ui"


def test_no_binding_is_written_outside_the_registry():
    offenders = []
    for path in UI.rglob("*.py"):
        if path.name == "commands.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Binding":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_binding_has_a_unique_id_and_every_scope_a_title():
    ids = [cmd.id for cmd in COMMANDS]
    assert len(ids) == len(set(ids))
    for scope in by_scope():
        assert scope in SCOPE_TITLES
        made = bindings(scope) + ([b for half in split_bindings(scope) for b in half] if scope == "bookmarks" else [])
        assert made and all(b.id for b in made), scope
    digits = [b for b in bindings("links") if b.id and b.id.startswith("links-number-")]
    assert [b.action for b in digits][:2] == ["number(1)", "number(2)"]  # one binding a digit


def test_the_registry_is_read_without_textual():
    import subprocess
    import sys

    code = "import sys, reader.ui.commands as c; c.readme_tables(); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
