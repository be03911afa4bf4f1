"""``serve``: build with drafts, serve the output folder with live reload, rebuild on change.

The site is served from the output folder only (Tornado's static handler, which refuses
paths outside its root), on 127.0.0.1 unless another host is asked for. Monographs,
templates (static files included) and the config are watched through inotify where
pyinotify is available, so a save is seen at once. A build that fails leaves the last
good site in place; while it fails, every page answers with the errors (``file:line:
field: message``) and the terminal prints them; the next good build clears them, and
the browser reloads either way.
"""

from __future__ import annotations

import errno
import gc
import html
import logging
import socket
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

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
from tornado.web import Application

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
        # livereload's "Serving on" would repeat ``serve``'s line.
        channel.addFilter(lambda record: not record.getMessage().startswith("Serving on "))
        if self.quiet:
            channel.setLevel(logging.ERROR)
            # An access line is no error of the site's: a 404 is what a browser asked for,
            # a 500 the error page, whose errors were printed when the build failed.
            logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
        logging.getLogger("livereload").setLevel(logging.INFO)
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

    async def get(self, path: str, include_body: bool = True) -> None:
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


def _rebuild(options: Options) -> None:
    # The last build's model is freed while the server waits, once the browsers are told
    # to reload, rather than at the start of the next build (``collector.frozen``).
    IOLoop.current().add_callback(gc.collect)
    found: Sequence[object]
    try:
        report = build(options, waiting=None if options.quiet else _waiting)
    except (InvalidContent, ConfigError) as error:
        found = error.errors
    except SsgError as error:
        found = [error]
    else:
        fixed, _SiteHandler.errors = bool(_SiteHandler.errors), []
        if not options.quiet and (fixed or not report.unchanged):
            # Said even when the fix gave back the site as it was: the errors printed
            # last are gone.
            print(f"{'Fixed: rebuilt' if fixed else 'Rebuilt'} {report.monographs} "
                  f"monographs in {report.seconds:.2f} s.", file=sys.stderr, flush=True)
        return
    _SiteHandler.errors = [str(e) for e in found]
    for line in _SiteHandler.errors:
        print(line, file=sys.stderr)
    # Every page answers with the errors; the other files are the last good build's, if
    # there was one.
    them = "it until it is" if len(found) == 1 else "them until they are"
    print(f"{tally(found)}; every page shows {them} fixed.", file=sys.stderr, flush=True)


def _waiting(message: str) -> None:
    print(f"impact-ssg: {message}…", file=sys.stderr, flush=True)


def serve(options: Options, host: str, port: int) -> None:
    """Build, then serve and rebuild on every change until interrupted. ``port`` 0 is any
    free port; the port is taken before the build, and one that cannot be (in use, a host
    that is not this machine's) is a ``UsageError``."""
    options = replace(options, drafts=True)
    # Every build would refuse a folder that is not a site's, but serving it would show
    # its files all the same.
    output_is_ours(options)
    sockets = _bind(host, port)
    asked, port = port, int(sockets[0].getsockname()[1])
    if host not in LOOPBACK:
        print(f"warning: serving on {host}: anyone who can reach this machine can read the "
              "site, drafts included", file=sys.stderr)
    _rebuild(options)
    _SiteHandler.not_found = options.output / "404.html"
    # livereload skips a reload within 3 s of the last one (or of the start): a second
    # save soon after the first would leave the browser on a stale page.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = _Server(sockets, _watcher(), options.quiet)
    server.SFH = _SiteHandler
    for watched in (options.source, templates_dir(options), options.config):
        if watched.exists():
            server.watch(str(watched), lambda: _rebuild(options))
    if not options.quiet or asked == 0:
        # Said once the loop runs, so the server answers when a reader sees it; even with
        # --quiet when the system chose the port, which nothing else would tell.
        IOLoop.current().add_callback(
            lambda: print(f"Serving {options.output.as_posix()}/ on "
                          f"http://{_url_host(host)}:{port}/ (Ctrl+C to stop)",
                          file=sys.stderr, flush=True))
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


def _watcher() -> Watcher:
    """inotify where available, also told of files saved by rename (as many editors do)."""
    if get_watcher_class() is not INotifyWatcher:
        return Watcher()
    import pyinotify

    class Notified(INotifyWatcher):  # type: ignore[misc]
        def watch(self, path: str, func: Any = None, delay: Any = None,
                  ignore: Any = None) -> None:
            flags = (pyinotify.IN_CREATE | pyinotify.IN_DELETE | pyinotify.IN_MODIFY
                     | pyinotify.IN_MOVED_TO | pyinotify.IN_MOVED_FROM
                     | pyinotify.IN_CLOSE_WRITE)
            self.wm.add_watch(path, flags, rec=True, do_glob=True, auto_add=True)
            Watcher.watch(self, path, func, delay, ignore)

    return Notified()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

