"""Properties that hold for every input, checked with Hypothesis on generated ones.

Runs are derandomised (``conftest``: the same examples on every machine and every run), so
a failure in CI is a failure on a laptop too; a counter-example found once becomes an
explicit ``@example`` or a regression test in ``test_security``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path, PureWindowsPath
from urllib.parse import unquote, urljoin, urlsplit

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from impact_ssg import urls
from impact_ssg.config import Config, normalise_base_url
from impact_ssg.errors import ContentError
from impact_ssg.markdown import make_renderer
from impact_ssg.model import Monograph
from impact_ssg.publish import safe_join
from impact_ssg.schema import validate
from impact_ssg.slug import fold, is_slug, slugify, strip_accents
from impact_ssg.source import SourceFile, read_document
from impact_ssg.territory import FRANCE, Territory, TerritoryError, regions, resolve
from impact_ssg.words import STOPWORDS, tokens

from .conftest import VALID

PROPERTY = settings(max_examples=300)

# Text with what names and titles really hold: accents (both spellings), ligatures,
# punctuation, other scripts, look-alikes, and anything else.
LETTERS = st.sampled_from([*"aeEéÉèçÇœŒæßøłðþİıǅﬁ’'-_ .,/\\:;«»¿¡",
    "e\u0301", "\u0301", "\u200b", "\u00a0", "\u2024", "\uff0f", "\uff0e", "Ⅻ", "²", "٣",
    "日本", "Ελλάδα", "Москва", "\U0001f600", "\t", "\n"])
NAMES = st.one_of(st.text(max_size=40), st.lists(LETTERS, max_size=20).map("".join))


def forms(text: str) -> list[str]:
    return [unicodedata.normalize(f, text) for f in ("NFC", "NFD")]


# --- slugs


@PROPERTY
@given(NAMES)
@example("Provence-Alpes-Côte d’Azur")
@example("ǽ")  # was '' in NFC and 'ae' in NFD
@example("x" * 300 + "é")
def test_slugify_is_a_slug_or_empty_idempotent_and_spelling_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or is_slug(slug)
    assert slugify(slug) == slug
    assert {slugify(t) for t in forms(text)} == {slug}
    # A long text (not cached) gives what the same name gives.
    assert slugify(text + " " * 200 + "x") == (f"{slug}-x" if slug else "x")


@PROPERTY
@given(st.lists(st.one_of(NAMES, st.sampled_from([" ", "\u2028", "\u3000", "\x1c", "\x85",
                                                  "\u2019", "l’entreprise,"])),
                max_size=30).map("".join))
def test_search_tokens_are_those_of_each_word_of_the_text(text: str) -> None:
    expected: set[str] = set()
    for word in re.findall(r"\w+", text.lower()):
        expected.update(w for w in re.findall("[a-z0-9]+", strip_accents(word))
                        if len(w) > 1 and w not in STOPWORDS)
    assert tokens(text) == expected


@PROPERTY
@given(NAMES)
def test_fold_makes_every_spelling_one_key(text: str) -> None:
    key = fold(text)
    assert {fold(t) for t in forms(text)} == {key}
    assert fold(text.upper()) == fold(text.lower()) or not text.isascii()
    assert fold(key) == key


# --- the front-matter loader and the schema


_CONFIG = Config()
_PARSER = make_renderer()
_SOURCE = SourceFile("x.md", "monographs/x.md", "/nonexistent/x.md")


def load_one(data: bytes) -> Monograph | list[ContentError]:
    """One file's bytes through the loader and the schema, as the pipeline runs them."""
    raw = read_document(_SOURCE, data)
    checked = raw if isinstance(raw, list) else validate(raw, _CONFIG, _PARSER)
    return checked if isinstance(checked, list) else checked.monograph


def assert_user_errors(result: Monograph | list[ContentError]) -> None:
    if isinstance(result, list):
        assert result, "an empty list of errors"
        for error in result:
            assert isinstance(error, ContentError)
            assert error.path == "monographs/x.md" and "\n" not in str(error), str(error)
    else:
        assert isinstance(result, Monograph) and is_slug(result.slug)


