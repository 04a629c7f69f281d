"""``reader mark`` and ``reader list --unread/--starred/--json`` (reader/state/cli.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_article
from reader import paths
from reader.cli import main
from reader.state.store import StateStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    for name in ("a", "b", "c"):
        write_article(d, f"{name}.md", name, f"Title {name}", f"Body of {name}.", published=f"2024-01-0{ord(name) - 96}")
    return d


def run(capsys, folder, *argv):
    code = main(["--articles", str(folder), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, folder, *flags) -> list[str]:
    code, out, err = run(capsys, folder, "list", *flags)
    assert code == 0, err
    return [line.split("\t")[0] for line in out.splitlines()]


def test_list_json_gains_read_and_starred(capsys, folder):
    code, out, _ = run(capsys, folder, "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {(r["id"], r["read"], r["starred"]) for r in rows} == {("a", False, False), ("b", False, False),
                                                                   ("c", False, False)}
    assert all("title" in r and "content_hash" in r for r in rows)  # the other fields are still there


def test_mark_read_star_and_the_list_filters(capsys, folder):
    code, out, _ = run(capsys, folder, "mark", "a", "b", "--read")
    assert code == 0 and "marked 2 articles read" in out
    code, out, _ = run(capsys, folder, "mark", "b", "c", "--star")
    assert code == 0 and "marked 2 articles starred" in out
    assert sorted(listed(capsys, folder, "--unread")) == ["c"]
    assert sorted(listed(capsys, folder, "--starred")) == ["b", "c"]
    assert listed(capsys, folder, "--unread", "--starred") == ["c"]
    rows = {r["id"]: r for r in json.loads(run(capsys, folder, "list", "--json", "--starred")[1])}
    assert set(rows) == {"b", "c"} and rows["b"]["read"] is True and rows["c"]["read"] is False
    code, out, _ = run(capsys, folder, "mark", "a", "b", "--unread")
    assert code == 0 and "marked 2 articles unread" in out
    code, out, _ = run(capsys, folder, "mark", "b", "--unstar")
    assert code == 0 and "marked 1 article unstarred" in out
    assert sorted(listed(capsys, folder, "--unread")) == ["a", "b", "c"]
    assert listed(capsys, folder, "--starred") == ["c"]


def test_mark_records_the_version_read(capsys, folder):
    run(capsys, folder, "mark", "a", "--read")
    meta = {r["id"]: r for r in json.loads(run(capsys, folder, "list", "--json")[1])}
    assert StateStore().state("a").read_hash == meta["a"]["content_hash"]


def test_text_list_keeps_its_columns(capsys, folder):
    run(capsys, folder, "mark", "a", "--read")
    code, out, _ = run(capsys, folder, "list", "--unread")
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows == [["c", "2024-01-03", "-", "und", "Title c"], ["b", "2024-01-02", "-", "und", "Title b"]]


def test_unknown_ids_change_nothing(capsys, folder):
    code, out, err = run(capsys, folder, "mark", "a", "nope", "zilch", "--read")
    assert code == 1 and out == ""
    assert "no article with id nope, zilch" in err and "nothing was changed" in err
    assert "Traceback" not in err
    assert sorted(listed(capsys, folder, "--unread")) == ["a", "b", "c"]
    assert not paths.state_db().exists() or StateStore().last_undo() is None


def test_a_hostile_id_is_shown_inert(capsys, folder):
    code, _, err = run(capsys, folder, "mark", "\x1b]0;pwned\x07\x1b[31mred", "--star")
    assert code == 1 and "\x1b" not in err and "\x07" not in err


def test_mark_all_read_says_what_changed_and_how_to_undo(capsys, folder):
    run(capsys, folder, "mark", "a", "--read")
    run(capsys, folder, "mark", "c", "--star")
    code, out, _ = run(capsys, folder, "mark", "--all-read")
    assert code == 0
    assert out.splitlines() == ["marked 2 articles read (1 already was)", "undo with: reader mark --undo"]
    assert listed(capsys, folder, "--unread") == []
    code, out, _ = run(capsys, folder, "mark", "--all-read")
    assert code == 0 and out.strip() == "nothing changed: the 3 articles were already read"
    code, out, _ = run(capsys, folder, "mark", "--undo")
    assert code == 0 and out.startswith("undone: 2 articles unread again")
    assert sorted(listed(capsys, folder, "--unread")) == ["b", "c"]
    assert listed(capsys, folder, "--starred") == ["c"]
    code, out, err = run(capsys, folder, "mark", "--undo")
    assert code == 1 and "nothing to undo" in err


def test_undo_across_processes(folder, isolated_xdg):
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def reader(*argv):
        return subprocess.run([sys.executable, "-m", "reader", "--articles", str(folder), *argv],
                              capture_output=True, text=True, env=env, timeout=60)

    assert reader("mark", "--all-read").returncode == 0
    assert reader("list", "--unread").stdout == ""
    undone = reader("mark", "--undo")
    assert undone.returncode == 0 and "3 articles unread again" in undone.stdout
    assert len(reader("list", "--unread").stdout.splitlines()) == 3


@pytest.mark.parametrize("argv", [["mark", "--all-read", "a"], ["mark", "--undo", "a"], ["mark", "--read"],
                                  ["mark", "a"]])
def test_bad_usage_exits_2(capsys, folder, argv):
    with pytest.raises(SystemExit) as exc:
        code = main(["--articles", str(folder), *argv])
        raise SystemExit(code)
    assert exc.value.code == 2
    assert capsys.readouterr().out == ""


def test_an_unusable_state_database(capsys, folder):
    db = paths.state_db()
    db.write_bytes(b"garbage" * 1000)
    code, out, err = run(capsys, folder, "mark", "a", "--read")
    assert code == 1 and "reading-state database" in err and "Traceback" not in err
    code, out, err = run(capsys, folder, "list", "--unread")
    assert code == 1 and out == "" and "reading-state database" in err
    code, out, err = run(capsys, folder, "list", "--json")  # the list itself still works
    assert code == 0 and [r["read"] for r in json.loads(out)] == [None, None, None]
    assert "read and starred are null" in err
    code, out, _ = run(capsys, folder, "list")  # plain list does not open the state at all
    assert code == 0 and len(out.splitlines()) == 3
    assert db.read_bytes() == b"garbage" * 1000


def test_a_data_folder_that_cannot_be_made(capsys, folder, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    code, out, err = run(capsys, folder, "mark", "a", "--read")
    assert code == 1 and "reading-state database" in err and "Traceback" not in err
    code, out, err = run(capsys, folder, "list", "--json")
    assert code == 0 and len(json.loads(out)) == 3
