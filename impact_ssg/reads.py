"""Reads: what of the model each page read while it was rendered, so that a later build
renders again only the pages that would come out otherwise.

A page's bytes are a function of the *inputs frame* (impact-ssg's code, the config, the
options, the templates, the files beside the monographs: ``uptodate.Inputs.frame``), of
its own context, and of what its template read from the model. While a page renders, a
``Recorder`` collects *keys* naming each such read:

- a monograph's front matter (any field but its body's outline): ``m␟slug``;
- its outline (``rendered``): ``b␟slug``;
- one field of a term or of a territory node: ``t␟kind␟slug␟field``, ``n␟a/b/c␟field``;
- what ``site`` gave (``TracedSite``): one of its attributes whole (``s␟name``), a
  sequence's length (``l␟name``), an item of a mapping or sequence (``i␟name␟key``,
  ``q␟name␟index``), the result of one of its methods for given arguments
  (``c␟name␟arguments``);
- a monograph's card, rendered once and shown on many pages (``k␟slug␟level``), whose
  own keys are kept apart.

Each key has a *digest*: what it names, as the model at hand has it (``Digests``). A
page's *trace* is the sorted list of its keys, with a hash of their digests, of its
template, route and context. A later build with the same inputs frame takes a page as
the last build made it when the hash of that same list of keys, over its own model, is
the one recorded: every value the template read is the one it read then, so it would
take the same path and write the same bytes (what is read depends only on what was read
before). A monograph is named by its slug; what a key cannot name (a value made when the
page renders, an argument of unknown kind) makes the page rendered at every build.

This holds as long as templates reach the model through attribute and item access,
``site`` and the functions the environment gives them, as Jinja templates do; a template
printing a model object whole (``{{ monograph }}``) would read it unseen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .config import Config
from .index import Related, Site, Term, TerritoryNode
from .model import Monograph
from .plan import Deferred, OutputPage
from .territory import Territory
from .wholefile import write_whole

SEP = "\x1f"
# Between the arguments of a call, and the items of a tuple among them.
_ARGS, _ITEMS = "\x1c", "\x1d"
# A key whose digest is never the same twice: its page is rendered at every build.
ALWAYS = "always"
GONE = "gone"


class Untraceable(Exception):
    """A value no key can name."""


class Recorder:
    """The keys read by the page being rendered (``recording``); ``None`` outside one."""

    __slots__ = ("cards", "fresh", "keys")

    def __init__(self) -> None:
        self.keys: set[str] | None = None
        self.cards: dict[str, str] = {}
        """Card key → its keys (sorted, one per line), for the cards this process
        rendered."""
        self.fresh: dict[str, str] = {}
        """The same for the cards rendered since it was last emptied."""

    def add(self, key: str) -> None:
        if self.keys is not None:
            self.keys.add(key)

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[str]]:
        """Collect keys into a new set while the block runs; the reads of the block do
        not count for an enclosing recording."""
        outer, self.keys = self.keys, set()
        try:
            yield self.keys
        finally:
            self.keys = outer


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
        return "s" + value
    if kind is Monograph:
        assert isinstance(value, Monograph)
        return "m" + value.slug
    if kind is TerritoryNode:
        assert isinstance(value, TerritoryNode)
        return "n" + "/".join(value.slugs)
    if kind is Territory:
        assert isinstance(value, Territory)
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

    def _call(self, name: str, method: Callable[..., object], *args: object) -> object:
        result = method(*args)
        keys = self._recorder.keys
        if keys is not None and name == "body" and len(args) == 1 and type(
                args[0]) is Monograph:
            # A body is made of the monograph's text and, for its links to others, of
            # where their pages are.
            keys.add("b" + SEP + args[0].slug)
            keys.add("s" + SEP + "page_urls")
        elif keys is not None:
            try:
                keys.add("c" + SEP + name + SEP + _ARGS.join(map(_encode, args)))
            except Untraceable:
                keys.add(ALWAYS)
            # The method reads the monographs it is given; whoever called it may read
            # the fields of the model objects it gives back.
            for value in (*args, *(result if type(result) is tuple else (result,))):
                kind = type(value)
                if kind is Monograph or kind is Term or kind is TerritoryNode:
                    keys.add(model_key(value, ""))  # type: ignore[arg-type]
        return result


class TracedMapping(Mapping[Any, object]):
    """A mapping of the site: an item read is one key, anything more the whole."""

    def __init__(self, name: str, mapping: Mapping[Any, object], recorder: Recorder) -> None:
        self._name = name
        self._mapping = mapping
        self._recorder = recorder

    def _item(self, key: object) -> None:
        if self._recorder.keys is None:
            return
        try:
            self._recorder.keys.add("i" + SEP + self._name + SEP + _encode(key))
        except Untraceable:
            self._recorder.keys.add("s" + SEP + self._name)

    def __getitem__(self, key: object) -> object:
        self._item(key)
        return self._mapping[key]

    def __contains__(self, key: object) -> bool:
        self._item(key)
        return key in self._mapping

    def __iter__(self) -> Iterator[Any]:
        self._recorder.add("s" + SEP + self._name)
        return iter(self._mapping)

    def __len__(self) -> int:
        self._recorder.add("l" + SEP + self._name)
        return len(self._mapping)


class TracedSequence(Sequence[object]):
    """A sequence of the site: its length, an item or a slice are keys of their own."""

    def __init__(self, name: str, items: tuple[object, ...], recorder: Recorder) -> None:
        self._name = name
        self._items = items
        self._recorder = recorder

    def __len__(self) -> int:
        self._recorder.add("l" + SEP + self._name)
        return len(self._items)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: Any) -> Any:
        where = (f"{index.start}:{index.stop}:{index.step}" if isinstance(index, slice)
                 else str(index))
        self._recorder.add("q" + SEP + self._name + SEP + where)
        return self._items[index]

    def __iter__(self) -> Iterator[object]:
        self._recorder.add("s" + SEP + self._name)
        return iter(self._items)

    def __contains__(self, value: object) -> bool:
        self._recorder.add("s" + SEP + self._name)
        return value in self._items

    def __reversed__(self) -> Iterator[object]:
        self._recorder.add("s" + SEP + self._name)
        return reversed(self._items)


def shape(value: object) -> object:
    """What of ``value`` a page may show without reading on (a model object: what names
    it and its own fields; the objects it refers to are keys of their own), as nested
    tuples of plain values; raises ``Untraceable``."""
    if value is None or isinstance(value, str | int | float | bool | dt.date):
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


def _slice(where: str) -> slice | int:
    if ":" not in where:
        return int(where)
    return slice(*(None if part == "None" else int(part) for part in where.split(":")))


class Digests:
    """Each key's digest over one build's model: ``site``, each monograph's version
    (source → version) and front-matter part of the frame (version → part, ``reuse``),
    and the keys each card read (``cards``: card key → keys, one per line)."""

    def __init__(self, site: Site, versions: Mapping[str, str], fronts: Mapping[str, str],
                 cards: Mapping[str, str], memo: dict[str, str] | None = None) -> None:
        self._site = site
        self._versions = versions
        self._fronts = fronts
        self._cards = cards
        self._memo: dict[str, str] = {} if memo is None else memo
        self._card_memo: dict[str, str] = {}
        self._by_slug = {m.slug: m for m in site.monographs}
        self._given: set[str] = set()

    def with_cards(self, cards: Mapping[str, str]) -> Digests:
        """The same model with other cards (the digests of other keys shared)."""
        return Digests(self._site, self._versions, self._fronts, cards, self._memo)

    def of(self, key: str) -> str:
        """The digest of ``key``."""
        if key[0] == "k":
            found = self._card_memo.get(key)
            if found is None:
                keys = self._cards.get(key)
                found = self._card_memo[key] = GONE if keys is None else _hash(
                    *((k, self.of(k)) for k in keys.split("\n") if k))
            return found
        found = self._memo.get(key)
        if found is None:
            try:
                found = self._compute(key)
            except (_Missing, KeyError, IndexError, ValueError):
                found = GONE
            except Untraceable:
                found = ALWAYS + os.urandom(8).hex()
            self._memo[key] = found
        return found

    def new(self, keys: Iterable[str]) -> dict[str, str]:
        """The digests of ``keys`` this process has not given yet (by this method)."""
        given = self._given
        fresh = {key: self.of(key) for key in keys if key not in given}
        given.update(fresh)
        return fresh

    def same(self, keys: Iterable[str], before: Mapping[str, str]) -> bool:
        """Whether every key has the digest it had ``before``."""
        of = self.of
        return all(before.get(key) == of(key) for key in keys)

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
        if kind == "c":
            args = tuple(_decode(arg, site, self._by_slug)
                         for arg in rest[0].split(_ARGS)) if rest[0] else ()
            # Which objects it gave: their fields are keys of their own (``_call``).
            return _hash(_names(getattr(site, name)(*args)))
        raise Untraceable(key)


Trace = tuple[str, str, str]
"""A page's trace: the hash of its template, route and context (``Digests.context``),
the keys it read (sorted, one per line), and the digest of its bytes."""


@dataclass(frozen=True, slots=True)
class Traces:
    """What the pages of a build read, for the next build into the same output folder."""

    frame: str
    """``uptodate.Inputs.frame`` of that build: traces hold only under the same."""
    pages: dict[str, Trace]
    """Output file → its page's trace."""
    cards: dict[str, str]
    """Card key → the keys it read, one per line."""
    digests: dict[str, str]
    """Key → its digest when the pages that read it were made."""


def _file(cache: Path, key: str) -> Path:
    return cache / "outputs" / f"{key}.reads"


def read(cache: Path, output_key: str, frame: str) -> Traces | None:
    """The traces the last build into the output folder (``uptodate.output_key``) kept,
    if their inputs frame is ``frame`` and they can be read."""
    try:
        traces = pickle.loads(_file(cache, output_key).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):
        return None
    if not (isinstance(traces, Traces) and traces.frame == frame
            and all(isinstance(t, dict) for t in (traces.pages, traces.cards, traces.digests))):
        return None
    return traces


def record(cache: Path, output_key: str, traces: Traces) -> None:
    """Keep ``traces`` for the next build; a failure only costs that build time."""
    write_whole(_file(cache, output_key), functools.partial(_dump, traces),
                (ValueError, pickle.PicklingError))


def _dump(traces: Traces, out: IO[bytes]) -> None:
    pickle.dump(traces, out, protocol=pickle.HIGHEST_PROTOCOL)
