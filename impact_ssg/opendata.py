"""Open data: the published monographs as ``monographs.json`` and ``monographs.csv``
(drafts, which a build with ``--drafts`` shows, are not published).

One record per monograph with the fields of SPEC §4. The CSV is UTF-8 with a BOM so that
spreadsheet software reads accents right, list cells are joined with `` | ``, and a cell
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
from collections.abc import Iterable, Iterator

from . import urls
from .index import Site
from .model import Monograph
from .territory import Territory

JSON = "data/monographs.json"
CSV = "data/monographs.csv"
"""The routes of the two files."""


def record(site: Site, monograph: Monograph) -> dict[str, object]:
    """The open-data record of one monograph."""
    return _record(site, monograph, urls.Urls(site.config.base_url), {})


def _records(site: Site) -> Iterator[dict[str, object]]:
    """The records of the published monographs, newest first."""
    link = urls.Urls(site.config.base_url)
    places: dict[Territory, dict[str, object]] = {}
    for monograph in site.monographs:
        if not monograph.draft:
            yield _record(site, monograph, link, places)


def _record(site: Site, monograph: Monograph, link: urls.Urls,
            places: dict[Territory, dict[str, object]]) -> dict[str, object]:
    """``record``; ``places``: each territory's part as made for an earlier record (the
    same few thousand places are shown by all 10,000 records of a large base)."""
    return {
        "slug": monograph.slug,
        "title": monograph.title,
        "url": link.full(urls.monograph(monograph.slug)),
        "date": monograph.date.isoformat(),
        "updated": monograph.updated.isoformat() if monograph.updated else None,
        "summary": monograph.summary,
        "networks": list(monograph.networks),
        "alliance_types": list(monograph.alliance_types),
        "stakeholders": list(monograph.stakeholders),
        # Organisations and themes as the site names them (``spellings``).
        "organisations": [{"name": t.label, "slug": t.slug, "stakeholder": p.stakeholder}
                          for t, p in zip(site.terms_of(monograph, urls.ORGANISATIONS),
                                          monograph.partners, strict=True)],
        "territories": [places.get(t) or places.setdefault(t, _place(t, link))
                        for t in map(site.named, monograph.territories)],
        "themes": [t.label for t in site.terms_of(monograph, urls.THEMES)],
        "authors": list(monograph.authors),
    }


def _place(territory: Territory, link: urls.Urls) -> dict[str, object]:
    t = territory
    return {"country": t.country, "region": t.region, "department": t.department,
            "department_code": t.department_code, "commune": t.commune,
            "url": link.full(urls.territory(t.slugs))}


def to_json(site: Site) -> bytes:
    """``{"monographs": [...]}``, newest first, indented by one space a level.

    Written record by record, exactly as ``json.dumps(..., indent=1)`` writes the whole,
    which holds every piece of the whole at once (about 100 MB at 10,000 monographs).
    """
    records = []
    for data in _records(site):
        pieces: list[str] = []
        _indented(data, "\n   ", pieces)
        records.append(("  " + "".join(pieces)).encode("utf-8"))
    if not records:
        return b'{\n "monographs": []\n}\n'
    return b"".join((b'{\n "monographs": [\n', b",\n".join(records), b"\n ]\n}\n"))


_scalar = json.JSONEncoder(ensure_ascii=False).encode
# A string as ``_scalar`` writes it (the C function it calls for one).
_string = json.encoder.encode_basestring
_CONTAINERS = (dict, list)


@functools.lru_cache(maxsize=256)
def _label(key: str) -> str:
    # The keys of every record: the same dozen, 10,000 times over.
    return _scalar(key) + ": "


def _indented(value: object, pad: str, out: list[str]) -> None:
    """Append ``value`` as ``json.dumps(value, ensure_ascii=False, indent=1)`` writes it
    at the depth whose line break and indent are ``pad`` (its items'): the same text
    twice as fast, every scalar written by the C encoder, where ``indent`` sends all
    through the pure-Python one. ``value`` is made of what ``record`` gives: dicts with
    string keys, lists and scalars (a tuple would come out on one line)."""
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        labelled: Iterable[tuple[str, object]] = (
            (_label(key), item) for key, item in value.items())
        brackets = "{}"
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        if all(type(item) is str for item in value):
            # A list of names (networks, themes, authors…): one piece.
            out.append("[" + pad + ("," + pad).join(map(_string, value)) + pad[:-1] + "]")
            return
        labelled = zip(itertools.repeat(""), value)
        brackets = "[]"
    else:
        out.append(_scalar(value))
        return
    out.append(brackets[0])
    separator = pad
    for key, item in labelled:
        label = separator + key
        if type(item) is str:
            out.append(label + _string(item))
        elif isinstance(item, _CONTAINERS):
            out.append(label)
            _indented(item, pad + " ", out)
        else:
            out.append(label + _scalar(item))
        separator = "," + pad
    out.append(pad[:-1] + brackets[1])


CSV_COLUMNS = ("slug", "title", "url", "date", "updated", "summary", "networks",
               "alliance_types", "stakeholders", "organisations", "territories", "themes",
               "authors")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        text = ""
    elif isinstance(value, list):
        text = " | ".join(_flat(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _flat(value: object) -> str:
    if isinstance(value, dict):
        if "stakeholder" in value:
            return str(value["name"])
        return " / ".join(str(value[k]) for k in ("country", "region", "department", "commune")
                          if value.get(k))
    return str(value)


def to_csv(site: Site) -> bytes:
    """One row per monograph, newest first, with a header row."""
    # Encoded as it is written: text of French prose takes two bytes a character in a
    # Python string, and the whole would be held twice.
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8-sig", newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for data in _records(site):
        writer.writerow([_cell(data[c]) for c in CSV_COLUMNS])
    out.flush()
    buffer = out.detach()
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()
