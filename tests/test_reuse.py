"""Rebuilds after editing only the text of monographs render only those monographs' pages
and keep every other page as the last build left it — and never keep a page they should
have rendered."""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import pickle
import shutil
import subprocess
import sys
import types
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest

from impact_ssg import cache, collector, crosscheck, loading, pipeline, search, snapshot
from impact_ssg.cache import BuildCache
from impact_ssg.index import Site, build_site
from impact_ssg.markdown import Outline, Reference
from impact_ssg.model import Monograph
from impact_ssg.pipeline import Options
from impact_ssg.plan import OutputPage
from impact_ssg.reads import Recorder
from impact_ssg.render import TemplateProblem, make_environment, render_page
from impact_ssg.urls import TemplateRoute

from .conftest import ROOT
from .test_cache import build, edit, project, tree

__all__ = ["project"]  # the fixture, shared with the cache tests

LAURAGAIS = "monographs/pole-lauragais.md"
SARGASSES = "monographs/outre-mer/guadeloupe-sargasses.md"


def rendered_routes(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str,
                    authoring: bool = False) -> list[str]:
    """Build in this process and list the pages rendered (not taken from the last site);
    ``authoring``: as ``serve`` builds."""
    routes: list[str] = []

    def counting(env: object, page: OutputPage) -> bytes:
        routes.append(page.route)
        return render_page(env, page)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "render_page", counting)
    pipeline.build(Options(config=root / "impact.yaml", source=root / "monographs",
                           output=root / "site", jobs=1, clean="--clean" in args,
                           drafts="--drafts" in args, authoring=authoring))
    return routes


def no_load(*args: object, **kwargs: object) -> object:
    """Stands for ``pipeline.load`` where a build must read the kept model instead."""
    raise AssertionError("every monograph read again")


def same_as_clean(root: Path, *args: str) -> bool:
    build(root, "--clean", "--output", "propre", *args)
    return tree(root / "site") == tree(root / "propre")


