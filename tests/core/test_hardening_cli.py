"""The command line's error boundary (reader/errors.py): every sub-command, every fault — an
unreadable folder, a full disk, a read-only file system, a file too deeply nested, a damaged or
locked database or search index, a bug — ends in one clear line on stderr and exit status 1, never
a traceback; the traceback goes to the log under the XDG state folder."""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reader import cli, paths
from helpers import ROOT

ESC_NAME = "arti\x1b[31mcles"  # a folder name with an escape sequence: shown inert, never sent raw

COMMANDS = {
    "ui": [],
    "list": ["list"],
    "list-json": ["list", "--json"],
    "index": ["index", "--quiet"],
    "entities": ["entities", "microsoft-retire-twitter-advertising"],
    "search": ["search", "twitter"],
    "events": ["events"],
    "bookmarks": ["bookmarks"],
    "bookmarks-json": ["bookmarks", "--json"],
    "export-md": ["bookmarks", "export"],
    "export-json": ["bookmarks", "export", "--format", "json"],
    "export-csv-file": ["bookmarks", "export", "--format", "csv", "-o", "{out}"],
    "import": ["bookmarks", "import", "{file}"],
}


def _whoosh(name: str):
    import whoosh.index
    import whoosh.writing

    return getattr(whoosh.index, name, None) or getattr(whoosh.writing, name)


FAULTS = {  # name: (exception for a path, what the message says)
    "permission": (lambda p: PermissionError(errno.EACCES, "Permission denied", p), "permission denied: "),
    "eperm": (lambda p: PermissionError(errno.EPERM, "Operation not permitted", p), "permission denied: "),
    "disk-full": (lambda p: OSError(errno.ENOSPC, "No space left on device", p), "disk full: cannot write "),
    "quota": (lambda p: OSError(errno.EDQUOT, "Disk quota exceeded", p), "disk full: cannot write "),
    "read-only": (lambda p: OSError(errno.EROFS, "Read-only file system", p), "read-only file system: "),
    "io-error": (lambda p: OSError(errno.EIO, "Input/output error", p), "Input/output error"),
    "nested": (lambda p: RecursionError("maximum recursion depth exceeded"), "too deeply nested"),
    "sqlite-full": (lambda p: sqlite3.OperationalError("database or disk is full"), "disk full"),
    "sqlite-damaged": (lambda p: sqlite3.DatabaseError("file is not a database"), "damaged"),
    "index-locked": (lambda p: _whoosh("LockError")("locked"), "search index is locked"),
    "indexing": (lambda p: _whoosh("IndexingError")("writer closed"), "search index error"),
    "bug": (lambda p: RuntimeError("boom"), "internal error (RuntimeError: boom); see the log "),
}

STORE_SAYS = {  # the bookmarks store's own words for the same faults (reader.bookmarks.store._error)
    "permission": ("is read-only (or its folder",), "eperm": ("is read-only (or its folder",),
    "read-only": ("is read-only (or its folder",), "disk-full": ("is full: free some space",),
    "quota": ("is full: free some space",), "io-error": ("disk error",),
}
HOOKS = [(os, "scandir"), (os, "mkdir"), (os, "open"), (os, "replace"), (builtins, "open"), (io, "open"),
         (sqlite3, "connect")]


@pytest.fixture
def setup(tmp_path, corpus, monkeypatch):
    """(articles folder with an escape sequence in its name, argv formatter, patch(fault, hooks))."""
    folder = tmp_path / ESC_NAME
    corpus.rename(folder)
    export = tmp_path / "export.json"
    export.write_text('{"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": []}}')
    for var, value in (("READER_EXIT_AFTER_PAINT", "1"), ("READER_HEADLESS", "1"), ("READER_NO_INGEST", "1")):
        monkeypatch.setenv(var, value)  # the UI entry, should a fault not stop it, paints once and leaves
    import reader.nlp.ingest

    monkeypatch.setattr(reader.nlp.ingest, "_expected_model", lambda lang: None)  # no spaCy: dates only
    root = str(tmp_path.parent.parent)  # pytest's base temp: the corpus, the XDG folders, the export
    # (but for the log's folder, so an internal error's traceback can be checked)

    def argv(name: str) -> list[str]:
        rest = [a.format(out=tmp_path / "out.csv", file=export) for a in COMMANDS[name]]
        return ["--articles", str(folder), *rest]

    def patch(make, hooks=HOOKS):
        for module, attr in hooks:
            real = getattr(module, attr)

            def hooked(*args, _real=real, **kwargs):
                target = args[0] if args else kwargs.get("path", kwargs.get("file", ""))
                name = os.fspath(target) if isinstance(target, (str, os.PathLike)) else ""
                if name.startswith(root) and not name.startswith(os.environ["XDG_STATE_HOME"]):
                    raise make(name)
                return _real(*args, **kwargs)

            monkeypatch.setattr(module, attr, hooked)

    return folder, argv, patch


