"""The one place that builds URLs and maps them to output files.

A *route* is a URL path relative to ``base_url`` (``monographies/x/``, ``feed.xml``);
``Urls`` turns it into what pages link to (``/impact/monographies/x/``) or, for feed
and sitemap, an absolute URL when ``base_url`` is absolute. ``output_file`` maps a route
to the file that serves it (``monographies/x/index.html``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import quote, urlsplit

# URL segment of each kind of term page (SPEC §4).
NETWORKS = "reseaux"
ALLIANCES = "alliances"
STAKEHOLDERS = "acteurs"
ORGANISATIONS = "organisations"
THEMES = "themes"
TERRITORIES = "territoires"
MONOGRAPHS = "monographies"
PANORAMA = "panorama"
FILES = "fichiers"


# Characters a route keeps as they are in a link; everything else is percent-encoded.
_SAFE = "/-._~"


def monograph(slug: str) -> str:
    """Route of a monograph page."""
    return f"{MONOGRAPHS}/{slug}/"


def term(kind: str, slug: str) -> str:
    """Route of a term page (``reseaux/meti/``)."""
    return f"{kind}/{slug}/"


def territory(slugs: Sequence[str]) -> str:
    """Route of a territory page (``territoires/france/occitanie/``)."""
    return "/".join((TERRITORIES, *slugs)) + "/"


def page(route: str, number: int) -> str:
    """Route of page ``number`` (1-based) of a paginated list at ``route``."""
    return route if number == 1 else f"{route}page/{number}/"


def asset(rel: str) -> str:
    """Route of a file copied from the source folder (``rel`` relative to it); links
    percent-encode it, the output file keeps the name."""
    return f"{FILES}/{rel}"


def output_file(route: str) -> str:
    """The file under the output folder that serves ``route``."""
    return route + "index.html" if route == "" or route.endswith("/") else route


def same_file_key(path: str) -> str:
    """Paths with one key are one file on a case-insensitive or normalising file system
    (macOS, Windows) or web server: compared after NFC and case folding."""
    if path.isascii():  # as NFC and casefold would make it, much sooner
        return path.lower()
    return unicodedata.normalize("NFC", path).casefold()


class TemplateRoute(NamedTuple):
    """A route a template gives ``url()`` or ``full_url()`` written out (``'feed.xml'``,
    ``urls.PANORAMA ~ '/'``): the template as messages name it, the line, the function
    and the route."""

    template: str
    line: int
    function: str
    route: str


@functools.lru_cache(maxsize=1 << 16)
def _quoted(route: str) -> str:
    # Pages link to the same routes again and again (the navigation, terms, places,
    # some fifty links a monograph's page): each is encoded once per process. Always a
    # plain string: ``quote`` gives an empty one back as it is, and Markup("") is
    # cached as "" is.
    return quote(route, safe=_SAFE) or ""


class Urls:
    """Builds links under one ``base_url`` (which ends with ``/``)."""

    __slots__ = ("base", "origin", "path")

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
        self.path = parts.path if self.origin else base_url
        """What links start with: ``base_url``'s path."""

    @property
    def absolute(self) -> bool:
        """Whether links can be absolute (``base_url`` has a scheme and host)."""
        return bool(self.origin)

    def __call__(self, route: str) -> str:
        """The link to ``route`` as pages write it: the path under ``base_url``."""
        return self.path + _quoted(route)

    def full(self, route: str) -> str:
        """``route`` as an absolute URL when possible (feed, sitemap, canonical links)."""
        return self.base + _quoted(route) if self.origin else self(route)
