"""An installed (non-editable) copy of reader finds its styles and bundled articles."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out),
                           str(ROOT)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(proc.stdout[-2000:] + proc.stderr[-2000:])
    return next(out.glob("newsreader_tui-*.whl"))


def test_distribution_is_ours_the_command_and_package_stay_reader(wheel):
    """The PyPI name ``reader`` is another project's (a feed library that also imports as ``reader``):
    ours is ``newsreader-tui``; the command is ``reader``, the package ``reader/``."""
    from reader.nlp.registry import DIST

    zf = zipfile.ZipFile(wheel)
    meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
    assert "Name: newsreader-tui" in zf.read(meta).decode().splitlines()
    entry = next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "reader = reader.cli:main" in zf.read(entry).decode()
    assert DIST == "newsreader-tui"


def test_wheel_ships_styles_and_articles(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "reader/styles/reader.tcss" in names
    assert any(n.startswith("reader/_articles/") and n.endswith(".md") for n in names)


def test_installed_copy_finds_styles(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import reader.paths as p, reader; print(p.styles_dir()); print(p.bundled_articles()); "
            "print(reader.__file__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    styles, articles, pkg = out.stdout.split()
    assert pkg.startswith(str(target))
    assert styles == str(target / "reader" / "styles")
    assert (Path(styles) / "reader.tcss").is_file()
    assert articles == str(target / "reader" / "_articles")
