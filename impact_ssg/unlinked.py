"""Files beside the monographs that no body links to.

Every file under the source folder that is not a monograph is published, under
``/fichiers/`` (SPEC §1), whether or not a monograph links to it: an editor's notes, a
Word draft or a copy of a monograph left there (``notes.txt``, ``x.docx``, ``x.md.bak``)
would be on the web unnoticed. Each file no body links to (a draft's counts, and so
does a link from the site's root, ``/fichiers/x.pdf``) is warned about, and a name that
looks like a monograph's but is not read as one (``x.markdown``, ``x.md.txt``) is told
so.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import unquote

from .errors import ContentWarning
from .markdown import Outline, Reference
from .model import Monograph
from .source import SourceFile
from .urls import FILES

FIELD = "file"
"""The field of these warnings: they name a file as a whole."""

# Names Markdown files are given elsewhere, and copies of a monograph (``x.md.bak``).
_MARKDOWN_ENDINGS = (".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext")


def linked_from(outline: Outline) -> frozenset[str]:
    """The files under the source folder (relative paths) a body links to or shows:
    by a relative path, from its raw HTML, or from the site's root (``/fichiers/…``)."""
    found = {ref.target for ref in (*outline.references, *outline.raw_links)}
    found.update(_published_file(ref) for ref in outline.site_links)
    found.discard("")
    return frozenset(found)


def _published_file(ref: Reference) -> str:
    # '/fichiers/a/b.pdf', or under the base path ('/impact/fichiers/a/b.pdf').
    path = posixpath.normpath("/" + unquote(ref.target))
    marker = f"/{FILES}/"
    at = path.find(marker)
    return path[at + len(marker):] if at >= 0 else ""


def linked_by(monographs: Iterable[Monograph]) -> dict[str, frozenset[str]]:
    """``linked_from`` of each of ``monographs`` that links to a file, by source path."""
    found = {}
    for monograph in monographs:
        files = linked_from(monograph.rendered)
        if files:
            found[monograph.source] = files
    return found


def linked_in(by_monograph: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """Every file ``by_monograph`` (``linked_by``) holds."""
    return frozenset().union(*by_monograph.values())


def warnings(assets: Iterable[SourceFile], linked: Collection[str],
             monographs: Collection[str]) -> list[ContentWarning]:
    """A warning for each of ``assets`` (the files beside the monographs) that is not
    ``linked``, in their order; ``monographs``: the monograph files (relative paths),
    of which a file may be a copy."""
    found = []
    for asset in assets:
        if asset.rel in linked:
            continue
        name = posixpath.basename(asset.rel)
        lower = name.lower()
        published = f"/{FILES}/{asset.rel}"
        ending = next((e for e in _MARKDOWN_ENDINGS if lower.endswith(e)), None)
        if ending or ".md." in lower:
            stem = name[:-len(ending)] if ending else name[:lower.find(".md.")]
            twin = posixpath.join(posixpath.dirname(asset.rel), f"{stem}.md")
            fix = (f"if it is a copy of {twin}, move it out of the monographs folder"
                   if twin in monographs else f"if it is a monograph, name it '{stem}.md'; "
                   "if not, move it out of the monographs folder")
            message = (f"is not read as a monograph (only names ending in '.md' are): it is "
                       f"published as a file no monograph links to, {published}; {fix} or "
                       "start its name with '_'")
        else:
            message = (f"no monograph links to it, yet it is published as {published}; "
                       f"link it from a monograph, or, if it is not for readers, move it "
                       f"out of the monographs folder or start its name with '_'")
        found.append(ContentWarning(asset.display, 0, FIELD, message))
    return found
