"""Whether a build has anything to do: the inputs and the output as the last build left
them, fingerprinted.

The stamp lives in the build cache (``.impact-cache/outputs/``), one per output folder:
a hash of every input (impact-ssg's code, the config, the options that change the site,
every file under the templates and the sources), a hash of the output folder's file
names, sizes and modification times as written, and what ``reuse`` needs to keep pages.
When the inputs and the output folder both match, the site is exactly what a build would
write, and the build stops there; anything else — an input changed, a file of the output
touched or removed, no stamp, ``--clean`` — makes a build.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .cache import code_fingerprint
from .source import is_monograph_name


def _walk(folder: Path) -> list[tuple[str, os.stat_result]]:
    """Every file under ``folder`` (links included, never followed), by path relative to
    it, with its ``lstat``."""
    found: list[tuple[str, os.stat_result]] = []

    def visit(directory: str, prefix: str) -> None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:  # unreadable: the build will say so; here it is one more name
            found.append((f"{prefix}\0unreadable", os.stat_result((0,) * 10)))
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path, f"{prefix}{entry.name}/")
            else:
                found.append((prefix + entry.name, entry.stat(follow_symlinks=False)))

    if folder.is_dir():
        visit(os.fspath(folder), "")
    return found


@dataclass(frozen=True, slots=True)
class Inputs:
    """Hashes of what a build reads."""

    everything: str
    """Everything: impact-ssg's code, the config, the options, every file under the
    templates and the sources."""
    frame: str
    """The same but the monograph files: what every page but a monograph's own is made
    of, with the monographs' front matter (``reuse``)."""


def inputs(config: Path, templates: Path, source: Path, settings: str) -> Inputs:
    """Hashes of everything a build reads, with and without the monograph files."""
    everything = hashlib.sha256(code_fingerprint().encode())
    everything.update(settings.encode() + b"\0" + config.read_bytes())
    frame = everything.copy()
    for folder in (templates, source):
        for digest in (everything, frame):
            digest.update(b"\0folder\0" + os.fsencode(folder.resolve()))
        for rel, _ in _walk(folder):
            try:
                data = (folder / rel).read_bytes()
            except (OSError, ValueError):  # ValueError: the name of an unreadable folder
                data = b"\0unreadable\0"
            digests = [everything]
            if folder is templates or not is_monograph_name(rel):
                digests.append(frame)
            for digest in digests:
                digest.update(os.fsencode(rel) + b"\0" + data)
    return Inputs(everything.hexdigest(), frame.hexdigest())


def outputs(folder: Path) -> str:
    """A hash of the output folder as it stands: names, sizes, modification times."""
    digest = hashlib.sha256()
    for rel, stat in _walk(folder):
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}\n".encode(
            "utf-8", "surrogateescape"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the last build into an output folder read and wrote."""

    inputs: str
    """``Inputs.everything``."""
    outputs: str
    """``outputs()`` of the folder as the build left it."""
    frame: str
    """``reuse.frame`` of that build."""
    versions: dict[str, str]
    """Each monograph's source path → ``reuse`` version of what it was made from."""


def output_key(output: Path) -> str:
    """A name for an output folder, the same however its path is written."""
    return hashlib.sha256(os.fsencode(output.resolve())).hexdigest()


def _stamp_file(cache: Path, output: Path) -> Path:
    return cache / "outputs" / output_key(output)


def read(cache: Path, output: Path) -> Stamp | None:
    """The stamp of the last build into ``output``, if there is one that can be read."""
    try:
        fields = json.loads(_stamp_file(cache, output).read_text("utf-8"))
        stamp = Stamp(**fields)
    except (OSError, ValueError, TypeError):
        return None
    if not all(isinstance(v, str) for v in (stamp.inputs, stamp.outputs, stamp.frame)):
        return None
    if not isinstance(stamp.versions, dict):
        return None
    return stamp


def as_left(stamp: Stamp | None, output: Path) -> bool:
    """Whether ``output`` is, file for file, what the build of ``stamp`` left."""
    return stamp is not None and output.is_dir() and stamp.outputs == outputs(output)


def record(cache: Path, output: Path, inputs: Inputs, frame: str,
           versions: dict[str, str]) -> None:
    """Remember what the build just made; a failure only costs the next build time."""
    path = _stamp_file(cache, output)
    stamp = {"inputs": inputs.everything, "outputs": outputs(output), "frame": frame,
             "versions": versions}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stamp, sort_keys=True), "utf-8")
    except OSError:
        pass
