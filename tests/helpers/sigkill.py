"""SIGKILL a writer process at random moments: the durability tests' shared loop."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kill_repeatedly(code: str, args: list[str], rounds: int = 10, seed: int = 1234,
                    round_arg: bool = False, first_lines: int = 0) -> list[str]:
    """Run ``python -c code *args`` ``rounds`` times (with the round number as a last argument when
    ``round_arg``), each killed with SIGKILL a random moment after it printed ``ready`` and then
    ``first_lines`` lines (so that a loaded machine still sees every round get somewhere); returns
    the whole lines it printed after ``ready`` (a last, half-printed piece is dropped)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rng = random.Random(seed)
    printed: list[str] = []
    for round_ in range(rounds):
        argv = [sys.executable, "-c", code, *args] + ([str(round_)] if round_arg else [])
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        printed += [proc.stdout.readline().rstrip("\n") for _ in range(first_lines)]
        time.sleep(rng.uniform(0.0, 0.25))  # a random moment, mid-transaction or not
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err
        printed += [line for line in out.split("\n")[:-1] if line]
    return printed
