"""Child processes die with their parent, however the parent ends (even SIGKILL).

spaCy's ``nlp.pipe(n_process=2)`` forks worker processes (~400 MB each) that wait on a queue for
ever once their parent is gone. So:

- :func:`workers_die_with_us` (around ``nlp.pipe``): :func:`guard_forks` — every process forked
  from then on runs :func:`die_with_parent` first thing and takes the default action of SIGINT and
  SIGTERM (not the parent's handlers) — and, while the workers run, Ctrl-C or SIGTERM terminate
  them before raising (spaCy's clean-up would otherwise join workers blocked on a full pipe);
- :func:`die_with_parent` (in a child): on Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, so the kernel
  kills the child when the parent dies; elsewhere, or if prctl fails, a daemon thread that polls
  ``os.getppid()`` and exits the child when it changes. (PDEATHSIG fires when the *thread* that
  forked ends: workers must be started from the thread that consumes them, as ``nlp.pipe`` does.)
- :func:`stop_on_signals` (``reader index``, for SIGTERM): the signal terminates the multiprocessing
  children and raises :class:`reader.errors.Terminated` in the main thread, so caches are left as a
  Ctrl-C leaves them and the command exits 143;
- :func:`watch_parent` (``reader index --progress-lines``, which the UI starts in its own session):
  when the UI is gone, the indexer stops itself as on SIGTERM.

Only the ``fork`` start method (Linux's default up to Python 3.13) runs the fork hook; processes
started by ``spawn``/``forkserver`` are not guarded.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5

_guarding = False
_registered = False
_forking_pid = 0


def _prctl_pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, gone: Callable[[], None], stop: threading.Event | None = None) -> threading.Thread:
    """A daemon thread calling ``gone()`` once ``os.getppid()`` is no longer ``parent``."""
    stop = stop or threading.Event()

    def run() -> None:
        while not stop.wait(POLL_SECONDS):
            if os.getppid() != parent:
                gone()
                return

    thread = threading.Thread(target=run, name="reader-parent-watch", daemon=True)
    thread.start()
    return thread


def die_with_parent(parent: int) -> str:
    """Make this (child) process end when ``parent`` does; returns the means ("prctl"/"watchdog")."""
    means = "prctl" if _prctl_pdeathsig() else "watchdog"
    if means == "watchdog":
        _watch(parent, lambda: os._exit(1))
    if os.getppid() != parent:  # the parent died before the guard was in place
        os._exit(1)
    return means


def _before_fork() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _in_child() -> None:
    if not _guarding:
        return
    if _stopping is not None:  # forked while this process is stopping
        os._exit(1)
    # the parent's handlers are not ours: Ctrl-C (sent to the whole group) and SIGTERM end us quietly
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(_forking_pid)


def guard_forks() -> None:
    """From now on, every process this one forks dies with it (see the module docstring)."""
    global _guarding, _registered
    if not _registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_before_fork, after_in_child=_in_child)
        _registered = True
    _guarding = True


def _terminate_children() -> None:
    """Terminate the multiprocessing children, and let this process exit without waiting to feed
    them what their queues still hold (a full pipe nobody reads would block the exit for ever)."""
    from multiprocessing import queues, util

    for child in multiprocessing.active_children():
        child.terminate()
    for finalizer in list(getattr(util, "_finalizer_registry", {}).values()):
        if getattr(finalizer, "_callback", None) is queues.Queue._finalize_join:  # type: ignore[attr-defined]
            finalizer.cancel()


_stopping: type[BaseException] | None = None  # what a stop signal raised, while stopping
STOP_GRACE_SECONDS = 10.0


def _keep_stopping(code: int) -> None:
    """A signal landing inside ``os.fork`` (in an at-fork hook) has its exception swallowed and a
    child forked just then escapes the first termination: terminate the children again until this
    process has exited, and end it if its clean-up has not within the grace time."""
    for _ in range(int(STOP_GRACE_SECONDS / POLL_SECONDS)):
        threading.Event().wait(POLL_SECONDS)
        _terminate_children()
    os._exit(code)


@contextmanager
def stop_on_signals(*signums: int) -> Iterator[None]:
    """While inside, these signals (default: SIGTERM) terminate the multiprocessing children, then
    raise Terminated (SIGINT: KeyboardInterrupt) in the main thread. Elsewhere: no-op. Work that
    ends because its workers were terminated (their pipes closed) raises the same."""
    from reader.errors import INTERRUPTED, TERMINATED, Terminated

    owner = os.getpid()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        global _stopping
        if os.getpid() != owner:  # a worker forked just now, before it took the default handlers:
            os._exit(128 + signum)  # it is being stopped; it dies quietly (no traceback on our stderr)
        first = _stopping is None
        _stopping = KeyboardInterrupt if signum == signal.SIGINT else Terminated
        _terminate_children()  # else spaCy's clean-up joins workers blocked on a full pipe: for ever
        # spaCy then warns that its workers did not complete: they were stopped on purpose
        warnings.filterwarnings("ignore", message=r".*\[W127\]")
        if first:
            hook = sys.unraisablehook  # a swallowed stop (see _keep_stopping) is no news to print
            sys.unraisablehook = lambda info: None if isinstance(info.exc_value, _stopping) else hook(info)
            code = INTERRUPTED if signum == signal.SIGINT else TERMINATED
            threading.Thread(target=_keep_stopping, args=(code,), name="reader-stopping", daemon=True).start()
        raise _stopping

    previous = {}
    try:
        for signum in signums or (signal.SIGTERM,):
            previous[signum] = signal.signal(signum, on_signal)
    except ValueError:  # not the main thread (an in-process caller): nothing to install
        pass
    try:
        yield
    except (EOFError, OSError):
        if _stopping is not None:
            raise _stopping from None
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def workers_die_with_us() -> Iterator[None]:
    """Around work done by forked worker processes: they end with this process however it ends,
    and Ctrl-C or SIGTERM stop them before this process cleans up."""
    guard_forks()
    with stop_on_signals(signal.SIGTERM, signal.SIGINT):
        yield


@contextmanager
def watch_parent() -> Iterator[None]:
    """While inside, this process sends itself SIGTERM when its parent is gone."""
    stop = threading.Event()
    _watch(os.getppid(), lambda: os.kill(os.getpid(), signal.SIGTERM), stop)
    try:
        yield
    finally:
        stop.set()
