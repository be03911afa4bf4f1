"""Loading the corpus: every monograph read, parsed, validated and cross-checked.

``load`` reads every monograph, each from the build cache when its bytes are those of an
entry (``cache``), the others over ``--jobs`` processes (``workers``), and raises
``InvalidContent`` with every error found in every file. ``from_snapshot`` makes the same
corpus, for a build that only changed bodies, from the model the last build kept
(``snapshot``, ``read_kept``) and the few monographs changed since; ``load`` takes the
monographs that did not change from that model, when a few front matters did.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from markdown_it import MarkdownIt

from . import collector, reuse, snapshot, unlinked, uptodate, urls
from .cache import FOLDER as CACHE_FOLDER
from .cache import BuildCache, Record, Stored
from .config import Config, load_config
from .crosscheck import Referrer, crosscheck, references, site_links
from .errors import ContentError, ContentWarning, InvalidContent, UsageError
from .index import Site
from .markdown import make_renderer
from .model import Invalid, Monograph
from .options import Options
from .schema import unreadable, validate
from .source import Discovery, FrontMatterErrors, SourceFile, discover, read_bytes, read_document
from .workers import MIN_PARALLEL, parallel_map


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every monograph validated and cross-checked, with the files beside them."""

    config: Config
    monographs: tuple[Monograph, ...]
    """All valid monographs in source order, drafts included."""
    assets: tuple[SourceFile, ...]
    warnings: tuple[ContentWarning, ...]
    versions: Mapping[str, str]
    """Each valid monograph's source path → a hash of all it was made from (its cache
    key): one version, one monograph."""
    bodies: Mapping[str, bytes]
    """Each valid monograph's source path → its body as HTML (``model.Checked``), read
    when asked for."""
    words: Mapping[str, str]
    """Each valid monograph's source path → its full-text tokens (``model.Checked``),
    for the search index alone, read when asked for."""


def build_cache_of(options: Options) -> BuildCache:
    """The build cache beside the config; its key covers the config and the overrides."""
    try:
        settings = options.config.read_bytes()
    except OSError:
        settings = b""
    settings += b"\0" + (options.base_url or "").encode()
    return BuildCache(options.config.parent / CACHE_FOLDER, settings, read=not options.clean)


def check_source(options: Options) -> None:
    """Raise ``UsageError`` unless the source folder is one."""
    if not options.source.is_dir():
        raise UsageError(f"{options.source.as_posix()}: no such folder; run from the project "
                         "root or pass --source DIR")


def load_settings(options: Options) -> Config:
    """The config with command-line overrides; raises ``UsageError``/``ConfigError``."""
    config = load_config(options.config)
    return config.with_base_url(options.base_url) if options.base_url else config


# Files validated and stored per cache transaction: a commit costs about as much as
# storing an entry.
FILES_PER_PUT = 32


