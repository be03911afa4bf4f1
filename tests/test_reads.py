"""Rebuilds after editing a monograph's front matter render only the pages that read what
changed (``reads``), and never keep a page they should have rendered: the site is the
one a clean build makes."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from impact_ssg import index, loading, reads, uptodate
from impact_ssg.index import build_site
from impact_ssg.options import Options
from impact_ssg.render import make_environment
from impact_ssg.typography import NNBSP
from impact_ssg.urls import output_file

from .conftest import ROOT
from .test_cache import delete, edit, project
from .test_reuse import LAURAGAIS, edit_a_body, rendered_routes, same_as_clean

__all__ = ["project"]  # the fixture, shared with the cache tests

SARGASSES = "monographs/outre-mer/guadeloupe-sargasses.md"
NEW_TITLE = ('title: "En Guadeloupe, transformer', 'title: "En Guadeloupe, valoriser')
AGADIR = "monographs/agadir-cooperatives-argan.md"
VERNHES_URL = ("https://www.example.org/laboratoires-vernhes", "https://www.example.org/vernhes")


def page(root: Path, route: str) -> str:
    return (root / "site" / output_file(route)).read_text("utf-8")


def traced(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A first build, which records no reads, then a front-matter edit, which renders
    every page and records what each read: the routes of every page."""
    everything = rendered_routes(root, monkeypatch)
    assert not list((root / ".impact-cache/outputs").glob("*.reads"))
    edit(root / LAURAGAIS, "authors: [Claire Fabre,", "authors: [Claire Fabre-Martin,")
    assert sorted(rendered_routes(root, monkeypatch)) == sorted(everything)
    assert list((root / ".impact-cache/outputs").glob("*.reads"))
    return everything


