"""Durability: SIGKILL a process writing bookmarks, repeatedly; nothing committed is lost or corrupt."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.bookmarks.store import BookmarkStore

ROOT = Path(__file__).resolve().parent.parent

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
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rng = random.Random(1234)
    printed: list[str] = []
    kills = 0
    for round_ in range(10):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(corpus)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.25))  # a random moment, mid-transaction or not
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err
        kills += 1
        lines = out.split("\n")
        printed += [line for line in lines[:-1] if line]  # the last piece may be a half-printed line
    assert kills == 10
    assert len(printed) > 10, "the writer never got to commit anything"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    stored = {b.uuid: b for b in BookmarkStore(db).list(include_deleted=True)}
    missing = [u for u in printed if u not in stored]
    assert not missing, f"{len(missing)} committed bookmarks lost"
    assert all(b.quote and b.note for b in stored.values())
