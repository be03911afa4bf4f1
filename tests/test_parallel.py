"""Parallel builds: the same site whatever --jobs, on a generated base big enough for the
work to be shared between processes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from impact_ssg.pipeline import PAGES_PER_JOB
from impact_ssg.workers import MIN_PARALLEL

from .conftest import ROOT


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_jobs_do_not_change_the_site(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count",
                    str(3 * MIN_PARALLEL), "--seed", "3", "--output", str(corpus)],
                   check=True, capture_output=True)
    sites = []
    for jobs in ("1", "2"):
        output = tmp_path / f"site{jobs}"
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--config", str(corpus / "impact.yaml"),
             "--source", str(corpus / "monographs"), "--output", str(output), "--jobs", jobs,
             "--quiet"], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        sites.append(tree(output))
    # Enough files that both reading and writing were shared between processes.
    assert len(sites[0]) > 2 * PAGES_PER_JOB
    assert sites[0] == sites[1]
