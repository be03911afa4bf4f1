"""The promises of SECURITY.md that no other test file proves, and the regression tests
of what the property and fuzz tests found."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from impact_ssg.errors import ContentError, InvalidContent, UsageError
from impact_ssg.pipeline import Options, build, load
from impact_ssg.plan import OutputFile, OutputPage, _check_collisions
from impact_ssg.publish import check_output, safe_join
from impact_ssg.slug import slugify
from impact_ssg.source import MAX_FILE_BYTES

from .conftest import ROOT, VALID, Files

NFC = unicodedata.normalize("NFC", "Ariège")
NFD = unicodedata.normalize("NFD", "Ariège")
assert NFC != NFD


def with_line(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def errors_of(root: Path) -> list[str]:
    with pytest.raises(InvalidContent) as caught:
        load(Options(config=root / "impact.yaml", source=root / "monographs"))
    prefix = (root / "monographs").as_posix() + "/"
    return [str(e).replace(prefix, "monographs/") for e in caught.value.errors]


def build_site(root: Path) -> Path:
    shutil.copytree(ROOT / "templates", root / "templates", dirs_exist_ok=True)
    build(Options(config=root / "impact.yaml", source=root / "monographs",
                  output=root / "site", quiet=True, jobs=1))
    return root / "site"


# --- output never escapes the output folder

ESCAPES = ["..", "../x", "a/../../x", "./../x", "/etc/passwd", "//etc/passwd", "x\x00y",
           "C:/Windows/x", "C:x", "c:", "\\\\server\\share\\x", "a\\..\\..\\x", "..\\x"]
LOOKALIKES = ["\uff0e\uff0e/x", "..\uff0fx", "\u2024\u2024/x", "\u2025/x", "%2e%2e/x",
              "..%2fx", "\u2216..\u2216x"]


@pytest.mark.parametrize("route", ESCAPES)
def test_an_output_path_that_would_leave_the_folder_is_refused(route: str) -> None:
    with pytest.raises(ValueError, match="escapes the output folder"):
        safe_join(Path("/srv/site"), route)


@pytest.mark.parametrize("route", LOOKALIKES)
def test_look_alike_dots_and_slashes_stay_inside_after_resolution(
    tmp_path: Path, route: str
) -> None:
    root = tmp_path / "site"
    root.mkdir()
    path = safe_join(root, route)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", "utf-8")
    assert path.resolve().is_relative_to(root.resolve())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_files_with_look_alike_names_are_published_inside_the_site(
    project: Callable[[Files], Path],
) -> None:
    names = ["\u2024\u2024", "x\uff0f..", "%2e%2e", "C:x.png", "\u2025"]
    root = project({"a.md": VALID, **{name: b"data" for name in names}})
    site = build_site(root)
    for name in names:
        assert (site / "fichiers" / name).read_bytes() == b"data"
    outside = sorted(p.name for p in root.iterdir())
    assert outside == [".impact-cache", "impact.yaml", "monographs", "site", "templates"]


@pytest.mark.parametrize(("name", "message"), [
    ("a\\b.png", "the name holds a backslash '\\', which Windows and some web servers read "
     "as a folder separator; rename it"),
    ("x\\..\\..\\y.png", "the name holds a backslash '\\', which Windows and some web servers "
     "read as a folder separator; rename it"),
    ("ligne\n2.png", "the name holds control character U+000A; rename it"),
    ("tab\t.md", "the name holds control character U+0009; rename it"),
])
def test_a_file_name_that_cannot_be_published_is_an_error_not_a_crash(
    project: Callable[[Files], Path], name: str, message: str
) -> None:
    root = project({"a.md": VALID, name: b"x"})
    shown = name.replace("\n", "\\n").replace("\t", "\\t")
    assert errors_of(root) == [f"monographs/{shown}: file: {message}"]


# --- the output folder is replaced only when it is ours


def test_an_output_is_checked_after_resolution_not_by_string_prefix(tmp_path: Path) -> None:
    project, sources = tmp_path / "projet", tmp_path / "projet" / "monographs"
    sources.mkdir(parents=True)
    protected, inputs = (project, sources), (sources,)
    for sneaky in (sources / ".." / "monographs", project / "site" / ".." / "..",
                   sources / "site", Path(os.path.relpath(sources)) / "x" / ".."):
        with pytest.raises(UsageError):
            check_output(sneaky, protected, inputs)
    # A sibling whose name merely starts like a protected folder is not inside it.
    check_output(tmp_path / "projet-site", protected, inputs)
    check_output(project.parent / "monographs-site", protected, inputs)
    (sources / "lien").symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    with pytest.raises(UsageError, match="symbolic link"):
        check_output(sources / "lien", protected, ())


# --- collisions after case folding and Unicode normalisation


def test_two_outputs_one_file_apart_only_by_case_or_nfc_name_both_sources() -> None:
    outputs: list[OutputPage | OutputFile] = [
        OutputFile(f"fichiers/{NFC}.png", copy_from=Path("x"), origin=f"monographs/{NFC}.png"),
        OutputFile(f"fichiers/{NFD}.png", copy_from=Path("y"), origin=f"monographs/{NFD}.png"),
        OutputPage("themes/x/", "term.html", {}, origin="monographs/a.md"),
        OutputPage("THEMES/X/", "term.html", {}, origin="monographs/b.md"),
    ]
    with pytest.raises(InvalidContent) as caught:
        _check_collisions(outputs)
    assert [str(e) for e in caught.value.errors] == [
        f"monographs/{NFD}.png: url: /fichiers/{NFD}.png is also the address of "
        f"monographs/{NFC}.png; give one of them another name",
        "monographs/b.md: url: /THEMES/X/ is also the address of monographs/a.md; give one "
        "of them another name",
    ]


def test_files_whose_names_differ_only_by_nfc_or_nfd_are_an_error(
    project: Callable[[Files], Path],
) -> None:
    root = project({"a.md": VALID, f"{NFC}.png": b"composed", f"{NFD}.png": b"decomposed"})
    first, second = sorted([f"{NFC}.png", f"{NFD}.png"])
    assert errors_of(root) == [
        f"monographs/{second}: file: '{second}' and '{first}' differ only by how their "
        "accents are encoded (NFC or NFD) and would be one file on many web servers; "
        "rename one"]


def test_static_files_apart_only_by_nfc_or_nfd_are_an_error(
    project: Callable[[Files], Path],
) -> None:
    root = project({"a.md": VALID})
    shutil.copytree(ROOT / "templates", root / "templates")
    for name in (NFC, NFD):
        (root / "templates" / "static" / f"{name}.css").write_text(name, "utf-8")
    with pytest.raises(InvalidContent) as caught:
        build_site(root)
    (error,) = caught.value.errors
    assert f"{NFC}.css" in str(error) and f"{NFD}.css" in str(error)
    assert not (root / "site").exists()


def test_two_spellings_of_one_name_stay_one_page(project: Callable[[Files], Path]) -> None:
    def monograph(spelling: str, region: str, slug: str) -> str:
        return with_line('territory:\n  department: "31"\n  commune: Toulouse', (
            f"territory:\n  - department: {spelling}\n    commune: {spelling}\n"
            f"  - region: {region}\n  - country: Espagne\n    region: {region}")).replace(
            "stakeholders: [association, eti]",
            f"stakeholders: [association]\npartners:\n  - name: {spelling} Initiative\n"
            f"    stakeholder: association\nthemes: [{spelling}]\nslug: {slug}")

    root = project({"a.md": monograph(NFC, "Occitanie", "a"),
                    "b.md": monograph(NFD, "occitanie", "b")})
    site = build_site(root)
    for folder, expected in (
        ("territoires/france/occitanie/ariege", ["ariege", "index.html"]),
        ("territoires/espagne", ["index.html", "occitanie"]),
        ("themes", ["ariege", "index.html"]),
        ("organisations", ["ariege-initiative", "index.html"]),
    ):
        assert sorted(p.name for p in (site / folder).iterdir()) == expected, folder
    for page in ("territoires/france/occitanie/ariege/ariege", "territoires/espagne/occitanie",
                 "themes/ariege", "organisations/ariege-initiative"):
        soup = BeautifulSoup((site / page / "index.html").read_text("utf-8"), "html.parser")
        links = [a["href"] for a in soup.select(".card-title a")]
        assert sorted(links) == ["/monographies/a/", "/monographies/b/"], page
        heading = soup.find("h1")
        assert heading is not None and NFD not in heading.get_text(), page


# --- regressions found by the property and fuzz tests


def test_an_accented_ligature_slugs_alike_in_nfc_and_nfd() -> None:
    # 'ǽ' (U+01FD) gave '' in NFC and 'ae' in NFD: the ligature was looked for before
    # the accent was taken off.
    for letter in ("ǽ", "ǣ", "ǿ", "Ǽ"):
        forms = {slugify(unicodedata.normalize(f, f"{letter}x")) for f in ("NFC", "NFD")}
        assert len(forms) == 1 and forms != {""}, letter


def test_a_value_with_a_line_break_is_quoted_on_one_line(
    project: Callable[[Files], Path],
) -> None:
    root = project({"a.md": with_line("network: ANPP", 'network: "Zorg\\nlub"').replace(
        '  commune: Toulouse', '  commune: Toulouse\n  region: "Bre\\ntange"')})
    assert errors_of(root) == [
        "monographs/a.md:5: network: unknown network 'Zorg\\nlub'; use one of: METI, RNMA, "
        "ANPP (or add it to 'networks' in the config)",
        "monographs/a.md:10: territory.region: unknown region 'Bre\\ntange' (did you mean "
        "'Bretagne'?)",
    ]


@pytest.mark.parametrize("escape", ["\\uFFFE", "\\uFFFF"])
def test_a_character_xml_cannot_carry_is_refused(
    project: Callable[[Files], Path], escape: str
) -> None:
    # It reached feed.xml, which then no XML reader could parse.
    root = project({"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"',
        f'title: "Un pôle{escape}"')})
    assert errors_of(root) == [
        f"monographs/a.md:2: front matter: character U+{escape[2:]} (written as an escape) "
        "cannot be published in a page or feed; delete it"]


# --- bounded work per file


def test_a_five_megabyte_monograph_is_refused_with_a_clear_message(
    project: Callable[[Files], Path],
) -> None:
    body = "Un paragraphe ordinaire de monographie, avec des mots.\n\n" * 100_000
    root = project({"a.md": VALID + body})
    size = (root / "monographs" / "a.md").stat().st_size
    assert size > 5_000_000
    assert errors_of(root) == [
        f"monographs/a.md: file: {size:,} bytes, more than the 1,048,576 allowed for a "
        "monograph; shorten it or attach large content as a separate file"]


def test_a_monograph_just_under_the_size_cap_builds(project: Callable[[Files], Path]) -> None:
    section = ("## Une étape\n\nLe pôle fédère des *entreprises* et des associations : "
               "[voir](https://example.org) ; « oui » !\n\n")
    count = (MAX_FILE_BYTES - len(VALID.encode())) // len(section.encode())
    root = project({"a.md": VALID + section * count})
    assert MAX_FILE_BYTES - 200 < (root / "monographs" / "a.md").stat().st_size <= MAX_FILE_BYTES
    site = build_site(root)
    page = (site / "monographies" / "a" / "index.html").read_text("utf-8")
    assert page.count("<h2 id=\"une-etape") == count


def test_front_matter_above_its_cap_is_refused(project: Callable[[Files], Path]) -> None:
    root = project({"a.md": with_line("network: ANPP", "network: ANPP\n" + "# x\n" * 17_000)})
    (error,) = errors_of(root)
    assert error.startswith("monographs/a.md:2: front matter: front matter of 68,")
    assert error.endswith("characters exceeds the limit of 65,536; move long text into the body")


def test_nesting_beyond_the_cap_is_refused(project: Callable[[Files], Path]) -> None:
    deep = "[" * 40 + "]" * 40
    root = project({"a.md": with_line("network: ANPP", f"network: ANPP\nthemes: {deep}")})
    assert errors_of(root) == [
        "monographs/a.md:6: front matter: nested more than 16 levels deep"]


@pytest.mark.parametrize(("unit", "count"), [("[", 50_000), ("> ", 50_000), ("- ", 50_000),
                                             ("*a", 50_000), ('"a', 50_000), ("![", 25_000)])
def test_pathological_markdown_builds_to_a_bounded_page(
    project: Callable[[Files], Path], unit: str, count: int
) -> None:
    shape = unit * count
    root = project({"a.md": VALID + shape + "\n"})
    corpus = load(Options(config=root / "impact.yaml", source=root / "monographs", jobs=1))
    (monograph,) = corpus.monographs
    # Deep nesting is cut at the parser's cap instead of growing the page.
    assert len(corpus.bodies[monograph.source]) < 8 * len(shape) + 1000


# --- what allow_html changes


@pytest.mark.parametrize("allow", [False, True])
def test_raw_html_in_a_body_never_reaches_the_site_as_script(
    project: Callable[[Files], Path], allow: bool
) -> None:
    body = ('<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(1)">\n\n'
            '<a href="javascript:alert(1)">clic</a> [lien](javascript:alert(2))\n\n'
            "<b>gras</b>\n")
    root = project({"a.md": VALID + body})
    config = root / "impact.yaml"
    config.write_text(config.read_text("utf-8").replace("allow_html: false",
                                                        f"allow_html: {str(allow).lower()}"))
    site = build_site(root)
    soup = BeautifulSoup((site / "monographies/a/index.html").read_text("utf-8"),
                         "html.parser")
    body_html = soup.select_one(".monograph-main")
    assert body_html is not None
    assert body_html.find("script") is None
    assert all(not a.startswith("on") for t in body_html.find_all(True) for a in t.attrs)
    assert all(not str(a.get("href", "")).startswith("javascript:")
               for a in body_html.find_all("a"))
    # Off: every tag is shown as text. On: ordinary markup is kept, the rest removed.
    assert (body_html.find("b") is not None) == allow
    assert ("<script>alert(1)</script>" in body_html.get_text()) == (not allow)


def test_content_errors_carry_file_line_field_and_stay_user_errors() -> None:
    error = ContentError("monographs/a.md", 3, "title", "x\ny")
    assert str(error) == "monographs/a.md:3: title: x\\ny"


# --- the contract itself


def test_every_promise_of_the_contract_names_tests_that_exist() -> None:
    text = (ROOT / "SECURITY.md").read_text("utf-8")
    promises = [line for line in text.split("## Not promised")[0].splitlines()
                if line.startswith("- ")]
    assert len(promises) > 30
    for promise in promises:
        _, _, proofs = promise.partition(" — ")
        cited = re.findall(r"`(tests/[\w/]+\.py)::(\w+)(?:\[([^\]]+)\])?`", proofs)
        assert cited and len(cited) == proofs.count("`") // 2, promise
        for path, name, case in cited:
            source = (ROOT / path).read_text("utf-8")
            assert f"def {name}(" in source, f"{path}::{name}"
            assert case is None or case == "" or case in source, f"{path}::{name}[{case}]"
