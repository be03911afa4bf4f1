"""The command line as a user runs it: a real process, its output and exit status."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from impact_ssg.config import load_config
from impact_ssg.errors import ConfigError

from .conftest import ROOT, VALID, Files


def impact(cwd: Path, *args: str, timeout: float | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=timeout)


def test_check_passes_on_the_shipped_examples() -> None:
    result = impact(ROOT, "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    count = len(list((ROOT / "monographs").rglob("*.md")))
    assert count >= 12
    assert result.stdout.startswith(f"{count} monographs valid (1 draft)")


def test_check_reports_errors_of_every_file_then_a_count(
    project: Callable[[Files], Path]
) -> None:
    root = project({
        "a.md": VALID.replace("network: ANPP", "network: ANP"),
        "b.md": VALID.replace("date: 2026-10-16", "date: 2026-02-30"),
        "c.md": VALID,
    })
    result = impact(root, "check")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "monographs/a.md:5: network: unknown network 'ANP' (did you mean 'ANPP'?)",
        "monographs/b.md:3: date: impossible date '2026-02-30': February 2026 has 28 days",
        "2 errors in 2 files.",
    ]


def test_options_after_relative_paths(project: Callable[[Files], Path]) -> None:
    root = project({"x.md": VALID.replace("network: ANPP", "network: RNM")})
    (root / "monographs").rename(root / "contenu")
    (root / "impact.yaml").rename(root / "site.yaml")
    result = impact(root, "check", "--source", "contenu", "--config", "site.yaml")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "contenu/x.md:5: network: unknown network 'RNM' (did you mean 'RNMA'?)")


def test_missing_source_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "impact.yaml").write_text("title: x\n", encoding="utf-8")
    result = impact(tmp_path, "check")
    assert result.returncode == 2
    assert result.stderr == (
        "error: monographs: no such folder; run from the project root or pass --source DIR\n")


def test_missing_source_folder_after_a_build_is_a_usage_error(
        project: Callable[[Files], Path]) -> None:
    # A build after another reads the model the last one kept, before anything else.
    root = project({"x.md": VALID})
    shutil.copytree(ROOT / "templates", root / "templates")
    assert impact(root, "build").returncode == 0
    before = sorted((p.relative_to(root), p.read_bytes())
                    for p in (root / "site").rglob("*") if p.is_file())
    result = impact(root, "build", "--source", "contenus")
    assert result.returncode == 2
    assert result.stderr == (
        "error: contenus: no such folder; run from the project root or pass --source DIR\n")
    assert sorted((p.relative_to(root), p.read_bytes())
                  for p in (root / "site").rglob("*") if p.is_file()) == before


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    result = impact(tmp_path, "check")
    assert result.returncode == 2
    assert result.stderr == ("error: impact.yaml: config file not found; run from the project "
                             "root or pass --config FILE\n")


def test_bad_config_is_exit_2_with_file_and_line(project: Callable[[Files], Path]) -> None:
    root = project({"a.md": VALID})
    (root / "impact.yaml").write_text(
        "title: Site\nbase_url: impact/\nallow_html: oui\nnetworks:\n  - id: METI\n"
        "  - id: a b\n    label: AB\n    alias: [x]\n", encoding="utf-8")
    result = impact(root, "check")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "impact.yaml:2: base_url: 'impact/' must start with '/' (e.g. '/' or '/impact/') or be "
        "an http(s) URL",
        "impact.yaml:3: allow_html: expected true or false, found 'oui'",
        "impact.yaml:5: networks[0].label: required field is missing",
        "impact.yaml:6: networks[1].id: 'a b' must be letters, digits and single hyphens (it "
        "becomes a web address)",
        "impact.yaml:8: networks[1].alias: unknown key 'alias' (did you mean 'aliases'?)",
        "5 errors in 1 file.",
    ]


@pytest.mark.parametrize(("entry", "error"), [
    ("  - id: METI\n    label: Autre", "id 'METI' is already the id of the entry at line 2; "
     "give each entry its own id, or merge the two"),
    ("  - id: meti\n    label: Autre", "id 'meti' is already the id of the entry at line 2; "
     "give each entry its own id, or merge the two"),
    ("  - id: meti-2\n    label: METI — Mouvement", "'METI — Mouvement' names 'METI' already "
     "(line 2); each id, label and alias must name one entry"),
    ("  - id: pays\n    label: Pays\n    aliases: [m-e-t-i]", "'m-e-t-i' reads as the id "
     "'METI' (line 2): values are compared ignoring case, accents, spaces and hyphens; each "
     "id, label and alias must name one entry"),
    ("  - id: pays\n    label: Réseau RNMA", "'Réseau RNMA' reads as 'reseau rnma', which "
     "names 'RNMA' (line 4): values are compared ignoring case, accents, spaces and hyphens; "
     "each id, label and alias must name one entry"),
])
def test_two_entries_of_a_vocabulary_named_alike_are_an_error(
        tmp_path: Path, entry: str, error: str) -> None:
    config = tmp_path / "impact.yaml"
    config.write_text("networks:\n  - id: METI\n    label: METI — Mouvement\n  - id: RNMA\n"
                      f"    label: RNMA\n    aliases: [reseau rnma]\n{entry}\n", "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert [str(e) for e in raised.value.errors] == [
        f"{config.as_posix()}:7: networks[2]: {error}"]


@pytest.mark.parametrize(("language", "error"), [
    ("fr", None), ("FR", None), ("fr-FR", None), ("Fr-ca", None),
    ("en", "impact.yaml:7: language: 'en' is not supported; the site speaks French ('fr')"),
    ("fra", "impact.yaml:7: language: 'fra' is not supported; the site speaks French ('fr')"),
])
def test_the_language_is_french_written_any_way(
        project: Callable[[Files], Path], language: str, error: str | None) -> None:
    root = project({"a.md": VALID})
    config = root / "impact.yaml"
    text = config.read_text("utf-8")
    assert text.splitlines()[6] == "language: fr"
    config.write_text(text.replace("language: fr", f"language: {language}"), "utf-8")
    result = impact(root, "check")
    if error is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2 and result.stderr.splitlines()[0] == error


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = impact(tmp_path, "check", "--colour")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "impact-ssg: error: unrecognized arguments: --colour")
    # The closest option the command takes, the build's when none is named; not one
    # it does not show (serve's --drafts).
    for args, told in ((["--sources", "x"], "--sources x (did you mean '--source'?)"),
                       (["serve", "--prot=8000"], "--prot=8000 (did you mean '--port'?)"),
                       (["check", "--jbos", "2"], "--jbos 2 (did you mean '--jobs'?)"),
                       (["serve", "--drafs"], "--drafs")):
        result = impact(tmp_path, *args)
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1] == (
            f"impact-ssg: error: unrecognized arguments: {told}"), args


def test_a_command_after_options_is_told_to_go_first(project: Callable[[Files], Path]) -> None:
    root = project({"a.md": VALID})
    result = impact(root, "--config", "impact.yaml", "check")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "impact-ssg: error: unrecognized arguments: check ('check' is a command: write it "
        "first, then its options)")
    assert impact(root, "check", "--config", "impact.yaml").returncode == 0
    # A command written first: a second one is only a stray argument.
    stray = impact(root, "check", "--quiet", "build")
    assert stray.returncode == 2
    assert stray.stderr.splitlines()[-1] == "impact-ssg: error: unrecognized arguments: build"


def test_serve_help_offers_no_drafts_and_gives_the_defaults(tmp_path: Path) -> None:
    result = impact(tmp_path, "serve", "--help")
    assert result.returncode == 0
    assert "--drafts" not in result.stdout  # serve always includes them
    assert "address to listen on (default: 127.0.0.1)" in result.stdout
    assert "--drafts" in impact(tmp_path, "build", "--help").stdout


@pytest.mark.parametrize("port", ["99999", "65536", "-5", "huit"])
def test_serve_refuses_a_port_out_of_range(tmp_path: Path, port: str) -> None:
    # A port taken as it stands would have the server start, and run until the timeout.
    result = impact(tmp_path, "serve", "--port", port, timeout=30)
    assert result.returncode == 2
    reason = (f"'{port}' is not a whole number" if port == "huit" else
              "must be 0 to 65535 (0: any free port)")
    assert result.stderr.splitlines()[-1] == (
        f"impact-ssg serve: error: argument --port: {reason}")


def test_new_writes_a_valid_draft_and_never_overwrites(
    project: Callable[[Files], Path]
) -> None:
    root = project({})
    result = impact(root, "new", "L'école : « Un projet » à Brest")
    assert result.returncode == 0, result.stderr
    path = root / "monographs" / "l-ecole-un-projet-a-brest.md"
    assert result.stdout == f"Wrote monographs/{path.name} (a draft): fill it in, then set " \
        "'draft: false'.\n"
    text = path.read_text("utf-8")
    assert 'title: "L\'école : « Un projet » à Brest"' in text and "draft: true" in text
    for key in ("date", "summary", "network", "alliance_type", "territory", "stakeholders",
                "partners", "themes", "authors", "slug", "updated"):
        assert f"{key}:" in text, key
    assert impact(root, "check").returncode == 0
    path.write_text("mine", "utf-8")
    again = impact(root, "new", "L’école : un projet à Brest")
    assert again.returncode == 2
    assert again.stderr == (f"error: monographs/{path.name}: already exists; edit it, or "
                            "choose another title\n")
    assert path.read_text("utf-8") == "mine"
    # Without quotes around it, the title is the words given.
    words = impact(root, "new", "Tiers-lieu", "à", "Brest", "--source", "monographs")
    assert words.returncode == 0, words.stderr
    assert 'title: "Tiers-lieu à Brest"' in (
        root / "monographs" / "tiers-lieu-a-brest.md").read_text("utf-8")


def test_what_new_wrote_is_not_published_as_it_is(project: Callable[[Files], Path]) -> None:
    root = project({})
    shutil.copytree(ROOT / "templates", root / "templates")
    assert impact(root, "new", "Une coopérative à Lyon").returncode == 0
    path = root / "monographs" / "une-cooperative-a-lyon.md"
    text = path.read_text("utf-8").replace("draft: true", "draft: false")
    path.write_text(text, "utf-8")
    published = impact(root, "check")
    assert published.returncode == 1
    assert published.stderr.splitlines() == [
        "monographs/une-cooperative-a-lyon.md:4: summary: still the text 'new' wrote; write two "
        "sentences that say what the alliance did, and check the other fields 'new' filled in "
        "(network, alliance_type, territory, stakeholders) before publishing",
        "1 error in 1 file."]
    text = re.sub("summary: .*", 'summary: "Un habitat partagé. Des voisins associés."', text)
    path.write_text(text, "utf-8")
    body = text.index("## Le contexte")
    line = text[:body].count("\n") + 1
    def warned() -> list[str]:
        built = impact(root)
        assert built.returncode == 0, built.stderr
        return [line for line in built.stderr.splitlines() if "warning: body" in line]

    assert warned() == [
        f"monographs/une-cooperative-a-lyon.md:{line - 1}: warning: body: the body has no text "
        "yet: write the monograph below the front matter"]
    path.write_text(text.replace("## L’alliance\n", "## L’alliance\n\nUn bail commun.\n"),
                    "utf-8")
    assert warned() == [
        f"monographs/une-cooperative-a-lyon.md:{line}: warning: body: the section 'Le "
        "contexte' is empty: write it, or take out its heading",
        f"monographs/une-cooperative-a-lyon.md:{line + 6}: warning: body: the section 'Ce qui a "
        "changé' is empty: write it, or take out its heading",
        f"monographs/une-cooperative-a-lyon.md:{line + 8}: warning: body: the section 'Les "
        "enseignements' is empty: write it, or take out its heading"]


def test_new_refuses_a_slug_another_monograph_has(project: Callable[[Files], Path]) -> None:
    written = VALID.replace("date: 2026-10-16", "date: 2026-10-16\nslug: 'autre-titre'  # ici")
    # A byte-order mark, Windows line ends, and a long front matter: as check reads them.
    long = ("\ufeff" + VALID.replace("date: 2026-10-16", "date: 2026-10-16\n# "
            + "x" * 20000 + "\nslug: loin")).replace("\n", "\r\n").encode()
    root = project({"sub/titre.md": VALID, "b.md": written, "sub/c.md": long})
    assert impact(root, "check").returncode == 0
    for title, slug, holder in (("Titre", "titre", "monographs/sub/titre.md"),
                                ("Autre titre", "autre-titre", "monographs/b.md"),
                                ("Loin", "loin", "monographs/sub/c.md")):
        result = impact(root, "new", title)
        assert result.returncode == 2
        assert result.stderr == (
            f"error: '{slug}' is already the slug of {holder}; choose another title (the new "
            "file takes its name, and its address, from it)\n")
    assert sorted(p.name for p in (root / "monographs").rglob("*.md")) == [
        "b.md", "c.md", "titre.md"]
    assert impact(root, "new", "C").returncode == 0  # sub/c.md's slug is the one it writes


def test_new_never_writes_outside_the_source_folder(project: Callable[[Files], Path]) -> None:
    root = project({})
    result = impact(root, "new", "../../etc/passwd")
    assert result.returncode == 0
    assert [p.name for p in (root / "monographs").iterdir()] == ["etc-passwd.md"]


def test_an_unknown_command_suggests_the_closest(tmp_path: Path) -> None:
    result = impact(tmp_path, "chek")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "impact-ssg: error: unknown command 'chek' (did you mean 'check'?)")


@pytest.mark.parametrize(("base_url", "message"), [
    ("https://example.org#", "'https://example.org#' must not carry a query or fragment"),
    ("/a b/", "'/a b/' may hold only ASCII letters, digits and '-._~/:' (no spaces, accents "
              "or quotes)"),
    ("/é/", "'/é/' may hold only ASCII letters, digits and '-._~/:' (no spaces, accents or "
            "quotes)"),
    ("/a/../b/", "'/a/../b/' must not hold '//', './' or '../'"),
    ("https://example.org:99999/", "'https://example.org:99999/' has an invalid port"),
    ("ftp://example.org/", "'ftp://example.org/' must be a path such as '/impact/' or an "
                           "http(s) URL"),
    ("impact/", "'impact/' must start with '/' (e.g. '/' or '/impact/') or be an http(s) URL"),
])
def test_base_url_must_be_usable_as_written(
    project: Callable[[Files], Path], base_url: str, message: str
) -> None:
    root = project({"a.md": VALID})
    result = impact(root, "--base-url", base_url)
    assert result.returncode == 2
    assert result.stderr == f"error: --base-url: {message}\n"


def test_new_cuts_long_titles_and_refuses_a_file_as_source(
    project: Callable[[Files], Path]
) -> None:
    root = project({})
    result = impact(root, "new", "Une alliance " * 40)
    assert result.returncode == 0, result.stderr
    (written,) = (root / "monographs").iterdir()
    assert len(written.stem) <= 80 and written.stem.endswith("alliance")
    result = impact(root, "new", "Titre", "--source", "impact.yaml")
    assert result.returncode == 2
    assert result.stderr == ("error: impact.yaml: is a file, not a folder; pass --source with "
                             "the folder of monographs\n")


def test_a_build_on_a_terminal_shows_its_stages(project: Callable[[Files], Path]) -> None:
    root = project({"a.md": VALID})
    shutil.copytree(ROOT / "templates", root / "templates")
    # `script` gives the build a terminal, as a person running it has.
    result = subprocess.run(["script", "-qec", f"{sys.executable} {ROOT / 'build.py'}",
                             "/dev/null"], cwd=root, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout
    assert "impact-ssg: reading and checking the monographs…" in result.stdout
    assert "impact-ssg: writing " in result.stdout
    assert "Built 1 monograph: " in result.stdout
    piped = impact(root)
    assert "impact-ssg: reading" not in piped.stderr  # not when stderr is a file or pipe


@pytest.mark.parametrize("quiet", ["-q", "--quiet"])
def test_quiet_prints_only_errors(project: Callable[[Files], Path], quiet: str) -> None:
    root = project({"a.md": VALID + "\n[x](#nulle-part)\n"})
    shutil.copytree(ROOT / "templates", root / "templates")
    told = impact(root)
    assert told.returncode == 0 and "warning: body: link '#nulle-part'" in told.stderr
    assert told.stdout.startswith("Built 1 monograph")
    for args in ((quiet,), ("--clean", quiet), ("check", quiet)):
        result = impact(root, *args)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), args
    (root / "monographs" / "a.md").write_text(VALID.replace("ANPP", "ANP"), "utf-8")
    result = impact(root, quiet)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "monographs/a.md:5: network: unknown network 'ANP' (did you mean 'ANPP'?)",
        "1 error in 1 file; nothing was written."]


def test_a_reader_gone_ends_the_program_quietly(tmp_path: Path) -> None:
    """Output piped into a reader that stops (``| head``): exit 1, no traceback."""
    read, write = os.pipe()
    os.close(read)  # nobody will read what the build says
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--config",
                             str(ROOT / "impact.yaml"), "--source", str(ROOT / "monographs"),
                             "--output", str(tmp_path / "site")],
                            stdout=write, stderr=subprocess.PIPE, text=True, check=False)
    os.close(write)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (tmp_path / "site" / "index.html").is_file()  # the build itself was done


def test_check_takes_jobs_as_a_build_does(project: Callable[[Files], Path]) -> None:
    root = project({"x.md": VALID.replace("network: ANPP", "network: RNM")})
    one, two = (impact(root, "check", "--jobs", jobs) for jobs in ("1", "2"))
    assert one.returncode == two.returncode == 1
    assert one.stderr == two.stderr and "unknown network 'RNM'" in one.stderr
    assert impact(root, "check", "--jobs", "0").returncode == 2