def _run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_turns_every_fault_into_one_line_and_status_1(setup, capsys, command, fault):
    folder, argv, patch = setup
    make, says = FAULTS[fault]
    patch(make)
    code, out, err = _run(argv(command), capsys)
    assert "Traceback" not in out + err
    if command == "ui" and code == 0:
        # the reader itself started: a folder or cache it cannot use is said inside it (a notice, or the
        # list kept in memory), and it leaves after its first paint here
        return
    assert code == 1, err
    # the boundary's wording, or the message of the store that met the fault: the corpus's for its
    # folder (with the system's reason), the bookmarks store's (it says what is wrong and what to do)
    reason = getattr(make("x"), "strerror", None) or ""
    assert err.startswith("reader: ") and any(
        phrase in err for phrase in (says, reason or says, *STORE_SAYS.get(fault, ()))), err
    assert "\x1b" not in err  # the folder's escape sequence is shown, not sent to the terminal
    if fault in ("permission", "eperm", "disk-full", "quota", "read-only", "io-error"):  # names its file
        assert str(paths.cache_dir()) in err or str(paths.data_dir()) in err or "arti␛[31mcles" in err, err


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: f"{h[0].__name__}.{h[1]}")
@pytest.mark.parametrize("command", COMMANDS)
def test_a_fault_at_any_single_system_call_never_shows_a_traceback(setup, capsys, command, hook):
    """One hook at a time, so the fault lands further into each command (some commands carry on:
    a file that cannot be read is reported and the others listed)."""
    folder, argv, patch = setup
    patch(FAULTS["permission"][0], [hook])
    code, out, err = _run(argv(command), capsys)
    assert "Traceback" not in out + err
    assert code in (0, 1), err
    if code == 1:
        assert err.startswith("reader: ") and err.strip(), err


def test_an_internal_error_is_logged_with_its_traceback(setup, capsys):
    folder, argv, patch = setup
    patch(FAULTS["bug"][0], [(os, "scandir")])
    code, out, err = _run(argv("list"), capsys)
    assert code == 1
    log = paths.log_file()
    assert f"see the log {log}" in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text
    assert str(paths.state_dir()).startswith(os.environ["XDG_STATE_HOME"])


