"""Validate: a ``RawDocument`` → a frozen ``Monograph``, or every problem in it.

The rules of SPEC §1 that concern one file: required fields, unknown keys with
did-you-mean, dates, vocabulary values, territories, partners, slugs, and the local
files its body refers to (parsed here so that ``check`` sees them). Rules that need
the whole corpus (unique slugs, one category per organisation, link targets) are the
index's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from . import scaffold, urls, words
from .config import Config
from .errors import ContentError, shown
from .fields import Fields
from .markdown import RenderedBody, page_placeholder, render
from .model import Checked, Invalid, Monograph, Partner
from .slug import fold, is_slug, slugify
from .source import FrontMatterErrors, RawDocument, SourceFile
from .territory import LEVELS, Territory, TerritoryError, resolve
from .vocabulary import Vocabulary
from .yamltree import Mapping, Node, Scalar, Sequence, kind_of

MAX_SUMMARY = 400
KEYS = ("title", "date", "summary", "network", "alliance_type", "territory", "stakeholders",
        "partners", "themes", "slug", "updated", "authors", "draft")
# Required key → what to add, for the "missing" message.
REQUIRED = {
    "title": 'title: "…"',
    "date": "date: YYYY-MM-DD",
    "summary": 'summary: "…" (two sentences, at most 400 characters)',
    "network": "network: … (one id or a list)",
    "alliance_type": "alliance_type: … (one id or a list)",
    "territory": "territory: with a department, region, commune or country",
}
# What French-speaking editors naturally type instead of a key (folded).
FRENCH_KEYS = {
    "titre": "title", "resume": "summary", "description": "summary", "reseau": "network",
    "reseaux": "network", "networks": "network", "alliance": "alliance_type",
    "alliances": "alliance_type", "alliancetypes": "alliance_type",
    "typealliance": "alliance_type", "typesalliance": "alliance_type",
    "territoire": "territory", "territoires": "territory", "territories": "territory",
    "acteurs": "stakeholders", "stakeholder": "stakeholders", "partenaires": "partners",
    "theme": "themes", "motscles": "themes", "tags": "themes",
    "auteurs": "authors", "auteur": "authors", "author": "authors", "brouillon": "draft",
    "miseajour": "updated", "modifie": "updated",
}
TERRITORY_FRENCH = {"pays": "country", "departement": "department", "ville": "commune",
                    "city": "commune"}
PARTNER_FRENCH = {"nom": "name", "categorie": "stakeholder", "acteur": "stakeholder",
                  "site": "url", "siteweb": "url", "lien": "url"}
OPTIONAL = frozenset(KEYS) - set(REQUIRED)
TERRITORY_KEYS = ("country", "region", "department", "commune")
PARTNER_KEYS = ("name", "stakeholder", "url")
T = TypeVar("T")
YEARS = (1900, 2100)
"""The years a monograph's dates may have."""
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def validate(
    raw: RawDocument, config: Config, parser: MarkdownIt
) -> Checked | list[ContentError]:
    """Check one document against the schema; return the monograph (with its words) or
    all its errors.

    ``parser`` is ``markdown.make_renderer``'s: the body is rendered here, in the same
    parse that finds what it refers to.
    """
    fields = Fields(raw.source.display)
    fm = raw.front_matter
    misspelt = fields.check_keys(fm, KEYS, synonyms=FRENCH_KEYS)
    for key, example in REQUIRED.items():
        if fm.get(key) is None and key not in misspelt:
            fields.error(1, key, f"required field is missing; add '{example}'")

    def value(key: str) -> Node | None:
        entry = fm.get(key)
        if entry is None:
            return None
        # An optional field left empty ('themes:' or 'themes: []') counts as absent.
        empty = (isinstance(entry.value, Scalar) and entry.value.is_null) or (
            isinstance(entry.value, Sequence) and not entry.value.items)
        return None if empty and key in OPTIONAL else entry.value

    title = _opt(value("title"), lambda n: fields.text(n, "title"))
    summary = _opt(value("summary"), lambda n: fields.text(n, "summary", max_chars=MAX_SUMMARY))
    date = _opt(value("date"), lambda n: _date(fields, n, "date"))
    updated = _opt(value("updated"), lambda n: _date(fields, n, "updated"))
    if date and updated and updated < date:
        fields.error(value("updated").line, "updated",  # type: ignore[union-attr]
                     f"{updated.isoformat()} is before the publication date "
                     f"{date.isoformat()}; 'updated' is the date of the last revision")
    networks = _opt(value("network"), lambda n: _terms(fields, n, "network", config.networks))
    alliances = _opt(value("alliance_type"),
                     lambda n: _terms(fields, n, "alliance_type", config.alliance_types))
    declared = _opt(value("stakeholders"),
                    lambda n: _terms(fields, n, "stakeholders", config.stakeholders))
    place_lines: list[tuple[int, ...]] = []
    territories = _opt(value("territory"), lambda n: _territories(fields, n, place_lines))
    readable: list[tuple[str, Partner]] = []  # those read whole, even where others are not
    partners = _opt(value("partners"),
                    lambda n: _partners(fields, n, config.stakeholders, readable))
    themes = _opt(value("themes"), lambda n: _themes(fields, n)) or ()
    authors = _opt(value("authors"),
                   lambda n: tuple(t for t, _ in fields.listed_texts(n, "authors") or ()))
    draft = _opt(value("draft"), lambda n: fields.boolean(n, "draft"))
    if summary == scaffold.SUMMARY and not draft:
        fields.error(value("summary").line, "summary",  # type: ignore[union-attr]
                     "still the text 'new' wrote; write two sentences that say what the "
                     "alliance did, and check the other fields 'new' filled in (network, "
                     "alliance_type, territory, stakeholders) before publishing")
    slug, slug_line = _slug(fields, fm, raw.source.rel)

    categories = set(declared or ()) | {p.stakeholder for p in partners or ()}
    # Unreadable stakeholders or partners are reported already; don't add a second error.
    reported = (partners is None and value("partners") is not None) or (
        declared is None and value("stakeholders") is not None)
    if not categories and not reported and not misspelt & {"stakeholders", "partners"}:
        fields.error(1, "stakeholders", "required field is missing; add 'stakeholders: [...]' "
                     "(categories such as association, pme) or partners with their 'stakeholder'")

    rendered = _render(raw.body, raw.body_line, raw.source, config, parser)
    if title and (repeated := _title_repeated(raw.body, title)) is not None:
        rendered = replace(rendered, notes=tuple(sorted((
            *rendered.notes, (raw.body_line + repeated, "the body's first heading repeats the "
                              "title, which the page shows above it already: delete it")))))
    if fields.errors:
        return Invalid(fields.errors, rendered.outline.references,
                       None if slug is None else (slug, slug_line), tuple(readable))
    assert title and summary and date and networks and alliances and territories and slug
    order = config.stakeholders.order
    monograph = Monograph(
        source=raw.source.rel, path=raw.source.display, slug=slug, slug_line=slug_line,
        title=title, date=date, summary=summary, networks=networks,
        alliance_types=alliances, stakeholders=tuple(sorted(categories, key=order)),
        territories=territories, partners=partners or (), themes=tuple(t for t, _ in themes),
        theme_lines=tuple(line for _, line in themes), territory_lines=tuple(place_lines),
        title_line=value("title").line,  # type: ignore[union-attr]
        updated=updated, authors=authors or (), draft=bool(draft),
        body_line=raw.body_line, rendered=rendered.outline,
    )
    return Checked(monograph, rendered.utf8,
                   words.of_monograph(monograph, rendered.text, config))


