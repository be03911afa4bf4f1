"""``serve`` as a user runs it: a real process on a free port, edited files, broken files,
live reload in Chromium, loopback only, and no way out of the output folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from livereload.watcher import INotifyWatcher

from impact_ssg.serve import _Primed, _watcher

from .conftest import ROOT

if TYPE_CHECKING:
    from .browser_fixtures import BrowserPage

PAGE = "monographies/pole-lauragais/"
SOURCE = "monographs/pole-lauragais.md"
SERVING = re.compile(r"^Serving \S+/ on http://127\.0\.0\.1:(\d+)/\S* \(Ctrl\+C to stop\)$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A running ``serve`` process, the project it serves and what it has printed."""

    def __init__(self, root: Path, process: subprocess.Popen[str], port: int) -> None:
        self.root, self.process, self.port = root, process, port
        self.said: list[str] = []
        assert process.stderr is not None
        stderr = process.stderr
        # Kept reading all along, or a full pipe would block the server.
        self.reader = threading.Thread(target=lambda: self.said.extend(stderr), daemon=True)
        self.reader.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def edit(self, rel: str, change: Callable[[str], str]) -> None:
        path = self.root / rel
        path.write_text(change(path.read_text("utf-8")), "utf-8")

    def until(self, path: str, test: Callable[[int, str], bool], seconds: float = 15) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, body = self.get(path)
            if test(status, body):
                return body
            time.sleep(0.05)
        raise AssertionError(f"/{path} never changed as expected; last: {status} {body[:300]}")

    def stop(self) -> list[str]:
        """End the server; return the lines it printed to stderr."""
        self.process.terminate()
        self.process.wait(timeout=10)
        self.reader.join(timeout=5)
        return [line.rstrip("\n") for line in self.said]


def copy_project(root: Path) -> Path:
    """The shipped config, templates and monographs copied into ``root``."""
    root.mkdir(exist_ok=True)
    shutil.copy(ROOT / "impact.yaml", root)
    for folder in ("templates", "monographs"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def start(root: Path, *args: str, port: int | None = None) -> Served:
    """``serve`` started in ``root`` on ``port`` (default: a free one), once it says where it
    serves; with ``--quiet``, which says nothing, once it answers."""
    asked = free_port() if port is None else port
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(asked), *args],
        cwd=root, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    served = Served(root, process, asked)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        said = [SERVING.match(line.rstrip("\n")) for line in served.said]
        if announced := next((m for m in said if m), None):
            served.port = int(announced[1])
            assert asked in (0, served.port)
            return served
        if "--quiet" in args and asked:
            try:
                served.get("")
                return served
            except OSError:
                pass
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"serve did not start: {''.join(served.said)}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    running = start(copy_project(tmp_path / "projet"))
    try:
        yield running
    finally:
        running.stop()


def test_serves_the_site_with_drafts_and_live_reload(served: Served) -> None:
    status, body = served.get(PAGE)
    assert status == 200 and "livereload.js" in body
    assert served.get("monographies/epicerie-etudiante-rennes/")[0] == 200  # a draft
    status, body = served.get("pas/de/page/")
    assert status == 404 and "Page introuvable" in body


def test_edit_break_and_fix_a_monograph(served: Served) -> None:
    served.edit(SOURCE, lambda t: t.replace("relie maraîchers", "relie les maraîchers"))
    served.until(PAGE, lambda s, b: s == 200 and "relie les maraîchers" in b)
    served.edit(SOURCE, lambda t: t.replace("network: ANPP", "network: ANP"))
    body = served.until(PAGE, lambda s, b: s == 500)
    assert ("monographs/pole-lauragais.md:6: network: unknown network &#x27;ANP&#x27; "
            "(did you mean &#x27;ANPP&#x27;?)") in body
    assert served.get("static/style.css")[0] == 200  # the last good site is still there
    served.edit(SOURCE, lambda t: t.replace("network: ANP\n", "network: ANPP\n"))
    served.until(PAGE, lambda s, b: s == 200 and "relie les maraîchers" in b)
    assert served.process.poll() is None
    # The fix gives back the site as it was: the terminal says the errors are gone.
    deadline = time.monotonic() + 10
    while "Fixed: the site is as it was before the errors.\n" not in served.said:
        assert time.monotonic() < deadline, served.said
        time.sleep(0.05)


