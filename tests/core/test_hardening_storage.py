"""Storage hardening (issue 10): a damaged cache is rebuilt by itself; bookmarks are never rebuilt, and
their errors (read-only, disk full, locked, damaged) are told apart, said clearly and never crash the UI.

The errors are real SQLite errors: read-only through a ``mode=ro`` connection, a full disk through
``PRAGMA max_page_count``, a lock held by a second connection (tests run as root: chmod stops nothing).
"""

from __future__ import annotations

import errno
import logging
import random
import sqlite3
from pathlib import Path

import pytest

from helpers import BUNDLED, reader_open, wait_until, write_article
from reader import sqlitedb
from reader.corpus import Catalogue


def garble(path: Path, needle: bytes) -> None:
    """Make every stored copy of ``needle`` invalid UTF-8 (same length: the file stays a valid database)."""
    data = path.read_bytes()
    assert needle in data
    path.write_bytes(data.replace(needle, b"\xff" + needle[1:]))


def smash(path: Path, keep: int = 100) -> None:
    """Random bytes over everything but the first ``keep`` bytes (the header stays: it opens, then fails)."""
    data = path.read_bytes()
    path.write_bytes(data[:keep] + random.Random(7).randbytes(len(data) - keep))


def make_folder(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "arts"
    folder.mkdir()
    for i in range(n):
        write_article(folder, f"a{i}.md", f"a{i}", f"Titre numéro {i}", f"Le texte {i} parle de plateforme.",
                      language="fr", published=f"2023-01-0{i + 1}")
    return folder


# --- the toolbox -------------------------------------------------------------------------------------


def test_classify_tells_the_sqlite_errors_apart(tmp_path):
    db = tmp_path / "x.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE t (x TEXT)")

    def error(fn) -> BaseException:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001
            return exc
        raise AssertionError("no error")

    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert sqlitedb.classify(error(lambda: ro.execute("INSERT INTO t VALUES ('a')"))) == sqlitedb.READONLY
    full = sqlite3.connect(db, isolation_level=None)
    full.execute(f"PRAGMA max_page_count = {full.execute('PRAGMA page_count').fetchone()[0]}")
    assert sqlitedb.classify(error(lambda: full.execute("INSERT INTO t VALUES (?)", ("x" * 50000,)))) == sqlitedb.FULL
    other = sqlite3.connect(db, timeout=0.05, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    assert sqlitedb.classify(error(lambda: other.execute("BEGIN IMMEDIATE"))) == sqlitedb.BUSY
    conn.execute("INSERT INTO t VALUES (CAST(x'ff61' AS TEXT))")
    conn.execute("COMMIT")
    decode = error(lambda: conn.execute("SELECT x FROM t").fetchall())  # raised by Python's module: no code
    assert sqlitedb.classify(decode) == sqlitedb.CORRUPT and sqlitedb.needs_rebuild(decode)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 300)
    assert sqlitedb.classify(error(lambda: sqlite3.connect(junk).execute("PRAGMA user_version").fetchone())) \
        == sqlitedb.CORRUPT
    assert sqlitedb.classify(error(lambda: conn.execute("SELECT nope FROM t"))) == sqlitedb.LAYOUT
    assert sqlitedb.classify(OSError(errno.ENOSPC, "No space left on device")) == sqlitedb.FULL
    assert sqlitedb.classify(OSError(errno.EROFS, "Read-only file system")) == sqlitedb.READONLY
    for kind in (sqlitedb.READONLY, sqlitedb.FULL, sqlitedb.BUSY):
        assert kind not in sqlitedb.REBUILD  # never a reason to delete a file