def edit_a_body(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Edit the text of a monograph and build: only its page is rendered."""
    edit(root / LAURAGAIS, "Il manquait un maillon", "Il manquait toujours un maillon")
    assert rendered_routes(root, monkeypatch) == ["monographies/pole-lauragais/"]


def test_a_body_edit_renders_only_that_monographs_page(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = rendered_routes(project, monkeypatch)
    edit_a_body(project, monkeypatch)
    assert "toujours un maillon" in (
        project / "site/monographies/pole-lauragais/index.html").read_text("utf-8")
    assert len(everything) > 100
    assert same_as_clean(project)


def test_a_body_edit_makes_only_the_search_data_its_words_touch(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered_routes(project, monkeypatch)
    catalogues: list[int] = []
    real_catalogue = search.catalogue

    def catalogue(*args: object) -> bytes:
        catalogues.append(1)
        return real_catalogue(*args)  # type: ignore[arg-type]

    real_index_files, cleaning = search.index_files, [False]

    def index_files(*args: object) -> object:
        assert cleaning[0], "the whole full-text index was made again"
        return real_index_files(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "catalogue", catalogue)
    monkeypatch.setattr(search, "index_files", index_files)
    shard = project / "site/recherche/index/zzy.json"
    listed = project / "site/recherche/catalogue.json"
    # A word of its own, in a shard of its own: the shard appears, and the catalogue,
    # which lists the shards, lists it too (the last one, with that list changed: never
    # made from every monograph again); then both go back as they were.
    for old, new, shard_made in [("Il manquait un maillon", "Il manquait un zzyzxq", True),
                                 ("Il manquait un zzyzxq", "Il manquait un maillon", False),
                                 # A new word in a shard that exists, before the others.
                                 ("Il manquait un maillon", "Il manquait un maillage",
                                  False)]:
        edit(project / LAURAGAIS, old, new)
        catalogues.clear()
        rendered_routes(project, monkeypatch)
        assert shard.exists() == shard_made
        assert ("zzy" in json.loads(listed.read_bytes())["shards"]) == shard_made
        assert catalogues == []
        # Clean, from the same paths: a build from others would have other cache entries
        # and remove these, which the next rebuild reads the words before an edit from.
        cleaning[0] = True
        pipeline.build(Options(config=project / "impact.yaml", source=project / "monographs",
                               output=project / "propre", jobs=1, clean=True))
        cleaning[0] = False
        assert tree(project / "site") == tree(project / "propre")


@pytest.mark.parametrize("shards", [[], ["aa"], ["aa", "sha", "zzy"]])
@pytest.mark.parametrize("spaced", [False, True])
def test_a_catalogue_with_its_shards_replaced_is_the_one_made_with_them(
    shards: list[str], spaced: bool
) -> None:
    """Only the list of shards changes, however the rest reads: a label may hold the
    key itself; a catalogue written otherwise than by ``catalogue`` is parsed."""
    def catalogue(keys: list[str]) -> bytes:
        data = {"facets": [{"param": "themes", "label": 'Th\u00e8me ,"shards":["x"]}',
                            "values": [["a", "A"]]}],
                "docs": [[[0]], [[]]], "stopwords": ["de", "la"], "shards": keys}
        return (json.dumps(data, ensure_ascii=False, indent=1).encode() if spaced
                else search._dump(data))

    routes = [f"recherche/index/{key}.json" for key in reversed(shards)]
    replaced = search.with_shards(catalogue(["old", "ones"]), routes)
    assert replaced == search._dump(json.loads(catalogue(shards)))


def test_a_catalogue_that_cannot_be_read_back_is_made_from_the_site(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered_routes(project, monkeypatch)
    catalogue = project / "site/recherche/catalogue.json"
    # Changed where a text edit would not change it: not to be taken as the last build's.
    catalogue.write_bytes(catalogue.read_bytes().replace(b'"label":"', b'"label":"X', 1))
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un zzyzxq")
    made: list[int] = []
    real_catalogue = search.catalogue

    def catalogue_made(*args: object) -> bytes:
        made.append(1)
        return real_catalogue(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "catalogue", catalogue_made)
    rendered_routes(project, monkeypatch)
    assert made == [1]
    assert "zzy" in json.loads(catalogue.read_bytes())["shards"]
    assert same_as_clean(project)


def test_text_edits_read_the_model_the_first_build_in_their_frame_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered_routes(project, monkeypatch)  # the first build keeps the model
    (first,) = (project / ".impact-cache/outputs").glob("*.model")
    monkeypatch.setattr(pipeline, "load", no_load)
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un maillon solide")
    assert rendered_routes(project, monkeypatch) == ["monographies/pole-lauragais/"]
    # A new heading: the page's table of contents changes with its body.
    edit(project / LAURAGAIS, "## ", "## Un titre de plus\n\nDu texte.\n\n## ")
    assert rendered_routes(project, monkeypatch) == ["monographies/pole-lauragais/"]
    assert "Un titre de plus</a>" in (
        project / "site/monographies/pole-lauragais/index.html").read_text("utf-8")
    # Front matter changed: a new frame, every monograph read, its model kept in turn.
    monkeypatch.undo()
    edit(project / LAURAGAIS, 'title: "Dans le Lauragais', 'title: "Dans tout le Lauragais')
    rendered_routes(project, monkeypatch)
    (second,) = (project / ".impact-cache/outputs").glob("*.model")
    assert second != first
    monkeypatch.setattr(pipeline, "load", no_load)
    # Another monograph's text, the first one's outline as it is now.
    edit(project / "monographs/outre-mer/guadeloupe-sargasses.md", "## ", "## Enfin\n\n## ")
    assert rendered_routes(project, monkeypatch) == ["monographies/guadeloupe-sargasses/"]
    monkeypatch.undo()
    assert same_as_clean(project)


def test_a_front_matter_edit_reads_only_the_edited_entry_and_checks_every_link(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A front-matter edit takes the monographs it did not change from the kept model,
    outlines included: the warnings of links into the edited monograph are a full
    build's, though the monographs holding them are not read."""
    build(project)
    toulouse = "monographs/mobilite-solidaire-toulouse.md"
    edit(project / toulouse, "\ntitle:", "\ndraft: true\ntitle:")
    asked: list[str] = []
    get = BuildCache.get

    def counted(cache: BuildCache, wanted: Mapping[str, str]) -> object:
        asked.extend(wanted.values())
        return get(cache, wanted)

    monkeypatch.setattr(BuildCache, "get", counted)
    code, warned = warnings_of(project)  # in another process: the count is for the next
    assert code == 0
    assert "pole-lauragais.md:" in warned and "link to the draft 'mobilite-solidaire" in warned
    edit(project / toulouse, "\ndraft: true\n", "\ndraft: false\n")
    monkeypatch.chdir(project)  # the paths spelt as the command line spelt them
    # The code as the builds in other processes fingerprinted it (their cache keys), not
    # as this process first did: its files may have changed since (while being edited).
    cache.code_fingerprint.cache_clear()
    assert pipeline.build(Options(config=Path("impact.yaml"), source=Path("monographs"),
                                  output=Path("site"))).warnings == ()
    assert asked == [toulouse] * 2  # to learn the frame changed, then to load it
    monkeypatch.undo()
    edit(project / toulouse, "\ndraft: false\n", "\ndraft: true\n")
    assert warnings_of(project) == (code, warned)
    assert same_as_clean(project)


def test_a_front_matter_edit_past_outlines_that_cannot_be_read(project: Path) -> None:
    """The kept model's outlines damaged (or written by another version): a front-matter
    edit reads every monograph from the cache instead, and checks every link."""
    build(project)
    (path,) = (project / ".impact-cache/outputs").glob("*.model")
    kept = pickle.loads(path.read_bytes())
    damaged = io.BytesIO()  # written as a model is, its outlines left out
    snapshot._Pickler(damaged).dump(
        dataclasses.replace(kept, outlines=b"damaged"))
    path.write_bytes(damaged.getvalue())
    toulouse = "monographs/mobilite-solidaire-toulouse.md"
    edit(project / toulouse, "\ntitle:", "\ndraft: true\ntitle:")
    code, warned = warnings_of(project)
    assert code == 0 and "pole-lauragais.md:" in warned and "link to the draft" in warned
    assert same_as_clean(project)


def test_a_build_past_the_kept_model_keeps_it_anew(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too many text edits since the model was kept: every monograph is read, and the
    model kept anew, so that the text edits after it read that one."""
    monkeypatch.setattr(loading, "MAX_CHANGED", 1)
    rendered_routes(project, monkeypatch)
    for path in (LAURAGAIS, "monographs/outre-mer/guadeloupe-sargasses.md"):
        edit(project / path, "## ", "## Enfin\n\n## ")
    rendered_routes(project, monkeypatch)
    monkeypatch.setattr(pipeline, "load", no_load)
    edit(project / LAURAGAIS, "## Enfin", "## Enfin, un titre")
    assert rendered_routes(project, monkeypatch) == ["monographies/pole-lauragais/"]
    monkeypatch.undo()
    assert same_as_clean(project)


def test_a_page_gone_from_both_sites_is_made_again_with_its_outline(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept model leaves the outlines out (a text edit renders only the edited
    monographs' pages): another monograph's page, gone from the site and from the spare,
    is rendered again all the same, with its table of contents."""
    rendered_routes(project, monkeypatch)
    for words in ("solide", "très solide"):  # the model kept, then read back
        edit(project / LAURAGAIS, "Il manquait un maillon", f"Il manquait un maillon {words}")
        rendered_routes(project, monkeypatch)
    page = "monographies/guadeloupe-sargasses/index.html"
    assert 'class="toc"' in (project / "site" / page).read_text("utf-8")
    for site in (project / "site", *(project / ".impact-cache/spare").iterdir()):
        (site / page).unlink()
    edit(project / LAURAGAIS, "maillon très solide", "maillon vraiment solide")

    monkeypatch.setattr(pipeline, "load", no_load)
    assert sorted(rendered_routes(project, monkeypatch)) == [
        "monographies/guadeloupe-sargasses/", "monographies/pole-lauragais/"]
    monkeypatch.undo()
    assert same_as_clean(project)


def test_a_model_kept_again_from_a_kept_model_keeps_every_outline(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once many monographs changed since the model was kept, a text edit keeps it anew,
    from the model it read: the outlines it left out are those of the model before."""
    monkeypatch.setattr(loading, "MAX_CHANGED", 4)  # kept anew past one change
    rendered_routes(project, monkeypatch)
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un maillon solide")
    rendered_routes(project, monkeypatch)  # keeps the model
    models = list((project / ".impact-cache/outputs").glob("*.model"))
    before = models[0].stat().st_mtime_ns
    edit(project / "monographs/outre-mer/guadeloupe-sargasses.md", "## ", "## Enfin\n\n## ")
    edit(project / "monographs/agadir-cooperatives-argan.md", "## ", "## Aussi\n\n## ")
    rendered_routes(project, monkeypatch)  # two changed since: kept anew
    assert models[0].stat().st_mtime_ns != before
    frame = models[0].name.split(".")[1]
    kept = snapshot.read(project / ".impact-cache", project / "site", frame)
    assert kept is not None
    snapshot.restore_outlines(kept)
    corpus = pipeline.load(Options(config=project / "impact.yaml",
                                   source=project / "monographs"))
    assert {m.source: m.rendered for m in kept.monographs} == {
        m.source: m.rendered for m in corpus.monographs}
    assert any(h.text == "Enfin" for m in kept.monographs for h in m.rendered.toc)


def warnings_of(root: Path, *args: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=root,
                            capture_output=True, text=True, check=False)
    return result.returncode, result.stderr


def test_warnings_and_errors_of_text_edits_are_those_of_a_full_build(project: Path) -> None:
    build(project)
    draft_link = "[l’épicerie](epicerie-etudiante-rennes.md)"
    edit(project / LAURAGAIS, "Il manquait un maillon", f"Il manquait {draft_link}")
    code, first = warnings_of(project)
    assert code == 0 and "link to the draft 'epicerie-etudiante-rennes.md'" in first
    # From the kept model: the warning of the monograph not edited stays.
    edit(project / "monographs/outre-mer/guadeloupe-sargasses.md", "## ",
         "## Enfin\n\nUn mot.\n\n## ")
    code, second = warnings_of(project)
    assert (code, second) == (0, first)
    # A link to no file is an error, reported with the others as by a full build.
    edit(project / LAURAGAIS, draft_link, "[rien](nulle-part.md)")
    code, errors = warnings_of(project)
    assert code == 1 and "pole-lauragais.md:" in errors and "nulle-part.md" in errors
    edit(project / LAURAGAIS, "[rien](nulle-part.md)", f"encore {draft_link}")
    code, third = warnings_of(project)
    assert (code, third) == (0, first)
    assert same_as_clean(project)


def test_a_damaged_kept_model_is_not_used(project: Path) -> None:
    build(project)
    for words in ("solide", "très solide"):
        edit(project / LAURAGAIS, "Il manquait un maillon", f"Il manquait un maillon {words}")
        build(project)
        edit(project / LAURAGAIS, f"Il manquait un maillon {words}", "Il manquait un maillon")
    (model,) = (project / ".impact-cache/outputs").glob("*.model")
    model.write_bytes(model.read_bytes()[:1000])
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un maillon encore")
    build(project)
    assert same_as_clean(project)


def test_clean_renders_every_page(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = rendered_routes(project, monkeypatch)
    assert sorted(rendered_routes(project, monkeypatch, "--clean")) == sorted(everything)


@pytest.fixture(scope="module")
def examples() -> Site:
    options = Options(config=ROOT / "impact.yaml", source=ROOT / "monographs",
                      output=ROOT / "site")
    corpus = loading.load(options, loading.load_settings(options))
    return build_site(corpus.config, corpus.monographs, corpus.assets, corpus.bodies,
                      drafts=False)


CARD_SECTIONS = ('<p class="card-summary">',
                 '<p>{{ m.rendered.toc|length }}</p><p class="card-summary">')


@pytest.mark.parametrize(("name", "text", "foreign"), [
    ("monograph.html", "{{ site.body(monograph)|safe }} {{ monograph.rendered.toc }}", False),
    ("monograph.html", "{% set body = monograph.rendered %}{{ body.toc }}", False),
    ("monograph.html", "{{ monograph['rendered'].toc }} {{ monograph|attr('rendered') }}",
     False),
    ("monograph.html", "{{ site.bodies[monograph.source]|length }}", False),
    ("monograph.html", "{% set title = monograph.title %}{{ monograph.rendered.toc }}", False),
    ("monograph.html", "{{ site.bodies|length }} {{ monograph.source in site.bodies }}", False),
    ("term.html", "{% for m in monographs %}{{ m.title }}{% endfor %}", False),
    ("term.html", "{% for m in monographs %}{{ site.body(m)|safe }}{% endfor %}", True),
    ("term.html", "{% set show = site.body %}{{ show(monographs[0]) }}", True),
    ("term.html", "{{ site.bodies[monographs[0].source]|length }}", True),
    ("term.html", "{{ site.bodies.values()|list|length }}", True),
    ("term.html", "{{ site.bodies == {} }}", True),
    ("term.html", "{{ monographs[0].source in site.bodies }} {{ site.bodies|length }}", False),
    # Printed whole, a monograph shows its facts, never its outline.
    ("term.html", "{{ monographs }} {{ related|pprint }} {{ m|string }}", False),
    ("term.html", "{{ monographs|map(attribute='rendered')|list|length }}", True),
    ("term.html", "{{ (monographs[0]|attr('rendered')).toc }}", True),
    ("home.html", "{{ m['rendered'] }}", True),
    ("monograph.html", "{{ site.body(related[0].monograph)|safe }}", True),
    ("monograph.html", "{% for monograph in site.monographs %}{{ monograph.rendered }}"
                       "{% endfor %}", True),
    ("monograph.html", "{% set monograph = site.monographs[0] %}{{ site.body(monograph) }}",
     True),
    ("monograph.html", "{% set first, monograph = site.monographs[:2] %}"
                       "{{ monograph.rendered.toc }}", True),
    # A card is made once and shown on every page listing it; a template's top-level
    # code runs once, for the first page importing it: neither is any page's own.
    ("monograph.html", "{{ cached_card(monograph, 2) }}", True),
    ("monograph.html", "{% import '_first.html' as first %}{{ first.n }}", True),
])
def test_a_page_reading_a_body_not_its_own_is_seen(
    tmp_path: Path, examples: Site, name: str, text: str, foreign: bool
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    edit(templates / "_macros.html", *CARD_SECTIONS)
    (templates / "_first.html").write_text(
        "{% set n = site.body(site.monographs[2])|length %}", "utf-8")
    (templates / name).write_text(text, "utf-8")
    env = make_environment(templates, examples)
    own = examples.monographs[2]
    context = {"monograph": own, "m": own, "monographs": examples.monographs[:3],
               "related": examples.related[own.slug]}
    # Twice: a card or an imported template is made for the first page showing it, then
    # kept for the others, which read what it read all the same.
    for route in ("x/", "y/"):
        render_page(env, OutputPage(route, name, context))
        assert env.recorder.foreign is foreign
    # And so whatever is recorded.
    recorder = Recorder()
    env = make_environment(templates, examples, recorder=recorder)
    with recorder.recording():
        render_page(env, OutputPage("x/", name, context))
    assert recorder.foreign is foreign


@pytest.mark.parametrize("text", ["{{ site._site.body(m) }}", "{{ site['_site'] }}",
                                  "{{ site._made }}"])
def test_what_the_site_hides_is_not_for_templates(
    tmp_path: Path, examples: Site, text: str
) -> None:
    (tmp_path / "page.html").write_text(text, "utf-8")
    env = make_environment(tmp_path, examples)
    with pytest.raises(TemplateProblem, match=r"page\.html:1: site\._[a-z]+: names "
                       r"beginning with _ are not for templates"):
        render_page(env, OutputPage("x/", "page.html", {"m": examples.monographs[0]}))


def test_a_printed_monograph_shows_no_outline(project: Path) -> None:
    edit(project / "templates/monograph.html", '<div class="prose" id="corps">',
         "<!-- {{ site.related[monograph.slug] }} {{ monograph }} -->\n"
         '<div class="prose" id="corps">')
    build(project)
    edit(project / "monographs/sante-rurale-creuse.md", "## Le contexte", "## Le contexte local")
    build(project)
    assert same_as_clean(project)


def test_an_edited_page_that_now_reads_other_outlines_reads_them_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text edit renders the edited monograph's page from the model kept for text
    edits, which keeps no other monograph's outline until a page asks for one; this page
    asks only once its own outline has lost its headings."""
    edit(project / "templates/monograph.html", '<div class="prose" id="corps">',
         "{% if monograph.rendered.toc|length < 2 %}<p>{% for r in site.related["
         "monograph.slug] %}{{ r.monograph.rendered.toc|map(attribute='text')|join(', ') }};"
         "{% endfor %}</p>{% endif %}\n"
         '<div class="prose" id="corps">')
    rendered_routes(project, monkeypatch)
    for heading in ("## Le contexte", "## L’alliance", "## Ce qui a changé",
                    "## Les enseignements", "## Pour aller plus loin"):
        edit(project / LAURAGAIS, heading, "**" + heading[3:] + "**")
    assert rendered_routes(project, monkeypatch) == ["monographies/pole-lauragais/"]
    assert "Le contexte, " in (
        project / "site/monographies/pole-lauragais/index.html").read_text("utf-8")
    assert same_as_clean(project)
    # It reads other bodies now: text edits are checked page by page.
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un maillon de plus")
    assert len(rendered_routes(project, monkeypatch)) > 1
    assert same_as_clean(project)


def test_a_site_no_longer_reading_other_bodies_has_its_text_edits_quick_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(project / "templates/home.html", "<h1>",
         "{% if site.monographs|length < 16 %}{{ site.body(site.monographs[-1])|length }}"
         "{% endif %}\n<h1>")
    everything = rendered_routes(project, monkeypatch)
    edit(project / SARGASSES, 'title: "En Guadeloupe, transformer',
         'title: "En Guadeloupe, valoriser')
    rendered_routes(project, monkeypatch)
    # Sixteen monographs: the home page is rendered again, and reads no body now.
    edit(project / "monographs/epicerie-etudiante-rennes.md", "draft: true", "draft: false")
    assert "" in rendered_routes(project, monkeypatch)
    edit_a_body(project, monkeypatch)
    assert len(everything) > 100
    assert same_as_clean(project)


@pytest.mark.parametrize("reading", [
    "{% set show = site.body %}{{ show(monographs[0])|length }}",
    "{{ site.bodies[monographs[0].source]|length }}",
])
def test_a_list_showing_bodies_is_rendered_again_when_one_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch, reading: str
) -> None:
    """The first build sees the list read a body and says so: the text edit after it
    renders every page. Once the templates read no other body, text edits render only
    the edited monograph's page again."""
    term = project / "templates/term.html"
    plain = term.read_text("utf-8")
    edit(term, "{% block main %}", "{% block main %}<p hidden>" + reading + "</p>")
    everything = rendered_routes(project, monkeypatch)
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait un maillon de plus")
    assert sorted(rendered_routes(project, monkeypatch)) == sorted(everything)
    assert same_as_clean(project)
    term.write_text(plain, "utf-8")
    rendered_routes(project, monkeypatch)
    edit_a_body(project, monkeypatch)
    assert same_as_clean(project)


def test_the_model_is_left_alone_by_the_collector_while_pages_are_written(
    project: Path
) -> None:
    """Full collections would walk the model again and again while pages are written (a
    third of a rebuild at 10,000 monographs): it is frozen then, in a full build and in
    text edits from the kept model; and nothing is left frozen after a build, and the
    next build frees the last one's model rather than freeze it again, so that a
    long-lived process (``serve``) does not hold one model per build."""
    tracked: list[int] = []
    alive: list[int] = []  # after each build: its own model at most, not those before

    def progress(stage: str) -> None:
        if stage.startswith("writing"):
            tracked.append(sum(isinstance(o, Monograph) for o in gc.get_objects()))

    def run() -> None:
        pipeline.build(Options(config=project / "impact.yaml",
                               source=project / "monographs", output=project / "site",
                               jobs=1), progress)
        assert gc.get_freeze_count() == 0
        alive.append(sum(isinstance(o, Monograph) for o in gc.get_objects()))

    run()
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait encore un maillon")
    run()  # the first text edit: the model read from the cache, then kept
    edit(project / LAURAGAIS, "encore un maillon", "toujours un maillon")
    run()  # from the kept model
    assert tracked == [0, 0, 0]
    assert alive[2] <= alive[0], alive


def test_a_collection_made_while_waiting_is_not_made_again_as_the_next_build_starts(
) -> None:
    """``serve`` frees a build's model while it waits for the next save: the next build
    then starts at once, rather than walk again the model kept for it (a full collection,
    some 0.1 s at 10,000 monographs)."""
    full: list[str] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            full.append(phase)

    enabled = gc.isenabled()
    gc.disable()  # the only collections: those asked for
    collector.collect()  # whatever builds came before
    gc.callbacks.append(counted)
    try:
        with collector.frozen():
            assert full == []
        with collector.frozen():  # the last scope's model freed first
            assert full == ["start", "stop"]
        collector.collect()
        assert full == ["start", "stop"] * 2
        with collector.frozen():
            assert full == ["start", "stop"] * 2
    finally:
        gc.callbacks.remove(counted)
        if enabled:
            gc.enable()


def build_counting(options: Options, monkeypatch: pytest.MonkeyPatch
                   ) -> tuple[list[str], pipeline.BuildReport]:
    """Build in this process: the routes of the pages rendered, and the report."""
    routes: list[str] = []

    def counting(env: object, page: OutputPage) -> bytes:
        routes.append(page.route)
        return render_page(env, page)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "render_page", counting)
        report = pipeline.build(options)
    return routes, report


def test_links_to_headings_are_checked_again_by_text_edits(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text edits check only the edited monographs' links, against outlines most of which
    # they do not read: a link to a heading, from or to an edited body, is checked all
    # the same, and the warnings are those of a clean build.
    toulouse = "monographs/mobilite-solidaire-toulouse.md"
    options = Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", jobs=1)

    def warned() -> tuple[list[str], list[str]]:
        routes, report = build_counting(options, monkeypatch)
        clean = loading.load(options).warnings
        assert report.warnings == clean
        return routes, [w.message for w in clean]

    edit(project / LAURAGAIS, "(mobilite-solidaire-toulouse.md)",
         "(mobilite-solidaire-toulouse.md#le-contexte)")
    assert warned()[1] == []
    edit(project / toulouse, "## Le contexte", "## Le cadre")
    routes, messages = warned()
    assert routes == ["monographies/mobilite-solidaire-toulouse/"]  # a text edit
    assert len(messages) == 1 and messages[0].startswith(
        "link 'mobilite-solidaire-toulouse.md#le-contexte': ")
    assert messages[0].endswith(f"{toulouse} has no heading or id '#le-contexte'; the link leads "
                                "to the top of its page")
    edit(project / LAURAGAIS, "#le-contexte)", "#le-cadre)")
    assert warned() == (["monographies/pole-lauragais/"], [])
    edit(project / LAURAGAIS, "#le-cadre)", "#nulle-part)")
    routes, messages = warned()
    assert routes == ["monographies/pole-lauragais/"] and len(messages) == 1
    assert "has no heading or id '#nulle-part'" in messages[0]


def warned_alike(options: Options, monkeypatch: pytest.MonkeyPatch
                 ) -> tuple[list[str], list[str]]:
    """The pages a build renders, and its warnings (``name:line: message``), which a
    clean build into another folder gives too."""
    routes, report = build_counting(options, monkeypatch)
    clean = pipeline.build(dataclasses.replace(options, output=options.output.parent / "autre",
                                               clean=True))
    assert report.warnings == clean.warnings
    return routes, [f"{Path(w.path).name}:{w.line}: {w.message}" for w in report.warnings]


def test_a_raw_html_link_to_a_source_file_is_warned_about_by_every_build(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Left as written, it leads from the page's address, where the file is not.
    edit(project / "impact.yaml", "allow_html: false", "allow_html: true")
    lauragais = project / LAURAGAIS
    lauragais.write_text(lauragais.read_text("utf-8") + '\n<p>Voir <a href="mobilite-solidaire-'
                         'toulouse.md">Toulouse</a>,\n<img src="images/schema-pole-lauragais.png"'
                         ' alt="s">, <a href="images/nulle-part.png">x</a>.</p>\n', "utf-8")
    line = lauragais.read_text("utf-8").count("\n")  # the image's
    options = Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", jobs=1)

    def warned() -> tuple[list[str], list[str]]:
        return warned_alike(options, monkeypatch)

    expected = [
        f"pole-lauragais.md:{line - 1}: link 'mobilite-solidaire-toulouse.md' in raw HTML is "
        "left as written, which does not lead to that monograph's page; write it in Markdown: "
        "[texte](mobilite-solidaire-toulouse.md)",
        f"pole-lauragais.md:{line}: image 'images/schema-pole-lauragais.png' in raw HTML is "
        "left as written, which does not lead to that file as published; write it in "
        "Markdown: ![texte](images/schema-pole-lauragais.png)"]
    assert warned()[1] == expected
    edit(project / SARGASSES, "Le ramassage est organisé", "Le ramassage est bien organisé")
    assert warned() == (["monographies/guadeloupe-sargasses/"], expected)
    edit(project / LAURAGAIS, "<p>Voir", "<p>Voyez")
    assert warned() == (["monographies/pole-lauragais/"], expected)


@pytest.mark.parametrize("allow_html", [False, True])
def test_a_link_to_any_id_a_body_holds_finds_it(project: Path, allow_html: bool) -> None:
    # Footnotes' ids, and with raw HTML allowed those written in it, are targets too; a
    # footnote the body does not have is not.
    toulouse = project / "monographs" / "mobilite-solidaire-toulouse.md"
    toulouse.write_text(toulouse.read_text("utf-8") + '\nUne note[^n]. <span id="ici">x</span>'
                        "\n\n[^n]: Le texte de la note.\n", "utf-8")
    edit(project / "impact.yaml", "allow_html: false", f"allow_html: {str(allow_html).lower()}")
    edit(project / LAURAGAIS, "(mobilite-solidaire-toulouse.md)",
         "(mobilite-solidaire-toulouse.md#fn1), [a](mobilite-solidaire-toulouse.md#fnref1), "
         "[b](mobilite-solidaire-toulouse.md#fn2), [c](mobilite-solidaire-toulouse.md#ici)")
    options = Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", jobs=1)
    missing = [message.split("'")[3] for message in
               (w.message for w in loading.load(options).warnings) if "has no heading" in message]
    assert missing == (["#fn2"] if allow_html else ["#fn2", "#ici"])


def test_links_from_the_site_root_are_checked_by_every_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Against the files of the site: a text edit checks the monographs it reads against
    # the last build's, and its warnings are those of a clean build.
    edit(project / "impact.yaml", "base_url: /", "base_url: https://example.org/impact/")
    options = Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", jobs=1)

    def warned() -> tuple[list[str], list[str]]:
        return warned_alike(options, monkeypatch)

    edit(project / LAURAGAIS, "(mobilite-solidaire-toulouse.md)",
         "(/reseaux/anp/), [le panorama](/impact/panorama/), [le style](/static/style.css), "
         "[l'accueil](/), ![la carte](/impact/territoires/france/occitanie)")
    messages = warned()[1]
    assert messages == ["pole-lauragais.md:62: link '/reseaux/anp/': the site has no page or "
                        "file there (did you mean '/reseaux/anpp/'?)"]
    edit(project / SARGASSES, "Le ramassage est organisé", "Le ramassage est bien organisé")
    assert warned() == (["monographies/guadeloupe-sargasses/"], messages)
    edit(project / LAURAGAIS, "(/reseaux/anp/)", "(/impact/reseaux/anpp/)")
    assert warned() == (["monographies/pole-lauragais/"], [])
    edit(project / LAURAGAIS, "(/impact/reseaux/anpp/)", "(/monographies/pole/#x)")
    assert warned()[1] == ["pole-lauragais.md:62: link '/monographies/pole/#x': the site has "
                           "no page or file there (did you mean '/monographies/pole-lauragais/'?)"]
    # A draft's page: there once published (or built with --drafts), told as a draft's.
    edit(project / LAURAGAIS, "(/monographies/pole/#x)",
         "(/impact/monographies/epicerie-etudiante-rennes/)")
    draft = options.source / "epicerie-etudiante-rennes.md"
    assert warned() == (["monographies/pole-lauragais/"], [
        "pole-lauragais.md:62: link '/impact/monographies/epicerie-etudiante-rennes/' leads to "
        f"the draft {draft.as_posix()}, which has no page until it is published (the link is "
        "broken until then)"])
    options = dataclasses.replace(options, drafts=True)
    assert warned()[1] == []


@pytest.mark.parametrize(("written", "base_path", "said"), [
    ("/reseau/anpp/", "/", " (did you mean '/reseaux/anpp/'?)"),
    ("/reseaux/anp/", "/", " (did you mean '/reseaux/anpp/'?)"),
    ("/impact/reseaux/anp/", "/impact/", " (did you mean '/impact/reseaux/anpp/'?)"),
    ("/static/styles.css", "/", " (did you mean '/static/style.css'?)"),
    ("/monographies/pole/", "/", " (did you mean '/monographies/pole-lauragais/'?)"),
    # Read under a base path that names a section of the site.
    ("/monographies/pole-lauragais/", "/monographies/", " (it is read under base_url's "
     "path /monographies/: write '/monographies/monographies/pole-lauragais/')"),
    ("/CNAME", "/", "; write a full https:// address for a page impact-ssg does not make"),
    ("/reseaux/anpp/", "/", None),
    ("/reseaux/./anpp/", "/", None),
    ("/reseaux//anpp/", "/", None),
    ("/monographies", "/", None),
    ("/impact/static/style.css", "/impact/", None),
])
def test_a_link_from_the_site_root_is_looked_up_among_its_files(
        written: str, base_path: str, said: str | None) -> None:
    files = ["index.html", "reseaux/index.html", "reseaux/anpp/index.html",
             "reseaux/meti/index.html", "monographies/index.html",
             "monographies/pole-lauragais/index.html", "static/style.css"]
    target = written.removeprefix(base_path.rstrip("/") if base_path != "/" else "")[1:]
    link = Reference(target, written, 3, False)
    monograph = types.SimpleNamespace(path="m.md", rendered=Outline(site_links=(link,)),
                                      slug="m", draft=False)
    warned = crosscheck.site_links([monograph], set(files), base_path)  # type: ignore[list-item]
    assert [w.message for w in warned] == ([] if said is None else [
        f"link '{written}': the site has no page or file there{said}"])


@pytest.mark.parametrize(("route", "said"), [
    ("static/styles.css", "the site has no page or file there (did you mean "
     "url('static/style.css')?)"),
    ("reseaux/anp/", "the site has no page or file there (did you mean url('reseaux/anpp/')?)"),
    ("CNAME", "the site has no page or file there; write a full https:// address for a page "
     "impact-ssg does not make"),
    ("/feed.xml", "a route takes no leading '/' (url() puts base_url before it, and with "
     "base_url '/' the link would lead to another host); write url('feed.xml')"),
    ("https://meti.fr/", "an address of its own needs no url(), which would make it a route "
     "of the site; write it as it is"),
    ("mailto:contact@meti.fr", "an address of its own needs no url(), which would make it a "
     "route of the site; write it as it is"),
    ("//meti.fr/", "an address of its own needs no url(), which would make it a route of the "
     "site; write it as it is"),
    ("#contenu", "a link within the page needs no url(), which percent-encodes '#' and '?'; "
     "write '#contenu' as it is"),
    ("recherche/?q=bois", "url() percent-encodes '#' and '?'; write url('recherche/') ~ "
     "'?q=bois'"),
    ("static", "the site has a folder there, with no page of its own (as the base of other "
     "routes, write url('static/'))"),
    ("monographies/brouillon/", "the page of the draft monographs/brouillon.md, which has "
     "none until it is published (the link is broken until then)"),
    ("monographies/brouillon/index.html", "the page of the draft monographs/brouillon.md, "
     "which has none until it is published (the link is broken until then)"),
    ("static/", None),  # a base for the routes of its files
    ("reseaux/anpp/", None),
    ("reseaux/anpp/index.html", None),
    ("feed.xml", None),
    ("monographies/pole-lauragais/", None),
])
def test_a_route_written_out_in_a_template_is_looked_up_among_the_site_files(
        route: str, said: str | None) -> None:
    files = ["index.html", "reseaux/index.html", "reseaux/anpp/index.html", "feed.xml",
             "monographies/index.html", "monographies/pole-lauragais/index.html",
             "static/style.css"]
    monographs = [types.SimpleNamespace(slug=slug, draft=draft, path=f"monographs/{slug}.md")
                  for slug, draft in (("pole-lauragais", False), ("brouillon", True))]
    warned = crosscheck.template_routes(
        [TemplateRoute("templates/base.html", 4, "url", route)], set(files),
        monographs)  # type: ignore[arg-type]
    assert [(w.path, w.line, w.field, w.message) for w in warned] == ([] if said is None else [
        ("templates/base.html", 4, "url()", f"'{route}': {said}")])


def test_the_kept_model_reads_back_as_the_site_was_made(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terms and places are pickled by their class, from their fields in order: read back,
    each equals the one a build makes, its monographs in their order."""
    build(project)
    (path,) = (project / ".impact-cache/outputs").glob("*.model")
    kept = pickle.loads(path.read_bytes())
    snapshot.restore_outlines(kept)
    monkeypatch.chdir(project)  # the files named as the build named them
    corpus = pipeline.load(Options(config=Path("impact.yaml"), source=Path("monographs")))
    site = build_site(corpus.config, corpus.monographs, corpus.assets, corpus.bodies)
    assert kept.site.terms == site.terms and kept.site.territories == site.territories
    assert kept.site.term_by_slug == site.term_by_slug
    assert kept.site.node_by_slugs == site.node_by_slugs
    # What the examples give to compare: every field of both kinds, some of them set.
    terms = [term for kind in site.terms.values() for term in kind]
    assert any(term.website for term in terms) and any(term.category for term in terms)
    assert any(node.code for node in site.node_by_slugs.values())
    assert any(node.children for node in site.territories)


def test_the_kept_model_holds_each_value_once(project: Path) -> None:
    """Each monograph is read apart: its strings, dates, partners and territories are its
    own objects, though equal to others'. The kept model holds each once, as many objects
    fewer to read back."""
    build(project)
    (path,) = (project / ".impact-cache/outputs").glob("*.model")
    kept = pickle.loads(path.read_bytes())
    monographs = kept.monographs
    by_value: dict[object, set[int]] = {}
    for monograph in monographs:
        values = [monograph.networks, *monograph.networks, monograph.date,
                  *(partner.stakeholder for partner in monograph.partners),
                  *(territory.country for territory in monograph.territories),
                  monograph.territories, *monograph.territories,
                  monograph.partners, *monograph.partners]
        for value in values:
            by_value.setdefault(value, set()).add(id(value))
    assert all(len(ids) == 1 for ids in by_value.values())
    # Values there to share: the examples repeat them.
    networks = Counter(m.networks for m in monographs)
    countries = Counter(t.country for m in monographs for t in m.territories)
    stakeholders = Counter(p.stakeholder for m in monographs for p in m.partners)
    assert networks[("ANPP",)] > 1 and countries["France"] > 1
    assert stakeholders["association"] > 1
    territories = Counter(t for m in monographs for t in m.territories)
    partners = Counter(p for m in monographs for p in m.partners)
    assert max(territories.values()) > 1 and max(partners.values()) > 1
    assert max(Counter(m.territories for m in monographs).values()) > 1
