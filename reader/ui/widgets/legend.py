"""How entities read: the legend under the article, and a mention described in the status line."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from reader.entities.model import LABEL_NAMES, Annotations, Mention


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
        from reader.ui.event_format import human_date

        bits.append(Content(f"{human_date(mention.date_start, mention.date_end, mention.granularity)} "
                            f"({mention.granularity or 'date'})"))
    elif mention.value:
        bits.append(Content(mention.value))
    if articles is not None:
        bits.append(Content(f"in {articles} article{'s' if articles != 1 else ''} · enter: list them"))
    return Content(" · ").join(bits)