def test_a_log_that_cannot_be_written_is_said_not_raised(setup, capsys, monkeypatch):
    folder, argv, patch = setup
    patch(FAULTS["bug"][0], [(os, "scandir")])
    monkeypatch.setattr(paths, "log_file", lambda: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    code, out, err = _run(argv("list"), capsys)
    assert code == 1 and "Traceback" not in err
    assert "internal error (RuntimeError: boom); the log could not be written" in err


def test_usage_errors_keep_status_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main(["search", "x", "--limit", "0"])
    assert exc.value.code == 2
    (tmp_path / "a.md").write_text("x")
    assert cli.main(["--articles", str(tmp_path / "a.md"), "list"]) == 2
    assert "not a file" in capsys.readouterr().err


def test_a_deeply_nested_import_file_is_refused_in_one_line(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    code, out, err = _run(["bookmarks", "import", str(deep)], capsys)
    assert code == 1 and "Traceback" not in err
    assert err == f"reader: {deep}: file too deeply nested\n"


# -- real processes: the message and the status as a user sees them ----------------------------------


def _reader(*args, wrapper: str = "", **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = wrapper + "\nfrom reader.cli import main\nraise SystemExit(main(sys.argv[1:]))"
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([sys.executable, "-c", "import sys\n" + code, *args], env=env, text=True, timeout=120,
                          **kwargs)


def test_output_to_a_full_disk_is_one_line_and_status_1(corpus):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        for args in (["list"], ["list", "--json"], ["bookmarks", "export", "--format", "json"]):
            proc = _reader("--articles", str(corpus), *args, stdout=full, stderr=subprocess.PIPE)
            assert proc.returncode == 1, proc.stderr
            # one line: the boundary's "disk full: …", or the export's own "cannot write to standard output: …"
            assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("reader: "), proc.stderr
            assert "no space left on device" in proc.stderr.lower(), proc.stderr


def test_an_export_to_a_device_is_refused_and_never_replaces_it(tmp_path):
    """`-o` on a device is refused with a message (issue 10: non-regular targets), never a device node
    replaced by a regular file (a copy of /dev/full made here, so a regression never clobbers the real one)."""
    device = tmp_path / "full"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except (OSError, AttributeError):
        pytest.skip("cannot make a device node here")
    proc = _reader("bookmarks", "export", "--format", "json", "-o", str(device))
    assert stat.S_ISCHR(os.stat(device).st_mode), "the device was replaced by a regular file"
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr == (f"reader: {device} is a character device, not a regular file: nothing was written "
                           "(for standard output leave out -o or use -o -)\n")


def test_an_unreadable_articles_folder_in_a_real_process(tmp_path):
    """Root reads any folder, so the wrapper makes the folder's listing fail as it would for a user."""
    folder = tmp_path / "private"
    folder.mkdir()
    wrapper = (f"import os, errno\n_real = os.scandir\n"
               f"def scandir(p='.'):\n"
               f"    if os.fspath(p) == {str(folder)!r}: raise PermissionError(errno.EACCES, 'Permission denied', p)\n"
               f"    return _real(p)\n"
               f"os.scandir = scandir\n")
    for args in (["list"], ["search", "x"], ["bookmarks", "export", "--format", "md"]):
        proc = _reader("--articles", str(folder), *args, wrapper=wrapper)
        assert "Traceback" not in proc.stderr
        assert proc.returncode == 1, proc.stderr
        assert f"cannot read the articles folder {folder}: Permission denied" in proc.stderr


def test_a_deeply_nested_import_file_in_a_real_process(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("{\"a\": " * 100_000 + "1" + "}" * 100_000)
    proc = _reader("bookmarks", "import", str(deep))
    assert (proc.returncode, proc.stderr) == (1, f"reader: {deep}: file too deeply nested\n")
    assert json.loads(_reader("bookmarks", "--json").stdout) == []  # nothing half-imported


# -- child processes die with their parent -------------------------------------------------------------


def _children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (from /proc: psutil is not a dependency)."""
    kids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                kids.add(int(entry))
    return kids


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _poll(condition, seconds: float) -> bool:
    """Wait (generously: the machine is shared) until ``condition()``; not a measure of speed."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _reap(pids) -> None:
    """Kill what a failed test left behind (only the processes it started)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


linux_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

WORKER_PARENT = """
import multiprocessing, os, sys, time
from reader import lifetime
if sys.argv[1] == "watchdog":
    lifetime._prctl_pdeathsig = lambda: False
lifetime.guard_forks()
procs = [multiprocessing.get_context("fork").Process(target=time.sleep, args=(600,)) for _ in range(2)]
for p in procs:
    p.start()
print(" ".join(str(p.pid) for p in procs), flush=True)
time.sleep(600)
"""


@linux_proc
@pytest.mark.parametrize("means", ["prctl", "watchdog"])
def test_forked_workers_die_when_their_parent_is_killed(means):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", WORKER_PARENT, means], stdout=subprocess.PIPE, text=True,
                              env=env)
    workers = [int(p) for p in parent.stdout.readline().split()]
    try:
        assert len(workers) == 2 and all(map(_alive, workers))
        parent.kill()
        parent.wait()
        assert _poll(lambda: not any(map(_alive, workers)), 30), "workers outlived their parent"
    finally:
        _reap(workers)
        parent.kill()


INDEXER = """
import multiprocessing, sys, time
from reader import lifetime
from reader.errors import Terminated
try:
    with lifetime.stop_on_signals(), lifetime.watch_parent():
        lifetime.guard_forks()
        worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(600,))
        worker.start()
        print(worker.pid, flush=True)
        time.sleep(600)
except Terminated:
    sys.exit(143)
"""
UI = """
import subprocess, sys
indexer = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True,
                           start_new_session=True)
print(indexer.pid, indexer.stdout.readline().strip(), flush=True)
indexer.wait()
"""


@linux_proc
def test_the_uis_indexer_stops_with_its_workers_when_the_ui_is_killed():
    """The UI starts `reader index --progress-lines` in its own session: a killed UI leaves no indexer."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ui = subprocess.Popen([sys.executable, "-c", UI, INDEXER], stdout=subprocess.PIPE, text=True, env=env)
    indexer, worker = (int(p) for p in ui.stdout.readline().split())
    try:
        assert _alive(indexer) and _alive(worker)
        ui.kill()
        ui.wait()
        assert _poll(lambda: not _alive(indexer) and not _alive(worker), 30), "the indexer outlived the UI"
    finally:
        _reap([worker, indexer])


SIGNAL_IN_FORK = """
import multiprocessing, os, signal, sys, time
from reader import lifetime
lifetime.STOP_GRACE_SECONDS = 1.0
def signal_now():  # SIGTERM lands inside os.fork's at-fork hooks: its exception is swallowed
    if len(multiprocessing.active_children()) == 1:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10**6):
            pass
os.register_at_fork(after_in_parent=signal_now)
with lifetime.workers_die_with_us():
    procs = [multiprocessing.get_context("fork").Process(target=time.sleep, args=(600,)) for _ in range(2)]
    for p in procs:
        p.start()
    print(" ".join(str(p.pid) for p in procs), flush=True)
    time.sleep(600)  # as a recv() from a worker terminated by the lost stop would block
"""


@linux_proc
def test_a_stop_signal_lost_inside_a_fork_still_stops_every_worker_and_the_process():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SIGNAL_IN_FORK], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    workers = [int(p) for p in proc.stdout.readline().split()]
    try:
        assert proc.wait(timeout=60) == 143
        assert _poll(lambda: not any(map(_alive, workers)), 30), "a worker forked while stopping escaped"
        assert proc.stderr.read() == ""  # no 'Exception ignored … Terminated' either
    finally:
        _reap(workers)
        proc.kill()


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """Enough articles (over reader.nlp.ingest.MANY) for `reader index` to start spaCy workers."""
    from reader.nlp.ingest import MANY

    out = tmp_path_factory.mktemp("big") / "articles"
    subprocess.run([sys.executable, str(ROOT / "tests" / "bench" / "gencorpus.py"), str(out), str(MANY + 20)],
                   check=True, capture_output=True)
    return out


UI_INDEX = """
import subprocess, sys
index = subprocess.Popen([sys.executable, "-m", "reader", "--articles", sys.argv[1], "index", "--progress-lines"],
                         stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
print(index.pid, flush=True)
index.wait()
"""


@pytest.mark.slow
@linux_proc
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="spaCy workers start on a multi-core machine only")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "UI killed", "Ctrl-C"])
def test_reader_index_workers_die_with_it(big_corpus, how, tmp_path):
    """`reader index` killed, terminated, interrupted, or (run by the UI, in its own session)
    orphaned: no spaCy worker is left running."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    errors = tmp_path / "stderr"  # a file, not a pipe: workers left behind would hold a pipe open
    with open(errors, "w") as err:
        if how == "UI killed":
            ui = subprocess.Popen([sys.executable, "-c", UI_INDEX, str(big_corpus)], env=env, stdout=subprocess.PIPE,
                                  stderr=err, text=True)
            pid = int(ui.stdout.readline())
        else:
            # its own process group, as on a terminal (Ctrl-C goes to the group), and Ctrl-C not ignored
            ui = subprocess.Popen([sys.executable, "-m", "reader", "--articles", str(big_corpus), "index",
                                   "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
                                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
            pid = ui.pid
    workers: set[int] = set()

    def started() -> bool:
        workers.update(_children(pid))
        return bool(workers) or not _alive(pid)

    try:
        # the catalogue, the search index and spaCy's load come first: wait for the entity workers
        assert _poll(started, 600)
        assert _alive(pid) and workers, "reader index ended before starting workers"
        if how == "Ctrl-C":
            os.killpg(pid, signal.SIGINT)
        else:
            ui.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
        ui.wait(timeout=120)
        assert _poll(lambda: not any(map(_alive, workers | {pid})), 60), "spaCy workers outlived `reader index`"
        if how == "SIGTERM":
            assert (ui.returncode, errors.read_text()) == (143, "reader: stopped (SIGTERM)\n")
        if how == "Ctrl-C":
            assert (ui.returncode, errors.read_text()) == (130, "")
        if how == "UI killed":  # it stopped itself, it did not just finish its work
            assert errors.read_text() == "reader: stopped (SIGTERM)\n"
    finally:
        _reap(workers | {pid})
        ui.kill()
