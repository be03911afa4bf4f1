"""Plan: ``Site`` → every output, as a list of ``OutputPage`` and ``OutputFile``. Pure.

A page is a route, a template and the small context that template reads; a file is a
route and where its bytes come from. Routes that would collide are reported here, all
at once, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .errors import ContentError, InvalidContent, UsageError
from .index import Site, Term, TerritoryNode
from .model import Monograph
from .panorama import panorama

PAGE_SIZE = 50
FEED_SIZE = 50
TERM_TITLES = {
    urls.NETWORKS: ("Réseaux", "réseau", "réseaux"),
    urls.ALLIANCES: ("Types d’alliance", "type d’alliance", "types d’alliance"),
    urls.STAKEHOLDERS: ("Acteurs", "catégorie d’acteurs", "catégories d’acteurs"),
    urls.ORGANISATIONS: ("Organisations", "organisation", "organisations"),
    urls.THEMES: ("Thèmes", "thème", "thèmes"),
}


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a page stands in a paginated list."""

    number: int
    count: int
    routes: tuple[str, ...]
    """Route of each page, 1 to ``count``."""

    @property
    def previous(self) -> str | None:
        return self.routes[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.routes[self.number] if self.number < self.count else None


@dataclass(frozen=True, slots=True)
class Deferred:
    """A page's context value made only when the page is rendered (``render_page``): a
    page taken as the last build made it never pays for it."""

    make: Callable[[], object]


@dataclass(frozen=True, slots=True)
class OutputPage:
    """A page rendered from a template."""

    route: str
    template: str
    context: dict[str, object] = field(hash=False)
    """What the template reads; a ``Deferred`` value is made when it is rendered."""
    origin: str = ""
    """What asked for this route, for collision messages."""


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file copied from ``copy_from`` (asset, static file) or made by ``make`` (data,
    search index): exactly one of the two."""

    route: str
    make: Callable[[], bytes] | None = None
    copy_from: Path | None = None
    origin: str = ""

    def __post_init__(self) -> None:
        if (self.make is None) == (self.copy_from is None):
            raise ValueError(f"{self.route}: an output file needs exactly one source")


Output = OutputPage | OutputFile


def _paginated(route: str, items: Sequence[Monograph]) -> Iterator[tuple[str, Sequence[Monograph],
                                                                          Pagination | None]]:
    count = max(1, -(-len(items) // PAGE_SIZE))
    routes = tuple(urls.page(route, n) for n in range(1, count + 1))
    for number in range(1, count + 1):
        chunk = items[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        yield routes[number - 1], chunk, Pagination(number, count, routes) if count > 1 else None


def _kept_back(name: str) -> bool:
    """Whether a file or folder of the static folder is left out of the site: hidden
    (``.DS_Store``, an editor's swap or lock file), an editor's backup (``style.css~``)
    or autosave (``#style.css#``)."""
    return name.startswith(".") or name.endswith("~") or (
        len(name) > 1 and name.startswith("#") and name.endswith("#"))


PAGE_TEMPLATES = ("home.html", "catalogue.html", "territories.html", "panorama.html",
                  "404.html", "feed.xml", "robots.txt", "monograph.html", "terms.html",
                  "term.html", "territory.html", "sitemap.xml")
"""The templates pages are rendered with (``render.check_templates``)."""


def plan(site: Site, static_dir: Path | None, data: dict[str, Callable[[], bytes]]) -> list[Output]:
    """Every output of the site; raises ``InvalidContent`` if two would share a route.

    ``data`` maps the routes of generated files (open data, search index) to their makers.
    """
    # A build with drafts is a preview: they get pages, marked as drafts and not to be
    # indexed, as are the lists only drafts fill, and are announced nowhere (feed,
    # sitemap).
    published = [m for m in site.monographs if not m.draft]
    outputs: list[Output] = [
        OutputPage("", "home.html", {}),
        OutputPage(urls.MONOGRAPHS + "/", "catalogue.html", {"monographs": site.monographs}),
        OutputPage(urls.TERRITORIES + "/", "territories.html", {}),
        OutputPage(urls.PANORAMA + "/", "panorama.html",
                   {"panorama": Deferred(functools.partial(panorama, site))}),
        OutputPage("404.html", "404.html", {}),
        OutputPage("feed.xml", "feed.xml", {"monographs": published[:FEED_SIZE],
                                            "updated": newest_date(published)}),
        OutputPage("robots.txt", "robots.txt", {}),
    ]
    for monograph in site.monographs:
        outputs.append(OutputPage(urls.monograph(monograph.slug), "monograph.html",
                                  {"monograph": monograph, **_only_drafts([monograph])},
                                  origin=monograph.path))
    for kind, terms in site.terms.items():
        title, singular, plural = TERM_TITLES[kind]
        outputs.append(OutputPage(f"{kind}/", "terms.html", {
            "kind": kind, "terms": terms, "title": title, "singular": singular,
            "plural": plural}))
        for term in terms:
            outputs.extend(_term_pages(term, singular))
    outputs.extend(_territory_pages(site.territories))
    for name, make in sorted(data.items()):
        outputs.append(OutputFile(name, make=make))
    for asset in site.assets:
        outputs.append(OutputFile(urls.asset(asset.rel), copy_from=asset.path,
                                  origin=asset.display))
    if static_dir is not None and static_dir.is_dir():
        for path in sorted(static_dir.rglob("*")):
            rel = path.relative_to(static_dir).as_posix()
            if any(_kept_back(part) for part in rel.split("/")):
                continue
            if path.is_symlink():
                raise UsageError(f"{path.as_posix()}: is a symbolic link; impact-ssg never "
                                 "follows links: put the file itself there")
            if path.is_file():
                outputs.append(OutputFile(f"static/{rel}", copy_from=path,
                                          origin=path.as_posix()))
    html_routes = [o.route for o in outputs if isinstance(o, OutputPage)
                   and o.template.endswith(".html") and o.route != "404.html"
                   and NOINDEX not in o.context]
    outputs.append(OutputPage("sitemap.xml", "sitemap.xml", {"routes": html_routes}))
    _check_collisions(outputs)
    return outputs


def newest_date(monographs: Sequence[Monograph]) -> dt.date:
    """The latest publication or update date: what the feed and data files carry."""
    return max((m.updated or m.date for m in monographs), default=dt.date(1970, 1, 1))


NOINDEX = "noindex"
"""A page's context variable, true on a page that shows drafts only (``--drafts``): it
asks search engines not to index it (``base.html``), and the sitemap leaves it out."""


def _only_drafts(monographs: Sequence[Monograph]) -> dict[str, object]:
    return {NOINDEX: True} if monographs and all(m.draft for m in monographs) else {}


def _term_pages(term: Term, singular: str) -> Iterator[OutputPage]:
    drafts_only = _only_drafts(term.monographs)  # once for all the term's pages
    for route, chunk, pagination in _paginated(term.route, term.monographs):
        yield OutputPage(route, "term.html", {"term": term, "monographs": chunk,
                                              "pagination": pagination,
                                              "singular": singular,
                                              "index_title": TERM_TITLES[term.kind][0],
                                              **drafts_only})


def _territory_pages(nodes: Sequence[TerritoryNode]) -> Iterator[OutputPage]:
    for node in nodes:
        drafts_only = _only_drafts(node.monographs)
        for route, chunk, pagination in _paginated(node.route, node.monographs):
            yield OutputPage(route, "territory.html", {"node": node, "monographs": chunk,
                                                       "pagination": pagination,
                                                       **drafts_only})
        yield from _territory_pages(node.children)


def _check_collisions(outputs: list[Output]) -> None:
    seen: dict[str, Output] = {}
    errors = []
    for output in outputs:
        key = urls.same_file_key(urls.output_file(output.route))
        first = seen.setdefault(key, output)
        if first is not output:
            errors.append(ContentError(
                output.origin or "site", 0, "url",
                f"/{output.route} is also the address of {first.origin or 'another page'}; "
                "give one of them another name"))
    if errors:
        raise InvalidContent(errors)
