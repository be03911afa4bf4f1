"""The program as ``build.py``, ``impact-ssg`` and ``python -m impact_ssg`` start it.

Only this and the package's ``__init__`` are imported before the Ctrl+C handling of
``cli.run`` is in place: a Ctrl+C while the rest loads (a few tenths of a second) ends
the program as one during a build does, without a traceback.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Load the command line, then run it (``cli.run``, which never returns)."""
    try:
        from .cli import run
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr, flush=True)
        # Ended at once, as ``cli.run`` ends: a Ctrl+C that stopped code run by ``exec``
        # (dataclasses make their methods so) leaves CPython 3.11 taking it for unhandled,
        # and ``python -m`` would then end by the signal after all, once this is said.
        os._exit(130)
    run()


if __name__ == "__main__":
    main()
