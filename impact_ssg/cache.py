"""The build cache: each monograph file's validated result, keyed by everything it
depends on, so that an unchanged file is neither parsed nor rendered again.

It lives in ``.impact-cache/`` beside the config file (git-ignored; safe to delete at any
time). An entry's key hashes the impact-ssg code itself (every module and data file of
the package), the config file's bytes, command-line settings that reach a monograph
(``--base-url``), the file's path as shown in messages, and a digest of the file's
bytes. A changed input is a new key, so an entry can never be stale; an entry that
cannot be read back (truncated, corrupt, from another Python) is ignored and made again.
Entries no build used are removed at the end of each build.

Entries are pickles: keep ``.impact-cache/`` out of reach of anyone who may not run code
on this machine, like the project's own code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from .errors import ContentError
from .model import Checked

FOLDER = ".impact-cache"
Result = Checked | list[ContentError]


# Libraries whose version changes what a page holds.
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "nh3", "pyyaml")


@cache
def code_fingerprint() -> str:
    """A hash of the package's own files and of the versions of the libraries that shape
    its output: a new version of either is a new cache."""
    digest = hashlib.sha256()
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=?\n".encode())
    package = resources.files(__package__)
    for path in sorted(Path(str(package)).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json"):
            digest.update(path.relative_to(Path(str(package))).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class BuildCache:
    """Validated monographs by content key, in one folder."""

    def __init__(self, folder: Path, settings: bytes, read: bool = True) -> None:
        """``settings`` holds what, besides a file, a result depends on (config bytes,
        overrides); ``read=False`` (``--clean``) ignores existing entries but still writes."""
        self.folder = folder
        self.read = read
        self._base = hashlib.sha256(code_fingerprint().encode() + b"\0" + settings).digest()
        self.used: set[str] = set()

    def key(self, display: str, content: str) -> str:
        """The entry name of a file shown as ``display`` whose bytes have the digest
        ``content`` (``uptodate.digest``)."""
        digest = hashlib.sha256(self._base)
        digest.update(display.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(content.encode())
        return digest.hexdigest()

    def get(self, key: str, display: str) -> Result | None:
        """The cached result for the file shown as ``display``, or ``None`` when there is
        none that can be trusted."""
        if not self.read:
            return None
        try:
            value = pickle.loads((self.folder / key[:2] / key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                IndexError, TypeError, ValueError):
            return None
        # An entry must be about this very file: a valid entry of another file under this
        # name (copied, swapped) is as wrong as a corrupt one.
        if isinstance(value, Checked) and value.monograph.path == display:
            return value
        if isinstance(value, list) and value and all(
                isinstance(e, ContentError) and e.path == display for e in value):
            return value
        return None

    def put(self, key: str, value: Result) -> None:
        """Store a result; a failure to write only costs the next build some time."""
        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as out:
                out.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(out.name, folder / key)  # whole entries only, even if interrupted
        except OSError:
            pass

    def prune(self, keep: set[str]) -> None:
        """Remove every entry not in ``keep`` (and any leftover temporary file)."""
        if not self.folder.is_dir():
            return
        for sub in self.folder.iterdir():
            # Entries live in folders named by their first two hex digits; others (the
            # output stamps) are not entries.
            if len(sub.name) != 2 or not sub.is_dir() or sub.is_symlink():
                continue
            for entry in sub.iterdir():
                if entry.name not in keep:
                    entry.unlink(missing_ok=True)
