"""The build cache: each monograph file's validated result, keyed by everything it
depends on, so that an unchanged file is neither parsed nor rendered again.

It lives in ``.impact-cache/`` beside the config file (git-ignored; safe to delete at any
time), as one SQLite database, ``entries.sqlite``. An entry's key hashes the impact-ssg
code itself (every module and data file of the package), the config file's bytes,
command-line settings that reach a monograph (``--base-url``), the file's path as shown
in messages, and a digest of the file's bytes. A changed input is a new key, so an entry
can never be stale; an entry that cannot be read back (corrupt, from another Python, about
another file) is ignored and made again, and a database that cannot be read is started
afresh. Entries no build used are removed at the end of each build.

An entry holds the file's monograph (or its errors) apart from its body as HTML and its
search words: a build reads the monographs back at once, but a body only when its page
is written and the words only to index them, so that no process holds them all (``Stored``).

Monographs are stored as pickles: keep ``.impact-cache/`` out of reach of anyone who may
not run code on this machine, like the project's own code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import shutil
import sqlite3
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Generic, TypeVar

from . import collector
from .errors import ContentError, SsgError
from .model import Monograph

FOLDER = ".impact-cache"
DATABASE = "entries.sqlite"
Result = Monograph | list[ContentError]
T = TypeVar("T")

# Libraries whose version changes what a page holds.
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "nh3", "pyyaml")
# The layout of the database: another number, and a database is started afresh.
LAYOUT = 1
PAGE_SIZE = 32768
_COLUMNS = {"key": "TEXT PRIMARY KEY", "path": "TEXT NOT NULL", "result": "BLOB NOT NULL",
            "html": "BLOB NOT NULL", "words": "BLOB NOT NULL", "sums": "BLOB NOT NULL"}
_TABLE = f"CREATE TABLE entries ({', '.join(f'{k} {v}' for k, v in _COLUMNS.items())})"
# Each part of an entry is checked against its sum when read (``_sum``): 16 bytes each,
# in this order in ``sums``.
_PARTS = ("result", "html", "words")
_COLUMN = {name: f"SELECT {name}, sums FROM entries WHERE key = ?" for name in _PARTS[1:]}
# Keys per query: SQLite's oldest limit on the parameters of one statement is 999.
_BATCH = 900
# Failures of the database itself, as opposed to our use of it.
_BROKEN = (sqlite3.DatabaseError, OSError)
# What SQLite says of a file that is no database, or a damaged one.
_DAMAGED = (26, 11)  # SQLITE_NOTADB, SQLITE_CORRUPT


@cache
def code_fingerprint() -> str:
    """A hash of the package's own files and of the versions of the libraries that shape
    its output: a new version of either is a new cache."""
    digest = hashlib.sha256()
    for library, installed in zip(LIBRARIES, installed_as(LIBRARIES, sys.path), strict=True):
        digest.update(f"{library}={installed or _version(library)}\n".encode())
    package = resources.files(__package__)
    for path in sorted(Path(str(package)).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json"):
            digest.update(path.relative_to(Path(str(package))).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def installed_as(libraries: Iterable[str], path: Iterable[str]) -> list[str | None]:
    """The name of each library's metadata folder, ``{name}-{version}.dist-info``, in the
    first folder of the import ``path`` that has one, where ``importlib.metadata`` finds
    it (all of them, should a broken install have left several there); ``None`` for a
    library installed otherwise (an ``.egg-info`` found first) or not found. The name
    holds the version, and is all a cache key needs of it: importing
    ``importlib.metadata`` and reading each library's metadata took 35 ms at each build
    (a text edit takes a second)."""
    wanted = {_normalised(library): i for i, library in enumerate(libraries)}
    found: list[str | None] = [None] * len(wanted)
    for folder in path:
        if not wanted:
            break
        try:
            names = os.listdir(folder or ".")
        except OSError:  # a zip archive, a folder gone
            continue
        here: dict[int, list[str]] = {}
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if dot and suffix in ("dist-info", "egg-info"):
                i = wanted.get(_normalised(stem.partition("-")[0]))
                if i is not None:
                    here.setdefault(i, []).append(name)
        for i, metadata_folders in here.items():
            found[i] = (" ".join(sorted(metadata_folders))
                        if all(m.endswith(".dist-info") for m in metadata_folders) else None)
        wanted = {name: i for name, i in wanted.items() if i not in here}
    return found


def _normalised(name: str) -> str:
    """A distribution's name as the packaging standards compare names."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(library: str) -> str:
    """The installed version of ``library`` by its metadata, ``?`` if it has none."""
    from importlib import metadata  # only for libraries installed unlike wheels do

    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "?"


