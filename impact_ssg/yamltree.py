"""Strict YAML → a typed tree of text scalars, mappings and sequences, with line numbers.

Front matter and config are read with the same rules:

- every scalar stays the text the author typed (``NO``, ``012345``, ``2026-02-30`` reach
  the schema as strings, and the schema decides what they mean);
- mapping keys are plain names: a key that YAML would read as a number, boolean, null or
  date, or a key that is itself a list or mapping, is an error;
- duplicate keys, anchors and aliases (``&a`` / ``*a``: the "billion laughs" family),
  tags (``!!python/object``) and tab indentation are errors, and so are characters that
  XML cannot carry (U+FFFE, U+FFFF, surrogates) written as escapes;
- the text and its nesting depth are capped.

``parse(text)`` returns a ``Node`` (or ``None`` for an empty document) and raises
``YamlError(line, message)`` with a 1-based line within ``text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import yaml

try:  # The C parser is several times faster; the pure-Python one gives the same events.
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_YAML_CHARS = 64 * 1024
MAX_DEPTH = 16
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
# Spaces YAML does not read as spaces (no-break, narrow, thin, ideographic), which word
# processors and French keyboards put in.
_ODD = "\u00a0\u202f\u2007\u2009\u3000"
# A key or list item indented with one of them, which YAML would read as part of its
# text ('\u00a0 commune' a key of its own): told before YAML reads it.
_ODD_INDENT = re.compile(f"^[ ]*([{_ODD}])[ {_ODD}]*(?:- |[^\\s:#\"'][^:\\n]*:(?: |$))",
                         re.MULTILINE)
# One where YAML needs a space: in a line's indentation, after a key's ':' or an item's
# '-' (looked for where YAML stumbled).
_ODD_SPACE = re.compile(f"^(?:[ ]*([{_ODD}])|[ ]*(?:- )?([^\\s:#\"'][^:\\n]*:|-)([{_ODD}]))",
                        re.MULTILINE)
# What a double-quoted escape ("\uFFFE") can produce that XML 1.0 does not allow, beside
# the control characters (refused with their own message where values are read).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar exactly as written (quotes removed, escapes applied)."""

    value: str
    line: int
    quoted: bool
    """Written in single or double quotes (so ``"null"`` is text, not null)."""

    @property
    def is_null(self) -> bool:
        """Nothing was written (``key:``), or a plain ``~`` / ``null``."""
        return not self.quoted and self.value in _NULLS


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``key: value`` pair of a mapping."""

    key: str
    line: int
    """Line of the key."""
    value: Node


@dataclass(frozen=True, slots=True)
class Mapping:
    """A mapping with unique text keys, in the order written."""

    entries: tuple[Entry, ...]
    line: int

    def get(self, key: str) -> Entry | None:
        """The entry for ``key``, if present."""
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


@dataclass(frozen=True, slots=True)
class Sequence:
    """A list of nodes."""

    items: tuple[Node, ...]
    line: int


Node = Scalar | Mapping | Sequence


class YamlError(Exception):
    """The text is not acceptable YAML; ``line`` is 1-based within the parsed text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def kind_of(node: Node) -> str:
    """How a node reads in a message: 'a list', 'a mapping' or 'text'."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "text"


_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"

# PyYAML's wording for frequent mistakes → what the author should do.
_HINTS = (
    ("mapping values are not allowed", "a ':' inside a value: put the value in double quotes"),
    ("could not find expected ':'", "a line is neither 'key: value' nor a list item"),
    ("while scanning a quoted scalar", "a quote is not closed"),
    ("did not find expected key", "check the indentation of this line and the one before"),
    ("expected <block end>", "check the indentation of this line and the one before"),
    ("did not find expected '-' indicator", "check the indentation of the list items"),
    ("did not find expected ','", "separate the items with commas, and put an item "
     "holding a comma, a colon or a bracket in double quotes"),
    ("while scanning a simple key", "a line is neither 'key: value' nor a list item"),
    ("found character that cannot start any token", "a value starts with a reserved "
     "character ('@', '`', '%'): put it in double quotes"),
)


_FLOWS = {"while parsing a flow sequence": ("'[' of a list", "]"),
          "while parsing a flow mapping": ("'{' of a mapping", "}")}


# A line that starts a key ('key:') or a list item ('- '), at any indentation.
_KEY_LINE = re.compile(r"\s*(?:[^\s#-][^:]*:(?:\s|$)|-\s)")


def _left_open(text: str, error: yaml.MarkedYAMLError) -> int | None:
    """The line (from 0) of a flow collection left open: its error was met past that
    line, at the end or where the next key or item begins (a comma missing inside it,
    even on a later line of it, is another mistake); ``None`` otherwise."""
    opened, problem = error.context_mark, error.problem_mark
    if opened is None or problem is None or problem.line <= opened.line:
        return None
    lines = text.split("\n")
    if (problem.line >= len(lines) or not lines[problem.line][problem.column:].strip()
            or _KEY_LINE.match(lines[problem.line])):
        return int(opened.line)
    return None


# A key with a value on its line (not a block scalar's '|' or '>', nor a comment).
_VALUE_AFTER_KEY = re.compile(r"[^\s#-][^:]*:\s+[^\s#|>]")


def _keyless(text: str, error: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """The line (from 0) of a key written without its ':', with the key, when PyYAML's
    complaint comes from one: it scanned the line for a key and found no ':' (it says
    where it began), or it read the line, and the lines after it at its indentation, as
    one value, met the next key's ':' there, and found it out of place; or the first
    lines, with no key, made a document of their own (a comment ended them) and the next
    key began another. ``None`` when neither (a ':' inside a value, say)."""
    lines = text.split("\n")
    if error.context == "while scanning a simple key" and error.context_mark is not None:
        start: int | None = error.context_mark.line
    elif "<document start>" in (error.problem or ""):
        start = next((number for number, line in enumerate(lines)
                      if line.strip() and not line.lstrip().startswith("#")), None)
        if start is None or _KEY_LINE.match(lines[start]):
            return None
    elif "mapping values are not allowed" in (error.problem or "") and error.problem_mark:
        mark = error.problem_mark
        here = lines[mark.line] if mark.line < len(lines) else ""
        if (":" in here[:mark.column] or not here[:mark.column].strip()
                or here[mark.column - 1:mark.column] == " "):
            # The ':' is not the first of its line, or has a space before it (French
            # text: « objectif : emploi »): one inside a value.
            return None
        # Up the lines of that value (blank ones among them): its first is the least
        # indented, or a list item's, whose text begins after its '- '.
        depth = len(here) - len(here.lstrip(" "))
        start = None
        for number in range(mark.line - 1, -1, -1):
            above = lines[number]
            text_of = above.lstrip(" ")
            indent = len(above) - len(text_of)
            if not text_of.strip():
                continue
            item = text_of.startswith("- ")
            if item:
                text_of = text_of[2:].lstrip(" ")
            if (not item and indent < depth and _KEY_LINE.match(text_of)
                    and _VALUE_AFTER_KEY.match(text_of)):
                return None  # the lines below go on with this key's value
            if (indent > depth or (item and indent == depth)
                    or _KEY_LINE.match(text_of) or not text_of.strip()
                    or text_of.startswith(("#", "-", '"', "'", "[", "{", "%"))):
                break
            start, depth = number, indent
            if item:
                break  # the item's text begins here
    else:
        return None
    if start is None or start >= len(lines):
        return None
    words = lines[start].strip().removeprefix("- ").split()
    return (start, words[0]) if words else None


# A line that is one key, a word, and its value: 'stakeholder: pme'.
_ONE_WORD_KEY = re.compile(r"( *)([A-Za-z_][\w-]*):(?:\s|$)")


def _deeper_key(text: str, error: yaml.MarkedYAMLError
                ) -> tuple[int, str, str, int, bool] | None:
    """Where PyYAML found a line, a key, out of place because it is indented deeper than
    the key with a value just above it: it found its ':' inside that value (a plain one,
    which the line goes on), or the key where that value (in quotes) had ended the
    mapping. The line (from 0), its key, the key above, that key's indentation and
    whether its value is plain (not in quotes, so that the line may be meant to go on
    with it); ``None`` otherwise."""
    mark, problem = error.problem_mark, error.problem or ""
    if mark is None:
        return None
    lines = text.split("\n")
    here = _ONE_WORD_KEY.match(lines[mark.line]) if mark.line < len(lines) else None
    if here is None or not (
            ("mapping values are not allowed" in problem and here.end(2) == mark.column)
            or ((problem == "did not find expected key"  # libyaml's words, then Python's
                 or problem.startswith("expected <block end>, but found '<block mapping"))
                and len(here.group(1)) == mark.column)):
        return None
    above = next((line for line in reversed(lines[:mark.line]) if line.strip()), "")
    text_of = above.lstrip(" ")
    indent = len(above) - len(text_of)
    if text_of.startswith("- "):  # a list item's key begins after its '- '
        indent += 2 + len(text_of[2:]) - len(text_of[2:].lstrip(" "))
        text_of = text_of[2:].lstrip(" ")
    key = _ONE_WORD_KEY.match(text_of)
    if key is None or not _VALUE_AFTER_KEY.match(text_of) or indent >= len(here.group(1)):
        return None
    value = text_of[key.end():].lstrip()
    return mark.line, here.group(2), key.group(2), indent, not value.startswith(('"', "'"))


def _odd_space(space: str, where: str) -> str:
    name = unicodedata.name(space, "space").lower()
    return (f"invalid YAML: this line has a {name} (U+{ord(space):04X}) {where}, "
            "which YAML does not read as a space; type an ordinary space there")


def _end_of_line(text: str, line: int) -> int:
    """The offset in ``text`` of the end of its ``line`` (from 0)."""
    end = -1
    for _ in range(line + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            return len(text)
    return end


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = (error.problem or str(error)).strip()
    for needle, hint in _HINTS:
        if needle in problem or needle in (error.context or ""):
            return f"invalid YAML ({problem}): {hint}"
    return f"invalid YAML ({problem})"


def parse(text: str, first_line: int = 1) -> Node | None:
    """Parse one YAML document strictly (see the module docstring).

    ``first_line`` is the file line on which ``text`` starts: node and error lines are
    file lines.
    """
    shift = first_line - 1
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(first_line, f"front matter of {len(text):,} characters exceeds the "
                        f"limit of {MAX_YAML_CHARS:,}; move long text into the body")
    odd = _ODD_INDENT.search(text)
    if odd is not None:
        raise YamlError(text.count("\n", 0, odd.start()) + first_line, _odd_space(
            odd.group(1), "in its indentation"))
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + first_line
        raise YamlError(line, "tab character used for indentation; indent with spaces")
    try:
        node = _Builder(yaml.parse(text, Loader=_EventLoader), shift).document()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line if mark else 0) + first_line
        # Where YAML stumbled, or on the line before (an indentation it misread).
        at = line - first_line
        odd = _ODD_SPACE.search(text, _end_of_line(text, at - 2) + 1 if at >= 2 else 0,
                                _end_of_line(text, at))
        if odd is not None:
            where = ("in its indentation" if odd.group(1)
                     else f"after '{odd.group(2).strip()}'")
            raise YamlError(text.count("\n", 0, odd.start()) + first_line, _odd_space(
                odd.group(1) or odd.group(3), where)) from None
        unclosed = _unclosed_quote(text, line - first_line + 1) if _quote_trouble(error) \
            else None
        if unclosed is not None:
            raise YamlError(unclosed + first_line - 1, "invalid YAML: the quote opened on this "
                            "line is not closed; end the value with the same quote") from None
        flow = _FLOWS.get(error.context or "")
        if flow is not None and (opened := _left_open(text, error)) is not None:
            raise YamlError(opened + first_line, f"invalid YAML: the "
                            f"{flow[0]} opened on this line is not closed; end it with "
                            f"'{flow[1]}'") from None
        if (keyless := _keyless(text, error)) is not None:
            raise YamlError(keyless[0] + first_line, "invalid YAML: this line holds no "
                            f"'key: value'; write '{keyless[1]}: …' if '{keyless[1]}' is a "
                            "key, or indent the line if it goes on with the value above"
                            ) from None
        if (deeper := _deeper_key(text, error)) is not None:
            number, key, above, indent, plain = deeper
            depth = f"({indent} spaces)" if indent else "(not at all)"
            also = (", or, if the line is part of the value above, put that value in double "
                    "quotes") if plain else ""
            raise YamlError(number + first_line, f"invalid YAML: '{key}' is indented deeper "
                            f"than '{above}' above it; indent '{key}' as '{above}' is "
                            f"{depth}{also}") from None
        raise YamlError(line, _yaml_message(error)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not accept
        line = text.count("\n", 0, error.position) + first_line
        raise YamlError(line, f"character U+{error.character:04X} is not allowed in YAML; "
                        "delete it") from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, f"invalid YAML ({error})") from None
    comment = _GLUED_COMMENT.search(text)
    if comment:
        line = text.count("\n", 0, comment.start()) + first_line
        raise YamlError(line, f"'{comment.group(1)}' starts a YAML comment, which cuts the "
                        "value short; put the whole value in double quotes")
    return node


# A value that opens a double quote and never closes it on its line. YAML lets a quoted
# value run over lines, so the parser fails further down, where the next '"' is.
_OPEN_QUOTE = re.compile(
    r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?(?:"(?:[^"\\]|\\.)*|'(?:[^']|'')*)$""")
