"""French text analysis for the search index.

``french_analyzer()`` — used for title, body and the entity fields::

    RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map)
        | StopFilter(folded French stop words + "les", minsize=2) | StemFilter(lang="fr")

Accents are folded *before* stemming (so ``deja`` finds "déjà" and ``elections`` "Élections"),
and the stop list is folded too so that "été"/"ete" are both dropped. Tokens keep the character
offsets of the original text (case and accents intact), which is what snippets and match spans use.

``fold(word)`` — lowercase + accent folding of one word, the normal form of the spelling field.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# "les" is missing from Whoosh's French list; a few more very common words that only add noise.
EXTRA_STOPS = {"les", "aux", "dont", "cette", "ces", "cet", "etre", "sont", "est"}


def fold(word: str) -> str:
    """Lowercase and strip accents the way the index does (``"Déjà"`` → ``"deja"``)."""
    return word.lower().translate(accent_map)


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    return frozenset(fold(w) for w in stopwords_for_language("fr")) | EXTRA_STOPS


def french_analyzer():
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=french_stop_words(), minsize=2)
        | StemFilter(lang="fr", cachesize=50000)
    )


# -- fast cached analysis -------------------------------------------------------------------------
# Whoosh's analyzers are chains of Python generators (~5 µs a token). Every filter above works on
# one token at a time, so a word's indexed term depends only on the word: the index, snippets and
# match spans all use this cache (one dict lookup a token) and give exactly what
# french_analyzer() gives on the same text.

WORD_RE = re.compile(r"\w+(?:\.?\w+)*")  # RegexTokenizer's default pattern
_TERMS: dict[str, str | None] = {}
_MAX_CACHE = 300_000


def term_of(word: str) -> str | None:
    """The indexed term of one word (``"Plateformes"`` → ``"plateform"``), None for a stop word."""
    try:
        return _TERMS[word]
    except KeyError:
        pass
    toks = [t.text for t in _analyzer()(word)]
    term = toks[0] if len(toks) == 1 else (" ".join(toks) or None)
    if len(_TERMS) >= _MAX_CACHE:
        _TERMS.clear()
    _TERMS[word] = term
    return term


def analyze(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of every indexed word of ``text`` (offsets into ``text``)."""
    out = []
    cache = _TERMS
    for m in WORD_RE.finditer(text):
        word = m.group()
        term = cache[word] if word in cache else term_of(word)
        if term is not None:
            out.append((term, m.start(), m.end()))
    return out


def terms(text: str) -> list[str]:
    """The indexed terms of ``text`` in order (stop words removed), as the index stores them."""
    cache = _TERMS
    out = []
    for word in WORD_RE.findall(text):
        term = cache[word] if word in cache else term_of(word)
        if term is not None:
            out.append(term)
    return out


@lru_cache(maxsize=1)
def _analyzer():
    return french_analyzer()
