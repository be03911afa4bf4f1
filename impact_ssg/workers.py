"""Parallel work over processes: reading and validating files, the full-text index,
writing pages.

``--jobs N`` (default: every core) processes share the work when there is enough of it
to repay starting them; results come back in input order, so the output is the same
whatever N. Workers are forked, so they start with the parent's finished state (the
config, or the whole site) without pickling it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar, cast

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


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def _claim() -> tuple[int, list[object]] | None:
    """Take the next chunk, if any is left: its number and results."""
    assert _task is not None
    with _taken.get_lock():
        number = _taken.value
        _taken.value += 1
    if number >= len(_chunks):
        return None
    return number, [_task(_items[index]) for index in _chunks[number]]


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


def parallel_map(task: Callable[[T], R], items: Sequence[T], jobs: int | None,
                 min_items: int = MIN_PARALLEL, first: Collection[int] = ()) -> list[R]:
    """``[task(item) for item in items]``, over ``jobs`` processes when there are at least
    ``min_items`` items: this one and ``jobs - 1`` forked workers.

    ``task`` and ``items`` may hold anything (closures, lambdas): forked workers inherit
    them; only results are pickled. The items at the indices ``first`` are handed out
    before the others, each alone: an item that takes far longer than most (a page
    listing every monograph) would otherwise lengthen the chunk it falls in, and if
    that chunk comes last, keep one process working while the others wait.
    """
    jobs = jobs or default_jobs()
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if jobs < 2 or len(items) < min_items or not forkable:
        return [task(item) for item in items]
    global _task, _items, _chunks, _taken
    context = multiprocessing.get_context("fork")
    _task, _items, _taken = task, items, context.Value("l", 0)
    _chunks = chunks(len(items), max(1, len(items) // (jobs * 8)), first)
    # Frozen: a worker's collections then never copy the pages it shares with its parent
    # (the whole site, once per worker).
    try:
        with collector.frozen(), ProcessPoolExecutor(max_workers=jobs - 1,
                                                     mp_context=context) as pool:
            # One claim per chunk, so that a worker's results come back chunk by chunk.
            claims = [pool.submit(_claim) for _ in _chunks]
            done: dict[int, list[object]] = {}
            # This process takes chunks too, rather than wait holding a copy of everything.
            try:
                while (mine := _claim()) is not None:
                    done[mine[0]] = mine[1]
            except BaseException:
                with _taken.get_lock():
                    _taken.value = len(_chunks)  # the workers' claims now find nothing
                raise
            for claim in claims:
                if (theirs := claim.result()) is not None:
                    done[theirs[0]] = theirs[1]
        results: list[object] = [None] * len(items)
        for number, chunk in enumerate(_chunks):
            for index, result in zip(chunk, done[number], strict=True):
                results[index] = result
        return cast("list[R]", results)
    finally:
        _task, _items, _chunks, _taken = None, (), (), None


_background: Callable[[], object] | None = None


def _run_background() -> object:
    assert _background is not None
    return _background()


def in_background(task: Callable[[], R], jobs: int | None, min_items: int,
                  items: int) -> Callable[[], R]:
    """Start ``task()`` in a forked process, when ``jobs`` allows more than one and there
    are at least ``min_items`` items to work on, and return a function that waits for its
    result; otherwise that function runs ``task()`` itself. The task works on this
    process's state as it was when started: what the caller changes afterwards, it does
    not see.
    """
    jobs = jobs or default_jobs()
    if jobs < 2 or items < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return task
    global _background
    _background = task
    try:
        with collector.frozen():  # as in ``parallel_map``: the worker's collections copy nothing
            pool = ProcessPoolExecutor(max_workers=1,
                                       mp_context=multiprocessing.get_context("fork"))
            future = pool.submit(_run_background)  # forks here
    finally:
        _background = None

    def result() -> R:
        try:
            return cast("R", future.result())
        finally:
            pool.shutdown()

    return result


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
