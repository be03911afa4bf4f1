"""Reads: what of the model each page read while it was rendered, so that a later build
renders again only the pages that would come out otherwise.

A page's bytes are a function of the *inputs frame* (impact-ssg's code, the config, the
options, the templates, the files beside the monographs: ``uptodate.Inputs.frame``), of
its own context, and of what its template read from the model. While a page renders, a
``Recorder`` collects *keys* naming each such read:

- a monograph's front matter (any field but its outline): ``m␟slug``; its outline
  (``rendered``) or body (``site.body``): ``b␟slug``, with, for each of the body's links
  to other monographs, where that one's page is (an item of ``site.page_urls``);
- a term's or territory node's own fields (``t␟kind␟slug``, ``n␟a/b/c``), its list of
  monographs (``T…``, ``N…``), a node's children (``C…``);
- what ``site`` gave (``TracedSite``): one of its attributes whole (``s␟name``), a
  sequence's length (``l␟name``), an item of a mapping or sequence (``i␟name␟key``,
  ``q␟name␟index``). Its methods run on the proxy, so that what they read is told
  item by item; the model objects given to them or by them are read too;
- a monograph's card, rendered once per process and shown on many pages
  (``k␟slug␟level``), whose own keys are kept with it; what making an imported
  template's module read (its top-level code runs once per process) counts for every
  page that imports it (``render.TracedTemplate``).

Templates always see the site through the proxy, whether reads are recorded or not, so
that the same templates make the same bytes; its lists and mappings print, compare,
add up and turn into JSON as the site's own do.

Each key has a *digest*: what it names, as the model at hand has it (``Digests``). A
page's *trace* is its keys, with a hash of its template, route and context, and the
digest of the bytes it made; each process gives the digests of the keys it read, once.
A later build with the same inputs frame takes a page as the last build made it when each
of its keys has the digest it had when the page was rendered (and the file still holds
those bytes): every
value the template read is the one it read then, so it would take the same path and
write the same bytes (what is read next depends only on what was read before). What no
key can name (a value made while the page renders, an argument of unknown kind) makes
the page rendered at every build.

This holds as long as templates reach the model through attribute and item access,
``site`` and the functions the environment gives them, as Jinja templates do; a template
printing a model object whole (``{{ monograph }}``) would read it unseen.

Recording costs about a seventh of rendering a page, and some 35 MB at 10,000
monographs: a build with no last one (a first build, ``--clean``) records nothing, but
for ``serve``'s (``Options.authoring``), and the first build after it that renders pages
other than by a text edit records their reads (``pipeline``). The traces live beside
the stamp (``Store``), those of each of the last two inputs frames apart (a site served
with its drafts, then built without); a text edit adds those of the pages it rendered,
and the digests they gave, without reading or writing the others, which are checked
against the digests of the build that recorded them.
Which monographs the search index numbers, and how, is kept in the stamp
(``published``): the index shards are updated in place only under the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import pickle
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType
from typing import IO, Any, TypeVar

from .config import Config
from .index import Related, Site, Term, TerritoryNode, body_of
from .misuse import Misuse
from .model import Monograph
from .plan import Deferred, OutputPage
from .territory import Territory
from .wholefile import write_whole

_T = TypeVar("_T")

SEP = "\x1f"
# Between the arguments of a call, and the items of a tuple among them.
_ARGS, _ITEMS = "\x1c", "\x1d"
# A key whose digest is never the same twice: its page is rendered at every build.
ALWAYS = "always"
GONE = "gone"
# The site's bodies by source path (``Site.bodies``).
BODIES = "bodies"
# Each monograph's page by source path, for the links between bodies (``Site.page_urls``).
PAGE_URLS = "page_urls"
# Each monograph's related ones (``Site.related``), and what they are all found from: not
# a read of its own but a hint, read with any of them (``Digests.same``).
RELATED = "related"
RELATED_INPUTS = "R" + SEP + RELATED
_RELATED_ITEM = "i" + SEP + RELATED + SEP


# What a key is made of: a value holding one of these is named otherwise.
_RESERVED = re.compile("[\x1c\x1d\x1f\n\t\0]")
# What names each part of a term or territory node (``model_key``).
_FIELDS = ("", "monographs", "children")
# The shape of a list of monographs: its slugs in one string after this mark (which no
# plain value holds). Lists of thousands are shaped at each check, and a string is
# hashed eight times faster than as many pairs.
_MONOGRAPHS = "\x1fmonographs"


class Untraceable(Exception):
    """A value no key can name."""


class Recorder:
    """The keys read by the page being rendered (``recording``); ``None`` outside one.

    Whatever is recorded, it also notes whether the page read the body of a monograph
    other than its ``own`` (``foreign``): a text edit keeps every page but the edited
    monographs' own only when no page did (``reuse``)."""

    __slots__ = ("foreign", "fresh", "keys", "on_foreign", "own")

    def __init__(self) -> None:
        self.keys: set[str] | None = None
        self.fresh: dict[str, list[str]] = {}
        """Card key → its keys (sorted), for the cards rendered since it was last
        emptied: a card is rendered once in a process, for the first page that shows it."""
        self.own: str | None = None
        """The source path of the monograph whose own page is being rendered, if any."""
        self.foreign = False
        """Whether a body other than the ``own`` one was read since it was last reset."""
        self.on_foreign: Callable[[], object] | None = None
        """Called (once) before the first body not the ``own`` one is read: the model kept
        for text edits lacks the others' outlines until then (``snapshot``)."""

    def body(self, source: str) -> None:
        """The body of the monograph at ``source`` is read."""
        if source != self.own:
            self.elsewhere()

    def elsewhere(self) -> None:
        """A body not the ``own`` one is read."""
        self.foreign = True
        if self.on_foreign is not None:
            told, self.on_foreign = self.on_foreign, None
            told()

    def add(self, key: str) -> None:
        if self.keys is not None:
            self.keys.add(key)

    def update(self, keys: Iterable[str]) -> None:
        if self.keys is not None:
            self.keys.update(keys)

    def apart(self, make: Callable[[], _T]) -> tuple[_T, set[str], bool]:
        """``make()``, made once and shown on many pages (a card, a template's top-level
        code): what it gives, the keys it read (``recording``), and whether it read any
        body (it is no page's own). The page it is made for counts that read too; the
        others showing it are told by whoever keeps it (``elsewhere``)."""
        with self.recording() as read:
            foreign, self.foreign = self.foreign, False
            try:
                made = make()
            finally:
                elsewhere, self.foreign = self.foreign, foreign or self.foreign
        return made, read, elsewhere

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[str]]:
        """Collect keys into a new set while the block runs; the reads of the block do
        not count for an enclosing recording. The block belongs to no monograph's own
        page (a card, a template's top-level code: made once, shown on many pages)."""
        outer, self.keys = self.keys, set()
        own, self.own = self.own, None
        try:
            yield self.keys
        finally:
            self.keys = outer
            self.own = own


