"""The catalogue's data for the browser: facets and a sharded full-text index.

Outputs, all under ``recherche/``:

- ``catalogue.json``: the facets (URL parameter, label, values as ``[slug, label]``, or
  ``[parent position, URL segment, label]`` for the territory tree),
  for each monograph the values it holds in each facet, the stop words, and the list of
  index shards that exist. Monographs are numbered by slug order (``Site.search_ids``),
  which stays put when a monograph is edited.
- ``index/<key>.json``: ``{token: postings}`` for the tokens whose first three letters
  are ``key`` (two-letter tokens have their own two-letter shard). Postings are the
  sorted ids of the monographs holding the token, as the gaps between them, joined
  with commas. A query word loads one shard; a word of three letters or more also
  matches as a prefix.

Tokens are each monograph's words (``model.Checked``, ``words``): a monograph is indexed
on its own text and facts, never on the pages around it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from . import urls
from .index import Site, TerritoryNode
from .model import Monograph
from .words import STOPWORDS

FACETS = (
    (urls.NETWORKS, "Réseau"),
    (urls.ALLIANCES, "Type d’alliance"),
    (urls.STAKEHOLDERS, "Acteurs"),
    (urls.TERRITORIES, "Territoire"),
    (urls.ORGANISATIONS, "Organisation"),
    (urls.THEMES, "Thème"),
)


def shard_key(token: str) -> str:
    """The shard a token lives in: its first three letters (or the whole of a shorter one)."""
    return token[:3]


def facet_values(site: Site, monograph: Monograph, kind: str) -> list[str]:
    """The URL values a monograph holds in one facet; a territory with all its ancestors."""
    if kind == urls.TERRITORIES:
        paths = {"/".join(t.slugs[: i + 1]) for t in monograph.territories
                 for i in range(len(t.slugs))}
        return sorted(paths)
    return [t.slug for t in site.terms_of(monograph, kind)]


def _territory_values(site: Site) -> list[list[str | int]]:
    """The territory tree, parents first: ``[parent position or -1, URL segment, label]``."""
    values: list[list[str | int]] = []

    def walk(nodes: Iterable[TerritoryNode], parent: int) -> None:
        for node in nodes:
            code = f" ({node.code})" if node.code else ""
            values.append([parent, node.slugs[-1], node.name + code])
            walk(node.children, len(values) - 1)

    walk(site.territories, -1)
    return values


def _encode(ids: list[int]) -> str:
    """Sorted ids as comma-separated gaps: small numbers, which compress well."""
    return ",".join(map(str, [b - a for a, b in zip([0, *ids], ids, strict=False)]))


def _decode(postings: str) -> list[int]:
    ids, total = [], 0
    for gap in postings.split(","):
        total += int(gap)
        ids.append(total)
    return ids


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


CATALOGUE = "recherche/catalogue.json"


def index_files(site: Site, words: Mapping[str, str]) -> dict[str, bytes]:
    """Route → bytes of each shard of the full-text index, given every monograph's words
    (by source path)."""
    ids = site.search_ids
    postings: dict[str, list[int]] = defaultdict(list)
    for monograph in sorted(site.monographs, key=lambda m: ids[m.slug]):
        number = ids[monograph.slug]
        for token in words[monograph.source].split():
            postings[token].append(number)
    shards: dict[str, dict[str, str]] = defaultdict(dict)
    for token in sorted(postings):
        shards[shard_key(token)][token] = _encode(postings[token])
    return {shard_route(key): _dump(entries) for key, entries in shards.items()}


INDEX_FOLDER = "recherche/index/"


def shard_route(key: str) -> str:
    return f"{INDEX_FOLDER}{key}.json"


def update_index(site: Site, words: Mapping[str, tuple[str, str]],
                 read: Callable[[str], bytes | None], shards: Iterable[str]
                 ) -> dict[str, bytes | None] | None:
    """The shards of the full-text index that change when some monographs' words change,
    and nothing else: route → bytes, or ``None`` for a shard left empty. ``words`` gives
    their words as they were and as they are (by source path), ``shards`` the routes of
    the index as it was, and ``read`` the bytes of one of them. The shards are those
    ``index_files`` would make; ``None`` when a shard could not be read."""
    ids = site.search_ids
    changes: dict[str, dict[str, dict[int, bool]]] = defaultdict(lambda: defaultdict(dict))
    for monograph in site.monographs:
        if monograph.source not in words:
            continue
        old, new = (set(w.split()) for w in words[monograph.source])
        for token in old ^ new:
            changes[shard_key(token)][token][ids[monograph.slug]] = token in new
    existing = set(shards)
    updated: dict[str, bytes | None] = {}
    for key, tokens in changes.items():
        route = shard_route(key)
        entries: dict[str, str] = {}
        if route in existing:
            data = read(route)
            if data is None:
                return None
            entries = json.loads(data)
        for token, members in tokens.items():
            held = set(_decode(entries[token])) if token in entries else set()
            held |= {number for number, added in members.items() if added}
            held -= {number for number, added in members.items() if not added}
            if held:
                entries[token] = _encode(sorted(held))
            else:
                entries.pop(token, None)
        updated[route] = _dump(dict(sorted(entries.items()))) if entries else None
    return updated


def catalogue(site: Site, index_routes: Iterable[str]) -> bytes:
    """The bytes of ``catalogue.json``, given the routes of the index shards."""
    ids = site.search_ids
    ordered = sorted(site.monographs, key=lambda m: ids[m.slug])
    facets: list[dict[str, object]] = []
    positions: list[dict[str, int]] = []
    for kind, label in FACETS:
        if kind == urls.TERRITORIES:
            values = _territory_values(site)
            paths: list[str] = []
            for parent, segment, _ in values:
                paths.append(f"{paths[int(parent)]}/{segment}" if int(parent) >= 0
                             else str(segment))
        else:
            values = [[t.slug, t.label] for t in site.terms[kind] if t.monographs]
            paths = [str(v[0]) for v in values]
        facets.append({"param": kind, "label": label, "values": values})
        positions.append({path: i for i, path in enumerate(paths)})
    docs = [[[positions[n][value] for value in facet_values(site, m, kind)]
             for n, (kind, _) in enumerate(FACETS)] for m in ordered]
    return _dump({"facets": facets, "docs": docs, "stopwords": sorted(STOPWORDS),
                  "shards": _shard_keys(index_routes)})


_SHARDS_KEY = b',"shards":'


def with_shards(catalogue_bytes: bytes, index_routes: Iterable[str]) -> bytes:
    """The bytes of a catalogue that ``catalogue`` made, with its list of shards replaced
    by ``index_routes``: what ``catalogue`` makes for the same site with these shards."""
    # The list is the last member: it is cut off and written again, the rest (900 KB at
    # 10,000 monographs) kept as it is rather than parsed and written again. A key in a
    # label or value would be escaped (\"shards\"), and comes before it anyway.
    cut = catalogue_bytes.rfind(_SHARDS_KEY)
    if cut < 0 or not catalogue_bytes.endswith(b"]}"):
        data = json.loads(catalogue_bytes)
        data["shards"] = _shard_keys(index_routes)
        return _dump(data)
    return (catalogue_bytes[:cut + len(_SHARDS_KEY)] + _dump(_shard_keys(index_routes))
            + b"}")


def _shard_keys(index_routes: Iterable[str]) -> list[str]:
    return sorted(route.removeprefix("recherche/index/").removesuffix(".json")
                  for route in index_routes)
