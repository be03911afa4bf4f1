"""Monograph bodies: the Markdown parser and what a body refers to.

``make_parser(allow_html)`` returns the ``MarkdownIt`` every body is read with (CommonMark
with tables, strikethrough and footnotes; raw HTML shown as text unless ``allow_html``);
others may ``.use(plugin)`` on it. ``references`` lists the local files a body links to
or embeds, with their line, so that they can be checked. ``make_renderer`` adds what
pages need (link allowlist, French typography) and ``render`` turns a body into HTML
with its table of contents, links to monograph files rewritten to their pages.
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape, unescape
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, replace, smartquotes
from markdown_it.rules_core.replacements import RARE_RE, SCOPED_ABBR_RE
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .notes import Note, body_slips, html_as_text, left_as_text, missing_ids, unwritten
from .pickling import by_fields
from .slug import slugify
from .typography import french

# Deeper nesting is no real document; the cap keeps pathological input cheap.
MAX_NESTING = 20


def make_parser(allow_html: bool = False) -> MarkdownIt:
    """The body parser: ``js-default`` (CommonMark + tables + strikethrough) + footnotes."""
    parser = MarkdownIt("js-default", {"html": allow_html, "maxNesting": MAX_NESTING})
    parser.use(footnote_plugin)
    return parser


@dataclass(frozen=True, slots=True)
class Reference:
    """A relative link or image in a body that points at a file under the source folder."""

    __reduce__ = by_fields

    target: str
    """Path of the target relative to the source folder, normalised (may start with ``../``
    when the author's path leaves the folder)."""
    written: str
    """The path as the author wrote it (for messages)."""
    line: int
    """File line of the reference."""
    image: bool
    fragment: str = ""
    """The part after '#', decoded: a heading's id in the page linked to ('' if none)."""


def local_target(href: str) -> str | None:
    """The path part of a relative link (``../a.md#x`` → ``../a.md``), else ``None``.

    Links with a scheme (``https:``, ``mailto:``), site-absolute paths (``/x``) and
    fragments alone (``#x``) are not local files.
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return unquote(parts.path)


def references(tokens: list[Token], source_rel: str, body_line: int) -> list[Reference]:
    """Local files linked or embedded by a parsed body whose file path is ``source_rel``."""
    found: list[Reference] = []
    folder = posixpath.dirname(source_rel)
    for href, line, image in _links(tokens, body_line):
        path = local_target(href)
        if path is not None:
            target = posixpath.normpath(posixpath.join(folder, path))
            found.append(Reference(target, path, line, image, unquote(urlsplit(href).fragment)))
    return found


def own_links(tokens: list[Token], body_line: int) -> list[tuple[int, str, str]]:
    """The links of a parsed body to an id of its own page (``#le-contexte``): each
    one's line, as written, and the id (decoded)."""
    return [(line, href, unquote(href[1:])) for href, line, image in _links(tokens, body_line)
            if not image and href.startswith("#") and len(href) > 1]


def site_links(tokens: list[Token], body_line: int, base_path: str) -> list[Reference]:
    """The links and images of a parsed body from the site's root (``/panorama/``), each
    with its target as a path in the site (``panorama/``: under ``base_path``, the path
    of ``base_url``, if written so)."""
    found: list[Reference] = []
    for href, line, image in _links(tokens, body_line):
        if href.startswith("/") and not href.startswith("//"):
            parts = urlsplit(href)
            path = unquote(parts.path)
            if base_path != "/" and is_under(path, base_path):
                path = path[len(base_path) - 1:]
            found.append(Reference(path[1:], href, line, image, unquote(parts.fragment)))
    return found


def raw_links(tokens: list[Token], source_rel: str, body_line: int) -> list[Reference]:
    """The relative links and images of a parsed body's raw HTML (``allow_html``):
    ``href`` and ``src`` values as ``references`` reads a Markdown link's. Raw HTML is
    left as written, so one to a file of the source folder leads nowhere."""
    found: list[Reference] = []
    folder = posixpath.dirname(source_rel)
    for block in tokens:
        pieces = [(block, 0)] if block.type == "html_block" else [] if (
            block.type != "inline" or not block.children) else [
            (child, line) for child, line in _counted(block.children)
            if child.type == "html_inline"]
        first = body_line + (block.map[0] if block.map else 0)
        for piece, lines in pieces:
            for match in _RAW_LINK.finditer(piece.content):
                href = unescape(match.group(2) if match.group(2) is not None
                                else match.group(3))
                path = local_target(href)
                if path is not None:
                    line = first + lines + piece.content.count("\n", 0, match.start(1))
                    found.append(Reference(posixpath.normpath(posixpath.join(folder, path)),
                                           href, line, match.group(1).lower() == "src",
                                           unquote(urlsplit(href).fragment)))
    return found


_RAW_LINK = re.compile(r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _counted(children: list[Token]) -> Iterator[tuple[Token, int]]:
    """Each of an inline block's ``children`` with the lines before it in the block."""
    lines = 0
    for child in children:
        yield child, lines
        lines += (1 if child.type in ("softbreak", "hardbreak")
                  else child.content.count("\n"))


def _links(tokens: list[Token], body_line: int) -> Iterator[tuple[str, int, bool]]:
    """Each link's and image's target in a parsed body, with its file line (counted from
    ``body_line``) and whether it is an image's."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        line = body_line + (block.map[0] if block.map else 0)
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type in ("link_open", "image"):
                image = child.type == "image"
                yield str(child.attrGet("src" if image else "href") or ""), line, image
                # An image's alt text may run over lines: they count for what follows.
                line += sum(c.type in ("softbreak", "hardbreak") for c in child.children or ())


@dataclass(frozen=True, slots=True)
class Heading:
    """An entry of a body's table of contents."""

    __reduce__ = by_fields

    level: int
    """2 or 3 (the page's title is the only ``h1``)."""
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A body as HTML, with its table of contents."""

    utf8: bytes
    """The HTML, encoded: French text holds characters beyond Latin-1 (the typographic
    apostrophe, the narrow no-break space), which would make a ``str`` of it take two
    bytes a character; a large base holds every body at once."""
    toc: tuple[Heading, ...]
    text: str
    """The body's words as plain text (for the search index)."""
    references: tuple[Reference, ...] = ()
    """Local files the body links to or embeds."""
    anchors: tuple[str, ...] = ()
    """Every id it holds: its headings' (of every level; ``toc`` holds levels 2 and 3)
    first, then its footnotes' and those of its raw HTML."""
    site_links: tuple[Reference, ...] = ()
    """Its links from the site's root (``site_links``)."""
    raw_links: tuple[Reference, ...] = ()
    """The relative links of its raw HTML (``raw_links``), left as written."""
    notes: tuple[Note, ...] = ()
    """What rendering it noticed that is worth a warning (``notes``)."""
    unwritten: tuple[Note, ...] = ()
    """What it has yet to be written (``notes.unwritten``): told of a published monograph."""

    @property
    def html(self) -> str:
        """The body as HTML."""
        return self.utf8.decode("utf-8")

    @property
    def outline(self) -> Outline:
        """What a monograph keeps of its body beside its facts."""
        return Outline(self.toc, self.references, self.anchors, self.site_links,
                       self.raw_links, self.notes, self.unwritten)


@dataclass(frozen=True, slots=True)
class Outline:
    """What pages and checks read of a body besides its HTML: its table of contents and
    the local files it refers to."""

    __reduce__ = by_fields

    toc: tuple[Heading, ...] = ()
    references: tuple[Reference, ...] = ()
    anchors: tuple[str, ...] = ()
    """Every id it holds (``RenderedBody.anchors``)."""
    site_links: tuple[Reference, ...] = ()
    """Its links from the site's root (``site_links``)."""
    raw_links: tuple[Reference, ...] = ()
    """The relative links of its raw HTML (``raw_links``)."""
    notes: tuple[Note, ...] = ()
    """What rendering it noticed that is worth a warning (``notes``)."""
    unwritten: tuple[Note, ...] = ()
    """What it has yet to be written (``notes.unwritten``)."""

    def leads_to(self, fragment: str) -> bool:
        """Whether a link to ``fragment`` of the page showing this body finds its target:
        an id of the body (a heading, a footnote) or a part of the page templates keep
        for themselves."""
        # '#top' leads to the top of any page that has no such id (HTML's rule).
        return fragment in self.anchors or fragment in RESERVED_IDS or fragment.lower() == "top"


# Ids the page templates use; body headings never take them.
RESERVED_IDS = frozenset({"contenu", "sommaire", "faits", "corps", "voir-aussi", "resume",
                          "menu", "recherche", "resultats"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url: str) -> bool:
    """The link allowlist: http(s), mailto, and scheme-less (relative, ``/x``, ``#x``)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return not scheme or scheme in SAFE_SCHEMES


def make_renderer(allow_html: bool = False) -> MarkdownIt:
    """The parser configured for pages: link allowlist, French quotes and typography,
    tables in a scrollable region."""
    parser = make_parser(allow_html)
    parser.options["typographer"] = True
    parser.options["quotes"] = ["«\u202f", "\u202f»", "“", "”"]
    parser.validateLink = is_safe_link  # type: ignore[method-assign]
    parser.core.ruler.push("french_typography", _typography_rule)
    parser.add_render_rule("table_open", _table_open)
    parser.add_render_rule("table_close", _table_close)
    return parser


def french_text(text: str) -> str:
    """Plain text (a title, a summary, a label: not Markdown) as the text of a body is
    rendered: the typographer's quotes (« », “ ”), apostrophes and replacements (…, –),
    then French spacing; nothing else of Markdown is read in it."""
    return _french_text(text)


@functools.lru_cache(maxsize=16384)  # a title shows on many pages
def _french_text(text: str) -> str:
    # The typographer's own tests of whether its rules have anything to do.
    if ("'" not in text and '"' not in text and not RARE_RE.search(text)
            and not SCOPED_ABBR_RE.search(text)):
        return french(text)
    state = StateCore(text, _text_parser(), {})
    inline = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
    state.tokens = [inline]
    for rule in (replace, smartquotes, _typography_rule):
        rule(state)
    return "".join(child.content for child in inline.children or ())


@functools.cache
def _text_parser() -> MarkdownIt:
    return make_renderer()


def _typography_rule(state: object) -> None:
    for token in state.tokens:  # type: ignore[attr-defined]
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "text":
                    child.content = french(child.content)


def _table_open(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
    return '<div class="table-scroll" role="region" tabindex="0" aria-label="Tableau">\n<table>\n'


def _table_close(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
    return "</table>\n</div>\n"


def render(
    parser: MarkdownIt,
    body: str,
    source_rel: str,
    link_to: Callable[[str], str | None],
    file_url: Callable[[str], str],
    body_line: int = 1,
    base_path: str = "/",
) -> RenderedBody:
    """Render a body with ``make_renderer``'s parser, in one parse.

    ``link_to(target)`` gives the URL of the monograph whose file is ``target`` (relative to
    the source folder), or ``None`` to show the link as plain text (a draft);
    ``file_url(target)`` the URL of another file. A site-absolute link (``/panorama/``)
    is taken under ``base_path``, the path of ``base_url``, unless it already is there.
    Headings are shifted so the body starts at ``h2`` and never skips a level, and get
    stable, unique ids. ``references`` lists the local files the body refers to, with
    file lines counted from ``body_line``.
    """
    env: dict[str, Any] = {}
    tokens = parser.parse(body, env)
    refs = tuple(references(tokens, source_rel, body_line))
    rooted = tuple(site_links(tokens, body_line, base_path))
    own = own_links(tokens, body_line)
    unread = list(left_as_text(tokens, body, body_line))
    if not parser.options["html"]:
        unread.extend(html_as_text(tokens, body, body_line))
    unread.extend(body_slips(tokens, env, body, body_line))
    blank = tuple(unwritten(tokens, body_line))
    raw = tuple(raw_links(tokens, source_rel, body_line)) if parser.options["html"] else ()
    toc, anchors = _headings(tokens)
    folder = posixpath.dirname(source_rel)
    for block in tokens:
        if block.type == "inline" and block.children:
            block.children = _rewrite_links(block.children, folder, link_to, file_url,
                                            base_path)
    html = parser.renderer.render(tokens, parser.options, {})
    if parser.options["html"]:
        html = sanitise(html)
    # Every id the body has: its headings' first, then its footnotes' and those written
    # in its raw HTML (a link to an id it does not have is told the closest of all).
    ids = dict.fromkeys(anchors)
    ids.update(dict.fromkeys(unescape(ident) for ident in _ID.findall(html)))
    noted = sorted([*unread, *missing_ids(own, [*ids, *RESERVED_IDS])])
    return RenderedBody(html.encode("utf-8"), toc, _plain_text(tokens), refs, tuple(ids),
                        rooted, raw, tuple(noted), blank)


_ID = re.compile(r'<[^>]*?\sid="([^"]+)"')


# Links to monograph files are written as placeholders while bodies are rendered one by one,
# and resolved once every monograph is known. Markdown input never holds U+0000 (the parser
# replaces it), so no author can forge one.
_PAGE_MARK = "\x00page:"
# A link's other attributes (a title) follow its ``href``; their values are escaped, so
# hold no ``>``.
_PAGE_LINK = re.compile('<a href="\x00page:([^"\x00]*)\x00(#[^"]*)?"([^>]*)>(.*?)</a>',
                        re.DOTALL)


def page_placeholder(target: str) -> str:
    """What ``render`` writes for a link to the monograph file ``target``, until resolved."""
    return f"{_PAGE_MARK}{quote(target)}\x00"


def resolve_pages(html: str, link_to: Callable[[str], str | None]) -> str:
    """``html`` with its page placeholders replaced by ``link_to(target)``, or by the
    link's text alone where that is ``None`` (a draft)."""
    if _PAGE_MARK not in html:
        return html

    def replace(match: re.Match[str]) -> str:
        url = link_to(unquote(match.group(1)))
        if url is None:
            return match.group(4)
        return (f'<a href="{escape(url + (match.group(2) or ""))}"{match.group(3)}>'
                f"{match.group(4)}</a>")

    return _PAGE_LINK.sub(replace, html)


# What a body may hold once raw HTML is allowed: the usual prose tags, the attributes the
# renderer itself writes, and links only to http, https, mailto or relative targets.
_TAGS = nh3.ALLOWED_TAGS | {"section", "s", "sup", "sub", "figure", "figcaption"}
_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "div": {"role", "tabindex", "aria-label"},
}


_PLACEHOLDER = re.compile('\x00page:[^"\x00]*\x00')


def sanitise(html: str) -> str:
    """``html`` with scripts, event handlers, styles and unsafe URLs removed (``allow_html``).
    Placeholders of links to monographs (``page_placeholder``) come out as they went in."""
    held = _PLACEHOLDER.findall(html)
    if held:
        # The sanitiser turns U+0000 into U+FFFD: the placeholders cross it as relative
        # links under a random name no body can guess, and come back after.
        name = "impact-" + secrets.token_hex(12)
        numbers = itertools.count()
        html = _PLACEHOLDER.sub(lambda _: f"{name}-{next(numbers)}-", html)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES,
                      url_schemes=set(SAFE_SCHEMES), link_rel=None)
    if held:
        # Back where they are links; elsewhere (the text of an element removed, which the
        # sanitiser keeps as text) as the sanitiser would have left them.
        clean = re.sub(f'(<a href=")?{name}-([0-9]+)-', lambda match: (
            match.group(1) + held[int(match.group(2))] if match.group(1)
            else held[int(match.group(2))].replace("\x00", "\ufffd")), clean)
    return clean


def _plain_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.extend(c.content for c in token.children or ()
                         if c.type in ("text", "code_inline"))
            parts.extend(str(c.attrGet("alt") or c.content) for c in token.children or ()
                         if c.type == "image")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
    return " ".join(parts)


# Ids the footnotes take (fn1, fnref1, fnref1:2): a heading never does.
_FOOTNOTE_ID = re.compile(r"^fn(?:ref)?\d+(?::\d+)?$")


def _headings(tokens: list[Token]) -> tuple[tuple[Heading, ...], tuple[str, ...]]:
    """The table of contents (levels 2 and 3), and every heading's id."""
    opens = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    if not opens:
        return (), ()
    shift = 2 - min(int(tokens[i].tag[1]) for i in opens)
    used = set(RESERVED_IDS)
    next_suffix: dict[str, int] = {}
    toc: list[Heading] = []
    anchors: list[str] = []
    previous = 1
    for i in opens:
        level = min(max(int(tokens[i].tag[1]) + shift, 2), previous + 1, 6)
        previous = level
        tokens[i].tag = tokens[i + 2].tag = f"h{level}"
        children = tokens[i + 1].children or []
        text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        base = slugify(text) or "section"
        ident = base
        while ident in used or _FOOTNOTE_ID.match(ident):
            next_suffix[base] = next_suffix.get(base, 1) + 1
            ident = f"{base}-{next_suffix[base]}"
        used.add(ident)
        tokens[i].attrSet("id", ident)
        anchors.append(ident)
        if level <= 3:
            toc.append(Heading(level, ident, text))
    return tuple(toc), tuple(anchors)


def is_under(href: str, base_path: str) -> bool:
    """Whether the site-absolute ``href`` is ``base_path`` (``/impact/``) or under it."""
    stem = base_path[:-1]
    return href.startswith(stem) and href[len(stem):len(stem) + 1] in ("", "/", "?", "#")


def _rewrite_links(
    children: list[Token], folder: str, link_to: Callable[[str], str | None],
    file_url: Callable[[str], str], base_path: str,
) -> list[Token]:
    kept: list[Token] = []
    dropped_depth: list[int] = []  # nesting levels of link_open tokens turned into text
    for token in children:
        if token.type == "link_close" and dropped_depth and dropped_depth[-1] == token.level:
            dropped_depth.pop()
            continue
        if token.type in ("link_open", "image"):
            attr = "href" if token.type == "link_open" else "src"
            href = str(token.attrGet(attr) or "")
            path = local_target(href)
            if path is not None:
                fragment = urlsplit(href).fragment
                target = posixpath.normpath(posixpath.join(folder, path))
                is_page = target.lower().endswith(".md") and token.type == "link_open"
                url = link_to(target) if is_page else file_url(target)
                if url is None:
                    dropped_depth.append(token.level)
                    continue
                token.attrSet(attr, url + (f"#{fragment}" if fragment else ""))
            elif (base_path != "/" and href.startswith("/") and not href.startswith("//")
                  and not is_under(href, base_path)):
                # The site's root, as the author sees it in ``serve``: where the site is
                # published, that is under the path of ``base_url``.
                token.attrSet(attr, base_path + href[1:])
            if token.type == "image":
                token.attrSet("loading", "lazy")
                token.attrSet("decoding", "async")
        kept.append(token)
    return kept