@dataclass(frozen=True, slots=True)
class Record:
    """One file's result as stored: a cache entry (not an ``uptodate.Entry``, a file's
    digest and signature)."""

    key: str
    path: str
    """The file's path as messages show it: an entry is only ever about that file."""
    result: bytes
    """The pickled ``Result``."""
    html: bytes = b""
    """The body as HTML, UTF-8 (empty for a file with errors)."""
    words: bytes = b""
    """The search words, UTF-8 (``model.Checked.words``)."""
    stored: bool = False
    """Whether it is in the cache (its ``html`` and ``words`` may then be left out)."""


class BuildCache:
    """Validated monographs by content key, in one database.

    Each process opens its own connection when it first needs one (a forked worker never
    uses its parent's). Writing is best effort: a cache that cannot be written only makes
    the next build slower."""

    def __init__(self, folder: Path, settings: bytes, read: bool = True) -> None:
        """``settings`` holds what, besides a file, a result depends on (config bytes,
        overrides); ``read=False`` (``--clean``) ignores existing entries but still writes."""
        self.folder = folder
        self.read = read
        self._base = hashlib.sha256(code_fingerprint().encode() + b"\0" + settings).digest()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        _OPEN.add(self)

    def key(self, display: str, content: str) -> str:
        """The entry name of a file shown as ``display`` whose bytes have the digest
        ``content`` (``uptodate.digest``)."""
        digest = hashlib.sha256(self._base)
        digest.update(display.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(content.encode())
        return digest.hexdigest()

    def open(self) -> None:
        """Make or open the database in this process, before workers are forked, so that
        they do not race to make it; a cache that cannot be opened is only slower."""
        with contextlib.suppress(*_BROKEN):
            self._db()

    def get(self, wanted: Mapping[str, str]) -> dict[str, Result]:
        """The results stored under the keys of ``wanted`` (key → the display path of the
        file the entry must be about), of those that can be trusted."""
        if not self.read or not wanted:
            return {}
        found: dict[str, Result] = {}
        keys = list(wanted)
        try:
            db = self._db()
            with collector.paused():
                for start in range(0, len(keys), _BATCH):
                    batch = keys[start:start + _BATCH]
                    rows = db.execute("SELECT key, path, result, sums FROM entries WHERE key IN "
                                      f"({','.join('?' * len(batch))})", batch).fetchall()
                    for key, path, blob, sums in rows:
                        # An entry must be about this very file: a valid entry of another
                        # file under this name (copied, swapped) is as wrong as a corrupt one.
                        if (path == wanted[key] and _checked(key, "result", blob, sums)
                                and (value := _result(blob, path)) is not None):
                            found[key] = value
        except _BROKEN as error:
            if _damaged(error):
                self._start_afresh()
        return found

    def column(self, name: str, key: str) -> bytes | None:
        """The ``html`` or ``words`` of the entry ``key``; ``None`` when there is none that
        can be trusted (one found damaged is removed, to be made again)."""
        try:
            db = self._db()
            row = db.execute(_COLUMN[name], (key,)).fetchone()
            if row is None:
                return None
            if not _checked(key, name, row[0], row[1]):
                db.execute("DELETE FROM entries WHERE key = ?", (key,))
                return None
        except _BROKEN:
            return None
        return bytes(row[0])

    def put(self, entries: Iterable[Record]) -> bool:
        """Store ``entries`` in one transaction: all of them, or none (``False``)."""
        rows = [(e.key, e.path, e.result, e.html, e.words,
                 b"".join(_sum(e.key, part, data) for part, data in
                          zip(_PARTS, (e.result, e.html, e.words), strict=True)))
                for e in entries]
        if not rows:
            return True
        try:
            db = self._db()
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
        except _BROKEN:
            return False
        return True

    def prune(self, keep: set[str], among: set[str] | None = None) -> None:
        """Remove every entry not in ``keep`` (only those ``among`` these keys, when given:
        a build that knows what it replaced spares the whole table a look), and the
        entries of earlier versions (one file each, in folders named by their first two
        hex digits)."""
        if not self.folder.is_dir():
            return
        for sub in self.folder.iterdir():
            if len(sub.name) == 2 and sub.is_dir() and not sub.is_symlink():
                shutil.rmtree(sub, ignore_errors=True)
        if not (self.folder / DATABASE).is_file():
            return
        try:
            db = self._db()
            if among is not None:
                with _transaction(db):
                    db.executemany("DELETE FROM entries WHERE key = ?",
                                   ((key,) for key in sorted(among - keep)))
                    (count,) = db.execute("SELECT COUNT(*) FROM entries").fetchone()
                if count <= len(keep):
                    return
                # Entries that no build recorded (stored by one that failed or was
                # stopped): every entry is looked at.
            with _transaction(db):
                db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
                db.execute("DELETE FROM keep")
                db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keep))
                db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM keep)")
                db.execute("DELETE FROM keep")
        except _BROKEN:
            pass

    def _db(self) -> sqlite3.Connection:
        """This process's connection, the database made or started afresh as needed;
        raises ``sqlite3.DatabaseError`` or ``OSError`` when it cannot be opened."""
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        self._connection, self._pid = None, os.getpid()
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            connection = _open(self.folder / DATABASE)
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                raise
            # Not a database any more (truncated, overwritten): a cache can always be
            # made again.
            _remove(self.folder / DATABASE)
            connection = _open(self.folder / DATABASE)
        self._connection = connection
        return connection

    def close(self) -> None:
        """Close this process's connection; the next use opens another."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def __del__(self) -> None:
        # A connection is in a reference cycle of its own (its statements' cache): it would
        # stay open, the write-ahead log unmerged, until the collector finds it.
        with contextlib.suppress(Exception):
            self.close()

    def _start_afresh(self) -> None:
        """Forget a database found unreadable while in use, for the next build."""
        self.close()
        _remove(self.folder / DATABASE)


# Every cache of this process: a connection must not be open across a fork, as the child
# would inherit SQLite's record of the parent's locks (sqlite.org/howtocorrupt.html).
_OPEN: weakref.WeakSet[BuildCache] = weakref.WeakSet()


def close_all() -> None:
    """Close every cache of this process: before a fork, and before the process ends
    without tearing its objects down (``cli.run``)."""
    for build_cache in list(_OPEN):
        build_cache.close()


os.register_at_fork(before=close_all)


def _open(path: Path) -> sqlite3.Connection:
    # Autocommit but for ``with connection:`` blocks; a database busy with another build
    # is waited for, not failed on.
    connection = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        # Losing the cache to a crash costs a build, never a wrong site: no fsync.
        connection.execute("PRAGMA synchronous = OFF")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(entries)")]
        if (connection.execute("PRAGMA user_version").fetchone()[0] != LAYOUT
                or columns != list(_COLUMNS)):
            # A new database, or one of another layout (whatever its number says): made
            # anew. Pages large enough for a whole entry: freeing a chain of overflow
            # pages reads each of them.
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("DROP TABLE IF EXISTS entries")
            connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            connection.execute("VACUUM")
            connection.execute(_TABLE)
            connection.execute(f"PRAGMA user_version = {LAYOUT}")
        # Workers store their entries one by one: a write-ahead log makes each a cheap
        # append.
        connection.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        connection.close()
        raise
    return connection


def _damaged(error: BaseException) -> bool:
    # Extended codes (SQLITE_CORRUPT_INDEX…) carry the primary one in their low byte.
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _DAMAGED


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """All the statements inside, or none: the connection commits each statement on
    its own otherwise."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _remove(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def _sum(key: str, part: str, data: bytes) -> bytes:
    """A part's sum, bound to its entry's key: a part that was damaged, or that belongs to
    another entry, fails ``_checked``."""
    return hashlib.blake2b(data, digest_size=16, key=key.encode()[:64],
                           person=part.encode()).digest()


