"""One build at a time per project: an exclusive lock on the build cache.

Builds share what ``.impact-cache/`` holds: the entries, the stamps, the kept models and,
above all, the spare site that each build writes into and swaps in (``publish``). Two at
once (``serve`` rebuilding on a save while ``build`` runs in another terminal) would
write into the same spare, and one could swap in a site the other was still writing.
So a build, or a check, takes the lock file ``.impact-cache/lock`` for its whole run; one
that finds it taken says so and waits. The lock is the operating system's (``flock``):
it goes with the process that held it, however it ended, so a killed build never
leaves the project locked. Forked workers do not keep it: a child closes its copy of
the lock's descriptor as it starts (closing a copy never releases the lock), so a worker
left behind by a killed build holds nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: builds are not kept apart there
    fcntl = None  # type: ignore[assignment]

FILE = "lock"

_held: set[int] = set()  # the descriptors of the locks this process holds


def _close_in_child() -> None:
    for descriptor in _held:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


@contextlib.contextmanager
def exclusive(cache_folder: Path, waiting: Callable[[str], None] | None = None
              ) -> Iterator[bool]:
    """Hold the cache's lock while the block runs, and yield ``True``; when another
    process holds it, tell ``waiting`` and wait for it. Where the lock cannot be had at
    all (a cache folder that cannot be written, no ``flock``, a file system that refuses
    locks), the block runs all the same, and ``False`` is yielded: builds are then not
    kept apart."""
    descriptor = _open(cache_folder)
    if descriptor is not None:
        try:
            locked = _lock(descriptor, cache_folder, waiting)
        except BaseException:  # interrupted while waiting
            os.close(descriptor)
            raise
        if not locked:
            os.close(descriptor)
            descriptor = None
    if descriptor is None:
        yield False
        return
    _held.add(descriptor)
    try:
        yield True
    finally:
        _held.discard(descriptor)
        os.close(descriptor)  # and the lock with it


def _lock(descriptor: int, cache_folder: Path, waiting: Callable[[str], None] | None
          ) -> bool:
    """Whether the lock could be taken, waiting for it if another process holds it."""
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting(f"waiting for another build using {cache_folder.as_posix()}/ to end")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:  # no locks here (ENOLCK on some network file systems)
        return False
    return True


def _open(cache_folder: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        cache_folder.mkdir(parents=True, exist_ok=True)
        return os.open(cache_folder / FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None
