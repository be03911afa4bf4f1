"""The benchmark of ``serve``'s authoring loop runs as its README says, on the shipped
examples: a real server, a file saved, the page asked for until it holds the change."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

ROW = re.compile(r"^\| examples \| (\d+\.\d) s \| (\d+\.\d\d) s \((\d+\.\d\d)–(\d+\.\d\d)\) "
                 r"\| (\d+\.\d\d) s \((\d+\.\d\d)–(\d+\.\d\d)\) \|$", re.M)


def test_the_serve_benchmark_times_edits_of_the_examples_and_puts_them_back(
    tmp_path: Path,
) -> None:
    ran = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "serve.py"), "--count", "0", "--runs", "2",
         "--work", str(tmp_path), "--settle", "0.2"],
        capture_output=True, text=True, timeout=300, check=False)
    assert ran.returncode == 0, ran.stderr
    found = ROW.search(ran.stdout)
    assert found, ran.stdout
    first, text, fastest, slowest, title, title_fastest, title_slowest = map(
        float, found.groups())
    assert first > 0 and 0 < fastest <= text <= slowest and 0 < title_fastest <= title
    assert title <= title_slowest
    # The edited monograph is left as it was, and the server stopped: its output holds
    # the last change, not the file's text put back.
    project = tmp_path / "examples"
    for path in (ROOT / "monographs").rglob("*.md"):
        copy = project / "monographs" / path.relative_to(ROOT / "monographs")
        assert copy.read_bytes() == path.read_bytes(), copy
    served = (project / "served").rglob("index.html")
    assert any("zq4x" in page.read_text("utf-8") for page in served)
