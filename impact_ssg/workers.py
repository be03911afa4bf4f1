"""Parallel work over processes: reading and validating files, the full-text index,
writing pages.

``--jobs N`` (default: every core) processes share the work when there is enough of it
to repay starting them; results come back in input order, so the output is the same
whatever N. Workers are forked, so they start with the parent's finished state (the
config, or the whole site) without pickling it.

Ctrl+C is the parent's alone: workers ignore SIGINT, which a terminal sends to all of
them at once, and the parent ends them (SIGKILL) as soon as anything interrupts it. A
worker interrupted while it sent a result would leave half a message in the pipe, and
its reader waiting for the rest; a worker forked just as the signal came would never
get it. Each worker also ends with its parent (``end_with_parent``).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import multiprocessing.reduction
import os
import signal
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar, cast

from . import collector

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL = 200

# What forked workers inherit: the task, its items cut in chunks, and a shared count of
# the chunks taken, so that only results travel back.
_task: Callable[..., object] | None = None
_items: Sequence[object] = ()
_chunks: Sequence[Sequence[int]] = ()
_taken: Any = None


class WorkerLost(RuntimeError):
    """A worker process ended before it gave back all its results: killed (out of
    memory, say) or crashed."""


class _Failed:
    """What a worker sends back instead of results when its task raised: the error
    itself, or its words when it cannot be pickled, with the worker's traceback, and
    the chunk it was working on."""

    def __init__(self, error: BaseException, chunk: int = 0) -> None:
        self.chunk = chunk
        self.trace = "".join(traceback.format_exception(error))
        try:
            multiprocessing.reduction.ForkingPickler.dumps(error)
            self.error: BaseException = error
        except Exception:  # an error holding what cannot be pickled: its words then
            self.error = RuntimeError(f"{type(error).__name__}: {error}")
        self.error.__traceback__ = None

    def raise_it(self) -> None:
        # As ``concurrent.futures`` does: the worker's traceback as the cause.
        raise self.error from _RemoteTraceback(self.trace)


class _RemoteTraceback(Exception):
    def __init__(self, trace: str) -> None:
        super().__init__(trace)
        self.trace = trace

    def __str__(self) -> str:
        return f'\n"""\n{self.trace}"""'


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


# How long a wait for the chunk count's lock, held for a few microseconds at a time, goes
# on before the workers are looked at: one killed holding it (out of memory) leaves it
# held for ever.
_PATIENCE = 0.5


def _next(lost: Callable[[], str | None] = lambda: None) -> int | None:
    """Take the next chunk, if any is left: its number. Raises ``WorkerLost`` when the
    count stays locked and ``lost()`` tells why (a worker killed)."""
    lock = _taken.get_lock()
    while not lock.acquire(timeout=_PATIENCE):
        if (why := lost()) is not None:
            raise WorkerLost(why)
    try:
        number: int = _taken.value
        _taken.value += 1
    finally:
        lock.release()
    return number if number < len(_chunks) else None


def _count_free() -> bool:
    """Whether the count's lock can be taken (and is let go at once)."""
    lock = _taken.get_lock()
    if not lock.acquire(timeout=_PATIENCE):
        return False
    lock.release()
    return True


_LOST = "a worker process ended before its work was done"


def _killed(processes: Sequence[BaseProcess]) -> str | None:
    """Why the work cannot be done, if a worker ended otherwise than by finishing its
    work (a worker that sent its task's error ends so)."""
    codes = [process.exitcode for process in processes]
    if all(code in (None, 0) for code in codes):
        return None
    return f"{_LOST} (exit codes: {', '.join(str(code) for code in codes)})"


def _results(number: int) -> list[object]:
    assert _task is not None
    return [_task(_items[index]) for index in _chunks[number]]


def _give_up_claims() -> None:
    """Let no worker take another chunk. A worker killed holding the count's lock (out
    of memory) cannot stop this: the count is then left, as it no longer matters."""
    lock = _taken.get_lock()
    if lock.acquire(timeout=1):
        try:
            _taken.value = len(_chunks)
        finally:
            lock.release()


