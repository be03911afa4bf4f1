"""The build cache: an incremental build equals a clean one byte for byte, whatever
changed, and a corrupt or foreign cache entry never makes a wrong site."""

from __future__ import annotations

import hashlib
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from impact_ssg import cache
from impact_ssg.cache import BuildCache

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
    ("delete", delete),
    ("rename", rename),
    ("draft published", lambda r: edit(r / "monographs/epicerie-etudiante-rennes.md",
                                       "draft: true", "draft: false")),
]


@pytest.mark.parametrize("change", [c[1] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_an_incremental_build_equals_a_clean_one(
    project: Path, change: Callable[[Path], None]
) -> None:
    build(project)
    assert any((project / ".impact-cache").rglob("*"))
    change(project)
    assert_same_as_clean(project)


def test_a_corrupt_or_swapped_cache_never_makes_a_wrong_site(project: Path) -> None:
    build(project)
    entries = sorted(p for p in (project / ".impact-cache").glob("??/*") if p.is_file())
    assert len(entries) == 16
    # Swap two valid entries, truncate one, fill one with garbage.
    first, second = entries[0].read_bytes(), entries[1].read_bytes()
    entries[0].write_bytes(second)
    entries[1].write_bytes(first)
    entries[2].write_bytes(entries[2].read_bytes()[:100])
    entries[3].write_bytes(b"not a pickle")
    entries[4].write_bytes(pickle.dumps({"slug": "faux"}))
    assert_same_as_clean(project)


def test_unused_entries_are_removed(project: Path) -> None:
    build(project)
    before = {p.name for p in (project / ".impact-cache").glob("??/*") if p.is_file()}
    edit(project / "monographs/pole-lauragais.md", "relie maraîchers", "relie les maraîchers")
    build(project)
    after = {p.name for p in (project / ".impact-cache").glob("??/*") if p.is_file()}
    assert len(after) == len(before) == 16 and after != before


def test_the_key_covers_code_settings_path_and_bytes(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    base = BuildCache(tmp_path, b"config")
    key = base.key("monographs/a.md", b"text")
    assert key != base.key("monographs/a.md", b"text!")
    assert key != base.key("monographs/b.md", b"text")
    assert key != BuildCache(tmp_path, b"config2").key("monographs/a.md", b"text")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version")
    assert key != BuildCache(tmp_path, b"config").key("monographs/a.md", b"text")


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


@pytest.mark.parametrize("change", [
    lambda r: (r / "site" / "index.html").write_text("touché", "utf-8"),
    lambda r: (r / "site" / "feed.xml").unlink(),
    lambda r: (r / "site" / "en-trop.html").write_text("x", "utf-8"),
    lambda r: edit(r / "templates/static/style.css", "--accent: #0b5563", "--accent: #0b5564"),
    lambda r: (r / "monographs" / "images" / "nouveau.png").write_bytes(b"png"),
], ids=["page edited", "file removed", "file added", "static file", "asset added"])
def test_any_change_to_inputs_or_output_rebuilds(
    project: Path, change: Callable[[Path], object]
) -> None:
    run(project)
    change(project)
    assert run(project).startswith("Built ")
    assert_same_as_clean(project)


def test_other_options_or_clean_rebuild(project: Path) -> None:
    run(project)
    assert run(project, "--drafts").startswith("Built ")
    assert run(project, "--drafts").startswith("Nothing changed")
    assert run(project, "--drafts", "--clean").startswith("Built ")
    assert run(project).startswith("Built ")