def model_key(obj: object, attribute: str) -> str | None:
    """The key of reading ``attribute`` of a model object; ``None`` for other objects.
    A term's or node's monographs, and a node's children, are keys of their own: most
    pages read only their names."""
    kind = type(obj)
    if kind is Monograph:
        assert isinstance(obj, Monograph)
        return ("b" if attribute == "rendered" else "m") + SEP + obj.slug
    if kind is Term:
        assert isinstance(obj, Term)
        return ("T" if attribute == "monographs" else "t") + SEP + obj.kind + SEP + obj.slug
    if kind is TerritoryNode:
        assert isinstance(obj, TerritoryNode)
        part = {"monographs": "N", "children": "C"}.get(attribute, "n")
        return part + SEP + "/".join(obj.slugs)
    return None


def front_key(monograph: Monograph) -> str:
    """The key of reading a monograph's front matter."""
    return "m" + SEP + monograph.slug


def card_key(monograph: Monograph, level: int) -> str:
    return "k" + SEP + monograph.slug + SEP + str(level)


def _encode(value: object, inner: bool = False) -> str:
    """An argument or item key as text, ``_decode`` giving it back."""
    kind = type(value)
    if kind is str:
        assert isinstance(value, str)
        if _RESERVED.search(value):
            raise Untraceable("separator")
        return "s" + value
    if kind is Monograph:
        assert isinstance(value, Monograph)
        return "m" + value.slug
    if kind is TerritoryNode:
        assert isinstance(value, TerritoryNode)
        return "n" + "/".join(value.slugs)
    if kind is Territory:
        assert isinstance(value, Territory)
        if any(_RESERVED.search(level) for level in value.levels):
            raise Untraceable("separator")
        return "T" + _ITEMS.join("\0" if getattr(value, f.name) is None else
                                 getattr(value, f.name) for f in dataclasses.fields(Territory))
    if kind is int:
        return "i" + str(value)
    if kind is tuple and not inner:
        assert isinstance(value, tuple)
        return "(" + _ITEMS.join(_encode(item, True) for item in value)
    raise Untraceable(kind.__name__)