# " #word" after a plain value: YAML reads a comment, the author meant "#1" or "#Brest".
# (A comment is "# text", with a space, as in "date: 2026-10-16  # publication".)
_GLUED_COMMENT = re.compile(r"""^[^"'#\n]*:[ \t]+[^"'#\s\[{][^#\n]*?[ \t](#[^\s#]\S*)""",
                            re.MULTILINE)


def _quote_trouble(error: yaml.MarkedYAMLError) -> bool:
    """Whether PyYAML's complaint can come from a quote left open further up."""
    words = f"{error.context} {error.problem}"
    return any(w in words for w in ("quoted scalar", "expected key", "block end",
                                    "end of stream", "expected '-'"))


def _unclosed_quote(text: str, last_line: int) -> int | None:
    """The first line up to ``last_line`` (1-based) whose value opens an unclosed quote."""
    for number, line in enumerate(text.split("\n")[:last_line], start=1):
        if _OPEN_QUOTE.match(line):
            return number
    return None


class _Builder:
    """Builds the tree from PyYAML's event stream, refusing what the module bans."""

    def __init__(self, events: object, shift: int) -> None:
        self._events = iter(events)  # type: ignore[call-overload]
        self._shift = shift

    def _line(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return (mark.line + 1 if mark is not None else 1) + self._shift

    def _next(self) -> yaml.Event:
        event: yaml.Event = next(self._events)
        return event

    def document(self) -> Node | None:
        self._next()  # StreamStart
        event = self._next()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        node = self._node(self._next(), depth=0)
        self._next()  # DocumentEnd
        trailing = self._next()
        if not isinstance(trailing, yaml.StreamEndEvent):
            raise YamlError(self._line(trailing), "a second YAML document; the front matter is "
                            "one block of 'key: value' lines")
        return node

    def _node(self, event: yaml.Event, depth: int) -> Node:
        line = self._line(event)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlError(line, "anchors and aliases ('&name', '*name') are not allowed; "
                            "write the value out in full")
        if getattr(event, "tag", None) is not None:
            raise YamlError(line, f"YAML tags ('{event.tag}') are not allowed; "  # type: ignore[attr-defined]
                            "write plain values")
        if depth > MAX_DEPTH:
            raise YamlError(line, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(event, yaml.ScalarEvent):
            if unfit := _NOT_XML.search(event.value):
                raise YamlError(line, f"character U+{ord(unfit.group()):04X} (written as an "
                                "escape) cannot be published in a page or feed; delete it")
            return Scalar(event.value, line, quoted=event.style in ("'", '"'))
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while not isinstance(child := self._next(), yaml.SequenceEndEvent):
                items.append(self._node(child, depth + 1))
            return Sequence(tuple(items), line)
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(line, depth)
        raise YamlError(line, f"unexpected YAML event {type(event).__name__}")  # pragma: no cover

    def _mapping(self, line: int, depth: int) -> Mapping:
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        while not isinstance(key_event := self._next(), yaml.MappingEndEvent):
            key_node = self._node(key_event, depth + 1)
            key = _key_text(key_node)
            value = self._node(self._next(), depth + 1)
            if key in seen:
                raise YamlError(key_node.line, f"duplicate key '{key}' (first at line "
                                f"{seen[key]}); keep one")
            seen[key] = key_node.line
            entries.append(Entry(key, key_node.line, value))
        return Mapping(tuple(entries), line)


def _key_text(node: Node) -> str:
    if not isinstance(node, Scalar):
        raise YamlError(node.line, f"a key must be a name, not {kind_of(node)}")
    if not node.quoted:
        tag = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
        if tag != _STR_TAG or node.is_null:
            shown = node.value or "(empty)"
            raise YamlError(node.line, f"key '{shown}' is not a name (YAML reads it as "
                            f"{tag.rsplit(':', 1)[-1]}); keys are field names such as 'title'")
    return node.value
