"""``serve``: build with drafts, serve the output folder with live reload, rebuild on change.

The site is served from the output folder only (Tornado's static handler, which refuses
paths outside its root), under the path of its ``base_url`` (where its pages link), on
127.0.0.1 unless another host is asked for. Monographs, templates (static files
included) and the config are watched through inotify where pyinotify is available, so a
save is seen at once, and so are the folders holding them, for a path replaced. A build
that fails leaves the last good site in place; while it fails, every page answers with
the errors (``file:line: field: message``) and the terminal prints them; the next good
build clears them, and the browser reloads either way.
"""

from __future__ import annotations

import errno
import html
import logging
import os
import signal
import socket
import stat
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import (
    ForceReloadHandler,
    LiveReloadHandler,
    LiveReloadJSHandler,
    StaticFileHandler,
)
from livereload.server import LiveScriptInjector
from livereload.watcher import INotifyWatcher, Watcher, get_watcher_class
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.log import LogFormatter
from tornado.netutil import bind_sockets
from tornado.web import Application, HTTPError

from . import collector
from .cache import FOLDER as CACHE_FOLDER
from .errors import ConfigError, InvalidContent, SsgError, UsageError, tally
from .pipeline import Options, build, output_is_ours, templates_dir

LOOPBACK = ("127.0.0.1", "localhost", "::1")

# livereload's own snippet: the page loads livereload.js from the host and port it came
# from, whatever name the browser reached the server by.
LIVE_SCRIPT = (b'<script>(function(){var s=document.createElement("script");'
               b'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
               b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
               b'document.head.appendChild(s);})();</script>')


class _Server(Server):  # type: ignore[misc]
    """livereload's server on sockets bound beforehand, rather than on a port it binds
    itself once the site is built: a port already taken is said before the build, and
    the port the system chose for ``--port 0`` is known. Its log says nothing of where it
    serves (``serve`` does), and with ``quiet`` only its errors."""

    def __init__(self, sockets: list[socket.socket], watcher: Watcher, quiet: bool) -> None:
        super().__init__(watcher=watcher)
        self.sockets, self.quiet = sockets, quiet

    def _setup_logging(self) -> None:
        channel = logging.StreamHandler()
        channel.setFormatter(LogFormatter())
        # livereload's "Serving on" would repeat ``serve``'s line, and the 500 of each page
        # asked for while the site is broken the errors printed when the build failed.
        channel.addFilter(lambda record: not record.getMessage().startswith("Serving on ")
                          and not (record.name == "tornado.access"
                                   and record.levelno >= logging.ERROR
                                   and _SiteHandler.errors))
        if self.quiet:
            channel.setLevel(logging.ERROR)
            # An access line is no error of the site's: a 404 is what a browser asked for,
            # a 500 the error page, whose errors were printed when the build failed.
            logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
        # Its "Start watching changes" and "Running task" at each change say nothing the
        # build does not: its warnings and errors are kept.
        logging.getLogger("livereload").setLevel(logging.WARNING)
        for name in ("livereload", "tornado"):
            logging.getLogger(name).addHandler(channel)

    def application(self, port: int, host: str, liveport: int | None = None,
                    debug: bool | None = None, live_css: bool = True) -> None:
        # livereload's, less its other modes (live reload on a port of its own, a WSGI app)
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class Injector(LiveScriptInjector):  # type: ignore[misc]
            script = LIVE_SCRIPT

        app = Application([(r"/livereload", LiveReloadHandler),
                           (r"/forcereload", ForceReloadHandler),
                           (r"/livereload.js", LiveReloadJSHandler),
                           *self.get_web_handlers(LIVE_SCRIPT)], transforms=[Injector])
        HTTPServer(app).add_sockets(self.sockets)


class _SiteHandler(StaticFileHandler):  # type: ignore[misc]
    """Static files of the output folder, or the build's errors while it is broken."""

    errors: ClassVar[list[str]] = []
    not_found: ClassVar[Path | None] = None
    base: ClassVar[str] = "/"
    """Where the site is served: its ``base_url``'s path, under which its pages link to
    each other (that of the last good build)."""

    async def get(self, path: str, include_body: bool = True) -> None:
        under = unquote(self.base)[1:]
        if not path.startswith(under):
            if path in ("", under[:-1]):
                self.redirect(self.base)
                return
            raise HTTPError(404)
        path = path[len(under):]
        if self.errors and (path == "" or path.endswith(("/", ".html"))):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(error_page(self.errors))
            return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        page = self.not_found
        if status_code == 404 and page is not None and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


