"""The benchmark runner: the peak memory it reports is memory held, even while the
process it reads forks (a build forks its workers holding its whole model); what a run
must start without is moved aside, its files kept, not deleted."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import cast

import pytest

from .conftest import ROOT

MIB = 1024

# Holds 120 MiB, then forks children again and again until told to stop (a line on its
# standard input): one at a time, reaped as it ends; or three, which end at random moments
# and are reaped one by one once all have ended, as a pool's workers are.
FORKER = """
import os, random, select, sys, time
data = bytearray(120 * 1024 * 1024)
for i in range(0, len(data), 4096):
    data[i] = 1
print("ready", flush=True)
random.seed(1)
children = int(sys.argv[1])
while not select.select([sys.stdin], [], [], 0)[0]:
    forked = []
    for _ in range(children):
        child = os.fork()
        if child == 0:
            time.sleep(random.uniform(0.005, 0.03))
            os._exit(0)
        forked.append(child)
    if children > 1:
        time.sleep(0.035)
    for child in forked:
        os.waitpid(child, 0)
        time.sleep(0.003)
"""


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree_pss_kib() -> Callable[[int], int]:
    return cast("Callable[[int], int]", _runner()._tree_pss_kib)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("children", [1, 3])
def test_a_process_that_forks_is_never_read_as_holding_more_than_it_does(
    children: int
) -> None:
    read = _tree_pss_kib()
    process = subprocess.Popen([sys.executable, "-c", FORKER, str(children)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    samples: list[int] = []
    # As many samples, over as many forks, however busy the machine is.
    while len(samples) < 400:
        samples.append(read(process.pid))
        time.sleep(0.001)
    process.stdin.close()
    while process.poll() is None:
        samples.append(read(process.pid))
        time.sleep(0.001)
    # What the process holds, and what its children share with it: read in equal parts
    # from each while they live, never the whole of one and part of another (about
    # 180 MiB), nor parts taken while more of them lived and parts after one ended.
    assert 110 * MIB < max(samples) < 150 * MIB


def test_what_a_run_starts_without_is_moved_aside_with_its_files_kept(tmp_path: Path) -> None:
    set_aside = cast("Callable[[Path, Path], None]", _runner().set_aside)
    trash = tmp_path / ".set-aside"
    for round_ in range(2):
        site = tmp_path / "site"
        (site / "a").mkdir(parents=True)
        (site / "a" / "index.html").write_text(f"round {round_}")
        inode = (site / "a" / "index.html").stat().st_ino
        set_aside(site, trash)
        assert not site.exists()
        kept = sorted(trash.glob("*/site/a/index.html"))
        assert len(kept) == round_ + 1
        assert inode in {path.stat().st_ino for path in kept}
    set_aside(tmp_path / "missing", trash)  # nothing there: nothing to do
    assert len(list(trash.iterdir())) == 2
