"""Measure builds of generated bases: wall time and peak memory of all processes together.

    python benchmarks/run.py --count 1000 10000 [--runs 3]

For each size: generates the base (seed 1) if missing, then times, as medians of
``--runs`` runs, a cold build (the first one: no cache, no site), a no-op rebuild, the
first rebuild after editing one monograph (each after a cold build of its own), the
rebuilds after it (a new sentence each time), the rebuilds after editing its title (once
a first title edit has recorded what each page reads), the rebuild after adding a
monograph (a new one each run), the build with ``--drafts`` after one without (once
each has recorded what its pages read), and the floor (``floor.py``)
measured in the same run, and prints a Markdown table. Each timed run starts on a settled disk
(``os.sync`` first, untimed). Memory is the peak of the summed
proportional set sizes (PSS) of the build and its worker processes, sampled every 20 ms
from /proc: pages shared between a parent and its forked workers count once. Sampling
costs about 3 ms of kernel time per sample on a large process, so memory comes from runs
of their own, never from the timed runs. The package is compiled first, as an install
compiles it.

What a run must start without (the cache, the site, the floor's output) is moved aside
into ``WORK/.set-aside/``, which is deleted once every size is measured: creating tens of
thousands of files right after deleting as many is slower on some file systems (ext4
without a journal skips, one by one, the inodes freed in the last half minute or so),
and a build on a fresh clone pays nothing of the kind.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _tree(pid: int) -> list[int]:
    """A process and its descendants that still run: one that ended but is not yet
    reaped (a zombie, as pool workers are for a moment as their pool joins them one by
    one) holds no memory, and is left out, so that its end shows as a change."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if stat.rpartition(")")[2].split()[0] == "Z":  # the state, after the name
            continue
        found.append(current)
        pending.extend(int(child) for child in children)
    return sorted(found)


def _pss_kib(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return next(int(line.split()[1]) for line in rollup.splitlines()
                    if line.startswith("Pss:"))
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return 0


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of a process and its descendants: a page shared by n
    processes (forked workers and their parent) counts 1/n in each, so the sum is the
    memory they hold together. Only a sum over processes that all ran while it was read
    is taken: a process that forks between the reading of its own size and of its new
    child's counts its pages once whole and once more in part (a 300 MiB process forking
    read as up to 460 MiB), and one whose child ends between two readings counts the
    pages they shared once in part and once more whole; such a reading is taken again,
    and 0 returned if the processes never hold still."""
    for _ in range(5):
        processes = _tree(pid)
        total = sum(_pss_kib(process) for process in processes)
        if _tree(pid) == processes:
            return total
    return 0


def measure(command: list[str], sample: bool) -> tuple[float, float]:
    """Wall seconds and, when ``sample``, peak MiB (all processes) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if sample:
        while process.poll() is None:
            peak = max(peak, _tree_pss_kib(process.pid))
            time.sleep(0.02)
    else:
        process.wait()
    seconds = time.perf_counter() - started
    if process.returncode:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    return seconds, peak / 1024


def timed(runs: int, command: list[str], before: Callable[[], object] | None = None) -> float:
    """Median wall seconds of ``runs`` runs, each after ``before()`` and on a settled disk:
    what the runs before wrote (a cold build leaves hundreds of MB to write back, which
    the kernel does while the next run starts) is written out first, untimed."""
    results = []
    for _ in range(runs):
        if before:
            before()
        os.sync()
        results.append(measure(command, sample=False)[0])
    return statistics.median(results)


def peak(command: list[str], before: Callable[[], object] | None = None) -> float:
    """Peak MiB of all processes of one run after ``before()``."""
    if before:
        before()
    return measure(command, sample=True)[1]


