"""The content model: frozen, typed values that every stage after ``validate`` reads.

``Monograph`` holds only its own facts (vocabulary ids, territories, partners); what
points at it (terms, organisations, territory pages) lives in the ``Site`` index, so the
graph stays acyclic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import ContentError
from .markdown import Outline, Reference
from .pickling import by_fields
from .territory import Territory

EMPTY_OUTLINE = Outline()


@dataclass(frozen=True, slots=True)
class Partner:
    """A named organisation taking part in a monograph."""

    __reduce__ = by_fields

    name: str
    """As written (NFC); organisations are identified by ``slug.fold(name)``."""
    stakeholder: str
    """Stakeholder category id."""
    url: str | None
    line: int
    """Line of the partner's ``stakeholder`` in its source, for cross-file messages."""
    name_line: int
    """Line of the partner's ``name``."""


@dataclass(frozen=True, slots=True)
class Monograph:
    """One validated monograph."""

    __reduce__ = by_fields

    source: str
    """Path relative to the source folder (``outre-mer/x.md``): its identity for links."""
    path: str
    """Path as messages show it (``monographs/outre-mer/x.md``)."""
    slug: str
    slug_line: int
    title: str
    date: dt.date
    summary: str
    networks: tuple[str, ...]
    """Network ids, in vocabulary order."""
    alliance_types: tuple[str, ...]
    """Alliance type ids, in vocabulary order."""
    stakeholders: tuple[str, ...]
    """Stakeholder category ids (``stakeholders`` ∪ partners'), in vocabulary order."""
    territories: tuple[Territory, ...]
    partners: tuple[Partner, ...] = ()
    themes: tuple[str, ...] = ()
    theme_lines: tuple[int, ...] = ()
    """The line of each theme, for cross-file messages."""
    title_line: int = 1
    """The line of its ``title``, for cross-file messages."""
    territory_lines: tuple[tuple[int, ...], ...] = ()
    """For each territory, the lines of its country, region, department and commune
    (``territory.LEVELS``; 0 for one not written), for cross-file messages."""
    updated: dt.date | None = None
    authors: tuple[str, ...] = ()
    draft: bool = False
    body_line: int = 1
    """File line of the body's first line."""
    # Not printed with the monograph: a page reads a body, or what it makes, only by
    # name (``reads.Recorder.body``).
    rendered: Outline = field(default=EMPTY_OUTLINE, repr=False)
    """The body's table of contents and the local files it refers to; its HTML is kept
    apart (``Checked.html``, ``index.Site.body``)."""


@dataclass(frozen=True, slots=True)
class Checked:
    """A file's monograph as validated, with what only some stages read, kept apart so
    that a large base need not hold it all at once (``cache.Stored``): its body as HTML,
    links to other monographs still placeholders (``markdown.page_placeholder``), read
    when its page is written; its full-text tokens, sorted and space-separated
    (``words.of_monograph``), read by the search index alone."""

    monograph: Monograph
    html: bytes
    """UTF-8."""
    words: str


class Invalid(list[ContentError]):
    """A file's errors, with what of it could be read that other files are checked
    against (``crosscheck``): the local files its body refers to, its ``slug`` (with its
    line) and the ``partners`` read whole (each with where it is written,
    ``partners[1].``). So a file with errors in its front matter has
    those of its body, and those it makes with other files, in the same run."""

    def __init__(self, errors: list[ContentError], references: tuple[Reference, ...],
                 slug: tuple[str, int] | None = None,
                 partners: tuple[tuple[str, Partner], ...] = ()) -> None:
        super().__init__(errors)
        self.references = references
        self.slug = slug
        self.partners = partners

    def __reduce__(self) -> tuple[object, ...]:
        return Invalid, (list(self), self.references, self.slug, self.partners)
