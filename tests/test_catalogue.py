"""The catalogue in Chromium: shared filter URLs, search, counts, reset, history, and
the plain list without JavaScript."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser

from impact_ssg.model import Monograph
from impact_ssg.pipeline import Corpus
from impact_ssg.slug import slugify

from .conftest import ROOT
from .tools import format_violations, run_axe, serve_folder

if TYPE_CHECKING:
    from .browser_fixtures import BrowserPage


@pytest.fixture(scope="module")
def served(examples_site: Path) -> Iterator[str]:
    with serve_folder(examples_site) as base:
        yield base


def published(corpus: Corpus) -> list[Monograph]:
    return [m for m in corpus.monographs if not m.draft]


def shown(page: BrowserPage) -> set[str]:
    """Slugs of the rows the catalogue shows, once the script has applied the URL."""
    page.page.wait_for_selector(".catalogue-live #liste:not([aria-busy])", state="attached")
    hrefs = page.page.eval_on_selector_all(
        "#liste > li:not([hidden]) a.row-title", "links => links.map(a => a.getAttribute('href'))")
    return {h.removeprefix("/monographies/").strip("/") for h in hrefs}


def where(corpus: Corpus, test: Callable[[Monograph], bool]) -> set[str]:
    return {m.slug for m in published(corpus) if test(m)}


def regions(m: Monograph) -> set[str]:
    return {t.region or "" for t in m.territories}


FILTERS: list[tuple[str, Callable[[Monograph], bool]]] = [
    ("reseaux=meti", lambda m: "METI" in m.networks),
    ("reseaux=meti,anpp", lambda m: bool({"METI", "ANPP"} & set(m.networks))),
    ("acteurs=association&alliances=mecenat",
     lambda m: "association" in m.stakeholders and "mecenat" in m.alliance_types),
    ("territoires=france/occitanie", lambda m: "Occitanie" in regions(m)),
    ("territoires=france/bretagne,maroc",
     lambda m: "Bretagne" in regions(m) or any(t.country == "Maroc" for t in m.territories)),
    ("territoires=france/la-reunion/la-reunion&reseaux=anpp",
     lambda m: any(t.department == "La Réunion" for t in m.territories) and "ANPP" in m.networks),
    ("organisations=fondation-terres-d-avenir",
     lambda m: any(p.name == "Fondation Terres d’Avenir" for p in m.partners)),
    ("themes=emploi&acteurs=eti",
     lambda m: "emploi" in [slugify(t) for t in m.themes] and "eti" in m.stakeholders),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[f[0] for f in FILTERS])
def test_shared_filter_urls_show_exactly_the_expected_monographs(
    page: BrowserPage, served: str, corpus: Corpus, query: str,
    expected: Callable[[Monograph], bool]
) -> None:
    page.page.goto(f"{served}monographies/?{query}")
    want = where(corpus, expected)
    assert want, "the example corpus should hold some"
    assert shown(page) == want
    assert page.page.inner_text("#resultats") == (
        f"{len(want)} monographie{'s' if len(want) > 1 else ''} sur {len(published(corpus))}.")
    assert page.errors == []


def plain(text: str) -> str:
    """Lower case, accents dropped, every other character a space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", letters)


def text_of(corpus: Corpus, m: Monograph) -> str:
    """A monograph's own words and facts, folded, read straight from the model."""
    config = corpus.config
    labels = [config.networks.get(i).label for i in m.networks]
    labels += [config.alliance_types.get(i).label for i in m.alliance_types]
    labels += [config.stakeholders.get(i).label for i in m.stakeholders]
    body = (ROOT / "monographs" / m.source).read_text("utf-8").split("\n---\n", 1)[1]
    return plain(" ".join([m.title, m.summary, body, *m.themes, *(p.name for p in m.partners),
                          *(level for t in m.territories for level in t.levels), *labels,
                          *m.networks, *m.alliance_types, *m.stakeholders, *m.authors]))


