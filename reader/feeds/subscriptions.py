"""Subscriptions: ``feeds.txt`` in the corpus folder, human-editable, newsboat's ``urls`` format.

One feed a line::

    # comments start with '#'
    https://example.org/feed.xml news "long tag" "~My own title"
    https://example.org/other.xml "!"         # '!' hides a feed (newsboat)
    "query:Unread news:unread = \\"yes\\""      # saved searches: kept, not fetched (yet)

A token with spaces, quotes or a leading '#' is written in double quotes (``\\"`` and ``\\\\`` inside).
A ``~`` token is the feed's title chosen by the user (else the feed's own title is shown).
``+full-text`` (reader's own; newsboat reads it as a tag) fetches each new entry's web page and
keeps the article text extracted from it; ``+full-text=never`` never does; without either
(``+full-text=auto``) only the pages of entries that carry a teaser are read.
The file belongs to the corpus (copy the folder, keep the subscriptions); fetch state lives apart
(:mod:`reader.feeds.state`). Edits keep every other line as written: comments, blank lines, order.

``exec:`` and ``filter:`` lines run commands in newsboat; they are refused on import unless
explicitly allowed, and never run by ``reader fetch``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from reader.passages import make_safe
from reader.log import DEBUG, log_exception

FILE_NAME = "feeds.txt"
HEADER = ("# reader subscriptions: one feed a line, URL then tags (\"quoted\" when they hold spaces),\n"
          "# \"~Title\" for a title of your own, \"!\" to hide a feed, +full-text to read each entry's page\n"
          "# (+full-text=never: never; by default only for entries that carry a teaser).\n"
          "# Lines starting with # are comments.\n")
COMMAND_PREFIXES = ("exec:", "filter:")
# '+full-text' (= always): fetch each new entry's page and keep its article text; '+full-text=never':
# never; without either (or '+full-text=auto') only entries that carry a teaser (fulltext.is_teaser)
FULL_TEXT_MODES = ("auto", "always", "never")
# '+unread-on-edit': an article that comes back edited from the feed becomes unread again (off by default)
OPTIONS = ("full-text",) + tuple(f"full-text={m}" for m in FULL_TEXT_MODES) + ("unread-on-edit",)


def full_text_option(mode: str) -> tuple[str, ...]:
    """The '+option' tokens of a full-text mode (auto is the default: no token)."""
    return {"always": ("full-text",), "never": ("full-text=never",)}.get(mode, ())


class SubscriptionError(ValueError):
    """Bad input for subscriptions; the message is meant for the user."""


@dataclass(frozen=True)
class Subscription:
    url: str
    tags: tuple[str, ...] = ()
    title: str | None = None  # the user's own title (newsboat '~Title')
    options: tuple[str, ...] = ()  # reader's own '+option' tokens: '+full-text'

    @property
    def unread_on_edit(self) -> bool:
        """'+unread-on-edit': an edited entry's article becomes unread again (if it was read)."""
        return "unread-on-edit" in self.options

    @property
    def full_text(self) -> str:
        """``auto`` (the default: pages of teaser entries), ``always`` or ``never``."""
        for o in self.options:
            if o == "full-text":
                return "always"
            if o.startswith("full-text="):
                return o.partition("=")[2]
        return "auto"

    @property
    def hidden(self) -> bool:
        return "!" in self.tags

    def merged(self, other: Subscription) -> Subscription:
        tags = self.tags + tuple(t for t in other.tags if t not in self.tags)
        options = self.options + tuple(o for o in other.options if o not in self.options)
        return replace(self, tags=tags, title=self.title or other.title, options=options)


@dataclass
class Special:
    """A line that is not a feed to fetch: ``query:`` (saved search) or an allowed ``exec:``/``filter:``."""

    text: str

    @property
    def kind(self) -> str:
        """"query", "exec" or "filter" (the line's first token may be quoted)."""
        tokens = tokenize(self.text)
        return tokens[0].split(":", 1)[0] if tokens else ""


