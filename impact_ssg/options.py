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
    authoring: bool = False
    """Built for an editor at work (``serve``): even a build with nothing to start from
    (but a ``--clean`` one) records what each page reads (``reads``), so that the first
    front-matter edit after it renders only the pages that show what changed."""
