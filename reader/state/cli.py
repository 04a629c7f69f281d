"""``reader mark`` and the reading-state side of ``reader list``.

- ``reader mark ID… --read|--unread|--star|--unstar``: the articles given (ids from ``reader list``).
- ``reader mark --all-read [--filter QUERY]``: every article of the corpus read (those the filter keeps).
- ``reader mark --undo``: puts back the states before the last ``reader mark`` (or mark-all-read in
  the reader), also after a restart.
- ``reader list --unread``, ``--starred``: only those; ``--json`` rows gain ``read`` and ``starred``.

Each mark is one transaction: an unknown id is reported and nothing is changed. Exit codes: 0
success, 1 a state problem (message on stderr: unknown id, nothing to undo, unusable database), 2
bad usage (a bad filter among them).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from reader.clitools import scan
from reader.passages import make_safe
from reader.state.store import StateError, StateStore, UndoToken

_DONE = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}
_UNDONE = {"read": "unread", "unread": "read", "star": "unstarred", "unstar": "starred"}


def _err(message: str) -> None:
    print(f"reader: {make_safe(message)}", file=sys.stderr)


def _articles(n: int) -> str:
    return f"{n:,} article{'s' if n != 1 else ''}"


def list_states(articles: Sequence, unread: bool, starred: bool) -> tuple[list, dict[str, dict] | None]:
    """``reader list``'s articles kept by ``--unread`` / ``--starred`` and each one's ``read`` and
    ``starred`` for ``--json``. When the store cannot be used: with a filter, the error is printed
    and the fields are None (the command fails); without, a warning and ``null`` fields."""
    ids = [m.id for m in articles]
    try:
        states = StateStore().states(ids)
    except StateError as exc:
        if unread or starred:
            _err(str(exc))
            return [], None
        _err(f"{exc} (read and starred are null)")
        return list(articles), {i: {"read": None, "starred": None} for i in ids}
    kept = [m for m in articles if (not unread or not states[m.id].read) and (not starred or states[m.id].starred)]
    return kept, {i: {"read": s.read, "starred": s.starred} for i, s in states.items()}


def _done(token: UndoToken, asked: int) -> None:
    if token.count == 0:
        print(f"nothing changed: {'the' if asked != 1 else 'that'} {_articles(asked)} "
              f"{'were' if asked != 1 else 'was'} already {_DONE[token.action]}")
        return
    already = asked - token.count
    rest = f" ({already:,} already {'were' if already != 1 else 'was'})" if already else ""
    print(f"marked {_articles(token.count)} {_DONE[token.action]}{rest}")
    print("undo with: reader mark --undo")


def cli_mark(args, folder: Path) -> int:
    """Entry point of ``reader mark``; ``args`` comes from :func:`reader.cli.build_parser`."""
    action, ids = args.action, list(dict.fromkeys(args.ids))
    if action in ("all-read", "undo") and ids:
        _err(f"--{action} takes no article ids (got {len(ids)})")
        return 2
    if getattr(args, "filter", None) is not None and action != "all-read":
        _err("--filter goes with --all-read")
        return 2
    if action not in ("all-read", "undo") and not ids:
        _err(f"--{action} needs article ids (see reader list), or use --all-read")
        return 2
    try:
        store = StateStore()
        if action == "undo":
            token = store.last_undo()
            if token is None:
                _err("nothing to undo")
                return 1
            restored = store.undo(token)
            print(f"undone: {_articles(len(restored))} {_UNDONE[token.action]} again "
                  f"(marked {_DONE[token.action]} {token.created[:16].replace('T', ' ')} UTC)")
            return 0
        metas = {m.id: m for m in scan(folder).articles}
        if action == "all-read" and getattr(args, "filter", None) is not None:
            from reader.listfilter.cli import filter_articles

            kept, code = filter_articles(list(metas.values()), args.filter, folder)
            if code is not None:
                return code
            metas = {m.id: m for m in kept}
            if not metas:
                print("nothing changed: the filter keeps no article")
                return 0
        if action == "all-read":
            token = store.mark_all_read(list(metas), {i: m.content_hash for i, m in metas.items()})
            _done(token, len(metas))
            return 0
        unknown = [i for i in ids if i not in metas]
        if unknown:
            shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
            _err(f"no article with id {shown} in {folder} (see reader list); nothing was changed")
            return 1
        token = store.mark_all(ids, action, {i: metas[i].content_hash for i in ids})
        _done(token, len(ids))
        return 0
    except StateError as exc:
        _err(str(exc))
        return 1
