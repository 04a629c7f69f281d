"""What the ``reader`` sub-commands share, below all of them: :func:`scan` (the catalogue
refreshed, its problems on stderr).

:mod:`reader.cli` parses and dispatches to the feature commands (``reader.bookmarks.cli``,
``reader.state.cli``, …); those import this module, never :mod:`reader.cli`, so the dispatcher and
the commands do not import each other.
"""

from __future__ import annotations

import sys
from pathlib import Path


def scan(folder: Path):
    """Refresh the catalogue of ``folder`` and print per-file errors, warnings and what was skipped
    on stderr (each made inert by LoadError's str())."""
    from reader.corpus import Catalogue, skipped_summary

    result = Catalogue(folder).refresh()
    for err in result.errors:
        print(f"reader: {err}", file=sys.stderr)
    for warning in result.warnings:
        print(f"reader: warning: {warning}", file=sys.stderr)
    if result.skipped:
        print(f"reader: {skipped_summary(result.skipped)}", file=sys.stderr)
    return result
