"""The pipeline, named once in the order it runs.

    discover → parse → validate → crosscheck → index → plan → render → publish

``load`` (``loading``) runs the stages up to the finished, checked corpus and raises
``InvalidContent`` with every error found in every file; ``check`` is ``load`` alone.
``build`` and ``check`` hold the build cache's lock: one at a time per project (``lock``).
Each file's result comes from the build cache when its inputs are unchanged (``cache``),
and files are read over ``--jobs`` processes (``workers``).
``build`` runs them all, unless nothing changed since the last build (``uptodate``); when
only bodies changed, most pages are taken from the last build's site (``reuse``); after
other changes to the monographs, the pages whose reads are as they were (``reads``). The
output folder is replaced only once every page is written (``publish``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import posixpath
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from . import (
    collector,
    loading,
    lock,
    machine,
    opendata,
    reads,
    reuse,
    search,
    snapshot,
    uptodate,
    urls,
)
from .cache import FOLDER as CACHE_FOLDER
from .compiled import FOLDER as COMPILED_FOLDER
from .compiled import CompiledTemplates
from .config import Config
from .crosscheck import site_links, template_routes
from .errors import ContentWarning, SsgError, UsageError
from .index import Site, build_site
from .loading import Corpus as Corpus
from .loading import build_cache_of
from .loading import load as load
from .loading import load_settings as load_settings
from .model import Monograph
from .options import Options as Options
from .plan import Output, OutputPage, plan
from .publish import (
    SpareCheck,
    Twin,
    check_output,
    check_spare,
    publish,
    put,
    remove_folder,
    safe_join,
)
from .render import (
    Problems,
    TemplateProblem,
    TracingEnvironment,
    check_templates,
    make_environment,
    render_page,
)
from .urls import Urls, output_file
from .workers import (
    MIN_PARALLEL,
    Background,
    WorkerLost,
    default_jobs,
    in_background,
    parallel_map,
)


def _nothing(page: OutputPage) -> None:
    pass


def _restore_outlines(kept: snapshot.Snapshot, page: OutputPage) -> None:
    """Before ``page`` is rendered: if it shows a monograph whose outline was left out of
    the ``kept`` model (a page the last build made, gone since), every outline is read."""
    monograph = page.context.get("monograph")
    if isinstance(monograph, Monograph) and monograph.rendered is snapshot.LEFT_OUT:
        snapshot.restore_outlines(kept)


# Fewer pages than this per process, and starting the process costs more than it saves.
PAGES_PER_JOB = 1000


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line."""

    monographs: int
    drafts_skipped: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[ContentWarning, ...]
    absolute_base: bool
    """Whether ``base_url`` is absolute (feed and sitemap need it to publish)."""
    unchanged: bool = False
    """Nothing changed since the last build: the site was left as it was."""
    base_path: str = "/"
    """The path of ``base_url``: pages link to each other under it (``serve`` serves
    the site there)."""


def templates_dir(options: Options) -> Path:
    """The project's templates: ``templates/`` beside the config file."""
    return options.config.parent / "templates"


def check(options: Options, waiting: Callable[[str], None] | None = None) -> Corpus:
    """The templates compiled (``check_templates``), then ``load``, alone with the build
    cache (``lock``: ``waiting`` is told when another build or check holds it)."""
    config = load_settings(options)
    templates = templates_dir(options)
    if templates.is_dir():
        check_templates(templates)
    with (machine.refusals_told(options.output, "the check did not end"),
          lock.exclusive(options.config.parent / CACHE_FOLDER, waiting)):
        return load(options, config)


def output_is_ours(options: Options) -> None:
    """Raise ``UsageError`` unless the output folder may be replaced, and so served: it
    is none of the project's folders, nor holds or lies inside one (``check_output``)."""
    templates = templates_dir(options)
    cache_folder = options.config.parent / CACHE_FOLDER
    check_output(options.output, (options.config.parent, options.source, templates,
                                  cache_folder), (options.source, templates, cache_folder))