def test_each_build_prints_its_warnings(served: Served) -> None:
    served.edit(SOURCE, lambda t: t.replace("(mobilite-solidaire-toulouse.md)",
                                            "(mobilite-solidaire-toulouse.md#nulle-part)"))
    deadline = time.monotonic() + 10
    while sum(line.startswith("Rebuilt") for line in served.said) < 2:  # the first build's
        assert time.monotonic() < deadline, served.said
        time.sleep(0.05)
    warned = [line for line in served.said if "warning:" in line]
    assert len(warned) == 1 and "has no heading or id '#nulle-part'" in warned[0], served.said
    assert served.said.index(warned[0]) > served.said.index(next(
        line for line in served.said if line.startswith("Serving")))
    # Started again on the site as it was left: nothing to build, the warning stands.
    served.stop()
    again = start(served.root)
    try:
        said = again.stop()
        assert [line for line in said if "warning:" in line] == [warned[0].rstrip("\n")]
        assert not any(line.startswith("Rebuilt") for line in said), said
    finally:
        if again.process.poll() is None:
            again.stop()


def test_templates_and_config_are_watched(served: Served) -> None:
    served.edit("templates/404.html", lambda t: t.replace("Page introuvable", "Rien ici"))
    served.until("nulle-part/", lambda s, b: s == 404 and "Rien ici" in b)
    served.edit("impact.yaml", lambda t: t.replace("label: Mécénat", "label: Mécénat solidaire"))
    served.until("alliances/mecenat/", lambda s, b: "Mécénat solidaire" in b)


def test_an_error_raised_by_template_code_shows_in_the_browser(served: Served) -> None:
    served.edit("templates/monograph.html", lambda t: t.replace("</h1>", "{{ 1 / 0 }}</h1>", 1))
    body = served.until(PAGE, lambda s, b: s == 500)
    assert "templates/monograph.html:" in body and "ZeroDivisionError" in body
    assert served.process.poll() is None
    served.edit("templates/monograph.html", lambda t: t.replace("{{ 1 / 0 }}", ""))
    served.until(PAGE, lambda s, b: s == 200)


def test_config_saved_by_rename_is_watched_at_every_save(served: Served) -> None:
    # Many editors, sed -i and git checkout write a new file and rename it over the old.
    config = served.root / "impact.yaml"

    def save_by_rename(label: str) -> None:
        text = config.read_text("utf-8").replace("label: Mécénat", f"label: {label}", 1)
        (served.root / "impact.yaml.tmp").write_text(text, "utf-8")
        os.replace(served.root / "impact.yaml.tmp", config)
        shown = f"</span> {label}</h1>"
        served.until("alliances/mecenat/", lambda s, b: shown in b)
        config.write_text(config.read_text("utf-8").replace(f"label: {label}",
                                                            "label: Mécénat"), "utf-8")
        served.until("alliances/mecenat/", lambda s, b: shown not in b)

    save_by_rename("Mécénat solidaire")
    save_by_rename("Mécénat partagé")


def test_a_file_written_again_within_one_tick_of_the_clock_is_built_again(
        served: Served) -> None:
    """A file's time can be the same after two writes a few milliseconds apart (the file
    system's clock ticks): the second is a change all the same."""
    source = served.root / SOURCE
    served.edit(SOURCE, lambda t: t.replace("relie maraîchers", "relie avant tout"))
    served.until(PAGE, lambda s, b: s == 200 and "relie avant tout" in b)
    then = source.stat().st_mtime_ns
    # Saved again by rename, with the same time: the server sees it in one piece.
    again = served.root.parent / "again.md"
    again.write_text(source.read_text("utf-8").replace("avant tout", "ensuite"), "utf-8")
    os.utime(again, ns=(then, then))
    os.replace(again, source)
    assert source.stat().st_mtime_ns == then
    served.until(PAGE, lambda s, b: s == 200 and "relie ensuite" in b)


@pytest.mark.skipif(sys.platform != "linux", reason="inotify is Linux's")
def test_on_linux_a_save_is_seen_at_once_not_looked_for() -> None:
    """pyinotify needs asyncore, which Python 3.12 no longer has: without the package that
    gives it back, livereload would look at every file every 800 ms instead."""
    watcher = _watcher()
    try:
        assert isinstance(watcher, INotifyWatcher)
    finally:
        if isinstance(watcher, INotifyWatcher):
            watcher.wm.close()


