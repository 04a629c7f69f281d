"""Architecture rules: the core never imports Textual; the reading path never imports spaCy nor the
feed fetch stack (feedparser, trafilatura, py3langid, urllib3: those run in subprocesses)."""

from __future__ import annotations

import ast
import re
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
               "reader.feeds.update", "reader.feeds.discover", "reader.feeds.langdetect", "reader.feeds.fulltext",
               "reader.feeds.extract", "reader.feeds.convert", "reader.feeds.markdown_writer", "reader.feeds.markdown_escape",
               "reader.feeds.articles", "reader.feeds.schedule")


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


def _lint_imports() -> list[str]:
    """The command of import-linter installed beside this Python (the dev extra brings it)."""
    script = Path(sys.executable).with_name("lint-imports")
    assert script.exists(), f"import-linter is not installed ({script}): pip install -e '.[dev]'"
    return [str(script), "--no-logo", "--no-cache"]


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def test_the_import_contracts_hold():
    """pyproject.toml's contracts: layers cli → ui | ingest → features → base, search / events /
    bookmarks / nlp independent, no Textual or Rich in the core, no import cycle inside a package."""
    out = subprocess.run(_lint_imports(), cwd=ROOT, capture_output=True, text=True, timeout=120, env=_env())
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "4 kept, 0 broken" in out.stdout


def test_a_broken_contract_fails_lint_imports(tmp_path):
    """The check can fail: in a copy of the package where events imports nlp, lint-imports fails."""
    import shutil

    shutil.copytree(PKG, tmp_path / "reader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "reader" / "events" / "model.py", "a", encoding="utf-8") as f:
        f.write("\nfrom reader.nlp import registry  # noqa\n")
    env = _env() | {"PYTHONPATH": str(tmp_path)}
    out = subprocess.run(_lint_imports(), cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode != 0
    assert "reader.events is not allowed to import reader.nlp" in out.stdout
    assert "reader.events.model -> reader.nlp.registry" in out.stdout


def test_every_core_module_is_under_the_no_textual_contract():
    """The forbidden contract lists its modules by name: a new core module must be added there (the
    layers contract, exhaustive, already makes it take a layer)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    forbidden = next(c for c in config["contracts"] if c["id"] == "no-textual")
    children = {f"reader.{p.stem}" for p in PKG.glob("*.py") if p.stem != "__init__"}
    children |= {f"reader.{p.parent.name}" for p in PKG.glob("*/__init__.py")}
    assert children - {"reader.ui"} == set(forbidden["source_modules"])


def test_mypy_checks_the_whole_ui_strictly_like_the_core():
    """`make test`'s mypy: every function of reader/ui annotated and every body checked, no module let off."""
    import tomllib

    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    strict = ("disallow_untyped_defs", "disallow_incomplete_defs", "check_untyped_defs")
    ui = [o for o in overrides if any(m == "reader.ui" or m.startswith("reader.ui.") for m in o["module"])]
    assert [o["module"] for o in ui] == [["reader.ui.*"]], "one override for the UI, no module apart"
    assert all(ui[0].get(flag) is True for flag in strict) and not ui[0].get("ignore_errors")
    core = next(o for o in overrides if "reader.passages" in o["module"])
    assert all(core.get(flag) is True for flag in strict), "the core's set, which the UI's matches"


def test_start_up_imports_no_screen_or_dialog_but_the_main_screen(tmp_path):
    """Screens and dialogs not on the first frame are imported when first opened (start-up time):
    ``reader`` run to its first paint loads ``reader.ui.screens.main`` and no other screen or
    dialog module."""
    import os

    env = {**os.environ, "READER_EXIT_AFTER_PAINT": "1", "READER_HEADLESS": "1", "READER_NO_INGEST": "1",
           "READER_NO_FETCH": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "reader", "--articles", str(ROOT / "articles")],
                         capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(re.findall(r"reader\.ui\.(?:screens|dialogs)\.\w+", out.stderr))
    assert loaded == {"reader.ui.screens.main"}
