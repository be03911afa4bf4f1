"""Files of the build cache written whole or not at all: filled beside, then renamed over.

A build that is stopped, or two that write at once, can then leave an old file or a new
one, never half of one; and a file that could not be written costs only time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_whole(path: Path, write: Callable[[IO[bytes]], object],
                failures: tuple[type[Exception], ...] = ()) -> bool:
    """Have ``path`` hold what ``write(file)`` writes into a temporary file beside it
    (its folder made as needed). Whatever fails, ``path`` is left as it was and no
    temporary file remains; an ``OSError`` or one of ``failures`` then returns
    ``False``, anything else is raised."""
    caught: tuple[type[Exception], ...] = (OSError, *failures)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            write(out)
        os.replace(out.name, path)
    except BaseException as error:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(out.name)
        if isinstance(error, caught):
            return False
        raise
    return True