def test_without_inotify_a_file_is_known_by_more_than_its_time(tmp_path: Path) -> None:
    """Where livereload polls (no inotify), a file written again within one tick of the
    clock is a change if its size or inode is not what it was."""
    folder = tmp_path / "monographs"
    folder.mkdir()
    path = folder / "pole.md"
    path.write_text("un", "utf-8")
    watcher = _Primed()
    watcher.watch(str(folder))
    assert watcher.examine() == (None, None)  # what was there when watched is no change
    then = path.stat().st_mtime_ns
    path.write_text("un mot de plus", "utf-8")
    os.utime(path, ns=(then, then))
    assert watcher.examine() == (str(path), None)
    assert watcher.examine() == (None, None)
    again = tmp_path / "pole.md"  # saved by rename: another inode, the same size and time
    again.write_text("un mot de trop", "utf-8")
    os.utime(again, ns=(then, then))
    os.replace(again, path)
    assert watcher.examine() == (str(path), None)


def test_monographs_folder_deleted_then_restored(served: Served) -> None:
    source = served.root / "monographs"
    kept = served.root / "ailleurs"
    shutil.copytree(source, kept)
    shutil.rmtree(source)
    body = served.until(PAGE, lambda s, b: s == 500)
    assert "monographs: no such folder" in body
    shutil.copytree(kept, source)
    served.until(PAGE, lambda s, b: s == 200)
    # Watched again, with everything in it.
    served.edit(SOURCE, lambda t: t.replace("relie maraîchers", "relie les maraîchers"))
    served.until(PAGE, lambda s, b: s == 200 and "relie les maraîchers" in b)


def test_a_site_published_under_a_path_is_served_there(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "projet")
    config = root / "impact.yaml"
    config.write_text(config.read_text("utf-8").replace(
        "base_url: /\n", "base_url: https://example.org/impact/\n"), "utf-8")
    served = start(root, port=0)
    try:
        assert any(line.endswith(f":{served.port}/impact/ (Ctrl+C to stop)\n")
                   for line in served.said)
        status, body = served.get("impact/" + PAGE)
        assert status == 200
        soup = BeautifulSoup(body, "html.parser")
        links = [str(tag.get("href") or tag.get("src")) for tag in soup.select(
            "link[href], a[href], img[src]")]
        inside = sorted({link for link in links if link.startswith("/")})
        assert "/impact/static/style.css" in inside and len(inside) > 10
        for link in inside:
            assert served.get(link[1:].split("#")[0])[0] == 200, link
        status, body = served.get("")  # sent on to the site
        assert status == 200 and "<h1>Monographies de pratiques" in " ".join(body.split())
        assert served.get("impact")[0] == 200
        status, body = served.get(PAGE)  # not where the site is
        assert status == 404 and "Page introuvable" in body
    finally:
        served.stop()


def test_a_source_folder_missing_at_the_start_is_watched_once_made(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "projet")
    (root / "monographs").rename(root / "ailleurs")
    served = start(root, port=0)
    try:
        assert "monographs: no such folder" in served.until(PAGE, lambda s, b: s == 500)
        shutil.copytree(root / "ailleurs", root / "monographs")
        served.until(PAGE, lambda s, b: s == 200)
        served.edit(SOURCE, lambda t: t.replace("relie maraîchers", "relie les maraîchers"))
        served.until(PAGE, lambda s, b: s == 200 and "relie les maraîchers" in b)
    finally:
        served.stop()


def test_the_project_folder_as_source_is_watched_without_building_in_a_loop(
        tmp_path: Path) -> None:
    # Monographs beside the config: the build cache is in the folder watched, and its
    # writes are not changes.
    root = copy_project(tmp_path / "projet")
    for path in (root / "monographs").iterdir():
        path.rename(root / path.name)
    (root / "monographs").rmdir()
    served = start(root, "--source", ".", "--output", str(tmp_path / "site"), port=0)
    try:
        assert served.get(PAGE)[0] == 200
        time.sleep(2)
        built = [line for line in served.said if line.startswith("Rebuilt")]
        assert len(built) == 1, served.said  # the first build's
        served.edit("pole-lauragais.md", lambda t: t.replace("relie maraîchers",
                                                             "relie les maraîchers"))
        served.until(PAGE, lambda s, b: "relie les maraîchers" in b)
        # The folder is watched with all it holds, a folder made in it too (its watch
        # for the config's and the templates' names does not replace that).
        (root / "nouveau").mkdir()
        time.sleep(0.5)
        front = (root / "pole-lauragais.md").read_text("utf-8").split("\n---\n")[0]
        (root / "nouveau" / "pole-bis.md").write_text(front + "\n---\nUn texte.\n", "utf-8")
        served.until("monographies/pole-bis/", lambda s, b: s == 200)
    finally:
        served.stop()


def test_listens_on_loopback_only(served: Served) -> None:
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == served.port:
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1, nothing else


