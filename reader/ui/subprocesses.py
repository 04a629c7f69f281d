"""Background ``reader`` subprocesses (the indexer, the feed fetch): started in a process group of
their own, read as JSON lines, stopped with their whole group.

A subprocess keeps spaCy (indexing) and the network stack (fetching) out of the UI process, and
can be stopped at any point: both write their results atomically.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def reader_command(folder: Path, *args: str) -> list[str]:
    """``python -m reader --articles FOLDER ARGS…`` with this interpreter (PYTHONPATH inherited)."""
    return [sys.executable, "-m", "reader", "--articles", str(folder), *args]


def run_json_lines(cmd: list[str], on_line: Callable[[dict[str, Any]], None],
                   on_start: Callable[[subprocess.Popen[str]], None]) -> tuple[int, str]:
    """Run ``cmd``, calling ``on_line`` with each JSON object it prints (other lines are ignored).
    Returns (exit status, its last line on stderr); an OSError starting it is (-1, the error)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        try:
            # its own process group: worker processes it starts are stopped with it (see stop_group)
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            return -1, str(exc)
        on_start(proc)
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict):
                on_line(data)
        code = proc.wait()
        err.seek(0)
        lines = [ln for ln in err.read().strip().splitlines() if ln.strip()]
        return code, (lines[-1:] or [f"exit status {code}"])[0] if code else ""


def stop_group(proc: subprocess.Popen[str] | None) -> None:
    """Stop a subprocess started by :func:`run_json_lines` and anything it started (its group)."""
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything still alive in the group
    except (ProcessLookupError, PermissionError):
        pass
