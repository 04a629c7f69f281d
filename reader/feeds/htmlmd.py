"""HTML of a feed entry → the Markdown our article loader reads (:mod:`reader.passages`).

The HTML is data: it is converted, never rendered. Headings, paragraphs, block quotes, lists,
tables (GFM), code blocks, emphasis, links and images (``![alt](src)``, shown as ``[image: alt]``)
survive; scripts, styles, forms and embedded objects are dropped; every other tag keeps only its
text. Text is escaped so that nothing in it becomes Markdown syntax (``*``, ``[``, ``&amp;``…),
and control characters are made inert (:func:`reader.passages.make_safe`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from reader.passages import make_safe

_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head",
         "form", "button", "select", "textarea", "canvas", "audio", "video", "map"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col", "param", "track"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure", "figcaption",
          "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "table", "thead", "tbody",
          "tfoot", "tr", "td", "th", "hr", "dl", "dt", "dd", "address", "details", "summary", "caption", "center"}
# an open tag of these closes an open <p> (HTML's implied end tags, the common cases)
_CLOSES_P = _BLOCK - {"td", "th", "tr", "thead", "tbody", "tfoot", "li", "dt", "dd", "caption", "figcaption"}
MAX_DEPTH = 200  # deeper nesting is flattened (a hostile document cannot blow the stack)


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []
        self.parent = parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {}, None)
        self.cur = self.root
        self.depth = 0
        self.drop = 0  # inside a dropped element

    def _close_to(self, tag: str) -> bool:
        node = self.cur
        while node is not self.root:
            if node.tag == tag:
                self.cur = node.parent or self.root
                self._recount()
                return True
            node = node.parent
        return False

    def _recount(self):
        d, node = 0, self.cur
        while node is not self.root and node is not None:
            d += 1
            node = node.parent
        self.depth = d

    def handle_starttag(self, tag, attrs):
        if self.drop:
            if tag in _DROP and tag not in _VOID:
                self.drop += 1
            return
        if tag in _DROP:
            self.drop = 1
            return
        a = {k: (v or "") for k, v in attrs}
        if tag in _CLOSES_P and self._open("p"):
            self._close_to("p")
        if tag == "li":
            self._close_within("li", ("ul", "ol"))
        elif tag in ("td", "th"):
            self._close_within("td", ("tr", "table"))
            self._close_within("th", ("tr", "table"))
        elif tag == "tr":
            self._close_within("tr", ("table",))
        elif tag in ("dt", "dd"):
            self._close_within("dt", ("dl",))
            self._close_within("dd", ("dl",))
        node = Node(tag, a, self.cur)
        self.cur.children.append(node)
        if tag not in _VOID and self.depth < MAX_DEPTH:
            self.cur = node
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and not self.drop and self.cur.tag == tag:
            self._close_to(tag)

    def _open(self, tag: str) -> bool:
        node = self.cur
        while node is not self.root:
            if node.tag == tag:
                return True
            node = node.parent
        return False

    def _close_within(self, tag: str, stop: tuple[str, ...]):
        node = self.cur
        while node is not self.root and node.tag not in stop:
            if node.tag == tag:
                self.cur = node.parent or self.root
                self._recount()
                return
            node = node.parent

    def handle_endtag(self, tag):
        if self.drop:
            if tag in _DROP:
                self.drop -= 1
            return
        if tag in _VOID:
            return
        self._close_to(tag)

    def handle_data(self, data):
        if not self.drop and data:
            self.cur.children.append(data)


# --- escaping ----------------------------------------------------------------------------------

_ESCAPE = re.compile(r"([\\`*_\[\]<>|~&!#])")


def escape(text: str) -> str:
    """Text that Markdown reads back as exactly this text."""
    return _ESCAPE.sub(r"\\\1", text)


_LINE_START = re.compile(r"(?m)^([ \t]*)(?:([-+=])|(\d{1,9})([.)]))")


def _escape_line_starts(text: str) -> str:
    """A line that would open a list, a setext heading or a rule keeps its first character as text."""
    def fix(m: re.Match) -> str:
        if m.group(2):
            return m.group(1) + "\\" + m.group(2)
        return m.group(1) + m.group(3) + "\\" + m.group(4)

    return _LINE_START.sub(fix, text)


def _safe_url(url: str, base: str | None) -> str | None:
    url = " ".join(url.split())
    if not url:
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https", "mailto"):
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")  # no spaces, brackets or parentheses to break out


# --- rendering ---------------------------------------------------------------------------------

class _Renderer:
    def __init__(self, base: str | None):
        self.base = base

    def inline(self, node: Node | str, in_link: bool = False) -> str:
        if isinstance(node, str):
            return escape(make_safe(re.sub(r"\s+", " ", node)))
        tag = node.tag
        if tag == "br":
            return "\n"
        if tag == "img":
            alt = " ".join(make_safe(node.attrs.get("alt", "") or node.attrs.get("title", "")).split())
            src = _safe_url(node.attrs.get("src", ""), self.base) or ""
            # reader.passages shows an image's alt *source* (no unescaping): write it raw, with only
            # what could end it early or escape made harmless
            alt = alt.replace("[", "(").replace("]", ")").replace("\\", "/")
            return f"![{alt}]({src})" if src or alt else ""
        inner = "".join(self.inline(c, in_link or tag == "a") for c in node.children)
        if tag in ("em", "i", "cite", "dfn", "var"):
            return _wrap(inner, "*")
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("s", "strike", "del"):
            return _wrap(inner, "~~")
        if tag in ("code", "kbd", "samp", "tt"):
            raw = make_safe(_text(node)).replace("\n", " ")
            if not raw.strip():
                return inner
            fence = "`" * (max((len(r) for r in re.findall(r"`+", raw)), default=0) + 1)
            pad = " " if raw.startswith("`") or raw.endswith("`") else ""
            return f"{fence}{pad}{raw}{pad}{fence}"
        if tag == "a" and not in_link:
            href = _safe_url(node.attrs.get("href", ""), self.base)
            if href and inner.strip():
                return f"[{inner.strip()}]({href})"
        return inner

    def inline_block(self, nodes: list[Node | str]) -> str:
        text = "".join(self.inline(n) for n in nodes)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        # a line break inside a paragraph: a hard break ("\" at the end of the line)
        text = "\\\n".join(line for line in lines if line)
        return _escape_line_starts(text)

    def blocks(self, node: Node, depth: int = 0) -> list[str]:
        """The Markdown blocks of a node's children (inline runs become paragraphs)."""
        out: list[str] = []
        run: list[Node | str] = []

        def flush():
            if run:
                text = self.inline_block(run)
                if text.strip():
                    out.append(text)
                run.clear()

        for child in node.children:
            if isinstance(child, str) or child.tag not in _BLOCK:
                if isinstance(child, Node) and _has_block(child):
                    flush()
                    out.extend(self.blocks(child, depth + 1))  # e.g. <span><p>…</p></span>
                else:
                    run.append(child)
                continue
            flush()
            out.extend(self.block(child, depth + 1))
        flush()
        return out

    def block(self, node: Node, depth: int) -> list[str]:
        tag = node.tag
        if depth > MAX_DEPTH:
            return [self.inline_block([_text(node)])]
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline_block(node.children).replace("\\\n", " ")
            return [f"{'#' * int(tag[1])} {text}"] if text.strip() else []
        if tag == "hr":
            return []
        if tag == "pre":
            code = make_safe(_text(node)).strip("\n")
            if not code.strip():
                return []
            fence = "`" * max(3, max((len(r) for r in re.findall(r"`{3,}", code)), default=0) + 1)
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "blockquote":
            inner = self.blocks(node, depth)
            if not inner:
                return []
            text = "\n>\n".join("\n".join("> " + line if line else ">" for line in b.split("\n")) for b in inner)
            return [text]
        if tag in ("ul", "ol"):
            return [self.list_block(node, depth)] if any(isinstance(c, Node) and c.tag == "li"
                                                         for c in node.children) else self.blocks(node, depth)
        if tag == "table":
            table = self.table(node)
            return [table] if table else []
        if tag in ("dt",):
            text = self.inline_block(node.children)
            return [f"**{text}**"] if text.strip() else []
        return self.blocks(node, depth)

    def list_block(self, node: Node, depth: int) -> str:
        items = []
        n = 0
        start = node.attrs.get("start", "1")
        first = int(start) if start.isdigit() and len(start) < 9 else 1
        for child in node.children:
            if not (isinstance(child, Node) and child.tag == "li"):
                continue
            marker = f"{first + n}." if node.tag == "ol" else "-"
            n += 1
            inner = self.blocks(child, depth) or [""]
            pad = " " * (len(marker) + 1)
            lines = []
            for k, b in enumerate(inner):
                for j, line in enumerate(b.split("\n")):
                    prefix = marker + " " if k == 0 and j == 0 else (pad if line else "")
                    lines.append(prefix + line)
                if k < len(inner) - 1:
                    lines.append("")
            items.append("\n".join(lines))
        return "\n".join(items)

    def table(self, node: Node) -> str:
        rows: list[list[str]] = []
        head_rows = 0

        def collect(n: Node, in_head: bool):
            nonlocal head_rows
            for c in n.children:
                if not isinstance(c, Node):
                    continue
                if c.tag == "tr":
                    cells = [self.inline_block(td.children).replace("\\\n", " ").replace("\n", " ")
                             for td in c.children if isinstance(td, Node) and td.tag in ("td", "th")]
                    if cells:
                        is_head = in_head or all(isinstance(td, Node) and td.tag == "th"
                                                 for td in c.children if isinstance(td, Node))
                        if is_head and len(rows) == head_rows:
                            head_rows += 1
                        rows.append(cells)
                elif c.tag in ("thead", "tbody", "tfoot"):
                    collect(c, c.tag == "thead")
                elif c.tag != "table":  # a nested table's text stays in its cell
                    collect(c, in_head)

        collect(node, False)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        header = rows[0] if head_rows else [""] * width
        body = rows[1:] if head_rows else rows
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)


