"""What rendering a body notices that is worth a warning, each with its file line: link
syntax that CommonMark leaves as text, and links to an id the page does not have.

A link written ``[texte](Mon fichier.md)``, ``[texte] (autre.md)`` or without its ``)``
is no link to CommonMark: it is published as its characters, which an author sees only
on the page. These are told where they are, with what to change.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

Note = tuple[int, str]
"""A file line and what to say there."""

# The look of a link or image in text: '[…](…)' with an address that looks like one
# ('.', '/' or ':' in it), or '[…] (…)' with one that is one word: '[sic] (p. 3)' is prose.
_LINK_LIKE = re.compile(r"(!?)\[([^\[\]\n]*)\](?:( +)\(([^()\s]*[./:][^()\s]*)|"
                        r"\(([^()\n]*[./:][^()\n]*))(\)|$)")
# A path on a computer: C:\Users\…, C:/…, a network share (\\serveur\…), file:…
_ON_A_COMPUTER = re.compile(r"[A-Za-z]:[\\/]|\\\\|file:", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SHOWN = str.maketrans({"\u202f": " ", "\u00a0": " "})
# The spaces French typography puts, or puts in place of others (before ; : ! ? », after
# «), taken away when text is compared with its source, as are its apostrophes.
_FRENCH_SPACE = re.compile("[ \u00a0\u202f]+(?=[;:!?»])|(?<=«)[ \u00a0\u202f]+|[\u00a0\u202f]")


def _compared(text: str) -> str:
    return _FRENCH_SPACE.sub("", text).replace("’", "'")


def left_as_text(tokens: list[Token], source: str, body_line: int) -> Iterator[Note]:
    """The links and images of a parsed body (from ``source``, whose first line is file
    line ``body_line``) left as text: an address holding a space, a space between ']' and
    '(', a missing ')'. What is not in ``source`` as it is read (escaped: ``\\[x](a.md)``)
    was meant as text."""
    lines = source.split("\n")
    for block in tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        written = None  # the block's source, compared: made for a block that needs it
        line = body_line + block.map[0]
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            # A link's look begins with '[': the pattern is tried only where there is one.
            elif child.type == "text" and "[" in child.content:
                for match in _LINK_LIKE.finditer(child.content):
                    if written is None:
                        written = _compared("\n".join(lines[block.map[0]:block.map[1]]))
                    if _compared(match.group(0)) in written:
                        yield line, _why(match)


# An HTML tag or comment as text: '<div class="x">', '</p>', '<br/>', '<!--'.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>\n]*>|<!--")


def body_slips(tokens: list[Token], env: Mapping[str, Any], source: str, body_line: int
               ) -> Iterator[Note]:
    """Slips a parsed body (``env``: what its parse kept) shows only on its page: an
    image without a description, a footnote never called (not shown), lines begun with
    a dash or a bullet a word processor puts, which make no list."""
    lines = source.split("\n")
    for block in tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        line = body_line + block.map[0]
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image":
                if not child.content.strip():
                    src = unquote(str(child.attrs.get("src", "")))
                    # As Markdown takes it: an address holding a space goes in <…>.
                    written = f"<{src}>" if " " in src else src
                    yield line, (f"image '{src}' has no description: write what it shows "
                                 f"between its brackets, ![Schéma de …]({written}), which "
                                 "screen readers read and browsers show when the image "
                                 "cannot be")
                # A description may go on over lines.
                line += sum(c.type in ("softbreak", "hardbreak") for c in child.children or ())
        bullets = [n for n in range(block.map[0], min(block.map[1], len(lines)))
                   if _BULLET.match(lines[n])]
        # Two lines in a row at least: a dash that a line of prose happens to begin with
        # is not a list.
        first = next((n for n in bullets if n + 1 in bullets), None)
        if first is not None:
            mark = lines[first].lstrip(" ")[0]
            yield body_line + first, (
                f"lines begun with '{mark}' make no list in Markdown (they run on as one "
                "paragraph): begin each with '- ', after a blank line")
    refs: Mapping[str, int] = env.get("footnotes", {}).get("refs", {})
    for key, number in refs.items():
        if number == -1:  # defined, never called
            label = key[1:]
            # Where it is defined, in a quote or a list item too.
            defined = re.compile(rf"[ \t>*+\-\d.)]*\[\^{re.escape(label)}\]:")
            at = next((n for n, text in enumerate(lines) if defined.match(text)), 0)
            yield body_line + at, (f"the footnote '[^{label}]' is never called in the text, "
                                   f"so it is not shown: call it where it belongs, "
                                   f"'…[^{label}]', or delete it")


# A line a word processor's list left: a dash or a bullet, then a space. (A line begun
# with '—' is a line of dialogue.)
_BULLET = re.compile(" {0,3}[–•◦▪·] ")


def html_as_text(tokens: list[Token], source: str, body_line: int) -> Iterator[Note]:
    """The raw HTML of a body parsed without it (``allow_html`` false: ``tokens``), which
    is shown as its characters: one note for each block that has some, naming its first
    tag. What CommonMark reads as raw HTML is found by parsing the body again with it,
    which only a body with a '<' in its text needs: a tag written escaped (``\\<br>``,
    ``&lt;br&gt;``) or in code is text."""
    if not any(child.type == "text" and "<" in child.content for block in tokens
               if block.type == "inline" and block.children for child in block.children):
        return
    for block in _with_html().parse(source):
        if not block.map:
            continue
        line = body_line + block.map[0]
        found: list[tuple[int, str]] = []
        if block.type == "html_block":
            found.extend((line, _tag(match)) for match in _TAG.finditer(block.content)
                         if _is_html(match))
        for child in block.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline":
                found.extend((line, _tag(match)) for match in _TAG.finditer(child.content)
                             if _is_html(match))
        if found:
            first_line, tag = found[0]
            more = (f" and {len(found) - 1} other tag{'s' if len(found) > 2 else ''} are"
                    if len(found) > 1 else " is")
            yield first_line, (f"'{tag}'{more} shown as text: raw HTML is not read "
                               "(allow_html is false in the config); write it in Markdown, "
                               "or set allow_html: true")


@functools.cache
def _with_html() -> MarkdownIt:
    return MarkdownIt("js-default", {"html": True})


# The elements of HTML: '<nom de la structure>' or '<Bonjour>' is tag-like to CommonMark,
# but meant as text, which it stays.
_ELEMENT_NAMES = """a abbr address area article aside audio b bdi bdo big blockquote body
    br button canvas caption center cite code col colgroup data datalist dd del details dfn
    dialog div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6
    head header hgroup hr html i iframe img input ins kbd label legend li link main map mark
    menu meta meter nav noscript object ol optgroup option output p param picture pre
    progress q rp rt ruby s samp script section select small source span strike strong
    style sub summary sup svg table tbody td template textarea tfoot th thead time title tr
    track tt u ul var video wbr"""
_ELEMENTS = frozenset(_ELEMENT_NAMES.split())


def _is_html(match: re.Match[str]) -> bool:
    return match.group(0) == "<!--" or match.group(2).lower() in _ELEMENTS


def _tag(match: re.Match[str]) -> str:
    """A tag as a message names it: its attributes, which typography may have changed,
    left out (``<div …>``)."""
    if match.group(0) == "<!--":
        return "<!-- … -->"
    start = f"<{match.group(1)}{match.group(2)}"
    rest = match.group(0)[len(start):-1].strip()
    return start + (rest if rest in ("", "/") else " …") + ">"


def _why(match: re.Match[str]) -> str:
    image, _, space, spaced, address, closed = match.groups()
    address = spaced or address
    what = "an image" if image else "a link"
    if not closed:
        fix = "its ')' is missing"
    elif space:
        fix = "take out the space between ']' and '('"
    elif _ON_A_COMPUTER.match(address.strip()):
        name = re.split(r"[\\/]", address.strip())[-1]
        fix = ("its address is a path on a computer, which readers cannot open: put the file "
               f"in the monographs folder and link it by its path from this file ('{name}' "
               "if it is beside it)")
    elif " " in address.strip():
        fix = ("its address holds a space: write %20 for each "
               f"('{address.strip().replace(' ', '%20')}'), or put the address in <…>")
    elif _SCHEME.match(address.strip()):
        fix = ("only http:, https: and mailto: addresses, and paths to files of the "
               "monographs folder, become links")
    else:
        fix = "its address is not one CommonMark reads"
    return f"'{match.group(0).translate(_SHOWN)}' is shown as text, not as {what}: {fix}"


def missing_ids(links: Iterable[tuple[int, str, str]], leads_to: Collection[str]
                ) -> Iterator[Note]:
    """The links of a body to an id of its own page, ``(line, as written, id)``, that
    lead to none of ``leads_to``, with the closest of those."""
    for line, written, fragment in links:
        if fragment in leads_to or fragment.lower() == "top":  # HTML's rule for '#top'
            continue
        close = difflib.get_close_matches(fragment, leads_to, n=1, cutoff=0.6)
        yield line, (f"link '{written}': this page has no heading or id '#{fragment}'"
                     + (f" (did you mean '#{close[0]}'?)" if close else "")
                     + "; the link leads nowhere")


def unwritten(tokens: list[Token], body_line: int) -> Iterator[Note]:
    """What a parsed body (whose first line is file line ``body_line``) has yet to be
    written: no text at all (headings alone, as ``new`` writes them), or a section with
    nothing under its heading before the next of its level or above. Worth telling of a
    published monograph only: a draft is being written."""
    ends = ("footnote_block_open",)  # footnotes are not a section's text
    end = next((i for i, t in enumerate(tokens) if t.type in ends), len(tokens))
    opens = [i for i in range(end) if tokens[i].type == "heading_open"]
    if end == 3 * len(opens):  # nothing but headings, each 3 tokens: open, text, close
        yield body_line, "the body has no text yet: write the monograph below the front matter"
        return
    for n, i in enumerate(opens):
        following = opens[n + 1] if n + 1 < len(opens) else end
        if following == i + 3 and (following == end
                                   or tokens[following].tag <= tokens[i].tag):
            where = tokens[i].map
            line = body_line + (where[0] if where else 0)
            yield line, (f"the section '{tokens[i + 1].content}' is empty: write it, or take "
                         "out its heading")
