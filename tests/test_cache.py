"""The build cache: an incremental build equals a clean one byte for byte, whatever
changed, and a corrupt or foreign cache entry never makes a wrong site."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from impact_ssg import cache, lock, pickling, uptodate
from impact_ssg.cache import BuildCache
from impact_ssg.markdown import Heading, Outline, Reference
from impact_ssg.model import Monograph, Partner
from impact_ssg.territory import Territory
from impact_ssg.uptodate import digest
from impact_ssg.wholefile import write_whole

from .conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "projet"
    root.mkdir()
    shutil.copy(ROOT / "impact.yaml", root)
    for folder in ("templates", "monographs"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def build(root: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet", *args],
                            cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


LAURAGAIS = "monographs/pole-lauragais.md"


def assert_same_as_clean(root: Path) -> None:
    build(root)
    build(root, "--clean", "--output", "propre")
    assert tree(root / "site") == tree(root / "propre")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def delete(root: Path) -> None:
    (root / "monographs/outre-mer/guadeloupe-sargasses.md").unlink()
    edit(root / "monographs/agadir-cooperatives-argan.md", "outre-mer/guadeloupe-sargasses.md",
         "https://example.org")


def rename(root: Path) -> None:
    (root / "monographs/sante-rurale-creuse.md").rename(root / "monographs/sante-en-creuse.md")


CHANGES: list[tuple[str, Callable[[Path], None]]] = [
    ("body", lambda r: edit(r / "monographs/pole-lauragais.md", "Ce maillon, c’est une",
                            "Ce maillon, c’est bien une")),
    ("body linking to another monograph", lambda r: edit(
        r / "monographs/renovation-energetique-bretagne.md", "](pole-lauragais.md)",
        "](mobilite-solidaire-toulouse.md)")),
    ("template", lambda r: edit(r / "templates/monograph.html", "En bref", "L’essentiel")),
    ("static file", lambda r: edit(r / "templates/static/style.css", "--accent: #0b5563",
                                   "--accent: #0b5564")),
    ("config vocabulary label", lambda r: edit(r / "impact.yaml", "label: Mécénat",
                                               "label: Mécénat d’entreprise")),
    ("territory", lambda r: edit(r / "monographs/pole-lauragais.md",
                                 'department: "31"', 'department: "11"')),
    ("title", lambda r: edit(r / "monographs/pole-lauragais.md", 'title: "Dans le Lauragais',
                             'title: "Dans tout le Lauragais')),
    ("summary of an organisation's only monograph", lambda r: edit(
        r / "monographs/outre-mer/guadeloupe-sargasses.md", 'summary: "Au Moule',
        'summary: "Au Moule (Guadeloupe)')),
    ("spelling of a commune", lambda r: edit(
        r / "monographs/pole-lauragais.md", "commune: Villefranche-de-Lauragais",
        "commune: villefranche de Lauragais")),
    ("network", lambda r: edit(r / "monographs/pole-lauragais.md", "network: ANPP",
                               "network: METI")),
    ("date, changing the order of lists", lambda r: edit(
        r / "monographs/pole-lauragais.md", "date: 2024-03-14", "date: 2018-03-14")),
    ("partner added", lambda r: edit(
        r / "monographs/pole-lauragais.md", "themes: [alimentation",
        "  - name: Menuiserie Dubreuil et Fils\n    stakeholder: pme\n"
        "themes: [alimentation")),
    ("partner's category", lambda r: edit(
        r / "monographs/pole-lauragais.md",
        "  - name: Association Les Jardins du Lauragais\n    stakeholder: association",
        "  - name: Association Les Jardins du Lauragais\n    stakeholder: fondation")),
    ("theme", lambda r: edit(r / "monographs/pole-lauragais.md", "circuits courts, emploi",
                             "circuits courts, emploi, cantines")),
    ("delete", delete),
    ("rename", rename),
    ("draft published", lambda r: edit(r / "monographs/epicerie-etudiante-rennes.md",
                                       "draft: true", "draft: false")),
    # Last: test_spare meddles with this monograph's folder before each change.
    ("slug of a monograph other bodies link to", lambda r: edit(
        r / "monographs/pole-lauragais.md", "updated: 2025-10-06",
        "slug: legumerie-du-lauragais\nupdated: 2025-10-06")),
]


@pytest.mark.parametrize("change", [c[1] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_an_incremental_build_equals_a_clean_one(
    project: Path, change: Callable[[Path], None]
) -> None:
    build(project)
    assert any((project / ".impact-cache").rglob("*"))
    change(project)
    assert_same_as_clean(project)


def database(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".impact-cache" / cache.DATABASE, isolation_level=None)


def swap(column: str) -> Callable[[sqlite3.Connection], None]:
    """Swap one part of two entries."""
    def damage(db: sqlite3.Connection) -> None:
        (a, first), (b, second) = db.execute(
            f"SELECT key, {column} FROM entries ORDER BY key LIMIT 2").fetchall()
        db.execute(f"UPDATE entries SET {column} = ? WHERE key = ?", (second, a))
        db.execute(f"UPDATE entries SET {column} = ? WHERE key = ?", (first, b))
    return damage


def alter(column: str) -> Callable[[sqlite3.Connection], None]:
    """Change one byte of one part of every entry."""
    def damage(db: sqlite3.Connection) -> None:
        for key, data in db.execute(f"SELECT key, {column} FROM entries").fetchall():
            changed = bytearray(data)
            changed[len(changed) // 2] ^= 1
            db.execute(f"UPDATE entries SET {column} = ? WHERE key = ?", (bytes(changed), key))
    return damage


def foreign(db: sqlite3.Connection) -> None:
    """A pickle of something else, with the sums it would have if stored by the cache."""
    for key, sums in db.execute("SELECT key, sums FROM entries").fetchall():
        result = pickle.dumps({"slug": "faux"})
        db.execute("UPDATE entries SET result = ?, sums = ? WHERE key = ?",
                   (result, cache._sum(key, "result", result) + sums[16:], key))


def whole_file(content: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        path.write_bytes(content(path.read_bytes()))
    return damage


def text_edit(root: Path) -> None:
    """Reads back the edited file's words as the last build had them (search data)."""
    edit(root / "monographs/pole-lauragais.md", "relie maraîchers", "relie les maraîchers")


