"""Text hygiene and escaping for the Markdown writer (:mod:`reader.feeds.markdown_writer`): control
characters made inert, Markdown metacharacters escaped, link destinations kept to http, https and mailto."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

from reader.passages import make_safe

_WS = re.compile(r"[ \t\n\r\f\v]+")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<~|])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]{1,32};)")
# what would open a block at the start of a line: ATX heading, quote, bullet, setext underline,
# ordered-list number ("1." → "1\.")
_LINE_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})(?=[.)]))", re.M)
_ALT_SAFE = str.maketrans({"[": "(", "]": ")", "`": "'", "\\": "/"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_text(text: str | None) -> str:
    """*text* with every control character made visible and inert (:func:`reader.passages.make_safe`:
    ESC shows as ␛, so a terminal escape sequence reads as text and does nothing); tab and newlines kept."""
    if not text:
        return ""
    return make_safe(text)


def clean_line(text: str | None) -> str:
    """:func:`clean_text`, whitespace collapsed to single spaces: for titles, authors, dates."""
    return " ".join(_WS.split(clean_text(text))).strip()


def escape_inline(text: str) -> str:
    """Backslash-escape what Markdown would read as inline markup (emphasis, code, links, HTML,
    strikethrough, table pipes, entities). Block starts are handled per line by the writer."""
    return _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def _escape_line_starts(md: str) -> str:
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\", md)


def safe_url(href: str | None, base: str | None = None) -> str | None:
    """*href* resolved against *base*, as a Markdown link destination; None unless http(s)/mailto."""
    href = clean_line(href)
    if not href:
        return None
    try:
        url = urljoin(base, href) if base else href
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES:
        return None
    url = quote(url, safe="!#$%&'*+,/:;=?@[]~-._")  # spaces, (), <>, \ and non-ASCII percent-encoded
    return _ENTITY.sub(r"\\&", url)


def _code_span(text: str) -> tuple[str, str]:
    text = _WS.sub(" ", text)
    if not text.strip():
        return "", ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # markdown-it strips one space each side when both ends have one (and the text is not all spaces)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}", text

