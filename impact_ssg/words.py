"""The words a monograph is found by: the full-text tokens of its own text and facts.

Text is cut into words, each word folded as ``slug.fold`` folds it (case and accents
dropped) and cut again at every character that is not a Latin letter or digit, exactly
as the catalogue's script cuts a query; one-letter words and French stop words are left
out. Computed while each file is validated, in parallel, so the search index only has to
gather them.
"""

from __future__ import annotations

import functools
import itertools
import re

from .config import Config
from .model import Monograph
from .slug import strip_accents

# Words too common to find anything by; queries drop them too.
STOPWORDS = frozenset({
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "en",
    "et", "eux", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais",
    "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas",
    "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi",
    "ton", "tu", "un", "une", "vos", "votre", "vous", "est", "sont", "ete", "etre", "avoir",
    "ont", "aussi", "ainsi", "comme", "dont", "donc", "entre", "plus", "tres", "tout", "tous",
    "toute", "toutes", "sans", "sous", "si",
})
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=1 << 17)
def _folded(word: str) -> tuple[str, ...]:
    return tuple(w for w in _LATIN.findall(strip_accents(word))
                 if len(w) > 1 and w not in STOPWORDS)


@functools.lru_cache(maxsize=1 << 16)
def _of_chunk(chunk: str) -> tuple[str, ...]:
    """The tokens of the words of ``chunk`` (lower case, no white space)."""
    return tuple(itertools.chain.from_iterable(map(_folded, _WORD.findall(chunk))))


def tokens(text: str) -> set[str]:
    """The index tokens of ``text``."""
    # A word never spans white space: the text is cut there first, which is quicker,
    # and each distinct chunk is cut into words once (most recur: "l’entreprise,").
    return set(itertools.chain.from_iterable(map(_of_chunk, set(text.lower().split()))))


def of_monograph(monograph: Monograph, body_text: str, config: Config) -> str:
    """A monograph's tokens, sorted and space-separated (one string travels fast between
    processes): title, summary, body, and its facts — vocabulary ids and labels,
    organisations, territories and department codes, themes, authors."""
    facts = [monograph.title, monograph.summary, body_text, *monograph.themes,
             *monograph.authors, *(p.name for p in monograph.partners)]
    for ids, vocabulary in ((monograph.networks, config.networks),
                            (monograph.alliance_types, config.alliance_types),
                            (monograph.stakeholders, config.stakeholders)):
        facts.extend(f"{i} {vocabulary.get(i).label}" for i in ids)
    for territory in monograph.territories:
        facts.extend(territory.levels)
        if territory.department_code:
            facts.append(territory.department_code)
    return " ".join(sorted(tokens("\n".join(facts))))
