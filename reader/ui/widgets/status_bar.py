"""The status line under the panes, and the typed value it shows.

What the line says is a :class:`Status`: its text and what kind of news it is. Handlers that must
know what the line is showing (is a first scan's progress on screen? a filter error?) ask its
``kind``, never its text; the text is for the reader (and may be a styled ``Content``; plain
text is shown as text, never markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.content import Content
from textual.widgets import Static

StatusKind = Literal[
    "note",            # anything said once (the default): the next article opened clears it
    "reading_folder",  # the first scan of an empty list, with its progress
    "rescanning",      # a scan asked for (R), with its progress
    "opening",         # a large article being read and parsed
    "ingest",          # the background ingest's progress (entities, index, events…)
    "filter_error",    # the list filter could not be understood or evaluated
]


@dataclass(frozen=True)
class Status:
    text: str | Content = ""
    kind: StatusKind = "note"

    @property
    def plain(self) -> str:
        return str(self.text)


class StatusBar(Static):
    """One line: what the reader is doing (ingest progress) and what is under the cursor."""

    status: Status = Status()

    def show(self, status: Status) -> None:
        self.status = status
        self.update(status.text if isinstance(status.text, Content) else Content(status.text))