class _Missing(Exception):
    pass


def _decode(text: str, site: Site, by_slug: Mapping[str, Monograph]) -> object:
    tag, rest = text[:1], text[1:]
    if tag == "s":
        return rest
    if tag == "i":
        return int(rest)
    if tag == "(":
        return tuple(_decode(item, site, by_slug) for item in rest.split(_ITEMS)
                     ) if rest else ()
    if tag == "T":
        country, *levels = rest.split(_ITEMS)
        return Territory(country, *(None if v == "\0" else v for v in levels))
    found: object = (by_slug.get(rest) if tag == "m"
                     else site.node_by_slugs.get(tuple(rest.split("/"))))
    if found is None:
        raise _Missing
    return found


class TracedSite:
    """``site`` as templates see it: the ``Site``, telling a ``Recorder`` what is read."""

    def __init__(self, site: Site, recorder: Recorder) -> None:
        self._site = site
        self._recorder = recorder
        self._made: dict[str, object] = {}

    def __getattr__(self, name: str) -> object:
        made = self._made.get(name)
        if made is None:
            value = getattr(self._site, name)
            if callable(value):
                made = functools.partial(self._call, name, value)
            elif isinstance(value, Mapping):
                made = TracedMapping(name, value, self._recorder)
            elif isinstance(value, tuple):
                made = TracedSequence(name, value, self._recorder)
            else:
                self._recorder.add("s" + SEP + name)
                return value
            self._made[name] = made
        return made

    def _call(self, name: str, method: Callable[..., object], *args: object,
              **kwargs: object) -> object:
        if kwargs:
            # What a call reads is known by its arguments in order.
            raise Misuse(f"site.{name}() takes its arguments in order, not by name "
                         f"({', '.join(kwargs)}=)")
        body = args[0] if name == "body" and len(args) == 1 else None
        if type(body) is Monograph:
            self._recorder.body(body.source)
        elif name == "body":
            self._recorder.elsewhere()  # whatever it is given, not the page's own
        keys = self._recorder.keys
        if keys is None:
            return method(*args)
        if type(body) is Monograph:
            # A body is made of the monograph's text (its bytes are read only to be
            # shown) and, for each of its links to others, of where that one's page is:
            # not of every page's place, which a monograph added, removed, renamed or
            # made a draft changes.
            keys.add("b" + SEP + body.slug)
            return body_of(self._site, body, functools.partial(
                _page_url, self._site.page_urls, keys))
        function = getattr(type(self._site), name, None)
        if isinstance(function, FunctionType):
            # Run on this proxy: what it reads of the site is told item by item.
            result = function(self, *args)
        else:
            result = method(*args)
            try:
                keys.add("c" + SEP + name + SEP + _ARGS.join(map(_encode, args)))
            except Untraceable:
                keys.add(ALWAYS)
        # It reads the model objects it is given; whoever called it may read the fields
        # of those it gives back.
        for value in args:
            kind = type(value)
            if kind is Monograph:
                keys.add(front_key(value))  # type: ignore[arg-type]
            elif kind is Term or kind is TerritoryNode:
                keys.update(model_key(value, field) for field in _FIELDS)  # type: ignore[misc]
        for value in (result if type(result) is tuple else (result,)):
            kind = type(value)
            if kind is Monograph or kind is Term or kind is TerritoryNode:
                keys.add(model_key(value, ""))  # type: ignore[arg-type]
        return result


