"""External checkers for the test suite: the Nu HTML Checker, axe-core and Chromium.

The tools come from outside Python: ``npm ci`` installs ``vnu-jar`` and ``axe-core`` into
``node_modules/`` (see ``package.json``), Java runs ``vnu.jar``, and Debian's ``chromium``
package provides the browser that Playwright drives. On a developer's machine a missing tool
skips the tests that need it; in CI (``CI=true`` or ``CI=1``) it fails them, so that a broken
installation can never pass silently. ``.ci/run`` installs all of them.

Pytest fixtures live in :mod:`tests.browser_fixtures`, not here.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, cast
from urllib.parse import unquote, urlparse

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

NPM_HOW = "run `npm ci` at the repository root (needs node and npm)"

# Chromium runs as root in CI and on a network closed to everything but package registries:
# without the sandbox, and without the background connections that would be refused.
CHROMIUM_ARGS: list[str] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21aa", "best-practice")


def in_ci() -> bool:
    """Whether the suite runs in CI, where a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def require(name: str, path: Path | None, how: str) -> Path:
    """Return ``path`` if it exists; otherwise fail the test in CI, or skip it elsewhere."""
    if path is not None and path.exists():
        return path
    where = f" (not found at {path})" if path is not None else " (not found)"
    message = f"{name} is missing{where}: {how}"
    if in_ci():
        pytest.fail(f"{message} [CI requires every tool]", pytrace=False)
    pytest.skip(message)


def chromium_path() -> Path:
    """Debian's Chromium, or the browser named by the ``CHROMIUM`` environment variable."""
    return require(
        "Chromium",
        Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium"),
        "`apt-get install chromium` (Debian), or set CHROMIUM to a Chromium executable",
    )


def vnu_jar() -> Path:
    """The Nu HTML Checker's jar, installed by npm's ``vnu-jar`` package."""
    return require("vnu.jar", NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar", NPM_HOW)


def axe_script() -> Path:
    """axe-core's browser script, installed by npm's ``axe-core`` package."""
    return require("axe-core", NODE_MODULES / "axe-core" / "axe.min.js", NPM_HOW)


def java() -> Path:
    """A Java runtime (11 or later): ``$JAVA_HOME/bin/java``, else ``java`` on the PATH."""
    home = os.environ.get("JAVA_HOME")
    candidate = Path(home) / "bin" / "java" if home else None
    if candidate is None or not candidate.exists():
        found = shutil.which("java")
        candidate = Path(found) if found else None
    return require("Java", candidate, "`apt-get install default-jre-headless` (Debian)")


# ---------------------------------------------------------------------------------------------
# The Nu HTML Checker


class VnuMessage(TypedDict):
    """One error reported by vnu.jar."""

    type: str  # "error" or "non-document-error"
    url: str  # as vnu reports it: ``file:/abs/path.html``
    file: str  # the local path, when ``url`` is a file
    line: int  # 0 when vnu gives no position (e.g. an I/O error)
    column: int
    message: str
    extract: str


def _vnu_message(raw: dict[str, Any]) -> VnuMessage:
    url = str(raw.get("url", ""))
    parsed = urlparse(url)
    return {
        "type": str(raw.get("type", "")),
        "url": url,
        "file": unquote(parsed.path) if parsed.scheme == "file" else url,
        "line": int(raw.get("lastLine", raw.get("firstLine", 0))),
        "column": int(raw.get("firstColumn", raw.get("lastColumn", 0))),
        "message": str(raw.get("message", "")),
        "extract": str(raw.get("extract", "")),
    }


VNU_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".css"})


def _vnu_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in VNU_SUFFIXES))
        elif not path.exists():
            raise FileNotFoundError(f"vnu.jar cannot check a missing file: {path}")
        elif path.suffix.lower() not in VNU_SUFFIXES:
            raise ValueError(f"vnu.jar would check {path} as HTML: pass only HTML or CSS files")
        else:
            files.append(path)
    return files


def run_vnu(paths: Sequence[Path], *, timeout: float = 600) -> list[VnuMessage]:
    """Check HTML and CSS files with vnu.jar in a single JVM; return its errors.

    A folder stands for its ``.html``/``.htm``/``.xhtml``/``.css`` files, recursively (vnu.jar's
    own folder mode would check images, XML and JSON files as HTML). A ``.css`` file is checked
    as CSS. vnu.jar silently ignores a missing file, so this raises ``FileNotFoundError``
    instead, and ``ValueError`` when there is nothing to check (a check of nothing would pass).
    Warnings are not reported (``--errors-only``).
    """
    runtime, jar = java(), vnu_jar()  # first: a missing tool fails in CI whatever the paths
    files = _vnu_files(paths)
    if not files:
        raise ValueError(f"no HTML or CSS file to check in {[str(path) for path in paths]}")
    command = [
        str(runtime),
        "-jar",
        str(jar),
        "--format",
        "json",
        "--errors-only",
        "--also-check-css",
        *(str(path.resolve()) for path in files),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False
    )
    # vnu writes its JSON report to stderr; the JVM may print notes before it.
    start = result.stderr.find('{"')
    try:
        report, _ = json.JSONDecoder().raw_decode(result.stderr, max(start, 0))
    except json.JSONDecodeError:
        raise RuntimeError(
            f"vnu.jar exited with {result.returncode} without a JSON report:\n"
            f"{result.stderr}{result.stdout}"
        ) from None
    messages = cast("list[dict[str, Any]]", report.get("messages", []))
    return [
        _vnu_message(raw) for raw in messages if raw.get("type") in {"error", "non-document-error"}
    ]


def format_vnu_messages(messages: Iterable[VnuMessage]) -> str:
    """One readable line per vnu error, relative to the repository when possible."""
    lines = []
    for msg in messages:
        where = msg["file"]
        path = Path(where)
        if path.is_relative_to(ROOT):
            where = str(path.relative_to(ROOT))
        lines.append(f"{where}:{msg['line']}:{msg['column']}: {msg['message']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Serving a folder over HTTP


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 on a free port; yield its base URL (ending with ``/``)."""
    if not folder.is_dir():
        raise NotADirectoryError(folder)
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------------------------------------
# axe-core


class AxeNode(TypedDict):
    target: list[str]  # CSS selectors; ``a >>> b`` crosses a shadow root or an iframe
    html: str
    summary: str


class AxeViolation(TypedDict):
    id: str
    impact: str | None
    help: str
    helpUrl: str
    nodes: list[AxeNode]


_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const selector = (t) => Array.isArray(t) ? t.join(' >>> ') : String(t);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(selector),
      html: n.html,
      summary: n.failureSummary ?? '',
    })),
  }));
}
"""


def run_axe(page: Page, tags: Sequence[str] = AXE_TAGS) -> list[AxeViolation]:
    """Inject axe-core into the loaded ``page`` and return its violations for ``tags``."""
    page.add_script_tag(path=axe_script())
    return cast("list[AxeViolation]", page.evaluate(_AXE_RUN, list(tags)))


def format_violations(violations: Iterable[AxeViolation]) -> str:
    """A readable report of axe violations, for assertion messages."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} [{violation['impact']}]: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        lines.extend(f"    {' '.join(node['target'])}" for node in violation["nodes"])
    return "\n".join(lines)
