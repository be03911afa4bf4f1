"""Index: the checked corpus → ``Site``, the whole model every page reads.

Terms (networks, alliance types, stakeholder categories, organisations, themes) with
their monographs, the territory tree with roll-up counts, related monographs with the
reasons they are related, and every body (read when its page is written). Nothing
renders before this is done; templates only read it. ``by_recency`` is the one order of
monographs everywhere.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from . import urls
from .config import Config
from .markdown import resolve_pages
from .misuse import Misuse
from .model import Monograph
from .slug import fold, slugify
from .source import SourceFile
from .spellings import usual
from .territory import FRANCE, LEVELS, Territory
from .vocabulary import Vocabulary

RELATED_COUNT = 4
# A facet value shared by more monographs than this says little about relatedness and
# would make the search quadratic; it still counts when scoring the shortlist.
SELECTIVE = 64


def by_recency(monographs: Iterable[Monograph]) -> tuple[Monograph, ...]:
    """Newest first, then by slug: the order of every list of monographs."""
    return tuple(sorted(monographs, key=lambda m: (-m.date.toordinal(), m.slug)))


@dataclass(frozen=True, slots=True)
class Term:
    """A page that gathers monographs: a network, alliance type, category, organisation
    or theme."""

    kind: str
    """URL segment of its kind (``reseaux``, ``alliances``, ``acteurs``, ``organisations``,
    ``themes``)."""
    slug: str
    label: str
    monographs: tuple[Monograph, ...]
    """Newest first."""
    short: str = ""
    """A short name for tags (a vocabulary entry's id: ``METI``); empty for others."""
    description: str = ""
    category: str | None = None
    """An organisation's stakeholder category id."""
    website: str | None = None
    """An organisation's web address, when a monograph gives one."""

    @property
    def route(self) -> str:
        return urls.term(self.kind, self.slug)


@dataclass(frozen=True, slots=True)
class TerritoryNode:
    """One level of the territory tree; ``monographs`` are those at it and below."""

    level: str
    name: str
    slugs: tuple[str, ...]
    monographs: tuple[Monograph, ...]
    children: tuple[TerritoryNode, ...]
    code: str | None = None
    """INSEE code of a French department."""

    @property
    def route(self) -> str:
        return urls.territory(self.slugs)


@dataclass(frozen=True, slots=True)
class Related:
    """A monograph related to another, and why."""

    monograph: Monograph
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the pages show. Reverse lookups (a monograph's terms) go through it."""

    config: Config
    monographs: tuple[Monograph, ...]
    """The published monographs (drafts too with ``--drafts``), newest first."""
    terms: Mapping[str, tuple[Term, ...]]
    """Kind → its terms, in display order."""
    territories: tuple[TerritoryNode, ...]
    """The countries, France first."""
    related: RelatedIndex
    """Slug → related monographs, most related first (each found when read)."""
    page_urls: Mapping[str, str]
    """Source path → URL of the monograph's page, for links between bodies."""
    assets: tuple[SourceFile, ...]
    term_by_slug: Mapping[tuple[str, str], Term]
    node_by_slugs: Mapping[tuple[str, ...], TerritoryNode]
    search_ids: Mapping[str, int]
    """Slug → the monograph's number in the search data (slug order: stable under edits)."""
    organisation_slugs: Mapping[str, str]
    """``fold(name)`` → the slug of the organisation's page (spellings of one name share it)."""
    bodies: Mapping[str, bytes]
    """Source path → the monograph's body as HTML (UTF-8), links to other monographs still
    placeholders: read through ``body``."""
    renamed: Mapping[Territory, Territory]
    """A shown monograph's territory → itself as the site names its places, for those
    written otherwise (``named``)."""

    def body(self, monograph: Monograph) -> str:
        """The monograph's body as HTML, its links to other monographs resolved (to text
        alone where the target is not published). Read when asked for and resolved page
        by page: the site does not hold every body (``cache.Stored``)."""
        return body_of(self, monograph, self.page_urls.get)

    def terms_of(self, monograph: Monograph, kind: str) -> tuple[Term, ...]:
        """The terms of ``kind`` a monograph belongs to, in its own order."""
        return tuple(self.term_by_slug[(kind, slug)]
                     for slug in _slugs_of(monograph, kind, self.organisation_slugs))

    def ancestors(self, node: TerritoryNode) -> tuple[TerritoryNode, ...]:
        """The nodes from the country down to ``node`` itself."""
        return tuple(self.node_by_slugs[node.slugs[: i + 1]] for i in range(len(node.slugs)))

    def trail(self, territory: Territory) -> tuple[TerritoryNode, ...]:
        """The tree nodes of a territory, from its country down."""
        return _trail(self.node_by_slugs, territory)

    def named(self, territory: Territory) -> Territory:
        """``territory`` (of a monograph shown) with each place named as the site names
        it: as most mentions write it (``spellings``)."""
        # Asked for by every card, record and structured data showing a territory: a
        # lookup, the few written otherwise found once by ``build_site``.
        return self.renamed.get(territory, territory)


def body_of(site: Site, monograph: Monograph, link_to: Callable[[str], str | None]) -> str:
    """``site.body(monograph)``, each link to another monograph resolved by ``link_to``
    (source path → its page's URL, ``None`` when it has none)."""
    return resolve_pages(site.bodies[monograph.source].decode("utf-8"), link_to)


def _trail(nodes: Mapping[tuple[str, ...], TerritoryNode], territory: Territory
           ) -> tuple[TerritoryNode, ...]:
    slugs = territory.slugs
    return tuple(nodes[slugs[: i + 1]] for i in range(len(slugs)))


def _slugs_of(monograph: Monograph, kind: str, organisations: Mapping[str, str]
              ) -> tuple[str, ...]:
    if kind == urls.NETWORKS:
        return tuple(i.lower() for i in monograph.networks)
    if kind == urls.ALLIANCES:
        return tuple(i.lower() for i in monograph.alliance_types)
    if kind == urls.STAKEHOLDERS:
        return tuple(i.lower() for i in monograph.stakeholders)
    if kind == urls.ORGANISATIONS:
        return tuple(organisations[fold(p.name)] for p in monograph.partners)
    if kind == urls.THEMES:
        return tuple(slugify(t) for t in monograph.themes)
    raise Misuse(f"site.terms_of(): kind must be one of {', '.join(map(repr, TERM_KINDS))}, "
                 f"not {kind!r}")


TERM_KINDS = (urls.NETWORKS, urls.ALLIANCES, urls.STAKEHOLDERS, urls.ORGANISATIONS,
              urls.THEMES)
"""The kinds of terms, as ``site.terms_of`` takes them."""


def build_site(
    config: Config, monographs: Iterable[Monograph], assets: tuple[SourceFile, ...],
    bodies: Mapping[str, bytes], drafts: bool = False,
) -> Site:
    """Index the corpus (all valid monographs, in source order, with their ``bodies`` by
    source path)."""
    every = tuple(monographs)
    shown = by_recency(m for m in every if drafts or not m.draft)
    organisations = _organisation_names(every)
    slugs = {key: slugify(name) for key, (name, _, _) in organisations.items()}
    terms = {
        urls.NETWORKS: _vocabulary_terms(urls.NETWORKS, config.networks, shown),
        urls.ALLIANCES: _vocabulary_terms(urls.ALLIANCES, config.alliance_types, shown),
        urls.STAKEHOLDERS: _vocabulary_terms(urls.STAKEHOLDERS, config.stakeholders, shown),
        urls.ORGANISATIONS: _organisations(shown, organisations, slugs),
        urls.THEMES: _themes(shown, every),
    }
    term_by_slug = {(t.kind, t.slug): t for group in terms.values() for t in group}
    territories = _territory_tree(shown, every)
    node_by_slugs: dict[tuple[str, ...], TerritoryNode] = {}

    def register(nodes: Iterable[TerritoryNode]) -> None:
        for node in nodes:
            node_by_slugs[node.slugs] = node
            register(node.children)

    register(territories)
    renamed: dict[Territory, Territory] = {}
    for territory in dict.fromkeys(t for m in shown for t in m.territories):
        names = {node.level: node.name for node in _trail(node_by_slugs, territory)}
        if any(getattr(territory, level) != name for level, name in names.items()):
            renamed[territory] = replace(territory, **names)
    search_ids = {slug: i for i, slug in enumerate(sorted(m.slug for m in shown))}
    labels = {("organisation", key): name for key, (name, _, _) in organisations.items()}
    labels.update((("theme", t.slug), t.label) for t in terms[urls.THEMES])
    return Site(config, shown, terms, territories, RelatedIndex(shown, labels),
                _page_urls(config, shown),
                assets, term_by_slug, node_by_slugs, search_ids, slugs, bodies, renamed)


def _members(shown: tuple[Monograph, ...], kind: str,
             organisations: Mapping[str, str] | None = None) -> dict[str, list[Monograph]]:
    """Term slug → its monographs, in the order of ``shown``."""
    members: dict[str, list[Monograph]] = defaultdict(list)
    for monograph in shown:
        for slug in _slugs_of(monograph, kind, organisations or {}):
            members[slug].append(monograph)
    return members


def _vocabulary_terms(kind: str, vocabulary: Vocabulary, shown: tuple[Monograph, ...]
                      ) -> tuple[Term, ...]:
    members = _members(shown, kind)
    return tuple(Term(kind, e.slug, e.label, tuple(members[e.slug]), e.id, e.description)
                 for e in vocabulary.entries)


def _organisation_names(every: tuple[Monograph, ...]) -> dict[str, tuple[str, str, str | None]]:
    """``fold(name)`` → (name, category, website): the usual spelling among all
    monographs, drafts included (``spellings.usual``), names the organisation, whatever
    is shown; the first web address given is kept."""
    spelt: dict[str, list[str]] = {}
    facts: dict[str, tuple[str, str | None]] = {}
    for monograph in every:
        for partner in monograph.partners:
            key = fold(partner.name)
            spelt.setdefault(key, []).append(partner.name)
            category, website = facts.get(key, (partner.stakeholder, None))
            facts[key] = (category, website or partner.url)
    return {key: (usual(spelt[key]), *facts[key]) for key in facts}


def _organisations(shown: tuple[Monograph, ...], names: dict[str, tuple[str, str, str | None]],
                   slugs: dict[str, str]) -> tuple[Term, ...]:
    by_slug = {slugs[key]: value for key, value in names.items()}
    terms = [Term(urls.ORGANISATIONS, slug, by_slug[slug][0], tuple(found),
                  category=by_slug[slug][1], website=by_slug[slug][2])
             for slug, found in _members(shown, urls.ORGANISATIONS, slugs).items()]
    return tuple(sorted(terms, key=lambda t: (fold(t.label), t.slug)))


def _themes(shown: tuple[Monograph, ...], every: tuple[Monograph, ...]) -> tuple[Term, ...]:
    spelt: dict[str, list[str]] = {}
    for monograph in every:
        for theme in monograph.themes:
            spelt.setdefault(slugify(theme), []).append(theme)
    terms = [Term(urls.THEMES, slug, usual(spelt[slug]), tuple(found))
             for slug, found in _members(shown, urls.THEMES).items()]
    return tuple(sorted(terms, key=lambda t: (fold(t.label), t.slug)))


@dataclass
class _Branch:
    level: str
    name: str
    code: str | None
    members: dict[str, Monograph]
    children: dict[str, _Branch]


def _territory_tree(shown: tuple[Monograph, ...], every: tuple[Monograph, ...]
                    ) -> tuple[TerritoryNode, ...]:
    """The places of ``shown``, each named as most mentions among ``every`` write it
    (``spellings``)."""
    # A place is known by its slugs from the country down (``territory.place_key``).
    spelt: dict[tuple[str, ...], list[str]] = {}
    for monograph in every:
        for territory in monograph.territories:
            slugs = territory.slugs
            for depth, name in enumerate(territory.levels):
                spelt.setdefault(slugs[:depth + 1], []).append(name)
    roots: dict[str, _Branch] = {}
    for monograph in shown:
        for territory in monograph.territories:
            slugs = territory.slugs
            levels = [level for level in LEVELS if getattr(territory, level) is not None]
            branches = roots
            for depth, level in enumerate(levels):
                slug = slugs[depth]
                branch = branches.get(slug)
                if branch is None:
                    code = territory.department_code if level == "department" else None
                    branch = branches[slug] = _Branch(
                        level, usual(spelt[slugs[:depth + 1]]), code, {}, {})
                branch.members[monograph.slug] = monograph
                branches = branch.children

    def freeze(branches: dict[str, _Branch], parent: tuple[str, ...]) -> tuple[TerritoryNode, ...]:
        nodes = [TerritoryNode(b.level, b.name, (*parent, slug),
                               by_recency(b.members.values()),
                               freeze(b.children, (*parent, slug)), b.code)
                 for slug, b in branches.items()]
        return tuple(sorted(nodes, key=lambda n: (n.name != FRANCE, fold(n.name), n.slugs)))

    return freeze(roots, ())


def _facets(monograph: Monograph) -> dict[str, set[str]]:
    """What relatedness compares, as sets of keys per facet."""
    places: dict[str, set[str]] = {"commune": set(), "department": set(), "region": set()}
    for t in monograph.territories:
        slugs = t.slugs  # computed on each access
        if t.commune:
            places["commune"].add("/".join(slugs))
        if t.department:
            places["department"].add("/".join(slugs[:3]))
        if t.region:
            places["region"].add("/".join(slugs[:2]))
    return {
        "organisation": {fold(p.name) for p in monograph.partners},
        **places,
        "theme": {slugify(t) for t in monograph.themes},
        "alliance": set(monograph.alliance_types),
        "network": set(monograph.networks),
    }


_CANDIDATE_FACETS = ("organisation", "commune", "department", "region", "theme")
SHORTLIST = 24
_WEIGHTS = {"organisation": 5.0, "commune": 4.0, "department": 3.0, "region": 2.0,
            "theme": 1.5, "alliance": 1.0, "network": 1.0}
_MIN_SCORE = 2.0


class RelatedIndex(Mapping[str, tuple[Related, ...]]):
    """Slug → the most related monographs, with reasons; each computed when asked for, so
    that a build that renders a few monograph pages computes a few, and workers share the
    rest. Only the last answer is kept: each is asked for by one page, and keeping them
    all would hold some 60,000 reasons in each process that writes pages.

    Candidates come from an inverted index over the selective facet values (organisations,
    places, themes shared by at most ``SELECTIVE`` monographs), their weights summed; the
    best ``SHORTLIST`` are then scored exactly. The cost grows with the base, not its square.
    """

    def __init__(self, shown: tuple[Monograph, ...], labels: Mapping[tuple[str, str], str]
                 ) -> None:
        self._shown = shown
        self._labels = labels
        self._number = {m.slug: i for i, m in enumerate(shown)}
        self._facets = {i: _facets(m) for i, m in enumerate(shown)}
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, mine in self._facets.items():
            for facet, keys in mine.items():
                for key in keys:
                    self._postings[(facet, key)].append(i)
        self._last: tuple[str, tuple[Related, ...]] = ("", ())

    @functools.cached_property
    def inputs(self) -> str:
        """A digest of all that the lists are found from: which monographs are shown, in
        which order, and the facts compared and named (partners by name, not where they
        are written; organisations and themes as the site names them, which drafts'
        spellings count in). While it is the same, every list is. Made once (0.1 s at
        10,000), and kept with the index: in the model a text edit reads back, where no
        front matter changed, it is there already."""
        return hashlib.blake2b(repr((
            tuple((m.slug, tuple(p.name for p in m.partners), m.territories, m.themes,
                   m.alliance_types, m.networks) for m in self._shown),
            tuple(self._labels.items()))).encode(), digest_size=8).hexdigest()

    def __getstate__(self) -> dict[str, object]:
        # The facets, 70,000 sets at 10,000 monographs, are left out: made again for the
        # few monographs a text edit asks about (``_facets_of``).
        return {**self.__dict__, "_last": ("", ()), "_facets": {}}

    def _facets_of(self, i: int) -> dict[str, set[str]]:
        found = self._facets.get(i)
        if found is None:
            found = self._facets[i] = _facets(self._shown[i])
        return found

    def __getitem__(self, slug: str) -> tuple[Related, ...]:
        if self._last[0] != slug:
            self._last = (slug, self._compute(self._number[slug]))
        return self._last[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._number)

    def __len__(self) -> int:
        return len(self._number)

    def _compute(self, i: int) -> tuple[Related, ...]:
        shown = self._shown
        mine = self._facets_of(i)
        weights: dict[int, float] = defaultdict(float)
        for facet in _CANDIDATE_FACETS:
            for key in mine[facet]:
                posting = self._postings[(facet, key)]
                if len(posting) <= SELECTIVE:
                    weight = _WEIGHTS[facet]
                    for j in posting:
                        weights[j] += weight
        weights.pop(i, None)
        # Newer first on equal weight: ``shown`` is newest first, so the smaller index.
        shortlist = heapq.nlargest(SHORTLIST, weights, key=lambda j: (weights[j], -j))
        scored = []
        for j in shortlist:
            shared = _shared(mine, self._facets_of(j))
            score = sum(_WEIGHTS[f] * len(keys) for f, keys in shared.items())
            if score >= _MIN_SCORE:
                scored.append((-score, j, shared))
        scored.sort(key=lambda s: s[:2])
        return tuple(Related(shown[j], _reasons(shared, self._labels))
                     for _, j, shared in scored[:RELATED_COUNT])


def _shared(mine: dict[str, set[str]], theirs: dict[str, set[str]]) -> dict[str, set[str]]:
    shared = {f: mine[f] & theirs[f] for f in _WEIGHTS}
    # A shared commune implies a shared department and region: count the closest.
    if shared["commune"]:
        shared["department"] = shared["region"] = set()
    elif shared["department"]:
        shared["region"] = set()
    return shared


def _reasons(shared: dict[str, set[str]], labels: Mapping[tuple[str, str], str]
             ) -> tuple[str, ...]:
    """What two monographs share, in words; organisations and themes named as the site
    names them (``labels``: by facet and key)."""
    reasons = []
    for key in sorted(shared["organisation"]):
        reasons.append(f"partenaire commun : {labels[('organisation', key)]}")
    if shared["commune"]:
        reasons.append("même commune")
    elif shared["department"]:
        reasons.append("même département")
    elif shared["region"]:
        reasons.append("même région")
    for key in sorted(shared["theme"]):
        reasons.append(f"thème : {labels[('theme', key)]}")
    if shared["alliance"]:
        reasons.append("même type d’alliance")
    if shared["network"]:
        reasons.append("même réseau")
    return tuple(reasons)


def _page_urls(config: Config, shown: tuple[Monograph, ...]) -> dict[str, str]:
    """Source path → page URL of each published monograph (drafts left out: text)."""
    base = urls.Urls(config.base_url)
    return {m.source: base(urls.monograph(m.slug)) for m in shown}