def compile_and_say_where() -> None:
    """Compile the package as an install compiles it (pip does), so that a timed run
    never compiles it, even where PYTHONDONTWRITEBYTECODE keeps Python from keeping what
    it compiles; then print the machine, the Python and the date, over the table."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "impact_ssg")],
                   check=True)
    print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d')}\n")


def set_aside(path: Path, trash: Path) -> None:
    """Move ``path``, if there, into a new folder of ``trash`` (on the same file system):
    gone from where it was, yet no file of it freed until ``trash`` is deleted."""
    if path.exists() or path.is_symlink():
        trash.mkdir(parents=True, exist_ok=True)
        path.rename(Path(tempfile.mkdtemp(dir=trash)) / path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/impact-bench"))
    args = parser.parse_args()
    compile_and_say_where()
    print("| monographs | cold build | no-op rebuild | first edit | one-edit rebuild | "
          "title edit (its peak) | monograph added | drafts on or off | floor | "
          "cold / floor | peak memory (all processes) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    trash = args.work / ".set-aside"
    try:
        for count in args.count:
            print(row(count, args.runs, args.work, trash), flush=True)
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def row(count: int, runs: int, work: Path, trash: Path) -> str:
    """One size's line of the table."""
    corpus = work / f"corpus{count}"
    if not (corpus / "monographs").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--count", str(count),
                        "--seed", "1", "--output", str(corpus), "--force"], check=True,
                       stdout=subprocess.DEVNULL)
    site = corpus / "site"
    build = [sys.executable, str(ROOT / "build.py"), "--config", str(corpus / "impact.yaml"),
             "--source", str(corpus / "monographs"), "--output", str(site), "--quiet"]

    def first_build() -> None:
        # A cold build is the first one: no cache, no site, no spare site.
        set_aside(corpus / ".impact-cache", trash)
        set_aside(site, trash)

    cold = timed(runs, build, first_build)
    memory = peak(build, first_build)
    noop = timed(runs, build)
    edited = next(iter(sorted((corpus / "monographs").rglob("*.md"))))
    original = edited.read_text("utf-8")
    edits = iter(range(2 * runs + 4))

    def edit() -> None:
        # A new sentence each time: the same bytes again would be a no-op rebuild.
        sentence = f"Une phrase de plus, la numéro {next(edits) + 1}.\n\n## "
        edited.write_text(original.replace("\n## ", "\n" + sentence, 1), "utf-8")

    def cold_then_edit() -> None:
        first_build()
        measure(build, sample=False)
        edit()

    # The first edit after a cold build, on its own (it was once slower than the others,
    # with no spare site and no kept model yet), then the edits after it.
    first = timed(runs, build, cold_then_edit)
    one = timed(runs, build, edit)
    edit_memory = peak(build, edit)
    first_build()
    measure(build, sample=False)
    first_memory = peak(build, edit)
    edited.write_text(original, "utf-8")
    titles = iter(range(runs + 2))

    def retitle() -> None:
        # Front matter: the pages showing the monograph are rendered again.
        title = f'title: "Titre changé, le numéro {next(titles) + 1}"'
        edited.write_text(re.sub(r"^title: .*$", title, original, count=1, flags=re.M),
                          "utf-8")

    retitle()
    measure(build, sample=False)  # the first one after the text edits records the reads
    front = timed(runs, build, retitle)
    front_memory = peak(build, retitle)
    edited.write_text(original, "utf-8")
    added = edited.with_name("ajoutee.md")
    additions = iter(range(runs))

    def add() -> None:
        # A new monograph each time, the one before removed first (and built, untimed).
        if added.exists():
            added.unlink()
            measure(build, sample=False)
        title = f'title: "Une monographie ajoutée, la numéro {next(additions) + 1}"'
        added.write_text(re.sub(r"^title: .*$", title, original, count=1, flags=re.M),
                         "utf-8")

    new = timed(runs, build, add)
    added.unlink()
    measure(build, sample=False)
    # Served with the drafts and built without them in turn: once each way first (the
    # first build in each records what its pages read), then timed both ways.
    drafts = [*build, "--drafts"]
    measure(drafts, sample=False)
    measure(build, sample=False)
    switch = timed(runs, drafts, functools.partial(measure, build, sample=False))
    floor_out = corpus / "floor"
    floor = timed(runs, [sys.executable, str(HERE / "floor.py"), str(corpus / "monographs"),
                         str(floor_out)],
                  functools.partial(set_aside, floor_out, trash))
    return (f"| {count:,} | {cold:.1f} s | {noop:.1f} s | {first:.1f} s | {one:.1f} s | "
            f"{front:.1f} s ({front_memory:.0f} MiB) | {new:.1f} s | {switch:.1f} s | "
            f"{floor:.1f} s | {cold / floor:.2f} | "
            f"{max(memory, first_memory, edit_memory):.0f} MiB |")


if __name__ == "__main__":
    main()
