"""Fetch a pinned npm package tarball and read files from it, for the data scripts.

``fetch`` runs ``npm pack`` (no install scripts) into a folder and refuses a tarball whose
sha512 integrity is not the pinned one; ``member`` reads ``package/<name>`` from it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import tarfile
from pathlib import Path


class TarballError(Exception):
    """The package is not the pinned one, or lacks a file."""


def fetch(name: str, version: str, integrity: str, workdir: Path) -> Path:
    """Download ``name@version`` into a new folder of ``workdir`` and verify it."""
    spec = f"{name}@{version}"
    target = workdir / re.sub(r"[^A-Za-z0-9.-]", "_", spec)
    target.mkdir()
    subprocess.run(["npm", "pack", spec, "--ignore-scripts", "--loglevel=warn",
                    "--pack-destination", str(target)], check=True, stdout=subprocess.DEVNULL)
    tarballs = sorted(target.glob("*.tgz"))
    if len(tarballs) != 1:
        raise TarballError(f"npm pack {spec} produced {len(tarballs)} tarballs")
    digest = hashlib.sha512(tarballs[0].read_bytes()).digest()
    found = "sha512-" + base64.b64encode(digest).decode("ascii")
    if found != integrity:
        raise TarballError(f"{spec}: integrity {found} != pinned {integrity}")
    return tarballs[0]


def member(tarball: Path, name: str) -> bytes:
    """The bytes stored at ``package/<name>`` in the tarball."""
    with tarfile.open(tarball, "r:gz") as archive:
        extracted = archive.extractfile(f"package/{name}")
        if extracted is None:
            raise TarballError(f"{tarball.name}: no file package/{name}")
        return extracted.read()