def build(options: Options, progress: Callable[[str], None] | None = None,
          waiting: Callable[[str], None] | None = None) -> BuildReport:
    """Validate, index, plan, render and publish; raises on any error, leaving the output
    folder as it was. ``progress`` is told of each stage as it starts; ``waiting``, when
    another build or check of the project must end first (``lock``)."""
    config = load_settings(options)
    templates = templates_dir(options)
    cache_folder = options.config.parent / CACHE_FOLDER
    # Before anything is read or written (the cache included): is the output ours?
    output_is_ours(options)
    loading.check_source(options)
    if not templates.is_dir():
        raise UsageError(f"{templates.as_posix()}: no such folder; the site's templates live "
                         "in templates/ beside the config file")
    left = f"{options.output.as_posix()}/ was left as it was"
    # A full disk, say, is told, not a traceback; the model each step makes lives as long
    # as the build: out of the collector's way.
    with (machine.refusals_told(options.output, left, _spare_path(cache_folder, options.output)),
          lock.exclusive(cache_folder, waiting) as alone, collector.frozen()):
        # Timed from here: the summary's seconds are the build's, not the wait's.
        return _build(options, progress or (lambda _: None), time.perf_counter(), config,
                      templates, cache_folder, alone)


def _build(options: Options, say: Callable[[str], None], started: float, config: Config,
           templates: Path, cache_folder: Path, alone: bool) -> BuildReport:
    say("looking for changes")
    last = None if options.clean else uptodate.read(cache_folder, options.output)
    fingerprint = uptodate.inputs(options.config, templates, options.source,
                                  repr((options.drafts, options.base_url)),
                                  last.sources if last else None)
    # Its warnings name the files as the last build did: told again only when that is
    # how this one would.
    if last and last.inputs == fingerprint.everything and last.named == _named(options) \
            and uptodate.as_left(last, options.output):
        return BuildReport(0, 0, 0, 0, time.perf_counter() - started, last.warnings,
                           config.base_is_absolute, unchanged=True,
                           base_path=Urls(config.base_url)(""))
    spare = spare_folder(cache_folder, options.output)
    spare_table = last.spare if last else uptodate.Table()
    checking = _check_spare(spare, spare_table, options)
    checked = None if checking is None or spare is None else functools.partial(
        _spare_checked, checking, spare, spare_table)
    try:
        return _rebuild(options, say, started, config, templates, cache_folder, alone, last,
                        fingerprint, spare, checked)
    except BaseException as stopped:
        if checking is not None and not isinstance(stopped, Exception):
            checking.end()  # Ctrl+C: the check is called off, not waited for
        raise
    finally:
        # Ended before the spare is deleted from, or built anew, by the next build.
        if checking is not None:
            with contextlib.suppress(Exception):  # the build's own error is the one told
                checking()


def _named(options: Options) -> str:
    """How messages name the project's files (``uptodate.Stamp.named``)."""
    return repr((options.source.as_posix(), options.config.as_posix()))


def _of_folder(table: uptodate.Table, folder: Path) -> dict[str, str]:
    """The content digests ``table`` holds of the files under ``folder``."""
    prefix = os.path.join(folder, "")
    return {path: entry[0] for path, entry in table.files.items() if path.startswith(prefix)}


def _check_spare(spare: Path | None, table: uptodate.Table, options: Options
                 ) -> Background[SpareCheck | None] | None:
    """``publish.check_spare`` started in another process, while this one reads and
    plans (it needs nothing of the new site), when the spare is large enough to repay a
    process. ``None``: ``publish`` checks the spare itself."""
    try:
        if spare is None or options.clean or not spare.is_dir():
            return None
    except OSError:
        return None
    # The check deletes from the spare, which only the build holding the lock may do:
    # it never goes on once a killed build's lock is free (a worker ends with its parent).
    task = functools.partial(check_spare, spare, table)
    waiting = in_background(task, options.jobs, MIN_PARALLEL, len(table.files))
    return waiting if waiting.forked else None


