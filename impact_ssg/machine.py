"""What the machine stops a build with: a full or read-only disk, a folder this user may
not write to, a limit on open files or file sizes. Told as a problem to mend, naming the
file and the fix, not as a failure of impact-ssg with its traceback.

Only the errors of the machine are told so: any other ``OSError`` (a file gone while it
was read, say) is left as it is, a bug to see whole."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import SsgError
from .publish import as_published


class MachineError(SsgError):
    """A build or check stopped by the machine; what it was writing is left as it was."""


_FIXES = {
    errno.ENOSPC: "the disk is full: free some space, then build again",
    errno.EDQUOT: "this user's disk quota is used up: free some space, then build again",
    errno.EROFS: "the disk is read-only: mount it for writing",
    errno.EACCES: "this user may not use it: change its permissions",
    errno.EPERM: "this user may not use it: change its permissions",
    errno.EFBIG: "a file would be larger than this process may write: raise the limit "
                 "(ulimit -f), then build again",
    errno.EMFILE: "too many files open at once: raise the limit (ulimit -n), then build "
                  "again",
    errno.ENFILE: "too many files open on the machine: close some programs, then build "
                  "again",
    errno.EIO: "the disk failed to read or write: check it, then build again",
}
# Refusals of a folder or disk that another output folder may not share.
_ELSEWHERE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def told(error: OSError, output: Path, left: str, spare: Path | None = None
         ) -> MachineError | None:
    """``error`` as a ``MachineError`` when the machine is the cause, else ``None``: the
    file (as published in ``output`` when it was being written into a folder beside
    it or into its ``spare``), the system's reason and the fix, then ``left`` (what was
    left as it was)."""
    fix = _FIXES.get(error.errno or 0)
    if fix is None:
        return None
    where = (as_published(str(error.filename), output, spare) if error.filename is not None
             else f"writing {output.as_posix()}/ or the build cache")
    reason = error.strerror or errno.errorcode.get(error.errno or 0, "")
    if error.errno in _ELSEWHERE and (where + "/").startswith(output.as_posix() + "/"):
        fix += ", or build elsewhere with --output"
    return MachineError(f"{where}: {reason}; {fix} ({left})")


@contextmanager
def refusals_told(output: Path, left: str, spare: Path | None = None) -> Iterator[None]:
    """Inside, an ``OSError`` of the machine is raised as its ``MachineError`` (``told``)
    instead; any other is raised as it is."""
    try:
        yield
    except OSError as error:
        made = told(error, output, left, spare)
        if made is None:
            raise
        raise made from None
