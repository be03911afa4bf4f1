"""The model of a build, kept whole for the text edits that follow it.

A text edit leaves the *frame* as it was (``reuse``): every monograph's front matter,
the config, the templates, the files beside the monographs. The whole model is then the
one the last build made, but for the edited monographs' outlines (table of contents,
references) and bodies, which are read from the cache anyway. A build that finds the
model of its frame reads it back in one piece, about 0.3 s at 10,000 monographs, instead
of reading every monograph back and indexing them again (1.2 s).

The snapshot lives beside the stamp (``.impact-cache/outputs/``), one per output folder,
named by its frame, and is written by the first build of a text edit in that frame, and
again when many monographs have changed since: builds that change the frame never pay
for it. It is a pickle, like the cache's entries.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from . import collector
from .errors import ContentWarning
from .index import Site
from .markdown import Outline
from .model import Monograph
from .source import SourceFile
from .uptodate import output_key


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A build's model, as its frame made it."""

    frame: str
    """``reuse.frame`` of the build."""
    versions: dict[str, str]
    """Each monograph's source path → its version, in source order."""
    monographs: tuple[Monograph, ...]
    """Every valid monograph, in source order, drafts included."""
    assets: tuple[SourceFile, ...]
    warnings: tuple[ContentWarning, ...]
    site: Site
    """The site, without its bodies (``Site.bodies`` is empty)."""


def _file(cache: Path, output: Path, frame: str) -> Path:
    return cache / "outputs" / f"{output_key(output)}.{frame}.model"


def exists(cache: Path, output: Path, frame: str) -> bool:
    """Whether the model of ``frame`` is kept for ``output``."""
    return _file(cache, output, frame).is_file()


def save(cache: Path, output: Path, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` for the builds into ``output`` (the model of another frame
    goes); a failure only costs those builds time."""
    path = _file(cache, output, snapshot.frame)
    kept = replace(snapshot, site=replace(snapshot.site, bodies={}))
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            pickle.dump(kept, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)
        for other in path.parent.glob(f"{output_key(output)}.*.model"):
            if other != path:
                other.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(out.name)


def read(cache: Path, output: Path, frame: str) -> Snapshot | None:
    """The model of ``frame`` kept for ``output``, if there is one that can be read; one
    that cannot is removed, so that the next text edit keeps a new one."""
    path = _file(cache, output, frame)
    try:
        with collector.paused():  # a million objects, no cycle
            snapshot = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError, KeyError):
        snapshot = None
    if not (isinstance(snapshot, Snapshot) and snapshot.frame == frame
            and isinstance(snapshot.site, Site)):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return snapshot


def with_outlines(snapshot: Snapshot, outlines: Mapping[str, Outline]) -> None:
    """Give the monographs of ``outlines`` (by source path) theirs, in the snapshot's
    model itself: a monograph is shared by every part of the site that lists it, and
    only its outline differs from the snapshot's (its frame is the same). The model
    read back is this build's alone, so changing it in place is safe."""
    for monograph in snapshot.monographs:
        outline = outlines.get(monograph.source)
        if outline is not None:
            object.__setattr__(monograph, "rendered", outline)
