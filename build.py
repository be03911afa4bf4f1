"""Build the site: ``python build.py [build|check|serve|new] [options]``.

A thin entry point so that a fresh clone works without installing the package's
console script; ``impact-ssg`` is the same program.
"""

from __future__ import annotations

from impact_ssg.__main__ import main

if __name__ == "__main__":
    main()
