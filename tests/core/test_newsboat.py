"""``reader import-newsboat``: a cache.db with newsboat's real schema (tests/helpers/newsboat_cache.py),
5,000 items over four feeds, imported; the articles listed with their states; a loopback fetch
of the same feeds finds every entry known; a second import changes nothing."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest
from helpers.feedserver import FeedServer
from helpers.newsboat_cache import feed_rss, generate

from reader.cli import main
from reader.feeds.newsboat import _key, default_paths

N = 5000
FEEDS = 4


def _json_out(capsys, argv) -> object:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _urls_file(path, base):
    path.write_text(
        "# newsboat urls\n"
        f'{base}/f0.xml news "long tag" "~Ma gazette"\n'
        f"{base}/f1.xml news\n"
        f"{base}/f2.xml\n"
        f'{base}/f3.xml "!" hidden\n'
        '"query:Non lus:unread = \\"yes\\""\n', encoding="utf-8")


def _snapshot(folder):
    return {p.relative_to(folder): (p.stat().st_mtime_ns, p.read_bytes()) for p in (folder / "feeds").rglob("*.md")}


def test_import_cache_then_fetch_and_reimport(tmp_path, capsys):
    folder = tmp_path / "library"
    with FeedServer() as srv:
        base = srv.url("").rstrip("/")
        cache = tmp_path / "cache.db"
        items = generate(cache, base, N, FEEDS)
        for k in range(FEEDS):
            srv.add(f"/f{k}.xml", feed_rss(items, f"{base}/f{k}.xml", f"Gazette {k}"),
                    content_type="application/rss+xml")
        urls = tmp_path / "urls"
        _urls_file(urls, base)
        argv = ["import-newsboat", "--articles", str(folder), "--urls", str(urls), "--cache", str(cache)]
        capsys.readouterr()
        assert main(argv) == 0
        out, err = capsys.readouterr()
        kept = [it for it in items if not it.deleted]
        guids = [it.guid for it in items]
        assert len(set(guids)) < len(guids)  # guids shared across feeds: one article in each
        assert any(it.real_guid is None for it in kept) and any(it.guid == it.url for it in kept)
        assert f"imported {len(kept)} articles" in out
        assert err.count("newsboat cache:") == N // 1000  # a progress line per 1,000 items
        assert "4000/5000 items" in err

        # subscriptions: tags and titles from urls (the existing import), the query line kept
        feeds = {f["url"]: f for f in _json_out(capsys, ["feeds", "--articles", str(folder), "--json"])}
        assert set(feeds) == {f"{base}/f{k}.xml" for k in range(FEEDS)}
        f0 = feeds[f"{base}/f0.xml"]
        assert "news" in f0["tags"] and "long tag" in f0["tags"]
        assert f0["title"] == "Ma gazette"
        assert "query:" in (folder / "feeds.txt").read_text()

        # listed, with read and starred as in newsboat (any flag is a star)
        listed = _json_out(capsys, ["list", "--articles", str(folder), "--json"])
        assert len(listed) == len(kept)
        by_url = {a["url"]: a for a in listed}
        assert set(by_url) == {it.url for it in kept}
        for it in kept:
            a = by_url[it.url]
            assert a["read"] == (not it.unread), it
            assert a["starred"] == bool(it.flags), it
        assert sum(a["starred"] for a in listed) == sum(bool(it.flags) for it in kept)
        sample = next(a for a in listed if a["url"].endswith("/site0/a8"))
        text = Path(sample["path"]).read_text(encoding="utf-8")
        assert "Article **8**" in text and "[la suite](" in text and "<p>" not in text  # HTML → Markdown
        assert sample["source"] == "Gazette 0"

        before = _snapshot(folder)
        subscriptions = (folder / "feeds.txt").read_bytes()
        states_before = [(a["id"], a["read"], a["starred"]) for a in listed]

        # a fetch of the same feeds writes nothing: every entry (guid-less, shared guids) is known
        fetched = _json_out(capsys, ["fetch", "--articles", str(folder), "--all", "--json"])
        total = fetched["total"]
        assert total["failed"] == 0 and total["feeds"] == FEEDS
        assert total["new"] == 0 and total["updated"] == 0, fetched
        assert _snapshot(folder) == before  # and deleted items did not come back

        # a second import changes nothing
        capsys.readouterr()
        assert main(argv) == 0
        assert "imported 0 articles" in capsys.readouterr().out
        assert _snapshot(folder) == before
        assert (folder / "feeds.txt").read_bytes() == subscriptions
        again = _json_out(capsys, ["list", "--articles", str(folder), "--json"])
        assert [(a["id"], a["read"], a["starred"]) for a in again] == states_before


def test_reader_state_wins_on_reimport_and_starred_flags(tmp_path, capsys):
    folder = tmp_path / "lib"
    base = "http://127.0.0.1:9"
    cache = tmp_path / "cache.db"
    items = generate(cache, base, 40, 2)
    urls = tmp_path / "urls"
    urls.write_text(f"{base}/f0.xml\n{base}/f1.xml\n")
    argv = ["import-newsboat", "--articles", str(folder), "--urls", str(urls), "--cache", str(cache),
            "--starred-flags", "b"]
    assert main(argv) == 0
    listed = _json_out(capsys, ["list", "--articles", str(folder), "--json"])
    by_url = {a["url"]: a for a in listed}
    for it in items:
        if not it.deleted:
            assert by_url[it.url]["starred"] == ("b" in it.flags)
    unread = next(a for a in listed if not a["read"])
    assert main(["mark", "--articles", str(folder), "--read", unread["id"]]) == 0
    assert main(argv) == 0
    assert _json_out(capsys, ["list", "--articles", str(folder), "--json"]) != listed  # reader's mark kept
    assert {a["id"]: a["read"] for a in _json_out(capsys, ["list", "--articles", str(folder), "--json"])}[
        unread["id"]] is True


def _import_with_item(tmp_path, n: int, feeds: int, guid: str, title: str, content: str, base: str = "") -> Path:
    """A generated cache plus one item of feed 0 of our own, imported with only feed 0 subscribed."""
    folder, server, cache, urls = tmp_path / "lib", "http://127.0.0.1:9", tmp_path / "cache.db", tmp_path / "urls"
    generate(cache, server, n, feeds)
    with contextlib.closing(sqlite3.connect(cache)) as conn, conn:
        conn.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, base) "
                     "VALUES (?, ?, '', '', ?, 1700000000, ?, 1, ?)", (guid, title, f"{server}/f0.xml", content, base))
    urls.write_text(f"{server}/f0.xml\n")
    assert main(["import-newsboat", "--articles", str(folder), "--urls", str(urls), "--cache", str(cache)]) == 0
    return folder


def test_unsubscribed_feeds_skipped_and_missing_guid(tmp_path, capsys):
    capsys.readouterr()
    folder = _import_with_item(tmp_path, 20, 2, "", "Sans guid ni lien", "texte")
    out = capsys.readouterr().out
    assert "10 of feeds not subscribed skipped" in out
    titles = {a["title"] for a in _json_out(capsys, ["list", "--articles", str(folder), "--json"])}
    assert "Sans guid ni lien" in titles


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_bad_cache_is_a_clear_message(tmp_path, capsys, content):
    cache = tmp_path / "cache.db"
    cache.write_bytes(content)
    urls = tmp_path / "urls"
    urls.write_text("https://example.org/feed.xml\n")
    code = main(["import-newsboat", "--articles", str(tmp_path / "lib"), "--urls", str(urls), "--cache", str(cache)])
    err = capsys.readouterr().err
    assert code == 1
    assert "newsboat cache" in err and "Traceback" not in err


def test_missing_cache_is_a_clear_message(tmp_path, capsys):
    code = main(["import-newsboat", "--articles", str(tmp_path / "lib"), "--urls", str(tmp_path / "nope"),
                 "--cache", str(tmp_path / "cache.db")])
    assert code == 1
    assert "no newsboat urls file" in capsys.readouterr().err


def test_default_paths_follow_newsboat(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home)}
    assert default_paths(env) == (home / ".newsboat/urls", home / ".newsboat/cache.db")
    (home / ".config/newsboat").mkdir(parents=True)  # XDG once its config folder exists
    assert default_paths(env) == (home / ".config/newsboat/urls", home / ".local/share/newsboat/cache.db")
    cfg, data = tmp_path / "cfg", tmp_path / "data"
    env |= {"XDG_CONFIG_HOME": str(cfg), "XDG_DATA_HOME": str(data)}
    assert default_paths(env) == (home / ".newsboat/urls", home / ".newsboat/cache.db")  # no cfg/newsboat
    (cfg / "newsboat").mkdir(parents=True)
    assert default_paths(env) == (cfg / "newsboat/urls", data / "newsboat/cache.db")
    env["XDG_CONFIG_HOME"] = "relative"  # ignored, as the XDG spec says
    assert default_paths(env)[0] == home / ".config/newsboat/urls"


def test_guid_keys_reverse_newsboats_guess():
    link = "https://x.example/a"
    assert _key("urn:1", link, "T") == ("urn:1", None)
    assert _key(link + "Tue, 01 Dec 2026 10:00:00 GMT", link, "T") == ("", link + "Tue, 01 Dec 2026 10:00:00 GMT")
    assert _key(link, link, "T") == (link, f"link:{link}")
    assert _key("T", None, "T") == ("", "T")
    assert _key("", link, "T") == ("", None)


def test_relative_links_resolve_against_the_items_base(tmp_path, capsys):
    folder = _import_with_item(tmp_path, 2, 1, "b1", "Relatif", '<p><a href="page.html">lien</a></p>',
                               base="https://other.example/dir/")
    art = next(a for a in _json_out(capsys, ["list", "--articles", str(folder), "--json"]) if a["title"] == "Relatif")
    assert "(https://other.example/dir/page.html)" in Path(art["path"]).read_text(encoding="utf-8")
