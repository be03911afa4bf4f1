"""The model of a build, kept whole for the text edits that follow it.

A text edit leaves the *frame* as it was (``reuse``): every monograph's front matter,
the config, the templates, the files beside the monographs. The whole model is then the
one the last build made, but for the edited monographs' outlines (table of contents,
references) and bodies, which are read from the cache anyway. A build that finds the
model of its frame reads it back in one piece, about 0.3 s at 10,000 monographs, instead
of reading every monograph back and indexing them again (1.2 s).

The snapshot lives beside the stamp (``.impact-cache/outputs/``), one per output folder,
named by its frame. Every build that reads all monographs writes it (about 0.4 s at
10,000, so that the first text edit after it is as quick as the others), and so does a
text edit when many monographs have changed since; unless templates read bodies beyond
their own page (``reuse``), when text edits render every page anyway. It is a pickle,
like the cache's entries. The monographs' outlines are kept apart in it, and read back
only when a page that shows one must be rendered again (one gone from the site and the
spare): a text edit renders only the edited monographs' pages, whose outlines are new
anyway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from . import collector, unlinked
from .errors import ContentWarning
from .index import Site, Term, TerritoryNode
from .markdown import Outline
from .model import Monograph, Partner
from .source import SourceFile
from .territory import Territory
from .uptodate import output_key
from .wholefile import write_whole

LEFT_OUT = Outline()
"""The outline of a monograph read back from a snapshot: left out, as only the pages
rendered again read outlines (``restore_outlines``)."""


def _left_out() -> Outline:
    return LEFT_OUT


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A build's model, as its frame made it; its monographs' outlines are kept apart,
    in ``outlines``, and read only when asked for (``restore_outlines``)."""

    frame: str
    """``reuse.frame`` of the build."""
    versions: dict[str, str]
    """Each monograph's source path → its version, in source order."""
    monographs: tuple[Monograph, ...]
    """Every valid monograph, in source order, drafts included."""
    assets: tuple[SourceFile, ...]
    warnings: tuple[ContentWarning, ...]
    site: Site
    """The site, without its bodies (``Site.bodies`` is empty)."""
    outlines: bytes = b""
    """Each monograph's outline by source path, pickled: read back only when a page
    that shows one is rendered again."""
    linked_within: frozenset[str] = frozenset()
    """The monographs (source paths) some body links to a heading of (``#id``): a text
    edit to one checks those links again."""
    files_linked: dict[str, frozenset[str]] = field(default_factory=dict)
    """The files beside the monographs each body links to (``unlinked.linked_by``): a
    text edit tells again which ones no body links to."""