@pytest.mark.parametrize("path", ["/../impact.yaml", "/%2e%2e/impact.yaml",
                                  "/%2E%2E/%2E%2E/etc/passwd", "/..%2fimpact.yaml",
                                  "/static/../../impact.yaml", "//etc/passwd",
                                  "/static/%2e%2e/%2e%2e/impact.yaml"])
def test_no_path_leads_outside_the_output_folder(served: Served, path: str) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n"
                           "Connection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = answer.split(b" ", 2)[1]
    assert status in (b"400", b"403", b"404"), answer[:200]
    assert b"alliance_types" not in answer and b"root:" not in answer


def test_another_host_must_be_asked_for_and_warns(tmp_path: Path) -> None:
    copy_project(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--host", "0.0.0.0", "--port",
         str(port)], cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert process.stderr is not None
        assert process.stderr.readline().startswith(
            "warning: serving on 0.0.0.0: anyone who can reach this machine can read the site")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_port_0_is_a_free_port_and_the_one_announced(tmp_path: Path) -> None:
    served = start(copy_project(tmp_path), port=0)
    try:
        assert served.port != 0
        assert served.get(PAGE)[0] == 200
    finally:
        said = served.stop()
    assert not any("Serving on" in line for line in said)  # livereload's, port 0 and all


def test_a_file_saved_during_the_first_build_is_built_once_serving(tmp_path: Path) -> None:
    """The files are watched from before the first build: one saved while that build
    reads the others is built as soon as serving starts, not taken as it was when the
    watching began."""
    root = tmp_path / "base"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count",
                    "300", "--seed", "5", "--output", str(root)],
                   check=True, capture_output=True)
    first = min((root / "monographs").rglob("*.md"))  # among the first the build reads
    text = first.read_text("utf-8")
    assert not re.search(r"^slug:", text, re.M)
    cache = root / ".impact-cache" / "entries.sqlite"

    def save_while_reading() -> None:
        deadline = time.monotonic() + 60
        while not cache.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # its first chunk of files read, the build going on
        first.write_text(re.sub(r"^title: .*$", 'title: "Enregistré pendant la '
                                'construction"', text, count=1, flags=re.M), "utf-8")

    saving = threading.Thread(target=save_while_reading)
    saving.start()
    served = start(root, port=0)
    try:
        saving.join()
        served.until(f"monographies/{first.stem}/",
                      lambda status, body: "Enregistré pendant la construction" in body,
                      seconds=60)
    finally:
        served.stop()


def test_its_first_build_records_what_each_page_reads(tmp_path: Path) -> None:
    """An editor is about to change things: from its very first build, what each page
    read is recorded, so that a first front-matter edit renders only the pages that
    show what changed (``reads``), where a first build for publishing records nothing."""
    root = copy_project(tmp_path)
    served = start(root, port=0)
    try:
        assert list((root / ".impact-cache" / "outputs").glob("*.reads"))
        served.edit(SOURCE, lambda t: t.replace('title: "', 'title: "Nouveau titre, ', 1))
        served.until(PAGE, lambda status, body: status == 200 and "Nouveau titre" in body)
    finally:
        served.stop()


def test_quiet_prints_only_the_errors(tmp_path: Path) -> None:
    served = start(copy_project(tmp_path), "--quiet")
    try:
        assert served.get(PAGE)[0] == 200
        assert served.get("nulle-part/")[0] == 404
        served.edit(SOURCE, lambda t: t.replace("network: ANPP", "network: ANP"))
        served.until(PAGE, lambda s, b: s == 500)
        served.edit(SOURCE, lambda t: t.replace("network: ANP\n", "network: ANPP\n"))
        served.until(PAGE, lambda s, b: s == 200)
    finally:
        said = served.stop()
    assert said == ["monographs/pole-lauragais.md:6: network: unknown network 'ANP' (did you "
                    "mean 'ANPP'?)",
                    "1 error in 1 file; every page shows it until it is fixed."]


def test_errors_saved_again_are_printed_once_and_livereload_says_nothing(
        tmp_path: Path) -> None:
    served = start(copy_project(tmp_path))
    try:
        assert served.get(PAGE)[0] == 200
        served.edit(SOURCE, lambda t: t.replace("network: ANPP", "network: ANP"))
        served.until(PAGE, lambda s, b: s == 500)
        for _ in range(3):  # saved again as it was: the same errors, rebuilt each time
            served.edit(SOURCE, lambda t: t)
            time.sleep(0.3)
        served.edit(SOURCE, lambda t: t.replace("network: ANP\n", "network: ANPP\n"))
        served.until(PAGE, lambda s, b: s == 200)
    finally:
        said = served.stop()
    error = ("monographs/pole-lauragais.md:6: network: unknown network 'ANP' (did you mean "
             "'ANPP'?)")
    assert said.count(error) == 1, said
    assert said[said.index(error) + 1:] == [
        "1 error in 1 file; every page shows it until it is fixed.",
        "Fixed: the site is as it was before the errors."]
    assert not [line for line in said if line.startswith("[")], said  # no log lines