# Pieces of front matter: real keys and values, YAML syntax, and hostile bits.
FRAGMENTS = st.sampled_from([
    "title: ", "date: ", "summary: ", "network: ", "alliance_type: ", "territory:",
    "stakeholders: ", "partners:", "themes: ", "slug: ", "updated: ", "authors: ",
    "draft: ", "  - name: ", "    stakeholder: ", "    url: ", "  department: ",
    "  commune: ", "  region: ", "  country: ", "ANPP", "METI", "mecenat", '"31"', "2A",
    "Toulouse", "2026-10-16", "2026-02-30", "true", "no", "~", "null", "[a, b]", "{}",
    "[]", "&a x", "*a", "!!python/object:os.system", "? x", ": ", "- ", "\n", "  ", "\t",
    '"', "'", "#", "|", ">", "---", "...", "%YAML 1.1", "\\u0000", '"\\uFFFE"', '"\\x01"',
    '"a\\nb"', '"\\r"', '"x\\u2028y"',
    "\u2028", "\ufeff", "é", "<script>", "javascript:alert(1)", "[" * 30, "{" * 30,
    "- " * 30, "https://example.org", "../x",
])
FRONT_MATTER = st.lists(FRAGMENTS, max_size=40).map("".join)


@PROPERTY
@given(st.binary(max_size=2000))
@example(b"\xff\xfe---")
@example(b"---\n---\n")
def test_the_loader_turns_any_bytes_into_a_monograph_or_user_errors(data: bytes) -> None:
    assert_user_errors(load_one(data))


@PROPERTY
@given(st.text(max_size=2000))
def test_the_loader_turns_any_text_into_a_monograph_or_user_errors(text: str) -> None:
    assert_user_errors(load_one(text.encode("utf-8", "surrogatepass")))


