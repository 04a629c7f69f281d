"""French text analysis for the search index.

``french_analyzer()`` — used for title, body and the entity fields::

    RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map)
        | StopFilter(folded French stop words + "les", minsize=2) | StemFilter(lang="fr")

Accents are folded *before* stemming (so ``deja`` finds "déjà" and ``elections`` "Élections"),
and the stop list is folded too so that "été"/"ete" are both dropped. Tokens keep the character
offsets of the original text (case and accents intact), which is what snippets and match spans use.

``spelling_analyzer()`` — the same without stop words or stemming, for the did-you-mean field
(suggesting stems such as "plateform" would be useless to a reader).

``fold(word)`` — lowercase + accent folding of one word, the normal form of the spelling field.
"""

from __future__ import annotations

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


def spelling_analyzer():
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter(
        stoplist=french_stop_words(), minsize=3
    )
