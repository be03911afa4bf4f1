"""Publishing through the spare: the site a swap replaced is kept in the build cache and
the next build writes only what differs into it. It must never make a wrong site, never
write through a link, and never touch the site on a failed build."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from impact_ssg import loading, lock, pipeline, publish, render, uptodate, workers
from impact_ssg.pipeline import Options
from impact_ssg.plan import OutputPage

from .conftest import ROOT
from .test_cache import CHANGES, build, edit, project, settle, tree

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["project"]  # the fixture, shared with the cache tests

LAURAGAIS = "monographs/pole-lauragais.md"


def spare_of(root: Path) -> Path:
    spares = list((root / ".impact-cache" / "spare").iterdir())
    assert len(spares) == 1
    return spares[0]


def build_here(root: Path) -> None:
    """Build in this process (what it patches applies), on one core."""
    pipeline.build(Options(config=root / "impact.yaml", source=root / "monographs",
                           output=root / "site", jobs=1, quiet=True))


def folders_listed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders listed from now on, in this process."""
    listed: list[str] = []
    scandir = os.scandir

    def listing(path: str) -> object:
        listed.append(os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", listing)
    return listed


def rebuild_with_an_edit(root: Path, words: str) -> None:
    """Build again after a change to one body: one page and some search data change."""
    edit(root / LAURAGAIS, "Il manquait ", f"Il manquait {words} ")
    build(root)


def test_every_change_in_turn_gives_the_clean_site(project: Path) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")
    assert spare_of(project).is_dir()  # from here on, each build writes into the spare
    for _, change in CHANGES:
        change(project)
        build(project)
        build(project, "--clean", "--output", "propre")
        assert tree(project / "site") == tree(project / "propre")


def test_a_spare_checked_in_another_process_gives_the_clean_sites(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large spare is checked in another process while the build reads its sources
    (here every spare is large), and only there: each change in turn, into a spare that
    holds a file too many and misses one, at its root and in a folder listed as settled,
    still gives the clean site."""
    monkeypatch.setattr(pipeline, "MIN_PARALLEL", 0)
    monkeypatch.setattr(loading, "MIN_PARALLEL", 0)  # monographs read in workers too
    checkers = tmp_path / "checkers"
    check = publish._reuse

    def checking(spare: Path, files: frozenset[str], table: uptodate.Table) -> object:
        with checkers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return check(spare, files, table)

    monkeypatch.setattr(publish, "_reuse", checking)

    def build_in_two() -> None:
        pipeline.build(Options(config=project / "impact.yaml", source=project / "monographs",
                               output=project / "site", jobs=2, quiet=True))

    build_in_two()
    checkers.unlink()  # the first build found no spare (to write its twin in)
    spare = pipeline.spare_folder(project / ".impact-cache", project / "site")
    assert spare is not None
    for name, change in CHANGES:
        settle(project)  # the spare's folders are settled: listed only when their times say
        folder = spare / "monographies/pole-lauragais"
        before = folder.stat()
        (folder / "en-trop.html").write_text("en trop", "utf-8")
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
        (spare / "en-trop.html").write_text("en trop", "utf-8")
        (spare / "feed.xml").unlink()
        change(project)
        build_in_two()
        build(project, "--clean", "--output", "propre")
        assert tree(project / "site") == tree(project / "propre"), name
    # One check a build, each in a process of its own, none in this one.
    checked_in = checkers.read_text().split()
    assert len(checked_in) == len(set(checked_in)) == len(CHANGES)
    assert str(os.getpid()) not in checked_in


def test_a_file_that_did_not_change_is_not_written_again(project: Path) -> None:
    build(project)
    page = project / "site/monographies/guadeloupe-sargasses/index.html"
    edited = project / "site/monographies/pole-lauragais/index.html"
    before = os.stat(page)
    # The first build left a twin of the site as the spare, sharing its files: the
    # edit is written into it, which is swapped in; the site replaced is the spare.
    rebuild_with_an_edit(project, "bien")
    kept = os.stat(page)
    assert (kept.st_ino, kept.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert os.stat(spare_of(project) / page.relative_to(project / "site")).st_ino == (
        before.st_ino)
    rebuild_with_an_edit(project, "aussi")  # into the spare, swapped back in
    after = os.stat(page)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "Il manquait aussi bien" in edited.read_text("utf-8")
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_a_file_shared_with_the_last_site_is_replaced_never_written_in_place(
    project: Path
) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")  # the pages of both sites are shared now
    page = "monographies/guadeloupe-sargasses/index.html"
    shown = (project / "site" / page).read_bytes()
    assert os.stat(project / "site" / page).st_nlink == 2
    edit(project / "monographs/outre-mer/guadeloupe-sargasses.md", "## ", "## Enfin, ")
    build(project)
    # The new page replaced its shared file in the spare; the site it replaced, now the
    # spare, still holds the page as it was published.
    assert (spare_of(project) / page).read_bytes() == shown
    assert (project / "site" / page).read_bytes() != shown
    assert os.stat(project / "site" / page).st_nlink == 1
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_a_page_linked_from_elsewhere_is_not_shared_with_the_next_site(
    project: Path, tmp_path: Path
) -> None:
    build(project)
    page = project / "site/monographies/guadeloupe-sargasses/index.html"
    outside = tmp_path / "lien-dur.html"
    os.link(page, outside)
    rebuild_with_an_edit(project, "bien")
    assert os.stat(project / "site/monographies/guadeloupe-sargasses/index.html").st_ino != (
        os.stat(outside).st_ino)
    assert os.stat(outside).st_nlink == 2  # with the spare's name, the site it was in


def test_a_file_put_into_a_blank_folder_is_created_never_written_through(
    tmp_path: Path
) -> None:
    """Into a folder made empty for the build, each file is created in a folder made
    once by this process; one found there after all (something else wrote it), shared
    with a file outside, is replaced rather than written through, and a folder another
    process made is used as it is."""
    folder = tmp_path / "nouveau"
    folder.mkdir()
    made = {""}
    entry = publish.put(folder, "a/b/index.html", b"un", {}, blank=made)
    page = folder / "a/b/index.html"
    assert page.read_bytes() == b"un" and {"a", "a/b"} <= made
    assert entry == (uptodate.digest(b"un"), *uptodate.signature(os.lstat(page)))
    outside = tmp_path / "dehors.html"
    outside.write_bytes(b"autre")
    os.link(outside, folder / "a/b/page.html")
    publish.put(folder, "a/b/page.html", b"deux", {}, blank=made)
    assert (folder / "a/b/page.html").read_bytes() == b"deux"
    assert outside.read_bytes() == b"autre"
    (folder / "c").mkdir()
    publish.put(folder, "c/index.html", b"trois", {}, blank=made)
    assert (folder / "c/index.html").read_bytes() == b"trois" and "c" in made


def test_a_spare_meddled_with_never_makes_a_wrong_site(project: Path, tmp_path: Path) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")
    spare = spare_of(project)
    outside = tmp_path / "dehors.html"
    outside.write_text("à garder", "utf-8")
    # Same size, other bytes; a file added; a file removed; a folder become a file; a page
    # and a folder become links to outside.
    page = spare / "monographies/pole-lauragais/index.html"
    page.write_bytes(page.read_bytes().replace(b"<html", b"<HTML"))
    (spare / "en-trop.html").write_text("en trop", "utf-8")
    (spare / "feed.xml").unlink()
    territory = next(p for p in (spare / "territoires").iterdir() if p.is_dir())
    for child in sorted(territory.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    territory.rmdir()
    territory.write_text("un fichier", "utf-8")
    linked = spare / "monographies/guadeloupe-sargasses/index.html"
    linked.unlink()
    linked.symlink_to(outside)
    # The page the next build changes, hard-linked from outside: written through, it
    # would change the file outside.
    hard = tmp_path / "lien-dur.html"
    os.link(page, hard)
    hard_bytes = hard.read_bytes()
    panorama = spare / "panorama"
    for child in panorama.iterdir():
        child.unlink()
    panorama.rmdir()
    panorama.symlink_to(tmp_path, target_is_directory=True)

    rebuild_with_an_edit(project, "aussi")
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")
    assert not any(p.is_symlink() for p in (project / "site").rglob("*"))
    assert outside.read_text("utf-8") == "à garder"
    assert hard.read_bytes() == hard_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dehors.html", "lien-dur.html",
                                                         "projet"]


@pytest.mark.parametrize("meddling", ["file added", "file removed", "folder added"])
def test_a_spare_folder_changed_with_its_times_set_back_is_listed_again(
    project: Path, meddling: str
) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")
    rebuild_with_an_edit(project, "encore")  # the spare's folders are recorded now
    settle(project)  # every recorded folder is trusted to hold what the stamp lists
    folder = spare_of(project) / "monographies/guadeloupe-sargasses"
    before = folder.stat()
    time.sleep(0.05)  # past the file clock's tick
    if meddling == "file added":
        (folder / "en-trop.html").write_text("en trop", "utf-8")
    elif meddling == "file removed":
        (folder / "index.html").unlink()
    else:
        (folder / "en-trop").mkdir()
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    rebuild_with_an_edit(project, "aussi")
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")
    assert not (project / "site/monographies/guadeloupe-sargasses/en-trop").exists()


def test_a_failed_build_leaves_the_site_and_writes_nothing_beside_it(project: Path) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")
    before = tree(project / "site")
    edit(project / LAURAGAIS, "title:", "titre:")
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert tree(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == [
        ".impact-cache", "impact.yaml", "monographs", "site", "templates"]


def test_with_its_spare_gone_a_build_writes_the_site_and_its_twin_again(
    project: Path
) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")
    shutil.rmtree(spare_of(project))
    rebuild_with_an_edit(project, "aussi")
    page = project / "site/monographies/guadeloupe-sargasses/index.html"
    assert os.stat(spare_of(project) / page.relative_to(project / "site")).st_ino == (
        os.stat(page).st_ino)
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")
    rebuild_with_an_edit(project, "enfin")
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_clean_writes_a_new_site_and_its_twin_as_spare(project: Path) -> None:
    build(project)
    rebuild_with_an_edit(project, "bien")
    page = project / "site/monographies/guadeloupe-sargasses/index.html"
    before = os.stat(page)
    build(project, "--clean")
    after = os.stat(page)
    assert after.st_ino != before.st_ino
    # The spare shares the new site's files; the site replaced is gone.
    assert os.stat(spare_of(project) / page.relative_to(project / "site")).st_ino == (
        after.st_ino)
    assert after.st_nlink == 2
    assert sorted(p.name for p in project.iterdir()) == [
        ".impact-cache", "impact.yaml", "monographs", "site", "templates"]
    rebuild_with_an_edit(project, "aussi")
    assert os.stat(page).st_ino == after.st_ino
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_a_first_build_leaves_a_spare_that_the_first_edit_lists_no_folder_of(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that writes the whole site links each file into a twin folder, which
    becomes the spare, with its folders recorded: the first text edit writes into it as
    every later one does, without listing its folders."""
    build(project)
    site = tree(project / "site")
    spare = spare_of(project)
    assert tree(spare) == site
    for path in (project / "site").rglob("*"):
        if path.is_file():
            twin = spare / path.relative_to(project / "site")
            assert os.stat(twin).st_ino == os.stat(path).st_ino, path
    listed = folders_listed(monkeypatch)
    settle(project)  # no folder changed in the very tick of the build's last write
    edit(project / LAURAGAIS, "Il manquait ", "Il manquait bien ")
    build_here(project)
    assert [path for path in listed if path.startswith(os.fspath(spare))] == [
        os.fspath(spare)]
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


@pytest.mark.parametrize("links", [0, 25])
def test_a_file_system_that_refuses_links_still_gives_the_right_sites(
    project: Path, monkeypatch: pytest.MonkeyPatch, links: int
) -> None:
    """Where links are refused (from the first, or after some), the twin is left partial
    or empty: the next builds write what it misses, and every site is the right one."""
    made = 0
    link = os.link

    def refusing(source: str, target: str) -> None:
        nonlocal made
        if made >= links:
            raise PermissionError(1, "Operation not permitted")
        made += 1
        link(source, target)

    monkeypatch.setattr(os, "link", refusing)
    build_here(project)
    assert made == links
    assert len([p for p in spare_of(project).rglob("*") if p.is_file()]) == links
    for words in ("bien", "aussi"):
        edit(project / LAURAGAIS, "Il manquait ", f"Il manquait {words} ")
        build_here(project)
        build(project, "--clean", "--output", "propre")
        assert tree(project / "site") == tree(project / "propre"), words


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no second file system here")
def test_a_cache_on_another_disk_keeps_no_spare(project: Path) -> None:
    """The cache folder is a link to another file system: the site replaced cannot be
    moved there, so it is deleted, and builds go on as if there were no spare."""
    with tempfile.TemporaryDirectory(dir="/dev/shm") as elsewhere:
        if os.stat(elsewhere).st_dev == os.stat(project).st_dev:
            pytest.skip("/dev/shm is on the same file system here")
        (project / ".impact-cache").symlink_to(elsewhere, target_is_directory=True)
        build(project)
        for words in ("bien", "aussi"):
            rebuild_with_an_edit(project, words)
            assert not (Path(elsewhere) / "spare").exists()
            assert sorted(p.name for p in project.iterdir()) == [
                ".impact-cache", "impact.yaml", "monographs", "site", "templates"]
            build(project, "--clean", "--output", "propre")
            assert tree(project / "site") == tree(project / "propre")
            shutil.rmtree(project / "propre")


@pytest.mark.skipif(sys.platform == "win32", reason="no flock: builds are not kept apart")
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_build_or_check_waits_for_the_one_running(project: Path, command: str) -> None:
    """Builds share the spare: one waits, and says so, while another holds the cache."""
    build(project)
    rebuild_with_an_edit(project, "bien")
    before = tree(project / "site")
    edit(project / LAURAGAIS, "Il manquait ", "Il manquait aussi ")
    with lock.exclusive(project / ".impact-cache") as alone:
        assert alone
        waiting = subprocess.Popen([sys.executable, str(ROOT / "build.py"), command],
                                   cwd=project, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            assert waiting.stderr is not None
            if not select.select([waiting.stderr], [], [], 60)[0]:
                pytest.fail(f"{command} neither waited nor said so")
            line = waiting.stderr.readline()
            assert "waiting for another build using" in line, line
            assert ".impact-cache/" in line
            time.sleep(0.3)
            assert waiting.poll() is None  # still waiting, nothing written
            assert tree(project / "site") == before
            assert sorted(p.name for p in project.iterdir()) == [
                ".impact-cache", "impact.yaml", "monographs", "site", "templates"]
        except BaseException:
            waiting.kill()
            waiting.wait()
            raise
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    if command == "build":
        assert tree(project / "site") != before
        build(project, "--clean", "--output", "propre")
        assert tree(project / "site") == tree(project / "propre")


@pytest.mark.skipif(sys.platform == "win32", reason="no flock: builds are not kept apart")
def test_a_worker_left_behind_by_a_killed_build_holds_no_lock(project: Path) -> None:
    """A build's workers are forked while it holds the lock; killed, it leaves them
    running a moment (they wait for work): they must not keep the project locked."""
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from impact_ssg import lock\n"
        "with lock.exclusive(Path(sys.argv[1])):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        "        null = os.open(os.devnull, os.O_RDWR)\n"
        "        os.dup2(null, 1)\n"
        "        os.dup2(null, 2)\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "    print(child, flush=True)\n"
        "    os.kill(os.getpid(), 9)\n")
    killed = subprocess.run([sys.executable, "-c", script, str(project / ".impact-cache")],
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert killed.returncode == -9, killed.stderr
    worker = int(killed.stdout)
    try:
        os.kill(worker, 0)  # still running
        taken = subprocess.run(
            [sys.executable, "-c", "import fcntl, sys\n"
             "f = open(sys.argv[1], 'rb')\n"
             "fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n",
             str(project / ".impact-cache" / lock.FILE)],
            capture_output=True, text=True, check=False)
        assert taken.returncode == 0, taken.stderr
    finally:
        os.kill(worker, 9)


# A build in which the spare's check never ends and Ctrl+C comes when the build starts
# reading (``reading``) or once it waits for the check (``writing``).
CALLED_OFF = """\
import os, signal, sys, threading, time
from pathlib import Path
from impact_ssg import pipeline, workers
root, when = Path(sys.argv[1]), sys.argv[2]
parent = os.getpid()

def check_spare(spare, table):
    if os.getpid() == parent:
        print("checked by the build itself", flush=True)
        return None
    time.sleep(3600)

def progress(stage):
    if stage.startswith("reading") and when == "reading":
        os.kill(parent, signal.SIGINT)
    if stage.startswith("writing") and when == "writing":
        threading.Timer(0.5, os.kill, (parent, signal.SIGINT)).start()

pipeline.check_spare = check_spare
pipeline.MIN_PARALLEL = 0  # checked in another process, whatever the spare's size
try:
    pipeline.build(pipeline.Options(config=root / "impact.yaml", source=root / "monographs",
                                    output=root / "site", jobs=2, quiet=True), progress)
except KeyboardInterrupt:
    print("interrupted", len(workers.multiprocessing.active_children()), flush=True)
"""


@pytest.mark.parametrize("when", ["reading", "writing"])
def test_ctrl_c_calls_the_spare_check_off_at_once(project: Path, when: str) -> None:
    """The check of the spare runs in another process, which ignores Ctrl+C: the build
    ends it rather than wait for it, and does not make it again itself."""
    build(project)
    rebuild_with_an_edit(project, "bien")
    edit(project / LAURAGAIS, "Il manquait ", "Il manquait encore ")
    result = subprocess.run([sys.executable, "-c", CALLED_OFF, str(project), when], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout == "interrupted 0\n", result.stderr
    assert "Traceback" not in result.stderr


def test_a_spare_check_left_behind_by_a_killed_build_ends_with_it(tmp_path: Path) -> None:
    """The check of the spare deletes from it under the build's lock: a build killed
    while it runs must not leave it deleting beside the next build."""
    begun = tmp_path / "begun"
    script = (  # the check of the spare is started as this task is
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from impact_ssg import workers\n"
        "def task():\n"
        "    null = os.open(os.devnull, os.O_RDWR)\n"  # not holding the output read here
        "    os.dup2(null, 1)\n"
        "    os.dup2(null, 2)\n"
        "    Path(sys.argv[1] + '.new').write_text(str(os.getpid()))\n"
        "    os.replace(sys.argv[1] + '.new', sys.argv[1])\n"
        "    time.sleep(60)\n"
        "wait = workers.in_background(task, 2, 1, 1)\n"
        "while not os.path.exists(sys.argv[1]):\n"
        "    time.sleep(0.01)\n"
        "os.kill(os.getpid(), 9)\n")
    killed = subprocess.run([sys.executable, "-c", script, str(begun)], capture_output=True,
                            text=True, check=False, cwd=ROOT, timeout=60)
    assert killed.returncode == -9, killed.stderr
    child = int(begun.read_text())
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _running(child):
        os.kill(child, 9)
        pytest.fail("the child outlived its killed parent")


def _running(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_what_a_killed_build_left_beside_the_site_is_removed(project: Path) -> None:
    build(project)
    left = [project / ".site.impact-ssg-new-k1ll3d_x",
            project / ".site.impact-ssg-twin-abcdefgh",
            project / ".site.impact-ssg-old-0123_xyz"]
    for folder in left:
        (folder / "monographies").mkdir(parents=True)
        (folder / "monographies/index.html").write_text("à moitié", "utf-8")
    # Not ours: another output's, a file, other names (a dated copy of one's own), a link.
    others = [project / ".propre.impact-ssg-new-abcdefgh",
              project / ".site.impact-ssg-new-abcdefghi", project / ".site.new-abcdefgh",
              project / ".site.old-20261127", project / "site.impact-ssg-new-abcdefgh"]
    for folder in others:
        folder.mkdir()
    (project / ".site.impact-ssg-twin-fichier1").write_text("un fichier", "utf-8")
    (project / ".site.impact-ssg-new-unlien00").symlink_to(project / "monographs")
    rebuild_with_an_edit(project, "bien")
    assert not any(folder.exists() for folder in left)
    assert all(folder.is_dir() for folder in others)
    assert (project / ".site.impact-ssg-twin-fichier1").is_file()
    assert (project / "monographs/pole-lauragais.md").is_file()


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_the_swap_is_one_exchange_of_names_and_a_text_edit_starts_no_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the new site and the old swap names in one call; and a text edit, in a
    process that holds the whole model, starts no other (a child shares its memory while
    it starts, and costs its start: ``ctypes.util.find_library`` ran ``ldconfig``). A
    spare of 200 files or more is checked in a process of its own, started before the
    model is read; this one is smaller."""
    (project / "a").mkdir()
    (project / "b").mkdir()
    (project / "a/un").touch()
    assert publish._renameat2(project / "a", project / "b")
    assert [p.name for p in (project / "b").iterdir()] == ["un"]
    assert not any((project / "a").iterdir())
    build(project)
    rebuild_with_an_edit(project, "bien")
    started: list[object] = []

    def starting(*args: object, **kwargs: object) -> None:
        started.append(args)
        raise AssertionError("a process was started")

    monkeypatch.setattr(subprocess.Popen, "__init__", starting)
    monkeypatch.setattr(os, "fork", starting)
    edit(project / LAURAGAIS, "Il manquait ", "Il manquait aussi ")
    build_here(project)
    assert started == []
    monkeypatch.undo()
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_a_text_edit_into_a_settled_spare_lists_none_of_its_folders_but_the_root(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each build records the folders of the site it publishes, those it changed as they
    are after its writes: two builds later, that site is the spare again and none of its
    folders needs listing (only a ``lstat`` each)."""
    build(project)
    rebuild_with_an_edit(project, "bien")
    rebuild_with_an_edit(project, "encore")  # the spare's folders are recorded now
    listed = folders_listed(monkeypatch)
    for words in ("aussi", "enfin", "toujours"):  # each site is the spare in turn
        settle(project)  # no folder changed in the very tick of the build's last write
        edit(project / LAURAGAIS, "Il manquait ", f"Il manquait {words} ")
        spare = spare_of(project)
        listed.clear()
        build_here(project)
        assert [path for path in listed if path.startswith(os.fspath(spare))] == [
            os.fspath(spare)], words
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_with_the_site_and_its_spare_gone_every_page_is_rendered_on_every_core(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept model lists every page as made by the last build; with neither the site
    nor its spare left to take them from, they are all rendered again, which is worth
    the processes (a text edit's handful of pages is not)."""
    options = Options(config=project / "impact.yaml", source=project / "monographs",
                      output=project / "site", jobs=2, quiet=True)
    pipeline.build(options)
    shutil.rmtree(project / "site")
    shutil.rmtree(spare_of(project))
    rendered: list[str] = []
    render_page = render.render_page

    def rendering(env: object, page: OutputPage) -> bytes:
        rendered.append(page.route)
        return render_page(env, page)  # type: ignore[arg-type]

    writers: list[int | None] = []
    parallel_map = workers.parallel_map

    def mapping(task: Callable[[T], R], items: Sequence[T], jobs: int | None,
                min_items: int = 200, first: Collection[int] = ()) -> list[R]:
        writers.append(jobs)
        # In this process: ``rendered`` sees all.
        return parallel_map(task, items, 1, min_items, first)

    def reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("every monograph read, not the model kept")

    monkeypatch.setattr(pipeline, "render_page", rendering)
    monkeypatch.setattr(pipeline, "parallel_map", mapping)
    monkeypatch.setattr(pipeline, "PAGES_PER_JOB", 50)
    monkeypatch.setattr(pipeline, "load", reading)
    pipeline.build(options)
    assert writers == [2] and len(rendered) > 100
    writers.clear()
    rendered.clear()
    edit(project / LAURAGAIS, "Il manquait ", "Il manquait aussi ")
    pipeline.build(options)
    assert writers == [1] and rendered == ["monographies/pole-lauragais/"]
    monkeypatch.undo()
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")