@PROPERTY
@given(FRONT_MATTER, st.text(max_size=200))
def test_any_front_matter_gives_a_monograph_or_user_errors(front: str, body: str) -> None:
    assert_user_errors(load_one(f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass")))


@PROPERTY
@given(st.sampled_from(VALID.splitlines()[1:12]), FRAGMENTS, st.integers(0, 60))
def test_one_damaged_line_of_a_valid_file_gives_a_monograph_or_user_errors(
    line: str, fragment: str, at: int
) -> None:
    damaged = line[:at] + fragment + line[at:]
    assert_user_errors(load_one(VALID.replace(line, damaged, 1).encode("utf-8")))


# The lines of a valid file that hold a value, and extra fields that may hold one.
VALUE_LINES = [line for line in VALID.splitlines() if ": " in line] + [
    "  region: Occitanie", "themes: [emploi]", "authors: [Jeanne Martin]", "slug: pole",
    "updated: 2026-11-02", "draft: false",
    "partners:\n  - name: Menuiserie\n    stakeholder: pme\n    url: https://example.org"]
QUOTED = st.one_of(NAMES, st.text(max_size=30)).map(json.dumps)


@PROPERTY
@given(st.sampled_from(VALUE_LINES), st.one_of(FRAGMENTS, QUOTED), st.booleans())
def test_any_value_in_any_field_gives_a_monograph_or_user_errors(
    line: str, value: str, last: bool
) -> None:
    # The value of the first or of the last key on the line (a partner has several).
    key = line.rpartition(": ")[0] if last else line.partition(": ")[0]
    written = f"{key}: {value}"
    text = VALID.replace(line, written, 1) if line in VALID else VALID.replace(
        "---\nUn corps", f"{written}\n---\nUn corps", 1)
    assert_user_errors(load_one(text.encode("utf-8")))


# --- territories

REGION_NAMES = [r.name for r in regions()]
# Real names and codes, as authors write them, and free text.
DEPARTMENTS = st.sampled_from(["31", "2A", "2b", "974", "1", "01", "20", "Ariège",
                               "Côte-d’Or", "cote d'or", "Haute Garonne", "Réunion"])
PLACES = st.one_of(st.none(), st.sampled_from(REGION_NAMES), DEPARTMENTS, NAMES)
COUNTRIES = st.one_of(st.none(), st.sampled_from(["France", "FRANCE", "France.", "Maroc"]),
                      NAMES)


def respell(text: str | None, how: str) -> str | None:
    if text is None:
        return None
    return {"nfd": unicodedata.normalize("NFD", text), "upper": text.upper(),
            "lower": text.lower()}[how]


@PROPERTY
@given(COUNTRIES, PLACES, PLACES, st.one_of(st.none(), NAMES),
       st.sampled_from(["nfd", "upper", "lower"]))
def test_territory_resolution_is_consistent(
    country: str | None, region: str | None, department: str | None, commune: str | None,
    how: str,
) -> None:
    try:
        territory = resolve(country, region, department, commune)
    except TerritoryError as error:
        assert error.key in ("country", "region", "department", "commune")
        assert error.message
        return
    assert isinstance(territory, Territory)
    assert all(territory.slugs) and len(territory.slugs) == len(territory.levels)
    if territory.country == FRANCE:
        assert territory.region is None or territory.region in REGION_NAMES
        assert (territory.department is None) == (territory.department_code is None)
        assert territory.department is None or territory.region is not None
    # Resolving the result again changes nothing: official names name themselves.
    again = resolve(territory.country, territory.region, territory.department,
                    territory.commune)
    assert again == territory
    # In France, another spelling of the same names is the same territory.
    if territory.country == FRANCE and commune is None and (region or department):
        assert resolve(country, respell(region, how), respell(department, how), None) == territory


# --- URLs and output paths

SEGMENT_TEXT = st.text(min_size=1, max_size=20).filter(
    lambda s: "/" not in s and not s.startswith(("_", ".")))
BASES = st.one_of(
    st.just("/"),
    st.lists(st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True), min_size=1, max_size=3)
    .map(lambda parts: "/" + "/".join(parts)),
    st.builds(lambda host, path: f"https://{host}{path}",
              st.from_regex(r"[a-z0-9]{1,10}(\.[a-z]{2,5})?(:[0-9]{1,4})?", fullmatch=True),
              st.sampled_from(["", "/", "/impact", "/a/b/"])),
)


@st.composite
def routes(draw: st.DrawFn) -> str:
    """A route as the site builds them, from hostile names."""
    kind = draw(st.sampled_from(["monograph", "term", "territory", "asset", "page", "data"]))
    name = slugify(draw(NAMES)) or "x"
    if kind == "monograph":
        return urls.monograph(name)
    if kind == "term":
        return urls.term(draw(st.sampled_from([urls.NETWORKS, urls.THEMES])), name)
    if kind == "territory":
        return urls.territory([slugify(n) or "x" for n in draw(st.lists(NAMES, min_size=1,
                                                                         max_size=4))])
    if kind == "asset":
        return urls.asset("/".join(draw(st.lists(SEGMENT_TEXT, min_size=1, max_size=3))))
    if kind == "page":
        return urls.page(urls.monograph(name), draw(st.integers(1, 99)))
    return draw(st.sampled_from(["", "feed.xml", "data/monographs.csv", "404.html"]))


@PROPERTY
@given(BASES, routes())
def test_every_link_stays_under_base_url(base: str, route: str) -> None:
    normalised, problem = normalise_base_url(base)
    assume(problem is None)  # a base_url the config refuses ('/./') builds nothing
    link = urls.Urls(normalised)
    base_path = urlsplit(normalised).path
    for href in (link(route), link.full(route)):
        assert href.isascii() and not any(c in href for c in ' "\'<>\\`{}|^#?'), href
        resolved = urlsplit(urljoin(normalised, href))
        assert resolved.geturl().startswith(normalised), href
        path = unquote(resolved.path)
        assert path.startswith(base_path), href
        assert not {".", ".."} & set(path.split("/")), href
    if link.absolute:
        assert link.full(route).startswith(normalised)


@PROPERTY
@given(st.one_of(routes(), st.text(max_size=60), st.lists(st.sampled_from(
    ["..", ".", "", "a", "C:", "c:", "\\", "\x00", "\uff0f", "\u2024\u2024", "\uff0e\uff0e",
     "%2e%2e", "~", "/"]), max_size=8).map("/".join)))
@example("../x")
@example("/etc/passwd")
@example("a/../../x")
@example("C:/Windows")
def test_an_output_path_is_inside_the_output_folder_or_refused(route: str) -> None:
    root = Path("/srv/site")
    try:
        path = safe_join(root, route)
    except ValueError:
        return
    assert path == root or root in path.parents
    inside = path.relative_to(root)
    assert not any(part in ("..", ".") for part in inside.parts)
    # Read as a Windows path, it stays inside too: no drive, no root, no '..'.
    windows = PureWindowsPath(inside.as_posix())
    assert not windows.drive and not windows.root and ".." not in windows.parts
