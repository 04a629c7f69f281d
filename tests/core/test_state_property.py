"""Property test of the reading state (hypothesis): any sequence of opens, toggles, stars, mark-alls,
undos, edited-article checks and restarts leaves the store exactly where a plain dict model is."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.state.store import ArticleState, StateError, StateStore

IDS = ["a", "b", "é"]
ids = st.sampled_from(IDS)
hashes = st.sampled_from(["h1", "h2", None])
ops = st.one_of(
    st.tuples(st.just("open"), ids, hashes),
    st.tuples(st.just("unread"), ids),
    st.tuples(st.just("star"), ids, st.booleans()),
    st.tuples(st.just("toggle read"), ids, hashes),
    st.tuples(st.just("toggle star"), ids),
    st.tuples(st.just("all"), st.lists(ids, max_size=6), st.sampled_from(["read", "unread", "star", "unstar"]), hashes),
    st.tuples(st.just("undo")),
    st.tuples(st.just("edited"), ids, st.sampled_from(["h1", "h2"])),
    st.tuples(st.just("restart")),
)
_CHANGES = {"read": lambda s: not s.read, "unread": lambda s: s.read,
            "star": lambda s: not s.starred, "unstar": lambda s: s.starred}


def _apply(s: ArticleState, action: str, h) -> ArticleState:
    if action == "read":
        return s._replace(read=True, read_hash=h)
    if action == "unread":
        return s._replace(read=False, read_hash=None)
    return s._replace(starred=action == "star")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=25))
@example([("all", ["a"], "read", None), ("star", "a", True), ("undo",)])  # a star given since stays
@example([("star", "b", True), ("all", ["a", "b"], "unstar", None), ("open", "b", "h1"), ("restart",), ("undo",)])
@example([("open", "a", "h1"), ("all", ["a", "b"], "read", "h2"), ("edited", "a", "h2"), ("undo",), ("undo",)])
def test_the_store_behaves_like_the_model(sequence):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reading.sqlite3"
        store = StateStore(path)
        model = {i: ArticleState() for i in IDS}
        undo = None  # (action, {id: state before})
        for op in sequence:
            kind = op[0]
            if kind == "open":
                _, i, h = op
                store.mark_read(i, h)
                model[i] = model[i]._replace(read=True, read_hash=h if h is not None else model[i].read_hash)
            elif kind == "unread":
                store.set_read(op[1], False)
                model[op[1]] = model[op[1]]._replace(read=False, read_hash=None)
            elif kind == "star":
                store.set_starred(op[1], op[2])
                model[op[1]] = model[op[1]]._replace(starred=op[2])
            elif kind == "toggle read":
                _, i, h = op
                read = not model[i].read
                assert store.toggle_read(i, h) is read
                model[i] = model[i]._replace(read=read, read_hash=(h or model[i].read_hash) if read else None)
            elif kind == "toggle star":
                assert store.toggle_star(op[1]) is (not model[op[1]].starred)
                model[op[1]] = model[op[1]]._replace(starred=not model[op[1]].starred)
            elif kind == "all":
                _, chosen, action, h = op
                token = store.mark_all(chosen, action, {i: h for i in chosen} if h else None)
                changed = [i for i in dict.fromkeys(chosen) if _CHANGES[action](model[i])]
                assert token.count == len(changed)
                if changed:
                    undo = (action, {i: model[i] for i in changed})
                    for i in changed:
                        model[i] = _apply(model[i], action, h)
            elif kind == "undo":
                if undo is None:
                    with pytest.raises(StateError):
                        store.undo()
                else:
                    action, before = undo
                    assert sorted(store.undo()) == sorted(before)
                    for i, prev in before.items():
                        if action in ("read", "unread"):
                            model[i] = model[i]._replace(read=prev.read, read_hash=prev.read_hash)
                        else:
                            model[i] = model[i]._replace(starred=prev.starred)
                    undo = None
            elif kind == "edited":
                _, i, h = op
                expected = model[i].read and model[i].read_hash is not None and model[i].read_hash != h
                assert store.mark_unread_if_edited(i, h) is expected
                if expected:
                    model[i] = model[i]._replace(read=False, read_hash=None)
            else:
                store = StateStore(path)
            assert store.states(IDS + ["unknown"]) == {**model, "unknown": ArticleState()}
            assert store.unread_count(IDS) == sum(not s.read for s in model.values())
            assert (store.last_undo() is None) == (undo is None)