def _page_url(page_urls: Mapping[str, str], keys: set[str], source: str) -> str | None:
    """``page_urls.get(source)``, read as one item of ``site.page_urls``."""
    try:
        keys.add("i" + SEP + PAGE_URLS + SEP + _encode(source))
    except Untraceable:
        keys.add("s" + SEP + PAGE_URLS)
    return page_urls.get(source)


class _Traced:
    """A list or mapping of the site (its attribute ``name``), telling ``recorder`` what
    is read of it; read whole, it prints and compares as the site's own does."""

    _value: Any

    def __init__(self, name: str, value: Any, recorder: Recorder) -> None:
        self._name = name
        self._value = value
        self._recorder = recorder

    def whole(self) -> Any:
        """The value itself, read whole."""
        self._recorder.add("s" + SEP + self._name)
        if self._name == BODIES:
            self._recorder.elsewhere()
        return self._value

    def __repr__(self) -> str:
        return repr(self.whole())

    def __eq__(self, other: object) -> bool:
        return bool(self.whole() == (other.whole() if isinstance(other, _Traced) else other))


class TracedMapping(_Traced, Mapping[Any, object]):
    """A mapping of the site: an item read is one key, anything more the whole."""

    _value: Mapping[Any, object]

    def _item(self, key: object) -> None:
        if self._recorder.keys is None:
            return
        try:
            self._recorder.keys.add("i" + SEP + self._name + SEP + _encode(key))
        except Untraceable:
            self._recorder.keys.add("s" + SEP + self._name)
        if self._name == RELATED:
            self._recorder.keys.add(RELATED_INPUTS)

    def __getitem__(self, key: object) -> object:
        if self._name == BODIES:
            self._recorder.body(key if isinstance(key, str) else "")
        self._item(key)
        return self._value[key]

    def __contains__(self, key: object) -> bool:
        self._item(key)
        return key in self._value

    def __iter__(self) -> Iterator[Any]:
        self._recorder.add("s" + SEP + self._name)
        return iter(self._value)

    def __len__(self) -> int:
        self._recorder.add("l" + SEP + self._name)
        return len(self._value)

    __hash__ = None  # type: ignore[assignment]


class TracedSequence(_Traced, Sequence[object]):
    """A sequence of the site: its length, an item or a slice are keys of their own."""

    _value: tuple[object, ...]

    def __len__(self) -> int:
        self._recorder.add("l" + SEP + self._name)
        return len(self._value)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            where = f"{index.start}:{index.stop}:{index.step}"
        elif isinstance(index, int):
            where = str(int(index))  # a bool is the int it stands for
        else:
            self._recorder.add("s" + SEP + self._name)
            return self._value[index]
        self._recorder.add("q" + SEP + self._name + SEP + where)
        return self._value[index]

    def __iter__(self) -> Iterator[object]:
        self._recorder.add("s" + SEP + self._name)
        return iter(self._value)

    def __contains__(self, value: object) -> bool:
        self._recorder.add("s" + SEP + self._name)
        return value in self._value

    def __reversed__(self) -> Iterator[object]:
        self._recorder.add("s" + SEP + self._name)
        return reversed(self._value)

    def __hash__(self) -> int:
        return hash(self.whole())

    def __add__(self, other: object) -> object:
        return self.whole() + (other.whole() if isinstance(other, _Traced)
                               else other)

    def __radd__(self, other: object) -> object:
        return other + self.whole()


