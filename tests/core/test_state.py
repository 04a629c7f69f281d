"""Reading state (reader/state/store.py): unread until opened, toggles, stars, mark all read + undo
(also after a restart), edited articles, unknown and bad ids, an unusable file, 50,000 ids."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_article
from reader import paths
from reader.state.store import UNREAD, ArticleState, StateError, StateStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path) -> StateStore:
    return StateStore(tmp_path / "reading.sqlite3")


def test_the_database_is_in_the_data_dir_not_the_cache(isolated_xdg):
    store = StateStore()
    assert store.path == paths.state_db()
    assert store.path.is_relative_to(isolated_xdg / "XDG_DATA_HOME") and store.path.name == "reading.sqlite3"
    assert store.path.exists()


def test_every_article_is_unread_until_opened(store):
    assert store.states(["a", "b"]) == {"a": UNREAD, "b": UNREAD}
    assert store.unread_count(["a", "b"]) == 2
    store.mark_read("a", "hash-a")
    assert store.state("a") == ArticleState(read=True, starred=False, read_hash="hash-a")
    assert store.state("b") == UNREAD
    assert store.unread_count(["a", "b", "never-heard-of"]) == 2


def test_read_unread_toggles_and_star(store):
    assert store.toggle_read("a", "h1") is True
    assert store.state("a").read and store.state("a").read_hash == "h1"
    assert store.toggle_read("a") is False
    assert store.state("a") == UNREAD  # unread forgets the version that was read
    assert store.toggle_star("a") is True
    assert store.state("a") == ArticleState(read=False, starred=True)
    store.mark_read("a", "h2")
    assert store.state("a") == ArticleState(read=True, starred=True, read_hash="h2")  # the star stays
    assert store.toggle_star("a") is False
    assert store.state("a") == ArticleState(read=True, starred=False, read_hash="h2")
    store.set_starred("b", True)
    store.set_read("b", False)
    assert store.state("b") == ArticleState(read=False, starred=True)


def test_opening_again_records_the_version_read_and_keeps_it_when_unknown(store):
    store.mark_read("a", "h1")
    store.mark_read("a")  # opened again, version not given: the known one stays
    assert store.state("a").read_hash == "h1"
    store.mark_read("a", "h2")
    assert store.state("a").read_hash == "h2"


def _prepare(store):
    store.mark_read("read", "h-read")
    store.set_starred("starred", True)
    store.mark_read("both", "h-both")
    store.set_starred("both", True)
    ids = ["read", "starred", "both", "new1", "new2"]
    return ids, store.states(ids)


def test_mark_all_read_then_undo_restores_exactly_the_previous_states(store):
    ids, before = _prepare(store)
    token = store.mark_all_read(ids, {i: f"v-{i}" for i in ids})
    assert token.action == "read" and token.count == 3  # the two already read are not changed
    after = store.states(ids)
    assert all(s.read for s in after.values())
    assert after["read"].read_hash == "h-read"  # not touched
    assert after["new1"].read_hash == "v-new1"
    assert after["starred"].starred and after["both"].starred
    assert store.unread_count(ids) == 0
    assert sorted(store.undo(token)) == ["new1", "new2", "starred"]
    assert store.states(ids) == before
    with pytest.raises(StateError, match="nothing to undo"):
        store.undo(token)


def test_undo_puts_back_only_what_the_operation_changed(store):
    ids, _ = _prepare(store)
    token = store.mark_all_read(ids)
    store.set_starred("new1", True)  # given after the mark: an undo of the mark keeps it
    store.undo(token)
    assert store.state("new1") == ArticleState(read=False, starred=True)
    token = store.mark_all(ids, "unstar")
    assert token.count == 3
    store.mark_read("new2")
    store.undo()
    assert store.state("new2").read  # read since; unstar's undo gives back the stars only
    assert [i for i, s in store.states(ids).items() if s.starred] == ["starred", "both", "new1"]


@pytest.mark.parametrize("action, field, value", [("unread", "read", False), ("star", "starred", True),
                                                  ("unstar", "starred", False)])
def test_every_bulk_action_is_undoable(store, action, field, value):
    ids, before = _prepare(store)
    store.mark_all(ids, action)
    assert all(getattr(s, field) is value for s in store.states(ids).values())
    store.undo()
    assert store.states(ids) == before


def test_undo_survives_a_restart(tmp_path):
    db = tmp_path / "reading.sqlite3"
    store = StateStore(db)
    store.mark_read("a", "h")
    token = store.mark_all_read(["a", "b", "c"])
    del store
    code = (
        "import sys; from reader.state.store import StateStore\n"
        "s = StateStore(sys.argv[1]); t = s.last_undo(); print(t.token, t.count, sorted(s.undo(t)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=True).stdout
    assert out.split(" ", 2) == [token.token, "2", "['b', 'c']\n"]
    again = StateStore(db)
    assert again.states(["a", "b", "c"]) == {"a": ArticleState(True, False, "h"), "b": UNREAD, "c": UNREAD}
    assert again.last_undo() is None


def test_a_later_operation_replaces_the_undo_record_and_a_stale_token_is_refused(store):
    first = store.mark_all_read(["a", "b"])
    second = store.mark_all(["a"], "star")
    assert store.last_undo() == second
    with pytest.raises(StateError, match="no longer be undone"):
        store.undo(first)
    assert store.state("a").read and store.state("b").read  # the refusal changed nothing
    store.undo(second)
    assert store.state("a") == ArticleState(read=True)


def test_a_mark_that_changes_nothing_keeps_the_previous_undo(store):
    token = store.mark_all_read(["a", "b"])
    noop = store.mark_all_read(["a", "b"])
    assert noop.count == 0 and store.undo(noop) == []
    assert store.last_undo() == token
    store.undo()
    assert store.unread_count(["a", "b"]) == 2


def test_single_toggles_do_not_replace_the_undo_record(store):
    token = store.mark_all_read(["a", "b", "c"])
    store.toggle_star("a")
    store.toggle_read("b")
    store.mark_read("z")
    assert store.last_undo() == token


def test_state_survives_an_edit_and_a_rescan_of_the_article_file(tmp_path):
    from reader.corpus import Catalogue

    folder = tmp_path / "articles"
    folder.mkdir()
    path = write_article(folder, "x.md", "art-x", "Title", "First version.")
    meta = Catalogue(folder).refresh().articles[0]
    store = StateStore(tmp_path / "reading.sqlite3")
    store.mark_read(meta.id, meta.content_hash)
    store.set_starred(meta.id, True)
    path.write_text(path.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
    path.rename(folder / "renamed.md")
    edited = Catalogue(folder).refresh().articles[0]
    assert edited.id == meta.id and edited.content_hash != meta.content_hash
    assert StateStore(tmp_path / "reading.sqlite3").state(edited.id) == ArticleState(True, True, meta.content_hash)


def test_an_edited_article_becomes_unread_again_only_when_asked_and_only_if_edited(store):
    store.mark_read("edited", "h1")
    store.mark_read("same", "h1")
    store.mark_read("unknown-version")  # read before versions were recorded
    store.set_starred("edited", True)
    assert store.mark_unread_if_edited("same", "h1") is False
    assert store.mark_unread_if_edited("never-read", "h9") is False
    assert store.mark_unread_if_edited("unknown-version", "h9") is False
    assert store.state("same").read and store.state("unknown-version").read
    assert store.mark_unread_if_edited("edited", "h2") is True
    assert store.state("edited") == ArticleState(read=False, starred=True)
    assert store.mark_unread_if_edited("edited", "h3") is False  # already unread
    store.mark_read("edited", "h2")
    assert store.mark_unread_if_edited_many({"edited": "h2", "same": "h2", "new": "h1"}) == ["same"]


def test_unknown_ids_are_unread_and_not_stored(store, tmp_path):
    assert store.state("nobody") == UNREAD
    assert store.states([]) == {} and store.unread_count([]) == 0
    conn = sqlite3.connect(tmp_path / "reading.sqlite3")
    assert conn.execute("SELECT count(*) FROM state").fetchone()[0] == 0  # a look-up writes nothing


@pytest.mark.parametrize("bad", ["abc", b"abc", [1, 2], [None]])
def test_ids_must_be_strings(store, bad):
    with pytest.raises(TypeError):
        store.states(bad)
    with pytest.raises(TypeError):
        store.mark_all_read(bad)
    assert store.last_undo() is None


def test_unknown_action_is_refused_and_changes_nothing(store):
    with pytest.raises(ValueError, match="unknown action"):
        store.mark_all(["a"], "delete")
    assert store.state("a") == UNREAD


def test_odd_ids_are_kept_as_they_are(store):
    ids = ["", "a'b", 'q"uote', "ünï", "x" * 5000, "\x1b[31m", "1", "[1]", "null"]
    store.mark_all_read(ids)
    assert all(s.read for s in store.states(ids).values())
    assert store.unread_count(ids + ["other"]) == 1


@pytest.mark.parametrize("message, said", [
    ("the bookmarks database /x/reading.sqlite3 is busy (another reader is writing)",
     "the reading-state database /x/reading.sqlite3 is busy (another reader is writing)"),
    ("the bookmarks database /x is read-only (or its folder / is): bookmarks can be read but not added, changed or "
     "deleted; make the file and its folder writable.",
     "the reading-state database /x is read-only (or its folder / is): the reading state can be read but not "
     "changed; make the file and its folder writable."),
    ("the disk holding the bookmarks database /x is full: free some space. Your bookmarks are intact.",
     "the disk holding the reading-state database /x is full: free some space. Your reading state is intact."),
    ("`sqlite3 /x .recover` may save its bookmarks; moving", "`sqlite3 /x .recover` may save its reading state; moving"),
])
def test_the_plumbings_messages_speak_of_the_reading_state(message, said):
    from reader.state.store import _about_state

    assert _about_state(message) == said


def test_an_unusable_file_is_a_clear_error_and_left_untouched(tmp_path):
    db = tmp_path / "reading.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError, match="reading-state database") as exc:
        StateStore(db).states(["a"])
    assert "bookmarks" not in str(exc.value)
    assert db.read_bytes() == b"this is not a database" * 100


def test_a_file_from_a_newer_version_is_refused(tmp_path):
    db = tmp_path / "reading.sqlite3"
    StateStore(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StateError, match="newer version"):
        StateStore(db)


def test_the_database_is_wal_and_fully_synchronous(store):
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store._db._read() as c:  # the bookmarks store's plumbing: synchronous FULL (2) per connection
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_fifty_thousand_ids_correct(store):
    n = 50_000
    ids = [f"article-{i:05d}" for i in range(n)]
    store.mark_all_read(ids[::3])
    store.mark_all(ids[::7], "star")
    before = store.states(ids)
    assert len(before) == n
    assert sum(s.read for s in before.values()) == len(ids[::3])
    assert sum(s.starred for s in before.values()) == len(ids[::7])
    assert store.unread_count(ids) == n - len(ids[::3])
    token = store.mark_all_read(ids + ids[:100])  # duplicates counted once
    assert token.count == n - len(ids[::3])
    assert store.unread_count(ids) == 0
    assert len(store.undo(token)) == token.count
    assert store.states(ids) == before
    assert store.unread_count(ids[:10]) == sum(not before[i].read for i in ids[:10])


def test_toggles_from_several_threads_never_lose_one(store):
    from concurrent.futures import ThreadPoolExecutor

    def toggle(_):
        return store.toggle_star("a"), store.toggle_read("b", "h")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(toggle, range(120)))
    assert sum(star for star, _ in results) == 60 and sum(read for _, read in results) == 60
    assert store.state("a") == UNREAD and store.state("b") == UNREAD  # an even number of toggles each
