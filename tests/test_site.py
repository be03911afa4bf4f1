"""The built site, read back with a real HTML parser: every page of the URL table, every
facet cross-linked, every internal link resolving, feed, sitemap and open data right."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from impact_ssg.index import _shared
from impact_ssg.model import Monograph
from impact_ssg.opendata import _indented
from impact_ssg.pipeline import Corpus, Options, build
from impact_ssg.slug import slugify

from .conftest import ROOT, build_examples

BASE = "/impact/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped examples built under a sub-path, as a site published at /impact/."""
    return build_examples(tmp_path_factory, "built", base_url=BASE)


def published(corpus: Corpus) -> list[Monograph]:
    return [m for m in corpus.monographs if not m.draft]


def page(site: Path, route: str) -> BeautifulSoup:
    path = site / route / "index.html" if not route.endswith((".html", ".xml")) else site / route
    assert path.is_file(), f"missing page /{route}"
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def html_pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def target_file(site: Path, href: str) -> Path | None:
    """The file an internal link points at, or None for an external one."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    assert parts.path.startswith(BASE), f"link outside base_url: {href}"
    rel = unquote(parts.path[len(BASE):])
    path = site / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def listed_monographs(site: Path, route: str) -> set[str]:
    """Slugs of the monographs a (possibly paginated) list links, following rel=next."""
    slugs: set[str] = set()
    while True:
        soup = page(site, route)
        for a in soup.select("main .cards .card-title a"):
            slugs.add(str(a["href"]).removeprefix(BASE + "monographies/").strip("/"))
        following = soup.select_one('main a[rel="next"]')
        if following is None:
            return slugs
        route = str(following["href"]).removeprefix(BASE)


def test_every_page_of_the_url_table_exists(site: Path, corpus: Corpus) -> None:
    for route in ("", "monographies/", "reseaux/", "alliances/", "acteurs/",
                  "organisations/", "territoires/", "themes/", "404.html"):
        assert page(site, route).h1 is not None, route
    for m in published(corpus):
        assert page(site, f"monographies/{m.slug}/").h1.get_text(strip=True)  # type: ignore[union-attr]
    for route in ("reseaux/meti/", "reseaux/rnma/", "reseaux/anpp/", "alliances/mecenat/",
                  "acteurs/association/", "organisations/fondation-terres-d-avenir/",
                  "territoires/france/", "territoires/france/occitanie/",
                  "territoires/france/occitanie/haute-garonne/",
                  "territoires/france/occitanie/haute-garonne/toulouse/",
                  "territoires/france/la-reunion/la-reunion/saint-paul/",
                  "territoires/maroc/", "territoires/maroc/souss-massa/agadir/",
                  "themes/emploi/"):
        assert page(site, route).h1 is not None, route
    for name in ("feed.xml", "sitemap.xml", "robots.txt", "data/monographs.json",
                 "data/monographs.csv", "static/style.css"):
        assert (site / name).is_file(), name
    assert not (site / "monographies" / "epicerie-etudiante-rennes").exists()


def test_each_page_has_one_h1_and_french_language(site: Path) -> None:
    for path in html_pages(site):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        assert soup.html is not None and soup.html["lang"] == "fr", path
        assert len(soup.find_all("h1")) == 1, path
        levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (path, levels)


@pytest.mark.parametrize(("kind", "facet"), [
    ("reseaux", lambda m: [n.lower() for n in m.networks]),
    ("alliances", lambda m: list(m.alliance_types)),
    ("acteurs", lambda m: list(m.stakeholders)),
    ("organisations", lambda m: [slugify(p.name) for p in m.partners]),
    ("themes", lambda m: [slugify(t) for t in m.themes]),
])
def test_each_term_page_links_exactly_its_monographs(
    site: Path, corpus: Corpus, kind: str, facet: object
) -> None:
    expected: dict[str, set[str]] = {}
    for m in published(corpus):
        for value in facet(m):  # type: ignore[operator]
            expected.setdefault(value, set()).add(m.slug)
    index = page(site, f"{kind}/")
    linked_terms = {str(a["href"]).removeprefix(f"{BASE}{kind}/").strip("/")
                    for a in index.select("main .term-list a")}
    assert set(expected) <= linked_terms
    for value, slugs in expected.items():
        assert listed_monographs(site, f"{kind}/{value}/") == slugs, (kind, value)
        count = page(site, f"{kind}/{value}/").select_one(".count-line")
        assert count is not None and count.get_text().startswith(f"{len(slugs)}\u00a0monographie")


def test_territory_pages_roll_up_their_subtree(site: Path, corpus: Corpus) -> None:
    occitanie = {m.slug for m in published(corpus)
                 if any(t.region == "Occitanie" for t in m.territories)}
    france = {m.slug for m in published(corpus)
              if any(t.country == "France" for t in m.territories)}
    assert len(occitanie) >= 2
    assert listed_monographs(site, "territoires/france/occitanie/") == occitanie
    assert listed_monographs(site, "territoires/france/") == france
    crumbs = [li.get_text(strip=True) for li in
              page(site, "territoires/france/occitanie/haute-garonne/toulouse/")
              .select(".breadcrumbs li")]
    assert crumbs == ["Accueil", "Territoires", "France", "Occitanie", "Haute-Garonne",
                      "Toulouse"]


def test_every_monograph_page_links_all_its_facets(site: Path, corpus: Corpus) -> None:
    for m in published(corpus):
        soup = page(site, f"monographies/{m.slug}/")
        facts = soup.select_one("aside.facts")
        assert facts is not None
        hrefs = {a["href"] for a in facts.find_all("a")}
        wanted = {f"{BASE}reseaux/{n.lower()}/" for n in m.networks}
        wanted |= {f"{BASE}alliances/{a}/" for a in m.alliance_types}
        wanted |= {f"{BASE}acteurs/{s}/" for s in m.stakeholders}
        wanted |= {f"{BASE}organisations/{slugify(p.name)}/" for p in m.partners}
        wanted |= {f"{BASE}themes/{slugify(t)}/" for t in m.themes}
        for t in m.territories:
            wanted |= {f"{BASE}territoires/{'/'.join(t.slugs[:i])}/"
                       for i in range(1, len(t.slugs) + 1)}
        assert wanted <= hrefs, (m.slug, wanted - hrefs)
        assert soup.h1 is not None
        assert soup.h1.get_text().replace("\u202f", " ") == m.title  # French spacing aside
    # Each organisation with its category, labelled as the config writes it (acronyms
    # kept: "PME et TPE").
    facts_text = page(site, "monographies/pole-lauragais/").select_one("aside.facts")
    assert facts_text is not None
    assert "Menuiserie Dubreuil (PME et TPE)" in " ".join(facts_text.get_text().split())


def test_every_internal_link_and_image_resolves(site: Path) -> None:
    checked = 0
    for path in html_pages(site):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        ids = {tag["id"] for tag in soup.find_all(id=True)}
        for tag in soup.find_all(["a", "link", "img", "script"]):
            href = str(tag.get("href") or tag.get("src") or "")
            if not href:
                continue
            if href.startswith("#"):
                assert href[1:] in ids, (path, href)
                continue
            target = target_file(site, href)
            if target is not None:
                assert target.is_file(), (path.relative_to(site), href)
                checked += 1
    assert checked > 1000


def test_links_between_monographs_and_images_are_rewritten(site: Path) -> None:
    soup = page(site, "monographies/pole-lauragais/")
    body = soup.select_one(".prose")
    assert body is not None
    assert body.find("a", href=f"{BASE}monographies/mobilite-solidaire-toulouse/")
    image = body.find("img")
    assert image is not None and image["src"] == f"{BASE}fichiers/images/schema-pole-lauragais.png"
    assert str(image["alt"]).startswith("Schéma de l’alliance")
    assert (site / "fichiers/images/schema-pole-lauragais.png").read_bytes() == (
        ROOT / "monographs/images/schema-pole-lauragais.png").read_bytes()
    toc = [a["href"] for a in soup.select("nav.toc a")]
    assert toc[0] == "#le-contexte" and len(toc) >= 4


def test_links_between_monographs_survive_raw_html(
        site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # With raw HTML allowed, bodies go through the sanitiser: the links between
    # monographs must come out of it as they do without it.
    folder = tmp_path_factory.mktemp("raw-html")
    config = (ROOT / "impact.yaml").read_text("utf-8")
    assert "allow_html: false" in config
    (folder / "impact.yaml").write_text(config.replace("allow_html: false", "allow_html: true"),
                                        "utf-8")
    shutil.copytree(ROOT / "templates", folder / "templates")
    raw = folder / "site"
    build(Options(config=folder / "impact.yaml", source=ROOT / "monographs", output=raw,
                  base_url=BASE, quiet=True))

    def prose_links(root: Path) -> list[tuple[str, str]]:
        return [(str(path.relative_to(root)), str(a["href"]))
                for path in html_pages(root / "monographies")
                for a in BeautifulSoup(path.read_text("utf-8"), "html.parser").select(
                    ".prose a[href]")]

    links = prose_links(raw)
    assert links == prose_links(site)
    between = [href for _, href in links if href.startswith(f"{BASE}monographies/")]
    assert len(between) >= 5
    for _, href in links:
        target = target_file(raw, href)
        assert target is None or target.is_file(), href


def test_feed_and_sitemap_parse(site: Path, corpus: Corpus) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(published(corpus))
    newest = max(m.updated or m.date for m in published(corpus))
    assert feed.findtext(f"{atom}updated") == f"{newest.isoformat()}T00:00:00Z"
    first = entries[0].find(f"{atom}link")
    assert first is not None and first.get("href", "").startswith(BASE + "monographies/")
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{BASE}monographies/pole-lauragais/" in locs
    assert all(loc and loc.startswith(BASE) for loc in locs)
    assert len(locs) == len(list(html_pages(site))) - 1  # every page but 404.html


def test_open_data_holds_the_right_records(site: Path, corpus: Corpus) -> None:
    data = json.loads((site / "data/monographs.json").read_text("utf-8"))["monographs"]
    expected = sorted(published(corpus), key=lambda m: (-m.date.toordinal(), m.slug))
    assert [r["slug"] for r in data] == [m.slug for m in expected]
    record = next(r for r in data if r["slug"] == "pole-lauragais")
    assert record["url"] == f"{BASE}monographies/pole-lauragais/"
    assert record["networks"] == ["ANPP"] and record["date"] == "2024-03-14"
    assert record["territories"] == [{
        "country": "France", "region": "Occitanie", "department": "Haute-Garonne",
        "department_code": "31", "commune": "Villefranche-de-Lauragais",
        "url": f"{BASE}territoires/france/occitanie/haute-garonne/villefranche-de-lauragais/"}]
    assert {"name": "Menuiserie Dubreuil", "slug": "menuiserie-dubreuil",
            "stakeholder": "pme"} in record["organisations"]
    raw = (site / "data/monographs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["slug"] for r in rows] == [m.slug for m in expected]
    row = next(r for r in rows if r["slug"] == "pole-lauragais")
    assert row["title"] == record["title"] and "Menuiserie Dubreuil" in row["organisations"]
    # Written record by record, yet exactly the standard layout (one space a level) and
    # CSV dialect.
    written = (site / "data/monographs.json").read_bytes()
    assert written == (json.dumps(json.loads(written), ensure_ascii=False, indent=1)
                       + "\n").encode("utf-8")
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n").writerows(
        csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert raw == ("\ufeff" + again.getvalue()).encode("utf-8")


@pytest.mark.parametrize("value", [
    {}, [], None, 0, -1.5, True, "", {"a": []}, {"a": {}}, [[]], [{}], [[], {}],
    {"a": None, "b": 3, "c": False, "d": 2.25},
    {"é\u202f’": ["\"quoted\"", "back\\slash", "line\nbreak\ttab\x01", "\u2028"]},
    {"a": [{"b": [1, "x", {"c": [[], [None]]}]}], "z": "end"},
    [{"name": "A", "slug": "a"}, {"name": "B", "slug": "b"}],
])
def test_open_data_layout_is_the_standard_one(value: object) -> None:
    # ``to_json`` lays records out itself (the standard encoder with ``indent`` is pure
    # Python): nesting, empty containers, escapes and non-ASCII text as json.dumps does.
    for depth in range(3):
        pad = "\n" + " " * (depth + 1)
        written: list[str] = []
        _indented(value, pad, written)
        standard = json.dumps(value, ensure_ascii=False, indent=1)
        assert "".join(written) == standard.replace("\n", "\n" + " " * depth)


def test_monograph_pages_carry_json_ld_and_open_graph(site: Path, corpus: Corpus) -> None:
    m = next(m for m in published(corpus) if m.slug == "pole-lauragais")
    soup = page(site, "monographies/pole-lauragais/")
    script = soup.find("script", type="application/ld+json")
    assert script is not None
    data = json.loads(script.get_text())
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == m.title and data["datePublished"] == m.date.isoformat()
    assert data["dateModified"] == (m.updated or m.date).isoformat()
    assert [c["name"] for c in data["contributor"]] == [p.name for p in m.partners]
    assert data["spatialCoverage"][0]["address"] == {
        "@type": "PostalAddress", "addressCountry": "FR",
        "addressLocality": "Villefranche-de-Lauragais", "addressRegion": "Occitanie"}
    about = {a["name"] for a in data["about"]}
    assert {"Coopération économique", "Co-construction territoriale"} <= about
    assert [a["name"] for a in data["author"]] == list(m.authors)
    og = {str(t["property"]): str(t["content"]) for t in soup.find_all("meta", property=True)}
    assert og["og:type"] == "article" and og["og:title"] == m.title
    assert og["og:description"] == m.summary and og["og:locale"] == "fr_FR"
    assert og["article:published_time"] == m.date.isoformat()


@pytest.mark.parametrize("closest", ["commune", "department", "region"])
def test_related_monographs_count_a_shared_place_once_at_its_closest_level(
    closest: str
) -> None:
    """Two monographs in one commune share its department and region too: relatedness
    counts the commune alone (as its reasons say « même commune »), not all three."""
    levels = ["commune", "department", "region"]
    place = {"commune": {"france/occitanie/aude/castelnaudary"},
             "department": {"france/occitanie/aude"}, "region": {"france/occitanie"}}
    facets: dict[str, set[str]] = {f: set() for f in ("organisation", "theme", "alliance",
                                                     "network")}
    mine = {**facets, **place}
    theirs = {**facets, **{level: place[level] if levels.index(level) >= levels.index(closest)
                           else {f"ailleurs-{level}"} for level in levels}}
    shared = _shared(mine, theirs)
    assert {level for level in levels if shared[level]} == {closest}