def _wrap(inner: str, mark: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _text(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text(c) for c in node.children)


def _has_block(node: Node) -> bool:
    stack = list(node.children)
    while stack:
        c = stack.pop()
        if isinstance(c, Node):
            if c.tag in _BLOCK:
                return True
            stack.extend(c.children)
    return False


def html_to_text(html: str) -> str:
    """The text of an HTML fragment (a title of type html): tags dropped, entities decoded."""
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except (AssertionError, ValueError):
        pass
    return " ".join(make_safe(_text(builder.root)).split())


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Convert an entry's HTML to our Markdown (relative links resolved against ``base_url``)."""
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except (AssertionError, ValueError):  # html.parser on hopeless input: keep what was built
        pass
    return render_tree(builder.root, base_url)


def render_tree(root: Node, base_url: str | None = None) -> str:
    """Markdown of a tree of :class:`Node` (from HTML, or from trafilatura's XML)."""
    return "\n\n".join(_Renderer(base_url).blocks(root)).strip() + "\n"


def text_to_markdown(text: str) -> str:
    """Plain text (a JSON Feed ``content_text``): paragraphs at blank lines, everything escaped."""
    paras = re.split(r"\n\s*\n", make_safe(text).strip())
    out = []
    for para in paras:
        lines = [escape(" ".join(line.split())) for line in para.split("\n")]
        block = "\\\n".join(line for line in lines if line)
        if block:
            out.append(_escape_line_starts(block))
    return "\n\n".join(out) + "\n"
