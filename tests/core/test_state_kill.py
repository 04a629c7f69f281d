"""Durability: SIGKILL a process writing reading state, repeatedly; nothing committed is lost, a
mark-all is all or nothing, and its undo record always matches what it changed."""

from __future__ import annotations

import signal
import sqlite3

import pytest

from reader.state.store import StateStore
from helpers.sigkill import kill_repeatedly

WRITER = r"""
import sys, itertools
from reader.state.store import StateStore

store = StateStore(sys.argv[1])
r = sys.argv[2]
print("ready", flush=True)
for n in itertools.count():
    a = f"a{r}-{n}"
    store.mark_read(a, f"h{n}")
    if n % 3 == 0:
        store.set_starred(a, True)
    print("read", a, flush=True)  # printed only once committed
    if n % 4 == 0:
        token = store.mark_all_read([f"b{r}-{n}-{k}" for k in range(300)])
        print("all", token.token, f"b{r}-{n}", flush=True)
        if n % 8 == 0:
            print("undoing", token.token, flush=True)
            store.undo(token)
            print("undone", token.token, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_never_loses_a_committed_change_nor_half_applies_a_mark_all(tmp_path):
    db = tmp_path / "reading.sqlite3"
    lines = [line.split() for line in kill_repeatedly(WRITER, [str(db)], seed=4321, round_arg=True,
                                                             first_lines=4)]  # n=0: read, all, undoing, undone

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = StateStore(db)
    read = [w[1] for w in lines if w[0] == "read"]
    alls = {w[1]: w[2] for w in lines if w[0] == "all"}
    undoing = {w[1] for w in lines if w[0] == "undoing"}
    undone = {w[1] for w in lines if w[0] == "undone"}
    assert len(read) >= 10 and len(alls) >= 10 and len(undone) >= 10

    states = store.states(read)
    lost = [a for a in read if not states[a].read]
    assert not lost, f"{len(lost)} committed reads lost"
    assert all(states[a].starred == (int(a.split("-")[1]) % 3 == 0) for a in read)
    assert all(states[a].read_hash == f"h{a.split('-')[1]}" for a in read)

    for token, prefix in alls.items():
        got = {s.read for s in store.states([f"{prefix}-{k}" for k in range(300)]).values()}
        assert len(got) == 1, f"mark-all {prefix} half applied"
        if token in undone:
            assert got == {False}, f"undo of {prefix} lost"
        elif token not in undoing:
            assert got == {True}, f"mark-all {prefix} lost"

    last = store.last_undo()  # the record left by the last mark-all is whole
    if last is not None:
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM undo_rows").fetchone()[0] == last.count == 300
        store.undo(last)
