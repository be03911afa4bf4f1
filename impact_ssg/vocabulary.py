"""Controlled vocabularies: networks, stakeholder categories, alliance types.

A value matches an entry by id, label or alias, ignoring case, accents, spaces,
hyphens, underscores and apostrophes (``slug.fold``). ``Vocabulary.match`` finds the
entry; ``Vocabulary.unknown`` words the error with the closest entry.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .slug import fold


@dataclass(frozen=True, slots=True)
class VocabularyEntry:
    """One entry of a vocabulary, as the config defines it."""

    id: str
    """Stable identifier; its lower case is the URL segment (``METI`` → ``/reseaux/meti/``)."""
    label: str
    """What pages show."""
    aliases: tuple[str, ...] = ()
    """Other spellings authors may use."""
    description: str = ""

    @property
    def slug(self) -> str:
        """The URL segment of the entry."""
        return self.id.lower()

    def spellings(self) -> tuple[str, ...]:
        """Every spelling that names this entry."""
        return (self.id, self.label, *self.aliases)


class Vocabulary:
    """An ordered set of entries with folded lookup. Immutable once built."""

    __slots__ = ("_by_key", "entries", "name", "noun")

    def __init__(self, name: str, noun: str, entries: tuple[VocabularyEntry, ...]) -> None:
        self.name = name
        """The config key (``networks``)."""
        self.noun = noun
        """How messages name one entry (``network``)."""
        self.entries = entries
        self._by_key: dict[str, VocabularyEntry] = {}
        for entry in entries:
            for spelling in entry.spellings():
                self._by_key.setdefault(fold(spelling), entry)

    def __repr__(self) -> str:
        return f"Vocabulary({self.name!r}, {[e.id for e in self.entries]!r})"

    def match(self, text: str) -> VocabularyEntry | None:
        """The entry ``text`` names, if any."""
        return self._by_key.get(fold(text))

    def get(self, entry_id: str) -> VocabularyEntry:
        """The entry with this exact id (``KeyError`` if none)."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)

    def order(self, entry_id: str) -> int:
        """Position of the entry in the config: the order pages list entries in."""
        return next(i for i, e in enumerate(self.entries) if e.id == entry_id)

    def unknown(self, text: str) -> str:
        """The error message for a value that matches no entry."""
        key = fold(text)
        close = difflib.get_close_matches(key, list(self._by_key), n=1, cutoff=0.6)
        if not close:
            # A spelling with words added or left out ("mécénat de compétences" for
            # "Mécénat"): too unlike to be close as a whole, yet plainly meant.
            close = sorted((k for k in self._by_key if len(min(k, key, key=len)) >= 4
                            and (key.startswith(k) or k.startswith(key))), key=len)[-1:]
        if close:
            return f"unknown {self.noun} '{text}' (did you mean '{self._by_key[close[0]].id}'?)"
        ids = ", ".join(e.id for e in self.entries)
        return (f"unknown {self.noun} '{text}'; use one of: {ids} "
                f"(or add it to '{self.name}' in the config)")
