"""End-to-end (tmux, the real `reader` command): articles read stay read after a restart."""

from __future__ import annotations

import subprocess
import time

import pytest
from test_e2e_tmux import READER, tmux  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def quit_reader(tmux) -> None:  # noqa: F811
    tmux.keys("q")
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive(), "reader did not quit"


def test_articles_read_are_still_read_after_a_restart(tmux, tmp_path):  # noqa: F811
    """Issue 13: fetch (a loopback feed), read two articles, quit, restart: they are still read, and
    the filter `unread` hides them."""
    from helpers.feedserver import FeedServer
    from helpers.feeds import item, rss

    folder = tmp_path / "arts"
    body = "Le texte de l'article {k}. " + "Assez de mots pour que le flux porte l'article entier. " * 8
    with FeedServer() as srv:
        srv.add("/feed.xml", rss("".join(
            item(f"g{k}", f"Titre numéro {k}", body.format(k=k), date=f"Fri, {10 - k:02d} May 2024 10:00:00 GMT")
            for k in range(3)), title="Flux local"))
        for args in (["feeds", "add", srv.url("/feed.xml")], ["fetch"]):
            out = subprocess.run([READER, "--articles", str(folder), *args], capture_output=True, text=True,
                                 timeout=120)
            assert out.returncode == 0, out.stderr
        assert "3 new" in out.stdout, out.stdout
    cmd = f"{READER} --articles {folder}"
    tmux.start(cmd)
    tmux.wait_for("3 unread · 3 articles")
    tmux.keys("Enter")  # the first article
    tmux.wait_for("2 unread · 3 articles")
    tmux.wait_for("b Bookmark")  # the article view has the focus (its keys are in the footer)
    tmux.keys("Escape")  # back to the list
    tmux.wait_for("enter Open")
    tmux.keys("j", "Enter")  # the second
    tmux.wait_for("1 unread · 3 articles")
    quit_reader(tmux)
    tmux.start(cmd)
    screen = tmux.wait_for("1 unread · 3 articles")
    rows = {line.split("▎")[0].strip(" •★●"): line.split("▎")[0].lstrip().startswith("•")
            for line in screen.splitlines() if "Titre numéro" in line.split("▎")[0]}
    assert rows == {"Titre numéro 0": False, "Titre numéro 1": False, "Titre numéro 2": True}, screen
    tmux.wait_for("Le texte de l'article 1.")  # the last article read is shown again: start-up is over
    tmux.keys("l")  # the filter line: only the unread one is left
    tmux.wait_for("enter keeps it")
    for ch in "unread":
        tmux.keys(ch)
    screen = tmux.wait_for("filter: unread · 1 unread")
    listed = [line.split("▎")[0] for line in screen.splitlines() if "Titre numéro" in line.split("▎")[0]]
    assert len(listed) == 1 and "Titre numéro 2" in listed[0], screen