def unreadable(errors: FrontMatterErrors, source: SourceFile, config: Config,
               parser: MarkdownIt) -> Invalid:
    """The errors of a file whose front matter cannot be read, with what its body refers
    to: checked too, so that every error of the file comes out in one run."""
    rendered = _render(errors.body, errors.body_line, source, config, parser)
    return Invalid(list(errors), rendered.outline.references)


def _render(body: str, line: int, source: SourceFile, config: Config, parser: MarkdownIt
            ) -> RenderedBody:
    base = urls.Urls(config.base_url)
    return render(parser, body, source.rel, page_placeholder,
                  lambda rel: base(urls.asset(rel)), line, base(""))


# A heading of level 1 or 2, as the first line of a body may be one.
_FIRST_HEADING = re.compile(r" {0,3}#{1,2}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")


def _title_repeated(body: str, title: str) -> int | None:
    """The line (from 0) of the body's first heading, if it is the body's first line
    written and says the title again."""
    for number, line in enumerate(body.split("\n")):
        if line.strip():
            heading = _FIRST_HEADING.fullmatch(line)
            if heading and slugify(heading[1]) == slugify(title):
                return number
            return None
    return None


def _opt(node: Node | None, read: Callable[[Node], T | None]) -> T | None:
    """``read(node)`` when the key is present, else ``None``."""
    return None if node is None else read(node)


