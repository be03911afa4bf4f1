"""The cyclic garbage collector, kept off the model a build makes.

Reading the cache back and indexing a large base make about a million long-lived objects
and no reference cycles. The collector would traverse all of them again each time their
number grows by a quarter, and at every full collection after that: a third of a
rebuild's time at 10,000 monographs. So a build runs in a ``frozen`` scope, and what its
``paused`` steps made is frozen (``gc.freeze``) as they end: left alone by the collector
until the scope ends. Cycles made meanwhile are collected once it has.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0  # frozen scopes entered and not left
_ended = False  # whether an outermost scope ended since the last full collection


@contextmanager
def frozen() -> Iterator[None]:
    """The objects alive on entry, and those frozen inside, are left alone by the
    collector until the outermost ``frozen`` scope ends. Also what a forked worker
    needs: its collections then never write to the pages it shares with its parent,
    which would copy them.

    The model a scope froze is garbage in reference cycles once it ends (Jinja's
    environment holds the site), which only a full collection frees: an outermost scope
    that follows another (``serve``, tests) makes one first, rather than freeze the last
    model again for its whole length."""
    global _depth, _ended
    if _depth == 0 and _ended:
        gc.collect()
    gc.freeze()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.unfreeze()  # a long-lived process (``serve``) can free them once unused
            _ended = True


def collect() -> None:
    """A full collection now (outside any ``frozen`` scope): what the last scope left is
    freed, and the next scope need not collect first. For a long-lived process, while
    it waits (``serve``): a full collection walks the model kept for the next build
    (some 0.1 s at 10,000 monographs), which that build would otherwise do again before
    it starts."""
    global _ended
    gc.collect()
    if _depth == 0:
        _ended = False


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside; the collector is as it was afterwards. Inside a ``frozen``
    scope, what was made inside is frozen too."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _depth:
            gc.freeze()
        if was_enabled:
            gc.enable()
