"""French typography for prose: the spaces French puts inside « » and before ; : ! ?

``french(text)`` is applied to text only, never to code: by the Markdown renderer to
text tokens, and by templates to titles and summaries. It is idempotent.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"  # narrow no-break space

# An existing (breaking or not) space before ; : ! ? » becomes a narrow no-break space.
_SPACE_BEFORE = re.compile(r"[ \u00a0\u2009](?=[;:!?»])")
# « followed by a space, or by a letter directly.
_AFTER_OPENING = re.compile(r"«[ \u00a0\u2009\u202f]?")
# ; ! ? glued to a word get their space; ':' only before a space, not in '10:30' or 'https://'.
_GLUED = re.compile(r"(?<=[\w)»…])(?:[;!?]+|:(?=\s|$))")
_GLUED_CLOSING = re.compile(r"(?<=[\w.!?…])»")


def french(text: str) -> str:
    """``text`` with French spacing around ; : ! ? and guillemets."""
    if not any(c in text for c in ";:!?«»"):
        return text
    text = _SPACE_BEFORE.sub(NNBSP, text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    text = _GLUED.sub(lambda m: NNBSP + m.group(0), text)
    return _GLUED_CLOSING.sub(NNBSP + "»", text)