def _date(fields: Fields, node: Node, field: str) -> dt.date | None:
    if not isinstance(node, Scalar) or node.is_null:
        found = kind_of(node) if not isinstance(node, Scalar) else "nothing"
        fields.error(node.line, field, f"expected a date as YYYY-MM-DD (e.g. 2026-10-16), "
                     f"found {found}")
        return None
    match = _DATE.fullmatch(node.value.strip())
    if not match:
        french = _FRENCH_DATE.fullmatch(node.value.strip())
        meant = (_real_date(int(french[3]), int(french[2]), int(french[1])) if french
                 else None)
        fields.error(node.line, field, f"expected a date as YYYY-MM-DD (e.g. 2026-10-16), "
                     f"found {shown(node.value)}"
                     + (f"; did you mean {meant}? (year, month, day)" if meant else ""))
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        swapped = _real_date(year, day, month)
        fields.error(node.line, field, f"impossible date '{node.value}': there is no month "
                     f"{month}" + (f"; did you mean {swapped}? (the month comes before the "
                                   "day)" if swapped else ""))
        return None
    if year < 1:
        fields.error(node.line, field, f"impossible date {shown(node.value)}: there is no "
                     "year 0")
        return None
    if not YEARS[0] <= year <= YEARS[1]:
        meant = _meant(match[1])
        fields.error(node.line, field, f"implausible year {match[1]} for a monograph ("
                     f"years from {YEARS[0]} to {YEARS[1]})"
                     + (f"; did you mean {meant}?" if meant else ""))
        return None
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        month_name = dt.date(2000, month, 1).strftime("%B")
        fields.error(node.line, field, f"impossible date '{node.value}': {month_name} {year} "
                     f"has {days} days")
        return None
    return dt.date(year, month, day)


# A date as written in France: day, month, year (14/03/2024, 14.03.2024, 14-03-2024).
_FRENCH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _real_date(year: int, month: int, day: int) -> str | None:
    """The date, as YYYY-MM-DD, if it is a real day of a year monographs may have."""
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date.isoformat() if YEARS[0] <= year <= YEARS[1] else None


def _meant(year: str) -> str | None:
    """The year of this century a slip of the keyboard made ``year`` (four digits) of:
    two digits swapped (2204 for 2024), if one swap gives one, or else the century
    mistyped by one digit (1024 for 2024)."""
    swaps = sorted({swapped for i in range(3)
                    if "2000" <= (swapped := year[:i] + year[i + 1] + year[i] + year[i + 2:])
                    <= "2099" and swapped != year})
    if swaps:
        return swaps[0] if len(swaps) == 1 else None
    century = sum(a != b for a, b in zip(year[:2], "20", strict=True))
    return "20" + year[2:] if century == 1 else None


