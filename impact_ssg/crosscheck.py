"""The rules that need the whole corpus, checked before anything is indexed or rendered.

- two monographs may not share a slug;
- an organisation (partners' names compared as vocabulary values are) carries one
  stakeholder category everywhere, and two organisations may not share a page;
- an organisation, a theme or a place written otherwise than most mentions write it is
  worth a warning (the site shows the usual spelling, ``spellings``), and so is a title
  another monograph has;
- two files may not differ only by case or Unicode normalisation;
- a relative link or image in a body must point at a monograph file or another file under
  the source folder; a link to a draft is worth a warning, as it renders as plain text.

``crosscheck`` returns every error and warning; it raises nothing. Once the site is
planned, ``site_links`` warns about links from the site's root that lead to none of its
files (a draft's page, when drafts have none, is told as such).
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from .errors import ContentError, ContentWarning
from .markdown import Reference, is_under
from .model import Monograph, Partner
from .slug import fold, slugify
from .spellings import Mention, differing
from .territory import LEVELS, place_key
from .urls import TemplateRoute, same_file_key
from .urls import monograph as monograph_route


def crosscheck(
    monographs: Sequence[Monograph],
    files: Iterable[str],
    source_name: str = "monographs",
    drafts: bool = False,
    invalid: Sequence[Referrer] = (),
    order: Sequence[str] = (),
) -> tuple[list[ContentError], list[ContentWarning]]:
    """Check ``monographs`` against each other and the other ``files``.

    ``files`` are every other file under the source folder (relative paths), the
    monograph files that failed validation included: a link to one of those is not
    reported again, as the file's own errors say what to fix;
    ``source_name`` how messages name that folder, ``drafts`` whether drafts get pages in
    this build; ``invalid``: what could be read of those files (what their bodies refer
    to, their slugs and partners), checked as well; ``order``: the monograph files
    (relative paths) in source order, which decides which of two files sharing a slug
    or spelling an organisation otherwise is told (default: ``monographs``, then
    ``invalid``).
    """
    files = list(files)
    rank = {source: i for i, source in enumerate(order)}
    claimants: list[_Claimant] = sorted([*monographs, *invalid],
                                        key=lambda c: rank.get(c.source, len(rank)))
    errors = (_slugs(claimants) + _organisations(claimants)
              + _case_twins(files, source_name))
    refs_errors, warnings = references(monographs, monographs, set(files), source_name, drafts,
                                       invalid)
    valid = [c for c in claimants if isinstance(c, Monograph)]
    return errors + refs_errors, warnings + _spellings(valid) + _titles(valid)


class Referrer(NamedTuple):
    """A file whose body refers to others: a monograph, or a file with errors whose body
    could still be read (``model.Invalid``)."""

    source: str
    path: str
    references: tuple[Reference, ...]
    published: bool
    """Whether the file is a monograph and not a draft (a link from it to a draft is then
    worth a warning, the draft having no page)."""
    slug: str | None = None
    """Its slug, where it could be read."""
    slug_line: int = 1
    partners: tuple[tuple[str, Partner], ...] = ()
    """Its partners read whole, each with where it is written (``partners[1].``)."""


# A monograph file as ``_slugs`` and ``_organisations`` check it: a valid one, or what
# could be read of one with errors.
_Claimant = Monograph | Referrer


def _named_partners(monograph: _Claimant) -> Iterable[tuple[str, Partner]]:
    if isinstance(monograph, Referrer):
        return monograph.partners
    return ((f"partners[{index}].", partner) for index, partner in enumerate(monograph.partners))


def _slugs(monographs: Sequence[_Claimant]) -> list[ContentError]:
    """Every monograph but one of each slug is in error. The one kept has its slug from
    its file name, if one has (a ``slug:`` line, which an author wrote on purpose, is
    where to look first); among those, the published one of the earliest date, whose
    page is the likeliest to be on the web already (``monographs/2025/x.md``, new, comes
    before ``monographs/x.md`` in source order); between equals, the first."""
    sharing: dict[str, list[_Claimant]] = {}
    for monograph in monographs:
        if monograph.slug is not None:
            sharing.setdefault(monograph.slug, []).append(monograph)
    errors = []
    for slug, group in sharing.items():
        if len(group) < 2:
            continue
        kept = min([m for m in group if not _slug_written(m)] or group, key=_seniority)
        named = "from its file name" if not _slug_written(kept) else f"line {kept.slug_line}"
        for monograph in group:
            if monograph is kept:
                continue
            # Either may give way; the fix names both when this one's slug was written.
            fix = ("rename this file or set 'slug: …'" if not _slug_written(monograph)
                   else f"change this slug, or rename {kept.path}" if not _slug_written(kept)
                   else "change one of them")
            errors.append(ContentError(
                monograph.path, monograph.slug_line, "slug",
                f"'{slug}' is already the slug of {kept.path} ({named}); two monographs "
                f"need two slugs: {fix}"))
    return errors


def _seniority(monograph: _Claimant) -> tuple[bool, dt.date]:
    """Published first, then the earliest date; a file with errors, whose date may not
    be known, last."""
    if isinstance(monograph, Monograph):
        return monograph.draft, monograph.date
    return True, dt.date.max


def _slug_written(monograph: _Claimant) -> bool:
    # A slug taken from the file name is reported at line 1, which holds the opening
    # '---' of the front matter and so never a 'slug:' line.
    return monograph.slug_line != 1


def _organisations(monographs: Sequence[_Claimant]) -> list[ContentError]:
    """An organisation's category is the one most of its mentions give (the first
    mention's, between equals): each other mention is an error, where it is written."""
    mentions: dict[str, list[tuple[_Claimant, str, Partner]]] = {}
    pages: dict[str, tuple[str, _Claimant, Partner]] = {}
    errors = []
    for monograph in monographs:
        for prefix, partner in _named_partners(monograph):
            key = fold(partner.name)
            mentions.setdefault(key, []).append((monograph, prefix, partner))
            slug = slugify(partner.name)
            page = pages.setdefault(slug, (key, monograph, partner))
            if page[0] != key:
                errors.append(ContentError(
                    monograph.path, partner.name_line, f"{prefix}name",
                    f"'{partner.name}' and '{page[2].name}' ({page[1].path}:{page[2].name_line}) "
                    f"would share the page /organisations/{slug}/; spell them alike if they are "
                    "one organisation, or tell their names apart"))
    for found in mentions.values():
        counts = Counter(partner.stakeholder for _, _, partner in found)
        if len(counts) < 2:
            continue
        usual = counts.most_common(1)[0][0]  # the first seen among equals
        shown = [f"{m.path}:{p.line}" for m, _, p in found if p.stakeholder == usual]
        where = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
        for monograph, prefix, partner in found:
            if partner.stakeholder != usual:
                errors.append(ContentError(
                    monograph.path, partner.line, f"{prefix}stakeholder",
                    f"'{partner.name}' is '{partner.stakeholder}' here but '{usual}' in "
                    f"{where}; an organisation has one stakeholder category everywhere"))
    return errors


