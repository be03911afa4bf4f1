"""Render: ``OutputPage`` → bytes, through Jinja2.

Autoescape is on for every template but plain text (``robots.txt``), and undefined names
are errors (``StrictUndefined``).
Each template reads its page's own context, ``site`` (the ``Site``), ``route`` (its own
route), ``url(route)`` for links under ``base_url``, ``full_url(route)`` for absolute
links, ``article_data(monograph)`` for its JSON-LD, and the filters ``date_fr``
(« 1er octobre 2026 »), ``fr`` (French spacing), ``plural`` and ``jsonld`` (JSON safe
inside ``<script>``). Only a rendered Markdown body is marked safe, by the template that
shows it. An error while rendering is the template's (``TemplateProblem``, at its line)
when its own code raised it or a function it is given refused its arguments (``misuse``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FunctionType, TracebackType
from typing import TypedDict

import jinja2
from jinja2 import nodes
from jinja2.environment import TemplateModule
from jinja2.runtime import Context
from markupsafe import Markup

from . import structured, urls
from .compiled import CompiledTemplates
from .errors import SsgError
from .index import Site, Term, TerritoryNode
from .markdown import french_text
from .misuse import Misuse, bound, counted, refusal
from .model import Monograph
from .plan import PAGE_TEMPLATES, Deferred, OutputPage
from .reads import (
    ALWAYS,
    Recorder,
    TracedMapping,
    TracedSequence,
    TracedSite,
    card_key,
    front_key,
    model_key,
    plain,
)
from .reuse import OWN_PAGE
from .urls import TemplateRoute

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def date_fr(value: dt.date) -> str:
    """« 16 octobre 2026 », « 1er mai 2025 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def plural(count: int, singular: str, many: str) -> str:
    """« 0 monographie », « 1 monographie », « 2 monographies » (French: 0 is singular)."""
    return f"{count}\u00a0{singular if count < 2 else many}"


