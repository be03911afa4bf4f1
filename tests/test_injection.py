"""Hostile text in every front-matter and config string, built for real and read back
with real parsers in every place it appears: HTML pages, JSON-LD, the Atom feed, the
sitemap, the CSV and JSON open data, and the search data. Nothing becomes markup, no
format breaks, the text survives intact, and no CSV cell starts a formula."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from impact_ssg.markdown import french_text
from impact_ssg.opendata import _cell
from impact_ssg.pipeline import Options, build
from impact_ssg.slug import slugify

from .conftest import ROOT

BASE = "https://example.org/impact/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'\"",
    "</script><script>alert(2)</script>",
    "]]><injected/>",
    "{{ 7*7 }} {% raw %}",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<!-- x --> &amp; &lt;",
    "a\tb",
)
# What a spreadsheet would run as a formula at the start of a cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A partner URL that is a web address (no white space) yet tries to break its attribute.
HOSTILE_URL = "https://example.org/?q=\"'><img/src=x/onerror=alert(3)>"


@dataclass(frozen=True)
class Hostile:
    """The strings one monograph carries; each starts with its payload."""

    slug: str
    title: str
    summary: str
    author: str
    theme: str
    partner: str
    commune: str
    country: str
    region: str
    place: str


def hostile(i: int, payload: str) -> Hostile:
    return Hostile(
        slug=f"m{i}", title=f"{payload} titre {i}", summary=f"{payload} résumé {i}",
        author=f"{payload} auteur {i}", theme=f"{payload} thème {i}",
        partner=f"{payload} organisation {i}", commune=f"{payload} commune {i}",
        country=f"Pays {i} {payload}", region=f"{payload} région {i}",
        place=f"{payload} ville {i}")


CASES = [hostile(i, p) for i, p in enumerate(PAYLOADS)]
SITE_TITLE = "<script>alert('titre')</script> Site \"x\" ]]>"
SITE_DESCRIPTION = "\"><img src=x onerror=alert('d')> {{ 7*7 }}"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def monograph_file(h: Hostile) -> str:
    return f"""\
---
title: {q(h.title)}
date: 2026-10-16
summary: {q(h.summary)}
network: ANPP
alliance_type: mecenat
territory:
  - department: "31"
    commune: {q(h.commune)}
  - country: {q(h.country)}
    region: {q(h.region)}
    commune: {q(h.place)}
stakeholders: [association]
partners:
  - name: {q(h.partner)}
    stakeholder: pme
    url: {q(HOSTILE_URL)}
themes: [{q(h.theme)}]
authors: [{q(h.author)}]
slug: {h.slug}
---
Un corps de texte ordinaire.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    config = (ROOT / "impact.yaml").read_text("utf-8")
    config = config.replace('title: "Monographies de pratiques partenariales"',
                            f"title: {q(SITE_TITLE)}")
    config = re.sub(r"description: >-\n(  .*\n)+", f"description: {q(SITE_DESCRIPTION)}\n",
                    config)
    (root / "impact.yaml").write_text(config, "utf-8")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "monographs").mkdir()
    for case in CASES:
        (root / "monographs" / f"{case.slug}.md").write_text(monograph_file(case), "utf-8")
    build(Options(config=root / "impact.yaml", source=root / "monographs",
                  output=root / "site", base_url=BASE, quiet=True, jobs=1))
    return root / "site"


def test_the_config_carries_the_hostile_site_title(site: Path) -> None:
    soup = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    assert soup.title is not None and soup.title.string is not None
    assert soup.title.string.endswith(" · " + SITE_TITLE)
    description = soup.find("meta", attrs={"name": "description"})
    assert isinstance(description, Tag) and description["content"] == SITE_DESCRIPTION


# --- HTML