def _titles(monographs: Sequence[Monograph]) -> list[ContentWarning]:
    """Each monograph, after the first in source order, whose title is another's but for
    case, accents, spaces or punctuation: lists, cards and search results show the two
    alike."""
    first: dict[str, Monograph] = {}
    warnings = []
    for monograph in monographs:
        other = first.setdefault(slugify(monograph.title), monograph)
        if other is not monograph:
            warnings.append(ContentWarning(
                monograph.path, monograph.title_line, "title",
                f"it is also the title of {other.path}:{other.title_line}, and lists and "
                "search results would show the two alike; tell them apart"))
    return warnings


def _spellings(monographs: Sequence[Monograph]) -> list[ContentWarning]:
    """Each mention of an organisation, a theme or a place written otherwise than the
    site shows it (``spellings``), in source order."""
    # Most names are written one way: those written two ways at least are found first,
    # and their mentions gathered alone.
    first: dict[tuple[str, str], str] = {}
    mixed: set[tuple[str, str]] = set()
    for monograph in monographs:
        for key, name, _, _ in _names(monograph):
            if first.setdefault(key, name) != name:
                mixed.add(key)
    if not mixed:
        return []
    mentions: dict[tuple[str, str], list[Mention]] = {key: [] for key in sorted(mixed)}
    for monograph in monographs:
        for key, name, line, field in _names(monograph):
            found = mentions.get(key)
            if found is not None:
                found.append(Mention(name, monograph.path, line, field))
    return [ContentWarning(m.path, m.line, m.field, message)
            for found in mentions.values() for m, message in differing(found)]