def normalize_url(url: str) -> str:
    """The form a feed URL is stored and compared in: http(s) only, scheme and host lower-case,
    no fragment. Raises :class:`SubscriptionError` for anything else."""
    url = url.strip()
    if any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in url):
        raise SubscriptionError(f"not a URL (it holds spaces or control characters): {make_safe(url)[:80]!r}")
    try:
        parts = urlsplit(url)
        port = parts.port  # validates
    except ValueError:
        raise SubscriptionError(f"not a valid URL: {make_safe(url)[:80]!r}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SubscriptionError(f"only http:// and https:// feeds are supported, not {make_safe(url)[:80]!r}")
    if not parts.hostname:
        raise SubscriptionError(f"the URL has no host: {make_safe(url)[:80]!r}")
    netloc = parts.hostname.lower()
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def tokenize(line: str) -> list[str]:
    """Split a line the way newsboat does: whitespace, double quotes with backslash escapes."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "#":
            break  # the rest of the line is a comment
        if line[i] == '"':
            i += 1
            buf = []
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(line[i])
                i += 1
            if i >= n:
                raise SubscriptionError("a quoted tag is not closed")
            i += 1
            tokens.append("".join(buf))
        else:
            j = i
            while j < n and not line[j].isspace():
                j += 1
            tokens.append(line[i:j])
            i = j
    return tokens


def quote(token: str) -> str:
    if token and not re.search(r'[\s"\\#]', token):
        return token
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clean_tag(tag: str) -> str:
    """A tag as stored: control characters inert, inner whitespace single, no empty path parts."""
    tag = " ".join(make_safe(tag).split())
    return "/".join(p.strip() for p in tag.split("/") if p.strip()) if tag != "!" else tag


def parse_line(line: str, *, allow_commands: bool = False) -> Subscription | Special | None:
    """One line of a ``urls`` file: a subscription, a special line, or None (blank or comment)."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    tokens = tokenize(stripped)
    if not tokens:
        return None
    first = tokens[0]
    if first.startswith("query:"):
        return Special(stripped)
    if first.startswith(COMMAND_PREFIXES):
        if not allow_commands:
            raise SubscriptionError(f"'{first.split(':', 1)[0]}:' lines run commands; refused "
                                    "(allow them explicitly with --allow-commands)")
        return Special(stripped)
    url = normalize_url(first)
    tags: list[str] = []
    options: list[str] = []
    title = None
    for tok in tokens[1:]:
        if tok.startswith("+") and tok[1:] in OPTIONS:
            if tok[1:].startswith("full-text"):  # one full-text mode per feed: the last one says
                options = [o for o in options if not o.startswith("full-text")]
            if tok[1:] not in options:
                options.append(tok[1:])
        elif tok.startswith("~"):
            title = " ".join(make_safe(tok[1:]).split()) or None
        else:
            tag = clean_tag(tok)
            if tag and tag not in tags:
                tags.append(tag)
    return Subscription(url, tuple(tags), title, tuple(options))


def format_line(sub: Subscription) -> str:
    tokens = [sub.url] + [quote(t) for t in sub.tags]
    if sub.title:
        tokens.append(quote("~" + sub.title))
    tokens += ["+" + o for o in sub.options]
    return " ".join(tokens)


@dataclass
class ImportReport:
    added: list[Subscription] = field(default_factory=list)
    merged: list[Subscription] = field(default_factory=list)  # already there: tags merged in
    specials: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # per line / outline, with where


class FeedsFile:
    """``feeds.txt`` of a corpus: its lines kept as written, feeds parsed out of them."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self.lines: list[str] = []
        self.errors: list[str] = []  # lines that do not parse (kept in the file as they are)
        if self.path.exists():
            try:
                text = self.path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise SubscriptionError(f"cannot read {self.path}: {exc.strerror or exc}") from None
            self.lines = text.splitlines()

    def _parsed(self) -> list[tuple[int, Subscription | Special]]:
        out = []
        self.errors = []
        for i, line in enumerate(self.lines):
            try:
                item = parse_line(line, allow_commands=True)  # kept in the file; never run
            except SubscriptionError as exc:
                self.errors.append(f"{FILE_NAME} line {i + 1}: {exc}")
                continue
            if item is not None:
                out.append((i, item))
        return out

    def subscriptions(self) -> list[Subscription]:
        """Every feed once (a URL written twice counts once, tags merged)."""
        seen: dict[str, Subscription] = {}
        for _, item in self._parsed():
            if isinstance(item, Subscription):
                seen[item.url] = seen[item.url].merged(item) if item.url in seen else item
        return list(seen.values())

    def specials(self) -> list[Special]:
        return [item for _, item in self._parsed() if isinstance(item, Special)]

    def find(self, url: str) -> Subscription | None:
        url = normalize_url(url)
        return next((s for s in self.subscriptions() if s.url == url), None)

    def _index(self, url: str) -> list[int]:
        return [i for i, item in self._parsed() if isinstance(item, Subscription) and item.url == url]

    def add(self, sub: Subscription) -> bool:
        """Add a feed; False (and nothing changed) when it is there already."""
        if self._index(sub.url):
            return False
        self.lines.append(format_line(sub))
        return True

    def merge(self, items: Iterable[Subscription | Special]) -> ImportReport:
        report = ImportReport()
        known_specials = {s.text for s in self.specials()}
        for item in items:
            if isinstance(item, Special):
                if item.text not in known_specials:
                    self.lines.append(item.text)
                    known_specials.add(item.text)
                    report.specials.append(item.text)
                continue
            where = self._index(item.url)
            if not where:
                self.lines.append(format_line(item))
                report.added.append(item)
                continue
            old = parse_line(self.lines[where[0]], allow_commands=True)
            assert isinstance(old, Subscription)
            new = old.merged(item)
            if new != old:
                self.lines[where[0]] = format_line(new)
            report.merged.append(new)
        return report

    def remove(self, url: str) -> Subscription | None:
        url = normalize_url(url)
        where = self._index(url)
        if not where:
            return None
        sub = self.find(url)
        self.lines = [line for i, line in enumerate(self.lines) if i not in set(where)]
        return sub

    def rename(self, old_url: str, new_url: str) -> None:
        """A permanent redirect: the stored URL becomes the new one (tags and title kept); when the
        target is subscribed already, the two lines become one."""
        where = self._index(old_url)
        if not where:
            return
        subs = [parse_line(self.lines[i], allow_commands=True) for i in where]
        self.lines = [line for i, line in enumerate(self.lines) if i not in set(where)]
        self.merge([replace(sub, url=new_url) for sub in subs if isinstance(sub, Subscription)])

    def save(self) -> None:
        from reader.fileio import atomic_write_text

        check_writable(self.folder)
        lines = self.lines if self.lines and self.lines[0].startswith("#") else HEADER.splitlines() + self.lines
        try:
            mode = self.path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        try:
            atomic_write_text(self.path, "\n".join(lines) + "\n", mode=mode)
        except OSError as exc:
            raise SubscriptionError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self.lines = lines


def check_writable(folder: Path) -> None:
    """Raise a clear :class:`SubscriptionError` when feeds cannot write into ``folder``."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubscriptionError(f"cannot create the corpus folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise SubscriptionError(f"the corpus folder {folder} is read-only; give a writable folder with "
                                "--articles DIR, or leave it out to use your own library")


# --- import and export -------------------------------------------------------------------------

def parse_urls_file(text: str, *, allow_commands: bool = False) -> tuple[list[Subscription | Special], list[str]]:
    """A newsboat ``urls`` file: its items and the errors (with line numbers)."""
    items: list[Subscription | Special] = []
    errors = []
    for i, line in enumerate(text.splitlines(), 1):
        try:
            item = parse_line(line, allow_commands=allow_commands)
        except SubscriptionError as exc:
            errors.append(f"line {i}: {exc}")
            continue
        if item is not None:
            items.append(item)
    return items, errors


def _category_tags(value: str) -> list[str]:
    tags = []
    for part in value.split(","):
        tag = clean_tag(part.strip().strip("/"))
        if tag:
            tags.append(tag)
    return tags


def parse_opml(data: bytes, titles: dict[str, str] | None = None) -> tuple[list[Subscription], list[str]]:
    """OPML 1.0/2.0: outlines with ``xmlUrl`` are feeds; enclosing outlines are folders, which become
    tags ``A`` and ``A/B``; ``category="a,/b/c"`` adds tags ``a`` and ``b/c``. An outline's text
    goes into ``titles`` (a feed's title until it is fetched); ``readerTitle`` (our export) is the
    user's own title. Entity declarations are refused (defusedxml)."""
    titles = {} if titles is None else titles
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        root = DET.fromstring(data)
    except DefusedXmlException:
        raise SubscriptionError("the OPML file declares XML entities or a DTD; refused") from None
    except Exception as exc:  # ParseError and friends: a malformed file
        log_exception(__name__, "not a valid OPML file", level=DEBUG)
        raise SubscriptionError(f"not a valid OPML file: {make_safe(str(exc))[:120]}") from None
    if root.tag.lower() != "opml":
        raise SubscriptionError(f"not an OPML file (its root element is <{make_safe(root.tag)[:40]}>)")
    body = next((c for c in root if c.tag.lower() == "body"), None)
    if body is None:
        raise SubscriptionError("not an OPML file (no <body>)")
    subs: list[Subscription] = []
    errors: list[str] = []

    def attr(el, name):
        for key, value in el.attrib.items():
            if key.lower() == name.lower():
                return value
        return None

    def walk(el, folders: tuple[str, ...]):
        for child in el:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            url = attr(child, "xmlUrl")
            text = " ".join(make_safe(attr(child, "text") or attr(child, "title") or "").split())
            if url:
                try:
                    norm = normalize_url(url)
                except SubscriptionError as exc:
                    errors.append(f"outline {text[:40]!r}: {exc}")
                    continue
                tags = ["/".join(folders)] if folders else []
                tags += _category_tags(attr(child, "category") or "")
                clean = []
                for t in tags:
                    t = clean_tag(t)
                    if t and t not in clean:
                        clean.append(t)
                own = " ".join(make_safe(attr(child, "readerTitle") or "").split()) or None
                opts = tuple(o for o in (attr(child, "readerOptions") or "").split() if o in OPTIONS)
                subs.append(Subscription(norm, tuple(clean), own, opts))
                if text and text != url:
                    titles[norm] = text
                walk(child, folders)
            else:
                walk(child, folders + ((text,) if text else ()))

    walk(body, ())
    merged: dict[str, Subscription] = {}
    for sub in subs:  # a feed in two folders: one subscription with both tags
        merged[sub.url] = merged[sub.url].merged(sub) if sub.url in merged else sub
    return list(merged.values()), errors


def looks_like_opml(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<opml") or b"<opml" in head


def to_opml(subs: Iterable[Subscription], titles: dict[str, str] | None = None,
            links: dict[str, str] | None = None) -> str:
    """OPML 2.0, one flat outline per feed, tags in ``category`` (comma-separated)."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    titles = titles or {}
    links = links or {}
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "reader subscriptions"
    ET.SubElement(head, "dateCreated").text = dt.datetime.now(dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    for sub in subs:
        text = sub.title or titles.get(sub.url) or sub.url
        el = ET.SubElement(body, "outline", type="rss", text=text, title=text, xmlUrl=sub.url)
        if sub.title:
            el.set("readerTitle", sub.title)
        if sub.options:
            el.set("readerOptions", " ".join(sub.options))
        if links.get(sub.url):
            el.set("htmlUrl", links[sub.url])
        if sub.tags:
            el.set("category", ",".join(t.replace(",", " ") for t in sub.tags))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
