"""The panorama: the base at a glance, as data the ``panorama.html`` template draws.

A map of France's regions shaded by number of monographs (geometry from
``data/france-regions.json``), the stakeholder category × alliance type matrix, and
counts per network and per year as bar charts. Everything is computed here, at build
time; the page needs no script.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import urls
from .index import Site, Term
from .slug import fold
from .territory import FRANCE, regions

# Sequential shades, light to dark; the first is for regions with no monograph.
SHADES = ("#eef1f3", "#cfe6e8", "#95c9ce", "#4f9fa8", "#1f6f7a", "#0b4650")


@dataclass(frozen=True, slots=True)
class MapRegion:
    code: str
    name: str
    count: int
    shade: str
    path: str
    route: str | None
    """Its territory page, when it has monographs."""
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class LegendStep:
    shade: str
    label: str


@dataclass(frozen=True, slots=True)
class RegionMap:
    view_box: str
    regions: tuple[MapRegion, ...]
    insets: tuple[tuple[float, float, float, float], ...]
    legend: tuple[LegendStep, ...]
    source: str
    """The geometry's attribution, which its licence asks to show."""
    by_name: tuple[MapRegion, ...]
    """The regions in alphabetical order, for the table."""


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    width: float
    """Share of the longest bar, 0 to 100."""
    route: str | None = None


@dataclass(frozen=True, slots=True)
class Panorama:
    map: RegionMap
    stakeholders: tuple[Term, ...]
    alliances: tuple[Term, ...]
    matrix: tuple[tuple[int, ...], ...]
    """``matrix[i][j]``: monographs with stakeholder category i and alliance type j."""
    networks: tuple[Bar, ...]
    years: tuple[Bar, ...]


@cache
def _geometry() -> dict[str, object]:
    text = resources.files(__package__).joinpath("data/france-regions.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def _steps(maximum: int) -> list[int]:
    """Upper bounds of up to five classes covering 1..maximum."""
    if maximum <= 5:
        return list(range(1, maximum + 1))
    bounds = sorted({max(1, round(maximum * k / 5)) for k in range(1, 6)})
    return bounds


def region_map(site: Site) -> RegionMap:
    """The map of regions with their counts and shades."""
    france = next((n for n in site.territories if n.name == FRANCE), None)
    counts = {n.name: (len(n.monographs), n.route) for n in france.children} if france else {}
    names = {r.code: r.name for r in regions()}
    steps = _steps(max((c for c, _ in counts.values()), default=0))
    geometry = _geometry()
    # Classes spread over the whole palette, so the busiest region is always the darkest.
    shades = [SHADES[round(1 + k * (len(SHADES) - 2) / max(1, len(steps) - 1))]
              for k in range(len(steps))]
    shapes = []
    for shape in geometry["regions"]:  # type: ignore[attr-defined]
        name = names[shape["code"]]
        count, route = counts.get(name, (0, None))
        shade = SHADES[0] if count == 0 else shades[next(k for k, bound in enumerate(steps)
                                                         if count <= bound)]
        shapes.append(MapRegion(shape["code"], name, count, shade, shape["d"], route,
                                shape["label_x"], shape["label_y"]))
    legend = [LegendStep(SHADES[0], "aucune")]
    low = 1
    for shade, bound in zip(shades, steps, strict=True):
        legend.append(LegendStep(shade, str(bound) if bound == low else f"{low} à {bound}"))
        low = bound + 1
    insets = tuple((i["x"], i["y"], i["width"], i["height"])
                   for i in geometry["insets"])  # type: ignore[attr-defined]
    return RegionMap(str(geometry["viewBox"]), tuple(shapes), insets, tuple(legend),
                     str(geometry["source"]),
                     tuple(sorted(shapes, key=lambda r: fold(r.name))))


def _bars(items: list[tuple[str, int, str | None]]) -> tuple[Bar, ...]:
    top = max((count for _, count, _ in items), default=0) or 1
    return tuple(Bar(label, count, round(100 * count / top, 1), route)
                 for label, count, route in items)


def panorama(site: Site) -> Panorama:
    """Everything the panorama page shows."""
    stakeholders = site.terms[urls.STAKEHOLDERS]
    alliances = site.terms[urls.ALLIANCES]
    matrix = tuple(tuple(len({m.slug for m in s.monographs} & {m.slug for m in a.monographs})
                         for a in alliances) for s in stakeholders)
    networks = _bars([(e.id, len(site.term_by_slug[(urls.NETWORKS, e.slug)].monographs),
                       urls.term(urls.NETWORKS, e.slug)) for e in site.config.networks.entries])
    by_year: dict[int, int] = {}
    for monograph in site.monographs:
        by_year[monograph.date.year] = by_year.get(monograph.date.year, 0) + 1
    years = _bars([(str(y), by_year.get(y, 0), None)
                   for y in range(min(by_year, default=0), max(by_year, default=-1) + 1)])
    return Panorama(region_map(site), stakeholders, alliances, matrix, networks, years)
