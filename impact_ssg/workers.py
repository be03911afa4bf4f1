"""Parallel work over processes: reading and validating files, writing pages.

``--jobs N`` (default: every core) processes share the work when there is enough of it
to repay starting them; results come back in input order, so the output is the same
whatever N. Workers are forked, so they start with the parent's finished state (the
config, or the whole site) without pickling it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL = 200

# What forked workers inherit: the task and its items, so only indices and results travel.
_task: Callable[..., object] | None = None
_items: Sequence[object] = ()


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def _run(index: int) -> object:
    assert _task is not None
    return _task(_items[index])


def parallel_map(task: Callable[[T], R], items: Sequence[T], jobs: int | None,
                 min_items: int = MIN_PARALLEL) -> list[R]:
    """``[task(item) for item in items]``, over ``jobs`` forked processes when there are at
    least ``min_items`` items.

    ``task`` and ``items`` may hold anything (closures, lambdas): forked workers inherit
    them; only indices and results are pickled.
    """
    jobs = jobs or default_jobs()
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if jobs < 2 or len(items) < min_items or not forkable:
        return [task(item) for item in items]
    global _task, _items
    _task, _items = task, items
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            chunk = max(1, len(items) // (jobs * 8))
            return list(pool.map(_run, range(len(items)), chunksize=chunk))  # type: ignore[arg-type]
    finally:
        _task, _items = None, ()


def split(items: Iterable[T], parts: int) -> list[list[T]]:
    """``items`` dealt into ``parts`` lists in turn (balanced, order kept within each)."""
    lists: list[list[T]] = [[] for _ in range(parts)]
    for index, item in enumerate(items):
        lists[index % parts].append(item)
    return lists
