"""Durability: SIGKILL a process writing bookmarks, repeatedly; nothing committed is lost or corrupt."""

from __future__ import annotations

import signal
import sqlite3

import pytest

from reader.bookmarks.store import BookmarkStore
from helpers.sigkill import kill_repeatedly

WRITER = r"""
import sys, itertools
from pathlib import Path
from reader.corpus import load_article, load_folder
from reader.bookmarks.store import BookmarkStore

store = BookmarkStore(Path(sys.argv[1]))
art = load_article(load_folder(Path(sys.argv[2])).articles[0])
print("ready", flush=True)
for n in itertools.count():
    p = n % len(art.passages)
    text = art.passages[p].text
    start = n % max(1, len(text) - 1)
    bm = store.add(art, p, start, len(text), note=f"note {n}")
    if n % 7 == 0:
        store.update_note(bm.uuid, f"edited {n}")
    if n % 11 == 0:
        store.delete(bm.uuid)  # soft: still stored
    print(bm.uuid, flush=True)  # printed only once committed
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_never_loses_or_corrupts_a_committed_bookmark(tmp_path, corpus):
    db = tmp_path / "bookmarks.sqlite3"
    printed = kill_repeatedly(WRITER, [str(db), str(corpus)], rounds=10, seed=1234)
    assert len(printed) > 10, "the writer never got to commit anything"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    stored = {b.uuid: b for b in BookmarkStore(db).list(include_deleted=True)}
    missing = [u for u in printed if u not in stored]
    assert not missing, f"{len(missing)} committed bookmarks lost"
    assert all(b.quote and b.note for b in stored.values())
