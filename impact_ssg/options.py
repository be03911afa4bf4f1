"""What a command asks of a build or a check (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line asks for (SPEC §3)."""

    config: Path = Path("impact.yaml")
    source: Path = Path("monographs")
    output: Path = Path("site")
    drafts: bool = False
    base_url: str | None = None
    jobs: int | None = None
    clean: bool = False
    quiet: bool = False