def title_edit(root: Path) -> None:
    """Renders every page again, reading every body and every word."""
    edit(root / "monographs/pole-lauragais.md", "title: ", "title: Le ")


Damage = Callable[[sqlite3.Connection], None]


def both(first: Damage, second: Damage) -> Damage:
    def damage(db: sqlite3.Connection) -> None:
        first(db)
        second(db)
    return damage


def statement(sql: str) -> Damage:
    def damage(db: sqlite3.Connection) -> None:
        db.execute(sql)
    return damage

DAMAGES: list[tuple[str, Damage | None, Callable[[Path], None] | None,
                    Callable[[Path], None]]] = [
    ("results swapped", swap("result"), None, title_edit),
    ("results and sums swapped", both(swap("result"), swap("sums")), None, title_edit),
    ("bodies swapped", swap("html"), None, title_edit),
    ("words swapped", swap("words"), None, text_edit),
    ("a byte of each result", alter("result"), None, title_edit),
    ("a byte of each body", alter("html"), None, title_edit),
    ("a byte of each word list", alter("words"), None, text_edit),
    ("a byte of each word list, all read", alter("words"), None, title_edit),
    ("another object with its sums", foreign, None, title_edit),
    ("bodies gone", statement("UPDATE entries SET html = x''"), None, title_edit),
    ("the file truncated", None, whole_file(lambda data: data[:100]), title_edit),
    ("the file garbage", None, whole_file(lambda data: b"not a database" * 1000), title_edit),
]


