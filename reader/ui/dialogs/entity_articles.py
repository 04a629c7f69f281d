"""The entity-articles dialog (``enter`` on an entity): the articles that mention it; ``enter``
opens one. Its rows come from the corpus entity index (:func:`entity_index`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static
from textual.widgets.option_list import Option

from reader.log import log_exception
from reader.ui.dialogs.base import ListDialog

if TYPE_CHECKING:
    from reader.entities.index import EntityIndex


def entity_index(folder: Path) -> EntityIndex | None:
    """The corpus entity index, or None while the ingest has not built it yet."""
    from reader.entities.index import EntityIndex

    try:
        return EntityIndex(folder)
    except Exception:  # noqa: BLE001 - no index: no counts and no list, the reader goes on
        log_exception(__name__, "cannot open the entity index of %s", folder)
        return None


class EntityArticlesScreen(ListDialog[str | None]):
    """Articles that mention an entity; returns the chosen article id."""

    LIST_ID = "entity-articles"

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows  # (article id, label)

    def compose_head(self) -> ComposeResult:
        yield Static(Content(self.title_text).stylize("bold"), classes="dialog-title")

    def list_options(self) -> Iterable[Option]:
        return [Option(Content(label), id=aid) for aid, label in self.rows]

    def compose_foot(self) -> ComposeResult:
        yield Static(Content("enter open · esc close").stylize("$text-muted"))

    def choose(self, index: int) -> None:
        self.dismiss(self.rows[index][0])
