"""Parallel builds: the same site whatever --jobs, on a generated base big enough for the
work to be shared between processes."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from impact_ssg.errors import SsgError
from impact_ssg.pipeline import PAGES_PER_JOB
from impact_ssg.workers import MIN_PARALLEL, chunks, in_background, parallel_map

from .conftest import ROOT


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_jobs_do_not_change_the_site(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count",
                    str(3 * MIN_PARALLEL), "--seed", "3", "--output", str(corpus)],
                   check=True, capture_output=True)
    sites = []
    for jobs in ("1", "2"):
        output = tmp_path / f"site{jobs}"
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--config", str(corpus / "impact.yaml"),
             "--source", str(corpus / "monographs"), "--output", str(output), "--jobs", jobs,
             "--quiet"], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        sites.append(tree(output))
    # Enough files that both reading and writing were shared between processes.
    assert len(sites[0]) > 2 * PAGES_PER_JOB
    assert sites[0] == sites[1]


def _square_in_which_process(n: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough that no process can take every chunk before the others start
    return n * n, os.getpid()


@pytest.mark.parametrize(("jobs", "first"), [(2, ()), (3, ()), (2, (4 * MIN_PARALLEL - 1, 7))])
def test_results_keep_their_order_and_every_process_works(
        jobs: int, first: tuple[int, ...]) -> None:
    items = list(range(4 * MIN_PARALLEL))
    results = parallel_map(_square_in_which_process, items, jobs, first=first)
    assert [square for square, _ in results] == [n * n for n in items]
    # This process takes its share too, rather than wait holding a copy of the site.
    assert os.getpid() in {pid for _, pid in results}


def test_long_items_are_handed_out_first_each_alone() -> None:
    assert chunks(7, 3) == [range(0, 3), range(3, 6), range(6, 7)]
    # The open data, near the end of the plan, is not left to the end of the work.
    assert chunks(7, 3, first={6, 2}) == [[2], [6], [0, 1, 3], [4, 5]]
    assert chunks(0, 1, first=()) == []


def _fail_on(bad: int) -> Callable[[int], int]:
    def task(n: int) -> int:
        if n == bad:
            raise SsgError(f"item {n} is bad")
        return n
    return task


@pytest.mark.parametrize("bad", [0, 4 * MIN_PARALLEL - 1])
def test_an_error_in_any_process_reaches_the_caller(bad: int) -> None:
    with pytest.raises(SsgError, match=f"item {bad} is bad"):
        parallel_map(_fail_on(bad), list(range(4 * MIN_PARALLEL)), 2)


def _bad_or_unpicklable(n: int) -> object:
    if n == 60:
        raise SsgError(f"item {n} is bad")
    return (lambda: n) if n >= 700 else n


def test_the_first_chunks_error_is_the_one_raised() -> None:
    """An item in the second chunk fails; results that cannot be sent back come far later,
    in chunks of their own: the failure is the first chunk's, as in one process."""
    for _ in range(3):
        with pytest.raises(SsgError, match="item 60 is bad"):
            parallel_map(_bad_or_unpicklable, list(range(1000)), 3)