def _spare_checked(waiting: Background[SpareCheck | None], spare: Path,
                   table: uptodate.Table) -> SpareCheck | None:
    """What the check started by ``_check_spare`` found, or, if its process was killed
    (out of memory, say), what the check finds here."""
    try:
        return waiting()
    except WorkerLost:
        return check_spare(spare, table)


def _rebuild(options: Options, say: Callable[[str], None], started: float, config: Config,
             templates: Path, cache_folder: Path, alone: bool, last: uptodate.Stamp | None,
             fingerprint: uptodate.Inputs, spare: Path | None,
             checked: Callable[[], SpareCheck | None] | None) -> BuildReport:
    """The build once its inputs are known to have changed since the ``last``."""
    if last is None or _of_folder(last.sources, templates) != _of_folder(
            fingerprint.table, templates):
        # Before the monographs are read: every template that does not compile at once.
        linked = check_templates(templates)
    else:
        linked = last.routes
    say("reading and checking the monographs")
    # Whether no page of the last build read a body not its own: a text edit then
    # changes only the edited monographs' own pages (``reuse``).
    own_page_only = last is not None and not last.foreign
    # Only bodies changed since the last build, the model it kept: most files are the
    # ones it made, taken from the spare or the output folder as they are.
    last_model = (loading.read_kept(options, fingerprint, last, cache_folder)
                  if last and own_page_only else None)
    from_snapshot = (loading.from_snapshot(options, config, fingerprint, last, last_model)
                     if last and last_model else None)
    index: dict[str, bytes] | None = None
    stale = 0  # monographs changed since the kept model was made
    restore: Callable[[OutputPage], None] = _nothing
    if from_snapshot:
        corpus, site, frame, stale, kept_model = from_snapshot
        restore = functools.partial(_restore_outlines, kept_model)
    else:
        # A front-matter edit: the monographs that did not change are the kept model's.
        corpus = load(options, config, prune=False, known={
            path: entry[0] for path, entry in fingerprint.table.files.items()},
            kept=last_model.model if last_model else None)
        last_model = None  # its index, made again below, need not be held meanwhile
        say(f"indexing {len(corpus.monographs)} monographs")
        with collector.paused():
            site = build_site(corpus.config, corpus.monographs, corpus.assets, corpus.bodies,
                              drafts=options.drafts)
        # With no last build to take files from, the full-text index is made from every
        # body's words at once, while this process goes on (or ended, if it stops).
        index_files = None if last else in_background(
            functools.partial(search.index_files, site, corpus.words), options.jobs,
            MIN_PARALLEL, len(site.monographs))
        frame = reuse.frame(fingerprint.frame, corpus.monographs, corpus.versions,
                            last.fronts if last else {})
        index = index_files() if index_files else None
    # Only bodies changed since the last build: most files are the ones it made.
    changed = (reuse.changed(corpus.versions, last.versions)
               if last and last.frame == frame[0] and own_page_only else None)
    data: dict[str, Callable[[], bytes]] = {
        opendata.JSON: lambda: opendata.to_json(site),
        opendata.CSV: lambda: opendata.to_csv(site)}
    unchanged = set(data)  # the data files hold front matter, not bodies
    # A build with no last one to take pages from records nothing (``reads``): recording
    # costs a seventh of rendering every page, and such a build (a first one, a --clean
    # one) is more often published than edited; but not ``serve``'s, which an editor is
    # about to edit, and whose first front-matter edit would otherwise render every page.
    # The first build after it that renders pages records what they read. A text edit
    # records the pages it renders beside the traces of the last build that recorded;
    # with none, it has nothing to add to.
    store = reads.Store(cache_folder, uptodate.output_key(options.output))
    tracing = (last is not None or options.authoring) and not options.clean and (
        changed is None or store.exists(fingerprint.frame))
    # What each page of the last build read: with the same inputs frame, a page whose
    # reads are all as they were is taken as it was made. A text edit keeps every page
    # it does not render, and their traces with them.
    before = store.read(fingerprint.frame) if tracing and changed is None else None
    numbered = reads.published(site)
    shards_kept: set[str] = set()
    if last and changed is not None:
        search_data, same = _search_update(options, site, corpus, last, changed)
        data.update(search_data)
        unchanged |= same
    elif last and before and last.published == numbered:
        # The same monographs published, so numbered as they were in the index: only
        # the shards holding the words that came or went are made again, the others
        # taken as they are.
        search_data, shards_kept = _search_update(options, site, corpus, last, reuse.changed(
            corpus.versions, last.versions), facets_changed=True)
        data.update(search_data)
    else:
        data.update(_search_data(site, index, corpus.words))
    with collector.paused():
        outputs = plan(site, templates / "static", data)
    env = make_environment(templates, site, CompiledTemplates(
        cache_folder / COMPILED_FOLDER, read=not options.clean),
        reads.Recorder() if tracing else None)
    if from_snapshot:
        # A page whose monograph's text changed may now read others' outlines, which the
        # kept model lacks until asked for; the page then counts in ``foreign``.
        env.recorder.on_foreign = functools.partial(snapshot.restore_outlines, kept_model)
    files = [_file(output) for output in outputs]
    if not from_snapshot:
        # Links from the site's root and routes written out in templates lead to its
        # files: known once it is planned. (A text edit checks those of the monographs
        # it read, against the same files; the templates' warnings are kept.)
        planned = set(files)
        rooted = [*site_links(corpus.monographs, planned, Urls(config.base_url)("")),
                  *template_routes(linked, planned, corpus.monographs)]
        corpus = replace(corpus, warnings=tuple(sorted([*corpus.warnings, *rooted])))
    kept: dict[str, str] = {}
    if last and (changed is not None or shards_kept):
        made = last.output.files
        routes = (reuse.kept(outputs, changed, unchanged) if changed is not None
                  else shards_kept)
        kept = {file: made[file][0] for output, file in zip(outputs, files, strict=True)
                if output.route in routes and file in made}
    digests = reads.Digests(site, corpus.versions, frame[1], {}) if tracing else None
    if digests is not None:
        digests.prepare()
    check = None
    if before and digests:
        # Each page is checked against the digests of the build that rendered it.
        built = (digests.with_cards(before.base_cards), before.then)
        edited = (digests.with_cards(before.cards), before.then_edited)
        check = functools.partial(_check_of, before.edited, built, edited)
    traces = reads.Traces(fingerprint.frame, {}, {}, [])
    # The pages that read a body not their own: rendered so now, or taken from the last
    # build, which rendered them so.
    foreign: set[str] = set()
    # (Those of the traces read: the last build may have been in another frame.)
    foreign_before = (before.foreign if before is not None
                      else last.foreign if last else frozenset())

    def write(folder: Path, known: Mapping[str, uptodate.Entry], twin: Twin | None,
              blank: set[str] | None) -> dict[str, uptodate.Entry]:
        # Each process writes its share of the pages, reading the site built before the
        # fork; a page's bytes do not depend on which process wrote it.
        # Taking a kept file that ``folder`` holds costs next to nothing: only the others
        # are worth a process. A kept file it lacks is copied from the output folder
        # (read, checked, written: at 10,000 monographs, with every file to copy, 6.3 s
        # over two processes against 7.6 s in one), or rendered again when gone from
        # there too (the site and its spare deleted).
        written: dict[str, uptodate.Entry] = {}
        traces.pages.clear()
        traces.cards.clear()
        traces.digests.clear()
        foreign.clear()
        # A kept file ``folder`` holds as the last build made it is taken here, as
        # ``_write`` would take it: in a text edit, all but a few of the site's files
        # (19,600 at 10,000 monographs), each of which went through its calls (40 ms).
        before_pages = before.pages if before else {}
        left: list[tuple[Output, str]] = []
        for output, file in zip(outputs, files, strict=True):
            made = kept.get(file)
            have = known.get(file) if made is not None else None
            if have is None or have[0] != made:
                left.append((output, file))
                continue
            written[file] = have
            trace = before_pages.get(file)
            if trace is not None and trace[2] == made:
                traces.pages[file] = trace
            if file in foreign_before:
                foreign.add(file)
        jobs = min(options.jobs or default_jobs(), max(1, len(left) // PAGES_PER_JOB))
        # Every page is tried even once one has failed, so that one build tells each
        # failing line: a failing build costs the time of a build (3,000 monographs failing
        # on every page: 7.3 s against 1.35 s stopping at the first), and no more memory
        # than one (the problems are folded as they arrive).
        problems = Problems()
        for result in parallel_map(functools.partial(_attempt, functools.partial(
                _write, folder, env=env, known=known, kept=kept, keep_from=options.output,
                restore=restore, twin=twin, blank=blank, before=before_pages,
                check=check, digests=digests)),
                left, jobs, min_items=2,
                first=[i for i, (output, _) in enumerate(left) if output.route in _LONG]):
            if isinstance(result, TemplateProblem):
                problems.add(result)
                continue
            file, entry, trace, new, elsewhere = result
            written[file] = entry
            if elsewhere or (elsewhere is None and file in foreign_before):
                foreign.add(file)
            if trace is not None:
                traces.pages[file] = trace
            if new is not None:
                traces.cards.update(new[0])
                if new[1]:
                    traces.digests.append(new[1])
        told = problems.told()
        if told:
            raise told
        return written

    say(f"writing {len(outputs)} files")
    try:
        published = publish(options.output, files, write, spare, reuse=not options.clean,
                            spare_table=last.spare if last else None, alone=alone,
                            checked=checked)
    finally:
        # The environment lives on until collected (its templates refer to it): it must
        # not keep the model read back.
        env.recorder.on_foreign = None
    # The spare now: the new site's twin, or the output folder the swap replaced.
    uptodate.record(cache_folder, options.output, fingerprint, frame, dict(corpus.versions),
                    published.output, published.spare or (
                        last.output if last else uptodate.Table()), numbered,
                    frozenset(foreign), corpus.warnings, _named(options), linked)
    _forget_other_outputs(cache_folder, options.output)
    traces.foreign = frozenset(foreign)
    if not tracing:
        # Those of the other frames hold for them still, but after --clean.
        store.clear(None if options.clean else fingerprint.frame)
    elif changed is not None:
        store.add_edits(traces)
    else:
        if before:
            # The digests and cards of the last build stand for the pages taken from it
            # (their reads had the same digests); those of the pages rendered replace them.
            traces = reads.Traces(traces.frame, traces.pages, {**before.cards, **traces.cards},
                                  [reads.pack_digests({**before.then_edited, **traces.parse()})],
                                  traces.foreign)
        store.write(traces)
    if not foreign and (not from_snapshot or stale > loading.MAX_CHANGED // 4):
        # A build that read every monograph (the first in this frame, the very first,
        # or one after too many text edits for the model kept), or a text edit after many
        # since the model was kept (each is read again from the cache): the model is kept
        # for the text edits to come, so that the very first is as quick as the others.
        snapshot.save(cache_folder, options.output, snapshot.Snapshot(
            frame[0], dict(corpus.versions), corpus.monographs, corpus.assets,
            corpus.warnings, site, kept_model.outlines if from_snapshot else b""))
    used = set(corpus.versions.values())
    # A text edit replaced the entries of the monographs it changed, and no other.
    build_cache_of(options).prune(used, among=set(last.versions.values()) - used
                          if last and changed is not None else None)
    pages = sum(isinstance(o, OutputPage) for o in outputs)
    return BuildReport(
        monographs=len(site.monographs),
        drafts_skipped=0 if options.drafts else sum(m.draft for m in corpus.monographs),
        pages=pages, files=len(outputs) - pages,
        seconds=time.perf_counter() - started, warnings=corpus.warnings,
        absolute_base=site.config.base_is_absolute, base_path=Urls(site.config.base_url)(""))


# The outputs made from every monograph, each far longer to make than a page: handed
# out first (``parallel_map``), so that none is left to the end of one process's share.
_LONG = frozenset({urls.MONOGRAPHS + "/", "sitemap.xml", search.CATALOGUE,
                   opendata.JSON, opendata.CSV})


def spare_folder(cache_folder: Path, output: Path) -> Path | None:
    """Where an output folder's spare site is kept (``publish``): in the cache, one per
    output folder, when the cache is on the output's file system (the cache folder
    itself, which may be a link to another disk, or where it will be made)."""
    cache = cache_folder if cache_folder.exists() else cache_folder.parent
    try:
        if os.stat(cache).st_dev != os.stat(output.absolute().parent).st_dev:
            return None
    except OSError:
        return None
    return _spare_path(cache_folder, output)


def _spare_path(cache_folder: Path, output: Path) -> Path:
    return cache_folder / "spare" / _spare_name(uptodate.output_key(output))


def _spare_name(key: str) -> str:
    return key[:16]


KEPT_OUTPUTS = 4
"""How many output folders the cache keeps what a build needs to be incremental for:
those built into most recently. For any other (a folder built into once, a test's),
its stamp, model, reads and spare site are deleted; its next build is a full one."""

_KEY = re.compile("[0-9a-f]{64}")


def _forget_other_outputs(cache_folder: Path, output: Path) -> None:
    """Delete what the cache keeps for the output folders beyond the ``KEPT_OUTPUTS``
    built into most recently, ``output`` first. Called holding the project's lock: no
    other build is using them. Each spare is a whole site, the only copy of its files
    once its output folder is gone."""
    outputs = cache_folder / "outputs"
    try:
        stamps = sorted(((entry.stat().st_mtime_ns, entry.name) for entry in os.scandir(outputs)
                         if _KEY.fullmatch(entry.name)), reverse=True)
        ours = uptodate.output_key(output)
        kept = {ours, *[key for _, key in stamps if key != ours][:KEPT_OUTPUTS - 1]}
        for entry in os.scandir(outputs):
            if _KEY.fullmatch(entry.name[:64]) and entry.name[:64] not in kept:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        spares = cache_folder / "spare"
        names = {_spare_name(key) for key in kept}
        for entry in (list(os.scandir(spares)) if spares.is_dir() else []):
            if entry.name not in names and entry.is_dir(follow_symlinks=False):
                remove_folder(Path(entry.path))
    except OSError:
        pass  # what is not deleted now is at the next build


def _search_data(site: Site, index: Mapping[str, bytes] | None, words: Mapping[str, str]
                 ) -> dict[str, Callable[[], bytes]]:
    """The search data's makers, given the full-text index shards if already made."""
    index = search.index_files(site, words) if index is None else index
    makers: dict[str, Callable[[], bytes]] = {
        route: functools.partial(bytes, content) for route, content in index.items()}
    makers[search.CATALOGUE] = functools.partial(search.catalogue, site, tuple(index))
    return makers


def _search_update(options: Options, site: Site, corpus: Corpus, last: uptodate.Stamp,
                   changed: frozenset[str], facets_changed: bool = False
                   ) -> tuple[dict[str, Callable[[], bytes]], set[str]]:
    """The search data's makers when only the monographs of ``changed`` changed since
    the ``last`` build, the same ones published, and the routes among them that hold
    what that build made: only the index shards holding the words that came or went are
    made again, and the catalogue when the set of shards changed (or the facets: when
    ``facets_changed``, made from the site)."""
    cache = build_cache_of(options)
    words: dict[str, tuple[str, str]] = {}
    for monograph in corpus.monographs:
        if monograph.source in changed:
            old = cache.column("words", last.versions.get(monograph.source, ""))
            if old is None:
                return _search_data(site, None, corpus.words), set()
            words[monograph.source] = (old.decode("utf-8"), corpus.words[monograph.source])
    made = last.output.files
    shards = sorted(file for file in made if file.startswith(search.INDEX_FOLDER))
    update = search.update_index(
        site, words, lambda file: _made_before(options.output, file, made[file][0]), shards)
    if update is None:
        return _search_data(site, None, corpus.words), set()
    routes = sorted({*shards, *update} - {r for r, content in update.items() if content is None})
    # A shard the last build made but that cannot be read back by the time it is
    # published is made again, from every body.
    full = functools.cache(functools.partial(search.index_files, site, corpus.words))
    makers: dict[str, Callable[[], bytes]] = {}
    for route in routes:
        content = update.get(route)
        makers[route] = (functools.partial(bytes, content) if content is not None
                         else functools.partial(_shard, full, route))
    catalogue = made.get(search.CATALOGUE)
    makers[search.CATALOGUE] = (
        functools.partial(search.catalogue, site, tuple(routes)) if facets_changed else
        functools.partial(_catalogue, options.output, site, tuple(routes),
                          catalogue[0] if catalogue else None))
    same = {route for route in routes if route not in update}
    if routes == shards and not facets_changed:
        same.add(search.CATALOGUE)
    return makers, same


def _catalogue(output: Path, site: Site, routes: tuple[str, ...], made: str | None) -> bytes:
    """The catalogue after a text edit, when the last build's cannot be kept as it is
    (the set of index ``routes`` changed, or it is gone from the spare): the one the
    last build made (with the digest ``made``), read back from the ``output`` folder,
    with only its list of shards replaced, since a text edit changes nothing else it
    holds (made from the site: 0.17 s at 10,000 monographs); made from the ``site`` when
    it can no longer be read."""
    before = _made_before(output, search.CATALOGUE, made)
    return (search.catalogue(site, routes) if before is None
            else search.with_shards(before, routes))


def _shard(index: Callable[[], dict[str, bytes]], route: str) -> bytes:
    return index()[route]


def _made_before(output: Path, file: str, made: str | None) -> bytes | None:
    """The bytes of ``file`` as the last build made them (with the digest ``made``), read
    from the ``output`` folder; ``None`` when they are no longer there."""
    if made is None:
        return None
    try:
        data = safe_join(output, file).read_bytes()
    except OSError:
        return None
    return data if uptodate.digest(data) == made else None


def _file(output: Output) -> str:
    """The file an output is written to, relative to the output folder."""
    return posixpath.normpath(output_file(output.route))


Written = tuple[str, uptodate.Entry, reads.Trace | None, tuple[dict[str, bytes], bytes] | None,
                bool | None]
"""A file written (``_write``), its entry, its page's trace, the cards first rendered for
it with the digests of the keys first read for it (``reads``), and, for a page rendered,
whether it read a body not its own (``reuse``): ``None`` for a file taken as the last
build made it, or not a page."""


def _write(folder: Path, job: tuple[Output, str], *, env: TracingEnvironment,
           known: Mapping[str, uptodate.Entry], kept: Mapping[str, str],
           keep_from: Path, restore: Callable[[OutputPage], None] = _nothing,
           twin: Twin | None = None, blank: set[str] | None = None,
           before: Mapping[str, reads.Trace] | None = None,
           check: Callable[[str], tuple[reads.Digests, Mapping[str, str]]] | None = None,
           digests: reads.Digests | None = None) -> Written:
    """Write one output into ``folder`` as its file (``job``: the output and ``_file``
    of it) with ``publish.put``, linked into ``twin`` if any (``blank`` as ``put`` has
    it). The file of one of ``kept``, whose bytes the last build made with that digest,
    is taken from ``folder`` as it is or from ``keep_from`` (the output folder), once
    read to check; so is a page whose trace in ``before`` (the last build's) reads keys
    with the digests they have now (``check(file)``: the digests now, and those of the
    build that rendered it). ``restore(page)`` is called before a page is rendered, its
    reads traced over ``digests``."""
    output, file = job
    made = kept.get(file)
    trace = before.get(file) if before else None
    if (trace is not None and made is None and check is not None
            and isinstance(output, OutputPage) and _same_reads(output, trace, *check(file))):
        made = trace[2]
    if made is not None:
        kept_trace = trace if trace is not None and trace[2] == made else None
        have = known.get(file)
        if have is not None and have[0] == made:
            return file, have, kept_trace, None, None
        bytes_before = _made_before(keep_from, file, made)
        if bytes_before is not None:
            return (file, put(folder, file, bytes_before, known, made, twin, blank),
                    kept_trace, None, None)
        # Changed or gone since the last build: made again below.
    if isinstance(output, OutputPage):
        restore(output)
        recorder = env.recorder
        if digests is None:
            data = render_page(env, output)
            entry = put(folder, file, data, known, twin=twin, blank=blank)
            return file, entry, None, None, recorder.foreign
        with recorder.recording() as read:
            data = render_page(env, output)
        entry = put(folder, file, data, known, twin=twin, blank=blank)
        fresh, recorder.fresh = recorder.fresh, {}
        cards = {key: reads.pack(card_keys) for key, card_keys in fresh.items()}
        # The cards first rendered here, and what they read, are given even when this
        # page is not traced: the next pages of this process show them as one key.
        card_reads = [*fresh, *(key for card in fresh.values() for key in card)]
        keys = sorted(read)
        try:
            if reads.ALWAYS in read:
                raise reads.Untraceable(reads.ALWAYS)
            trace = (digests.context(output), reads.pack(keys), entry[0])
        except reads.Untraceable:
            return file, entry, None, (cards, digests.new(card_reads, fresh)), recorder.foreign
        return (file, entry, trace, (cards, digests.new([*keys, *card_reads], fresh)),
                recorder.foreign)
    if output.copy_from is not None:
        try:
            data = output.copy_from.read_bytes()
        except FileNotFoundError:
            # An editor's temporary file, gone since discovery: the site must not miss it
            # silently, nor crash.
            raise SsgError(f"{output.origin}: disappeared during the build; build "
                           "again") from None
    else:
        assert output.make is not None
        data = output.make()
    return file, put(folder, file, data, known, twin=twin, blank=blank), None, None, None


def _attempt(write: Callable[[tuple[Output, str]], Written], job: tuple[Output, str]
             ) -> Written | TemplateProblem:
    """``write(job)``, or the template's problem it raised: every page is tried, so that
    one build tells every template's problem (``render.Problems``)."""
    try:
        return write(job)
    except TemplateProblem as problem:
        # Its words only: its traceback would keep the page's frames alive until then.
        problem.__traceback__ = problem.__cause__ = problem.__context__ = None
        return problem


def _check_of(edited: frozenset[str], built: tuple[reads.Digests, Mapping[str, str]],
              since: tuple[reads.Digests, Mapping[str, str]], file: str
              ) -> tuple[reads.Digests, Mapping[str, str]]:
    return since if file in edited else built


def _same_reads(page: OutputPage, trace: reads.Trace, now: reads.Digests,
                then: Mapping[str, str]) -> bool:
    """Whether ``page`` would read ``now`` what it read at the last build (``trace``,
    with the digests ``then``)."""
    try:
        if reads.Digests.context(page) != trace[0]:
            return False
    except reads.Untraceable:
        return False
    return now.same(reads.unpack(trace[1]), then)