def _names(monograph: Monograph) -> Iterator[tuple[tuple[str, str], str, int, str]]:
    """The names a monograph gives organisations, themes and places, each with what
    identifies the thing named, its line and its field."""
    for index, partner in enumerate(monograph.partners):
        yield ("o", fold(partner.name)), partner.name, partner.name_line, \
            f"partners[{index}].name"
    for theme, line in zip(monograph.themes, monograph.theme_lines, strict=True):
        yield ("t", slugify(theme)), theme, line, "themes"
    several = len(monograph.territories) > 1
    for index, (territory, lines) in enumerate(zip(monograph.territories,
                                                   monograph.territory_lines, strict=True)):
        prefix = f"territory[{index}]." if several else "territory."
        depth = 0
        for level, line in zip(LEVELS, lines, strict=True):
            name = getattr(territory, level)
            if name is not None:
                yield ("p", place_key(territory, depth)), name, line, prefix + level
                depth += 1


def _case_twins(files: list[str], source_name: str) -> list[ContentError]:
    """Files whose paths differ only by case or by how accents are encoded (NFC or NFD):
    one file on case-insensitive or normalising file systems and servers."""
    first: dict[str, str] = {}
    errors = []
    for rel in sorted(files):
        other = first.setdefault(same_file_key(rel), rel)
        if other == rel:
            continue
        errors.append(ContentError(
            f"{source_name}/{rel}", 0, "file", f"'{rel}' and '{other}' differ only "
            f"{_how_apart(rel, other)} and would be one file on many web servers; rename one"))
    return errors


def _how_apart(one: str, other: str) -> str:
    """How two paths of the same ``same_file_key`` differ."""
    return ("by case" if one.casefold() == other.casefold()
            else "by how their accents are encoded (NFC or NFD)")


