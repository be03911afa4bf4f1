"""The command line: ``impact-ssg [build|check|serve|new] [options]`` (SPEC §3).

Exit status: 0 done, 1 content errors, 2 usage or config errors. Errors go to stderr,
one per line, then a count. Only ``SsgError`` becomes a message; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from . import __version__
from .cache import close_all
from .errors import ConfigError, InvalidContent, SsgError, tally
from .pipeline import BuildReport, Options, build, check, load_settings
from .scaffold import create

COMMANDS = ("build", "check", "serve", "new")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("impact.yaml"), metavar="FILE",
                        help="site config (default: impact.yaml)")
    common.add_argument("--source", type=Path, default=Path("monographs"), metavar="DIR",
                        help="folder of monographs (default: monographs)")
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--output", type=Path, default=Path("site"), metavar="DIR",
                      help="output folder (default: site)")
    site.add_argument("--base-url", metavar="URL", help="override the config's base_url")
    site.add_argument("--jobs", type=_positive, metavar="N", help="processes (default: all cores)")
    site.add_argument("--clean", action="store_true", help="ignore every cache: a cold build")
    site.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    parser = argparse.ArgumentParser(
        prog="impact-ssg",
        description="Build a static site of practice monographs. The command defaults to build.",
    )
    parser.add_argument("--version", action="version", version=f"impact-ssg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", parents=[common, site],
                                help="validate and render the site")
    build.add_argument("--drafts", action="store_true", help="include drafts")
    check = commands.add_parser("check", parents=[common], help="validate only")
    check.add_argument("--drafts", action="store_true", help="as a build with drafts would")
    check.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    check.add_argument("--jobs", type=_positive, metavar="N", help="processes (default: all cores)")
    serve = commands.add_parser("serve", parents=[common, site],
                                help="build with drafts, serve with live reload")
    # Always with drafts: ``--drafts`` is taken, as in ``build``, but not offered.
    serve.add_argument("--drafts", action="store_true", help=argparse.SUPPRESS)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, metavar="N",
                       help="port (default: 8000; 0: any free port)")
    new = commands.add_parser("new", parents=[common], help="write a new monograph to fill")
    # Words given apart (no quotes around the title) are one title.
    new.add_argument("title", nargs="+", help='its title, e.g. "Un pôle territorial fédère…"')
    return parser


def _options_of(parser: argparse.ArgumentParser, command: str) -> list[str]:
    """The long options ``command`` takes (those ``--help`` shows)."""
    # argparse keeps them to itself: read where Python 3.11 to 3.14 keep them.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            taken = action.choices[command]._option_string_actions
            return [option for option, meaning in taken.items()
                    if option.startswith("--") and meaning.help != argparse.SUPPRESS]
    return []


def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _port(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be 0 to 65535 (0: any free port)")
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def run() -> NoReturn:
    """The program (``build.py``, ``impact-ssg``): ``main``, then the process ends at once.
    Its objects are not torn down one by one: after a build of 10,000 monographs, that
    took half a second, a third of a rebuild's time. An error that is a bug still ends
    it the usual way, with its traceback."""
    try:
        status = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader is gone (``| head``): what was left unsaid is lost
        status = 1
    except KeyboardInterrupt:  # Ctrl+C: a build stopped leaves its output folder as it was
        print("\ninterrupted", file=sys.stderr, flush=True)
        status = 130
    finally:
        close_all()
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if args_list and not args_list[0].startswith("-") and args_list[0] not in COMMANDS:
        close = difflib.get_close_matches(args_list[0], COMMANDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "commands: " + ", ".join(COMMANDS)
        parser.error(f"unknown command '{args_list[0]}' ({hint})")
    implied = not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version")
    if implied:
        args_list.insert(0, "build")
    args, extra = parser.parse_known_args(args_list)
    if extra:
        # A command after options was taken for a stray argument of the implied build.
        misplaced = next((word for word in extra if word in COMMANDS), None) if implied \
            else None
        option = next((word.split("=")[0] for word in extra if word.startswith("--")), None)
        # Compared without their '--', which would make any two look alike.
        names = {o[2:]: o for o in _options_of(parser, args.command)}
        close = [names[n] for n in difflib.get_close_matches(option[2:], names, n=1, cutoff=0.7)
                 ] if option else []
        parser.error(f"unrecognized arguments: {' '.join(extra)}" + (
            f" ('{misplaced}' is a command: write it first, then its options)"
            if misplaced else f" (did you mean '{close[0]}'?)" if close else ""))
    try:
        return _run(args)
    except (InvalidContent, ConfigError) as error:
        # A check writes nothing in any case.
        _report(error.errors, sys.stderr, "" if args.command == "check"
                else "; nothing was written")
        return error.exit_status
    except SsgError as error:
        lines = str(error).splitlines() or [""]
        for line in lines:
            print(f"error: {line}", file=sys.stderr)
        if len(lines) > 1:
            print(f"{len(lines)} errors.", file=sys.stderr)
        return error.exit_status


def _options(args: argparse.Namespace) -> Options:
    return Options(
        config=args.config, source=args.source,
        output=getattr(args, "output", Path("site")),
        drafts=getattr(args, "drafts", False), base_url=getattr(args, "base_url", None),
        jobs=getattr(args, "jobs", None), clean=getattr(args, "clean", False),
        quiet=getattr(args, "quiet", False),
    )


def _run(args: argparse.Namespace) -> int:
    options = _options(args)
    waiting = None if options.quiet else _waiting
    if args.command == "check":
        corpus = check(options, waiting)
        if not options.quiet:
            for warning in corpus.warnings:
                print(warning, file=sys.stderr)
            drafts = sum(m.draft for m in corpus.monographs)
            print(f"{_count(len(corpus.monographs), 'monograph')} valid "
                  f"({_count(drafts, 'draft')}).")
        return 0
    if args.command == "build":
        live = sys.stderr.isatty() and not options.quiet
        try:
            report = build(options, _progress if live else None, waiting)
        finally:
            if live:
                print("\r\x1b[K", end="", file=sys.stderr, flush=True)
        _summary(report, options)
        return 0
    if args.command == "new":
        path = create(" ".join(args.title), options.source, load_settings(options))
        print(f"Wrote {path.as_posix()} (a draft): fill it in, then set 'draft: false'.")
        return 0
    from .serve import serve  # the server's dependencies load only when serving

    serve(options, args.host, args.port)
    return 0


def _summary(report: BuildReport, options: Options) -> None:
    if options.quiet:
        return
    # The same warnings whether the site was rebuilt or found up to date: they stand
    # until what they are about is mended.
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not report.absolute_base:
        print("warning: base_url is a path, so the feed and sitemap carry path URLs (fine for "
              "a preview); set an absolute base_url such as 'https://example.org/impact/' "
              "before publishing", file=sys.stderr)
    if report.unchanged:
        print(f"Nothing changed since the last build: {options.output.as_posix()}/ is up to "
              f"date ({report.seconds:.2f} s; --clean rebuilds it all).")
        return
    skipped = report.drafts_skipped
    drafts = f", {_count(skipped, 'draft')} skipped" if skipped else ""
    print(f"Built {_count(report.monographs, 'monograph')}{drafts}: "
          f"{_count(report.pages, 'page')} and {_count(report.files, 'file')} in "
          f"{options.output.as_posix()}/ ({report.seconds:.2f} s).")


def _progress(stage: str) -> None:
    """One line on a terminal, rewritten at each stage of a build."""
    print(f"\r\x1b[Kimpact-ssg: {stage}…", end="", file=sys.stderr, flush=True)


def _waiting(message: str) -> None:
    print(f"\r\x1b[Kimpact-ssg: {message}…" if sys.stderr.isatty() else
          f"impact-ssg: {message}…", file=sys.stderr, flush=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _report(errors: Sequence[object], out: TextIO, outcome: str) -> None:
    for error in errors:
        print(error, file=out)
    print(f"{tally(errors)}{outcome}.", file=out)