def _terms(
    fields: Fields, node: Node, field: str, vocabulary: Vocabulary, listed: bool = True
) -> tuple[str, ...] | None:
    """The ids of the vocabulary's terms ``node`` names, in the vocabulary's order, or
    None after an error. Ids hold no comma: a value holding some is several written as
    one (YAML separates them only in a list), told so where the field is ``listed``,
    each checked."""
    values = fields.texts(node, field)
    if values is None:
        return None
    ids: list[str] = []
    ok = True
    separate: list[tuple[str, int]] = []
    for text, line in values:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if len(parts) > 1 and listed:
            fields.error(line, field, f"{shown(text)} is one value (a comma does not separate "
                         f"values here); write a list, [{', '.join(parts)}]")
            ok = False
        separate += [(part, line) for part in parts] if len(parts) > 1 else [(text, line)]
    for text, line in separate:
        entry = vocabulary.match(text)
        if entry is None:
            fields.error(line, field, vocabulary.unknown(text))
            ok = False
        elif entry.id in ids:
            fields.error(line, field, f"'{text}' names '{entry.id}' again; list it once")
            ok = False
        else:
            ids.append(entry.id)
    return tuple(sorted(ids, key=vocabulary.order)) if ok else None


def _items(
    fields: Fields, node: Node, field: str, what: str
) -> tuple[list[tuple[str, Mapping]], bool]:
    """One mapping or a list of mappings, each with the field name that points at it, and
    whether every item was a mapping (the others are reported)."""
    if isinstance(node, Mapping):
        return [(field + ".", node)], True
    if isinstance(node, Sequence) and node.items:
        found = [(f"{field}[{i}].", fields.mapping(item, f"{field}[{i}]"))
                 for i, item in enumerate(node.items)]
        return [(p, m) for p, m in found if m is not None], all(m for _, m in found)
    kind = "an empty list" if isinstance(node, Sequence) else kind_of(node)
    if isinstance(node, Scalar) and node.is_null:
        fields.error(node.line, field, "must not be empty")
    else:
        fields.error(node.line, field, f"expected {what}, found {kind}")
    return [], False


def _territories(fields: Fields, node: Node, place_lines: list[tuple[int, ...]]
                 ) -> tuple[Territory, ...] | None:
    """The territories; ``place_lines`` gets the lines of each one's levels
    (``Monograph.territory_lines``)."""
    items, ok = _items(fields, node, "territory", "a mapping such as 'department: \"31\"' "
                       "or a list of them")
    found: list[Territory] = []
    for prefix, mapping in items:
        misspelt = fields.check_keys(mapping, TERRITORY_KEYS, prefix, TERRITORY_FRENCH)
        levels: dict[str, str | None] = dict.fromkeys(TERRITORY_KEYS)
        lines: dict[str, int] = {}
        readable = True
        for key in TERRITORY_KEYS:
            if (entry := mapping.get(key)) is not None:
                levels[key] = fields.text(entry.value, prefix + key)
                lines[key] = entry.line
                readable = readable and levels[key] is not None
        if not lines:
            if not misspelt:
                fields.error(mapping.line, prefix.rstrip("."), "give at least one of country, "
                             "region, department, commune")
            ok = False
            continue
        if not readable:
            ok = False
            continue
        try:
            territory = resolve(**levels)
        except TerritoryError as error:
            fields.error(lines.get(error.key, mapping.line), prefix + error.key, error.message)
            ok = False
            continue
        if territory in found:
            fields.error(mapping.line, prefix.rstrip("."), f"'{'/'.join(territory.levels)}' is "
                         "listed twice; list it once")
            ok = False
        found.append(territory)
        place_lines.append(tuple(lines.get(level, 0) for level in LEVELS))
    return tuple(found) if ok else None