def test_a_locked_cache_is_not_deleted(tmp_path):
    layout = sqlitedb.Layout("test", 1, "CREATE TABLE t (x TEXT);")
    db = tmp_path / "c.sqlite3"
    conn = sqlitedb.open_cache(db, layout)
    conn.execute("INSERT INTO t VALUES ('kept')")
    conn.commit()
    conn.execute("BEGIN EXCLUSIVE")  # nobody else may even read
    with pytest.raises(sqlite3.OperationalError) as info:
        sqlitedb.open_cache(db, layout, timeout=0.05).execute("SELECT x FROM t").fetchall()
    assert sqlitedb.classify(info.value) == sqlitedb.BUSY
    conn.execute("COMMIT")
    assert sqlitedb.open_cache(db, layout).execute("SELECT x FROM t").fetchall() == [("kept",)]


def test_open_cache_replaces_another_version_and_rebuilds_damage(tmp_path, caplog):
    db = tmp_path / "c.sqlite3"
    v1 = sqlitedb.Layout("test", 1, "CREATE TABLE t (x TEXT);")
    conn = sqlitedb.open_cache(db, v1)
    conn.execute("INSERT INTO t VALUES ('old')")
    conn.commit()
    conn.close()
    v2 = sqlitedb.Layout("test", 2, "CREATE TABLE u (y TEXT);", probe=("SELECT y FROM u LIMIT 0",))
    conn = sqlitedb.open_cache(db, v2)
    assert sqlitedb.user_version(conn) == 2 and conn.execute("SELECT count(*) FROM u").fetchone() == (0,)
    conn.close()
    Path(f"{db}-wal").write_bytes(b"stale")
    db.write_bytes(b"garbage" * 500)
    with caplog.at_level(logging.WARNING, logger="reader.cache"):
        conn = sqlitedb.open_cache(db, v2)
    assert sqlitedb.user_version(conn) == 2 and not Path(f"{db}-wal").exists()
    assert "test cache" in caplog.text and "damaged" in caplog.text


# --- the catalogue -----------------------------------------------------------------------------------


def test_catalogue_with_undecodable_text_is_rebuilt_where_rows_are_read(tmp_path, caplog):
    """The 'UnicodeDecodeError' of the issue: the file opens fine, reading a row fails (before: a traceback
    in every command, an empty list in the UI forever)."""
    folder = make_folder(tmp_path)
    cat = Catalogue(folder)
    cat.refresh()
    garble(cat.db_path, b"a0.md")
    with caplog.at_level(logging.WARNING, logger="reader.cache"):
        assert list(cat.cached().articles) == []  # rebuilt empty: the scan fills it again
    assert "catalogue" in caplog.text
    assert sorted(m.title for m in cat.refresh().articles) == [f"Titre numéro {i}" for i in range(3)]
    assert len(cat.cached().articles) == 3


def test_catalogue_damaged_pages_cli_lists_the_articles_without_a_traceback(tmp_path, capsys):
    from reader.cli import main

    folder = make_folder(tmp_path)
    cat = Catalogue(folder)
    cat.refresh()
    smash(cat.db_path)
    assert main(["--articles", str(folder), "list"]) == 0
    out, err = capsys.readouterr()
    assert out.count("Titre numéro") == 3 and "Traceback" not in err


def test_catalogue_damaged_under_an_open_list_is_rebuilt_when_rows_are_read(tmp_path):
    folder = make_folder(tmp_path)
    cat = Catalogue(folder)
    cat.refresh()
    lazy = cat.cached().articles
    garble(cat.db_path, "Titre numéro".encode())
    assert lazy[0].id == "a2" and lazy[0].title == "a2"  # a stand-in, never an exception; the rescan replaces it
    assert not cat.unchanged()  # the rebuilt catalogue is empty: the watcher rescans
    assert len(cat.refresh().articles) == 3