def plain(value: object) -> object:
    """``json.dumps``'s ``default``: a traced mapping or sequence as a dict or list."""
    if isinstance(value, TracedMapping):
        return dict(value.whole())
    if isinstance(value, TracedSequence):
        return list(value.whole())
    raise Misuse(f"the filter tojson: {type(value).__name__} is not JSON; give it text, "
                 "numbers, lists or mappings of them")


def shape(value: object) -> object:
    """What of ``value`` a page may show without reading on (a model object: what names
    it and its own fields; the objects it refers to are keys of their own), as nested
    tuples of plain values; raises ``Untraceable``."""
    # Exact types first: lists of thousands of monographs are shaped at every check.
    kind = type(value)
    if kind is Monograph:
        return ("m", value.slug)  # type: ignore[attr-defined]
    if kind is str or value is None:
        return value
    if kind is tuple or kind is list:
        items: Sequence[Any] = value  # type: ignore[assignment]
        if items and type(items[0]) is Monograph:
            slugs = [item.slug for item in items if type(item) is Monograph]
            if len(slugs) == len(items):
                return (_MONOGRAPHS, SEP.join(slugs))  # slugs hold no SEP
        return tuple(map(shape, items))
    if isinstance(value, str | int | float | bool | dt.date):
        return value
    if isinstance(value, Monograph):
        return ("m", value.slug)
    if isinstance(value, Term):
        return ("t", value.kind, value.slug, value.label, value.short, value.description,
                value.category, value.website)
    if isinstance(value, TerritoryNode):
        return ("n", value.level, value.name, value.slugs, value.code)
    if isinstance(value, Related):
        return ("r", value.monograph.slug, value.reasons)
    if isinstance(value, Config):
        return "config"  # part of the inputs frame: the same as long as a trace is used
    if isinstance(value, Mapping):
        return ("{", tuple((shape(k), shape(v)) for k, v in value.items()))
    if isinstance(value, tuple | list):
        return tuple(shape(item) for item in value)
    if isinstance(value, Deferred):
        raise Untraceable("deferred")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                *(shape(getattr(value, f.name)) for f in dataclasses.fields(value)))
    raise Untraceable(type(value).__name__)


def _names(value: object) -> object:
    """``shape``, but a model object only by what names it."""
    kind = type(value)
    if kind is tuple:
        return tuple(_names(item) for item in value)  # type: ignore[attr-defined]
    if kind is Monograph:
        return value.slug  # type: ignore[attr-defined]
    if kind is Term:
        return (value.kind, value.slug)  # type: ignore[attr-defined]
    if kind is TerritoryNode:
        return value.slugs  # type: ignore[attr-defined]
    return shape(value)


def _hash(*parts: object) -> str:
    # 64 bits: a key is only ever compared with itself at the last build.
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def _card(keys: Iterable[str], of: Callable[[str], str]) -> str:
    # Its related lists are compared whole: the hint of what they come from would make it
    # change with any of them. Keys and digests hold no tab or line break.
    return _hash("".join([f"{key}\t{of(key)}\n" for key in keys if key != RELATED_INPUTS]))


def _slice(where: str) -> slice | int:
    if ":" not in where:
        return int(where)
    return slice(*(None if part == "None" else int(part) for part in where.split(":")))


