"""Entity widgets: the legend under the article and the "articles mentioning X" dialog."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.annotations import LABEL_NAMES, Annotations, Mention
from reader.ui.commands import bindings


def entity_index(folder: Path):
    """The corpus entity index, or None while the ingest has not built it yet."""
    try:
        from reader.entity_index import EntityIndex
    except ModuleNotFoundError:
        return None
    try:
        return EntityIndex(folder)
    except Exception:
        return None


def legend_content(annotations: Annotations | None, enabled: bool, state: str, styles: dict[str, Style]) -> Content:
    """The legend under the article; ``styles``: the label styles (reader.ui.palette.app_label_styles)."""
    parts: list[Content] = [Content("Entities ").stylize("bold")]
    for label, name in LABEL_NAMES.items():
        parts.append(Content(f" {name} ").stylize(styles[label]))
        parts.append(Content(" "))
    if not enabled:
        note = "highlighting off (x)"
    elif annotations is None:
        note = {"running": "finding entities…", "failed": "entity annotation failed"}.get(state, "not annotated yet")
    elif not annotations.has_model:
        note = annotations.reason or f"no model for language '{annotations.language}'"
    else:
        note = f"{len(annotations.entities)} entities · e/E jump · x toggle"
    parts.append(Content(" " + note).stylize("$text-muted"))
    return Content.assemble(*parts)


def describe_mention(mention: Mention, annotations: Annotations | None, articles: int | None,
                     styles: dict[str, Style]) -> Content:
    name = mention.text
    if annotations:
        for ent in annotations.entities:
            if ent.key == mention.entity:
                name = ent.name
                break
    bits = [Content(name).stylize("bold"),
            Content(f" {LABEL_NAMES.get(mention.label, mention.label)} ").stylize(styles.get(mention.label, ""))]
    if mention.label == "DATE" and mention.date_start:
        from reader.ui.events import human_date

        bits.append(Content(f"{human_date(mention.date_start, mention.date_end, mention.granularity)} "
                            f"({mention.granularity or 'date'})"))
    elif mention.value:
        bits.append(Content(mention.value))
    if articles is not None:
        bits.append(Content(f"in {articles} article{'s' if articles != 1 else ''} · enter: list them"))
    return Content(" · ").join(bits)


class EntityArticlesScreen(ModalScreen[str | None]):
    """Articles that mention an entity; returns the chosen article id."""

    BINDINGS = bindings("list-dialog")

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows  # (article id, label)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text).stylize("bold"), classes="dialog-title")
            yield OptionList(*[Option(Content(label), id=aid) for aid, label in self.rows], id="entity-articles")
            yield Static(Content("enter open · esc close").stylize("$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