@pytest.mark.parametrize("how", ["ro", "full"])
def test_an_unwritable_catalogue_lists_the_articles_without_it(tmp_path, monkeypatch, caplog, how):
    """A read-only cache folder or a full disk must not take the corpus down (before: the scan failed:
    'Cannot read the articles', an empty list)."""
    folder = make_folder(tmp_path)
    cat = Catalogue(folder)
    cat.refresh()
    for i in range(40):  # enough new rows to need a new page
        write_article(folder, f"new{i}.md", f"new{i}", f"Nouveau {i} " + "long " * 40, "Un texte de plus.")
    before = cat.db_path.read_bytes()
    real = sqlitedb.connect

    def connect(path, **kwargs):
        if Path(path) == sqlitedb.MEMORY:
            return real(path, **kwargs)
        if how == "ro":
            return real(path, **{**kwargs, "mode": "ro"})
        conn = real(path, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(sqlitedb, "connect", connect)
    with caplog.at_level(logging.WARNING, logger="reader.cache"):
        result = cat.refresh()
    assert len(result.articles) == 43
    assert "cannot be used" in caplog.text and cat.db_path == sqlitedb.MEMORY
    assert len(cat.refresh().changed) == 43  # no cache kept: every scan reads the files
    assert Catalogue(folder).db_path.read_bytes() == before  # the file was left alone


def test_a_missing_articles_folder_is_not_taken_for_an_unwritable_cache(tmp_path):
    folder = make_folder(tmp_path)
    cat = Catalogue(folder)
    cat.refresh()
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    with pytest.raises(OSError, match="articles folder not found"):  # CorpusFolderError
        cat.refresh()
    assert cat.db_path != sqlitedb.MEMORY


# --- the entity index ----------------------------------------------------------------------------------


def test_entity_index_with_undecodable_text_is_rebuilt_not_empty_forever(tmp_path):
    from reader.entities import cache as annotations
    from reader.entities.model import Annotations, EntityInfo, Mention
    from reader.entities.index import EntityIndex

    folder = make_folder(tmp_path, 2)
    metas = Catalogue(folder).refresh().articles
    for meta in metas:
        ent = EntityInfo("PER:elon musk", "PER", "Elon Musk", 2)
        annotations.save(Annotations(meta.id, meta.content_hash, "fr", "m", None,
                                     [Mention(0, 0, 4, "Elon", "PER", ent.key)], [ent]))
    index = EntityIndex(folder)
    index.update(metas)
    assert index.articles("PER:elon musk") == ["a0", "a1"]
    garble(index.db_path, b"Elon Musk")  # the display name: read by entities()
    assert index.entities("a0") == []  # rebuilt (before: [] too, but for ever: update() saw nothing to do)
    assert index.update(metas) == 2  # the next ingest fills the rebuilt file again
    assert [e.name for e in index.entities("a0")] == ["Elon Musk"]


# --- the events store ----------------------------------------------------------------------------------


def test_events_store_with_undecodable_text_reads_empty_and_is_written_anew(tmp_path):
    from test_events import _set

    from reader.events.store import events_file, load_events, save_events

    folder = tmp_path / "arts"
    folder.mkdir()
    save_events(folder, _set())
    garble(events_file(folder), b"ev-x")
    stored = load_events(folder)
    assert stored is not None and stored.all() == [] and len(stored) == 0  # before: OperationalError
    assert stored.damaged and not events_file(folder).exists()  # deleted: the next ingest links again
    save_events(folder, _set())
    garble(events_file(folder), b"ev-x")
    save_events(folder, _set())  # before: "Could not decode to UTF-8" re-raised as if the disk were full
    assert [e.id for e in load_events(folder).all()] == ["ev-y", "ev-z", "ev-x"]


# --- the search index ----------------------------------------------------------------------------------


def test_search_index_with_damaged_postings_says_it_is_rebuilt_and_is(tmp_path):
    from reader.search.index import index_dir, update_index
    from reader.search.searcher import DAMAGED_MESSAGE, Searcher

    folder = make_folder(tmp_path)
    metas = Catalogue(folder).refresh().articles
    update_index(folder, metas)
    assert Searcher(folder).search("plateforme").total == 3
    for f in index_dir(folder).glob("*.pst"):
        smash(f, 0)
    res = Searcher(folder).search("plateforme")
    assert res.error == DAMAGED_MESSAGE and res.total == 0  # before: "no results", silently, for ever
    assert Searcher(folder).search("texte").error == DAMAGED_MESSAGE  # remembered
    rep = update_index(folder, metas)
    assert rep["rebuilt"] and rep["added"] == 3
    assert Searcher(folder).search("plateforme").total == 3


def test_search_manifest_from_before_user_version_is_kept(tmp_path):
    from reader.search import index as sindex

    folder = make_folder(tmp_path)
    metas = Catalogue(folder).refresh().articles
    sindex.update_index(folder, metas)
    with sqlite3.connect(sindex.index_dir(folder) / "manifest.sqlite3") as conn:  # the old way to say it
        conn.execute("PRAGMA user_version = 0")
        conn.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO info VALUES ('schema', ?)", (str(sindex.SCHEMA_VERSION),))
    rep = sindex.update_index(folder, metas)
    assert not rep["rebuilt"] and rep["added"] == 0


# --- bookmarks: never rebuilt, errors said -------------------------------------------------------------


@pytest.fixture
def store_with_two(corpus):
    from reader.bookmarks.store import BookmarkStore
    from reader.corpus import load_article

    store = BookmarkStore()
    article = load_article(Catalogue(corpus).refresh().articles[0])
    store.add(article, 0)
    store.add(article, 1)
    return store, article


def _patch_connect(monkeypatch, **how):
    """Every bookmark connection opened ``how`` (mode="ro", timeout=…, or a page limit: a full disk)."""
    real = sqlitedb.connect
    pages = how.pop("max_pages", None)

    def connect(path, **kwargs):
        conn = real(path, **{**kwargs, **how})
        if pages is not None:
            conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr("reader.bookmarks.store.sqlitedb.connect", connect)


@pytest.mark.parametrize("how, words", [
    ({"mode": "ro"}, "read-only"),
    ({"max_pages": True}, "full"),
])
def test_bookmark_write_errors_say_what_is_wrong_and_lose_nothing(store_with_two, monkeypatch, how, words):
    from reader.bookmarks.store import BookmarkError, BookmarkStore

    store, article = store_with_two
    before = store.list()
    with monkeypatch.context() as patch:
        _patch_connect(patch, **how)
        with pytest.raises(BookmarkError) as info:
            for passage in range(2, 40):  # a full disk shows once the free pages are used up
                store.add(article, passage, note="n" * 2000)
    message = str(info.value)
    assert words in message and "move it aside" not in message and "damaged" not in message
    assert info.value.kind in (sqlitedb.READONLY, sqlitedb.FULL)
    after = BookmarkStore(store.path).list()
    assert [b.uuid for b in before] == [b.uuid for b in after[-2:]]  # nothing lost


def test_a_locked_bookmarks_database_says_so(store_with_two, monkeypatch):
    from reader.bookmarks.store import BookmarkError

    store, _article = store_with_two
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    _patch_connect(monkeypatch, timeout=0.05)
    with pytest.raises(BookmarkError, match="locked by another program") as info:
        store.delete(store.list()[0].uuid)
    assert info.value.kind == sqlitedb.BUSY and "Nothing was changed" in str(info.value)
    holder.execute("ROLLBACK")
    assert len(store.list()) == 2


def test_a_read_only_bookmarks_database_can_still_be_read(store_with_two, monkeypatch):
    from reader.bookmarks.store import BookmarkStore

    _patch_connect(monkeypatch, mode="ro")
    assert len(BookmarkStore().list()) == 2


def test_a_damaged_bookmarks_database_is_never_rebuilt(tmp_path):
    from reader.bookmarks.store import BookmarkError, BookmarkStore

    db = tmp_path / "b.sqlite3"
    BookmarkStore(db)
    smash(db)
    junk = db.read_bytes()
    with pytest.raises(BookmarkError) as info:
        BookmarkStore(db).list()
    assert info.value.kind == sqlitedb.CORRUPT and ".recover" in str(info.value)
    assert db.read_bytes() == junk


def test_cli_bookmark_errors_exit_non_zero_with_the_reason(store_with_two, monkeypatch, capsys, tmp_path):
    from reader.bookmarks.export import export_json_text
    from reader.cli import main

    store, _article = store_with_two
    export = tmp_path / "export.json"
    export.write_text(export_json_text(store.list()), encoding="utf-8")
    for bm in store.list():
        store.delete(bm.uuid)
    store.purge_deleted()  # the import would add them back: a write
    _patch_connect(monkeypatch, mode="ro")
    assert main(["--articles", str(BUNDLED), "bookmarks", "import", str(export)]) == 1
    assert "read-only" in capsys.readouterr().err


def test_cli_bookmarks_with_an_unusable_data_folder_exits_non_zero(tmp_path, monkeypatch, capsys):
    from reader.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "sub"))
    assert main(["--articles", str(BUNDLED), "bookmarks"]) == 1  # before: a traceback
    err = capsys.readouterr().err
    assert "cannot open the bookmarks database" in err and "Traceback" not in err


