"""French typography for prose: the spaces French puts inside « » and before ; : ! ?

``french(text)`` is applied to text only, never to code: by the Markdown renderer to
text tokens, after its typographer has made their quotes French, and so to titles and
summaries (``markdown.french_text``). It is idempotent.

It runs on every paragraph of every body, so each rule looks for its punctuation
first, where a regular expression starting with a space or a look-behind is tried at
every character; what comes before a mark is then looked at in Python, once per mark.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"  # narrow no-break space

_MARKS = re.compile("[;:!?«»]")
# An existing (breaking or not) space before ; : ! ? » becomes a narrow no-break space.
_SPACES = " \u00a0\u2009"
_SPACED = re.compile("[;:!?»]")
# « followed by a space, or by a letter directly.
_AFTER_OPENING = re.compile("«[ \u00a0\u2009\u202f]?")
# ; ! ? glued to a word get their space; ':' only before a space, not in '10:30' or
# 'https://'. A run of marks is taken whole: only its first can follow a word.
_GLUED = re.compile("[;!?:]+")
_CLOSING = re.compile("»")


def french(text: str) -> str:
    """``text`` with French spacing around ; : ! ? and guillemets."""
    if _MARKS.search(text) is None:
        return text
    text = _space_before(text)
    if "«" in text:
        text = _AFTER_OPENING.sub("«" + NNBSP, text)
    text = _GLUED.sub(_glued, text)
    if "»" in text:
        text = _CLOSING.sub(_glued_closing, text)
    return text


def _space_before(text: str) -> str:
    parts: list[str] = []
    done = 0
    for mark in _SPACED.finditer(text):
        at = mark.start()
        if at > done and text[at - 1] in _SPACES:
            parts += (text[done:at - 1], NNBSP)
            done = at
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _after_word(text: str, at: int, also: str) -> bool:
    """Whether the character before ``at`` ends a word (as ``\\w``) or is one of ``also``."""
    if at == 0:
        return False
    before = text[at - 1]
    return before.isalnum() or before == "_" or before in also


def _glued(run: re.Match[str]) -> str:
    marks, text = run.group(), run.string
    if not _after_word(text, run.start(), ")»…"):
        return marks
    if marks[0] != ":":
        return NNBSP + marks
    end = run.end()
    if marks == ":" and (end == len(text) or text[end].isspace()):
        return NNBSP + marks
    return marks


def _glued_closing(closing: re.Match[str]) -> str:
    return NNBSP + "»" if _after_word(closing.string, closing.start(), ".!?…") else "»"
