"""Whether a build has anything to do: the inputs and the output as the last build left
them, fingerprinted.

The stamp lives in the build cache (``.impact-cache/outputs/``), one per output folder:
a hash of every input (impact-ssg's code, the config, the options that change the site,
every file under the templates and the sources) and a hash of the output folder's file
names, sizes and modification times as written. When both match, the site is exactly
what a build would write, and the build stops there; anything else — an input changed, a
file of the output touched or removed, no stamp, ``--clean`` — makes a full build.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .cache import code_fingerprint


def _walk(folder: Path) -> list[tuple[str, os.stat_result]]:
    found: list[tuple[str, os.stat_result]] = []
    for root, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            found.append((os.path.relpath(path, folder), os.lstat(path)))
    return found


def inputs(config: Path, folders: tuple[Path, ...], settings: str) -> str:
    """A hash of everything a build reads."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(settings.encode() + b"\0" + config.read_bytes())
    for folder in folders:
        digest.update(b"\0folder\0" + os.fsencode(folder.resolve()))
        for rel, _ in _walk(folder):
            digest.update(os.fsencode(rel) + b"\0")
            try:
                digest.update((folder / rel).read_bytes())
            except OSError:
                digest.update(b"\0unreadable\0")
    return digest.hexdigest()


def outputs(folder: Path) -> str:
    """A hash of the output folder as it stands: names, sizes, modification times."""
    digest = hashlib.sha256()
    for rel, stat in _walk(folder):
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}\n".encode(
            "utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stamp_file(cache: Path, output: Path) -> Path:
    name = hashlib.sha256(os.fsencode(output.resolve())).hexdigest()
    return cache / "outputs" / name


def unchanged(cache: Path, output: Path, inputs_hash: str) -> bool:
    """Whether ``output`` is what the last build made from these very inputs."""
    try:
        stamp = _stamp_file(cache, output).read_text("ascii").split()
    except (OSError, UnicodeDecodeError):
        return False
    return (len(stamp) == 2 and stamp[0] == inputs_hash and output.is_dir()
            and stamp[1] == outputs(output))


def record(cache: Path, output: Path, inputs_hash: str) -> None:
    """Remember what the build just made; a failure only costs the next build time."""
    path = _stamp_file(cache, output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{inputs_hash}\n{outputs(output)}\n", "ascii")
    except OSError:
        pass