def html_files(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def test_no_page_holds_an_injected_element_attribute_or_link(site: Path) -> None:
    pages = list(html_files(site))
    assert len(pages) > 40
    for path in pages:
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        where = path.relative_to(site).as_posix()
        for script in soup.find_all("script"):
            assert script.get("type") == "application/ld+json" or str(
                script.get("src", "")).startswith("/impact/static/"), (where, script)
        assert soup.find("injected") is None, where
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (where, tag)
                if name in ("href", "src", "action", "formaction"):
                    assert not str(value).lower().lstrip().startswith("javascript:"), (where, tag)
            assert not (tag.name == "img" and tag.get("src") == "x"), (where, tag)


def soup_of(site: Path, route: str) -> BeautifulSoup:
    return BeautifulSoup((site / route / "index.html").read_text("utf-8"), "html.parser")


def meta(soup: BeautifulSoup, key: str, value: str) -> list[str]:
    return [str(t["content"]) for t in soup.find_all("meta", attrs={key: value})]


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return found.get_text()


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_monograph_page_shows_every_value_as_text(site: Path, case: Hostile) -> None:
    soup = soup_of(site, f"monographies/{case.slug}")
    assert text_of(soup, "h1") == french_text(case.title)
    assert text_of(soup, ".lead") == french_text(case.summary)
    assert case.author in text_of(soup, ".byline")
    assert meta(soup, "property", "og:title") == [case.title]
    assert meta(soup, "property", "og:description") == [case.summary]
    assert meta(soup, "name", "description") == [case.summary]
    assert meta(soup, "property", "article:tag") == [case.theme]
    facts = [a.get_text() for a in soup.select(".facts a")]
    for value in (case.partner, case.theme, case.commune, case.country, case.region,
                  case.place):
        assert value in facts
    assert "49" not in soup.get_text()


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_term_and_territory_pages_show_every_name_as_text(site: Path, case: Hostile) -> None:
    for route, name in (
        (f"organisations/{slugify(case.partner)}", case.partner),
        (f"themes/{slugify(case.theme)}", case.theme),
        (f"territoires/france/occitanie/haute-garonne/{slugify(case.commune)}", case.commune),
        (f"territoires/{slugify(case.country)}", case.country),
        (f"territoires/{slugify(case.country)}/{slugify(case.region)}", case.region),
    ):
        soup = soup_of(site, route)
        assert name in text_of(soup, "h1"), route
        cards = [a.get_text() for a in soup.select(".card-title a")]
        assert cards == [french_text(case.title)], route
    organisation = soup_of(site, f"organisations/{slugify(case.partner)}")
    assert HOSTILE_URL in [a.get("href") for a in organisation.find_all("a")]


# --- JSON-LD


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_json_ld_parses_and_holds_the_values_as_written(site: Path, case: Hostile) -> None:
    raw = (site / "monographies" / case.slug / "index.html").read_text("utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    (script,) = soup.find_all("script", type="application/ld+json")
    # The element ends where the JSON does: a '</script>' in a value cannot close it.
    assert raw.count("</script>") == 1
    data = json.loads(script.string or "")
    assert data["headline"] == case.title
    assert data["description"] == case.summary
    assert data["author"] == [{"@type": "Person", "name": case.author}]
    assert data["keywords"] == [case.theme]
    (contributor,) = data["contributor"]
    assert contributor["name"] == case.partner and contributor["sameAs"] == HOSTILE_URL
    assert [p["address"].get("addressLocality") for p in data["spatialCoverage"]] == [
        case.commune, case.place]
    assert data["spatialCoverage"][1]["address"]["addressCountry"] == case.country
    assert data["isPartOf"]["name"] == SITE_TITLE


# --- feed and sitemap


def test_feed_parses_as_xml_and_holds_the_values_as_written(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == SITE_TITLE
    assert feed.findtext(f"{ATOM}subtitle") == SITE_DESCRIPTION
    entries = {e.findtext(f"{ATOM}id"): e for e in feed.findall(f"{ATOM}entry")}
    assert len(entries) == len(CASES)
    for case in CASES:
        entry = entries[f"{BASE}monographies/{case.slug}/"]
        assert entry.findtext(f"{ATOM}title") == case.title
        assert entry.findtext(f"{ATOM}summary") == case.summary
        assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == [
            case.author]
        # XML reads a tab inside an attribute as a space (attribute-value normalisation).
        assert [c.get("label") for c in entry.findall(f"{ATOM}category")] == [
            case.theme.replace("\t", " ")]
        assert entry.find(f"{ATOM}injected") is None


def test_sitemap_parses_and_every_location_is_under_base_url(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locations = [e.text or "" for e in root.iter(f"{SITEMAP}loc")]
    assert len(locations) > 40
    assert all(loc.startswith(BASE) and "<" not in loc and '"' not in loc for loc in locations)
    for case in CASES:
        assert f"{BASE}organisations/{slugify(case.partner)}/" in locations


# --- open data


def test_csv_parses_and_no_cell_starts_a_formula(site: Path) -> None:
    raw = (site / "data" / "monographs.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(CASES)
    by_slug = {row["slug"]: row for row in rows}
    for case in CASES:
        row = by_slug[case.slug]
        for cell in row.values():
            assert not cell.startswith(FORMULA_START), cell
        for column, value in (("title", case.title), ("summary", case.summary),
                              ("organisations", case.partner), ("themes", case.theme),
                              ("authors", case.author)):
            expected = "'" + value if value.startswith(FORMULA_START) else value
            assert row[column] == expected, column
        assert case.commune in row["territories"] and case.country in row["territories"]


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+33 1 23", "'+33 1 23"), ("-5", "'-5"), ("@A1", "'@A1"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (None, ""),
    (["=a", "b"], "'=a | b"), (["a", "=b"], "a | =b"),
])
def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(value: object, cell: str) -> None:
    assert _cell(value) == cell


def test_json_data_holds_the_values_as_written(site: Path) -> None:
    records = {r["slug"]: r for r in json.loads(
        (site / "data" / "monographs.json").read_text("utf-8"))["monographs"]}
    for case in CASES:
        record = records[case.slug]
        assert (record["title"], record["summary"], record["authors"], record["themes"]) == (
            case.title, case.summary, [case.author], [case.theme])
        assert record["organisations"][0]["name"] == case.partner
        assert [t["commune"] for t in record["territories"]] == [case.commune, case.place]
        assert all(urlsplit(t["url"]).geturl().startswith(BASE) for t in record["territories"])


def test_search_data_parses_and_holds_the_names_as_written(site: Path) -> None:
    catalogue = json.loads((site / "recherche" / "catalogue.json").read_text("utf-8"))
    labels = {str(v[-1]) for facet in catalogue["facets"] for v in facet["values"]}
    for case in CASES:
        assert {case.partner, case.theme, case.country, case.region, case.place} <= labels
        assert any(label.startswith(case.commune) for label in labels)
    shards = sorted((site / "recherche" / "index").glob("*.json"))
    assert [p.stem for p in shards] == catalogue["shards"]
    for shard in shards:
        tokens = json.loads(shard.read_text("utf-8"))
        assert all(token.isalnum() and token.isascii() for token in tokens), shard.name
