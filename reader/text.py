"""Text of a passage as sentences: one splitter for every part of the reader that needs them.

:func:`split_sentences` cuts a passage's text with a regex: a sentence ends at ``. ! ? …`` (plus
closing quotes/brackets) followed by a space and an upper-case letter, a digit, an opening quote or a
dash. It does not cut after French abbreviations (``M.``, ``Mme.``, ``Dr.``, ``cf.``, ``n°.``,
initials like ``J.``) nor after English ones (``Mr.``, ``U.S.``, ``Jan.``) nor *inside* quotes « » “ ”
(a quoted tweet of two sentences stays with its "a-t-il tweeté"), unless the quote runs past 400
characters. Fragments of fewer than 3 words, or starting with a dash (``— Elon Musk (@elonmusk) …``),
join the sentence before them.

Used by the events' extraction (:mod:`reader.events.extract`, one mention a sentence) and by the
reader's ``s`` key (keyboard selection, sentence by sentence), so "Selon M. Musk, …" is one sentence
to both. A leaf module: the standard library only.

Not a splitter, so not here: :func:`reader.nlp.dates.sentence_bounds`, the clause window (cut at
``;`` too, at most 500 characters each side, on the model's text) in which the verb nearest a date
gives its tense; it runs once per date mention and must stay bounded on a huge passage.
"""

from __future__ import annotations

import re

MAX_QUOTE = 400

_ABBREV = {
    "m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "mgr", "st", "ste", "cf", "etc.", "p", "pp",
    "av", "apr", "j.-c", "n°", "no", "vol", "chap", "fig", "ex", "env", "art", "al", "éd", "coll", "min", "max",
    "mr", "mrs", "ms", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "bd", "réf", "tél",
    # English: titles, months, "U.S." and the like (the initials rule covers "J.")
    "prof", "gen", "gov", "sen", "rep", "rev", "lt", "col", "capt", "sgt", "u.s", "u.k", "e.g", "i.e", "approx",
    "jan", "feb", "mar", "aug", "sept", "oct", "nov", "dec", "dept",
}
_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]*[»”])?[\"')\]]*")
_NEXT = re.compile(r"\s+(?=[A-ZÀ-ÖØ-Þ0-9«“\"'(\[—–-])")
_OPEN_Q = "«“"
_CLOSE_Q = "»”"


def _is_abbrev(text: str, dot: int) -> bool:
    """Is the period at ``dot`` the end of an abbreviation or an initial?"""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in "«“(\"'":
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "J. Dupont"


def quote_depth_at(text: str) -> list[int] | None:
    """Quote nesting depth before each character (« » and “ ” only: straight quotes are ambiguous);
    None when the text has no opening quote (depth 0 everywhere)."""
    if "«" not in text and "“" not in text:
        return None
    depth = 0
    out = []
    for ch in text:
        out.append(depth)
        if ch in _OPEN_Q:
            depth += 1
        elif ch in _CLOSE_Q and depth > 0:
            depth -= 1
    out.append(depth)
    return out


def split_sentences(text: str, depth: list[int] | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of a passage's text (stripped, end exclusive)."""
    if depth is None:
        depth = quote_depth_at(text)
    cuts: list[int] = []
    quote_open_at = None
    for m in _END.finditer(text):
        nxt = _NEXT.match(text, m.end())
        if not nxt and m.end() != len(text):
            continue
        if _is_abbrev(text, m.start()) and m.group() == ".":
            continue
        d = depth[m.end()] if depth else 0
        if depth and d > 0:
            # inside a quote: cut only if the quote is very long
            if quote_open_at is None:
                k = m.start()
                while k > 0 and depth[k] > 0:
                    k -= 1
                quote_open_at = k
            if m.end() - quote_open_at < MAX_QUOTE:
                continue
        else:
            quote_open_at = None
        cuts.append(m.end())
    spans: list[tuple[int, int]] = []
    pos = 0
    for c in cuts + [len(text)]:
        seg = text[pos:c]
        lead = len(seg) - len(seg.lstrip())
        s, e = pos + lead, pos + len(seg.rstrip())
        if e > s:
            spans.append((s, e))
        pos = c
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        piece = text[s:e]
        if merged and (len(piece.split()) < 3 or piece[0] in "—–"):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if len(merged) > 1 and len(text[merged[0][0]:merged[0][1]].split()) < 3:
        merged[0:2] = [(merged[0][0], merged[1][1])]
    return merged

