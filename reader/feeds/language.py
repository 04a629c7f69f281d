"""The language of an incoming article: detected on its title and first paragraphs (py3langid),
kept beside the language the feed declares (feeds often declare one language for all their
entries, or the wrong one).

Rule: a detection at probability ≥ :data:`TRUST` wins; below it the declared language stands
(else ``und``). Texts under :data:`MIN_WORDS` words are not detected. The model (4.6 MB) loads
once per process, on the first article that needs it (~1 s), never in the UI process.
"""

from __future__ import annotations

import threading

TRUST = 0.5
MIN_WORDS = 4
SAMPLE_CHARS = 600
_lock = threading.Lock()
_identifier = None


def _model():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def detect(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) of ``text``, or None when it is too short to tell."""
    sample = " ".join(text.split())[:SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS:
        return None
    lang, prob = _model().classify(sample)
    return str(lang), float(prob)


def decide(declared: str | None, detected: tuple[str, float] | None) -> str:
    if detected and detected[1] >= TRUST:
        return detected[0]
    return declared or "und"