def to_json_script(value: object) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` and U+2028/9 escaped; raises
    ``Misuse`` for a value that is not JSON, or holds one (a monograph, a date)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=_not_json)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def _not_json(value: object) -> object:
    if isinstance(value, TracedMapping | TracedSequence):
        return plain(value)  # the site's own lists and mappings, read whole
    raise Misuse(f"the filter jsonld: {type(value).__name__} is not JSON; give it "
                 "article_data(monograph), or a mapping or list of text and numbers")

FILTERS: dict[str, Callable[..., object]] = {
    "date_fr": date_fr, "fr": french_text, "plural": plural, "jsonld": to_json_script}
"""The filters templates are given, beside Jinja's own."""


class TracedTemplate(jinja2.Template):
    """A template whose module (what importing it gives, its top-level code run once per
    process and kept) tells every page that imports it what making it read."""

    def make_module(self, vars: dict[str, object] | None = None, shared: bool = False,
                    locals: Mapping[str, object] | None = None) -> TemplateModule:
        recorder: Recorder = self.environment.recorder  # type: ignore[attr-defined]
        module, read, elsewhere = recorder.apart(functools.partial(
            jinja2.Template.make_module, self, vars, shared, locals))
        module.__dict__[_MODULE_READS] = (frozenset(read), elsewhere)
        recorder.update(read)
        return module

    def _get_default_module(self, ctx: Context | None = None) -> TemplateModule:
        module = super()._get_default_module(ctx)
        recorder: Recorder = self.environment.recorder  # type: ignore[attr-defined]
        read, elsewhere = module.__dict__.get(_MODULE_READS, ((), False))
        recorder.update(read)
        if elsewhere:
            recorder.elsewhere()
        return module


_MODULE_READS = "__impact_reads__"


class TracingEnvironment(jinja2.Environment):
    """A Jinja environment telling its ``recorder`` which fields of the model templates
    read (``reads``)."""

    recorder: Recorder
    facing: dict[CodeType, tuple[str, Callable[..., object]]]
    """The functions templates are given, by their code, with the name templates call
    them by (``render_page`` tells a template's misuse of one from its bug)."""
    template_class = TracedTemplate

    def getattr(self, obj: object, attribute: str) -> object:
        # Jinja's own, with the read told: called for every ``a.b`` of every page.
        recorder = self.recorder
        keys = recorder.keys
        kind = type(obj)
        if kind is Monograph:
            if attribute == "rendered":
                recorder.body(obj.source)  # type: ignore[attr-defined]
            if keys is not None:
                keys.add(("b\x1f" if attribute == "rendered" else "m\x1f")
                         + obj.slug)  # type: ignore[attr-defined]
        elif keys is not None and (kind is Term or kind is TerritoryNode):
            keys.add(model_key(obj, attribute))  # type: ignore[arg-type]
        elif kind is TracedSite and attribute[:1] == "_":
            return _hidden(self, obj, attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]  # type: ignore[index]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: object, argument: object) -> object:
        kind = type(obj)
        if kind is Monograph and argument == "rendered":
            self.recorder.body(obj.source)  # type: ignore[attr-defined]
        elif kind is TracedSite and isinstance(argument, str) and argument[:1] == "_":
            return _hidden(self, obj, argument)
        keys = self.recorder.keys
        if keys is not None and isinstance(argument, str):
            key = model_key(obj, argument)
            if key is not None:
                keys.add(key)
        return super().getitem(obj, argument)


class _Undefined(jinja2.StrictUndefined):
    """Jinja's strict undefined, saying what a template read that is not there in the
    words of templates: 'a monograph has no attribute 'titel' (did you mean 'title'?)',
    not Jinja's 'impact_ssg.model.Monograph object' (made only when it is told)."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if (self._undefined_hint is None and isinstance(name, str)
                and type(obj).__module__.startswith(__package__ + ".")):
            return _no_attribute(obj, name)
        return super()._undefined_message


# How templates name the objects of the model they are given.
_SHOWN = {"Monograph": "a monograph", "Partner": "a partner", "Territory": "a territory",
          "Term": "a term", "TerritoryNode": "a territory", "Related": "a related monograph",
          "Site": "site", "TracedSite": "site", "Config": "site.config",
          "Pagination": "pagination"}


def _no_attribute(obj: object, name: str) -> str:
    """What to say of ``obj``, an object of the model, having no attribute ``name``: the
    closest it has, or the few it has."""
    shown = obj._site if isinstance(obj, TracedSite) else obj
    names = [n for n in dir(shown) if not n.startswith("_")]
    kind = type(obj).__name__
    told = f"{_SHOWN.get(kind, 'a ' + kind)} has no attribute '{name}'"
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f"{told} (did you mean '{close[0]}'?)"
    return f"{told}; it has {', '.join(names)}" if len(names) <= 12 else told


def _hidden(env: jinja2.Environment, site: object, name: str) -> jinja2.Undefined:
    """What templates get for a name the site hides (it reaches the model unseen)."""
    return env.undefined(f"site.{name}: names beginning with _ are not for templates",
                         obj=site, name=name)


class _Syntax(TypedDict):
    trim_blocks: bool
    lstrip_blocks: bool
    keep_trailing_newline: bool


# How templates are read: the lexer's rules depend on it.
_SYNTAX: _Syntax = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


def make_environment(templates: Path, site: Site,
                     compiled: CompiledTemplates | None = None,
                     recorder: Recorder | None = None) -> TracingEnvironment:
    """The Jinja environment for one site; ``compiled`` keeps its compiled templates,
    ``recorder``, if any, hears what of the model each page reads (``reads``)."""
    env = TracingEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=compiled,
        # HTML and XML are escaped; plain text (robots.txt) is not HTML.
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt",), default=True),
        undefined=_Undefined,
        **_SYNTAX,
        # One build, one version of each template: not checked again at each page.
        auto_reload=False,
    )
    # Without a recorder, one that is never asked to record: nothing is told. Templates
    # see the same ``site`` either way, so that their pages are the same bytes.
    env.recorder = told = recorder or Recorder()
    shown = TracedSite(site, told)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": plain}

    def article_data(monograph: Monograph) -> dict[str, object]:
        told.add(front_key(monograph))
        return structured.article(shown, monograph)  # type: ignore[arg-type]

    link = urls.Urls(site.config.base_url)
    env.globals.update(site=shown, url=link, full_url=link.full, urls=urls,
                       absolute_base=link.absolute, article_data=article_data)
    env.filters.update(FILTERS)
    env.globals["cached_card"] = _card_cache(env, traced=recorder is not None)
    given = [(f"the filter {name}", function) for name, function in env.filters.items()]
    given += [(f"{name}()", function) for name, function in env.globals.items()]
    given += [(f"urls.{name}()", function) for name, function in vars(urls).items()]
    given += [("url()", urls.Urls.__call__), ("full_url()", urls.Urls.full)]
    env.facing = {function.__code__: (name, function) for name, function in given
                  if isinstance(function, FunctionType)}
    return env


def _card_cache(env: TracingEnvironment, traced: bool) -> Callable[[Monograph, int], Markup]:
    """``cached_card(m, level)``: the ``card`` macro of ``_macros.html``, rendered once per
    monograph and heading level. A monograph is listed on a dozen pages (its network,
    alliance types, categories, organisations, themes, territory levels). A page showing
    one reads it as one key, whose own reads the recorder keeps (``reads``)."""
    # Kept as UTF-8: a card's French text (’, narrow no-break spaces) makes a str of two
    # bytes a character, and each process that renders lists keeps every card, 30 MB at
    # 10,000 monographs; decoding one again costs about a microsecond.
    cards: dict[str, bytes] = {}
    # The cards that read a body: every page showing one reads it (``reads.Recorder``).
    reading_bodies: set[str] = set()

    recorder = env.recorder

    def cached_card(monograph: Monograph, level: int) -> Markup:
        key = card_key(monograph, level)
        card = cards.get(key)
        if card is None:
            # Made apart even when nothing is traced: a card belongs to no page. What
            # the macros' own top-level code read is the card's too (a page may show it
            # without importing them).
            made, read, elsewhere = recorder.apart(lambda: str(env.get_template(
                CARD_TEMPLATE).module.card(monograph, level)).encode())  # type: ignore[attr-defined]
            if traced:
                recorder.fresh[key] = sorted(read)
            if elsewhere:
                reading_bodies.add(key)
            card = cards[key] = made
        elif key in reading_bodies:
            recorder.elsewhere()
        recorder.add(key)
        return Markup(card.decode())

    return cached_card


class TemplateProblem(SsgError):
    """Templates that do not compile, or that fail while rendering: the user's to fix;
    one line for each."""


class PageProblem(TemplateProblem):
    """A template failing while rendering one page: ``where`` (``template:line``), what
    it ``said``, and the page's ``route``."""

    def __init__(self, where: str, said: str, route: str) -> None:
        self.where, self.said, self.route = where, said, route
        super().__init__(f"{where}: {said} (while rendering /{route})")

    def __reduce__(self) -> tuple[type[PageProblem], tuple[str, str, str]]:
        # Exceptions pickle as their class called with ``args`` (here the message alone);
        # a worker process sends its problems back pickled.
        return PageProblem, (self.where, self.said, self.route)


class Problems:
    """The templates' problems of one build, folded as they arrive (a line failing on
    every page is kept once): ``add`` each, then ``told()`` is the one problem telling
    them all, or None."""

    def __init__(self) -> None:
        self._first: dict[str, PageProblem] = {}
        self._others: dict[str, int] = {}
        self._told: set[str] = set()

    def add(self, problem: TemplateProblem) -> None:
        """A page's problem counts under the line it stopped at: the first it came to
        (in the order added, the pages'); the values it quotes may differ from page to
        page."""
        if not isinstance(problem, PageProblem):
            self._told.add(str(problem))
        elif problem.where in self._first:
            self._others[problem.where] += 1
        else:
            self._first[problem.where], self._others[problem.where] = problem, 0

    def told(self) -> TemplateProblem | None:
        """One problem telling each once, in the order of the template lines they name.
        A page stops at its first failing line: the count of the pages stopped at one
        is not that of those it fails on (fixed, a later line may fail on more)."""
        told = set(self._told)
        for where, problem in self._first.items():
            more = self._others[where]
            told.add(f"{where}: {problem.said} (while rendering /{problem.route}" + (
                f"; {more} other page{'s' if more > 1 else ''} stopped there too)"
                if more else ")"))
        return TemplateProblem("\n".join(sorted(told, key=_by_line))) if told else None


def _by_line(told: str) -> tuple[str, int, str]:
    """Where a problem names ``file:line:``, by file then line number (``:9`` before
    ``:13``)."""
    named = _WHERE.match(told)
    return (named[1], int(named[2]), told) if named else (told, 0, told)


_WHERE = re.compile(r"([^\n]*?):(\d+): ")


def check_templates(templates: Path) -> tuple[TemplateRoute, ...]:
    """Compile the templates the site renders (``plan.PAGE_TEMPLATES``, and the card's
    ``_macros.html``) and those they extend, include or import by a name written out;
    raise one ``TemplateProblem`` naming each that does not compile (a syntax error, a
    filter or test that does not exist, wherever it is), cannot be read or is missing,
    with its line. A template asked for only where it may never be rendered (in an
    ``if``) is not missing until a page renders it. Other files of the
    folder are not templates of the site. Return the routes they link to written out
    (``crosscheck.template_routes`` looks them up once the site is planned)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), **_SYNTAX)
    env.filters.update(FILTERS)
    problems: list[str] = []
    routes: list[TemplateRoute] = []
    seen: set[str] = set()
    exported: dict[str, set[str]] = {}
    imported: list[tuple[str, str, str]] = []  # template, name, where it is imported
    blocks: dict[str, _Blocks] = {}
    # Each template to compile, with the one asking for it, where and whether by an
    # include, if any, and whether it is asked for whenever that one renders.
    todo: list[tuple[str, tuple[str, str, bool] | None, bool]] = [
        (name, None, True) for name in (*PAGE_TEMPLATES, CARD_TEMPLATE)]
    while todo:
        name, asked, certain = todo.pop()
        if name in seen:
            continue
        shown = _shown_path(os.fspath(templates / name))
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            seen.add(name)
            tree = env.parse(source, name)
            exported[name] = _exports(tree)
            blocks[name] = _blocks(tree, shown)
            imported.extend(_imports(tree, shown))
            routes.extend(_routes(tree, shown))
            unknown = list(_unknown_names(env, tree, shown))
            problems.extend(unknown)
            if not unknown:  # else compiling would say the first again
                env.compile(tree, name, shown)
        except jinja2.TemplateNotFound:
            if certain:
                seen.add(name)
                problems.append(_missing(templates, name, asked))
            continue
        except jinja2.TemplateSyntaxError as error:
            problems.append(f"{shown}:{error.lineno}: {error.message}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{shown}: not UTF-8 text; save it in UTF-8")
            continue
        todo.extend(sorted(((target, (name, f"{shown}:{line}", included), sure)
                            for target, line, included, sure in _asked(tree)), reverse=True))
    for template, name, where in imported:
        names = exported.get(template)
        if names is not None and name not in names:
            problems.append(f"{where}: '{template}' has no macro or variable '{name}' to "
                            f"import: {_name_hint(name, names)}")
    problems.extend(_blocks_never_shown(blocks))
    if problems:
        raise TemplateProblem("\n".join(sorted(problems)))
    return tuple(sorted(routes))


@dataclass(frozen=True, slots=True)
class _Blocks:
    """The blocks of a template, and the one it extends (by a name written out)."""

    shown: str
    """The template's path as messages show it."""
    extends: str | None
    outer: tuple[tuple[str, int], ...]
    """Its blocks that are in no other block, each with its line."""
    every: frozenset[str]
    called: frozenset[str] = frozenset()
    """The blocks it calls by name (``self.lieu()``), which are shown so."""


def _blocks(tree: nodes.Template, shown: str) -> _Blocks:
    extends = next((node.template.value for node in tree.find_all(nodes.Extends)
                    if isinstance(node, nodes.Extends) and isinstance(node.template, nodes.Const)
                    and isinstance(node.template.value, str)), None)
    outer: list[tuple[str, int]] = []

    def visit(node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Block):
                outer.append((child.name, child.lineno))
            else:
                visit(child)

    visit(tree)
    every = frozenset(b.name for b in tree.find_all(nodes.Block) if isinstance(b, nodes.Block))
    called = frozenset(node.attr for node in tree.find_all(nodes.Getattr)
                       if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name)
                       and node.node.name == "self")
    return _Blocks(shown, extends, tuple(outer), every, called)


def _blocks_never_shown(blocks: Mapping[str, _Blocks]) -> Iterator[str]:
    """A problem for each block a template fills that none of the templates it extends
    has: Jinja drops what it holds without a word (a block of ``base.html`` renamed
    leaves every page without what each filled it with). Templates that extend one
    that could not be read are left to that one's problem."""
    for template in blocks.values():
        chain: list[_Blocks] = []
        parent = template.extends
        while parent is not None and parent in blocks and len(chain) < len(blocks):
            chain.append(blocks[parent])
            parent = blocks[parent].extends
        if template.extends is None or parent is not None:
            continue
        known = frozenset().union(*(c.every for c in chain))
        called = frozenset().union(template.called, *(c.called for c in chain))
        for name, line in template.outer:
            if name not in known and name not in called:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                hint = (f"did you mean '{close[0]}'?" if close else
                        f"name it as one of theirs: {', '.join(sorted(known)[:12])}")
                yield (f"{template.shown}:{line}: block '{name}' is in no template it extends "
                       f"({', '.join(c.shown for c in chain)}), so what it holds is never "
                       f"shown; {hint}")


def _routes(tree: nodes.Template, shown: str) -> Iterator[TemplateRoute]:
    """The routes ``tree`` gives ``url()`` or ``full_url()`` written out."""
    for node in tree.find_all(nodes.Call):
        if (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)
                and node.node.name in ("url", "full_url") and len(node.args) == 1
                and (route := _written(node.args[0])) is not None):
            yield TemplateRoute(shown, node.lineno, node.node.name, route)


def _written(node: nodes.Node) -> str | None:
    """The text ``node`` always stands for, if it is made of text written out and of
    the route names templates have as ``urls`` (``urls.PANORAMA ~ '/'``)."""
    if isinstance(node, nodes.Const):
        return node.value if isinstance(node.value, str) else None
    if (isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name)
            and node.node.name == "urls" and node.attr.isupper()):
        value = getattr(urls, node.attr, None)
        return value if isinstance(value, str) else None
    if isinstance(node, nodes.Concat):
        parts = [_written(part) for part in node.nodes]
        return None if None in parts else "".join(p for p in parts if p is not None)
    return None


def _unknown_names(env: jinja2.Environment, tree: nodes.Template, shown: str
                   ) -> Iterator[str]:
    """A problem for each filter or test ``tree`` uses that ``env`` does not have: Jinja
    says so when compiling only of those outside an ``if``."""
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        if not isinstance(node, (nodes.Filter, nodes.Test)):
            continue
        kind, known = ("filter", env.filters) if isinstance(node, nodes.Filter) \
            else ("test", env.tests)
        if node.name not in known:
            yield (f"{shown}:{node.lineno}: no {kind} named '{node.name}': "
                   f"{_name_hint(node.name, known)}")


def _name_hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean '{close[0]}'?" if close else "check its name"


def _exports(tree: nodes.Template) -> set[str]:
    """The names a template gives those importing from it: its macros and variables set
    outside them (an ``if`` may set them), but for those beginning with '_'."""
    names: set[str] = set()

    def visit(node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Macro):
                names.add(child.name)
            elif isinstance(child, (nodes.Assign, nodes.AssignBlock)):
                # ``set a = …`` or ``set a, b = …``
                targets = [child.target, *child.target.find_all(nodes.Name)]
                names.update(t.name for t in targets if isinstance(t, nodes.Name))
            elif not isinstance(child, (nodes.CallBlock, nodes.For, nodes.Block)):
                visit(child)

    visit(tree)
    return {name for name in names if not name.startswith("_")}


def _imports(tree: nodes.Template, shown: str) -> Iterator[tuple[str, str, str]]:
    """What ``tree`` imports by name (``{% from "x" import a %}``) from a template named
    by a name written out: the template, the name, and where."""
    for node in tree.find_all(nodes.FromImport):
        if isinstance(node, nodes.FromImport) and isinstance(node.template, nodes.Const):
            for name in node.names:
                yield (str(node.template.value), name if isinstance(name, str) else name[0],
                       f"{shown}:{node.lineno}")


_MAYBE = (nodes.If, nodes.CondExpr)
"""What holds statements that may never run (a loop or a macro, as templates are
written, runs on some page)."""


def _asked(node: nodes.Node, certain: bool = True) -> Iterator[tuple[str, int, bool, bool]]:
    """The templates ``node`` extends, imports or includes (unless ``ignore missing``)
    by a name written out, with the line asking, whether by an include, and whether it
    is asked for whenever the template renders; names made at run time are not known
    before (the page rendering them names any that is missing)."""
    inside = certain and not isinstance(node, _MAYBE)
    for child in node.iter_child_nodes():
        if isinstance(child, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            target = child.template
            if (isinstance(target, nodes.Const) and isinstance(target.value, str)
                    and not (isinstance(child, nodes.Include) and child.ignore_missing)):
                yield (target.value, child.lineno, isinstance(child, nodes.Include),
                       inside)
        yield from _asked(child, inside)


def _missing(templates: Path, name: str, asked: tuple[str, str, bool] | None) -> str:
    """The problem of a template not found: one the site renders pages with, or one that
    ``asked`` names (the template asking, where: ``file:line``, and whether it includes
    it)."""
    # Not a template the site needs itself: 'terms.html' is not 'term.html' misnamed.
    needed = {*PAGE_TEMPLATES, CARD_TEMPLATE} if asked is None else {asked[0]}
    there = sorted(rel for rel in (path.relative_to(templates).as_posix() for path in
                                   templates.rglob("*") if path.is_file())
                   if not rel.startswith("static/") and rel not in needed)
    close = _closest(name, there)
    if asked is None:
        fix = (f"did you mean '{close}'? rename it" if close
               else "put back the one shipped with impact-ssg, or one of your own")
        return (f"{_shown_path(os.fspath(templates / name))}: not found; the site renders "
                f"pages with it: {fix}")
    hint = f"did you mean '{close}'? " if close else ""
    fix = ("correct the name, add the file, or include it with 'ignore missing'" if asked[2]
           else "correct the name or add the file")
    return (f"{asked[1]}: template '{name}' is not in {_shown_path(os.fspath(templates))}/: "
            f"{hint}{fix}")


def _closest(name: str, names: list[str]) -> str | None:
    """The one of ``names`` most like ``name``, their extensions aside, if one is."""
    stems = {posixpath.splitext(other)[0]: other for other in names}
    close = difflib.get_close_matches(posixpath.splitext(name)[0], sorted(stems), n=1,
                                      cutoff=0.75)
    return stems[close[0]] if close else None


TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")
CARD_TEMPLATE = "_macros.html"
"""The template whose ``card`` macro ``cached_card`` renders."""
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def render_page(env: TracingEnvironment, page: OutputPage) -> bytes:
    """The bytes of one page; raises ``TemplateProblem`` naming the template and line.
    Then ``env.recorder.foreign`` tells whether it read a body not its own (``reuse``)."""
    recorder = env.recorder
    own = page.context.get("monograph") if page.template == OWN_PAGE else None
    recorder.own = own.source if isinstance(own, Monograph) else None
    recorder.foreign = False
    try:
        template = env.get_template(page.template)
        context = dict(page.context)
        for name, value in page.context.items():
            if isinstance(value, Deferred):
                # Made from the model in ways no key names.
                env.recorder.add(ALWAYS)
                context[name] = value.make()
        return template.render(route=page.route, **context).encode("utf-8")
    except jinja2.TemplateSyntaxError as error:
        where = f"{_shown_path(error.filename)}:{error.lineno}"
        raise TemplateProblem(f"{where}: {error.message}") from error
    except Exception as error:
        said = str(error)
        if not isinstance(error, jinja2.TemplateError):
            # What a template's code raised (1/0, or Jinja's sort on values that do not
            # compare), or a function it is given refusing what it gave, is the template's
            # to mend; what this package's code raised otherwise is not.
            told = _misused(env, error)
            if told is None:
                raise
            said = told
        frames = [(frame.tb_frame.f_code.co_filename, frame.tb_lineno)
                  for frame in _frames(error.__traceback__)
                  if frame.tb_frame.f_code.co_filename.endswith(TEMPLATE_SUFFIXES)]
        where = f"{_shown_path(frames[-1][0])}:{frames[-1][1]}" if frames else page.template
        raise PageProblem(where, said, page.route) from error


def _misused(env: TracingEnvironment, error: Exception) -> str | None:
    """What a template did wrong, if ``error`` is its own: raised by its code, or by a
    function it is given that does not take the arguments it gave; ``None`` if not."""
    if isinstance(error, Misuse):
        return str(error)
    frames = [frame.tb_frame for frame in _frames(error.__traceback__)]
    last = max((i for i, frame in enumerate(frames)
                if frame.f_code.co_filename.endswith(TEMPLATE_SUFFIXES)), default=None)
    if last is None:
        return None
    beneath = [frame for frame in frames[last + 1:]
               if frame.f_code.co_filename.startswith(_PACKAGE)]
    if not beneath:
        said = str(error)
        if isinstance(error, TypeError):
            # Called with arguments it has no room for: Python names the function by its
            # place in this package (``Urls.__call__()``), not as templates call it.
            for name, given in env.facing.values():
                if said.startswith(f"{given.__qualname__}() "):
                    return f"{name}: " + counted(said.removeprefix(f"{given.__qualname__}() "),
                                                 given, name.startswith("the filter "))
        return f"{type(error).__name__}: {said}"
    frame = beneath[0]
    if frame.f_code is _SITE_CALL:
        # ``site.terms_of(…)`` and the like: the site's method, through its proxy.
        function: Callable[..., object] = frame.f_locals["method"]
        name = f"site.{frame.f_locals['name']}()"
        try:
            arguments = bound(name, function, frame.f_locals["args"])
        except Misuse as misuse:
            return str(misuse)
    else:
        found = env.facing.get(frame.f_code)
        if found is None:
            return None
        name, function = found
        arguments = {parameter: frame.f_locals[parameter] for parameter in
                     frame.f_code.co_varnames[:frame.f_code.co_argcount]
                     if parameter in frame.f_locals}
    return refusal(name, function, arguments)


_SITE_CALL = TracedSite._call.__code__


def _frames(traceback: TracebackType | None) -> Iterator[TracebackType]:
    while traceback is not None:
        yield traceback
        traceback = traceback.tb_next


def _shown_path(filename: str | None) -> str:
    if not filename:
        return "template"
    path = Path(filename)
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
