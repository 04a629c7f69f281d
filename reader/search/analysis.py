"""Text analysis for the search index, one chain per language.

``analyzer_for(lang)`` — the chain of a language (used for title, body and the entity fields of
the articles of that language, and for the words of a query searched in them)::

    fr, und:  RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map)
                  | StopFilter(folded French stop words + "les", minsize=2) | StemFilter(lang="fr")
    en:       … | StopFilter(folded English stop words, minsize=2) | StemFilter(lang="en")
    de, es, it, nl, pt, …  (any language Whoosh has a Snowball stemmer for): its stop words
              (when Whoosh has them) and its stemmer, accents folded before both
    others:   RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map)   (neutral: no stemming)

An article of undetermined language ("und", the default) is analysed as French, the reader's home
language (what every article got before the index knew languages).

Accents are folded *before* stemming (so ``deja`` finds "déjà" and ``elections`` "Élections"),
and the stop list is folded too so that "été"/"ete" are both dropped. Tokens keep the character
offsets of the original text (case and accents intact), which is what snippets and match spans use.

``fold(word)`` — lowercase + accent folding of one word, the normal form of the spelling field.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import has_stemmer, has_stopwords, stopwords_for_language
from whoosh.support.charset import accent_map

# "les" is missing from Whoosh's French list; a few more very common words that only add noise.
EXTRA_STOPS = {"les", "aux", "dont", "cette", "ces", "cet", "etre", "sont", "est"}
DEFAULT_KEY = "fr"  # the analysis of an undetermined language
NEUTRAL_KEY = "xx"  # no stop words, no stemming


def fold(word: str) -> str:
    """Lowercase and strip accents the way the index does (``"Déjà"`` → ``"deja"``)."""
    return word.lower().translate(accent_map)  # type: ignore[arg-type]  # keys are code points (whoosh's types say str)


@lru_cache(maxsize=64)
def analysis_key(lang: str | None) -> str:
    """The analysis an article's ``language:`` gets: "fr-CA" → "fr", "und"/missing → "fr",
    a language Whoosh has no stemmer for → "xx" (neutral)."""
    code = (lang or "und").strip().lower().replace("_", "-").split("-")[0] or "und"
    if code == "und":
        return DEFAULT_KEY
    return code if has_stemmer(code) else NEUTRAL_KEY


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    return stop_words("fr")


@lru_cache(maxsize=32)
def stop_words(key: str) -> frozenset[str]:
    """The folded stop words of an analysis key (empty for the neutral one)."""
    if key == NEUTRAL_KEY or not has_stopwords(key):
        return frozenset()
    words = frozenset(fold(w) for w in stopwords_for_language(key))
    return words | EXTRA_STOPS if key == "fr" else words


def analyzer_for(lang: str | None) -> Analyzer:
    key = analysis_key(lang)
    chain = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    if key == NEUTRAL_KEY:
        return chain
    stops = stop_words(key)
    if stops:
        chain = chain | StopFilter(stoplist=stops, minsize=2)
    return chain | StemFilter(lang=key, cachesize=50000)


def french_analyzer() -> Analyzer:
    return analyzer_for("fr")


# -- fast cached analysis -------------------------------------------------------------------------
# Whoosh's analyzers are chains of Python generators (~5 µs a token). Every filter above works on
# one token at a time, so a word's indexed term depends only on the word (and the language): the
# index, snippets and match spans all use this cache (one dict lookup a token) and give exactly
# what analyzer_for(lang) gives on the same text.

WORD_RE = re.compile(r"\w+(?:\.?\w+)*")  # RegexTokenizer's default pattern
_CACHES: dict[str, dict[str, str | None]] = {}
_MAX_CACHE = 300_000


def _cache(lang: str | None) -> tuple[str, dict[str, str | None]]:
    key = analysis_key(lang)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = {}
    return key, cache


def term_of(word: str, lang: str | None = None) -> str | None:
    """The indexed term of one word (``"Plateformes"`` → ``"plateform"``), None for a stop word."""
    key, cache = _cache(lang)
    try:
        return cache[word]
    except KeyError:
        pass
    toks = [t.text for t in _analyzer(key)(word)]
    term = toks[0] if len(toks) == 1 else (" ".join(toks) or None)
    if len(cache) >= _MAX_CACHE:
        cache.clear()
    cache[word] = term
    return term


def analyze(text: str, lang: str | None = None) -> list[tuple[str, int, int]]:
    """(term, start, end) of every indexed word of ``text`` (offsets into ``text``)."""
    out = []
    key, cache = _cache(lang)
    for m in WORD_RE.finditer(text):
        word = m.group()
        term = cache[word] if word in cache else term_of(word, key)
        if term is not None:
            out.append((term, m.start(), m.end()))
    return out


def terms(text: str, lang: str | None = None) -> list[str]:
    """The indexed terms of ``text`` in order (stop words removed), as the index stores them."""
    key, cache = _cache(lang)
    out = []
    for word in WORD_RE.findall(text):
        term = cache[word] if word in cache else term_of(word, key)
        if term is not None:
            out.append(term)
    return out


@lru_cache(maxsize=32)
def _analyzer(key: str) -> Analyzer:
    return analyzer_for(key)