def references(
    monographs: Sequence[Monograph], every: Sequence[Monograph], files: set[str],
    source_name: str, drafts: bool, invalid: Sequence[Referrer] = (),
) -> tuple[list[ContentError], list[ContentWarning]]:
    """The errors and warnings of what the bodies of ``monographs`` and of the ``invalid``
    files refer to, among ``every`` monograph and the other ``files`` (as for
    ``crosscheck``)."""
    by_source = {m.source: m for m in every}
    errors: list[ContentError] = []
    warnings: list[ContentWarning] = []
    warnings += [ContentWarning(m.path, line, "body", said) for m in monographs
                 for line, said in (*m.rendered.notes, *(() if m.draft else m.rendered.unwritten))]
    referrers = [*(Referrer(m.source, m.path, m.rendered.references, not m.draft)
                   for m in monographs), *invalid]
    for monograph in referrers:
        for ref in monograph.references:
            field = "body"
            kind = "image" if ref.image else "link"
            if ref.target == ".." or ref.target.startswith("../"):
                errors.append(ContentError(monograph.path, ref.line, field,
                              f"{kind} '{ref.written}' points outside {source_name}/; "
                              "link only to files under it, or use a full https:// address"))
            elif ref.image and ref.target in by_source:
                errors.append(ContentError(monograph.path, ref.line, field,
                              f"image '{ref.written}' is a monograph file, not an image; link "
                              f"to it with [text]({ref.written})"))
            elif ref.target in by_source:
                target = by_source[ref.target]
                if target.draft and monograph.published and not drafts:
                    warnings.append(ContentWarning(monograph.path, ref.line, field,
                                    f"link to the draft '{ref.written}' is shown as plain "
                                    "text until that monograph is published"))
                elif ref.fragment and not target.rendered.leads_to(ref.fragment):
                    close = difflib.get_close_matches(ref.fragment, target.rendered.anchors,
                                                      n=1, cutoff=0.6)
                    hint = f" (did you mean '#{close[0]}'?)" if close else ""
                    warnings.append(ContentWarning(monograph.path, ref.line, field,
                                    f"link '{ref.written}#{ref.fragment}': {target.path} "
                                    "has no heading or id "
                                    f"'#{ref.fragment}'{hint}; the link leads to the top of "
                                    "its page"))
            elif any(part.startswith(("_", ".")) for part in ref.target.split("/")):
                errors.append(ContentError(monograph.path, ref.line, field,
                              f"{kind} '{ref.written}' points at a file that is ignored (its "
                              "name or folder starts with '_' or '.'); rename it or drop the link"))
            elif ref.target not in files:
                known = list(by_source) if ref.target.lower().endswith(".md") else sorted(files)
                key = same_file_key(ref.target)
                twin = next((k for k in known if same_file_key(k) == key), None)
                # Written without its extension ('autre' for 'autre.md'): the file it names,
                # a monograph first for a link, another file for an image.
                named = sorted((k for k in (*by_source, *files)
                                if posixpath.splitext(k)[0] == ref.target),
                               key=lambda k: k.lower().endswith(".md") == ref.image)
                if named and not posixpath.splitext(ref.target)[1]:
                    hint = (f" (did you mean '{_relative(named[0], monograph.source)}'? write "
                            "the file's name whole)")
                elif _WEB_ADDRESS.match(ref.written):
                    hint = (f"; for a web address, write it whole: "
                            f"'https://{ref.written}'")
                elif twin is not None:  # the same name to a reader, not to a web server
                    hint = (f"; '{_relative(twin, monograph.source)}' differs from it only "
                            f"{_how_apart(twin, ref.target)}: write the link as its name is")
                else:
                    close = difflib.get_close_matches(ref.target, known, n=1, cutoff=0.6)
                    hint = (f" (did you mean '{_relative(close[0], monograph.source)}'?)"
                            if close else "")
                what = "monograph file" if ref.target.lower().endswith(".md") else "file"
                errors.append(ContentError(monograph.path, ref.line, field,
                              f"{kind} '{ref.written}': no such {what} in {source_name}/{hint}"))
    for m in monographs:
        for ref in m.rendered.raw_links:
            # Raw HTML is left as written: read from the page's address, not the file's.
            if ref.target in by_source or ref.target in files:
                what = ("that monograph's page" if ref.target in by_source
                        else "that file as published")
                markdown = f"{'!' if ref.image else ''}[texte]({ref.written})"
                warnings.append(ContentWarning(
                    m.path, ref.line, "body",
                    f"{'image' if ref.image else 'link'} '{ref.written}' in raw HTML is left "
                    f"as written, which does not lead to {what}; write it in Markdown: "
                    f"{markdown}"))
    return errors, warnings


# A web address written without its 'https://' ('www.example.org', 'ademe.fr/x'): read
# as a relative path. Names of files end otherwise.
_WEB_ADDRESS = re.compile(r"(?:www\.[^/\s]+|[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|info|io|"
                          r"be|ch|ca|de|es|it|lu|ma|sn|tn|re|coop|asso\.fr|gouv\.fr))(?:[/?#]|$)",
                          re.IGNORECASE)