def chunks(count: int, size: int, first: Collection[int] = ()) -> list[Sequence[int]]:
    """The indices of ``count`` items in the order they are handed out: each of
    ``first`` alone, in index order, then the others ``size`` at a time."""
    alone = sorted(set(first))
    rest: Sequence[int] = range(count)
    if alone:
        taken = set(alone)
        rest = [index for index in rest if index not in taken]
    return [*([index] for index in alone),
            *(rest[start:start + size] for start in range(0, len(rest), size))]


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back in this thread meanwhile: a worker forked inside starts with it
    held back too, until it ignores it (``_worker``); this process gets it after."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        # Inside: a Ctrl+C raised as this returns leaves the mask as it was.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _fork(work: Callable[[Connection], None], processes: list[BaseProcess],
          pipes: list[Connection]) -> None:
    """Fork a worker running ``work`` with the sending end of a pipe; add it to
    ``processes`` and the receiving end to ``pipes`` before a Ctrl+C held back meanwhile
    can stop this process, so that the caller always knows what to end. Only the worker
    holds the sending end: once it has ended, however it ended, reading finds the end of
    the pipe."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    pipes.append(receiving)
    process = context.Process(target=_worker, args=(work, sending, os.getpid()),
                              daemon=True)
    with _sigint_blocked():
        try:
            process.start()
            processes.append(process)
        finally:
            # Closed and let go while Ctrl+C is held back: the first Python code to run
            # once it is not would be this end's finalizer (``Connection.__del__``), and
            # an exception raised in a finalizer is printed and lost.
            sending.close()
            del sending


def _worker(work: Callable[[Connection], None], sending: Connection, parent: int) -> None:
    """A forked worker's life: Ctrl+C ignored, ended with its parent, ``work`` done or
    its error sent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    end_with_parent(parent)
    try:
        work(sending)
    except BaseException as error:  # every error goes to the parent
        with contextlib.suppress(OSError):
            sending.send(_Failed(error))
    finally:
        sending.close()


def _end(processes: Sequence[BaseProcess]) -> None:
    """End the ``processes`` at once (those that already ended too) and reap them."""
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()
    for process in processes:
        process.join()


def _serve_claims(sending: Connection) -> None:
    """In a worker: take chunks and send their results until none is left, or the
    error of the first that fails."""
    while (number := _next()) is not None:
        try:
            # Pickled here: results that cannot be are this chunk's error.
            message = multiprocessing.reduction.ForkingPickler.dumps(
                (number, _results(number)))
        except BaseException as error:  # sent to the parent, which raises it
            sending.send(_Failed(error, number))
            return
        sending.send_bytes(message)


def _send_result(task: Callable[[], object], sending: Connection) -> None:
    sending.send(task())


class _Receiver(threading.Thread):
    """Reads what the workers send while this process takes its own chunks: results
    chunk by chunk, or a task's error; until every worker's pipe has ended."""

    def __init__(self, pipes: list[Connection]) -> None:
        super().__init__(name="impact-ssg results", daemon=True)
        self.pipes = pipes
        self.done: dict[int, list[object]] = {}
        self.failures: list[_Failed] = []
        self.problem: BaseException | None = None

    def run(self) -> None:
        pipes = list(self.pipes)
        try:
            while pipes:
                for pipe in wait(pipes):
                    assert isinstance(pipe, Connection)
                    try:
                        message = pipe.recv()
                    except (EOFError, OSError):  # ended, or killed in the middle of a send
                        pipes.remove(pipe)
                        continue
                    if isinstance(message, _Failed):
                        self.failures.append(message)
                    else:
                        self.done[message[0]] = message[1]
        except BaseException as problem:  # raised by the waiting thread
            self.problem = problem


