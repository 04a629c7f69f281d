"""The links view (``L``): the open article's links, numbered in reading order.

The links come from the parsed article itself — each ``link`` :class:`reader.passages.Span` keeps
its ``href`` — so the view needs no second parse and the passage text, its offsets and the
content hash are those of the article. ``enter`` or the link's number opens one in the browser
(the screen returns it; :mod:`reader.ui.controllers.reading` opens it), ``y`` copies its URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static
from textual.widgets.option_list import Option

from reader.corpus import Article
from reader.passages import make_safe
from reader.ui.commands import bindings
from reader.ui.dialogs.base import ListDialog
from reader.ui.messages import LinkChosen

# what a link may open: a web page or a mail; not a local file, not a script
OPENABLE_SCHEMES = ("http", "https", "mailto", "ftp")


@dataclass(frozen=True)
class Link:
    number: int  # 1-based, in reading order
    text: str
    url: str  # as written in the article
    passage: int


def article_links(article: Article) -> list[Link]:
    """Every link of the article in reading order (passage, then position in it)."""
    out: list[Link] = []
    for p in article.passages:
        for span in p.spans:
            if span.style == "link" and span.href:
                out.append(Link(len(out) + 1, p.text[span.start:span.end], span.href, p.index))
    return out


def resolve_url(url: str, base: str | None) -> tuple[str | None, str]:
    """(the URL to open, or None, and why not): a relative link is resolved against the article's
    URL; only the schemes of :data:`OPENABLE_SCHEMES` are opened."""
    url = url.strip()
    if not url:
        return None, "This link has no URL"
    scheme = urlsplit(url).scheme.lower()
    if not scheme:
        if not base:
            return None, f"The link {make_safe(url)} is relative and the article has no URL to resolve it against"
        url = urljoin(base, url)
        scheme = urlsplit(url).scheme.lower()
    if scheme not in OPENABLE_SCHEMES:
        return None, f"Not opening a {scheme or 'schemeless'}: link (only web and mail links are opened)"
    return url, ""


class LinksScreen(ListDialog[LinkChosen | None]):
    """The links of one article; returns the one to open (None: closed)."""

    BINDINGS = bindings("links")
    LIST_ID = "links-list"
    DEFAULT_CSS = """
    LinksScreen { align: center middle; }
    LinksScreen #links-list { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, links: list[Link]) -> None:
        super().__init__()
        self.title_text = title
        self.links = links
        self.typed = ""  # the digits of a number being typed

    def compose_head(self) -> ComposeResult:
        count = len(self.links)
        yield Static(Content(f"{count} link{'s' if count != 1 else ''} in {make_safe(self.title_text)}")
                     .stylize("bold"), classes="dialog-title")

    def list_options(self) -> list[Option]:
        width = len(str(len(self.links)))
        return [Option(Content.assemble(Content(f"{link.number:>{width}}. ").stylize("bold"),
                                        Content(make_safe(" ".join(link.text.split()) or "(no text)")),
                                        Content("\n" + " " * (width + 2) + make_safe(link.url))
                                        .stylize("$text-muted")),
                       id=str(link.number)) for link in self.links]

    def compose_foot(self) -> ComposeResult:
        yield Static(Content("enter or its number: open · y copy the URL · esc close").stylize("$text-muted"),
                     id="links-help")

    @property
    def highlighted(self) -> Link | None:
        index = self.option_list.highlighted
        return self.links[index] if index is not None and 0 <= index < len(self.links) else None

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.links):
            self.dismiss(LinkChosen(self.links[index]))

    def action_down(self) -> None:
        self.typed = ""
        super().action_down()

    def action_up(self) -> None:
        self.typed = ""
        super().action_up()

    def action_number(self, digit: str) -> None:
        """Highlight link ``typed + digit``; open it at once unless a longer number could follow."""
        typed = (self.typed + str(digit)).lstrip("0")
        if not typed or int(typed) > len(self.links):
            self.typed = ""
            self.notify(f"No link {typed} (there are {len(self.links)})" if typed else "Links are numbered from 1",
                        severity="warning")
            return
        self.option_list.highlighted = int(typed) - 1
        if int(typed) * 10 > len(self.links):
            self.typed = ""
            self.action_open()
        else:
            self.typed = typed

    def action_copy(self) -> None:
        link = self.highlighted
        if link is not None:
            self.app.copy_to_clipboard(link.url)
            self.notify(f"Copied {make_safe(link.url)}", markup=False)