class FailingStore:
    """A store whose database fails as a locked or unreadable one does."""

    def __init__(self, real=None, fail=("list",)):
        self.real, self.fail = real, set(fail)

    def __getattr__(self, name):
        from reader.bookmarks.store import BookmarkError

        if name in self.fail:
            def raising(*_a, **_k):
                raise BookmarkError("the bookmarks database /x/bookmarks.sqlite3 is locked by another program "
                                    "(another reader writing to it?): try again in a moment. Nothing was changed.")
            return raising
        return getattr(self.real, name)


async def test_bookmarks_screen_with_a_failing_store_shows_why_and_the_app_stays_up():
    from reader.corpus import load_article
    from reader.ui.screens.bookmarks import BookmarksScreen

    async with reader_open(BUNDLED) as (app, pilot, _view):
        screen = BookmarksScreen(FailingStore(), {}, load_article)
        app.push_screen(screen)
        assert await wait_until(pilot, lambda: screen.failed is not None)  # before: the worker's error quit the app
        info = str(screen.query_one("#bookmarks-info").render())
        assert "Bookmarks unavailable" in info and "locked" in info
        assert app.is_running and app.screen is screen
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is not screen)
        assert app.is_running


async def test_bookmarks_screen_delete_failing_keeps_the_bookmark_and_the_app():
    from reader.bookmarks.store import BookmarkStore
    from reader.corpus import load_article
    from reader.ui.screens.bookmarks import BookmarksScreen

    async with reader_open(BUNDLED) as (app, pilot, _view):
        await pilot.press("b")
        await pilot.pause()
        real = BookmarkStore()
        assert len(real.list()) == 1
        metas = {m.id: m for m in app.query_one("ArticleList").articles}
        screen = BookmarksScreen(FailingStore(real, fail=("delete",)), metas, load_article)
        app.push_screen(screen)
        assert await wait_until(pilot, lambda: len(screen.shown) == 1)
        await pilot.press("down", "d")  # "database is locked": before, the exception closed the app
        await pilot.pause()
        assert app.is_running and app.screen is screen
        assert len(screen.shown) == 1 and not screen.undo and len(real.list()) == 1


async def test_the_reader_starts_on_damaged_caches_and_lists_the_articles(tmp_path, make_app):
    """Damaged catalogue, entity index and events store at start: the list fills, nothing quits
    (before: a traceback-like notice and an empty list for ever, the rescan failing on the same file)."""
    from test_events import _set

    from reader.entities.index import EntityIndex
    from reader.events.store import events_file, save_events
    from reader.ui.widgets.article_list import ArticleList

    folder = make_folder(tmp_path)
    cat = Catalogue(folder)
    cat.refresh()
    garble(cat.db_path, b"a0.md")
    index = EntityIndex(folder)
    index.update([])
    smash(index.db_path)
    save_events(folder, _set())
    garble(events_file(folder), b"ev-x")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        lst = app.query_one(ArticleList)
        assert await wait_until(pilot, lambda: len(lst.articles) == 3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and app.main.article is not None
    assert len(Catalogue(folder).cached().articles) == 3