def test_a_drafts_spelling_that_renames_a_theme_renames_it_everywhere(project: Path) -> None:
    # The site names a theme as most of its mentions write it, drafts' included: the
    # draft's edit renames it on the pages of the published monographs (their related
    # lists' reasons included), whose own files did not change.
    edit(project / "monographs/outre-mer/reunion-jardins-creoles.md", "themes: [alimentation",
         "themes: [Alimentation")
    build(project)
    edit(project / "monographs/epicerie-etudiante-rennes.md", "themes: [alimentation",
         "themes: [Alimentation")
    assert_same_as_clean(project)
    assert "thème\u202f: Alimentation" in (
        project / "site/monographies/pole-lauragais/index.html").read_text("utf-8")


@pytest.mark.parametrize(("in_database", "on_file", "change"), [d[1:] for d in DAMAGES],
                         ids=[d[0] for d in DAMAGES])
def test_a_damaged_cache_never_makes_a_wrong_site(
    project: Path, in_database: Damage | None, on_file: Callable[[Path], None] | None,
    change: Callable[[Path], None],
) -> None:
    build(project)
    assert len(keys(project)) == 16
    if on_file:
        on_file(project / ".impact-cache" / cache.DATABASE)
    if in_database:
        with contextlib.closing(database(project)) as db:
            in_database(db)
    change(project)
    assert_same_as_clean(project)


def keys(root: Path) -> set[str]:
    with contextlib.closing(database(root)) as db:
        return {key for (key,) in db.execute("SELECT key FROM entries")}


def test_unused_entries_are_removed(project: Path) -> None:
    build(project)
    before = keys(project)
    edit(project / "monographs/pole-lauragais.md", "relie maraîchers", "relie les maraîchers")
    build(project)
    after = keys(project)
    assert len(after) == len(before) == 16 and after != before
    # A text edit removes only the entry it replaced, without a look at the others.
    edit(project / LAURAGAIS, "Il manquait un maillon", "Il manquait encore un maillon")
    build(project)
    last = keys(project)
    assert len(last) == 16 and len(last - after) == 1
    # A failed build stored the entry of the file it found wrong; the next text edit
    # removes it too, though no build recorded it.
    edit(project / LAURAGAIS, "(mobilite-solidaire-toulouse.md)", "(nulle-part.md)")
    assert subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet"], cwd=project,
                          capture_output=True, check=False).returncode == 1
    assert len(keys(project)) == 17
    edit(project / LAURAGAIS, "(nulle-part.md)", "(mobilite-solidaire-toulouse.md)")
    edit(project / LAURAGAIS, "encore un maillon", "toujours un maillon")
    build(project)
    assert len(keys(project)) == 16


def test_a_build_leaves_the_database_whole(project: Path) -> None:
    """Every connection is closed when the program ends (it ends without tearing its
    objects down): the last one merges the write-ahead log into the database."""
    build(project)
    edit(project / "monographs/pole-lauragais.md", "relie maraîchers", "relie les maraîchers")
    build(project)
    assert sorted(p.name for p in (project / ".impact-cache").iterdir()) == [
        "compiled", cache.DATABASE, lock.FILE, "outputs", "spare"]


def test_a_damaged_compiled_template_is_compiled_again(project: Path) -> None:
    """A compiled template is code that builds run: one that is not as it was written,
    even one that still loads (a text changed in its constants), is never run."""
    build(project)
    edit(project / LAURAGAIS, "relie maraîchers", "relie les maraîchers")
    build(project)  # a text edit: its page rendered with the compiled templates
    damaged = 0
    for path in (project / ".impact-cache" / "compiled").iterdir():
        data = path.read_bytes()
        if b"Accueil" in data:  # the breadcrumbs of every page
            path.write_bytes(data.replace(b"Accueil", b"Accueix"))
            damaged += 1
    assert damaged
    edit(project / LAURAGAIS, "relie les maraîchers", "relie des maraîchers")
    assert_same_as_clean(project)