class Digests:
    """Each key's digest over one build's model: ``site``, each monograph's version
    (source → version) and front-matter part of the frame (version → part, ``reuse``),
    and the keys each card read (``cards``: card key → keys, one per line)."""

    def __init__(self, site: Site, versions: Mapping[str, str], fronts: Mapping[str, str],
                 cards: Mapping[str, bytes]) -> None:
        self._site = site
        self._versions = versions
        self._fronts = fronts
        self._cards = cards
        self._memo: dict[str, str] = {}
        self._by_slug = {m.slug: m for m in site.monographs}
        self._given: set[str] = set()

    def with_cards(self, cards: Mapping[str, bytes]) -> Digests:
        """The same model with other cards."""
        return Digests(self._site, self._versions, self._fronts, cards)

    def prepare(self) -> None:
        """Make now what every process checking or rendering pages asks for, so that the
        processes forked after share it, and the model kept for text edits holds it."""
        self.of(RELATED_INPUTS)

    def of(self, key: str) -> str:
        """The digest of ``key``, kept for the next ask."""
        found = self._memo.get(key)
        if found is None:
            packed = self._cards.get(key)
            found = self._memo[key] = (
                self._digest(key) if key[0] != "k" else GONE if packed is None
                else _card(unpack(packed), self.of))
        return found

    def new(self, keys: Iterable[str], cards: Mapping[str, list[str]]) -> bytes:
        """The digests of ``keys`` this process has not given yet (by this method), as
        compressed lines of a key, a tab and its digest (``Traces.parse``); ``cards``:
        the keys of the cards among them. Each key is given once by a process: nothing
        is kept for the next ask."""
        given = self._given
        fresh = [key for key in keys if key not in given]
        if not fresh:
            return b""
        given.update(fresh)
        found = {key: self._digest(key) for key in fresh if key[0] != "k"}
        # A card's digest is made of those of its own keys, given with it.
        for key in fresh:
            if key[0] == "k":
                read = cards.get(key)
                found[key] = GONE if read is None else _card(
                    read, lambda k: found.get(k) or self._digest(k))
        return pack_digests({key: found[key] for key in fresh})

    def _digest(self, key: str) -> str:
        try:
            return self._compute(key)
        except (_Missing, KeyError, IndexError):  # what it names is not in the model
            return GONE
        except Exception:  # anything else names nothing that can be compared
            return ALWAYS + os.urandom(8).hex()

    def same(self, keys: Iterable[str], before: Mapping[str, str]) -> bool:
        """Whether every key has the digest it had ``before``.

        A monograph's related ones take a tenth of a millisecond to find, and a change
        to a title or a summary leaves them all as they were: while what they are found
        from (``RELATED_INPUTS``) is as it was when ``before`` was given, each is what it
        was then, without being found. (``before`` is given a related list's digest only
        with that of what it was found from, at the same build or later.)"""
        of = self.of
        related_as_before: bool | None = None
        for key in keys:
            if key.startswith(_RELATED_ITEM):
                if related_as_before is None:
                    related_as_before = before.get(RELATED_INPUTS) == of(RELATED_INPUTS)
                if related_as_before:
                    if key not in before:
                        return False
                    continue
            elif key == RELATED_INPUTS:
                continue  # a hint: the related lists themselves are compared
            if before.get(key) != of(key):
                return False
        return True

    @staticmethod
    def context(page: OutputPage) -> str:
        """A hash of the page's template, route and context; raises ``Untraceable``."""
        return _hash(page.template, page.route,
                     sorted((name, shape(value)) for name, value in page.context.items()))

    def _front(self, monograph: Monograph) -> str:
        return self._fronts[self._versions[monograph.source]]

    def _compute(self, key: str) -> str:
        kind, name, *rest = key.split(SEP)
        site = self._site
        if kind == "m":
            return self._front(self._by_slug[name])
        if kind == "b":
            return self._versions[self._by_slug[name].source]
        if kind in "tT":
            term = site.term_by_slug[(name, rest[0])]
            return _hash(shape(term) if kind == "t" else shape(term.monographs))
        if kind in "nNC":
            node = site.node_by_slugs[tuple(name.split("/"))]
            return _hash(shape(node) if kind == "n" else shape(
                node.monographs if kind == "N" else node.children))
        if kind == "s":
            return _hash(shape(getattr(site, name)))
        if kind == "l":
            return str(len(getattr(site, name)))
        if kind == "i":
            item = _decode(rest[0], site, self._by_slug)
            mapping = getattr(site, name)
            return _hash(shape(mapping[item]) if item in mapping else GONE)
        if kind == "q":
            return _hash(shape(getattr(site, name)[_slice(rest[0])]))
        if kind == "R":
            return site.related.inputs
        if kind == "c":
            args = tuple(_decode(arg, site, self._by_slug)
                         for arg in rest[0].split(_ARGS)) if rest[0] else ()
            # Which objects it gave: their fields are keys of their own (``_call``).
            return _hash(_names(getattr(site, name)(*args)))
        raise Untraceable(key)


