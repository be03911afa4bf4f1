"""Reading typed values out of a ``yamltree`` mapping, collecting every problem.

Shared by the config and the monograph schema so that both word their errors alike:
``Fields`` accumulates ``ContentError``s for one file and returns ``None`` for a value
it could not read, so a caller carries on and reports everything in one run.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from .errors import ContentError, shown
from .slug import fold, nfc
from .yamltree import Mapping, Node, Scalar, Sequence, kind_of

# Control characters an escape such as "\x01" can put in a YAML string.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _invisible(text: str) -> bool:
    """Only white space and format characters (such as U+200B)."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


class Fields:
    """Reads values for one file and collects the errors found on the way."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[ContentError] = []

    def error(self, line: int, field: str, message: str) -> None:
        """Record one problem."""
        self.errors.append(ContentError(self.path, line, field, message))

    def check_keys(
        self, mapping: Mapping, allowed: tuple[str, ...], prefix: str = "",
        synonyms: dict[str, str] | None = None,
    ) -> set[str]:
        """Report every key of ``mapping`` not in ``allowed``, with did-you-mean; return
        the keys meant (so that a key written wrong is not also reported missing).

        ``synonyms`` maps folded words an author may use instead (``résumé``) to the key.
        """
        meant_keys: set[str] = set()
        for entry in mapping.entries:
            if entry.key in allowed:
                continue
            trimmed = entry.key.strip()
            if trimmed in allowed:  # a space YAML does not take as one: U+00A0, U+202F…
                odd = next((c for c in entry.key if c.isspace() and c != " "), " ")
                space = f"{unicodedata.name(odd, 'space').lower()} (U+{ord(odd):04X})"
                self.error(entry.line, prefix + trimmed, f"the key '{trimmed}' is written with "
                           f"a {space} beside it, which makes it another key; delete that "
                           "space")
                meant_keys.add(trimmed)
                continue
            close = difflib.get_close_matches(entry.key.lower(), allowed, n=1, cutoff=0.6)
            meant = (synonyms or {}).get(fold(entry.key)) or (close[0] if close else None)
            hint = (f"did you mean '{meant}'?" if meant
                    else "known keys: " + ", ".join(allowed))
            self.error(entry.line, prefix + entry.key, f"unknown key '{entry.key}' ({hint})")
            if meant:
                meant_keys.add(meant)
        return meant_keys

    def text(self, node: Node, field: str, *, max_chars: int | None = None) -> str | None:
        """A non-empty single-line-or-more text value, NFC, outer white space removed."""
        if not isinstance(node, Scalar):
            self.error(node.line, field, f"expected text, found {kind_of(node)}")
            return None
        value = nfc(node.value)
        if node.is_null or _invisible(value):
            self.error(node.line, field, "must not be empty")
            return None
        if control := _CONTROL.search(value):
            self.error(node.line, field, f"control character U+{ord(control.group()):04X}, "
                       "which cannot be published; remove it")
            return None
        if max_chars is not None and len(value) > max_chars:
            self.error(node.line, field, f"{len(value)} characters, more than the "
                       f"{max_chars} allowed; shorten it")
            return None
        return value

    def texts(self, node: Node, field: str) -> list[tuple[str, int]] | None:
        """One text or a list of texts, each with its line; an empty list is an error."""
        items: tuple[Node, ...] = node.items if isinstance(node, Sequence) else (node,)
        if isinstance(node, Sequence) and not items:
            self.error(node.line, field, "must not be an empty list")
            return None
        values: list[tuple[str, int]] = []
        ok = True
        for item in items:
            value = self.text(item, field)
            if value is None:
                ok = False
            else:
                values.append((value, item.line))
        return values if ok else None

    def listed_texts(self, node: Node, field: str) -> list[tuple[str, int]] | None:
        """``texts``, for a field that takes a list of free texts (themes, authors): one
        text without quotes holding a comma, which YAML reads as one value, is an error
        naming the list to write, or the quotes that keep it whole."""
        if isinstance(node, Scalar) and not node.quoted and "," in node.value:
            parts = [part.strip() for part in node.value.split(",") if part.strip()]
            if len(parts) > 1:
                self.error(node.line, field, f"{shown(node.value)} is one value (a comma "
                           f"does not separate values here); write a list, "
                           f"[{', '.join(parts)}], or, for one value holding a comma, put it "
                           "in double quotes")
                return None
        return self.texts(node, field)

    def boolean(self, node: Node, field: str) -> bool | None:
        """``true`` or ``false`` (any case); anything else is an error."""
        if isinstance(node, Scalar) and not node.quoted and node.value.lower() in ("true", "false"):
            return node.value.lower() == "true"
        if isinstance(node, Scalar) and node.value.lower() in ("true", "false"):
            self.error(node.line, field, f"expected true or false without quotes, found "
                       f"{shown(node.value)} in quotes")
            return None
        found = shown(node.value) if isinstance(node, Scalar) else kind_of(node)
        self.error(node.line, field, f"expected true or false, found {found}")
        return None

    def mapping(self, node: Node, field: str) -> Mapping | None:
        """A mapping, or an error saying what was found instead."""
        if isinstance(node, Mapping):
            return node
        self.error(node.line, field, f"expected a mapping ('key: value' lines), found "
                   f"{kind_of(node)}")
        return None
