"""Write a generated data file, or with ``--check`` say whether the committed one is current."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(output: Path, content: str, check: bool, summary: str) -> int:
    """Exit status: 0 written or up to date, 1 stale (``check``)."""
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != content:
            print(f"{output} is stale; rerun without --check", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(content, encoding="utf-8", newline="\n")
    print(f"wrote {output}: {summary}")
    return 0
