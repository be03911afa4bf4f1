"""One name, several spellings: the one the site shows, and the mentions written otherwise.

Organisations whose names ``fold`` alike, and themes that ``slugify`` alike, are one
organisation, one theme, whatever case, accents, spaces, dashes or apostrophes each
mention uses. Every page that names one shows a single spelling: the one most mentions
use, the first in source order between equals (``usual``). So one file written in
capitals does not relabel the site; ``differing`` names each mention written otherwise,
for a warning.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple


class Mention(NamedTuple):
    """One spelling of a name, where it is written."""

    spelling: str
    path: str
    line: int
    field: str
    """The field that holds it (``partners[1].name``, ``themes``)."""


def usual(spellings: Sequence[str]) -> str:
    """The spelling most often given, the first given between equals."""
    first = spellings[0]
    if spellings.count(first) == len(spellings):  # most names: one spelling, no counting
        return first
    return Counter(spellings).most_common(1)[0][0]


def differing(mentions: Sequence[Mention]) -> list[tuple[Mention, str]]:
    """Each mention (of one name, in source order) not written the ``usual`` way, with
    what to say of it: where the usual spelling is written, and that the site shows it."""
    shown = usual([m.spelling for m in mentions])
    others = [m for m in mentions if m.spelling != shown]
    if not others:
        return []
    places = [f"{m.path}:{m.line}" for m in mentions if m.spelling == shown]
    where = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
    return [(m, f"'{m.spelling}' is written '{shown}'{_unseen(m.spelling, shown)} in {where}, "
                f"the spelling the site shows on every page; write it alike") for m in others]


def _unseen(spelling: str, shown: str) -> str:
    """What tells apart two spellings that differ only by a kind of space, which a
    message would show alike; else ''."""
    if spelling.split() != shown.split():
        return ""
    odd = next((c for c in spelling + shown if c.isspace() and c != " "), None)
    if odd is None:
        return ""
    return (f" (the two differ by a {unicodedata.name(odd, 'space').lower()}, "
            f"U+{ord(odd):04X}, where the other has a space)")