class _Pickler(pickle.Pickler):
    """Pickles monographs with their outline left out (``LEFT_OUT``, one object), and the
    values of monographs, partners and territories shared: each string, date and tuple
    of strings once, however many of them hold it (an organisation's name, a region, a
    network's id), and so each partner and territory (equal in every field, a partner's
    lines included, so that nothing is lost). Each monograph was read apart, so equal values
    are as many objects: at 10,000 monographs, 250,000 strings of which 85,000 differ,
    27,500 partners of which 15,700 differ, 10,700 territories of which 2,300 differ.
    Pickled once, they are read back once. Strings, dates and tuples shared, the model
    read back in 0.19 s instead of 0.24 s (in a process of its own; 35 MiB instead of
    48), written in up to 0.1 s more; partners and territories shared too, 0.15 s
    instead of 0.23 s (medians of 12 pairs, on a slower day), written in as long."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._strings: dict[str, str] = {}
        self._dates: dict[dt.date, dt.date] = {}
        self._tuples: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._values: dict[Partner | Territory, Partner | Territory] = {}

    def _shared(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self._strings.setdefault(value, value)
        if kind is tuple and value:
            of = type(value[0])
            if any(type(item) is not of for item in value):
                return value
            known: dict[Any, Any]
            if of is str:
                known = self._strings
            elif of is Partner or of is Territory:
                known = self._values
            else:
                return value
            items = tuple([known.setdefault(item, item) for item in value])
            return self._tuples.setdefault(items, items)
        if kind is dt.date:
            return self._dates.setdefault(value, value)
        return value

    def reducer_override(self, obj: object) -> Any:
        kind = type(obj)
        fields = _FIELDS.get(kind)
        if fields is not None:
            shared = self._shared
            values = [shared(getattr(obj, name)) if repeats else getattr(obj, name)
                      for name, repeats in fields]
            if kind is Monograph:
                values.append(LEFT_OUT)
            return kind, tuple(values)
        if obj is LEFT_OUT:
            return _left_out, ()
        return NotImplemented


_BUT_OUTLINE = Monograph.__match_args__[:-1]
assert Monograph.__match_args__[-1] == "rendered"


def _fields(names: tuple[str, ...], repeating: Iterable[str]) -> tuple[tuple[str, bool], ...]:
    """Each of ``names``, with whether it is one of the ``repeating`` fields."""
    repeats = set(repeating)
    return tuple((name, name in repeats) for name in names)


# The fields whose values repeat from one monograph to others; the rest (a title, a
# path, a line) are each their own, and looking them up would only cost time.
_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {
    Monograph: _fields(_BUT_OUTLINE, ("date", "updated", "networks", "alliance_types",
                                      "stakeholders", "territories", "partners", "themes",
                                      "authors")),
    Partner: _fields(Partner.__match_args__, ("name", "stakeholder", "url")),
    Territory: _fields(Territory.__match_args__, Territory.__match_args__),
    # Made by their class rather than by the state a frozen dataclass pickles (which
    # looks its fields up again for each object): 5,400 of them at 10,000 monographs,
    # the model read back in 0.92 of the time. Their values are their own.
    Term: _fields(Term.__match_args__, ()),
    TerritoryNode: _fields(TerritoryNode.__match_args__, ()),
}


def _file(cache: Path, output: Path, frame: str) -> Path:
    return cache / "outputs" / f"{output_key(output)}.{frame}.model"


def save(cache: Path, output: Path, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` for the builds into ``output`` (the model of another frame
    goes); a failure only costs those builds time. Outlines left out of its monographs
    are taken from its ``outlines``, those of the snapshot they were read from."""
    path = _file(cache, output, snapshot.frame)
    unpicklable = (pickle.PicklingError, RecursionError, TypeError, AttributeError)
    try:
        restore_outlines(snapshot)
        kept = replace(snapshot, site=replace(snapshot.site, bodies={}), outlines=pickle.dumps(
            {m.source: m.rendered for m in snapshot.monographs}, pickle.HIGHEST_PROTOCOL),
            linked_within=linked_within(snapshot.monographs),
            files_linked=unlinked.linked_by(snapshot.monographs))
    except (pickle.UnpicklingError, EOFError, KeyError, *unpicklable):
        return
    if write_whole(path, lambda out: _Pickler(out).dump(kept),
                   unpicklable):
        with contextlib.suppress(OSError):
            for other in path.parent.glob(f"{output_key(output)}.*.model"):
                if other != path:
                    other.unlink(missing_ok=True)


# What reading back a model, or the outlines left out of it, raises when it cannot be
# read (damaged, or written by a version of impact-ssg whose classes differ).
UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
              IndexError, TypeError, ValueError, KeyError)


def read(cache: Path, output: Path, frame: str) -> Snapshot | None:
    """The model of ``frame`` kept for ``output``, if there is one that can be read; one
    that cannot is removed, so that the next text edit keeps a new one."""
    path = _file(cache, output, frame)
    try:
        with collector.paused():  # a million objects, no cycle
            snapshot = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except UNREADABLE:
        snapshot = None
    if not (isinstance(snapshot, Snapshot) and snapshot.frame == frame
            and isinstance(snapshot.site, Site)):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return snapshot


def linked_within(monographs: Iterable[Monograph]) -> frozenset[str]:
    """The source paths of the monographs the bodies of ``monographs`` link to a heading
    of (``Snapshot.linked_within``)."""
    return frozenset(ref.target for monograph in monographs
                     for ref in monograph.rendered.references if ref.fragment)


def restore_outlines(snapshot: Snapshot) -> None:
    """Give each monograph of ``snapshot`` whose outline was left out its own, as kept."""
    if any(m.rendered is LEFT_OUT for m in snapshot.monographs):
        outlines: dict[str, Outline] = pickle.loads(snapshot.outlines)
        with_outlines(snapshot, {m.source: outlines[m.source] for m in snapshot.monographs
                                 if m.rendered is LEFT_OUT})


def with_outlines(snapshot: Snapshot, outlines: Mapping[str, Outline]) -> None:
    """Give the monographs of ``outlines`` (by source path) theirs, in the snapshot's
    model itself: a monograph is shared by every part of the site that lists it, and
    only its outline differs from the snapshot's (its frame is the same). The model
    read back is this build's alone, so changing it in place is safe."""
    for monograph in snapshot.monographs:
        outline = outlines.get(monograph.source)
        if outline is not None:
            object.__setattr__(monograph, "rendered", outline)
