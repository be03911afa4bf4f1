"""What a user must fix, as values and as exceptions.

``ContentError`` is one problem in one file, located by ``path:line`` and the field it
concerns; it renders as ``monographs/x.md:7: territory.department: unknown …``, always on
one line.
Stages collect them and raise ``InvalidContent`` once, with all of them.
``SsgError`` and its subclasses are the only exceptions the CLI turns into messages:
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class _Finding:
    path: str
    """The file as the user names it (e.g. ``monographs/x.md``)."""
    line: int
    """1-based line in that file; 0 when the problem concerns the file as a whole."""
    field: str
    """The field concerned, dotted (``territory.department``, ``partners[1].name``)."""
    message: str
    """What was found and what would do."""

    @property
    def where(self) -> str:
        """``path:line``, or the path alone for a whole-file finding."""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True, order=True)
class ContentError(_Finding):
    """One problem in a source file: ``path:line: field: message``."""

    def __str__(self) -> str:
        return one_line(f"{self.where}: {self.field}: {self.message}")


@dataclass(frozen=True, slots=True, order=True)
class ContentWarning(_Finding):
    """Something worth a look that does not stop the build."""

    def __str__(self) -> str:
        return one_line(f"{self.where}: warning: {self.field}: {self.message}")


# Line breaks and other control characters an author's value may bring into a message.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters written as escapes (``\\n``):
    whatever value a message quotes, it stays one line."""
    return _BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


def tally(errors: Sequence[object]) -> str:
    """``3 errors in 2 files``: how many ``errors``, and in how many files (their ``path``);
    ``1 error`` alone when none has a path."""
    noun = "error" if len(errors) == 1 else "errors"
    files = len({path for e in errors if (path := getattr(e, "path", ""))})
    if not files:
        return f"{len(errors)} {noun}"
    return f"{len(errors)} {noun} in {'1 file' if files == 1 else f'{files} files'}"


def shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for a one-line message: control characters escaped, long values cut."""
    text = "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


class SsgError(Exception):
    """A problem the user must fix; the CLI prints it and exits with ``exit_status``."""

    exit_status = 2


class UsageError(SsgError):
    """A wrong command line, a missing folder, an output folder that is not ours."""


class ConfigError(SsgError):
    """The config file is missing or invalid."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = tuple(sorted(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


class InvalidContent(SsgError):
    """One or more monographs are invalid; ``errors`` holds every problem found."""

    exit_status = 1

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = tuple(sorted(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
