"""The UI's background work, in one module: the folder scan, the ingest and the feed fetch workers,
and :func:`in_daemon_thread` for blocking work the event loop awaits.

Each worker is a thread worker of the main screen started with ``exit_on_error=False``: it never
takes the app down. It only posts messages (:mod:`reader.ui.messages`) that the main screen's
handlers turn into widgets' updates; a failure is one of those messages too (``ScanFailed``, an
``IngestDone``/``FetchDone`` that is not ok), shown to the user as a notification (the message is
text, never markup) and written with its traceback to the log (:func:`reader.errors.log_fault`,
:func:`reader.paths.log_file`). The ingest and the fetch run ``reader index`` / ``reader fetch``
in a subprocess (:mod:`reader.ui.subprocesses`), so spaCy and the network stack stay out of this
process.

``in_daemon_thread`` is for work that cannot be interrupted (parsing a 5 MB article): Textual's
thread workers run in asyncio's default executor, which the interpreter waits for when the app
exits, so ``q`` pressed during such a parse would leave the process behind until the parse ends.
A daemon thread is not waited for; an awaiting worker that is cancelled (another article opened)
just drops the result.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Callable, TypeVar

from reader.log import DEBUG, log_exception
from reader.passages import make_safe_line

if TYPE_CHECKING:
    from textual.worker import Worker

    from reader.ui.controllers.fetching import FetchController
    from reader.ui.screens.main import MainScreen


def _failed(what: str, exc: Exception) -> str:
    """Log ``exc`` with its traceback; the one line the user is shown."""
    from reader.errors import log_fault

    log_fault(exc, f"UI background {what} failed")
    return make_safe_line(str(exc) or type(exc).__name__)


# the folder scan -------------------------------------------------------------------------------------
def start_scan(main: MainScreen, only_if_changed: bool = False) -> Worker:
    return main.run_worker(lambda: scan(main, only_if_changed), name="scan", group="scan", thread=True,
                           exclusive=True, exit_on_error=False)


def scan(main: MainScreen, only_if_changed: bool) -> None:
    """(In the worker) refresh the catalogue; ScanProgress…, then ScanDone or ScanFailed."""
    from textual.worker import get_current_worker

    from reader import sqlitedb
    from reader.corpus import ScanCancelled
    from reader.ui.messages import ScanDone, ScanFailed, ScanProgress

    try:
        if only_if_changed and main.catalogue.unchanged() and sqlitedb.rebuilds_count == main._rebuilds_seen:
            return
        worker = get_current_worker()
        result = main.catalogue.refresh(progress=lambda done, total: main.post_message(ScanProgress(done, total)),
                                        should_stop=lambda: worker.is_cancelled)
    except ScanCancelled:  # the app is quitting (workers are cancelled on exit): it never waits for a scan
        return
    except Exception as exc:
        main.post_message(ScanFailed(_failed("scan", exc)))
        return
    main.post_message(ScanDone(result))


# the ingest ------------------------------------------------------------------------------------------
def start_ingest(main: MainScreen) -> Worker:
    return main.run_worker(lambda: ingest(main), name="ingest", group="ingest", thread=True, exclusive=True,
                           exit_on_error=False)


def ingest(main: MainScreen) -> None:
    """(In the worker) run ``reader index`` in a subprocess (spaCy stays out of this process); relay
    its progress (IngestProgress…), then IngestDone."""
    from reader.ui.messages import IngestDone, IngestProgress
    from reader.ui.subprocesses import reader_command, run_json_lines

    busy = False

    def line(data: dict) -> None:
        nonlocal busy
        if data.get("stage") == "busy":
            busy = True
        elif data.get("stage") != "done":
            main.post_message(IngestProgress(data["stage"], data.get("done", 0), data.get("total", 0)))

    def started(proc) -> None:
        main._ingest_proc = proc

    try:
        code, error = run_json_lines(reader_command(main.folder, "index", "--progress-lines"), line, started)
    except Exception as exc:
        main._ingest_proc = None
        main.post_message(IngestDone(False, _failed("ingest", exc)))
        return
    main._ingest_proc = None
    if main._quitting:
        return
    if busy:
        main.post_message(IngestDone(True, "Another reader is indexing this corpus; its results "
                                           "appear on the next start or R"))
    elif code != 0:
        main.post_message(IngestDone(False, error))
    else:
        main.post_message(IngestDone(True))


# the feed fetch --------------------------------------------------------------------------------------
def start_fetch(fetcher: FetchController, cmd: list[str]) -> Worker:
    return fetcher.main.run_worker(lambda: fetch(fetcher, cmd), name="fetch", group="fetch", thread=True,
                                   exit_on_error=False)


def fetch(fetcher: FetchController, cmd: list[str]) -> None:
    """(In the worker) run ``reader fetch --progress-lines``; FetchProgress…, then FetchDone."""
    from reader.ui.messages import FetchDone, FetchProgress
    from reader.ui.subprocesses import run_json_lines

    main = fetcher.main
    totals: dict = {}
    busy = False

    def line(data: dict) -> None:
        nonlocal busy
        stage = data.get("stage")
        if stage == "busy":
            busy = True
        elif stage == "done":
            totals.update(data)
        elif stage in ("start", "feed"):
            main.post_message(FetchProgress(int(data.get("done", 0)), int(data.get("total", 0)),
                                            str(data.get("feed") or "")))

    def started(proc) -> None:
        fetcher.proc = proc

    try:
        code, error = run_json_lines(cmd, line, started)
    except Exception as exc:  # never the app's end: a message
        code, error = -1, _failed("fetch", exc)
    fetcher.proc = None
    if fetcher.quitting:
        return
    if busy:
        main.post_message(FetchDone(False, message="another reader is fetching these feeds"))
    elif totals:  # the run happened (some feeds may have failed: the totals say so)
        main.post_message(FetchDone(True, totals))
    else:
        main.post_message(FetchDone(False, message=error or f"exit status {code}"))


# blocking work the event loop awaits -----------------------------------------------------------------
T = TypeVar("T")


async def in_daemon_thread(fn: Callable[..., T], *args, name: str = "reader-background") -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def settle(result, error) -> None:
        if future.done():  # cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        result, error = None, None
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task, raised there
            log_exception(__name__, "a daemon-thread job raised (handed to its awaiter)", level=DEBUG)
            error = exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is gone: the app has exited
            pass

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future


class ReportsFailedWorkers:
    """Mixed into every screen that starts workers (all with ``exit_on_error=False``): a worker that
    raised anyway is written with its traceback to the log and said (never the app taken down, never
    silent). Textual's ``Worker.StateChanged`` does not bubble, so each owner listens."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from textual.worker import WorkerState

        worker = event.worker
        if event.state != WorkerState.ERROR or not isinstance(worker.error, Exception):
            return
        from reader.errors import log_fault

        where, _ = log_fault(worker.error, f"UI worker {worker.name or worker.group!r} failed")
        app = worker.node.app  # type: ignore[attr-defined]
        if getattr(app.main, "_quitting", False):  # leaving: the panes may be gone; the log has it
            return
        detail = f" (details in {where})" if where else ""
        app.notify(make_safe_line(f"{worker.error}{detail}"), title="Background work failed", severity="error",
                   timeout=10, markup=False)
