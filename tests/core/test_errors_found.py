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


# -- the log: every broad except leaves a trace ------------------------------------------------------

import ast  # noqa: E402
import subprocess  # noqa: E402

from helpers import ROOT  # noqa: E402
from reader import log  # noqa: E402

BROAD = {"Exception", "BaseException"}


def _broad(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return handler.type is None or any(isinstance(k, ast.Name) and k.id in BROAD for k in kinds)


LOGGERS = {"log_exception", "log_fault"}


def _called(body: list[ast.stmt]) -> set[str]:
    return {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(ast.Module(body=body, type_ignores=[])) if isinstance(node, ast.Call)}


def _module_loggers(tree: ast.Module) -> set[str]:
    """The module's own functions that write the log (e.g. reader.ui.background._failed)."""
    return {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and _called(f.body) & LOGGERS}


def _leaves_a_trace(handler: ast.ExceptHandler, loggers: set[str] = frozenset()) -> bool:
    """It re-raises (a bare ``raise``) or writes the log (``log_exception`` / ``log_fault``, or a
    function of its module that calls one)."""
    for node in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(node, ast.Raise) and node.exc is None:
            return True
    return bool(_called(handler.body) & (LOGGERS | loggers))


def test_every_broad_except_in_the_core_and_the_ui_reraises_or_logs():
    silent = []
    for path in sorted((ROOT / "reader").rglob("*.py")):
        rel = path.relative_to(ROOT / "reader")
        if rel.as_posix() == "log.py":  # the log's own (the log must never be the fault that escapes)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        loggers = _module_loggers(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and _broad(node) and not _leaves_a_trace(node, loggers):
                silent.append(f"{rel}:{node.lineno}")
    assert silent == []


def test_a_fault_in_the_scan_lands_in_the_log_with_its_traceback(tmp_path, monkeypatch, capsys):
    from reader import corpus
    from reader.corpus import files as corpus_files

    folder = _folder(tmp_path)
    write_article(folder, "b.md", "b", "B", "Deux.")
    real = corpus_files.parse_article_bytes

    def parse(path, data, warnings=None):
        if path.name == "b.md":
            raise RuntimeError("boom in the parser")
        return real(path, data, warnings)

    monkeypatch.setattr(corpus_files, "parse_article_bytes", parse)
    result = corpus.Catalogue(folder).refresh()
    assert [m.id for m in result.articles] == ["a"] and "b.md" in str(result.errors[0])  # the scan went on
    text = paths.log_file().read_text(encoding="utf-8")
    assert "WARNING reader.corpus:" in text and "b.md could not be read" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom in the parser" in text
    assert capsys.readouterr().err == ""  # the traceback is for the log, not the terminal


def _debug_record(monkeypatch, value: str | None) -> bool:
    if value is None:
        monkeypatch.delenv(log.DEBUG_ENV, raising=False)
    else:
        monkeypatch.setenv(log.DEBUG_ENV, value)
    try:
        raise ValueError(f"a fallback taken ({value})")
    except ValueError:
        log.log_exception("reader.tests", "slow path", level=log.DEBUG)
    file = paths.log_file()
    return file.exists() and f"ValueError: a fallback taken ({value})" in file.read_text(encoding="utf-8")


def test_debug_records_are_written_with_reader_debug_only(monkeypatch):
    assert not _debug_record(monkeypatch, None)
    assert not _debug_record(monkeypatch, "0")
    assert _debug_record(monkeypatch, "1")


def test_reader_debug_raises_the_level_for_this_process_and_its_children(tmp_path, monkeypatch):
    monkeypatch.setenv(log.DEBUG_ENV, "0")  # restored after the test: --debug sets it
    folder = _folder(tmp_path)
    assert main(["--articles", str(folder), "list"]) == 0
    assert not paths.log_file().exists() or "DEBUG" not in paths.log_file().read_text(encoding="utf-8")
    assert main(["--debug", "--articles", str(folder), "list"]) == 0
    text = paths.log_file().read_text(encoding="utf-8")
    assert "DEBUG reader.cli: reader " in text and "'--debug'" in text
    assert log.debug_enabled() and sys.modules["os"].environ[log.DEBUG_ENV] == "1"  # inherited by `reader index`


def test_the_files_handler_keeps_the_caches_stderr_notices(tmp_path, capsys):
    from reader import sqlitedb

    try:
        raise RuntimeError("handled")
    except RuntimeError:
        log.log_exception("reader.tests", "a handled fault")  # attaches the file handler
    sqlitedb.log_rebuild("test", tmp_path / "x.sqlite3", "damaged")
    err = capsys.readouterr().err
    assert "the test cache" in err and "being rebuilt" in err and "handled" not in err
    assert "the test cache" in paths.log_file().read_text(encoding="utf-8")


def test_the_help_and_the_log_module_do_not_import_logging():
    code = ("import sys; from reader import log; from reader.cli import build_parser; build_parser().format_help(); "
            "print('logging' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