def test_ctrl_c_ends_serving_with_a_word_on_the_drafts_left_in_the_site(
        tmp_path: Path) -> None:
    served = start(copy_project(tmp_path))
    try:
        assert served.get("monographies/epicerie-etudiante-rennes/")[0] == 200  # a draft
    finally:
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(timeout=10) == 0
        said = served.stop()
    assert said[-2:] == ["", "site/ holds the drafts too: build it again (python build.py) "
                         "before publishing it."]


# A Ctrl+C raised inside a finalizer as a collection runs it, while serving: Python
# reports the KeyboardInterrupt and goes on. A collection's callback loses it the same way.
_LOST_IN_A_FINALIZER = """\
import asyncio, gc, os, signal

def _once(phase, info, sent=[]):
    try:
        asyncio.get_running_loop()  # serving
    except RuntimeError:
        return
    if phase == "stop" and info["generation"] == 2 and not sent:
        sent.append(True)
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs here, within the callback
            pass

gc.callbacks.append(_once)
"""


def test_a_ctrl_c_lost_in_a_finalizer_still_ends_serving(tmp_path: Path) -> None:
    """The collection that follows each build (two seconds after it) runs finalizers: a
    Ctrl+C that fell in one ended nothing, and serving went on for ever (seen once in a
    dozen Ctrl+C at that moment). It ends serving all the same, as any Ctrl+C does."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_LOST_IN_A_FINALIZER, "utf-8")
    root = copy_project(tmp_path / "projet")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(free_port())],
        cwd=root, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(hooks), *filter(None, [os.environ.get("PYTHONPATH")])])})
    try:
        _, said = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, said
    assert "KeyboardInterrupt" in said  # lost where it was raised, as Python says
    assert said.rstrip("\n").endswith(
        "site/ holds the drafts too: build it again (python build.py) before publishing it.")


def test_quiet_still_tells_the_port_the_system_chose(tmp_path: Path) -> None:
    served = start(copy_project(tmp_path), "--quiet", port=0)
    try:
        assert served.port != 0 and served.get(PAGE)[0] == 200
    finally:
        said = served.stop()
    assert said == [f"Serving site/ on http://127.0.0.1:{served.port}/ (Ctrl+C to stop)"]


def test_a_first_build_that_fails_shows_its_errors(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    for name, network in (("pole-lauragais", "ANPP"), ("agadir-cooperatives-argan", "METI")):
        path = root / "monographs" / f"{name}.md"
        path.write_text(path.read_text("utf-8").replace(f"network: {network}\n",
                                                        "network: XYZ\n"), "utf-8")
    served = start(root)
    try:
        for page in ("", PAGE):
            status, body = served.get(page)
            assert status == 500 and "pole-lauragais.md:6: network:" in body
        assert served.get("static/style.css")[0] == 404  # no site was ever built
    finally:
        said = served.stop()
    assert "2 errors in 2 files; every page shows them until they are fixed." in said


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
            cwd=copy_project(tmp_path), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr == (f"error: port {port} is already in use on 127.0.0.1; pass "
                             "--port N (0: any free port)\n")
    assert not (tmp_path / "site").exists()  # said before building


def test_a_folder_that_is_not_a_site_is_never_served(tmp_path: Path) -> None:
    # A build refuses to replace it; serving it would show its files (the config here).
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--output", "."],
        cwd=copy_project(tmp_path), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: .: refusing to replace a folder that holds ")
    assert result.stdout == "" and "Serving" not in result.stderr


def test_the_browser_reloads_by_itself(page: BrowserPage, served: Served) -> None:
    page.page.goto(served.base + PAGE)
    page.page.wait_for_function("document.querySelector('h1').textContent.includes('relie')")
    time.sleep(0.3)  # let the live-reload socket connect
    served.edit(SOURCE, lambda t: t.replace('title: "Dans le Lauragais', 'title: "Au Lauragais'))
    page.page.wait_for_function(
        "document.querySelector('h1').textContent.startsWith('Au Lauragais')", timeout=15000)
