"""The benchmarks' floor runs where the test suite runs: what it needs is installed by the
README's test command, and it writes one page per monograph, with the body rendered."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from .conftest import ROOT


def test_the_floor_writes_each_monograph_s_page_with_its_title_and_body(tmp_path: Path) -> None:
    sources = sorted((ROOT / "monographs").rglob("*.md"))
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "floor.py"),
                    str(ROOT / "monographs"), str(tmp_path)], check=True, timeout=120)
    pages = sorted(tmp_path.glob("*/index.html"))
    assert [page.parent.name for page in pages] == sorted(source.stem for source in sources)
    first = BeautifulSoup(pages[0].read_text("utf-8"), "html.parser")
    assert first.title is not None and first.title.string
    assert first.h1 is not None and first.h1.string == first.title.string
    assert first.find("p") is not None  # the body, rendered
