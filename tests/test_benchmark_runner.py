"""The benchmark runner's memory reading: the peak it reports is memory held, even while
the process it reads forks (a build forks its workers holding its whole model)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections.abc import Callable
from typing import cast

import pytest

from .conftest import ROOT

MIB = 1024

# Holds 120 MiB, then forks a child that lives 30 ms, again and again for two seconds.
FORKER = """
import os, time
data = bytearray(120 * 1024 * 1024)
for i in range(0, len(data), 4096):
    data[i] = 1
print("ready", flush=True)
end = time.monotonic() + 2
while time.monotonic() < end:
    child = os.fork()
    if child == 0:
        time.sleep(0.03)
        os._exit(0)
    os.waitpid(child, 0)
    time.sleep(0.005)
"""


def _tree_pss_kib() -> Callable[[int], int]:
    spec = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cast("Callable[[int], int]", module._tree_pss_kib)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_process_that_forks_is_never_read_as_holding_more_than_it_does() -> None:
    read = _tree_pss_kib()
    process = subprocess.Popen([sys.executable, "-c", FORKER], stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    samples = []
    while process.poll() is None:
        samples.append(read(process.pid))
        time.sleep(0.001)
    assert len(samples) > 100
    # What the process holds, and what its child shares with it: read half from each
    # while both live, never the whole of one and half of the other (about 180 MiB).
    assert 110 * MIB < max(samples) < 150 * MIB