Trace = tuple[str, bytes, str]
"""A page's trace: the hash of its template, route and context (``Digests.context``),
the keys it read (``pack``), and the digest of its bytes."""


def published(site: Site) -> str:
    """A hash of which monographs a site publishes, under which slugs: the search index
    numbers them by slug."""
    return _hash(sorted((m.source, m.slug) for m in site.monographs))


def pack(keys: Iterable[str]) -> bytes:
    """Sorted keys, compressed: listing pages read some fifty cards each, and the traces
    of a 10,000-monograph site would otherwise hold 20 MB of keys."""
    return zlib.compress("\n".join(keys).encode(), 1)


def pack_digests(digests: Mapping[str, str]) -> bytes:
    """Keys and their digests, compressed, as ``Traces.digests`` holds them."""
    return zlib.compress("".join(f"{key}\t{value}\n" for key, value in digests.items()
                                 ).encode(), 1)


def unpack(packed: bytes) -> list[str]:
    text = zlib.decompress(packed).decode()
    return text.split("\n") if text else []


@dataclass(slots=True)
class Traces:
    """What the pages of a build read, for the next build into the same output folder."""

    frame: str
    """``uptodate.Inputs.frame`` of that build: traces hold only under the same."""
    pages: dict[str, Trace]
    """Output file → its page's trace."""
    cards: dict[str, bytes]
    """Card key → the keys it read (``pack``)."""
    digests: list[bytes]
    """Compressed lines of a key and its digest when the pages that read it were made, a
    later line standing for an earlier one of the same key (``Digests.new``)."""
    foreign: frozenset[str] = frozenset()
    """The output files of the pages of that build's site that read a body not their
    own (``Recorder.foreign``), as the pages traced were rendered."""

    def update(self, other: Traces) -> None:
        """Add the traces of a text edit, which publishes the same monographs."""
        self.pages.update(other.pages)
        self.cards.update(other.cards)
        self.digests.extend(other.digests)
        self.foreign = other.foreign

    def parse(self) -> dict[str, str]:
        """Key → digest."""
        # Not splitlines: keys hold the separators it would split at too.
        return dict(line.split("\t") for packed in self.digests
                    for line in zlib.decompress(packed).decode().split("\n") if line)


@dataclass(frozen=True, slots=True)
class Before:
    """What the pages of the last build that recorded read, and of the text edits since.
    A page is checked against the digests of the build that rendered it: ``then`` for
    the pages of the build that recorded, ``then_edited`` for those text edits rendered
    since (``edited``), whose digests they gave."""

    pages: dict[str, Trace]
    cards: dict[str, bytes]
    then: dict[str, str]
    then_edited: dict[str, str]
    edited: frozenset[str]
    base_cards: dict[str, bytes]
    """The cards as the build that recorded rendered them."""
    foreign: frozenset[str]
    """Which of the pages read a body not their own (``Traces.foreign``)."""


