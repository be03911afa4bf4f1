"""Names → URL slugs and → match keys. The one place that decides both.

``slugify``: lower case, accents dropped, ``œ``→``oe``, ``æ``→``ae``, every run of other
characters a single ``-`` (``Provence-Alpes-Côte d’Azur`` → ``provence-alpes-cote-d-azur``).
Idempotent; NFC and NFD spellings give one slug; the result matches ``SLUG_PATTERN``
or is empty (a name with no Latin letter or digit).

``fold``: the key under which two spellings name one thing: case, accents, white
space, hyphens, underscores and apostrophes ignored (``Côte-d’Or`` ≡ ``cote d'or``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Letters that carry no decomposition in Unicode but have a customary ASCII spelling.
_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Dashes, apostrophes and every kind of white space: the characters ``fold`` ignores.
_IGNORED_IN_FOLD = re.compile(r"[\s\-_'’‘ʼ`´‐‑‒–—―]+")


# The combining diacritics that Latin letters decompose into (é → e + U+0301). Marks of
# other blocks are rare and make separators, as any character outside [a-z0-9] does; the
# catalogue's script strips the same block, so both sides cut text into the same words.
_MARKS = re.compile("[\u0300-\u036f]+")
_HAS_LIGATURE = re.compile("[œæøßłđðþ]")


def strip_accents(text: str) -> str:
    """Lower case, ligatures spelt out, accents and other combining marks dropped."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    # Decompose first: 'ǽ' is 'æ' with an accent, and only its decomposed form shows the 'æ'.
    decomposed = unicodedata.normalize("NFKD", lowered)
    if _HAS_LIGATURE.search(decomposed):
        decomposed = decomposed.translate(_LIGATURES)
    return _MARKS.sub("", decomposed)


def slugify(text: str) -> str:
    """Return the URL slug of ``text`` (may be empty if it has no Latin letter or digit)."""
    if len(text) <= _CACHED_LENGTH:
        return _slugify_name(text)
    return _NOT_SLUG.sub("-", strip_accents(text)).strip("-")


# Names (organisations, themes, places) come back thousands of times; long texts never.
_CACHED_LENGTH = 200


@functools.lru_cache(maxsize=65536)
def _slugify_name(text: str) -> str:
    return _NOT_SLUG.sub("-", strip_accents(text)).strip("-")


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Return the match key of ``text``: equal keys name the same thing."""
    return _IGNORED_IN_FOLD.sub("", strip_accents(text).casefold())


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid slug (``^[a-z0-9]+(-[a-z0-9]+)*$``)."""
    return SLUG_PATTERN.fullmatch(text) is not None


def nfc(text: str) -> str:
    """The NFC form of ``text`` with outer white space removed: how names are stored."""
    return unicodedata.normalize("NFC", text).strip()
