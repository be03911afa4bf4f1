"""The examples' site passes the standard checkers: the Nu HTML Checker on every page
and stylesheet, and axe-core in Chromium on every page type, with no console error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import build_examples
from .tools import format_violations, format_vnu_messages, run_axe, run_vnu, serve_folder

if TYPE_CHECKING:
    from .browser_fixtures import BrowserPage

# One page of each type, and the monographs with a table, an image, a footnote,
# two territories, a foreign territory and a draft.
PAGES = [
    "", "monographies/", "monographies/pole-lauragais/",
    "monographies/mecenat-competences-brest/", "monographies/filiere-bois-drome-ardeche/",
    "monographies/agadir-cooperatives-argan/", "monographies/epicerie-etudiante-rennes/",
    "reseaux/", "reseaux/anpp/", "alliances/", "alliances/mecenat/", "acteurs/",
    "acteurs/association/", "organisations/", "organisations/fondation-terres-d-avenir/",
    "themes/", "themes/emploi/", "territoires/", "territoires/france/",
    "territoires/france/occitanie/haute-garonne/toulouse/", "territoires/maroc/",
    "panorama/", "404.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_examples(tmp_path_factory, "conformance", drafts=True)


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serve_folder(site) as base:
        yield base


def test_nu_html_checker_finds_no_error(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 150
    messages = run_vnu([*pages, *sorted(site.rglob("*.css"))])
    assert messages == [], format_vnu_messages(messages)


@pytest.mark.parametrize("route", PAGES)
def test_axe_finds_no_violation(page: BrowserPage, served: str, route: str) -> None:
    response = page.page.goto(served + route)
    assert response is not None and response.ok
    violations = run_axe(page.page)
    assert violations == [], format_violations(violations)
    assert page.errors == []


def test_phone_width_has_no_horizontal_scroll(page: BrowserPage, served: str) -> None:
    page.page.set_viewport_size({"width": 360, "height": 740})
    for route in PAGES:
        page.page.goto(served + route)
        width = page.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (route, width)
    violations = run_axe(page.page)
    assert violations == [], format_violations(violations)


def test_skip_link_moves_focus_to_the_content(page: BrowserPage, served: str) -> None:
    page.page.goto(served + "monographies/pole-lauragais/")
    page.page.keyboard.press("Tab")
    focused = page.page.evaluate("document.activeElement.textContent")
    assert focused == "Aller au contenu"
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("document.activeElement.id") == "contenu"
