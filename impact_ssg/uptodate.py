"""Whether a build has anything to do, and what the last one made: the inputs and the
outputs, fingerprinted file by file.

The stamp lives in the build cache (``.impact-cache/outputs/``), one per output folder.
It holds a hash of every input (impact-ssg's code, the config, the options that change
the site, every file under the templates and the sources) and a *table* of each folder
it knows: every file's content digest with its *signature* (size, modification and
change times, inode) as it was seen. A file whose signature is the one in the table holds
the bytes of the table's digest, without being read, as long as the entry is *settled*:
its change time earlier than a moment the file system's clock had reached when the file
was seen (``Table.settled_before``). A later write then gives the file a later change
time, which no program can set back; a file changed in the very tick it was seen in
could keep its signature, so an entry not settled is read again.

With the tables, fingerprinting the inputs reads only the files that changed, a no-op
build reads no page, and publishing (``publish``) writes and reads only the files whose
digest differs from what the spare site holds.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import IO

from .cache import code_fingerprint
from .errors import ContentWarning
from .source import is_monograph_name
from .urls import TemplateRoute
from .wholefile import write_whole

# File times come from a clock that ticks every few milliseconds (a jiffy, 1 to 10 ms)
# and may lag this process's clock by that much: a file whose change time is older than
# this much before a moment read here was last changed before that moment's tick.
SETTLE_NS = 50_000_000

Signature = tuple[int, int, int, int]
"""``(size, st_mtime_ns, st_ctime_ns, st_ino)``."""
Entry = tuple[str, int, int, int, int]
"""``(digest, *Signature)``."""
FolderSignature = tuple[int, int, int]
"""``(st_mtime_ns, st_ctime_ns, st_ino)``."""


@dataclass(frozen=True, slots=True)
class Table:
    """What a folder holds: path relative to it → ``Entry``."""

    files: dict[str, Entry] = field(default_factory=dict)
    settled_before: int = 0
    """A change time (ns) the file system's clock had passed when the files were seen:
    an entry changed earlier is settled."""
    folders: dict[str, FolderSignature] = field(default_factory=dict)
    """Each folder below the root (path relative to it) → its signature, when known: a
    folder whose signature is the recorded one, and settled, holds the names the table
    lists in it and no other, since adding, removing or renaming one changes its times."""

    def settled(self, rel: str, seen: Signature) -> str | None:
        """The digest of ``rel`` when ``seen`` is its signature in the table and the entry
        is settled; ``None`` when the file must be read to be known."""
        entry = self.settled_entry(rel, seen)
        return None if entry is None else entry[0]

    def settled_entry(self, rel: str, seen: Signature) -> Entry | None:
        """The entry of ``rel`` when ``settled`` tells its digest, else ``None``."""
        entry = self.files.get(rel)
        if entry is None or entry[1:] != seen or entry[3] >= self.settled_before:
            return None
        return entry

    def holds_names(self, rel: str, seen: FolderSignature) -> bool:
        """Whether the folder ``rel`` holds the names it held when the table was made:
        ``seen`` is its signature in the table, and settled."""
        return self.folders.get(rel) == seen and seen[1] < self.settled_before


def digest(data: bytes) -> str:
    """The content digest of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def folder_signature(stat: os.stat_result) -> FolderSignature:
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def walk(folder: Path, folders: list[str] | None = None
         ) -> Iterator[tuple[str, os.stat_result]]:
    """Every file under ``folder`` (links included, never followed) by path relative to
    it, in name order, with its ``lstat``; an unreadable folder is one odd name. The
    folders below it, if ``folders`` is given, are added to it."""

    def visit(directory: str, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:  # the build will say so; here it is one more name
            yield f"{prefix}\0unreadable", os.stat_result((0,) * 10)
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if folders is not None:
                    folders.append(prefix + entry.name)
                yield from visit(entry.path, f"{prefix}{entry.name}/")
            else:
                yield prefix + entry.name, entry.stat(follow_symlinks=False)

    if folder.is_dir():
        yield from visit(os.fspath(folder), "")


@dataclass(frozen=True, slots=True)
class Inputs:
    """Hashes of what a build reads."""

    everything: str
    """Everything: impact-ssg's code, the config, the options, every file under the
    templates and the sources."""
    frame: str
    """The same but the monograph files: what every page but a monograph's own is made
    of, with the monographs' front matter (``reuse``)."""
    table: Table
    """Every file under the templates and the sources (by path as given), for the next
    build to read only what changed."""


def inputs(config: Path, templates: Path, source: Path, settings: str,
           known: Table | None = None) -> Inputs:
    """Hashes of everything a build reads, with and without the monograph files; files
    whose signature ``known`` has settled are not read."""
    known = known or Table()
    table = Table({}, time.time_ns() - SETTLE_NS)
    everything = hashlib.sha256(code_fingerprint().encode())
    everything.update(settings.encode() + b"\0" + config.read_bytes())
    frame = everything.copy()
    files = table.files
    for folder in (templates, source):
        for digest_ in (everything, frame):
            digest_.update(b"\0folder\0" + os.fsencode(folder.resolve()))
        # Each file's line, "rel\0digest\n", hashed at once: the same bytes as line by line
        # (UTF-8 with surrogate escapes encodes each character alone), 10,000 calls fewer.
        lines: list[str] = []
        framed: list[str] = []
        every = folder is templates  # a monograph file is not of the frame
        for rel, stat in walk(folder):
            path = os.path.join(folder, rel)
            seen = signature(stat)
            entry = known.settled_entry(path, seen)
            if entry is not None:  # not read again
                content = entry[0]
                files[path] = entry
            else:
                try:
                    content = digest(Path(path).read_bytes())
                except (OSError, ValueError):  # ValueError: an unreadable folder's name
                    content = "unreadable"
                else:
                    files[path] = (content, *seen)
            line = f"{rel}\0{content}\n"
            lines.append(line)
            if every or not is_monograph_name(rel):
                framed.append(line)
        everything.update(os.fsencode("".join(lines)))
        frame.update(os.fsencode("".join(framed)))
    return Inputs(everything.hexdigest(), frame.hexdigest(), table)


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the last build into an output folder read and wrote."""

    inputs: str
    """``Inputs.everything``."""
    frame: str
    """``reuse.frame`` of that build."""
    versions: dict[str, str]
    """Each monograph's source path → ``reuse`` version of what it was made from."""
    fronts: dict[str, str]
    """Each monograph's part of the frame, by version (``reuse.frame``)."""
    sources: Table
    """``Inputs.table``."""
    output: Table
    """The output folder as the build left it."""
    spare: Table
    """The spare site as the build left it (the output folder of the build before)."""
    published: str = ""
    """Which monographs it published, under which slugs (``reads.published``): how its
    search index numbers them."""
    foreign: frozenset[str] = frozenset()
    """The pages of its site (files) that read the body of a monograph not their own
    (``reuse``): while there is none, a text edit may keep every page but the edited
    monographs' own."""
    warnings: tuple[ContentWarning, ...] = ()
    """What it warned about: told again by a build that finds nothing changed, when it
    names the files as that build did (``named``)."""
    named: str = ""
    """How the build named the project's files in its messages (``--source`` and
    ``--config`` as given, from the folder it ran in)."""
    routes: tuple[TemplateRoute, ...] = ()
    """The routes its templates link to written out (``render.check_templates``), for
    the builds that do not check them again, their templates being the same."""


def output_key(output: Path) -> str:
    """A name for an output folder, the same however its path is written."""
    return hashlib.sha256(os.fsencode(output.resolve())).hexdigest()


def _stamp_file(cache: Path, output: Path) -> Path:
    return cache / "outputs" / output_key(output)


def read(cache: Path, output: Path) -> Stamp | None:
    """The stamp of the last build into ``output``, if there is one that can be read."""
    try:
        stamp = pickle.loads(_stamp_file(cache, output).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):
        return None
    if not (isinstance(stamp, Stamp) and isinstance(stamp.versions, dict)
            and isinstance(stamp.fronts, dict)
            and isinstance(getattr(stamp, "published", None), str)
            and isinstance(getattr(stamp, "foreign", None), frozenset)
            and isinstance(getattr(stamp, "warnings", None), tuple)
            and isinstance(getattr(stamp, "named", None), str)
            and isinstance(getattr(stamp, "routes", None), tuple)
            and all(isinstance(t, Table) and isinstance(getattr(t, "folders", None), dict)
                    for t in (stamp.sources, stamp.output, stamp.spare))):
        return None
    return stamp


def as_left(stamp: Stamp | None, output: Path) -> bool:
    """Whether ``output`` holds exactly the files the build of ``stamp`` left there, each
    with the bytes it had (read only when its signature cannot tell), and no folder
    but theirs.

    A folder whose signature is the one the table holds, and settled, holds the names
    it held then (``Table.folders``): it is not listed again, and each of its files
    and folders is looked at with one ``lstat``. Listing every folder took twice as long
    (a site of 10,000 monographs has some 18,000 folders). The check is as good as the
    folders' signatures ``publish`` records, taken once their last file is written."""
    if stamp is None:
        return False
    table = stamp.output
    names: dict[str, set[str]] = {}  # folder → the names it must hold
    for rel in (*table.files, *_holding(table.files)):
        parent, _, name = rel.rpartition("/")
        names.setdefault(parent, set()).add(name)
    files = table.files

    def holds(rel: str, path: str, stat: os.stat_result) -> bool:
        if not S_ISDIR(stat.st_mode):
            return False
        expected = names.get(rel, set())
        # The root is always listed: the swap into place and the stamp's marker change it.
        if not (rel and table.holds_names(rel, folder_signature(stat))) \
                and set(os.listdir(path)) != expected:
            return False
        prefix = rel + "/" if rel else ""
        for name in expected:
            child_rel, child = prefix + name, path + "/" + name
            child_stat = os.lstat(child)
            entry = files.get(child_rel)
            if entry is None:
                if not holds(child_rel, child, child_stat):
                    return False
            elif not S_ISREG(child_stat.st_mode):
                return False
            elif table.settled(child_rel, signature(child_stat)) is None:
                with open(child, "rb") as file:
                    if digest(file.read()) != entry[0]:
                        return False
        return True

    try:
        root = os.fspath(output)
        return holds("", root, os.lstat(root))
    except (OSError, ValueError):  # gone, unreadable (ValueError: a NUL in a name)
        return False


def _holding(files: Iterable[str]) -> set[str]:
    """Every folder holding one of ``files`` (paths), at any depth."""
    held: set[str] = set()
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder and folder not in held:
            held.add(folder)
            folder = folder.rpartition("/")[0]
    return held


def record(cache: Path, output: Path, inputs: Inputs, frame: tuple[str, dict[str, str]],
           versions: dict[str, str], written: Table, spare: Table, published: str = "",
           foreign: frozenset[str] = frozenset(),
           warnings: tuple[ContentWarning, ...] = (), named: str = "",
           routes: tuple[TemplateRoute, ...] = ()) -> None:
    """Remember what the build just made (``frame`` and its parts, ``written``, the
    output folder's table, and ``spare``, what the spare site holds now); a failure only
    costs the next build time. Stamps are pickles, like the cache's entries."""
    stamp = Stamp(inputs.everything, frame[0], versions, frame[1], inputs.table, written, spare,
                  published, foreign, warnings, named, routes)
    # ValueError, RecursionError: a cycle, which fast pickling cannot follow.
    write_whole(_stamp_file(cache, output), functools.partial(_dump_fast, stamp),
                (ValueError, RecursionError, pickle.PicklingError))


def _dump_fast(stamp: Stamp, out: IO[bytes]) -> None:
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: a stamp is a tree of tables (no object in it twice that matters, no
    # cycle), and remembering its 200,000 objects took most of the time.
    pickler.fast = True
    pickler.dump(stamp)
