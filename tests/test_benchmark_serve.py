"""The benchmark of ``serve``'s authoring loop runs as its README says, on the shipped
examples: a real server, a file saved, the page asked for until it holds the change."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

SECONDS = r"(\d+\.\d\d) s \((\d+\.\d\d)–(\d+\.\d\d)\)"
ROW = re.compile(rf"^\| examples \| (\d+\.\d) s \| {SECONDS} \| {SECONDS} \|$", re.M)


def test_the_serve_benchmark_times_edits_of_the_examples_and_puts_them_back(
    tmp_path: Path,
) -> None:
    # In a session of its own, so that the server it starts ends with it on a timeout.
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "serve.py"), "--count", "0", "--runs", "2",
         "--work", str(tmp_path), "--settle", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, err
    found = ROW.search(out)
    assert found, out
    assert all(float(number) > 0 for number in found.groups())
    # The edited monograph is left as it was, once the server stopped: its site holds
    # the last title given, not the file's text put back.
    project = tmp_path / "examples"
    for path in (ROOT / "monographs").rglob("*.md"):
        copy = project / "monographs" / path.relative_to(ROOT / "monographs")
        assert copy.read_bytes() == path.read_bytes(), copy
    served = (project / "served" / "monographies").rglob("index.html")
    assert any("zq4x" in page.read_text("utf-8") for page in served)