class Store:
    """The traces of the builds into one output folder (``uptodate.output_key``), in the
    cache's ``outputs/``, for each of the last ``FRAMES`` inputs frames: a site served
    with its drafts and built without them in turn finds the traces of its own frame, and
    takes as they are the pages that come out the same in both. In a frame: those of the
    last build that read the traces, named by a token, and the text edits since
    (``edits``), which add the pages they rendered and leave the others as they are: a
    text edit writes only those."""

    FRAMES = 2

    def __init__(self, cache: Path, output_key: str) -> None:
        self._folder = cache / "outputs"
        self._key = output_key

    def _bases(self, frame: str | None = None) -> list[Path]:
        """The traces of the last build in ``frame``, or in any frame."""
        # The frame is a hex digest: a prefix of it names the traces' files.
        return sorted(self._folder.glob(f"{self._key}.*.reads" if frame is None
                                        else f"{self._key}.{frame[:16]}.*.reads"))

    def _base(self, frame: str) -> Path | None:
        found = self._bases(frame)
        return found[-1] if found else None

    def exists(self, frame: str) -> bool:
        """Whether the traces of a build in ``frame`` that read them are kept (text edits
        add to those)."""
        return self._base(frame) is not None

    def read(self, frame: str) -> Before | None:
        """The traces of the last build in ``frame`` and of the text edits since, if they
        can be read."""
        base = self._base(frame)
        traces = _load(base, frame) if base else None
        if base is None or traces is None:
            return None
        then = traces.parse()
        edits = _load(base.with_suffix(".edits"), frame)
        if edits is None:
            return Before(traces.pages, traces.cards, then, then, frozenset(), traces.cards,
                          traces.foreign)
        return Before({**traces.pages, **edits.pages}, {**traces.cards, **edits.cards}, then,
                      {**then, **edits.parse()}, frozenset(edits.pages), traces.cards,
                      edits.foreign)

    def write(self, traces: Traces) -> None:
        """Replace the traces of their frame with ``traces``, and forget those of the
        frames before the last ``FRAMES``; a failure only costs the next build time."""
        self.clear(traces.frame)
        others = sorted(self._bases(), key=_written, reverse=True)
        for base in others[self.FRAMES - 1:]:
            _unlink(base, base.with_suffix(".edits"))
        name = (f"{self._key}.{traces.frame[:16]}.{time.time_ns():016x}"
                f"{os.urandom(4).hex()}.reads")
        write_whole(self._folder / name, functools.partial(_dump, traces),
                    (ValueError, pickle.PicklingError))

    def clear(self, frame: str | None = None) -> None:
        """Forget the traces of ``frame``, or of every frame."""
        for base in self._bases(frame):
            _unlink(base, base.with_suffix(".edits"))

    def add_edits(self, traces: Traces) -> None:
        """Add the traces of a text edit to those of the last build in their frame, if
        any."""
        base = self._base(traces.frame)
        if base is None:
            return
        edits = base.with_suffix(".edits")
        before = _load(edits, traces.frame)
        if before is not None:
            before.update(traces)
            # One line a key: text edits keep rendering the same few pages.
            traces = Traces(before.frame, before.pages, before.cards,
                            [pack_digests(before.parse())], before.foreign)
        write_whole(edits, functools.partial(_dump, traces), (ValueError, pickle.PicklingError))


def _written(base: Path) -> str:
    """What orders traces by when they were written: their name's last part, the time
    then a token (traces named otherwise, by an earlier version, come first)."""
    parts = base.stem.split(".")
    return parts[2] if len(parts) == 3 else ""


def _unlink(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _load(path: Path, frame: str) -> Traces | None:
    try:
        traces = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):
        return None
    if not (isinstance(traces, Traces) and traces.frame == frame
            and isinstance(traces.pages, dict) and isinstance(traces.cards, dict)
            and isinstance(traces.digests, list)
            and isinstance(getattr(traces, "foreign", None), frozenset)):
        return None
    return traces


def _dump(traces: Traces, out: IO[bytes]) -> None:
    pickle.dump(traces, out, protocol=pickle.HIGHEST_PROTOCOL)