@pytest.mark.parametrize("work", ["parallel", "background"])
def test_ctrl_c_as_a_worker_is_forked_leaves_none_running(work: str) -> None:
    """Ctrl+C is held back while a worker is forked, then comes at once: the worker must
    be known by then, to be ended."""
    script = (
        "import os, signal, sys, time\n"
        "from impact_ssg import workers\n"
        "fork = os.fork\n"
        "def fork_then_ctrl_c():\n"
        "    pid = fork()\n"
        "    if pid:\n"  # in this process: held back until the fork is over
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return pid\n"
        "os.fork = fork_then_ctrl_c\n"
        "try:\n"
        "    if sys.argv[1] == 'background':\n"
        "        workers.in_background(lambda: time.sleep(3600), 2, 1, 1)()\n"
        "    else:\n"
        "        workers.parallel_map(lambda n: time.sleep(3600), range(1000), 3)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', len(workers.multiprocessing.active_children()))\n")
    result = subprocess.run([sys.executable, "-c", script, work], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout == "interrupted 0\n", result.stderr


def test_background_work_runs_in_another_process_and_its_errors_reach_the_caller() -> None:
    wait = in_background(os.getpid, 2, MIN_PARALLEL, MIN_PARALLEL)
    assert wait() != os.getpid()
    assert in_background(os.getpid, 1, MIN_PARALLEL, MIN_PARALLEL)() == os.getpid()
    assert in_background(os.getpid, 2, MIN_PARALLEL, MIN_PARALLEL - 1)() == os.getpid()
    failing = in_background(functools.partial(_fail_on(0), 0), 2, MIN_PARALLEL, MIN_PARALLEL)
    with pytest.raises(SsgError, match="item 0 is bad"):
        failing()


# Work over processes, run apart: each worker says its number once it has begun.
INTERRUPTED = """\
import os, sys, time
from impact_ssg import workers
parent, mode = os.getpid(), sys.argv[1]
said = stopped = False

def task(n):
    global said
    if os.getpid() != parent and not said:
        said = True
        os.write(1, f"worker {os.getpid()}\\n".encode())  # in one piece, whatever the buffering
    time.sleep(3600 if mode == "stuck" else 0.005)
    return n

def background():
    os.write(1, f"worker {os.getpid()}\\n".encode())
    time.sleep(3600)

try:
    if mode == "background":
        workers.in_background(background, 2, 1, 1)()
    else:
        print("result", sum(workers.parallel_map(task, range(1000), 3)), flush=True)
except KeyboardInterrupt:
    stopped = True
# Once the traceback is let go: a background result dropped ends its process then.
if stopped:
    print("interrupted", len(workers.multiprocessing.active_children()), flush=True)
"""


def _interrupted(mode: str, workers: int, whom: Callable[[subprocess.Popen[str], list[int]],
                                                              list[int]]) -> tuple[str, str]:
    """Run ``INTERRUPTED`` in ``mode``; once ``workers`` of its workers have begun, send
    SIGINT to the processes ``whom`` picks; its output once it has ended (the workers'
    words left out), and no worker is left."""
    script = subprocess.Popen([sys.executable, "-c", INTERRUPTED, mode], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert script.stdout is not None
        begun: list[int] = []
        while len(begun) < workers:
            word, number = script.stdout.readline().split()
            assert word == "worker"
            begun.append(int(number))
        for pid in whom(script, begun):
            os.kill(pid, signal.SIGINT)
        out, err = script.communicate(timeout=60)
        out = "".join(line for line in out.splitlines(keepends=True)
                      if not line.startswith("worker "))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(script.pid, signal.SIGKILL)
    for pid in begun:  # reaped by the script, or gone with it
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    return out, err


@pytest.mark.parametrize("mode", ["stuck", "background"])
def test_ctrl_c_to_the_build_alone_ends_its_workers_at_once(mode: str) -> None:
    """As ``kill -INT``: the workers get no signal, and their tasks would take an hour."""
    out, err = _interrupted(mode, 1 if mode == "background" else 2,
                            lambda script, _: [script.pid])
    assert out.endswith("interrupted 0\n"), err
    assert "Traceback" not in err


def test_ctrl_c_to_a_worker_alone_changes_nothing() -> None:
    """Ctrl+C is the build's to handle: a worker stopped in the middle of sending its
    results would leave the build waiting for the rest."""
    # The first worker to begin: the other may find no work left, on a busy machine.
    out, err = _interrupted("quick", 1, lambda _, begun: begun)
    assert out == f"result {sum(range(1000))}\n" and err == ""


# Work over processes in which a worker is killed (out of memory, say), run apart.
KILLED = """\
import multiprocessing, os, signal, sys, time
from impact_ssg import workers
parent, mode = os.getpid(), sys.argv[1]
roles = multiprocessing.Value("i", 0)
killing, busy = multiprocessing.Event(), multiprocessing.Event()
role = None

def die(holding):
    if holding:  # the lock of the count of chunks taken
        workers._taken.get_lock().acquire()
    os.kill(os.getpid(), signal.SIGKILL)

def task(n):
    global role
    if os.getpid() == parent:
        killing.wait(60)  # taking no chunk more before the worker is being killed
        return n
    if role is None:
        with roles.get_lock():
            role, roles.value = roles.value, roles.value + 1
    if role == 1:  # the other worker, in the last mode: busy as the first is killed
        busy.set()
        time.sleep(1)
        return n
    if mode == "as the last chunks are taken":
        busy.wait(60)
        with workers._taken.get_lock():  # every chunk is taken: this process waits
            workers._taken.value = len(workers._chunks)
        killing.set()
        time.sleep(0.5)
    killing.set()
    die(mode != "in its task")

jobs = 3 if mode == "as the last chunks are taken" else 2
try:
    workers.parallel_map(task, range(1000), jobs)
except workers.WorkerLost as lost:
    print("lost:", lost, len(multiprocessing.active_children()))
"""


@pytest.mark.parametrize("mode", ["in its task", "holding the count",
                                  "as the last chunks are taken"])
def test_a_worker_killed_ends_the_work_with_an_error(mode: str) -> None:
    """Killed in the middle of its task, or while it held the lock of the count of chunks
    taken: what would take the next chunk then waits for it, this process or, once
    they are all taken, another worker."""
    script = subprocess.run([sys.executable, "-c", KILLED, mode], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert script.stdout.startswith(
        "lost: a worker process ended before its work was done (exit codes: "), script.stderr
    assert "-9" in script.stdout and script.stdout.endswith(") 0\n")


def test_ctrl_c_stops_a_build_at_once_and_writes_no_site(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count",
                    "1500", "--seed", "3", "--output", str(corpus)],
                   check=True, capture_output=True)
    output = tmp_path / "site"
    # As a terminal's Ctrl+C: SIGINT to the build and its workers, mid-build.
    build = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--config", str(corpus / "impact.yaml"),
         "--source", str(corpus / "monographs"), "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.5)
    os.killpg(build.pid, signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130
    assert stderr.endswith("\ninterrupted\n") and "Traceback" not in stderr
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # nothing half-written


# Started before the program, in the process under test: a Ctrl+C raised inside code run
# by ``exec`` as the command line loads, as when one stops a dataclass being made.
_CTRL_C_IN_EXEC = """
import builtins

_import = builtins.__import__


def _stopped(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 1 and name == "cli" and (globals or {}).get("__package__") == "impact_ssg":
        exec("raise KeyboardInterrupt")
    return _import(name, globals, locals, fromlist, level)


builtins.__import__ = _stopped
"""


def test_ctrl_c_inside_exec_while_the_program_loads_ends_it_as_said(tmp_path: Path) -> None:
    """Under ``python -m``, CPython 3.11 takes a Ctrl+C that stopped code run by ``exec``
    for unhandled even once handled, and ends the process by the signal after the
    program said it was interrupted: the program ends itself first."""
    (tmp_path / "sitecustomize.py").write_text(_CTRL_C_IN_EXEC, "utf-8")
    path = os.pathsep.join([str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-m", "impact_ssg", "--version"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path},
                          timeout=60)
    assert (done.returncode, done.stderr) == (130, "\ninterrupted\n")


@pytest.mark.parametrize("start", [["build.py"], ["-m", "impact_ssg"]])
def test_ctrl_c_while_the_program_loads_is_said_as_later(start: list[str]) -> None:
    """Loading the program takes a few tenths of a second: a Ctrl+C then ends it as one
    during the build does. The Ctrl+C comes once the program's own modules load (Python
    tells each import as it ends): before, it would stop Python's start-up, not ours."""
    build = subprocess.Popen([sys.executable, *start, "--version"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
                             start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert build.stderr is not None
    for line in build.stderr:
        if re.search(r"\|\s+impact_ssg\.(?!__main__)", line):
            break
    os.killpg(build.pid, signal.SIGINT)
    try:
        status = build.wait(timeout=60)
    finally:
        build.kill()  # a program that would not end fails the test, never hangs it
    said = [line for line in build.stderr if not line.startswith("import time:")]
    assert status == 130
    assert "".join(said) == "\ninterrupted\n"