def parallel_map(task: Callable[[T], R], items: Sequence[T], jobs: int | None,
                 min_items: int = MIN_PARALLEL, first: Collection[int] = ()) -> list[R]:
    """``[task(item) for item in items]``, over ``jobs`` processes when there are at least
    ``min_items`` items: this one and ``jobs - 1`` forked workers.

    ``task`` and ``items`` may hold anything (closures, lambdas): forked workers inherit
    them; only results are pickled. The items at the indices ``first`` are handed out
    before the others, each alone: an item that takes far longer than most (a page
    listing every monograph) would otherwise lengthen the chunk it falls in, and if
    that chunk comes last, keep one process working while the others wait.

    An error raised by ``task`` reaches the caller (the first chunk's, in this process
    first); whatever stops this process (an error, Ctrl+C) ends the workers at once.
    No worker is left running when it returns or raises.
    """
    jobs = jobs or default_jobs()
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if jobs < 2 or len(items) < min_items or not forkable:
        return [task(item) for item in items]
    global _task, _items, _chunks, _taken
    _task, _items = task, items
    _taken = multiprocessing.get_context("fork").Value("l", 0)
    _chunks = chunks(len(items), max(1, len(items) // (jobs * 8)), first)
    processes: list[BaseProcess] = []
    pipes: list[Connection] = []
    receiver: _Receiver | None = None
    try:
        # Frozen: a worker's collections then never copy the pages it shares with its parent
        # (the whole site, once per worker).
        with collector.frozen():
            try:
                for _ in range(jobs - 1):
                    _fork(_serve_claims, processes, pipes)
                # Started once every worker is: a thread running during a fork could leave
                # the child a lock that nothing will release.
                receiver = _Receiver(pipes)
                receiver.start()
                done: dict[int, list[object]] = {}
                # This process takes chunks too, rather than wait holding a copy of everything;
                # it stops at a worker's error, which ends the build.
                lost = functools.partial(_killed, processes)
                while not receiver.failures and (number := _next(lost)) is not None:
                    done[number] = _results(number)
                if receiver.failures:
                    _give_up_claims()
                while receiver.is_alive():
                    receiver.join(_PATIENCE)
                    if receiver.is_alive() and lost() is not None and not _count_free():
                        # A worker waits for the lock a killed one held: ended with the
                        # others; what they did not send is missing, below.
                        _end(processes)
            except BaseException:
                _give_up_claims()
                _end(processes)
                if receiver is not None:
                    # Soon: every worker's pipe has ended. Not if stopped before it started
                    # (it then finds its pipes closed, below, and ends).
                    with contextlib.suppress(RuntimeError):
                        receiver.join()
                raise
        _end(processes)
        if receiver.problem is not None:
            raise receiver.problem
        if receiver.failures:
            min(receiver.failures, key=lambda failed: failed.chunk).raise_it()
        done.update(receiver.done)
        if len(done) < len(_chunks):
            raise WorkerLost(_killed(processes) or _LOST)
        results: list[object] = [None] * len(items)
        for number, chunk in enumerate(_chunks):
            for index, result in zip(chunk, done[number], strict=True):
                results[index] = result
        return cast("list[R]", results)
    finally:
        if receiver is None or not receiver.is_alive():  # not closed under its reading
            for pipe in pipes:
                pipe.close()
        _task, _items, _chunks, _taken = None, (), (), None


class Background(Generic[R]):
    """A task's result, made in a forked process or, without one, here when first asked
    for: calling the object waits for it, or raises the task's error or ``WorkerLost``.
    A forked task's outcome is the same at every call; ``end`` calls it off."""

    def __init__(self, task: Callable[[], R] | None, process: BaseProcess | None = None,
                 pipe: Connection | None = None) -> None:
        # The task is held only to be run here: the forked process has its own.
        self.task, self.process, self.pipe = task, process, pipe
        self.outcome: list[object] = []  # once known: the result, a ``_Failed``, a ``WorkerLost``
        if process is not None and pipe is not None:
            # Never asked for (the caller stopped): the process ends once this is dropped.
            weakref.finalize(self, _end_background, process, pipe)

    @property
    def forked(self) -> bool:
        """Whether the task runs in another process."""
        return self.process is not None

    def __call__(self) -> R:
        if not self.outcome:
            if self.process is None or self.pipe is None:
                assert self.task is not None
                self.outcome.append(self.task())  # its error, if any, raised as it is
            else:
                self._receive(self.process, self.pipe)
        outcome = self.outcome[0]
        if isinstance(outcome, _Failed):
            outcome.raise_it()
        if isinstance(outcome, WorkerLost):
            raise outcome
        return cast("R", outcome)

    def _receive(self, process: BaseProcess, pipe: Connection) -> None:
        try:
            self.outcome.append(pipe.recv())
        except (EOFError, OSError):
            process.join()
            self.outcome.append(WorkerLost(
                f"the process working in the background ended before its work was done "
                f"(exit code {process.exitcode})"))
        except BaseException:  # Ctrl+C while waiting: no result, now or later
            self.end()
            raise
        finally:
            _end_background(process, pipe)  # it has sent all it will, or is ended

    def end(self) -> None:
        """No result wanted any more: the process, if any, is ended at once; a call
        afterwards raises ``WorkerLost``."""
        if not self.outcome:
            self.outcome.append(WorkerLost("the work in the background was called off"))
        if self.process is not None and self.pipe is not None:
            _end_background(self.process, self.pipe)


def in_background(task: Callable[[], R], jobs: int | None, min_items: int,
                  items: int) -> Background[R]:
    """``task()`` started in a forked process, when ``jobs`` allows more than one and
    there are at least ``min_items`` items to work on; otherwise run here when its
    result is first asked for. The task works on this process's state as it was when
    started: what the caller changes afterwards, it does not see.
    """
    jobs = jobs or default_jobs()
    if jobs < 2 or items < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return Background(task)
    processes: list[BaseProcess] = []
    pipes: list[Connection] = []
    try:
        with collector.frozen():  # as in ``parallel_map``: the worker's collections copy nothing
            _fork(functools.partial(_send_result, task), processes, pipes)
        # Made here: stopped before it ends the process once dropped, this does.
        return Background(None, processes[0], pipes[0])
    except BaseException:
        _end(processes)
        for pipe in pipes:
            pipe.close()
        raise


def _end_background(process: BaseProcess, pipe: Connection) -> None:
    _end([process])
    pipe.close()


_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """In a process forked by ``parent``: be killed as soon as ``parent`` ends (Linux),
    and end at once if it already has. A task whose work only its parent's lock allows
    calls it first, so that it never goes on after a killed build. Elsewhere, it only
    ends if the parent has already."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            # The C library as this process already has it (``publish._renameat2``).
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
