"""Full text of a feed entry: does the entry carry only a teaser (full text ``auto``: then the page is
fetched), and how close the writer's text is to trafilatura's (tests and bench).

The pieces, one module each: :mod:`reader.feeds.extract` (a page → :class:`~reader.feeds.extract.Extracted`),
:mod:`reader.feeds.convert` (XML, a feed entry's HTML or plain text → our Markdown),
:mod:`reader.feeds.markdown_writer` (the one Markdown writer, made safe and read back) and
:mod:`reader.feeds.markdown_escape` (text hygiene and escaping).
"""

from __future__ import annotations

import re

from reader.feeds.convert import html_to_text
from reader.feeds.markdown_escape import clean_text

# teasers

TEASER_WORDS = 60  # an entry shorter than this many words is taken for a teaser (auto mode, no page)
TEASER_RATIO = 0.6  # … or shorter than this share of the page's extracted text
_TEASER_ENDINGS = re.compile(
    r"(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|"
    r"\b(?:read|continue|keep)\s+(?:the\s+)?(?:more|reading|full\s+(?:story|article))|\bmore\s*[»›→]|\[\s*more\s*\]|"
    r"\blire\s+la\s+suite|\ben\s+savoir\s+plus|\bweiterlesen|\bmehr\s+lesen|\bleer\s+m[aá]s|\bsigue\s+leyendo|"
    r"\bcontinua(?:r)?\s+(?:a\s+)?le(?:ggere|yendo)|\bleia\s+mais)"
    r"[\s\W]*$", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _entry_text(entry: str) -> str:
    if re.search(r"<[A-Za-z/!]", entry):
        return html_to_text(entry)
    import html as html_lib

    return clean_text(html_lib.unescape(entry))


def teaser_reason(entry_html_or_text: str | None, page_text: str | None = None, *,
                  min_words: int = TEASER_WORDS, ratio: float = TEASER_RATIO, plain: bool = False) -> str | None:
    """Why an entry looks like a teaser only (a short reason for the log), or None if it looks whole.

    - empty, or ending with "…", "[…]", "Read more", "Lire la suite"…;
    - with *page_text* (the page's extracted text): much shorter than it (< *ratio* of its words);
      an entry about as long as its page is whole, however short;
    - without it: shorter than *min_words* words.

    *plain*: the entry is given as the text it reads as already (not HTML to convert again)."""
    text = (entry_html_or_text or "") if plain else _entry_text(entry_html_or_text or "")
    words = len(_WORD.findall(text))
    if words == 0:
        return "empty"
    ending = _TEASER_ENDINGS.search(text[-80:])
    page_words = len(_WORD.findall(page_text)) if page_text else 0
    if page_words:
        if words < ratio * page_words:
            return f"{words} words, the page has {page_words}"
        if ending and words < 0.9 * page_words:
            return f"ends with {ending.group().strip()!r}"
        return None
    if ending:
        return f"ends with {ending.group().strip()!r}"
    if words < min_words:
        return f"only {words} words"
    return None


def is_teaser(entry_html_or_text: str | None, page_text: str | None = None, *, min_words: int = TEASER_WORDS,
              ratio: float = TEASER_RATIO, plain: bool = False) -> bool:
    """Does the entry carry only a teaser (fetch the page for full text ``auto``)? See :func:`teaser_reason`."""
    return teaser_reason(entry_html_or_text, page_text, min_words=min_words, ratio=ratio, plain=plain) is not None


# ---------------------------------------------------------------------------------------------
# measuring the writer (tests and bench): nothing dropped, nothing added against trafilatura's text

def shingle_f1(ours: str, reference: str, n: int = 4) -> float:
    """F1 of the word *n*-gram multisets of two texts (words: ``\\w+``, case folded)."""
    from collections import Counter

    def grams(text: str) -> Counter:
        words = [w.casefold() for w in _WORD.findall(text)]
        return Counter(tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1)))

    a, b = grams(ours), grams(reference)
    if not a or not b:
        return 1.0 if a == b else 0.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)
