"""Discover and parse: the source folder → files → raw documents.

``discover(source_dir)`` lists monograph files (``**/*.md``) and other files (assets),
sorted, skipping names that start with ``_`` or ``.``; symbolic links are never followed
and are reported as errors. ``read_document`` reads one file (UTF-8, BOM stripped, CRLF
and CR accepted), splits the front matter from the body and parses it strictly
(``yamltree``), keeping file line numbers. Both return errors rather than raise them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError
from .yamltree import Mapping, YamlError, kind_of, parse

MAX_FILE_BYTES = 1024 * 1024
FENCE = "---"
# Control characters cannot be published (they are not allowed in HTML or XML); tab and
# line ends are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a file name, line ends and tabs are control characters too.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Line and paragraph separators (often pasted from a word processor) end a line for
# YAML but not for editors: in front matter they would shift every line number.
_SEPARATOR = re.compile(r"[\u2028\u2029]")


@dataclass(frozen=True, slots=True, order=True)
class SourceFile:
    """A file under the source folder."""

    rel: str
    """Path relative to the source folder, with ``/`` (``outre-mer/x.md``)."""
    display: str
    """Path as messages show it (``monographs/outre-mer/x.md``)."""
    location: str
    """Path to open, as a string: a base holds tens of thousands of files, and a
    ``Path`` costs more to make than to use (``path``)."""

    @property
    def path(self) -> Path:
        """Path to open."""
        return Path(self.location)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A monograph file split and parsed, not yet validated."""

    source: SourceFile
    front_matter: Mapping
    body: str
    body_line: int
    """File line of the body's first line."""


@dataclass(frozen=True, slots=True)
class Discovery:
    """What ``discover`` found."""

    monographs: tuple[SourceFile, ...]
    assets: tuple[SourceFile, ...]
    errors: tuple[ContentError, ...]


def _ignored(name: str) -> bool:
    """Names starting with ``_`` or ``.``, and editor backups ending with ``~``."""
    return name.startswith(("_", ".")) or name.endswith("~")


def _unpublishable(name: str) -> str | None:
    """What in a file name cannot become part of a web address, if anything."""
    if "\\" in name:
        # A folder separator for Windows and for some web servers: the file would be
        # published under another path than the one it has here.
        return "a backslash '\\', which Windows and some web servers read as a folder separator"
    if control := _NAME_CONTROL.search(name):
        return f"control character U+{ord(control.group()):04X}"
    return None


def _escaped(name: str) -> str:
    """A file name as one line of a message: control characters written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def is_monograph_name(name: str) -> bool:
    """Whether a file name is a monograph's (``.md``, in any case)."""
    return name.lower().endswith(".md")


def discover(source_dir: Path) -> Discovery:
    """List the files under ``source_dir`` (which must be a folder), sorted by path."""
    monographs: list[SourceFile] = []
    assets: list[SourceFile] = []
    errors: list[ContentError] = []
    display_root = source_dir.as_posix().rstrip("/")

    def walk(folder: str, rel_folder: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            if _ignored(entry.name):
                continue
            rel = f"{rel_folder}{entry.name}"
            display = f"{display_root}/{rel}"
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                shown_name = os.fsencode(entry.name).decode("utf-8", "replace")
                errors.append(ContentError(f"{display_root}/{rel_folder}{shown_name}", 0,
                              "file", "the file name is not valid UTF-8; rename it"))
                continue
            if problem := _unpublishable(entry.name):
                errors.append(ContentError(f"{display_root}/{rel_folder}{_escaped(entry.name)}",
                              0, "file", f"the name holds {problem}; rename it"))
                continue
            if entry.is_symlink():
                errors.append(ContentError(display, 0, "file", "is a symbolic link; impact-ssg "
                              "never follows links: put the file itself here"))
            elif entry.is_dir(follow_symlinks=False):
                walk(entry.path, rel + "/")
            elif entry.is_file(follow_symlinks=False):
                target = monographs if is_monograph_name(entry.name) else assets
                target.append(SourceFile(rel, display, entry.path))

    walk(os.fspath(source_dir), "")
    return Discovery(tuple(monographs), tuple(assets), tuple(errors))


def read_bytes(source: SourceFile) -> bytes | list[ContentError]:
    """A monograph file's bytes, or the error that says why there are none to read."""
    def fail(message: str) -> list[ContentError]:
        return [ContentError(source.display, 0, "file", message)]

    try:
        size = source.path.stat().st_size
        if size > MAX_FILE_BYTES:
            return fail(f"{size:,} bytes, more than the {MAX_FILE_BYTES:,} allowed for a "
                        "monograph; shorten it or attach large content as a separate file")
        return source.path.read_bytes()
    except FileNotFoundError:
        return fail("disappeared while it was read; build again")


def read_document(
    source: SourceFile, data: bytes | None = None
) -> RawDocument | list[ContentError]:
    """Read (or take ``data``) and split one monograph file; errors name the file and line."""
    def fail(line: int, field: str, message: str) -> list[ContentError]:
        return [ContentError(source.display, line, field, message)]

    if data is None:
        read = read_bytes(source)
        if isinstance(read, list):
            return read
        data = read
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail(1, "file", "is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return fail(line, "file", f"not valid UTF-8 (byte 0x{data[error.start]:02X}); "
                    "save the file as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        return fail(line, "file", f"control character U+{ord(control.group()):04X}, which "
                    "cannot be published; delete it")
    if not text.strip():
        return fail(1, "file", "is empty; a monograph starts with '---', its fields, and "
                    "'---' (python build.py new \"Titre\" writes one)")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return fail(1, "front matter", f"the file must start with a '{FENCE}' line, then the "
                    f"fields, then '{FENCE}'; found '{_shorten(lines[0])}'")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if close is None:
        return fail(1, "front matter", f"not closed; add a '{FENCE}' line after the last field")
    front = "\n".join(lines[1:close])
    body, body_line = "\n".join(lines[close + 1:]), close + 2

    def unread(line: int, message: str) -> FrontMatterErrors:
        return FrontMatterErrors(fail(line, "front matter", message), body, body_line)

    if separator := _SEPARATOR.search(front):
        line = front.count("\n", 0, separator.start()) + 2
        return unread(line, f"invisible line separator U+{ord(separator.group()):04X} (often "
                      "pasted from a word processor); replace it with a space")
    try:
        node = parse(front, first_line=2)
    except YamlError as error:
        return unread(error.line, error.message)
    if node is None:
        return unread(1, "is empty; add the required fields (title, date, summary, network, "
                      "alliance_type, territory, stakeholders)")
    if not isinstance(node, Mapping):
        return unread(node.line, f"expected fields ('key: value' lines), found {kind_of(node)}")
    return RawDocument(source, node, body, body_line)


class FrontMatterErrors(list[ContentError]):
    """The errors of a file whose front matter cannot be read, with its body (and the
    file line the body starts on), which can still be checked."""

    def __init__(self, errors: list[ContentError], body: str, body_line: int) -> None:
        super().__init__(errors)
        self.body = body
        self.body_line = body_line


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