def _partners(fields: Fields, node: Node, vocabulary: Vocabulary,
              readable: list[tuple[str, Partner]]) -> tuple[Partner, ...] | None:
    """The partners, or None when one is not right; ``readable`` gets those that are,
    each with where it is written (checked against other files all the same)."""
    if not isinstance(node, Sequence):
        fields.error(node.line, "partners", f"expected a list of partners ('- name: …' with "
                     f"'stakeholder: …'), found {kind_of(node)}")
        return None
    items, ok = _items(fields, node, "partners", "a list of partners") if node.items \
        else ([], True)
    partners: list[Partner] = []
    seen: dict[str, int] = {}
    for prefix, mapping in items:
        misspelt = fields.check_keys(mapping, PARTNER_KEYS, prefix, PARTNER_FRENCH)
        name_entry, category_entry = mapping.get("name"), mapping.get("stakeholder")
        name = fields.text(name_entry.value, prefix + "name") if name_entry else None
        if name_entry is None and "name" not in misspelt:
            fields.error(mapping.line, prefix + "name", "required field is missing; add "
                         "'name: …' (the organisation's name)")
        category = None
        if category_entry is None:
            if "stakeholder" not in misspelt:
                fields.error(mapping.line, prefix + "stakeholder", "required field is missing; "
                             f"add 'stakeholder: …' (one of "
                             f"{', '.join(e.id for e in vocabulary.entries)})")
        else:
            ids = _terms(fields, category_entry.value, prefix + "stakeholder", vocabulary,
                         listed=False)
            if ids is not None and len(ids) > 1:
                fields.error(category_entry.line, prefix + "stakeholder", "an organisation has "
                             "one stakeholder category; keep one")
            category = ids[0] if ids and len(ids) == 1 else None
        url_ok, url = _url(fields, mapping, prefix + "url")
        if name is not None and not slugify(name):
            fields.error(name_entry.line, prefix + "name", f"'{name}' has no letter or digit "  # type: ignore[union-attr]
                         "usable in a web address; write the name in Latin letters")
            name = None
        if name is not None and fold(name) in seen:
            fields.error(name_entry.line, prefix + "name", f"'{name}' is already a partner "  # type: ignore[union-attr]
                         f"(line {seen[fold(name)]}); list it once")
            name = None
        if name is None or category is None or not url_ok:
            ok = False
            continue
        assert name_entry is not None and category_entry is not None
        seen[fold(name)] = name_entry.line
        partners.append(Partner(name, category, url, category_entry.line, name_entry.line))
        readable.append((prefix, partners[-1]))
    return tuple(partners) if ok else None


def _url(fields: Fields, mapping: Mapping, field: str) -> tuple[bool, str | None]:
    """Whether the partner's URL is acceptable, and the URL (``None`` if absent)."""
    entry = mapping.get("url")
    if entry is None:
        return True, None
    text = fields.text(entry.value, field)
    if text is None:
        return False, None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        fields.error(entry.line, field, f"'{text}' is not a web address; write it in full, "
                     "e.g. 'https://www.example.org'")
        return False, None
    return True, text


def _themes(fields: Fields, node: Node) -> tuple[tuple[str, int], ...] | None:
    """Each theme with its line."""
    values = fields.listed_texts(node, "themes")
    if values is None:
        return None
    themes: dict[str, tuple[str, int]] = {}
    ok = True
    for text, line in values:
        key = slugify(text)
        if not key:
            fields.error(line, "themes", f"'{text}' has no letter or digit usable in a web "
                         "address; write it in Latin letters")
            ok = False
        elif key in themes:
            fields.error(line, "themes", f"'{text}' is the same theme as '{themes[key][0]}'; "
                         "list it once")
            ok = False
        else:
            themes[key] = (text, line)
    return tuple(themes.values()) if ok else None


def _slug(fields: Fields, fm: Mapping, rel: str) -> tuple[str | None, int]:
    entry = fm.get("slug")
    if entry is not None and isinstance(entry.value, Scalar) and entry.value.is_null:
        entry = None  # left empty: absent, as any optional field
    if entry is None:
        stem = posixpath.splitext(posixpath.basename(rel))[0]
        slug = slugify(stem)
        if not slug:
            fields.error(1, "slug", f"the file name '{stem}' gives no usable web address; "
                         "add 'slug: …' (lower-case letters, digits, hyphens)")
            return None, 1
        return slug, 1
    text = fields.text(entry.value, "slug")
    if text is None:
        return None, entry.line
    if not is_slug(text):
        suggestion = slugify(text)
        fix = f"e.g. '{suggestion}'" if suggestion else "e.g. 'pole-territorial'"
        fields.error(entry.line, "slug", f"invalid slug '{text}': use lower-case letters, "
                     f"digits and single hyphens ({fix})")
        return None, entry.line
    return text, entry.line
