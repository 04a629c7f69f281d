"""The language of an incoming article: detected offline on its title and first paragraph.

py3langid (BSD-3, model bundled in its wheel, no network) is imported on first use only: the UI
process never loads it. Feeds declare their language wrongly often enough (``<html lang>``,
``<language>``, ``xml:lang``) that a **confident** detection disagreeing with the declared language
wins; the disagreement is recorded in ``source``, e.g. ``"declared en, detected fr (0.98)"``. A text
too short or too unsure to judge keeps the declared language.
"""

from __future__ import annotations

import re
import threading
from typing import Any, NamedTuple

# Below this many letters a detection is not trusted to overrule anything (titles alone are hard).
MIN_LETTERS = 20
# The normalised probability (py3langid's calibrated softmax) a detection needs to count.
MIN_CONFIDENCE = 0.90
# What the detector reads at most: its time grows with the text, its answer hardly after a few lines.
MAX_CHARS = 400

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_lock = threading.Lock()
_identifier = None


class Language(NamedTuple):
    lang: str | None  # ISO 639-1 code ("en", "fr"), None when nothing is known
    confidence: float  # the detector's probability for its best language, 0.0 when not run
    source: str  # "detected", "declared", "declared+detected", "declared en, detected fr (0.98)", "unknown"


def normalise_code(code: str | None) -> str | None:
    """``"en-US"``, ``"fr_FR"``, ``" DE "`` → ``"en"``, ``"fr"``, ``"de"``; junk → None."""
    if not code:
        return None
    head = re.split(r"[-_]", str(code).strip().lower(), maxsplit=1)[0]
    return head if re.fullmatch(r"[a-z]{2,3}", head) else None


def _get_identifier() -> Any:  # py3langid's LanguageIdentifier (py3langid ships no types)
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def preload() -> None:
    """Load the model now (a fetch starts this in a thread while the first feeds download)."""
    _get_identifier()


def classify(text: str) -> tuple[str, float]:
    """The detector's best language and its probability for *text* (no thresholds applied)."""
    lang, conf = _get_identifier().classify(text)
    return str(lang), float(conf)


def detect_language(title: str | None, first_paragraph: str | None, declared: str | None = None, *,
                    min_confidence: float = MIN_CONFIDENCE, min_letters: int = MIN_LETTERS) -> Language:
    """``(lang, confidence, source)`` for an article from its title and first paragraph.

    - nothing declared: the detected language if confident (``source="detected"``), else
      ``(None, conf, "unknown")``;
    - declared and detection agrees: ``source="declared+detected"``;
    - declared and a confident detection disagrees: the detected language wins and ``source`` says
      ``"declared en, detected fr (0.98)"``;
    - declared and the text is too short or the detector unsure: the declared language,
      ``source="declared"``.
    """
    decl = normalise_code(declared)
    text = " ".join(" ".join(part.split()) for part in (title, first_paragraph) if part)[:MAX_CHARS]
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return Language(decl, 0.0, "declared") if decl else Language(None, 0.0, "unknown")
    lang, conf = classify(text)
    sure = conf >= min_confidence and letters >= min_letters
    if decl is None:
        return Language(lang, conf, "detected") if sure else Language(None, conf, "unknown")
    if lang == decl:
        return Language(decl, conf, "declared+detected")
    if sure:
        return Language(lang, conf, f"declared {decl}, detected {lang} ({conf:.2f})")
    return Language(decl, conf, "declared")