@pytest.mark.parametrize(("query", "words"), [
    ("mecenat", ["mecenat"]),
    ("MÉCÉNAT", ["mecenat"]),
    ("légumerie", ["legumerie"]),
    ("coop brest", ["coop", "brest"]),
    ("Réunion jardins", ["reunion", "jardins"]),
])
def test_search_is_accent_and_case_insensitive_all_words_as_prefixes(
    page: BrowserPage, served: str, corpus: Corpus, query: str, words: list[str]
) -> None:
    page.page.goto(f"{served}monographies/?q={quote(query)}")
    found = shown(page)
    assert found
    for slug in found:
        m = next(m for m in published(corpus) if m.slug == slug)
        tokens = set(text_of(corpus, m).split())
        assert all(any(t.startswith(w) for t in tokens) for w in words), (slug, words)
    # Every published monograph whose own words hold each query word is found.
    for m in published(corpus):
        title_words = set(plain(m.title).split())
        if all(any(t.startswith(w) for t in title_words) for w in words):
            assert m.slug in found, (m.slug, query)
    assert page.errors == []


def test_search_combines_with_filters_and_the_url_keeps_both(
    page: BrowserPage, served: str, corpus: Corpus
) -> None:
    page.page.goto(f"{served}monographies/?reseaux=rnma")
    rnma = shown(page)
    page.page.fill("#q", "associations numérique")
    page.page.wait_for_function("location.search.includes('q=')")
    found = shown(page)
    assert found and found < rnma
    assert "reseaux=rnma" in page.page.url and "q=associations+num" in page.page.url
    assert page.errors == []


def test_reset_and_no_result_state(page: BrowserPage, served: str, corpus: Corpus) -> None:
    page.page.goto(f"{served}monographies/?q=zzzzqqq&reseaux=meti")
    page.page.wait_for_selector("#aucun:not([hidden])")
    assert shown(page) == set()
    page.page.click("#aucun [data-reset]")
    page.page.wait_for_selector("#aucun", state="hidden")
    assert shown(page) == {m.slug for m in published(corpus)}
    assert page.page.url == f"{served}monographies/"
    assert page.page.input_value("#q") == ""
    assert page.errors == []


def test_checkboxes_counts_and_back_forward(page: BrowserPage, served: str, corpus: Corpus) -> None:
    page.page.goto(f"{served}monographies/")
    shown(page)
    meti = where(corpus, lambda m: "METI" in m.networks)
    label = page.page.locator("#facette-reseaux label", has_text="METI")
    assert label.locator(".count").inner_text() == str(len(meti))
    label.locator("input").check()
    page.page.wait_for_function("location.search === '?reseaux=meti'")
    assert shown(page) == meti
    # Counts of the other facets follow the selection.
    mecenat = where(corpus, lambda m: "METI" in m.networks and "mecenat" in m.alliance_types)
    assert page.page.locator("#facette-alliances label", has_text="Mécénat").locator(
        ".count").inner_text() == str(len(mecenat))
    page.page.go_back()
    page.page.wait_for_function("location.search === ''")
    assert shown(page) == {m.slug for m in published(corpus)}
    assert not page.page.is_checked("#facette-reseaux input[value=meti]")
    page.page.go_forward()
    page.page.wait_for_function("location.search === '?reseaux=meti'")
    assert shown(page) == meti
    assert page.page.is_checked("#facette-reseaux input[value=meti]")
    assert page.errors == []


def test_axe_on_the_filtered_catalogue(page: BrowserPage, served: str) -> None:
    page.page.goto(f"{served}monographies/?acteurs=association&territoires=france&q=emploi")
    shown(page)
    for button in page.page.locator(".facet-more:visible").all():
        button.click()  # axe sees every value, not only the first few
    violations = run_axe(page.page)
    assert violations == [], format_violations(violations)
    assert page.errors == []


def test_without_javascript_the_catalogue_is_the_full_linked_list(
    browser: Browser, served: str, corpus: Corpus
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{served}monographies/?reseaux=meti")
        hrefs = page.eval_on_selector_all("#liste a.row-title",
                                          "links => links.map(a => a.getAttribute('href'))")
        assert {h.removeprefix("/monographies/").strip("/") for h in hrefs} == {
            m.slug for m in published(corpus)}
        assert not page.is_visible("#recherche")
    finally:
        context.close()
