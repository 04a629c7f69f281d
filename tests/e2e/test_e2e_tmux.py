"""End-to-end: the real `reader` command in a real terminal (tmux), keys sent, screen captured."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import BUNDLED

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]

READER = str(Path(sys.executable).with_name("reader"))


class Tmux:
    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.socket = str(tmp_path / "tmux.sock")
        self.env = env

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, env=self.env,
                              check=True).stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "e2e", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-t", "e2e", "-p")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            try:
                screen = self.screen()
            except subprocess.CalledProcessError:
                screen = "<session ended>"
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{screen}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-S", self.socket, "has-session", "-t", "e2e"], capture_output=True,
                              env=self.env).returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, env=self.env)


@pytest.fixture
def tmux(tmp_path):
    env = dict(os.environ, TERM="xterm-256color", READER_NO_INGEST="1")
    t = Tmux(tmp_path, env)
    yield t
    t.kill()


def test_open_read_and_quit(tmux, tmp_path):
    done = tmp_path / "exit-code"
    tmux.start(f"{READER} --articles {BUNDLED}; echo $? > {done}; sleep 30")
    tmux.wait_for("Twitter va disparaître")
    tmux.keys("j")  # second article
    tmux.keys("Enter")
    screen = tmux.wait_for("La plateforme gratuite Microsoft Advertising")
    assert "Twitter va disparaître de la plateforme publicitaire" in screen
    tmux.keys("q")
    deadline = time.monotonic() + 10
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert done.exists(), "reader did not quit on q"
    assert done.read_text().strip() == "0"


def test_bookmark_survives_a_restart(tmux, tmp_path):
    cmd = f"{READER} --articles {BUNDLED}"
    tmux.start(cmd)
    tmux.wait_for("Twitter va disparaître")
    tmux.keys("Enter")
    tmux.wait_for("Microsoft va retirer Twitter")
    tmux.wait_for("b Bookmark")  # the article view has the focus (its keys are in the footer)
    tmux.keys("j")
    tmux.keys("b")
    tmux.wait_for("Bookmarked passage")
    tmux.keys("q")
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive(), "reader did not quit"
    tmux.start(cmd)
    tmux.wait_for("Twitter va disparaître")
    tmux.keys("B")
    screen = tmux.wait_for("1 of 1 bookmarks")
    assert "Depuis l’arrivée d’Elon Musk" in screen


@pytest.mark.parametrize("size", [0, 450])
def test_q_quits_at_once_while_indexing_runs(tmp_path, size):
    """q stops the background indexer, including spaCy's worker processes (2 from 400 articles)."""
    if size:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
        from gencorpus import generate

        folder = generate(tmp_path / "gen", size)
    else:
        folder = BUNDLED
    env = dict(os.environ, TERM="xterm-256color")  # background ingest on
    env.pop("READER_NO_INGEST", None)
    t = Tmux(tmp_path, env)
    done = tmp_path / "exit-code"
    try:
        t.start(f"{READER} --articles {folder}; echo $? > {done}; sleep 30")
        # entities are being computed (for the big corpus: some done, so the workers are running)
        t.wait_for("Finding entities… 10/" if size else "Finding entities", timeout=120)
        t0 = time.monotonic()
        t.keys("q")
        while not done.exists() and time.monotonic() - t0 < 15:
            time.sleep(0.1)
        assert done.exists(), "reader kept running after q while indexing"
        assert done.read_text().strip() == "0"
    finally:
        t.kill()
    time.sleep(0.5)
    out = subprocess.run(["pgrep", "-f", f"--articles {folder} index --progress-lines"], capture_output=True,
                         text=True)
    assert out.stdout.strip() == "", "indexer processes left behind"


def test_closing_the_terminal_ends_the_reader_and_keeps_the_place(tmux, tmp_path):
    """Closed terminal, no SIGHUP reaching the reader (as under `make run`, where make holds the
    session): the reader notices the terminal is gone and leaves, instead of spinning on a dead tty."""
    pidfile = tmp_path / "pid"
    # `trap "" HUP`: the reader inherits an ignored SIGHUP, like a process that never receives it
    tmux.start(f"sh -c 'trap \"\" HUP; echo $$ > {pidfile}; exec {READER} --articles {BUNDLED}'")
    tmux.wait_for("Twitter va disparaître")
    tmux.keys("Enter")
    tmux.wait_for("Microsoft va retirer Twitter")
    tmux.wait_for("b Bookmark")  # the article view has the focus
    tmux.keys("j", "j")
    time.sleep(0.5)
    pid = int(pidfile.read_text())
    tmux.kill()  # the terminal goes away
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
        if state == "Z":
            break
        time.sleep(0.2)
    alive = Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    if alive:
        os.kill(pid, 9)
    assert not alive, "reader kept running after its terminal was closed"
    # where the reader was is kept for the next start
    import json

    from reader import paths

    state = json.loads(paths.ui_state_file().read_text())
    assert state["last"]["passage"] == 2


def test_sigterm_restores_the_terminal_and_keeps_the_place(tmux, tmp_path):
    pidfile = tmp_path / "pid"
    tmux.start(f"sh -c 'echo $$ > {pidfile}; exec {READER} --articles {BUNDLED}'; echo EXIT=$?; sleep 30")
    tmux.wait_for("Twitter va disparaître")
    tmux.keys("Enter")
    tmux.wait_for("b Bookmark")  # the article view has the focus
    tmux.keys("j", "j", "j")
    time.sleep(0.5)
    os.kill(int(pidfile.read_text()), 15)
    screen = tmux.wait_for("EXIT=143")
    assert "Microsoft se retire" not in screen, "the reader's screen was left on the terminal"
    import json

    from reader import paths

    assert json.loads(paths.ui_state_file().read_text())["last"]["passage"] == 3