def test_a_title_edit_renders_only_the_pages_that_show_that_monograph(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = traced(project, monkeypatch)
    edit(project / SARGASSES, *NEW_TITLE)
    rendered = rendered_routes(project, monkeypatch)
    assert "monographies/guadeloupe-sargasses/" in rendered
    assert len(rendered) < len(everything) / 3
    for route in rendered:
        # Each links to it, but the panorama, made from the model in ways no key names.
        assert route == "panorama/" or "guadeloupe-sargasses" in page(project, route), route
    assert same_as_clean(project)
    for route in everything:  # what it read has not changed since: taken as it is
        assert "valoriser" not in page(project, route) or route in rendered


def test_the_first_build_for_serve_records_so_that_the_first_title_edit_renders_little(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` builds for an editor about to change things: its very first build
    records what each page reads, which a first build for publishing does not."""
    everything = rendered_routes(project, monkeypatch, "--drafts", authoring=True)
    assert list((project / ".impact-cache/outputs").glob("*.reads"))
    edit(project / SARGASSES, *NEW_TITLE)
    rendered = rendered_routes(project, monkeypatch, "--drafts", authoring=True)
    assert "monographies/guadeloupe-sargasses/" in rendered
    assert len(rendered) < len(everything) / 3
    assert same_as_clean(project, "--drafts")


def add(root: Path) -> None:
    """A new monograph, a copy of another under a title of its own."""
    creuse = (root / "monographs/sante-rurale-creuse.md").read_text("utf-8")
    (root / "monographs/sante-limousin.md").write_text(creuse.replace(
        'title: "En Creuse, une maison', 'title: "En Limousin, une maison'), "utf-8")


@pytest.mark.parametrize(("change", "slug"), [
    (add, "sante-limousin"),
    (delete, "guadeloupe-sargasses"),
    (lambda root: edit(root / "monographs/epicerie-etudiante-rennes.md", "draft: true",
                       "draft: false"), "epicerie-etudiante-rennes"),
], ids=["added", "deleted", "draft published"])
def test_a_monograph_added_or_gone_renders_only_the_pages_that_show_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None], slug: str
) -> None:
    """The bodies linking to others read where those pages are, not where every page is:
    the other monographs' pages are kept."""
    everything = traced(project, monkeypatch)
    before = {route: page(project, route) for route in everything}
    change(project)
    rendered = rendered_routes(project, monkeypatch)
    assert len(rendered) < len(everything) / 2
    for route in rendered:
        # Each showed it, shows it now or changed otherwise (a count), but the panorama,
        # made from the model in ways no key names.
        now = page(project, route) if route in everything else ""
        assert (route == "panorama/" or slug in before.get(route, "") or slug in now
                or now != before.get(route)), route
    assert same_as_clean(project)


def site_pages(root: Path, routes: list[str]) -> dict[str, str]:
    return {route: page(root, route) for route in routes}


def test_a_site_served_with_its_drafts_and_built_without_in_turn_renders_what_differs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of the last two inputs frames keeps its traces: going back to one renders
    only the pages that come out otherwise in it."""
    everything = traced(project, monkeypatch)
    without = site_pages(project, everything)
    shown = rendered_routes(project, monkeypatch, "--drafts")  # first time: every page
    assert set(shown) >= set(everything)
    drafted = site_pages(project, shown)
    for drafts, other, routes in ((False, drafted, everything), (True, without, shown)):
        rendered = rendered_routes(project, monkeypatch, *["--drafts"] * drafts)
        assert len(rendered) < len(routes) / 2
        for route in rendered:
            assert route == "panorama/" or page(project, route) != other.get(route), route
        assert same_as_clean(project, *["--drafts"] * drafts)
    assert len(list((project / ".impact-cache/outputs").glob("*.reads"))) == 2
    # A third frame: the traces of the oldest (without drafts) are forgotten, and back
    # in it, every page is rendered again.
    edit(project / "templates/base.html", "</footer>", "<!-- -->\n</footer>")
    assert sorted(rendered_routes(project, monkeypatch, "--drafts")) == sorted(shown)
    assert len(list((project / ".impact-cache/outputs").glob("*.reads"))) == 2
    edit(project / "templates/base.html", "<!-- -->\n</footer>", "</footer>")
    rendered_routes(project, monkeypatch, "--drafts")
    assert same_as_clean(project, "--drafts")
    assert sorted(rendered_routes(project, monkeypatch)) == sorted(everything)
    assert same_as_clean(project)


def test_pages_kept_by_a_text_edit_keep_what_they_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = traced(project, monkeypatch)
    edit_a_body(project, monkeypatch)
    edit(project / SARGASSES, *NEW_TITLE)
    assert len(rendered_routes(project, monkeypatch)) < len(everything) / 3
    assert same_as_clean(project)


def test_a_template_reading_every_monograph_renders_every_page_on_a_front_edit(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(project / "templates/base.html", "</footer>",
         "<p>{% for m in site.monographs %}{{ m.title }} {% endfor %}</p>\n</footer>")
    everything = traced(project, monkeypatch)
    edit(project / SARGASSES, *NEW_TITLE)
    rendered = set(rendered_routes(project, monkeypatch))
    # Every page the base template lays out, and the feed, which lists it.
    assert rendered == {route for route in everything
                        if route not in ("robots.txt", "sitemap.xml")}
    assert same_as_clean(project)


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(b"not a pickle"),
    lambda path: path.write_bytes(path.read_bytes()[:1000]),
    lambda path: path.unlink(),
], ids=["garbage", "cut short", "gone"])
def test_traces_that_cannot_be_read_make_every_page_rendered(
    project: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    everything = traced(project, monkeypatch)
    (traces,) = (project / ".impact-cache/outputs").glob("*.reads")
    damage(traces)  # type: ignore[operator]
    edit(project / SARGASSES, *NEW_TITLE)
    assert sorted(rendered_routes(project, monkeypatch)) == sorted(everything)
    assert same_as_clean(project)


def test_a_page_whose_bytes_are_not_the_traced_ones_is_rendered_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    traced(project, monkeypatch)
    site = project / "site"
    (site / output_file("themes/alimentation/")).write_text("changé", "utf-8")
    spare = project / ".impact-cache" / "spare"
    for twin in spare.rglob("themes/alimentation/index.html"):
        twin.unlink()
    edit(project / SARGASSES, *NEW_TITLE)
    assert "themes/alimentation/" in rendered_routes(project, monkeypatch)
    assert same_as_clean(project)


SLUG = "guadeloupe-sargasses"


@pytest.mark.parametrize(("template", "keys"), [
    ("{{ site.monographs|length }}", {"l\x1fmonographs"}),
    ("{{ site.monographs[0].title }}", {"q\x1fmonographs\x1f0", "m\x1f{first}"}),
    ("{{ site.monographs[:1]|length }}", {"q\x1fmonographs\x1fNone:1:None"}),
    ("{% for m in site.monographs %}{% endfor %}", {"s\x1fmonographs"}),
    ("{{ site.term_by_slug[('reseaux', 'meti')].label }}",
     {"i\x1fterm_by_slug\x1f(sreseaux\x1dsmeti", "t\x1freseaux\x1fmeti"}),
    ("{{ site.term_by_slug[('reseaux', 'meti')].monographs|length }}",
     {"i\x1fterm_by_slug\x1f(sreseaux\x1dsmeti", "T\x1freseaux\x1fmeti"}),
    ("{{ site.related['" + SLUG + "']|length }}", {"i\x1frelated\x1fs" + SLUG, "R\x1frelated"}),
    ("{{ site.terms_of(site.related['" + SLUG + "'][0].monograph, 'reseaux')|length }}",
     {"i\x1frelated\x1fs" + SLUG, "R\x1frelated", "m\x1f{related}",
      "t\x1freseaux\x1f{network}",
      "i\x1fterm_by_slug\x1f(sreseaux\x1ds{network}"}),
    ("{{ site.ancestors(site.node_by_slugs[('france', 'bretagne')])|length }}",
     {"i\x1fnode_by_slugs\x1f(sfrance\x1dsbretagne", "n\x1ffrance", "n\x1ffrance/bretagne",
      "N\x1ffrance/bretagne", "C\x1ffrance/bretagne",
      "i\x1fnode_by_slugs\x1f(sfrance"}),
    ("{{ site.body(site.related['" + SLUG + "'][0].monograph)|length }}",
     {"i\x1frelated\x1fs" + SLUG, "R\x1frelated", "b\x1f{related}",
      "i\x1fpage_urls\x1fs{linked}"}),
    ("{{ site.config.title }}", {"s\x1fconfig"}),
    ("{{ site.node_by_slugs[('france',)].children|length }}",
     {"i\x1fnode_by_slugs\x1f(sfrance", "C\x1ffrance"}),
])
def test_what_a_template_reads_is_named_by_keys(template: str, keys: set[str]) -> None:
    options = Options(config=ROOT / "impact.yaml", source=ROOT / "monographs",
                      output=ROOT / "site")
    corpus = loading.load(options, loading.load_settings(options))
    site = build_site(corpus.config, corpus.monographs, corpus.assets, corpus.bodies,
                      drafts=False)
    recorder = reads.Recorder()
    env = make_environment(ROOT / "templates", site, recorder=recorder)
    related = site.related[SLUG][0].monograph
    # The one monograph its body links to: where that page is, not where every page is.
    (linked,) = {ref.target for ref in related.rendered.references}
    names = {"first": site.monographs[0].slug, "related": related.slug,
             "network": site.terms_of(related, "reseaux")[0].slug, "linked": linked}
    with recorder.recording() as read:
        env.from_string(template).render()
    assert read == {key.format(**names) for key in keys}
    # Each key names something the model has, with a digest that is the same when the
    # model is made again.
    digests = reads.Digests(site, corpus.versions, {v: v for v in corpus.versions.values()},
                            {})
    again = build_site(corpus.config, corpus.monographs, corpus.assets, corpus.bodies,
                       drafts=False)
    fresh = reads.Digests(again, corpus.versions, {v: v for v in corpus.versions.values()},
                          {})
    for key in read:
        assert digests.of(key) == fresh.of(key) != reads.GONE, key


def test_traces_hold_under_the_inputs_they_were_made_with_and_gather_text_edits(
    tmp_path: Path
) -> None:
    store = reads.Store(tmp_path, uptodate.output_key(tmp_path / "site"))
    assert not store.exists("frame")
    pages = {"index.html": ("c", reads.pack(["m\x1fx", "b\x1fx"]), "d")}
    store.write(reads.Traces("frame", pages, {}, [zlib.compress(b"m\x1fx\t1\nb\x1fx\t1\n")],
                             frozenset({"index.html"})))
    assert store.exists("frame") and not store.exists("other frame")
    before = store.read("frame")
    assert before is not None
    assert (before.pages, before.then, before.edited, before.foreign) == (
        pages, {"m\x1fx": "1", "b\x1fx": "1"}, frozenset(), frozenset({"index.html"}))
    assert store.read("other frame") is None
    edited = {"a/index.html": ("e", reads.pack(["b\x1fx"]), "f")}
    store.add_edits(reads.Traces("frame", edited, {}, [zlib.compress(b"b\x1fx\t2\n")],
                                 frozenset({"index.html", "a/index.html"})))
    store.add_edits(reads.Traces("frame", {}, {}, [zlib.compress(b"b\x1fx\t3\n")],
                                 frozenset({"a/index.html"})))
    before = store.read("frame")
    assert before is not None
    assert before.pages == {**pages, **edited}
    assert before.foreign == {"a/index.html"}  # as the last text edit left the site
    # The page of the build that recorded is checked against what it read then, the
    # page a text edit rendered against what the edits gave.
    assert before.then == {"m\x1fx": "1", "b\x1fx": "1"}
    assert before.then_edited == {"m\x1fx": "1", "b\x1fx": "3"}
    assert before.edited == frozenset(edited)
    store.write(reads.Traces("frame", pages, {}, []))  # the text edits before it are gone
    before = store.read("frame")
    assert before is not None and before.edited == frozenset()
    assert len(list((tmp_path / "outputs").iterdir())) == 1
    # Those of the last two frames are kept, each with its text edits; traces named as
    # an earlier version named them are the first to go.
    (base,) = (tmp_path / "outputs").iterdir()
    base.with_name(base.name.split(".")[0] + ".0123456789abcdef.reads").write_bytes(b"")
    store.write(reads.Traces("other frame", pages, {}, []))
    assert len(list((tmp_path / "outputs").iterdir())) == 2
    store.add_edits(reads.Traces("other frame", edited, {}, []))
    assert store.read("frame") and store.read("other frame")
    store.write(reads.Traces("third frame", {}, {}, []))
    assert store.read("frame") is None and store.read("other frame") and store.read(
        "third frame")
    assert len(list((tmp_path / "outputs").iterdir())) == 3  # with the other's text edits
    store.clear("other frame")
    assert len(list((tmp_path / "outputs").iterdir())) == 1
    store.clear()
    assert not list((tmp_path / "outputs").iterdir())


def test_what_an_imported_template_reads_once_counts_for_every_page_importing_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Top-level code of an imported template runs once a process, in the first page.
    edit(project / "templates/_macros.html", "{% macro breadcrumbs(items, nodes=()) %}",
         '{% set organisations = site.terms["organisations"]|length %}\n'
         "{% macro breadcrumbs(items, nodes=()) %}")
    edit(project / "templates/_macros.html", ">Accueil</a>", ">Accueil ({{ organisations }})</a>")
    traced(project, monkeypatch)
    edit(project / LAURAGAIS, "themes: [alimentation",
         "  - name: Une organisation de plus\n    stakeholder: pme\nthemes: [alimentation")
    rendered_routes(project, monkeypatch)
    assert same_as_clean(project)


def test_a_card_counts_what_the_top_level_code_of_its_template_reads(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The card macro shows what its template's top-level code read; the not-found page
    # shows a card without importing that template: the card's own reads must hold it.
    edit(project / "templates/_macros.html", "{% macro breadcrumbs(items, nodes=()) %}",
         "{% set newest = site.monographs[0].title %}\n"
         "{% macro breadcrumbs(items, nodes=()) %}")
    edit(project / "templates/_macros.html", "{{ m.summary|fr }}</p>",
         "{{ m.summary|fr }} ({{ newest }})</p>")
    edit(project / "templates/404.html", "Page introuvable</h1>",
         "Page introuvable</h1>\n{{ cached_card(site.monographs[1], 3) }}")
    traced(project, monkeypatch)
    newest = (project / "site/404.html").read_text("utf-8")
    edit(project / "monographs/friche-culturelle-roubaix.md", 'title: "À Roubaix',
         'title: "Roubaix, la fabrique')
    rendered_routes(project, monkeypatch)
    assert "Roubaix, la fabrique" in (project / "site/404.html").read_text("utf-8") != newest
    assert same_as_clean(project)


def test_slugs_swapped_give_the_clean_search_index(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argan, garage = (project / "monographs/agadir-cooperatives-argan.md",
                     project / "monographs/mobilite-solidaire-toulouse.md")
    edit(argan, "date: 2026-01-20", "slug: aaa-un\ndate: 2026-01-20")
    edit(garage, "date: 2024-06-20", "slug: zzz-deux\ndate: 2024-06-20")
    traced(project, monkeypatch)
    edit(argan, "slug: aaa-un", "slug: zzz-deux")
    edit(garage, "slug: zzz-deux", "slug: aaa-un")
    rendered_routes(project, monkeypatch)
    assert same_as_clean(project)


def test_templates_see_the_same_site_whether_reads_are_recorded_or_not(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(project / "templates/home.html", "<h1>",
         "<p hidden>{{ site.search_ids|tojson }} {{ site.territories|length }} "
         "{{ (site.monographs + ())|length }} {{ site.monographs == site.monographs }}"
         "</p>\n<h1>")
    traced(project, monkeypatch)
    edit(project / SARGASSES, *NEW_TITLE)
    rendered_routes(project, monkeypatch)
    assert same_as_clean(project)


def test_a_template_reading_bodies_elsewhere_renders_every_page_showing_that_body(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cards now show how many sections a monograph has: a new heading in one body changes
    # every list that shows its card. Text edits are then checked page by page, by what
    # each read, as other changes are.
    edit(project / "templates/_macros.html", '<p class="card-summary">',
         '<p class="card-sections">{{ m.rendered.toc|length }} sections</p>\n'
         '  <p class="card-summary">')
    everything = traced(project, monkeypatch)
    edit(project / LAURAGAIS, "## L’alliance", "## Un manque\n\nTexte.\n\n## L’alliance")
    rendered = rendered_routes(project, monkeypatch)
    assert {"monographies/pole-lauragais/", "reseaux/anpp/", "territoires/france/occitanie/"
            } <= set(rendered)
    assert len(rendered) < len(everything) / 2
    assert same_as_clean(project)


def test_a_page_kept_after_reading_a_body_not_its_own_still_counts(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 404 page shows a monograph's body; a title edit keeps it as it was: the site
    still holds a page reading a body not its own, so a text edit of that monograph is
    checked page by page."""
    edit(project / "templates/404.html", "{% block main %}",
         "{% block main %}<p hidden>{{ site.body(site.monographs[-1])|length }}</p>")
    traced(project, monkeypatch)
    edit(project / SARGASSES, *NEW_TITLE)
    assert "404.html" not in rendered_routes(project, monkeypatch)
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un maillon de plus")
    assert "404.html" in rendered_routes(project, monkeypatch)
    assert same_as_clean(project)


def test_related_lists_are_found_again_only_when_what_they_come_from_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title edit leaves every related list as it was: only the pages rendered find
    theirs. A partner in common, and its removal, may change any: each is found and
    compared."""
    traced(project, monkeypatch)
    found: list[int] = []
    find = index.RelatedIndex._compute

    def finding(self: index.RelatedIndex, i: int) -> object:
        found.append(i)
        return find(self, i)

    monkeypatch.setattr(index.RelatedIndex, "_compute", finding)
    # A title, then a partner's web address: nothing related lists are found from.
    for path, change in [(SARGASSES, NEW_TITLE), (AGADIR, VERNHES_URL)]:
        found.clear()
        edit(project / path, *change)
        rendered = rendered_routes(project, monkeypatch)
        pages = [r for r in rendered if r.startswith("monographies/") and r != "monographies/"]
        assert len(found) <= len(pages) < 10
        assert same_as_clean(project)
    # A partner of the Agadir cooperatives, whose page did not show this monograph.
    shared = "  - name: Coopérative féminine Tifawin\n    stakeholder: pme\n"
    for change in [("themes: [alimentation", shared + "themes: [alimentation"),
                   (shared, "")]:
        found.clear()
        edit(project / LAURAGAIS, *change)
        rendered_routes(project, monkeypatch)
        assert len(set(found)) == 15
        shown = page(project, "monographies/agadir-cooperatives-argan/")
        assert (f"partenaire commun{NNBSP}: Coopérative" in shown) == (change[0] != shared)
        assert same_as_clean(project)


def test_cards_showing_related_lists_are_kept_when_the_lists_are(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card showing a related list is as it was when the list is: its digest is made
    of the list's, not of what every list is found from. A theme no other monograph has
    changes the latter and no list."""
    edit(project / "templates/_macros.html", '<p class="card-summary">',
         '<p>{{ site.related[m.slug]|length }} proches</p><p class="card-summary">')
    everything = traced(project, monkeypatch)
    edit(project / LAURAGAIS, "circuits courts, emploi", "circuits courts, emploi, lauze")
    assert len(rendered_routes(project, monkeypatch)) < len(everything) / 3
    assert same_as_clean(project)