def error_page(errors: list[str]) -> str:
    """A page listing the build's errors (French, like the site)."""
    items = "\n".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Erreurs de construction · impact-ssg</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1b2430; }}
h1 {{ color: #8a1c12; }} li {{ margin: .5rem 0; }}
code {{ white-space: pre-wrap; background: #fdf0e6; padding: .15rem .35rem; }}
</style>
</head>
<body>
<main>
<h1>La construction du site a échoué</h1>
<p>Corrigez ces erreurs ; la page se rechargera d’elle-même.</p>
<ul id="erreurs">
{items}
</ul>
</main>
</body>
</html>
"""


def _rebuild(options: Options, first: bool = False) -> None:
    loop = IOLoop.current()
    if _freeing:
        # A build sooner than that collects first (``collector.frozen``): the collection
        # set for the last build would come after it, when its page is asked for.
        loop.remove_timeout(_freeing.pop())
    try:
        _build_and_tell(options, first)
    finally:
        # The build's model is freed while the server waits, rather than at the start of
        # the next build, once the browsers told to reload have had the page and its
        # files: at 10,000 monographs a full collection takes 0.2 to 0.3 s, which the
        # page would otherwise wait for.
        _freeing.append(loop.call_later(FREE_AFTER, _collect))


def _collect() -> None:
    _freeing.clear()
    collector.collect()


def _build_and_tell(options: Options, first: bool) -> None:
    """Build, and say what came of it in the terminal and, for errors, on every page."""
    found: Sequence[object]
    try:
        report = build(options, waiting=None if options.quiet else _waiting)
    except (InvalidContent, ConfigError) as error:
        found = error.errors
    except SsgError as error:
        found = str(error).splitlines()
    else:
        fixed, _SiteHandler.errors = bool(_SiteHandler.errors), []
        _SiteHandler.base = report.base_path
        if options.quiet:
            return
        if report.unchanged and not fixed:
            if first:  # the site as the last build left it: its warnings stand
                for warning in report.warnings:
                    print(warning, file=sys.stderr)
            return
        if report.unchanged:
            # The fix gave back the site as it was: the errors printed last are gone.
            said = "Fixed: the site is as it was before the errors."
        else:
            said = (f"{'Fixed: rebuilt' if fixed else 'Rebuilt'} {report.monographs} "
                    f"monographs in {report.seconds:.2f} s.")
        for warning in report.warnings:  # those of the site served, after each change
            print(warning, file=sys.stderr)
        print(said, file=sys.stderr, flush=True)
        return
    told = [str(e) for e in found]
    if told == _SiteHandler.errors:
        # A save is often more than one change (an editor's temporary file, renamed):
        # the same errors again are not printed again; every page still shows them.
        return
    _SiteHandler.errors = told
    for line in told:
        print(line, file=sys.stderr)
    # Every page answers with the errors; the other files are the last good build's, if
    # there was one.
    them = "it until it is" if len(found) == 1 else "them until they are"
    print(f"{tally(found)}; every page shows {them} fixed.", file=sys.stderr, flush=True)


# Seconds from a build's end to the collection that frees its model, and the timer set
# for it, if any.
FREE_AFTER = 2.0
_freeing: list[object] = []


def _waiting(message: str) -> None:
    print(f"impact-ssg: {message}…", file=sys.stderr, flush=True)


def serve(options: Options, host: str, port: int) -> None:
    """Build, then serve and rebuild on every change until interrupted. ``port`` 0 is any
    free port; the port is taken before the build, and one that cannot be (in use, a host
    that is not this machine's) is a ``UsageError``."""
    options = replace(options, drafts=True, authoring=True)
    # Every build would refuse a folder that is not a site's, but serving it would show
    # its files all the same.
    output_is_ours(options)
    sockets = _bind(host, port)
    asked, port = port, int(sockets[0].getsockname()[1])
    if host not in LOOPBACK:
        print(f"warning: serving on {host}: anyone who can reach this machine can read the "
              "site, drafts included", file=sys.stderr)
    # livereload skips a reload within 3 s of the last one (or of the start): a second
    # save soon after the first would leave the browser on a stale page.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    # What builds write is never what they read, even in a watched folder (--source .).
    apart = (options.output, options.config.parent / CACHE_FOLDER)
    server = _Server(sockets, _watcher(tuple(os.path.abspath(p) for p in apart)),
                     options.quiet)
    server.SFH = _SiteHandler
    # Watched even when missing: one made later is seen. Watched before the first build
    # (a minute at 10,000 monographs): a file saved meanwhile is built once serving
    # starts, rather than taken as it was when the watch began.
    for watched in (options.source, templates_dir(options), options.config):
        server.watch(str(watched), lambda: _rebuild(options))
    previous = signal.signal(signal.SIGINT, _interrupted)
    try:
        _serve(options, server, host, port, asked)
    finally:
        signal.signal(signal.SIGINT, previous)
    if not options.quiet:
        # The output folder is left with the drafts' pages: not one to publish.
        print(f"\n{options.output.as_posix()}/ holds the drafts too: build it again "
              "(python build.py) before publishing it.", file=sys.stderr, flush=True)


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """Ctrl+C: ``KeyboardInterrupt``, as Python's own handler raises it (a build under way
    stops; livereload takes it as the end of serving), and the loop asked to stop. Raised
    in a finalizer, as the collection after each build runs them, the exception is
    reported and lost, and serving would go on: the loop stops all the same."""
    IOLoop.current().add_callback(IOLoop.current().stop)
    raise KeyboardInterrupt


def _serve(options: Options, server: _Server, host: str, port: int, asked: int) -> None:
    """The first build, then serving until Ctrl+C."""
    _rebuild(options, first=True)
    _SiteHandler.not_found = options.output / "404.html"
    if not options.quiet or asked == 0:
        # Said once the loop runs, so the server answers when a reader sees it; even with
        # --quiet when the system chose the port, which nothing else would tell.
        IOLoop.current().add_callback(
            lambda: print(f"Serving {options.output.as_posix()}/ on "
                          f"http://{_url_host(host)}:{port}{_SiteHandler.base} "
                          "(Ctrl+C to stop)",
                          file=sys.stderr, flush=True))
    # Until Ctrl+C (``_interrupted``).
    server.serve(port=port, host=host, root=str(options.output), open_url_delay=None,
                 restart_delay=0)


def _bind(host: str, port: int) -> list[socket.socket]:
    """Sockets listening on ``host`` (one per address it names), on ``port`` or, for 0, on
    a free port the system chooses (the same for every address); a ``UsageError`` that says
    why when the system refuses."""
    try:
        return bind_sockets(port, host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is already in use on {host}; pass --port N "
                             "(0: any free port)") from None
        raise UsageError(f"cannot listen on {host} port {port} ({error.strerror}); pass "
                         "--host or --port") from None


class _Primed(Watcher):  # type: ignore[misc]
    """livereload's watcher, for which a file it has not seen is a change: livereload
    takes one only when its time is later than the server's start, and a file moved or
    copied in keeps an older one. What a path holds when it is watched is seen then.
    A file is known by its time, size and inode, not its time alone, which a second
    write within one tick of the file system's clock (a few milliseconds) leaves as it
    was. Nothing under the folders ``apart`` (absolute paths) is a change."""

    _priming = False

    def __init__(self, apart: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.apart = apart

    def is_apart(self, path: str) -> bool:
        """Whether ``path`` lies under one of the folders ``apart``."""
        where = os.path.abspath(path)
        return any(where == folder or where.startswith(folder + os.sep)
                   for folder in self.apart)

    def ignore(self, filename: str) -> bool:
        return bool(super().ignore(filename)) or self.is_apart(filename)

    def watch(self, path: str, func: Any = None, delay: Any = None,
              ignore: Any = None) -> None:
        Watcher.watch(self, path, func, delay, ignore)
        self._priming = True  # nothing there now is a change
        try:
            self._task_mtimes = self._tasks[path]["mtimes"]
            self.is_changed(path, ignore)
        finally:
            self._priming = False

    def is_file_changed(self, path: str, ignore: Any = None) -> bool:
        # As livereload's, with more than the time to go by.
        if self.ignore(path) or (ignore and ignore(path)):
            return False
        try:
            status = os.stat(path)
        except OSError:
            return False
        if not stat.S_ISREG(status.st_mode):
            return False
        seen = (status.st_mtime_ns, status.st_size, status.st_ino)
        self._new_mtimes[path] = seen
        if self._task_mtimes.get(path) == seen:
            return False
        self.filepath = path
        return not self._priming


def _watcher(apart: tuple[str, ...] = ()) -> Watcher:
    """inotify where available, told of files saved by rename (as many editors do), and of
    watched paths replaced, deleted or made again (``git checkout``, ``rm -r``): the
    folder holding each is watched too, for its name only. Nothing under the folders
    ``apart`` (absolute paths) is watched."""
    if get_watcher_class() is not INotifyWatcher:
        return _Primed(apart)
    import pyinotify

    flags = (pyinotify.IN_CREATE | pyinotify.IN_DELETE | pyinotify.IN_MODIFY
             | pyinotify.IN_MOVED_TO | pyinotify.IN_MOVED_FROM | pyinotify.IN_CLOSE_WRITE)

    class Notified(_Primed, INotifyWatcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(apart)
            self.holders: dict[str, set[str]] = {}
            """A folder holding a watched path → the names of those it holds."""
            self.trees: set[str] = set()
            """The watched folders, each watched with everything in it."""
            self.examining = False
            """Whether the watched files are to be compared, for events read before."""
            self.touched: set[str] = set()
            """The files named by the events read since the last comparison (absolute)."""

        def watch(self, path: str, func: Any = None, delay: Any = None,
                  ignore: Any = None) -> None:
            # A watch follows a file or folder, not its name: one replaced by another
            # would be watched no more.
            where = os.path.abspath(path)
            holder, name = os.path.split(where)
            if holder not in self.holders and not self.in_tree(holder):
                # Not on a folder of a tree: watching it again would replace its watch
                # by one that does not watch the folders made in it.
                self.wm.add_watch(holder, flags)
            self.holders.setdefault(holder, set()).add(name)
            if os.path.isdir(where) or not os.path.exists(where):
                self.trees.add(where)  # or will be, when made
                self.add_tree(where)
            _Primed.watch(self, path, func, delay, ignore)

        def in_tree(self, folder: str) -> bool:
            return any(folder == tree or folder.startswith(tree + os.sep)
                       for tree in self.trees)

        def add_tree(self, folder: str) -> None:
            if os.path.isdir(folder):
                self.wm.add_watch(folder, flags, rec=True, auto_add=True,
                                  exclude_filter=self.is_apart)

        def inotify_event(self, event: Any) -> None:
            if self.is_apart(event.pathname):
                return
            if event.pathname in self.trees and event.mask & (
                    pyinotify.IN_CREATE | pyinotify.IN_MOVED_TO):
                self.add_tree(event.pathname)
            names = self.holders.get(event.path)
            if names is not None and event.name not in names and not self.in_tree(event.path):
                return  # beside a watched path: the output folder, the cache
            self.touched.add(event.pathname)
            # A save is several events (written, closed; a temporary file renamed): the
            # watched files are compared with what they were once for the events read
            # together, not once for each. At 10,000 monographs a comparison reads the
            # times of every file (0.1 to 0.2 s), and those after the first, with
            # nothing left to find, kept the rebuilt page waiting.
            if not self.examining:
                self.examining = True
                IOLoop.current().add_callback(self.examine_once)

        def examine_once(self) -> None:
            self.examining = False
            try:
                self.callback()
            finally:
                self.touched.clear()

        def is_file_changed(self, path: str, ignore: Any = None) -> bool:
            # Time, size and inode can all be the same after a second write within one
            # tick of the file system's clock, the comparison made in between (a letter
            # changed, the file saved twice): any file an event named is a change.
            changed = _Primed.is_file_changed(self, path, ignore)
            return changed or bool(
                self.touched and not self._priming and os.path.abspath(path) in self.touched
                and os.path.isfile(path) and not self.ignore(path)
                and not (ignore and ignore(path)))

    return Notified()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

