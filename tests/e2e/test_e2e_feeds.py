"""End-to-end in tmux: add a feed from the feeds screen (a loopback page that links its feed),
fetch it, see its articles in the list, open one."""

from __future__ import annotations

import os
import time

import pytest
from helpers import write_article
from helpers.feedserver import FeedServer
from test_e2e_tmux import READER, Tmux, pytestmark  # noqa: F401 - the harness (pytestmark: tmux needed)
from helpers.feeds import item, rss

PAGE = ('<html><head><title>Le Site</title><link rel="alternate" type="application/rss+xml" '
        'href="/feed.xml"></head><body>Accueil</body></html>')


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(tmp_path, dict(os.environ, TERM="xterm-256color", READER_NO_INGEST="1"))
    yield t
    t.kill()


def test_add_a_feed_fetch_it_and_read_its_articles(tmux, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_article(corpus, "own.md", "own", "Un article à moi", "Mon propre texte.", published="2020-01-01")
    with FeedServer() as srv:
        srv.add("/", PAGE, content_type="text/html; charset=utf-8")
        srv.add("/feed.xml", rss(item("1", "Titre en boucle locale", body="Le corps du premier article.")
                                 + item("2", "Second titre local", body="Le corps du second."), title="Boucle"))
        tmux.start(f"{READER} --articles {corpus}")
        tmux.wait_for("Un article à moi")
        tmux.keys("F")
        tmux.wait_for("0 feeds")
        tmux.keys("a")
        tmux.wait_for("Add a feed")
        tmux.keys("-l", srv.url("/"))
        tmux.keys("Enter")
        tmux.wait_for(f"subscribed: {srv.url('/feed.xml')}")  # the page's feed, found by discovery
        tmux.wait_for("never fetched")
        tmux.keys("f")  # fetch the new feed now
        screen = tmux.wait_for("2 articles · fetched", timeout=40)
        assert "✗" not in screen
        tmux.keys("Enter")  # its articles in the list
        screen = tmux.wait_for("Second titre local")
        listed = [line.split("▎")[0] for line in screen.splitlines()]  # the list pane, left of its border
        assert any("Titre en boucle locale" in line for line in listed)
        assert not any("Un article à moi" in line for line in listed)  # only that feed's articles
        tmux.keys("Enter")
        tmux.wait_for("Le corps du second.")  # the first of the list (same day: by title)
        tmux.keys("q")
        deadline = time.monotonic() + 10
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive(), "reader did not quit"
    # the page (discovery), its feed, and (full text auto: short entries) the entries' own pages only
    assert {p for p, _ in srv.requests} - {"/1", "/2"} == {"/", "/feed.xml"}
