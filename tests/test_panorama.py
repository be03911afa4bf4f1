"""The panorama: the region map and table, the matrix whose counts land on the filtered
catalogue, and the charts — checked against the corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from impact_ssg.pipeline import Corpus

from .tools import serve_folder

if TYPE_CHECKING:
    from .browser_fixtures import BrowserPage


@pytest.fixture(scope="module")
def site(examples_site: Path) -> Path:
    return examples_site


@pytest.fixture(scope="module")
def soup(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "panorama/index.html").read_text("utf-8"), "html.parser")


def test_map_and_table_count_monographs_per_region(soup: BeautifulSoup, corpus: Corpus) -> None:
    expected: Counter[str] = Counter()
    for m in corpus.monographs:
        if not m.draft:
            for region in {t.region for t in m.territories if t.country == "France" and t.region}:
                expected[region] += 1
    rows = {str(tr.th.get_text(strip=True)): int(tr.td.get_text(strip=True))
            for tr in soup.select(".map-table tbody tr") if tr.th and tr.td}
    assert len(rows) == 18
    assert {name: n for name, n in rows.items() if n} == dict(expected)
    paths = soup.select("svg path.region")
    assert len(paths) == 18
    links = {str(a["href"]): str(a["aria-label"]) for a in soup.select("svg a")}
    bretagne = expected["Bretagne"]
    assert links["/territoires/france/bretagne/"] == f"Bretagne : {bretagne}\u00a0monographies"
    assert len(links) == len(expected)
    # The busiest region is drawn in the darkest shade of the legend.
    legend = [str(s["style"]) for s in soup.select(".legend .swatch")]
    busiest = max(expected, key=lambda r: expected[r])
    fill = next(a.path["fill"] for a in soup.select("svg a")  # type: ignore[index]
                if str(a["aria-label"]).startswith(busiest + " "))
    assert legend[-1].endswith(str(fill))
    assert "CC-BY-4.0" in soup.select_one(".source").get_text()  # type: ignore[union-attr]


def test_charts_count_per_network_and_year(soup: BeautifulSoup, corpus: Corpus) -> None:
    published = [m for m in corpus.monographs if not m.draft]
    titles = [str(t.get_text()) for t in soup.select("svg.bars > title")]
    networks = Counter(n for m in published for n in m.networks)
    years = Counter(m.date.year for m in published)
    assert titles[0] == "Par réseau : " + " ; ".join(
        f"{n}, {networks[n]}" for n in ("METI", "RNMA", "ANPP"))
    assert titles[1] == "Par année de publication : " + " ; ".join(
        f"{y}, {years[y]}" for y in range(min(years), max(years) + 1))


def test_matrix_links_land_on_the_right_filtered_view(
    page: BrowserPage, site: Path, soup: BeautifulSoup, corpus: Corpus
) -> None:
    cells = soup.select("table.matrix td a")
    assert len(cells) > 20
    with serve_folder(site) as base:
        for cell in cells:
            href = str(cell["href"])
            page.page.goto(base + href.lstrip("/"))
            page.page.wait_for_selector(".catalogue-live #liste:not([aria-busy])",
                                        state="attached")
            shown = page.page.eval_on_selector_all(
                "#liste > li:not([hidden]) a.row-title",
                "links => links.map(a => a.getAttribute('href'))")
            query = dict(part.split("=") for part in href.split("?")[1].split("&"))
            expected = {f"/monographies/{m.slug}/" for m in corpus.monographs if not m.draft
                        and query["acteurs"] in m.stakeholders
                        and query["alliances"] in m.alliance_types}
            assert set(shown) == expected, href
            assert int(cell.get_text()) == len(expected), href
    assert page.errors == []
