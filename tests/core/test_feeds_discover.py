"""``reader feeds add``: a feed, a page that links its feed, a well-known path, or a clear refusal."""

from __future__ import annotations

import pytest

from helpers.feedserver import FeedServer
from reader.cli import main
from reader.feeds.discover import feed_links
from reader.feeds.subscriptions import FeedsFile

RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Site news</title>' \
      '<item><title>A</title><guid>a</guid></item></channel></rss>'
JSONFEED = '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []}'


@pytest.fixture
def srv():
    with FeedServer() as s:
        yield s


def add(corpus, url, *extra):
    return main(["feeds", "--articles", str(corpus), "add", url, *extra])


def subs(corpus):
    return [(s.url, s.tags) for s in FeedsFile(corpus).subscriptions()]


def test_feed_url_is_subscribed_with_tags(srv, tmp_path, capsys):
    srv.add("/feed.xml", RSS)
    assert add(tmp_path, srv.url("/feed.xml"), "--tag", "news", "--tag", "a b") == 0
    assert "subscribed" in capsys.readouterr().out
    assert subs(tmp_path) == [(srv.url("/feed.xml"), ("news", "a b"))]
    assert add(tmp_path, srv.url("/feed.xml")) == 0
    assert "already subscribed" in capsys.readouterr().out
    assert len(subs(tmp_path)) == 1
    assert len(srv.hits("/feed.xml")) == 1  # already subscribed: no request at all


def test_page_that_links_its_feed_costs_one_get(srv, tmp_path, capsys):
    srv.add("/blog/", '<!doctype html><html><head><title>x</title>'
                      '<link rel="stylesheet" href="/s.css">'
                      '<link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml">'
                      '<link rel="alternate" type="application/atom+xml" href="/atom"></head><body></body></html>',
            content_type="text/html; charset=utf-8")
    assert add(tmp_path, srv.url("/blog/")) == 0
    assert "linked from" in capsys.readouterr().out
    assert subs(tmp_path) == [(srv.url("/blog/feed.xml"), ())]
    assert [p for p, _ in srv.requests] == ["/blog/"]
    # the page again: its feed is already there
    assert add(tmp_path, srv.url("/blog/")) == 0
    assert "already subscribed" in capsys.readouterr().out and len(subs(tmp_path)) == 1


def test_feed_links_base_json_and_order():
    html = ('<html><head><base href="https://cdn.example/x/">'
            '<link rel="alternate" type="application/feed+json" href="feed.json">'
            '<link rel="alternate nofollow" type="application/rss+xml; charset=utf-8" href="//other.example/rss">'
            '<link rel="alternate" type="text/html" href="/fr/">'
            '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
            '</head><body><link rel="alternate" type="application/rss+xml" href="/late"></body></html>')
    assert feed_links(html, "https://site.example/page") == [("https://cdn.example/x/feed.json", None),
                                                             ("https://other.example/rss", None)]


def test_well_known_path_when_the_page_links_nothing(srv, tmp_path, capsys):
    srv.add("/", "<html><head><title>no links</title></head><body>hi</body></html>", content_type="text/html")
    srv.add("/rss.xml", RSS)
    assert add(tmp_path, srv.url("/")) == 0
    assert "well-known" in capsys.readouterr().out
    assert subs(tmp_path) == [(srv.url("/rss.xml"), ())]


def test_json_feed_found_at_a_well_known_path(srv, tmp_path):
    srv.add("/", "<html><body>plain</body></html>", content_type="text/html")
    srv.add("/feed.json", JSONFEED, content_type="application/feed+json")
    assert add(tmp_path, srv.url("/")) == 0
    assert subs(tmp_path) == [(srv.url("/feed.json"), ())]


def test_neither_a_feed_nor_a_page_linking_one(srv, tmp_path, capsys):
    srv.add("/", "<html><body>plain</body></html>", content_type="text/html")
    srv.add("/img", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
    assert add(tmp_path, srv.url("/")) == 1
    assert "links no feed" in capsys.readouterr().err
    assert add(tmp_path, srv.url("/img")) == 1
    assert "is not a feed" in capsys.readouterr().err
    assert add(tmp_path, srv.url("/missing")) == 1
    assert "HTTP 404" in capsys.readouterr().err
    assert add(tmp_path, "ftp://x.example/feed") == 1
    assert "only http" in capsys.readouterr().err
    assert not (tmp_path / "feeds.txt").exists()


def test_permanent_redirect_subscribes_the_target(srv, tmp_path):
    srv.add("/new.xml", RSS)
    srv.add("/old.xml", status=301, headers={"Location": "/new.xml"})
    assert add(tmp_path, srv.url("/old.xml")) == 0
    assert subs(tmp_path) == [(srv.url("/new.xml"), ())]