def load(options: Options, config: Config | None = None, prune: bool = True,
         known: Mapping[str, str] | None = None, kept: snapshot.Snapshot | None = None
         ) -> Corpus:
    """discover → parse → validate → crosscheck; raises ``InvalidContent`` with all errors.

    ``config`` is read from ``options`` unless given. Cache entries it did not use are
    removed, unless ``prune`` is false (``build`` still reads the last build's). ``known``
    gives the content digests of files (by path) just fingerprinted: a file whose result
    is in the cache is then not read. A monograph of the ``kept`` model stands for the
    cache's entry of its version (the same file, bytes, config and code): a front-matter
    edit reads a few entries instead of every one."""
    known = known or {}
    config = config or load_settings(options)
    check_source(options)
    found = discover(options.source)
    errors: list[ContentError] = list(found.errors)
    build_cache = build_cache_of(options)
    build_cache.open()
    # Each file's cache key, from its digest just fingerprinted or from its bytes read here.
    keys: dict[str, str] = {}
    read_here: dict[str, bytes] = {}
    for source in found.monographs:
        content = known.get(source.location)
        if content is None:
            data = read_bytes(source)
            if isinstance(data, list):
                errors.extend(data)
                continue
            read_here[source.rel] = data
            content = uptodate.digest(data)
        keys[source.rel] = build_cache.key(source.display, content)
    wanted = {keys[s.rel]: s.display for s in found.monographs if s.rel in keys}
    cached: dict[str, Monograph | list[ContentError]] = {}
    if kept is not None:
        cached = {key: m for m in kept.monographs
                  if (key := kept.versions.get(m.source)) in wanted}
        # The cross-checks read every monograph's links: the outlines left out of the
        # model are read back; if they cannot be, the cache gives every monograph.
        try:
            if cached:
                snapshot.restore_outlines(kept)
        except snapshot.UNREADABLE:
            cached = {}
    cached.update(build_cache.get({key: path for key, path in wanted.items()
                                   if key not in cached}))
    parsers: list[MarkdownIt] = []

    def check(sources: Sequence[SourceFile]) -> list[Record | list[ContentError]]:
        # In a worker: the entries are stored from here, in one transaction, so that
        # bodies and words need not travel to the parent, unless the cache cannot take them.
        parser = _parser(parsers, config)
        entries = [_entry(source, read_here.get(source.rel), config, parser, build_cache)
                   for source in sources]
        if not build_cache.put([e for e in entries if isinstance(e, Record)]):
            return entries
        return [replace(e, html=b"", words=b"", stored=True) if isinstance(e, Record) else e
                for e in entries]

    missing = [s for s in found.monographs if s.rel in keys and keys[s.rel] not in cached]
    batches = [missing[i:i + FILES_PER_PUT] for i in range(0, len(missing), FILES_PER_PUT)]
    made = dict(zip((s.rel for s in missing), itertools.chain.from_iterable(parallel_map(
        check, batches, options.jobs, min_items=-(-MIN_PARALLEL // FILES_PER_PUT))),
        strict=True))
    monographs: list[Monograph] = []
    invalid: list[Referrer] = []  # files with errors whose bodies could be read
    versions: dict[str, str] = {}
    held: tuple[dict[str, bytes], dict[str, bytes]] = ({}, {})
    for source in found.monographs:
        if source.rel not in keys:
            continue
        outcome = made.get(source.rel)
        if isinstance(outcome, list):  # unreadable
            errors.extend(outcome)
            continue
        key = outcome.key if outcome else keys[source.rel]
        result = cached[key] if outcome is None else pickle.loads(outcome.result)
        if isinstance(result, list):
            errors.extend(result)
            if isinstance(result, Invalid):
                slug, slug_line = result.slug or (None, 1)
                invalid.append(Referrer(source.rel, source.display, result.references, False,
                                        slug, slug_line, result.partners))
            continue
        monographs.append(result)
        versions[result.source] = key
        if outcome is not None and not outcome.stored:
            held[0][result.source], held[1][result.source] = outcome.html, outcome.words
    if prune:
        build_cache.prune(set(keys.values()) | {e.key for e in made.values()
                                                if isinstance(e, Record)})
    read_here.clear()
    valid = {m.source for m in monographs}
    others = [f.rel for f in (*found.assets, *found.monographs) if f.rel not in valid]
    cross_errors, warnings = crosscheck(
        monographs, others, options.source.as_posix().rstrip("/"), drafts=options.drafts,
        invalid=invalid, order=[s.rel for s in found.monographs])
    errors.extend(cross_errors)
    if errors:
        raise InvalidContent(errors)
    warnings += unlinked.warnings(found.assets, unlinked.linked_in(unlinked.linked_by(monographs)),
                                  {s.rel for s in found.monographs})
    return Corpus(config, tuple(monographs), found.assets, tuple(sorted(warnings)), versions,
                  *_stored(build_cache, versions, held, found.monographs, config, parsers))


def _stored(build_cache: BuildCache, versions: Mapping[str, str],
            held: tuple[Mapping[str, bytes], Mapping[str, bytes]],
            sources: Iterable[SourceFile], config: Config, parsers: list[MarkdownIt]
            ) -> tuple[Stored[bytes], Stored[str]]:
    """The bodies and words of the monographs of ``versions``, those of ``held`` in
    memory, the others in the cache."""
    by_source = {s.rel: s for s in sources}

    def remake(rel: str) -> Record | None:
        # An entry found damaged: made again, if its file is still as it was.
        again = _again(by_source[rel], versions.get(rel), config, parsers, build_cache)
        return again[0] if again else None

    return (Stored(build_cache, "html", versions, held[0], bytes, remake),
            Stored(build_cache, "words", versions, held[1], _utf8, remake))


# Past this many monographs changed since the kept model, reading them all back costs
# less than checking them one by one here.
MAX_CHANGED = 200


_FromSnapshot = tuple[Corpus, Site, tuple[str, dict[str, str]], int, snapshot.Snapshot]


@dataclass(frozen=True, slots=True)
class Kept:
    """The model the last build kept (``snapshot``), with the sources found now and each
    one's version (its cache key)."""

    model: snapshot.Snapshot
    found: Discovery
    versions: dict[str, str]


def read_kept(options: Options, fingerprint: uptodate.Inputs, last: uptodate.Stamp,
              cache_folder: Path) -> Kept | None:
    """The model the ``last`` build kept, when few monographs changed since it (reading
    them all back from the cache is then quicker) and the sources hold no error."""
    found = discover(options.source)
    build_cache = build_cache_of(options)
    versions: dict[str, str] = {}
    for source in found.monographs:
        seen = fingerprint.table.files.get(source.location)
        if seen is None:
            return None
        versions[source.rel] = build_cache.key(source.display, seen[0])
    if found.errors or sum(last.versions.get(rel) != version
                           for rel, version in versions.items()) > MAX_CHANGED:
        return None  # not worth reading the model back
    model = snapshot.read(cache_folder, options.output, last.frame)
    return None if model is None else Kept(model, found, versions)


def from_snapshot(options: Options, config: Config, fingerprint: uptodate.Inputs,
                  last: uptodate.Stamp, kept: Kept) -> _FromSnapshot | None:
    """The corpus, site and frame of a build whose frame is the ``last`` one's, from the
    ``kept`` model and the few monographs changed since, with the number of those and the
    model itself; ``None`` when anything is not as it was (other files, errors: the whole
    corpus is then read, and every error reported)."""
    with collector.paused():  # the model read back is a million objects, no cycle
        return _on_snapshot(kept.model, kept.found, dict(kept.versions),
                            build_cache_of(options), options, config, fingerprint, last)


def _on_snapshot(kept: snapshot.Snapshot, found: Discovery, versions: dict[str, str],
                 build_cache: BuildCache, options: Options, config: Config,
                 fingerprint: uptodate.Inputs, last: uptodate.Stamp
                 ) -> _FromSnapshot | None:
    if ([s.rel for s in found.monographs] != list(kept.versions)
            or [a.rel for a in found.assets] != [a.rel for a in kept.assets]):
        return None
    build_cache.open()
    changed = [s for s in found.monographs if versions[s.rel] != kept.versions[s.rel]]
    if len(changed) > MAX_CHANGED:
        return None
    cached = build_cache.get({versions[s.rel]: s.display for s in changed})
    parsers: list[MarkdownIt] = []
    fresh: dict[str, Monograph] = {}
    held: tuple[dict[str, bytes], dict[str, bytes]] = ({}, {})
    for source in changed:
        result = cached.get(versions[source.rel])
        if result is None:
            again = _again(source, versions[source.rel], config, parsers, build_cache)
            if again is None:
                return None
            entry, stored = again
            if not stored:
                held[0][source.rel], held[1][source.rel] = entry.html, entry.words
            result = pickle.loads(entry.result)
        if isinstance(result, list):
            return None
        fresh[source.rel] = result
    frame = reuse.frame(fingerprint.frame, [fresh.get(m.source, m) for m in kept.monographs],
                        versions, last.fronts)
    if frame[0] != last.frame:
        return None
    snapshot.with_outlines(kept, {rel: m.rendered for rel, m in fresh.items()})
    checked = [m for m in kept.monographs if m.source in fresh]
    # A link to a heading is checked against the headings of the page it leads to: an
    # edited monograph's own such links need the others' outlines, and so do those
    # other bodies make to its headings.
    if snapshot.linked_within(checked) or fresh.keys() & kept.linked_within:
        try:
            snapshot.restore_outlines(kept)
        except snapshot.UNREADABLE:
            return None
        checked = [m for m in kept.monographs if m.source in fresh or any(
            ref.fragment and ref.target in fresh for ref in m.rendered.references)]
    errors, warnings = references(checked, kept.monographs, {a.rel for a in found.assets},
                                  options.source.as_posix().rstrip("/"), options.drafts)
    if errors:
        return None
    # The same frame, so the same files of the site as the last build's.
    warnings += site_links(checked, last.output.files, urls.Urls(config.base_url)(""),
                           kept.monographs)
    # Which files beside the monographs no body links to, the edited ones as they are now.
    files_linked = dict(kept.files_linked)
    for rel, monograph in fresh.items():
        files_linked.pop(rel, None)
        files_linked.update(unlinked.linked_by([monograph]))
    warnings += unlinked.warnings(found.assets, unlinked.linked_in(files_linked),
                                  kept.versions.keys())
    # Told again: what the edited bodies say, and which files no body links to. What the
    # front matter says (a spelling) stands: it is part of the frame, which is the same.
    bodies = {m.path for m in checked}
    files = {a.display for a in found.assets}
    kept_warnings = [w for w in kept.warnings
                     if not ((w.path in bodies and w.field == "body")
                             or (w.path in files and w.field == unlinked.FIELD))]
    corpus = Corpus(config, kept.monographs, found.assets,
                    tuple(sorted([*kept_warnings, *warnings])), versions,
                    *_stored(build_cache, versions, held, found.monographs, config, parsers))
    # The files beside the monographs as found now: the same ones (the frame says so),
    # but the source folder may be spelled otherwise than when the model was kept.
    return (corpus, replace(kept.site, bodies=corpus.bodies, assets=found.assets), frame,
            len(changed), kept)


def _parser(parsers: list[MarkdownIt], config: Config) -> MarkdownIt:
    """This process's Markdown parser, made on first use and kept in ``parsers``."""
    if not parsers:
        parsers.append(make_renderer(config.allow_html))
    return parsers[0]


def _again(source: SourceFile, key: str | None, config: Config, parsers: list[MarkdownIt],
           build_cache: BuildCache) -> tuple[Record, bool] | None:
    """``source`` read and validated again, when its bytes are still those of the entry
    ``key`` (so a valid monograph again): its entry, stored, and whether the cache took
    it; ``None`` when the file changed since."""
    entry = _entry(source, None, config, _parser(parsers, config), build_cache)
    if not isinstance(entry, Record) or entry.key != key:
        return None
    return entry, build_cache.put([entry])


def _entry(source: SourceFile, data: bytes | None, config: Config, parser: MarkdownIt,
           build_cache: BuildCache) -> Record | list[ContentError]:
    """Read (unless ``data`` is given), parse and validate one monograph file: its cache
    entry, keyed by the bytes read; or the errors that say why it cannot be read."""
    if data is None:
        read = read_bytes(source)
        if isinstance(read, list):
            return read
        data = read
    raw = read_document(source, data)
    result = (unreadable(raw, source, config, parser) if isinstance(raw, FrontMatterErrors)
              else raw if isinstance(raw, list) else validate(raw, config, parser))
    key = build_cache.key(source.display, uptodate.digest(data))
    if isinstance(result, list):
        return Record(key, source.display, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    return Record(key, source.display, pickle.dumps(result.monograph, pickle.HIGHEST_PROTOCOL),
                 result.html, result.words.encode("utf-8"))


def _utf8(data: bytes) -> str:
    return data.decode("utf-8")
