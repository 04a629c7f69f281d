"""Errors you can find: a missing part of reader fails loudly (never a pipeline stage skipped, never
"not available"); the traceback of a fault is in the log under the XDG state folder."""

from __future__ import annotations

import sys

from helpers import write_article
from reader import paths
from reader.cli import main


def _folder(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "a", "A", "Un texte.")
    return folder


def test_a_missing_pipeline_module_fails_the_index_instead_of_skipping_its_stage(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "reader.events.build", None)  # import reader.events.build now fails
    assert main(["--articles", str(_folder(tmp_path)), "index", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "internal error (ModuleNotFoundError" in err and "see the log" in err
    log = paths.log_file().read_text(encoding="utf-8")
    assert "Traceback" in log and "reader.events.build" in log


def test_a_missing_command_module_is_a_fault_not_an_unavailable_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "reader.bookmarks.cli", None)
    assert main(["--articles", str(_folder(tmp_path)), "bookmarks"]) == 1
    err = capsys.readouterr().err
    assert "not available" not in err and "internal error (ModuleNotFoundError" in err
    assert "reader.bookmarks.cli" in paths.log_file().read_text(encoding="utf-8")
