"""Compiled templates, kept between builds in the build cache (``.impact-cache/compiled/``).

Compiling the templates a text edit renders costs it about 35 ms at every build. Jinja
checks a compiled template against its source (a checksum of its text); each file also
carries a sum keyed by impact-ssg's code fingerprint (its own code and the versions of
its libraries, which set the templates' options), so that a file of another version, or
a damaged one, is compiled again, never run. Like the cache's entries, the files are
code that a build runs: the cache folder is the project's own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from .cache import code_fingerprint
from .wholefile import write_whole

FOLDER = "compiled"
"""Its folder in the build cache."""
_SUM_SIZE = 32


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, one file per template, in ``folder``. ``read=False``
    (``--clean``) compiles every template again, but still keeps them."""

    def __init__(self, folder: Path, read: bool = True) -> None:
        self.folder = folder
        self.read = read
        self._key = hashlib.blake2b(code_fingerprint().encode(), digest_size=32).digest()

    def _sum(self, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=self._key, digest_size=_SUM_SIZE).digest()

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self.read:
            return
        try:
            data = (self.folder / bucket.key).read_bytes()
        except OSError:
            return
        payload = data[_SUM_SIZE:]
        if data[:_SUM_SIZE] == self._sum(payload):
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        # Best effort, whole files only: workers may write the same template at once.
        payload = bucket.bytecode_to_string()
        write_whole(self.folder / bucket.key, lambda out: out.write(self._sum(payload) + payload))
