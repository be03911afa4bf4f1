"""One build at a time per project: an exclusive lock on the build cache.

Builds share what ``.impact-cache/`` holds: the entries, the stamps, the kept models and,
above all, the spare site that each build writes into and swaps in (``publish``). Two at
once (``serve`` rebuilding on a save while ``build`` runs in another terminal) would
write into the same spare, and one could swap in a site the other was still writing.
So a build, or a check, takes the lock file ``.impact-cache/lock`` for its whole run; one
that finds it taken says so and waits. The lock is the operating system's (``flock``):
it goes with the process that held it, however it ended, so a killed build never
leaves the project locked.
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


@contextlib.contextmanager
def exclusive(cache_folder: Path, waiting: Callable[[str], None] | None = None
              ) -> Iterator[None]:
    """Hold the cache's lock while the block runs; when another process holds it, tell
    ``waiting`` and wait for it. Where the lock cannot be had at all (a cache folder that
    cannot be written, no ``flock``), the block runs all the same: the cache then keeps
    nothing either."""
    descriptor = _open(cache_folder)
    if descriptor is None:
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting(f"waiting for another build using {cache_folder.as_posix()}/ to end")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and the lock with it


def _open(cache_folder: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        cache_folder.mkdir(parents=True, exist_ok=True)
        return os.open(cache_folder / FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None
