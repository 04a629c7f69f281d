"""Architecture rules: the core never imports Textual; the reading path never imports spaCy nor the
feed fetch stack (feedparser, trafilatura, py3langid, urllib3: those run in subprocesses)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "reader"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_never_import_textual_or_rich():
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        if rel.parts[0] == "ui":
            continue
        bad = _imports(path) & {"textual", "rich"}
        if bad:
            offenders.append(f"{rel}: {sorted(bad)}")
    assert offenders == []


def test_ui_modules_never_import_spacy_or_sklearn_directly():
    offenders = []
    for path in (PKG / "ui").rglob("*.py"):
        bad = _imports(path) & {"spacy", "sklearn", "thinc"}
        if bad:
            offenders.append(f"{path.name}: {sorted(bad)}")
    assert offenders == []


# the feed machinery: fetching and discovery run in ``reader fetch`` / ``reader feeds add`` subprocesses
FETCH_STACK = ("feedparser", "trafilatura", "py3langid", "urllib3", "reader.feeds.net", "reader.feeds.parse",
               "reader.feeds.update", "reader.feeds.discover", "reader.feeds.langdetect", "reader.feeds.fulltext")


def test_ui_modules_never_import_the_fetch_stack_directly():
    offenders = []
    top = {m.split(".")[0] for m in FETCH_STACK if not m.startswith("reader.")}
    for path in (PKG / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        bad = {n for n in names if n in FETCH_STACK or n.split(".")[0] in top}
        if bad:
            offenders.append(f"{path.name}: {sorted(bad)}")
    assert offenders == []


def test_reading_path_does_not_load_spacy_or_the_fetch_stack(tmp_path):
    """Start the real app headless, open an article and the feeds screen (a corpus with a feed),
    and check which modules got imported."""
    import shutil

    corpus = tmp_path / "articles"
    shutil.copytree(ROOT / "articles", corpus)
    (corpus / "feeds.txt").write_text("http://127.0.0.1:9/feed.xml news\n", encoding="utf-8")
    code = """
import asyncio, sys
from pathlib import Path
from reader.ui.app import ReaderApp
async def main():
    app = ReaderApp(Path(sys.argv[1]), ingest=False, fetch=False)
    async with app.run_test() as pilot:
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press("F")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "FeedsScreen", app.screen
        await pilot.press("escape")
asyncio.run(main())
heavy = sorted(m for m in ("spacy", "thinc", "sklearn", "torch") + FETCH_STACK if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
""".replace("FETCH_STACK", repr(FETCH_STACK))
    out = subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True, text=True,
                         timeout=120)
    assert "HEAVY=" in out.stdout, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_ui_never_imports_the_feed_extractors():
    """Page extraction, feed parsing and language detection run in the fetch, never in the UI process."""
    offenders = []
    for path in (PKG / "ui").rglob("*.py"):
        bad = _imports(path) & {"trafilatura", "feedparser", "py3langid", "lxml", "listparser"}
        if bad:
            offenders.append(f"{path.name}: {sorted(bad)}")
    assert offenders == []


def test_feed_modules_import_extractors_lazily():
    """reader.feeds modules import trafilatura / py3langid / lxml inside functions only."""
    offenders = []
    for path in (PKG / "feeds").rglob("*.py") if (PKG / "feeds").is_dir() else ():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                top.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top.add(node.module.split(".")[0])
        bad = top & {"trafilatura", "py3langid", "lxml"}
        if bad:
            offenders.append(f"{path.name}: {sorted(bad)}")
    assert offenders == []


def test_tests_build_the_reader_through_the_one_factory():
    """Tests take the ``make_app`` fixture (or ``helpers.build_app`` outside a test function) and
    never call ``ReaderApp(...)`` themselves; benches run outside pytest and build their own. The
    start-up check above builds one in the code of a fresh interpreter (a string, not a call here)."""
    tests = ROOT / "tests"
    offenders = []
    for path in tests.rglob("*.py"):
        rel = path.relative_to(tests)
        if rel.parts[0] in ("bench", "helpers"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{rel}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Call)
                      and isinstance(n.func, (ast.Name, ast.Attribute))
                      and (n.func.id if isinstance(n.func, ast.Name) else n.func.attr) == "ReaderApp"]
    assert offenders == []
