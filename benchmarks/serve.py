"""Time the authoring loop of ``serve``: from saving a monograph to its page served with
the change.

    python benchmarks/serve.py [--count 0 1000 10000] [--runs 10]

For each base (0: the shipped examples, copied; N: the base of N monographs that
``run.py`` measures, generated with seed 1 if missing), starts ``python build.py serve
--port 0`` on it as an editor would on a fresh clone (drafts built, into an output
folder of its own; no cache, no site: what an earlier run left is set aside) and times
its first build, then ``--runs`` times each: a sentence added to one monograph's body
(a text edit), and its title changed (a front-matter edit). Each is timed from the
moment the file is written to the first answer of the server, for that monograph's
page, that holds the change, asked every 5 ms: what an editor waits for before the
browser's reload shows it. Each save comes 3 s after the last change was served
(``--settle``), as an editor reads the page before changing it again. Prints a Markdown
table of medians, with the fastest and slowest run.

The server sees a save at once through inotify (``pyinotify``, a dependency on Linux);
without it, livereload looks for changes every 800 ms.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from run import compile_and_say_where, set_aside  # beside this script

from impact_ssg.slug import slugify
from impact_ssg.workers import end_with_parent

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVING = re.compile(r"^Serving .+? on (http://\S+) \(Ctrl\+C to stop\)$")
POLL = 0.005
# The next save comes 3 s after a change is served, as an editor reads the page before
# changing it again; meanwhile the server finishes with the save (its other events) and
# frees the last build's model (``serve.FREE_AFTER``).
SETTLE = 3.0


class Server:
    """``serve`` running on a project, and the base address it serves at."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--quiet",
             "--config", str(project / "impact.yaml"), "--source",
             str(project / "monographs"), "--output", str(project / "served")],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            # Ended with the benchmark, however it ends: no server left watching a base.
            preexec_fn=functools.partial(end_with_parent, os.getpid()))
        assert self.process.stderr is not None
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.base = ""
        # Read all along: a full pipe would block the server.
        threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)
            found = SERVING.match(line.strip())
            if found:
                self.base = found.group(1)
                self._ready.set()
        self._ready.set()

    def wait_ready(self, seconds: float) -> float:
        """Seconds until the server serves (its first build done)."""
        started = time.perf_counter()
        if not self._ready.wait(seconds) or not self.base:
            raise SystemExit("serve did not start:\n" + "".join(self.lines[-20:]))
        return time.perf_counter() - started

    def page(self, route: str) -> str:
        """The page's text, or an error page's; empty when the server did not answer
        (asked again)."""
        try:
            with urllib.request.urlopen(self.base + route, timeout=60) as response:
                return str(response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return str(error.read().decode("utf-8", "replace"))
        except (urllib.error.URLError, OSError):
            return ""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # Ctrl+C, as an editor stops it
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def latency(server: Server, route: str, change: Callable[[], str], limit: float,
            settle: float) -> float:
    """Seconds from ``change()`` (which writes the file and returns the text its page
    then shows) to the page served with it."""
    started = time.perf_counter()
    marker = change()
    while marker not in server.page(route):
        if time.perf_counter() - started > limit:
            raise SystemExit(f"/{route} never showed {marker!r}:\n"
                             + "".join(server.lines[-20:]))
        time.sleep(POLL)
    took = time.perf_counter() - started
    time.sleep(settle)
    return took


def project_of(count: int, work: Path) -> Path:
    """The project to serve, as on a fresh clone (no cache, no site): the shipped
    examples copied, or a generated base, what earlier runs left in it set aside."""
    if count == 0:
        project = work / "examples"
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir(parents=True)
        shutil.copy(ROOT / "impact.yaml", project)
        for folder in ("monographs", "templates"):
            shutil.copytree(ROOT / folder, project / folder)
        return project
    project = work / f"corpus{count}"
    if not (project / "monographs").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--count", str(count),
                        "--seed", "1", "--output", str(project), "--force"], check=True,
                       stdout=subprocess.DEVNULL)
    # Moved, not deleted (``run.set_aside``), and deleted once the run ends.
    for left in (project / ".impact-cache", project / "served"):
        set_aside(left, work / ".set-aside")
    return project


def row(count: int, runs: int, work: Path, settle: float) -> str:
    """One base's line of the table."""
    project = project_of(count, work)
    edited = next(path for path in sorted((project / "monographs").rglob("*.md"))
                  if re.search(r"^title: ", path.read_text("utf-8"), re.M))
    original = edited.read_text("utf-8")
    named = re.search(r"^slug: *(\S+)", original, re.M)
    route = f"monographies/{named.group(1) if named else slugify(edited.stem)}/"
    numbers = iter(range(1, 2 * runs + 1))

    def sentence() -> str:
        # A word no text holds, new each time: the page holds it once it is rebuilt.
        marker = f"zq{next(numbers)}x"
        edited.write_text(original.rstrip("\n") + f"\n\nUne phrase de plus, {marker}.\n",
                          "utf-8")
        return marker

    def title() -> str:
        marker = f"zq{next(numbers)}x"
        edited.write_text(re.sub(r"^title: .*$", f'title: "Un titre changé, {marker}"',
                                 original, count=1, flags=re.M), "utf-8")
        return marker

    server = Server(project)
    try:
        first = server.wait_ready(3600)
        text = [latency(server, route, sentence, 600, settle) for _ in range(runs)]
        front = [latency(server, route, title, 600, settle) for _ in range(runs)]
    finally:
        server.stop()
        edited.write_text(original, "utf-8")
    label = "examples" if count == 0 else f"{count:,}"
    return (f"| {label} | {first:.1f} s | {_cell(text)} | {_cell(front)} |")


def _cell(seconds: list[float]) -> str:
    return (f"{statistics.median(seconds):.2f} s ({min(seconds):.2f}–"
            f"{max(seconds):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/impact-bench"))
    parser.add_argument("--settle", type=float, default=SETTLE,
                        help="seconds from a change served to the next save")
    args = parser.parse_args()
    compile_and_say_where()
    print("| monographs | first build, until served | text edit, saved → served | "
          "title edit, saved → served |")
    print("| ---: | ---: | ---: | ---: |")
    try:
        for count in args.count:
            print(row(count, args.runs, args.work, args.settle), flush=True)
    finally:
        shutil.rmtree(args.work / ".set-aside", ignore_errors=True)


if __name__ == "__main__":
    main()