@pytest.mark.parametrize("version", [0, cache.LAYOUT])
def test_a_database_of_another_layout_is_made_anew(project: Path, version: int) -> None:
    (project / ".impact-cache").mkdir()
    with contextlib.closing(database(project)) as db:
        db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, result BLOB)")
        db.execute(f"PRAGMA user_version = {version}")
    build(project)
    assert len(keys(project)) == 16
    assert_same_as_clean(project)


def test_entries_of_the_earlier_layout_are_removed(project: Path) -> None:
    legacy = project / ".impact-cache" / "ab"
    legacy.mkdir(parents=True)
    (legacy / ("ab" + "0" * 62)).write_bytes(b"an entry of one file")
    build(project)
    assert not legacy.exists()
    assert (project / ".impact-cache" / cache.DATABASE).is_file()


def test_the_key_covers_code_settings_path_and_bytes(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    base = BuildCache(tmp_path, b"config")
    key = base.key("monographs/a.md", digest(b"text"))
    assert key != base.key("monographs/a.md", digest(b"text!"))
    assert key != base.key("monographs/b.md", digest(b"text"))
    assert key != BuildCache(tmp_path, b"config2").key("monographs/a.md", digest(b"text"))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version")
    assert key != BuildCache(tmp_path, b"config").key("monographs/a.md", digest(b"text"))


def test_each_library_is_known_by_the_metadata_folder_imports_would_find(
    tmp_path: Path
) -> None:
    """The first folder of the import path holding a library's metadata is the one
    imported from: its ``.dist-info`` names the version; several there (a broken
    install) are all named; an ``.egg-info`` found first is left to
    ``importlib.metadata``, as is a library not found."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, names in ((first, ("Jinja2-3.1.6.dist-info", "markdown_it_py-4.3.0.dist-info",
                                   "mdit_py_plugins-0.5.0.dist-info",
                                   "mdit_py_plugins-0.4.0.dist-info",
                                   "jinja2_extra-1.0.dist-info", "pyyaml-6.0.3.txt")),
                          (second, ("jinja2-3.2.0.dist-info", "PyYAML.egg-info",
                                    "pyyaml-6.0.3.dist-info", "nh3-0.3.8.dist-info"))):
        for name in names:
            (folder / name).mkdir(parents=True)
    archive = tmp_path / "python311.zip"  # a path entry that is no folder
    archive.write_bytes(b"")
    libraries = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "nh3", "absent")
    path = [str(tmp_path / "gone"), str(archive), str(first), str(second)]
    assert cache.installed_as(libraries, path) == [
        "Jinja2-3.1.6.dist-info", "markdown_it_py-4.3.0.dist-info",
        "mdit_py_plugins-0.4.0.dist-info mdit_py_plugins-0.5.0.dist-info", None,
        "nh3-0.3.8.dist-info", None]


def test_a_library_of_another_version_is_another_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("markdown_it_py-4.3.0", "mdit_py_plugins-0.7.0", "jinja2-3.1.6",
                 "markupsafe-3.0.3", "nh3-0.3.8", "pyyaml-6.0.3"):
        (tmp_path / f"{name}.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    fingerprints = [cache.code_fingerprint.__wrapped__()]
    (tmp_path / "jinja2-3.1.6.dist-info").rename(tmp_path / "jinja2-3.1.7.dist-info")
    fingerprints.append(cache.code_fingerprint.__wrapped__())
    # One not installed as a wheel is known by its version, as importlib.metadata has it.
    (tmp_path / "jinja2-3.1.7.dist-info").rename(tmp_path / "jinja2.egg-info")
    for version in ("3.1.7", "3.1.8"):
        monkeypatch.setattr(cache, "_version", lambda library, v=version: f"{library} {v}")
        fingerprints.append(cache.code_fingerprint.__wrapped__())
    assert len(set(fingerprints)) == 4


def test_the_output_may_not_be_the_cache(project: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--output",
                             ".impact-cache"], cwd=project, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2


def run(root: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_build_with_nothing_to_do_leaves_the_site_as_it_is(project: Path) -> None:
    assert run(project).startswith("Built ")
    before = tree(project / "site")
    assert run(project).startswith("Nothing changed since the last build: site/ is up to date")
    assert tree(project / "site") == before
    (project / "monographs" / "pole-lauragais.md").touch()  # same bytes: still nothing to do
    assert run(project).startswith("Nothing changed")
    settle(project)  # files known by their signatures, not read: still nothing to do
    assert run(project).startswith("Nothing changed")


def test_a_build_with_nothing_to_do_warns_as_the_build_before(project: Path) -> None:
    edit(project / "monographs" / "pole-lauragais.md", "(mobilite-solidaire-toulouse.md)",
         "(mobilite-solidaire-toulouse.md#nulle-part)")

    def warned(cwd: Path = project, *args: str) -> tuple[str, list[str]]:
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                                capture_output=True, text=True, check=True)
        return result.stdout.split()[0], result.stderr.splitlines()

    built, warnings = warned()
    assert built == "Built" and len(warnings) == 2 and "'#nulle-part'" in warnings[0]
    assert warned() == ("Nothing", warnings)
    # From elsewhere, the files are named otherwise: so are they in the warnings.
    name = project.name
    elsewhere = ("--config", f"{name}/impact.yaml", "--source", f"{name}/monographs",
                 "--output", f"{name}/site")
    built, there = warned(project.parent, *elsewhere)
    assert there[0] == warnings[0].replace("monographs/", f"{name}/monographs/")
    assert warned(project.parent, *elsewhere) == ("Nothing", there)


def test_a_text_edit_tells_which_files_no_monograph_links_to(project: Path) -> None:
    # A text edit reads the model the last build kept: the files its bodies link to are
    # told again from the edited bodies as they are now, and what its front matter says
    # (a spelling) is told still.
    def warned(*args: str) -> list[str]:
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=project,
                                capture_output=True, text=True, check=True)
        return [line for line in result.stderr.splitlines() if ": warning: " in line]

    lauragais = project / LAURAGAIS
    edit(lauragais, "circuits courts, emploi", "circuits courts, Emploi")
    spelt = [w for w in warned() if "'Emploi'" in w]
    assert len(spelt) == 1 and spelt[0].startswith(f"{LAURAGAIS}:25: warning: themes:")
    (project / "monographs/notes.txt").write_text("notes", "utf-8")
    alone = ["monographs/notes.txt: warning: file: no monograph links to it, yet it is "
             "published as /fichiers/notes.txt; link it from a monograph, or, if it is not "
             "for readers, move it out of the monographs folder or start its name with '_'"]
    assert warned() == sorted([*alone, *spelt])
    edit(lauragais, "Ce maillon, c’est une", "Ce maillon ([nos notes](notes.txt)), c’est une")
    assert warned() == spelt == warned("--clean", "--output", "propre")
    edit(lauragais, "([nos notes](notes.txt))", "(sans notes)")
    assert warned() == sorted([*alone, *spelt]) == warned("--clean", "--output", "propre")


LAURAGAIS_PAGE = Path("monographies/pole-lauragais/index.html")


def appended(path: Path, text: str) -> None:
    """Write ``text`` at the end of ``path``, in place (its folder left as it is)."""
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


def linked(page: Path, copy: Path) -> None:
    """Replace ``page`` by a link to ``copy``, a copy of it: the same bytes, the same
    names in its folder."""
    page.rename(copy)
    page.symlink_to(copy)


@pytest.mark.parametrize("change", [
    lambda r: (r / "site" / "index.html").write_text("touché", "utf-8"),
    lambda r: (r / "site" / "feed.xml").unlink(),
    lambda r: (r / "site" / "en-trop.html").write_text("x", "utf-8"),
    lambda r: edit(r / "templates/static/style.css", "--accent: #0b5563", "--accent: #0b5564"),
    lambda r: (r / "monographs" / "images" / "nouveau.png").write_bytes(b"png"),
    lambda r: (r / "site" / "static" / "vide").mkdir(),
    # Deeper, in folders the stamp knows by their signatures (``uptodate.as_left``).
    lambda r: appended(r / "site" / LAURAGAIS_PAGE, " "),
    lambda r: (r / "site" / LAURAGAIS_PAGE).with_name("en-trop.html").write_text("x"),
    lambda r: shutil.rmtree(r / "site" / LAURAGAIS_PAGE.parent),
    lambda r: (r / "site" / LAURAGAIS_PAGE.parent / "vide").mkdir(),
    lambda r: linked(r / "site" / LAURAGAIS_PAGE, r / "copie.html"),
], ids=["page edited", "file removed", "file added", "static file", "asset added",
        "empty folder added", "deep page edited in place", "deep file added",
        "deep folder removed", "deep empty folder added", "deep page made a link"])
def test_any_change_to_inputs_or_output_rebuilds(
    project: Path, change: Callable[[Path], object]
) -> None:
    run(project)
    settle(project)  # the output folder's files and folders known by their signatures
    change(project)
    assert run(project).startswith("Built ")
    assert_same_as_clean(project)


def test_a_settled_folder_is_known_by_its_signature_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output folder as the last build left it is checked without listing the
    folders the stamp knows, settled; one that is not settled is listed."""
    run(project)
    settle(project)
    output = project / "site"
    stamp = uptodate.read(project / ".impact-cache", output)
    assert stamp is not None
    listed: list[str] = []
    listdir = os.listdir

    def listing(path: str) -> list[str]:
        listed.append(path)
        return listdir(path)

    monkeypatch.setattr(os, "listdir", listing)
    assert uptodate.as_left(stamp, output)
    assert listed == [os.fspath(output)]  # the root alone, which no signature tells
    # A file added to a folder after it was seen, its signature then taken as if in the
    # same tick: trusted once settled, listed (and found) while not.
    folder = (output / LAURAGAIS_PAGE).parent
    (folder / "en-trop.html").write_text("x", "utf-8")
    rel = LAURAGAIS_PAGE.parent.as_posix()
    stat = os.lstat(folder)
    table = dataclasses.replace(stamp.output, folders={
        **stamp.output.folders, rel: (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)})
    assert uptodate.as_left(dataclasses.replace(stamp, output=table), output)
    unsettled = dataclasses.replace(table, settled_before=stat.st_ctime_ns)
    assert not uptodate.as_left(dataclasses.replace(stamp, output=unsettled), output)


def test_other_options_or_clean_rebuild(project: Path) -> None:
    run(project)
    assert run(project, "--drafts").startswith("Built ")
    assert run(project, "--drafts").startswith("Nothing changed")
    assert run(project, "--drafts", "--clean").startswith("Built ")
    assert run(project).startswith("Built ")


def settle(root: Path) -> None:
    """Age the build's stamps, as if their files had been seen long after they were last
    written: from then on a file's signature (size, times, inode) is trusted to tell its
    bytes, and only a change of signature makes it read."""
    for path in (root / ".impact-cache" / "outputs").iterdir():
        if path.suffix:  # not a stamp: the model (snapshot), the pages' reads (traces)
            continue
        stamp = pickle.loads(path.read_bytes())
        later = {name: dataclasses.replace(getattr(stamp, name), settled_before=getattr(
            stamp, name).settled_before + 3600 * 10**9) for name in ("sources", "output",
                                                                     "spare")}
        path.write_bytes(pickle.dumps(dataclasses.replace(stamp, **later)))


def same_size_and_times(path: Path) -> None:
    """Change one byte of ``path`` and put its modification time back: only its change
    time (which no program can set) tells."""
    time.sleep(0.05)  # past the file clock's tick
    before = path.stat()
    data = path.read_bytes()
    index = data.index(b"a")
    path.write_bytes(data[:index] + b"e" + data[index + 1:])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("where", [
    "monographs/pole-lauragais.md",
    "templates/base.html",
    "site/index.html",
    ".impact-cache/spare",
])
def test_a_change_that_keeps_size_and_times_is_still_seen(project: Path, where: str) -> None:
    lauragais = project / "monographs/pole-lauragais.md"
    run(project)
    edit(lauragais, "Il manquait ", "Il manquait bien ")
    run(project)  # the first site is the spare now
    settle(project)
    if where == ".impact-cache/spare":
        spare = next((project / where).iterdir())
        same_size_and_times(spare / "monographies/guadeloupe-sargasses/index.html")
        edit(lauragais, "Il manquait ", "Il manquait aussi ")
    else:
        same_size_and_times(project / where)
    assert run(project).startswith("Built ")
    build(project, "--clean", "--output", "propre")
    assert tree(project / "site") == tree(project / "propre")


def test_a_file_is_known_by_its_signature_only_once_it_has_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "monographs").mkdir()
    config = tmp_path / "impact.yaml"
    config.write_text("title: x\n", "utf-8")
    page = tmp_path / "monographs" / "a.md"
    page.write_text("un", "utf-8")
    path = os.fspath(page)
    signature = uptodate.signature(os.lstat(page))

    def seen_at(now: int, table: uptodate.Table) -> uptodate.Table:
        with monkeypatch.context() as clock:
            clock.setattr(time, "time_ns", lambda: now)
            return uptodate.inputs(config, tmp_path / "templates", tmp_path / "monographs",
                                   "", table).table

    # Seen in the tick it was written: a write in the same tick could keep its
    # signature, so it is not trusted, however often it is seen then.
    table = seen_at(signature[2], uptodate.Table())
    assert table.settled(path, signature) is None
    table = seen_at(signature[2] + uptodate.SETTLE_NS, table)
    assert table.settled(path, signature) is None
    # Seen once the clock has surely ticked past its change: trusted from then on.
    table = seen_at(signature[2] + uptodate.SETTLE_NS + 1, table)
    assert table.settled(path, signature) == uptodate.digest(b"un")
    assert table.settled(path, (signature[0] + 1, *signature[1:])) is None
    entry = table.files[path]
    assert uptodate.Table({path: entry}, entry[3]).settled(path, signature) is None
    assert uptodate.Table({path: entry}, entry[3] + 1).settled(path, signature) == entry[0]


@pytest.mark.parametrize("kind", [Monograph, Partner, Territory, Outline, Heading, Reference])
def test_every_field_of_the_model_is_pickled(kind: Any) -> None:
    # ``pickling.by_fields`` pickles the ``__init__`` arguments a dataclass matches by
    # position: a field left out of them would be lost on the way back from the cache.
    assert kind.__reduce__ is pickling.by_fields
    assert kind.__match_args__ == tuple(f.name for f in dataclasses.fields(kind))


def test_a_cache_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    """Stamps, kept models and compiled templates: a write that fails leaves the file
    as it was and nothing beside it."""
    path = tmp_path / "outputs" / "stamp"
    assert write_whole(path, lambda out: out.write(b"before"))

    def fails(out: IO[bytes]) -> None:
        out.write(b"half")
        raise ValueError("a cycle")

    assert not write_whole(path, fails, (ValueError,))
    with pytest.raises(ValueError):  # not one of the failures it was told of: a bug
        write_whole(path, fails)
    assert path.read_bytes() == b"before"
    assert [p.name for p in path.parent.iterdir()] == ["stamp"]
