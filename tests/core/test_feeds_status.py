"""The light side of feeds the reader's UI uses: the status of every subscription read without the
fetch machinery, ``reader fetch --progress-lines`` / ``--feed``, and the ``feed`` of an article in
``reader list --json`` (a catalogue column, upgraded in place)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from helpers import write_article
from helpers.feedserver import FeedServer
from helpers.feeds import item, rss, run, subscribe

from reader.cli import main
from reader.corpus import CATALOGUE_VERSION, Catalogue
from reader.feeds.status import feeds_status


def test_status_lists_every_feed_with_counts_errors_and_due(tmp_path):
    corpus = tmp_path / "c"
    with FeedServer() as srv:
        srv.add("/ok", rss(item("a", "A") + item("b", "B"), title="Good feed"))
        srv.add("/bad", status=500)
        subscribe(corpus, srv.url("/ok"), srv.url("/bad"), srv.url("/never"))
        before = feeds_status(corpus)
        assert [f.articles for f in before.feeds] == [0, 0, 0]
        assert len(before.due()) == 3 and before.state_error is None
        run(corpus, only=[srv.url("/ok"), srv.url("/bad")])
        status = {f.url: f for f in feeds_status(corpus).feeds}
        ok, bad, never = status[srv.url("/ok")], status[srv.url("/bad")], status[srv.url("/never")]
    assert ok.title == "Good feed" and ok.articles == 2 and ok.error is None and ok.last_fetched
    names = [str(m.path.relative_to(corpus.resolve())) for m in Catalogue(corpus).refresh().articles]
    assert len(names) == 2 and all(n.startswith(ok.folder_prefix) for n in names)
    assert bad.error and "500" in bad.error and bad.articles == 0 and bad.last_fetched
    assert never.last_fetched is None and never.feed_id is None and never.folder_prefix is None


def test_status_reads_a_damaged_state_without_touching_it(tmp_path):
    from reader import paths

    corpus = tmp_path / "c"
    subscribe(corpus, "http://127.0.0.1:9/f")
    db = paths.feeds_state_db(corpus)
    db.write_bytes(b"not a database" * 100)
    status = feeds_status(corpus)
    assert status.state_error and "cannot open the feed state" in status.state_error
    assert [f.url for f in status.feeds] == ["http://127.0.0.1:9/f"]
    assert db.read_bytes() == b"not a database" * 100  # read-only: nothing repaired or moved from here
    assert not list(db.parent.glob("*.damaged-*"))


def test_status_imports_none_of_the_fetch_machinery():
    code = ("import sys, reader.feeds.status, reader.feeds.cli\n"
            "heavy = [m for m in ('feedparser', 'trafilatura', 'py3langid', 'urllib3', 'spacy', 'reader.feeds.net',"
            " 'reader.feeds.parse', 'reader.feeds.update', 'reader.feeds.langdetect', 'reader.feeds.fulltext',"
            " 'reader.feeds.extract', 'reader.feeds.convert', 'reader.feeds.markdown_writer', 'reader.feeds.articles', 'reader.feeds.schedule') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY=", out.stderr[-2000:]


def test_fetch_progress_lines_and_one_feed(tmp_path, capsys):
    with FeedServer() as srv:
        srv.add("/a", rss(item("1", "One") + item("2", "Two")))
        srv.add("/b", rss(item("3", "Three")))
        srv.add("/c", status=404)
        corpus = tmp_path / "c"
        subscribe(corpus, srv.url("/a"), srv.url("/b"), srv.url("/c"))
        assert main(["fetch", "--progress-lines", "--articles", str(corpus)]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert lines[0] == {"stage": "start", "done": 0, "total": 3}
        feeds = [d for d in lines if d["stage"] == "feed"]
        assert [d["done"] for d in feeds] == [1, 2, 3] and {d["total"] for d in feeds} == {3}
        assert {d["feed"]: d["new"] for d in feeds} == {srv.url("/a"): 2, srv.url("/b"): 1, srv.url("/c"): 0}
        assert next(d for d in feeds if d["feed"] == srv.url("/c"))["error"]
        assert lines[-1]["stage"] == "done" and lines[-1]["new"] == 3 and lines[-1]["failed"] == 1
        srv.add("/b", rss(item("3", "Three") + item("4", "Four")))
        srv.requests.clear()
        assert main(["fetch", "--all", "--feed", srv.url("/b"), "--progress-lines", "--articles", str(corpus)]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert lines[0]["total"] == 1 and lines[-1]["new"] == 1
        paths = [path for path, _ in srv.requests]  # the feed, then (full text auto) its short entry's page
        assert paths[0] == "/b" and not {"/a", "/c"} & set(paths), paths
        assert main(["fetch", "--feed", "http://127.0.0.1:9/nope", "--articles", str(corpus)]) == 1
        err = capsys.readouterr().err
        assert "not subscribed" in err and "Traceback" not in err


def _own_and_fetched(tmp_path):
    """A corpus with an article of its own and one fetched from a feed: (folder, feed URL)."""
    with FeedServer() as srv:
        srv.add("/f", rss(item("1", "Fetched one")))
        corpus = tmp_path / "c"
        corpus.mkdir()
        write_article(corpus, "own.md", "own", "My own", "text")
        subscribe(corpus, srv.url("/f"))
        run(corpus)
        return corpus, srv.url("/f")


def test_list_json_gives_the_feed_of_fetched_articles(tmp_path, capsys):
    corpus, feed_url = _own_and_fetched(tmp_path)
    assert main(["list", "--json", "--articles", str(corpus)]) == 0
    rows = {r["title"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["Fetched one"]["feed"] == feed_url
    assert rows["My own"]["feed"] is None
    # from the catalogue without reading the files again: the cached list carries it too
    cached = {m.title: m for m in Catalogue(corpus).cached().articles}
    assert cached["Fetched one"].feed == feed_url and cached["My own"].feed is None


def test_a_catalogue_without_the_feed_column_is_upgraded_in_place_and_feed_rows_read_again(tmp_path):
    corpus, feed_url = _own_and_fetched(tmp_path)
    cat = Catalogue(corpus)
    cat.refresh()
    with sqlite3.connect(cat.db_path) as conn:  # as version 3 left it: no feed column
        conn.execute("DROP INDEX files_list")
        conn.execute("ALTER TABLE files DROP COLUMN feed")
        conn.execute("PRAGMA user_version = 3")
    with sqlite3.connect(cat.db_path) as conn:
        assert "feed" not in {r[1] for r in conn.execute("PRAGMA table_info(files)")}
    cat = Catalogue(corpus)
    assert sorted(m.title for m in cat.cached().articles) == ["Fetched one", "My own"]  # kept: no cold list
    fresh = cat.refresh()
    assert {m.title: m.feed for m in fresh.articles} == {"Fetched one": feed_url, "My own": None}
    assert fresh.changed == set()  # same content: nothing for the ingest to redo
    with sqlite3.connect(cat.db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == CATALOGUE_VERSION
