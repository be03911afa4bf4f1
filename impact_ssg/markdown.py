"""Monograph bodies: the Markdown parser and what a body refers to.

``make_parser(allow_html)`` returns the one ``MarkdownIt`` the site uses (CommonMark with
tables, strikethrough and footnotes; raw HTML shown as text unless ``allow_html``);
others may ``.use(plugin)`` on it. ``references(body, parser)`` lists the local files
a body links to or embeds, with their line, so that the index can check them.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

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

    target: str
    """Path of the target relative to the source folder, normalised (may start with ``../``
    when the author's path leaves the folder)."""
    written: str
    """The path as the author wrote it (for messages)."""
    line: int
    """File line of the reference."""
    image: bool


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
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        line = body_line + (block.map[0] if block.map else 0)
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text" or child.type == "code_inline":
                continue
            elif child.type in ("link_open", "image"):
                href = str(child.attrGet("href" if child.type == "link_open" else "src") or "")
                path = local_target(href)
                if path is not None:
                    target = posixpath.normpath(posixpath.join(folder, path))
                    found.append(Reference(target, path, line, child.type == "image"))
    return found
