"""Search index lifecycle: incremental updates, schema version, corruption, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time

from helpers import write_article
from reader.corpus import Catalogue
from reader.search import index as sindex
from reader.search.index import INDEX_NAME, index_dir, update_index
from reader.search.searcher import Searcher


def refresh(folder):
    return Catalogue(folder).refresh().articles


def make_corpus(folder, n=5):
    folder.mkdir(exist_ok=True)
    for i in range(n):
        write_article(folder, f"a{i}.md", f"a{i}", f"Article {i}", f"Le texte numéro {i} parle de plateforme.",
                      published=f"2023-01-0{i + 1}")
    return folder


def test_incremental_update_touches_only_changes(tmp_path):
    folder = make_corpus(tmp_path / "c")
    rep = update_index(folder, refresh(folder))
    assert rep["added"] == 5 and rep["rebuilt"]
    s = Searcher(folder)
    assert s.search("plateforme").total == 5
    assert s.search("girafe").total == 0

    assert update_index(folder, refresh(folder))["added"] == 0  # nothing changed

    write_article(folder, "a2.md", "a2", "Article 2", "Maintenant il parle de girafe.", published="2023-01-03")
    (folder / "a4.md").unlink()
    rep = update_index(folder, refresh(folder))
    assert (rep["added"], rep["updated"], rep["deleted"], rep["rebuilt"]) == (0, 1, 1, False)
    # the open searcher sees the commit (refresh) without being recreated
    assert s.search("plateforme").total == 3
    assert [h.article_id for h in s.search("girafe").hits] == ["a2"]
    write_article(folder, "a9.md", "a9", "Article 9", "Une girafe de plus.")
    rep = update_index(folder, refresh(folder))
    assert rep["added"] == 1 and rep["documents"] == 5
    assert s.search("girafe").total == 2
    s.close()


def test_progress_is_reported(tmp_path):
    folder = make_corpus(tmp_path / "c")
    calls = []
    update_index(folder, refresh(folder), progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)


def test_old_schema_version_is_rebuilt(tmp_path, monkeypatch):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    with sqlite3.connect(index_dir(folder) / "manifest.sqlite3") as conn:
        conn.execute(f"PRAGMA user_version = {sindex.SCHEMA_VERSION - 1}")
    rep = update_index(folder, refresh(folder))
    assert rep["rebuilt"] and rep["added"] == 5
    assert Searcher(folder).search("plateforme").total == 5


def test_index_of_another_version_is_ignored_by_the_searcher(tmp_path, monkeypatch):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    monkeypatch.setattr("reader.search.index.INDEX_NAME", "reader_v999")
    res = Searcher(folder).search("plateforme")
    assert res.error and "reader index" in res.error


def test_corrupt_index_is_rebuilt(tmp_path):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    d = index_dir(folder)
    for f in d.iterdir():
        if f.name.startswith(f"_{INDEX_NAME}") and f.suffix == ".toc":
            f.write_bytes(b"garbage")
    assert Searcher(folder).search("plateforme").error  # unreadable: a message, not a crash
    rep = update_index(folder, refresh(folder))
    assert rep["rebuilt"] and rep["added"] == 5
    assert Searcher(folder).search("plateforme").total == 5


def test_corrupt_segment_is_rebuilt(tmp_path):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    d = index_dir(folder)
    for f in d.iterdir():
        if f.suffix in (".trm", ".pst"):
            f.write_bytes(b"\x00" * 10)
    res = Searcher(folder).search("plateforme")
    assert res.error or res.total == 0 or res.total == 5  # never raises
    rep = update_index(folder, refresh(folder))
    assert rep["rebuilt"]
    assert Searcher(folder).search("plateforme").total == 5


def test_corrupt_manifest_rebuilds(tmp_path):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    (index_dir(folder) / "manifest.sqlite3").write_bytes(b"not a database" * 100)
    rep = update_index(folder, refresh(folder))
    assert rep["rebuilt"] and rep["added"] == 5


def test_missing_manifest_rebuilds(tmp_path):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    (index_dir(folder) / "manifest.sqlite3").unlink()
    rep = update_index(folder, refresh(folder))
    assert rep["rebuilt"] and rep["added"] == 5
    assert Searcher(folder).search("plateforme").total == 5


def test_unreadable_article_is_skipped(tmp_path):
    folder = make_corpus(tmp_path / "c")
    metas = refresh(folder)
    (folder / "a0.md").write_text("not an article any more", encoding="utf-8")
    rep = update_index(folder, metas)  # the stale catalogue still lists a0
    assert rep["skipped"] == 1 and rep["added"] == 4


def _hold_lock(cache_home: str, folder: str, ready, seconds: float) -> None:
    os.environ["XDG_CACHE_HOME"] = cache_home
    from pathlib import Path

    from whoosh.filedb.filestore import FileStorage

    lock = FileStorage(str(index_dir(Path(folder)).parent)).lock("search.lock")
    assert lock.acquire()
    ready.set()
    time.sleep(seconds)
    lock.release()


def test_second_writer_times_out_cleanly_and_readers_keep_working(tmp_path):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    write_article(folder, "new.md", "new", "Nouveau", "Une girafe.")
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(os.environ["XDG_CACHE_HOME"], str(folder), ready, 3.0))
    p.start()
    try:
        assert ready.wait(20)
        rep = update_index(folder, refresh(folder), timeout=0.3)
        assert rep["status"] == "locked" and "another process" in rep["message"]
        assert Searcher(folder).search("plateforme").total == 5  # reading is never blocked
    finally:
        p.join(30)
    rep = update_index(folder, refresh(folder), timeout=10)  # the lock is free again
    assert rep["status"] == "ok" and rep["added"] == 1


def test_killed_writer_releases_the_lock(tmp_path):
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(os.environ["XDG_CACHE_HOME"], str(folder), ready, 60.0))
    p.start()
    assert ready.wait(20)
    p.kill()
    p.join(10)
    write_article(folder, "new.md", "new", "Nouveau", "Une girafe.")
    rep = update_index(folder, refresh(folder), timeout=5)
    assert rep["status"] == "ok" and rep["added"] == 1


def test_dirty_manifest_entries_are_redone(tmp_path):
    """A killed update leaves touched ids marked dirty: the next update redoes them."""
    folder = make_corpus(tmp_path / "c")
    update_index(folder, refresh(folder))
    with sqlite3.connect(index_dir(folder) / "manifest.sqlite3") as conn:
        conn.execute("UPDATE docs SET hash = '' WHERE id = 'a1'")
    rep = update_index(folder, refresh(folder))
    assert rep["updated"] == 1 and not rep["rebuilt"]
    assert Searcher(folder).search("plateforme").total == 5


def test_small_updates_do_not_merge_and_housekeeping_merges_later(corpus):
    from reader.corpus import Catalogue
    from reader.search.index import index_dir, merge_small_segments, update_index
    from whoosh import index as windex

    update_index(corpus, Catalogue(corpus).refresh().articles)
    for n in range(4):  # four small updates: one new segment each
        write_article(corpus, f"extra{n}.md", f"extra{n}", f"Extra {n}", f"Texte supplémentaire numéro {n}.")
        update_index(corpus, Catalogue(corpus).refresh().articles)
    d = index_dir(corpus)
    assert len(windex.open_dir(str(d), indexname=INDEX_NAME)._segments()) >= 4, "small updates did not merge"
    report = merge_small_segments(corpus, max_segments=2)
    assert report["status"] == "ok"
    assert report["segments_before"] >= 4
    assert report["segments_after"] < report["segments_before"]
    from reader.search.searcher import Searcher

    assert Searcher(corpus).search("supplementaire").total == 4