def _checked(key: str, part: str, data: bytes, sums: bytes) -> bool:
    start = 16 * _PARTS.index(part)
    return bool(sums[start:start + 16] == _sum(key, part, data))


def _result(blob: bytes, path: str) -> Result | None:
    """The stored result, when it is one and about the file shown as ``path``."""
    try:
        value = pickle.loads(blob)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
            TypeError, ValueError, KeyError):
        return None
    if isinstance(value, Monograph) and value.path == path:
        return value
    if isinstance(value, list) and value and all(
            isinstance(e, ContentError) and e.path == path for e in value):
        return value
    return None


class Stored(Mapping[str, T], Generic[T]):
    """One kind of a valid file's result that is not its monograph (its body as HTML, its
    words), by source path: read from the build cache when its entry was stored there,
    held in memory otherwise. Reading from the cache goes through the reading process's
    own connection, so workers read only what they use. An entry found damaged or gone
    is made again from its file, when that is still the one this build read."""

    def __init__(self, cache: BuildCache, column: str, keys: Mapping[str, str],
                 held: Mapping[str, bytes], convert: Callable[[bytes], T],
                 remake: Callable[[str], Record | None]) -> None:
        """``keys``: source path → cache key of every valid file; ``held``: source
        path → the bytes of those whose entry could not be stored; ``remake``: source
        path → its entry made again, or ``None`` when the file changed since."""
        self._cache, self._column, self._keys = cache, column, keys
        self._held, self._convert, self._remake = held, convert, remake

    def __getitem__(self, source: str) -> T:
        data = self._held.get(source)
        if data is None:
            data = self._cache.column(self._column, self._keys[source])
        if data is None:
            entry = self._remake(source)
            if entry is None:
                raise SsgError(f"{source}: changed during the build; build again")
            data = getattr(entry, self._column)
        return self._convert(data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
