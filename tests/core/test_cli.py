"""The command line: list, version, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import BUNDLED, write_article
from reader import __version__
from reader.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"reader {__version__}"


def test_list_prints_bundled_articles(capsys):
    assert main(["--articles", str(BUNDLED), "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert any("microsoft-retire-twitter-advertising\t2023-04-19~\t-\tfr\t" in line for line in out)


def test_list_json_and_errors_on_stderr(tmp_path, capsys):
    write_article(tmp_path, "ok.md", "ok", "Fine", "Text.", published="2023-01-02", source="Le Monde")
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe garbage")
    assert main(["list", "--json", "--articles", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [(d["id"], d["published"], d["source"]) for d in data] == [("ok", "2023-01-02", "Le Monde")]
    assert "bad.md" in captured.err and "UTF-8" in captured.err


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["--articles", str(tmp_path / "nope"), "list"]) == 2
    assert "articles folder not found" in capsys.readouterr().err


def test_unknown_option_exits_non_zero(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--frobnicate"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "reader", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("reader ")


def test_env_var_selects_corpus(tmp_path, monkeypatch, capsys):
    write_article(tmp_path, "x.md", "envart", "From env", "Text.")
    monkeypatch.setenv("READER_ARTICLES", str(tmp_path))
    assert main(["list"]) == 0
    assert "envart" in capsys.readouterr().out


def test_readme_documents_commands_and_every_key():
    from reader.ui.commands import COMMANDS

    readme = (BUNDLED.parent / "README.md").read_text(encoding="utf-8")
    first = readme.index("make run")
    assert first < readme.index("make test") < readme.index("## Keyboard")
    for cmd in COMMANDS:
        assert f"| {cmd.title} — {cmd.help} |" in readme, f"README lacks the key of {cmd.id}"


def test_a_file_given_as_folder_and_bad_limits_are_clear_errors(tmp_path, capsys):
    f = tmp_path / "x.md"
    f.write_text("hello")
    assert main(["--articles", str(f), "list"]) == 2
    assert "not a file" in capsys.readouterr().err
    for bad in ("0", "-5", "3000", "ten"):
        with pytest.raises(SystemExit) as exc:
            main(["search", "--limit", bad, "twitter"])
        assert exc.value.code == 2
        assert "--limit" in capsys.readouterr().err