def _relative(target: str, source: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def site_links(monographs: Collection[Monograph], files: Collection[str], base_path: str = "/",
               among: Iterable[Monograph] | None = None) -> list[ContentWarning]:
    """A warning for each link from the site's root (``/reseaux/anpp/``) in the bodies
    of ``monographs`` that leads to no file of the site, ``files`` (paths in the output
    folder), with the closest of those beside where it leads; a link to a folder leads to
    its ``index.html``. ``base_path`` is the path of ``base_url`` (``/impact/``). A link
    to the page of a draft of ``among`` (default: ``monographs``) is told as such."""
    warnings: list[ContentWarning] = []
    beside: dict[str, list[str]] | None = None
    hints: dict[tuple[str, bool], str] = {}  # a target's, worked out once
    drafts: dict[str, Monograph] | None = None
    for monograph in monographs:
        for ref in monograph.rendered.site_links:
            target = _normal(ref.target)
            if _in_site(target, files):
                continue
            kind = "image" if ref.image else "link"
            if drafts is None:  # made once, and only for a link that needs it
                drafts = {monograph_route(m.slug): m
                          for m in (monographs if among is None else among) if m.draft}
            draft = drafts.get(_page_route(target))
            if draft is not None:
                warnings.append(ContentWarning(
                    monograph.path, ref.line, "body",
                    f"{kind} '{ref.written}' leads to the draft {draft.path}, which has no "
                    "page until it is published (the link is broken until then)"))
                continue
            # Written under the base path (or as the base path names a section of the
            # site): it is read there, and so is what it should be.
            under = base_path != "/" and is_under(unquote(urlsplit(ref.written).path),
                                                  base_path)
            hint = hints.get((target, under))
            if hint is None:
                if beside is None:  # made once, and only for a link that needs it
                    beside = _beside(files)
                hint = hints[target, under] = _site_hint(target, under, ref.written, files,
                                                         beside, base_path)
            warnings.append(ContentWarning(
                monograph.path, ref.line, "body",
                f"{kind} '{ref.written}': the site has no page or file there{hint}"))
    return warnings


def _site_hint(target: str, under: bool, written: str, files: Collection[str],
               beside: dict[str, list[str]], base_path: str) -> str:
    prefix = base_path if under else "/"
    whole = _normal(unquote(urlsplit(written).path)[1:])
    if under and _in_site(whole, files):
        # '/monographies/x/' under a base_url whose path is /monographies/
        return (f" (it is read under base_url's path {base_path}: write "
                f"'{base_path}{whole}')")
    close = _closest(target, beside)
    return _ELSEWHERE if close is None else f" (did you mean '{prefix}{close}'?)"


def _closest(target: str, beside: dict[str, list[str]]) -> str | None:
    """The path of the site (``_beside``) closest to ``target``, which it does not have,
    looked for in the folder where it leads (or the closest folder at that depth)."""
    folder, _, name = target.rstrip("/").rpartition("/")
    if folder not in beside:
        depth = folder.count("/")
        close = difflib.get_close_matches(folder, [f for f in beside if f.count("/") == depth],
                                          n=1, cutoff=0.6)
        if not close:
            return None
        folder = close[0]
    wanted = name + ("/" if target.endswith("/") else "")
    # Only names that could be close are compared: a folder may hold 10,000 pages.
    names = [n for n in beside[folder] if (n.endswith("/") or not target.endswith("/"))
             and n[:1] == wanted[:1] and abs(len(n) - len(wanted)) <= max(3, len(wanted) // 3)]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6) or [
        n for n in beside[folder] if n.startswith(name) and n.endswith(wanted[-1:])]
    return f"{folder + '/' if folder else ''}{close[0]}" if close else None


def _page_route(target: str) -> str:
    """The route of the page ``target`` (a path in the site) leads to, if it is one:
    a folder's, or its ``index.html``'s."""
    if target == "index.html" or target.endswith("/index.html"):
        target = target[:-len("index.html")]
    return target.rstrip("/") + "/"


def template_routes(routes: Iterable[TemplateRoute], files: Collection[str],
                    monographs: Iterable[Monograph] = ()) -> list[ContentWarning]:
    """A warning for each route templates give ``url()`` written out (``check_templates``)
    that leads to none of the site's ``files`` nor to a folder of them (a script's base,
    ``recherche/``), with the closest of those, or to the page of a draft of
    ``monographs``; or that ``url()`` cannot make into a link there (a full address, a
    leading '/', a '#' or '?', which it percent-encodes)."""
    warnings: list[ContentWarning] = []
    beside: dict[str, list[str]] | None = None
    drafts: dict[str, Monograph] | None = None
    for template, line, function, route in routes:
        target = _normal(route.split("#")[0].split("?")[0])
        cut = min((i for i in (route.find("#"), route.find("?")) if i >= 0), default=-1)
        if urlsplit(route).scheme or route.startswith("//"):
            said = (f"an address of its own needs no {function}(), which would make it a "
                    "route of the site; write it as it is")
        elif route.startswith("/"):
            # With base_url '/', url('/feed.xml') is '//feed.xml': an address of another
            # host, feed.xml.
            said = (f"a route takes no leading '/' ({function}() puts base_url before it, "
                    f"and with base_url '/' the link would lead to another host); write "
                    f"{function}('{route.lstrip('/')}')")
        elif cut == 0:
            said = (f"a link within the page needs no {function}(), which percent-encodes "
                    f"'#' and '?'; write '{route}' as it is")
        elif cut > 0:
            said = (f"{function}() percent-encodes '#' and '?'; write "
                    f"{function}('{route[:cut]}') ~ '{route[cut:]}'")
        elif _in_site(target, files):
            continue
        else:
            if beside is None:  # made once, and only for a route that needs it
                beside = _beside(files)
            if target.endswith("/") and target[:-1] in beside:
                continue
            if drafts is None:
                drafts = {monograph_route(m.slug): m for m in monographs if m.draft}
            draft = drafts.get(_page_route(target))
            if draft is not None:
                said = (f"the page of the draft {draft.path}, which has none until it is "
                        "published (the link is broken until then)")
            elif target in beside:
                said = (f"the site has a folder there, with no page of its own (as the "
                        f"base of other routes, write {function}('{target}/'))")
            else:
                close = _closest(target, beside)
                said = ("the site has no page or file there" + (
                    _ELSEWHERE if close is None else f" (did you mean {function}('{close}')?)"))
        warnings.append(ContentWarning(template, line, f"{function}()", f"'{route}': {said}"))
    return warnings


_ELSEWHERE = "; write a full https:// address for a page impact-ssg does not make"


def _beside(files: Collection[str]) -> dict[str, list[str]]:
    """Each folder of the site → the names in it: files, and folders holding a page
    (``name/``)."""
    found: dict[str, list[str]] = {}
    for file in files:
        if file.endswith("index.html") and file[-11:-10] in ("", "/"):
            page = file[:-10].rstrip("/")
            if not page:
                continue
            folder, _, name = page.rpartition("/")
            found.setdefault(folder, []).append(name + "/")
        else:
            folder, _, name = file.rpartition("/")
            found.setdefault(folder, []).append(name)
    return {folder: sorted(names) for folder, names in found.items()}


def _normal(target: str) -> str:
    """``target`` as a browser reads it: '.', '..' and doubled '/' taken away, its
    ending '/' kept."""
    if not target:
        return target
    path = posixpath.normpath("/" + target).lstrip("/")
    return "" if path in ("", ".") else path + ("/" if target.endswith("/") else "")


def _in_site(target: str, files: Collection[str]) -> bool:
    if target == "" or target.endswith("/"):
        return f"{target}index.html" in files
    return target in files or f"{target}/index.html" in files
