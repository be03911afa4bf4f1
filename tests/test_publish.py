"""Publishing: deterministic output, a failed build changes nothing, and the output
folder is replaced only when it is ours."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from impact_ssg import machine, pipeline, structured, uptodate
from impact_ssg.pipeline import Options, build
from impact_ssg.render import TemplateProblem

from .conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped project: config, templates and example monographs."""
    root = tmp_path / "projet"
    root.mkdir()
    shutil.copy(ROOT / "impact.yaml", root)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "monographs", root / "monographs")
    return root


def impact(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` → a hash of its bytes (and the folders, as such)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "folder" for p in sorted(folder.rglob("*"))}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


def test_two_builds_are_byte_identical(project: Path) -> None:
    assert impact(project, "--quiet").returncode == 0
    first = snapshot(project / "site")
    assert impact(project, "--output", "autre").returncode == 0
    assert snapshot(project / "autre") == first
    assert len(first) > 150


def test_a_content_error_leaves_the_site_untouched(project: Path) -> None:
    assert impact(project, "--quiet").returncode == 0
    before = snapshot(project / "site")
    page = project / "monographs" / "pole-lauragais.md"
    page.write_text(page.read_text("utf-8").replace("network: ANPP", "network: ANP"), "utf-8")
    result = impact(project)
    assert result.returncode == 1
    assert "pole-lauragais.md:6: network: unknown network 'ANP'" in result.stderr
    assert snapshot(project / "site") == before
    assert siblings(project / "site") == [".impact-cache", "impact.yaml", "monographs", "templates"]


def test_a_crash_while_rendering_leaves_the_site_untouched(project: Path) -> None:
    assert impact(project, "--quiet").returncode == 0
    before = snapshot(project / "site")
    template = project / "templates" / "term.html"
    template.write_text(template.read_text("utf-8").replace("{{ term.label }}",
                                                            "{{ term.no_such_field }}"), "utf-8")
    result = impact(project)
    assert result.returncode == 2
    # In the words of templates, with what there is to read.
    assert result.stderr == ("error: templates/term.html:3: a term has no attribute "
                             "'no_such_field'; it has category, description, kind, label, "
                             "monographs, route, short, slug, website (while rendering "
                             "/reseaux/meti/; 94 other pages stopped there too)\n")
    assert snapshot(project / "site") == before
    assert siblings(project / "site") == [".impact-cache", "impact.yaml", "monographs", "templates"]


@pytest.mark.parametrize("clean", [True, False])
def test_a_disk_that_refuses_a_write_is_told_and_leaves_the_site_untouched(
    project: Path, clean: bool
) -> None:
    """The machine's refusal (a full disk, a read-only one, a limit) is told as such,
    with the file as published and the fix: not as a failure of impact-ssg; whether the
    site was written anew beside the last one, or into its spare. Made real here by a
    limit on the size of the files this process may write, below that of the open data
    files, which hold every title."""
    assert impact(project, "--quiet").returncode == 0
    before = snapshot(project / "site")
    edit_text(project / "monographs" / "pole-lauragais.md", "title: ", "title: Enfin, ")
    limit = 20_000
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *(["--clean"] if clean else [])], cwd=project,
        capture_output=True, text=True, check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert result.returncode == 2, result.stderr
    told = re.fullmatch(
        r"error: site/(\S+): File too large; a file would be larger than this process may "
        r"write: raise the limit \(ulimit -f\), then build again \(site/ was left as it "
        r"was\)\n", result.stderr)
    assert told, result.stderr
    assert snapshot(project / "site") == before
    assert siblings(project / "site") == [".impact-cache", "impact.yaml", "monographs", "templates"]
    assert impact(project, "--quiet").returncode == 0  # once the limit is gone
    assert snapshot(project / "site") != before
    assert (project / "site" / told[1]).stat().st_size > limit  # the file it named
    assert impact(project, "--quiet", "--clean", "--output", "propre").returncode == 0
    assert snapshot(project / "site") == snapshot(project / "propre")


def test_the_cache_keeps_only_what_the_last_output_folders_need(project: Path) -> None:
    """Each output folder built into gets a stamp, a model and a spare site, which once
    the folder is gone holds the only copy of its files: the cache keeps them for the
    last few only, and an older folder's next build is a full one, as right."""
    count = pipeline.KEPT_OUTPUTS + 2
    for n in range(count):
        assert impact(project, "--quiet", "--output", f"sortie{n}").returncode == 0
    cache = project / ".impact-cache"
    keys = [uptodate.output_key(project / f"sortie{n}") for n in range(count)]
    last = set(keys[2:])
    assert {p.name for p in (cache / "outputs").iterdir() if "." not in p.name} == last
    assert {p.name.partition(".")[0] for p in (cache / "outputs").iterdir()} == last
    assert {p.name for p in (cache / "spare").iterdir()} == {key[:16] for key in last}
    assert "Nothing changed" in impact(project, "--output", f"sortie{count - 1}").stdout
    again = impact(project, "--output", "sortie0")
    assert again.returncode == 0 and "Built 15 monographs" in again.stdout
    assert snapshot(project / "sortie0") == snapshot(project / f"sortie{count - 1}")
    assert keys[2] not in {p.name for p in (cache / "outputs").iterdir()}  # now the oldest


@pytest.mark.parametrize(("code", "fix"), [
    (errno.ENOSPC, "the disk is full: free some space, then build again"),
    (errno.EROFS, "the disk is read-only: mount it for writing, or build elsewhere with "
                  "--output"),
    (errno.EACCES, "this user may not use it: change its permissions, or build elsewhere "
                   "with --output"),
    (errno.EMFILE, "too many files open at once: raise the limit (ulimit -n), then build "
                   "again"),
])
def test_what_the_machine_refuses_is_told_with_its_fix(code: int, fix: str) -> None:
    made = machine.told(OSError(code, os.strerror(code), ".site.impact-ssg-new-ab_cd123/"
                                "a/index.html"), Path("site"), "site/ was left as it was")
    assert str(made) == f"site/a/index.html: {os.strerror(code)}; {fix} (site/ was left as it was)"
    # A file of the sources or the cache: another output folder changes nothing.
    made = machine.told(PermissionError(errno.EACCES, "Permission denied", "monographs/a.md"),
                        Path("site"), "site/ was left as it was")
    assert str(made) == ("monographs/a.md: Permission denied; this user may not use it: "
                         "change its permissions (site/ was left as it was)")
    # Not the machine's doing: a bug, seen whole.
    assert machine.told(FileNotFoundError(errno.ENOENT, "gone", "x"), Path("site"), "") is None


def test_every_template_line_failing_is_told_in_one_run(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert impact(project, "--quiet").returncode == 0
    before = snapshot(project / "site")
    term = project / "templates" / "term.html"
    lines = term.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("{{ term.label }}",
                                "{{ term.label if term.slug == 'anpp' else term.lable }}")
    # A later line, failing on the one page that does not stop before it: told after
    # line 3 (ordered by number, not as text).
    lines.insert(12, "{% if term.slug == 'anpp' %}{{ 1 / 0 }}{% endif %}\n")
    term.write_text("".join(lines), "utf-8")
    page = project / "templates" / "monograph.html"
    text = page.read_text("utf-8")
    line = text[:text.index("{% block main %}")].count("\n") + 1
    page.write_text(text.replace("{% block main %}", "{% block main %}{{ 1 / 0 }}", 1), "utf-8")
    told = (f"templates/monograph.html:{line}: ZeroDivisionError: division by zero (while "
            "rendering /monographies/friche-culturelle-roubaix/; 14 other pages stopped there "
            "too)\n"
            "templates/term.html:3: a term has no attribute 'lable' (did you mean 'label'?) "
            "(while rendering /reseaux/meti/; 93 other pages stopped there too)\n"
            "templates/term.html:13: ZeroDivisionError: division by zero (while rendering "
            "/reseaux/anpp/)\n")
    result = impact(project, "--jobs", "1")
    assert result.returncode == 2
    assert result.stderr == "".join(f"error: {line}\n" for line in told.splitlines()) + (
        "3 errors.\n")
    assert snapshot(project / "site") == before
    # Shared between processes, a page's problem comes back from the one that rendered it.
    monkeypatch.setattr(pipeline, "PAGES_PER_JOB", 10)
    monkeypatch.chdir(project)
    with pytest.raises(TemplateProblem) as raised:
        build(Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", jobs=2, quiet=True))
    assert f"{raised.value}\n" == told
    assert snapshot(project / "site") == before


def test_a_template_syntax_error_names_its_file_and_line(project: Path) -> None:
    template = project / "templates" / "404.html"
    template.write_text(template.read_text("utf-8").replace("{% endblock %}", "{% endblok %}"),
                        "utf-8")
    result = impact(project)
    assert result.returncode == 2
    assert result.stderr.startswith("error: templates/404.html:2: Encountered unknown tag "
                                    "'endblok'.")
    assert not (project / "site").exists()


def test_every_template_that_does_not_compile_is_named_in_one_run(project: Path) -> None:
    for name, tag in (("404.html", "{% endblock %}"), ("term.html", "{% endblock %}")):
        template = project / "templates" / name
        template.write_text(template.read_text("utf-8").replace(tag, "{% endblok %}", 1),
                            "utf-8")
    result = impact(project)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        "error", "error"] and lines[-1] == "2 errors."
    assert lines[0].startswith("error: templates/404.html:2: Encountered unknown tag 'endblok'")
    assert lines[1].startswith("error: templates/term.html:")
    assert not (project / "site").exists()


def test_a_block_no_template_above_has_is_an_error(project: Path) -> None:
    templates = project / "templates"

    def change(name: str, old: str, new: str) -> None:
        text = (templates / name).read_text("utf-8")
        assert old in text, old
        (templates / name).write_text(text.replace(old, new, 1), "utf-8")

    # A block inside another one that fills a block above is shown with it, and one the
    # template calls by name is shown where it is called: neither is told.
    change("panorama.html", "{% block main %}", "{% block main %}{% block intro %}{% endblock %}")
    change("term.html", "{% block main %}", "{% block lieu %}ici{% endblock %}{% block main %}"
           "{{ self.lieu() }}")
    assert impact(project, "--quiet").returncode == 0
    before = snapshot(project / "site")
    # base.html's block renamed: every page would be built without its content.
    change("base.html", "{% block main %}", "{% block contenu %}")
    change("monograph.html", "{% block head %}", "{% block haed %}")
    result = impact(project, "check")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "10 errors."
    assert lines[0] == (
        "error: templates/404.html:3: block 'main' is in no template it extends "
        "(templates/base.html), so what it holds is never shown; name it as one of theirs: "
        "contenu, description, head, title")
    assert sorted({line.split(":")[1] for line in lines[:-1]}) == sorted(
        f" templates/{name}" for name in ("404.html", "catalogue.html", "home.html",
                                          "monograph.html", "panorama.html", "term.html",
                                          "terms.html", "territories.html", "territory.html"))
    assert ("error: templates/monograph.html:6: block 'haed' is in no template it extends "
            "(templates/base.html), so what it holds is never shown; did you mean 'head'?"
            ) in lines
    assert impact(project).returncode == 2
    assert snapshot(project / "site") == before


def test_files_of_the_templates_folder_that_no_page_uses_are_not_compiled(
        project: Path) -> None:
    templates = project / "templates"
    (templates / "NOTES.txt").write_text("Notes : {{ x }} {% raw %}\n", "utf-8")
    (templates / "LICENCE.txt").write_bytes("Caf\xe9\n".encode("latin-1"))
    (templates / ".#home.html").symlink_to("root@machine.1234:1700000000")  # an editor's lock
    assert impact(project, "--quiet").returncode == 0
    # A partial a page includes is compiled with it, and named with its own line.
    (templates / "_pied.html").write_text("<p>\n{% if x %}</p>\n", "utf-8")
    base = templates / "base.html"
    base.write_text(base.read_text("utf-8").replace("</footer>",
                                                    '{% include "_pied.html" %}</footer>'),
                    "utf-8")
    (templates / "feed.xml").write_text((templates / "feed.xml").read_text("utf-8")
                                        + "{% raw %}\n", "utf-8")
    result = impact(project)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: templates/_pied.html:2: Unexpected end of template.")
    assert lines[1].startswith("error: templates/feed.xml:") and "raw" in lines[1]
    assert lines[2:] == ["2 errors."]
    assert impact(project, "check").stderr.splitlines()[:2] == lines[:2]


def test_check_finds_every_template_a_build_would_fail_on(project: Path) -> None:
    templates = project / "templates"

    def change(name: str, old: str, new: str) -> int:
        """Replace ``old`` by ``new`` in ``name``; the line of the change."""
        text = (templates / name).read_text("utf-8")
        (templates / name).write_text(text.replace(old, new, 1), "utf-8")
        return text[:text.index(old)].count("\n") + 1

    (templates / "panorama.html").rename(templates / "panorama.htm")
    # Gone, beside a template of a name close to it that the site needs as well.
    (templates / "territory.html").unlink()
    filtered = change("monograph.html", "|date_fr", "|date_frr")
    imported = change("home.html", '"_macros.html"', '"_macro.html"')
    # Jinja finds an unknown filter or test in a branch only when it runs.
    tested = change("term.html", "{% endblock %}",
                    "{% if term is nombre %}{{ term|fr|plurals }}{% endif %}{% endblock %}")
    included = change("territories.html", "{% endblock %}",
                      '{% include "_carte.html" %}{% endblock %}')
    named = change("terms.html", "import breadcrumbs", "import breadcrumb")
    # A macro, or a loop, runs on some page: what it includes must be there.
    badge = change("_macros.html", "{% macro card(m, level=2) %}",
                   '{% macro card(m, level=2) %}{% include "_badge.html" %}')
    # Asked for where it may never be rendered, or with 'ignore missing': not missing
    # until rendered.
    change("base.html", "</footer>", '{% include "_pied.html" ignore missing %}'
           '{% if false %}{% include "_analytics.html" %}{% endif %}</footer>')
    expected = [
        f"error: templates/_macros.html:{badge}: template '_badge.html' is not in "
        "templates/: correct the name, add the file, or include it with 'ignore missing'",
        f"error: templates/home.html:{imported}: template '_macro.html' is not in templates/: "
        "did you mean '_macros.html'? correct the name or add the file",
        f"error: templates/monograph.html:{filtered}: no filter named 'date_frr': did you "
        "mean 'date_fr'?",
        "error: templates/panorama.html: not found; the site renders pages with it: did you "
        "mean 'panorama.htm'? rename it",
        f"error: templates/term.html:{tested}: no filter named 'plurals': did you mean "
        "'plural'?",
        f"error: templates/term.html:{tested}: no test named 'nombre': did you mean 'number'?",
        f"error: templates/terms.html:{named}: '_macros.html' has no macro or variable "
        "'breadcrumb' to import: did you mean 'breadcrumbs'?",
        f"error: templates/territories.html:{included}: template '_carte.html' is not in "
        "templates/: correct the name, add the file, or include it with 'ignore missing'",
        "error: templates/territory.html: not found; the site renders pages with it: put back "
        "the one shipped with impact-ssg, or one of your own",
        "9 errors."]
    for command in (["check"], []):
        result = impact(project, *command)
        assert result.returncode == 2
        assert result.stderr.splitlines() == expected
    assert not (project / "site").exists()


def test_a_template_asked_for_only_in_a_branch_never_rendered_may_be_missing(
        project: Path) -> None:
    base = project / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace(
        "</footer>", '{% if site.config.base_url == "nulle part" %}{% include "_analytics.html" %}'
        "{% endif %}</footer>"), "utf-8")
    assert impact(project, "check").returncode == 0
    result = impact(project, "--quiet")
    assert result.returncode == 0, result.stderr


def test_an_error_raised_by_template_code_names_its_line(project: Path) -> None:
    assert impact(project, "--quiet").returncode == 0
    before = snapshot(project / "site")
    template = project / "templates" / "home.html"
    text = template.read_text("utf-8")
    line = text[:text.index("</h1>")].count("\n") + 1
    template.write_text(text.replace("</h1>", "{{ 1 / 0 }}</h1>", 1), "utf-8")
    result = impact(project)
    assert result.returncode == 2
    assert result.stderr == (f"error: templates/home.html:{line}: ZeroDivisionError: division "
                             "by zero (while rendering /)\n")
    assert snapshot(project / "site") == before


@pytest.mark.parametrize(("code", "said"), [
    ('{{ "2024"|date_fr }}', "the filter date_fr: value must be a date, not the str '2024'"),
    ("{{ site.terms_of(site.monographs[0]) }}",
     "site.terms_of(): missing a required argument: 'kind'"),
    ('{{ site.terms_of("x", "reseaux") }}',
     "site.terms_of(): monograph must be a Monograph, not the str 'x'"),
    ("{{ url(2024) }}", "url(): route must be a str, not the int 2024"),
    ("{{ site.monographs[0]|jsonld }}",
     "the filter jsonld: Monograph is not JSON; give it article_data(monograph), or a "
     "mapping or list of text and numbers"),
    ('{{ {"date": site.monographs[0].date}|jsonld }}', "the filter jsonld: date is not "
     "JSON; give it article_data(monograph), or a mapping or list of text and numbers"),
    ('{{ site.terms_of(site.monographs[0], "networks") }}',
     "site.terms_of(): kind must be one of 'reseaux', 'alliances', 'acteurs', "
     "'organisations', 'themes', not 'networks'"),
    ('{{ site.terms_of(site.monographs[0], kind="reseaux") }}',
     "site.terms_of() takes its arguments in order, not by name (kind=)"),
    ("{{ 3|plural }}",
     "the filter plural: missing 2 required positional arguments: 'singular' and 'many'"),
    ("{{ url() }}", "url(): missing 1 required positional argument: 'route'"),
    # Counted as written: without url()'s self, nor the value a filter filters.
    ("{{ url('a', 'b') }}", "url(): takes 1 argument, but 2 were given"),
    ("{{ 3|plural('a', 'b', 'c') }}",
     "the filter plural: takes 2 arguments after the value it filters, but 3 were given"),
    ("{{ 'abc'|center(1, 2, 3) }}",
     "the filter center: takes at most 1 argument after the value it filters, but 3 were "
     "given"),
    ("{{ urls.monograph('a', 'b') }}", "urls.monograph(): takes 1 argument, but 2 were given"),
    ("{{ url(nope) }}", "'nope' is undefined"),
    # The model's objects are named as templates know them, with what they have.
    ("{{ site.config.titre }}", "site.config has no attribute 'titre' (did you mean 'title'?)"),
    ("{{ site.monographies }}", "site has no attribute 'monographies' (did you mean "
     "'monographs'?)"),
    ("{{ site.monographs[0].partners[0].nom }}", "a partner has no attribute 'nom'; it has "
     "line, name, name_line, stakeholder, url"),
    ("{{ 'abc'.nope }}", "'str object' has no attribute 'nope'"),
    ("{{ site.monographs|tojson }}", "the filter tojson: Monograph is not JSON; give it "
     "text, numbers, lists or mappings of them"),
])
def test_a_function_given_to_templates_misused_names_the_template_line(
        project: Path, code: str, said: str) -> None:
    template = project / "templates" / "home.html"
    text = template.read_text("utf-8")
    line = text[:text.index("</h1>")].count("\n") + 1
    template.write_text(text.replace("</h1>", code + "</h1>", 1), "utf-8")
    result = impact(project)
    assert result.returncode == 2
    assert result.stderr == f"error: templates/home.html:{line}: {said} (while rendering /)\n"


def test_a_rebuild_replaces_the_whole_site(project: Path) -> None:
    assert impact(project, "--quiet").returncode == 0
    (project / "monographs" / "pole-lauragais.md").unlink()
    for linking in ("mobilite-solidaire-toulouse.md", "renovation-energetique-bretagne.md",
                    "filiere-bois-drome-ardeche.md", "outre-mer/reunion-jardins-creoles.md"):
        path = project / "monographs" / linking
        text = re.sub(r"(\.\./)?pole-lauragais\.md", "https://example.org", path.read_text("utf-8"))
        path.write_text(text, "utf-8")
    assert impact(project, "--quiet").returncode == 0, impact(project).stderr
    assert not (project / "site" / "monographies" / "pole-lauragais").exists()
    assert (project / "site" / ".impact-ssg").is_file()
    assert siblings(project / "site") == [".impact-cache", "impact.yaml", "monographs", "templates"]


@pytest.mark.parametrize("output", [".", "..", "monographs", "templates",
                                    "monographs/site", "templates/out"])
def test_the_project_sources_and_templates_are_never_an_output(
    project: Path, output: str
) -> None:
    before = snapshot(project)
    result = impact(project, "--output", output)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {output}: ")
    assert snapshot(project) == before


def test_a_folder_of_someone_elses_files_is_refused(project: Path) -> None:
    theirs = project / "documents"
    theirs.mkdir()
    (theirs / "rapport.txt").write_text("important", "utf-8")
    result = impact(project, "--output", "documents")
    assert result.returncode == 2
    assert result.stderr == (
        "error: documents: the folder is not empty and was not made by impact-ssg (it has no "
        ".impact-ssg file); refusing to replace it: empty it, delete it, or pass --output "
        "with another folder\n")
    assert (theirs / "rapport.txt").read_text("utf-8") == "important"


def test_an_empty_folder_a_missing_one_and_missing_parents_are_fine(project: Path) -> None:
    (project / "vide").mkdir()
    assert impact(project, "--quiet", "--output", "vide").returncode == 0
    assert (project / "vide" / "index.html").is_file()
    assert impact(project, "--quiet", "--output", "a/b/c").returncode == 0
    assert (project / "a/b/c/index.html").is_file()


def test_a_symlinked_or_file_output_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (project / "lien").symlink_to(elsewhere)
    result = impact(project, "--output", "lien")
    assert result.returncode == 2 and "symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []
    (project / "fichier").write_text("x", "utf-8")
    result = impact(project, "--output", "fichier")
    assert result.returncode == 2 and "is not a folder" in result.stderr


def test_absolute_base_url_gives_absolute_feed_sitemap_and_canonical(project: Path) -> None:
    result = impact(project, "--base-url", "https://example.org/impact")
    assert result.returncode == 0
    assert "warning: base_url is a path" not in result.stderr
    site = project / "site"
    home = (site / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/impact/">' in home
    assert 'href="/impact/monographies/"' in home
    assert "<id>https://example.org/impact/monographies/" in (site / "feed.xml").read_text("utf-8")
    assert "Sitemap: https://example.org/impact/sitemap.xml" in (
        site / "robots.txt").read_text("utf-8")


def test_path_base_url_warns_about_publishing(project: Path) -> None:
    result = impact(project)
    assert result.returncode == 0
    assert "warning: base_url is a path, so the feed and sitemap carry path URLs" in result.stderr
    assert result.stdout.startswith("Built 15 monographs, 1 draft skipped: ")
    assert impact(project, "--quiet").stderr == ""


def test_drafts_get_pages_with_drafts_only(project: Path) -> None:
    assert impact(project, "--quiet").returncode == 0
    assert not (project / "site/monographies/epicerie-etudiante-rennes").exists()
    assert impact(project, "--quiet", "--drafts").returncode == 0
    site = project / "site"
    page = (site / "monographies/epicerie-etudiante-rennes/index.html").read_text("utf-8")
    assert "Brouillon" in page
    # A preview: not to be indexed, and announced nowhere.
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta name="robots"' not in (
        site / "monographies/pole-lauragais/index.html").read_text("utf-8")
    for announced in ("sitemap.xml", "feed.xml", "data/monographs.json", "data/monographs.csv"):
        text = (site / announced).read_text("utf-8")
        assert "pole-lauragais" in text and "epicerie-etudiante-rennes" not in text, announced
    # Nor the lists only the draft fills: its organisation, its commune and department.
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    for route in ("organisations/gaec-du-clos-fleuri/",
                  "territoires/france/bretagne/ille-et-vilaine/rennes/",
                  "territoires/france/bretagne/ille-et-vilaine/"):
        assert '<meta name="robots" content="noindex">' in (
            site / route / "index.html").read_text("utf-8"), route
        assert f"/{route}</loc>" not in sitemap, route
    for route in ("organisations/menuiserie-dubreuil/", "territoires/france/bretagne/"):
        assert '<meta name="robots"' not in (site / route / "index.html").read_text("utf-8")
        assert f"/{route}</loc>" in sitemap, route


def test_an_output_below_a_file_is_a_usage_error(project: Path) -> None:
    result = impact(project, "--output", "impact.yaml/site")
    assert result.returncode == 2
    assert result.stderr.startswith("error: impact.yaml/site: ")
    assert "is a file, not a folder" in result.stderr


def test_a_symlink_in_the_static_folder_is_refused(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private", "utf-8")
    (project / "templates" / "static" / "lien.txt").symlink_to(secret)
    result = impact(project)
    assert result.returncode == 2
    assert "lien.txt: is a symbolic link" in result.stderr
    assert not (project / "site").exists()


def test_hidden_files_and_backups_of_the_static_folder_are_not_published(
        project: Path) -> None:
    static = project / "templates" / "static"
    for rel in (".DS_Store", ".style.css.swp", "style.css~", ".cache/x.css", "_en-plus.css",
                "polices/.keep", "polices/titre.woff2", "#style.css#", "vieux~/a.css"):
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_bytes(b"x")
    assert impact(project, "--quiet").returncode == 0
    published = {p.relative_to(project / "site/static").as_posix()
                 for p in (project / "site/static").rglob("*") if p.is_file()}
    assert {"_en-plus.css", "polices/titre.woff2", "style.css"} <= published
    assert not published & {".DS_Store", ".style.css.swp", "style.css~", ".cache/x.css",
                            "polices/.keep", "#style.css#", "vieux~/a.css"}


def test_an_error_of_impact_ssg_called_from_a_template_is_no_template_problem(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The monograph page calls article_data, which is this package's code: its bug is
    # not the template's to mend, and keeps its traceback.
    def broken(site: object, monograph: object) -> dict[str, object]:
        raise KeyError("a bug")

    monkeypatch.setattr(structured, "article", broken)
    with pytest.raises(KeyError, match="a bug"):
        build(Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", quiet=True, jobs=1))


def test_routes_written_out_in_templates_are_looked_up_among_the_site_files(
        project: Path) -> None:
    def line_of(template: Path, text: str) -> int:
        source = template.read_text("utf-8")
        return source[:source.index(text)].count("\n") + 1

    templates = project / "templates"
    assert impact(project, "--quiet").returncode == 0  # the shipped templates: no warning
    base, home, catalogue = (templates / name for name in
                             ("base.html", "home.html", "catalogue.html"))
    lines = (line_of(base, "url('static/style.css')"), line_of(base, "url('feed.xml')"),
             line_of(home, "url(urls.PANORAMA ~ '/')"), line_of(catalogue, "url('recherche/')"))
    edit_text(base, "url('static/style.css')", "url('static/styles.css')")
    edit_text(base, "url('feed.xml')", "url('/feed.xml')")
    edit_text(home, "url(urls.PANORAMA ~ '/')", "url(urls.PANORAMA ~ 's/')")
    edit_text(catalogue, "url('recherche/')", "url('recherche/#q')")
    expected = [
        f"templates/base.html:{lines[0]}: warning: url(): 'static/styles.css': the site has "
        "no page or file there (did you mean url('static/style.css')?)",
        f"templates/base.html:{lines[1]}: warning: url(): '/feed.xml': a route takes no "
        "leading '/' (url() puts base_url before it, and with base_url '/' the link would "
        "lead to another host); write url('feed.xml')",
        f"templates/catalogue.html:{lines[3]}: warning: url(): 'recherche/#q': url() "
        "percent-encodes '#' and '?'; write url('recherche/') ~ '#q'",
        f"templates/home.html:{lines[2]}: warning: url(): 'panoramas/': the site has no "
        "page or file there (did you mean url('panorama/')?)",
    ]

    def warned(*args: str) -> list[str]:
        result = impact(project, *args)
        assert result.returncode == 0, result.stderr
        return [line for line in result.stderr.splitlines() if "url()" in line]

    assert warned() == expected
    # Told again by a text edit (the templates are not read again) and by a no-op build.
    edit_text(project / "monographs" / "pole-lauragais.md", "\n## ", "\nUne phrase.\n\n## ")
    assert warned() == expected
    assert warned() == expected
    assert warned("--clean") == expected
    edit_text(home, "url(urls.PANORAMA ~ 's/')", "url(urls.PANORAMA ~ '/')")
    assert warned() == expected[:3]


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
