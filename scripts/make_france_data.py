"""Regenerate ``impact_ssg/data/france.json``: French regions and departments.

The data comes from the official open-licence code list published by Etalab
as the npm package ``@etalab/decoupage-administratif`` (built from INSEE's
Code officiel géographique; data under Licence Ouverte / Open Licence 2.0).
The version is pinned below, together with the tarball's integrity hash, so
that a rerun produces the very same file.

The script fetches the package tarball with ``npm pack`` into a temporary
directory (only the npm registry is needed), checks its sha512 against the
pinned one, reads ``data/regions.json`` and ``data/departements.json`` from
the tarball without unpacking it, and keeps:

* the 18 regions: 13 metropolitan ones (Corse included) and the 5 overseas
  regions (Guadeloupe 01, Martinique 02, Guyane 03, La Réunion 04,
  Mayotte 06);
* the 101 departments: 96 metropolitan ones (2A and 2B included) and
  971, 972, 973, 974, 976.

The overseas collectivities (975, 977, 978 and 98x), which the source lists
both as "regions" and as "departments" with ``zone == "com"``, are dropped.
Any count or shape that differs from the above stops the script with an
error instead of writing a wrong file.

Usage (from the repository root; needs ``npm`` on the PATH)::

    python scripts/make_france_data.py            # write the file
    python scripts/make_france_data.py --check    # exit 1 if it is stale

To move to a newer release, change ``VERSION`` and ``INTEGRITY`` (see
``npm view @etalab/decoupage-administratif@<version> dist.integrity``).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import TypedDict

from generated_file import write_or_check
from npm_tarball import TarballError, fetch, member

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
INTEGRITY = (
    "sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baoz"
    "m0dCYhWWcf+7bcWpA5pmCaQ=="
)
LICENCE = "Licence Ouverte / Open Licence 2.0"

KEPT_ZONES = frozenset({"metro", "drom"})
EXPECTED_METRO_REGIONS = 13
OVERSEAS_REGIONS = {
    "01": "971",  # Guadeloupe
    "02": "972",  # Martinique
    "03": "973",  # Guyane
    "04": "974",  # La Réunion
    "06": "976",  # Mayotte
}
EXPECTED_REGIONS = 18
EXPECTED_DEPARTMENTS = 101

REGION_CODE = re.compile(r"\d\d")
DEPARTMENT_CODE = re.compile(r"(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[12346])")

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "impact_ssg" / "data" / "france.json"


class Region(TypedDict):
    code: str
    name: str


class Department(TypedDict):
    code: str
    name: str
    region: str


class FranceData(TypedDict):
    source: str
    regions: list[Region]
    departments: list[Department]


class DataError(Exception):
    """The source does not look like what this script expects."""


def read_member(tarball: Path, name: str) -> list[dict[str, object]]:
    """Return the JSON list stored at ``package/<name>`` in the tarball."""
    loaded: object = json.loads(member(tarball, name))
    if not isinstance(loaded, list) or not all(isinstance(e, dict) for e in loaded):
        raise DataError(f"{name}: expected a JSON list of objects")
    return loaded


def text(entry: dict[str, object], key: str) -> str:
    """Return ``entry[key]`` as an NFC string, failing on anything else."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{entry!r}: field {key!r} is not a non-empty string")
    return unicodedata.normalize("NFC", value.strip())


def build(
    raw_regions: list[dict[str, object]], raw_departments: list[dict[str, object]]
) -> FranceData:
    """Filter and check the source lists; return the data to write."""
    regions: dict[str, Region] = {}
    metro_regions = 0
    for entry in raw_regions:
        zone = text(entry, "zone")
        if zone not in KEPT_ZONES:
            continue
        code = text(entry, "code")
        if not REGION_CODE.fullmatch(code) or code in regions:
            raise DataError(f"bad or duplicate region code {code!r}")
        if zone == "drom" and code not in OVERSEAS_REGIONS:
            raise DataError(f"unexpected overseas region {code!r}")
        metro_regions += zone == "metro"
        regions[code] = {"code": code, "name": text(entry, "nom")}

    departments: dict[str, Department] = {}
    for entry in raw_departments:
        if text(entry, "zone") not in KEPT_ZONES:
            continue
        code = text(entry, "code")
        if not DEPARTMENT_CODE.fullmatch(code) or code in departments:
            raise DataError(f"bad or duplicate department code {code!r}")
        region = text(entry, "region")
        if region not in regions:
            raise DataError(f"department {code!r}: unknown region {region!r}")
        departments[code] = {"code": code, "name": text(entry, "nom"), "region": region}

    if metro_regions != EXPECTED_METRO_REGIONS:
        raise DataError(f"{metro_regions} metropolitan regions, expected 13")
    if len(regions) != EXPECTED_REGIONS:
        raise DataError(f"{len(regions)} regions, expected {EXPECTED_REGIONS}")
    if len(departments) != EXPECTED_DEPARTMENTS:
        raise DataError(f"{len(departments)} departments, expected {EXPECTED_DEPARTMENTS}")
    for region_code, department_code in OVERSEAS_REGIONS.items():
        if region_code not in regions:
            raise DataError(f"overseas region {region_code} is missing")
        department = departments.get(department_code)
        if department is None or department["region"] != region_code:
            raise DataError(f"department {department_code} not in {region_code}")
    empty = set(regions) - {d["region"] for d in departments.values()}
    if empty:
        raise DataError(f"regions without departments: {sorted(empty)}")

    return {
        "source": f"{PACKAGE} {VERSION} (npm), {LICENCE}",
        "regions": [regions[code] for code in sorted(regions)],
        "departments": [departments[code] for code in sorted(departments)],
    }


def render(data: FranceData) -> str:
    """Serialise deterministically: fixed key order, UTF-8 text, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the output file differs from a fresh build",
    )
    args = parser.parse_args(argv)
    output: Path = args.output

    try:
        with tempfile.TemporaryDirectory(prefix="france-data-") as tmp:
            tarball = fetch(PACKAGE, VERSION, INTEGRITY, Path(tmp))
            data = build(
                read_member(tarball, "data/regions.json"),
                read_member(tarball, "data/departements.json"),
            )
    except (DataError, TarballError, subprocess.CalledProcessError, OSError) as error:
        print(f"make_france_data: {error}", file=sys.stderr)
        return 2

    summary = (f"{len(data['regions'])} regions, {len(data['departments'])} departments "
               f"({PACKAGE} {VERSION})")
    return write_or_check(output, render(data), args.check, summary)


if __name__ == "__main__":
    sys.exit(main())
