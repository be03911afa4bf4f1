"""Random sequences of edits: after every step of any interleaving, an incremental build
gives the site a ``--clean`` build of the same inputs gives, byte for byte.

``test_cache`` tries each change once, from a fresh build, and ``test_spare`` all of them
in one fixed order. Here a seeded random walk over the shipped examples mixes text edits
(which accumulate in the edits layer of the pages' traces and are answered from the kept
model), front-matter edits, reverts of the last step, the same monograph edited again and
again, drafts switched on and off, monographs deleted, renamed, added and put back,
template, stylesheet and config tweaks (one makes every card read its monograph's
outline, so that lists read bodies not their own), builds with ``--drafts`` and without
in turn (as ``serve`` and ``build``), builds that fail and leave ``site/`` as it was, and
builds with nothing to do. After each step the project is built as a user
builds it (a process of its own) and compared with a ``--clean`` build into another
folder; a mismatch names the seed, the steps so far and the files that differ, with a
diff of the first ones.

``IMPACT_SEQUENCE_SEEDS`` (a count ``N`` for seeds 0 to N-1, a range ``A..B``, or a list
``A,B``) and ``IMPACT_SEQUENCE_STEPS`` (steps per seed) make a longer hunt:
``IMPACT_SEQUENCE_SEEDS=40 IMPACT_SEQUENCE_STEPS=25 python -m pytest tests/test_sequences.py``.
"""

from __future__ import annotations

import difflib
import os
import random
import re
import string
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_cache import project, settle, tree

__all__ = ["project"]  # the fixture, shared with the cache tests


def _seeds() -> list[int]:
    text = os.environ.get("IMPACT_SEQUENCE_SEEDS", "3").strip()
    if ".." in text:
        first, last = text.split("..")
        return list(range(int(first), int(last) + 1))
    if "," in text:
        return [int(seed) for seed in text.split(",") if seed.strip()]
    return list(range(int(text)))


STEPS = int(os.environ.get("IMPACT_SEQUENCE_STEPS", "7"))

WORDS = ["maraîchers", "cantines", "mécénat", "coopérative", "numérique", "sargasses",
         "insertion", "légumerie", "territoire", "alliance", "forêt", "santé", "jeunesse"]
PREFIXES = ["zor", "qua", "mel", "bri", "vou", "kel", "xyl", "can"]  # new or known shards
THEMES = ["cantines", "Emploi", "numérique", "Économie circulaire", "mer", "théâtre",
          "circuits-courts"]
PARTNERS = [("Menuiserie Dubreuil", "pme"), ("menuiserie dubreuil", "pme"),
            ("Fondation Terres d’Avenir", "fondation"), ("Coopérative Nouvelle Vague", "pme"),
            ("Université du Littoral", "universite")]
NETWORKS = ["ANPP", "METI", "RNMA", "[METI, RNMA]", "[ANPP, RNMA]"]
TERRITORIES = [
    '  department: "31"\n  commune: Toulouse\n',
    '  department: "11"\n',
    '  department: Haute-Garonne\n  commune: toulouse\n',
    '  department: "35"\n  commune: Rennes\n',
    "  country: Maroc\n  commune: Agadir\n",
    "  region: Bretagne\n",
    '  - department: "29"\n    commune: Brest\n  - department: "974"\n',
]
LINK = re.compile(r"\]\(([^()\s#]+\.md)(#[^()\s]*)?\)")


@dataclass
class Walk:
    """A project on disk and the steps taken on it, each undoable in turn."""

    root: Path
    seed: int
    rng: random.Random
    steps: list[str] = field(default_factory=list)
    # Per step: each path it touched, with its bytes before (None: it did not exist).
    undo: list[tuple[str, dict[Path, bytes | None]]] = field(default_factory=list)
    touched: dict[Path, bytes | None] = field(default_factory=dict)
    last: Path | None = None  # the monograph edited last, likelier to be edited again
    count: int = 0
    drafts: bool = False  # built with --drafts, as serve builds, or without, as build

    def options(self) -> list[str]:
        return ["--drafts"] if self.drafts else []

    def fresh(self) -> int:
        self.count += 1
        return self.count

    def monographs(self) -> list[Path]:
        return sorted(p for p in (self.root / "monographs").rglob("*.md")
                      if not any(part.startswith(("_", "."))
                                 for part in p.relative_to(self.root).parts))

    def monograph(self) -> Path:
        """A monograph, the one edited last every other time."""
        if self.last is not None and self.last.exists() and self.rng.random() < 0.5:
            return self.last
        self.last = self.rng.choice(self.monographs())
        return self.last

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def keep(self, path: Path) -> None:
        if path not in self.touched:
            self.touched[path] = path.read_bytes() if path.exists() else None

    def write(self, path: Path, text: str) -> None:
        self.keep(path)
        path.write_text(text, "utf-8")

    def remove(self, path: Path) -> None:
        self.keep(path)
        path.unlink()

    def restore(self, files: dict[Path, bytes | None]) -> None:
        for path, data in files.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)

    def sentence(self) -> str:
        n = self.fresh()
        new = self.rng.choice(PREFIXES) + "".join(
            self.rng.choice(string.ascii_lowercase) for _ in range(5))
        known = " ".join(self.rng.sample(WORDS, 2))
        return f"Ajout {n} : {known} et {new}."


Step = Callable[[Walk], str | None]


def _split(text: str) -> tuple[str, str]:
    end = text.index("\n---\n", 4) + 5
    return text[:end], text[end:]


def _paragraphs(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line[:1].isalpha() or line.startswith("«")]


# Text edits: the front matter, and so the frame, stays as it was.

def add_sentence(walk: Walk) -> str:
    path = walk.monograph()
    front, body = _split(path.read_text("utf-8"))
    lines = body.split("\n")
    i = walk.rng.choice(_paragraphs(lines))
    lines[i] += " " + walk.sentence()
    walk.write(path, front + "\n".join(lines))
    return f"text: a sentence in paragraph {i} of {walk.name(path)}"


def add_heading(walk: Walk) -> str:
    path = walk.monograph()
    front, body = _split(path.read_text("utf-8"))
    lines = body.split("\n")
    at = walk.rng.choice([i for i, line in enumerate(lines) if line.startswith("## ")]
                         + [len(lines)])
    lines[at:at] = [f"## Partie ajoutée {walk.fresh()}", "", walk.sentence(), ""]
    walk.write(path, front + "\n".join(lines))
    return f"text: a section at line {at} of the body of {walk.name(path)}"


def add_link(walk: Walk) -> str | None:
    path = walk.monograph()
    others = [p for p in walk.monographs() if p != path]
    if not others:
        return None
    target = walk.rng.choice(others)
    anchor = walk.rng.choice(["", "", "#le-contexte"])
    rel = Path(os.path.relpath(target, path.parent)).as_posix()
    front, body = _split(path.read_text("utf-8"))
    lines = body.split("\n")
    i = walk.rng.choice(_paragraphs(lines))
    lines[i] += f" Voir aussi [une autre alliance]({rel}{anchor})."
    walk.write(path, front + "\n".join(lines))
    return f"text: a link to {rel}{anchor} in paragraph {i} of {walk.name(path)}"


def drop_paragraph(walk: Walk) -> str | None:
    path = walk.monograph()
    front, body = _split(path.read_text("utf-8"))
    lines = body.split("\n")
    paragraphs = _paragraphs(lines)
    if len(paragraphs) < 3:
        return None
    i = walk.rng.choice(paragraphs)
    del lines[i]
    walk.write(path, front + "\n".join(lines))
    return f"text: paragraph {i} of {walk.name(path)} deleted"


# Front-matter edits.

def _front_edit(walk: Walk, what: str,
                change: Callable[[Walk, list[str]], str | None]) -> str | None:
    path = walk.monograph()
    front, body = _split(path.read_text("utf-8"))
    lines = front.split("\n")
    said = change(walk, lines)
    if said is None:
        return None
    walk.write(path, "\n".join(lines) + body)
    return f"{what} of {walk.name(path)}: {said}"


def _line(lines: list[str], key: str) -> int | None:
    return next((i for i, line in enumerate(lines) if line.startswith(key + ":")), None)


def _title(walk: Walk, lines: list[str]) -> str:
    i = _line(lines, "title")
    assert i is not None
    if lines[i].startswith('title: "Nouveau : '):
        lines[i] = lines[i].replace('title: "Nouveau : ', 'title: "', 1)
        return "prefix removed"
    lines[i] = lines[i].replace('title: "', 'title: "Nouveau : ', 1)
    return "prefix added"


def _summary(walk: Walk, lines: list[str]) -> str:
    i = _line(lines, "summary")
    assert i is not None
    if lines[i].endswith(' Mise à jour."'):
        lines[i] = lines[i].removesuffix(' Mise à jour."') + '"'
        return "sentence removed"
    lines[i] = lines[i].removesuffix('"') + ' Mise à jour."'
    return "sentence added"


def _draft(walk: Walk, lines: list[str]) -> str:
    i = _line(lines, "draft")
    if i is None:
        lines.insert(len(lines) - 2, "draft: true")
        return "draft: true added"
    lines[i] = "draft: false" if lines[i] == "draft: true" else "draft: true"
    return lines[i]


def _theme(walk: Walk, lines: list[str]) -> str | None:
    i = _line(lines, "themes")
    if i is None or not lines[i].endswith("]"):
        return None
    themes = [t.strip() for t in lines[i][len("themes: ["):-1].split(",")]
    if len(themes) > 1 and walk.rng.random() < 0.4:
        gone = themes.pop(walk.rng.randrange(len(themes)))
        said = f"theme {gone!r} removed"
    else:
        have = {_same(t) for t in themes}  # a theme listed twice, spelt otherwise, is wrong
        new = walk.rng.choice([t for t in THEMES if _same(t) not in have] or ["nouveau"])
        themes.insert(walk.rng.randrange(len(themes) + 1), new)
        said = f"theme {new!r} added"
    lines[i] = "themes: [" + ", ".join(themes) + "]"
    return said


def _same(value: str) -> str:
    """A value as values are compared: ignoring case, accents, spaces and hyphens."""
    plain = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in plain if c.isalnum())


def _date(walk: Walk, lines: list[str]) -> str:
    i = _line(lines, "date")
    assert i is not None
    updated = _line(lines, "updated")
    last = int(lines[updated][len("updated: "):][:4]) - 1 if updated is not None else 2026
    day = (f"{walk.rng.randint(2015, last)}-{walk.rng.randint(1, 12):02}"
           f"-{walk.rng.randint(1, 28):02}")
    lines[i] = f"date: {day}"
    return lines[i]


def _network(walk: Walk, lines: list[str]) -> str:
    i = _line(lines, "network")
    assert i is not None
    lines[i] = "network: " + walk.rng.choice(
        [n for n in NETWORKS if f"network: {n}" != lines[i]])
    return lines[i]


def _territory(walk: Walk, lines: list[str]) -> str:
    i = _line(lines, "territory")
    assert i is not None
    end = i + 1
    while lines[end].startswith("  "):
        end += 1
    block = walk.rng.choice(TERRITORIES)
    lines[i + 1:end] = block.rstrip("\n").split("\n")
    return "territory " + " ".join(block.split())


def _partner(walk: Walk, lines: list[str]) -> str | None:
    i = _line(lines, "partners")
    if i is None:
        return None
    end = i + 1
    while lines[end].startswith("  "):
        end += 1
    starts = [j for j in range(i + 1, end) if lines[j].startswith("  - ")]
    if len(starts) > 1 and walk.rng.random() < 0.4:
        k = walk.rng.randrange(len(starts))
        stop = starts[k + 1] if k + 1 < len(starts) else end
        said = f"partner {lines[starts[k]].strip()!r} removed"
        del lines[starts[k]:stop]
        return said
    present = "\n".join(lines[i:end]).lower()
    choices = [p for p in PARTNERS if p[0].lower() not in present]
    if not choices:
        return None
    name, category = walk.rng.choice(choices)
    lines[end:end] = [f"  - name: {name}", f"    stakeholder: {category}"]
    return f"partner {name!r} added"


def _slug(walk: Walk, lines: list[str]) -> str | None:
    i = _line(lines, "slug")
    if i is not None:
        del lines[i]
        return "slug removed"
    title = _line(lines, "title")
    assert title is not None
    n = walk.fresh()
    lines.insert(title + 1, f"slug: autre-adresse-{n}")
    return f"slug: autre-adresse-{n}"


def front_matter(what: str, change: Callable[[Walk, list[str]], str | None]) -> Step:
    return lambda walk: _front_edit(walk, what, change)


# Files added, deleted, renamed beside the others.

def _relink(walk: Walk, old: Path, new: Path | None) -> int:
    """Point the links to ``old`` at ``new``, or at a web page with no ``new``."""
    count = 0
    for path in walk.monographs():
        text = path.read_text("utf-8")

        def point(match: re.Match[str], path: Path = path) -> str:
            nonlocal count
            if Path(os.path.normpath(path.parent / match[1])) != old:
                return match[0]
            count += 1
            if new is None:
                return "](https://example.org)"
            return f"]({Path(os.path.relpath(new, path.parent)).as_posix()}{match[2] or ''})"

        changed = LINK.sub(point, text)
        if changed != text:
            walk.write(path, changed)
    return count


def delete_monograph(walk: Walk) -> str | None:
    if len(walk.monographs()) < 8:
        return None
    path = walk.rng.choice(walk.monographs())
    walk.remove(path)
    links = _relink(walk, path, None)
    return f"file: {walk.name(path)} deleted, {links} links to it pointed elsewhere"


def rename_monograph(walk: Walk) -> str | None:
    path = walk.rng.choice(walk.monographs())
    new = path.with_name(f"{path.stem}-{walk.fresh()}.md")
    walk.keep(path)
    walk.keep(new)
    path.rename(new)
    links = _relink(walk, path, new)
    walk.last = new
    return f"file: {walk.name(path)} renamed {new.name}, {links} links to it followed"


def add_monograph(walk: Walk) -> str:
    n = walk.fresh()
    path = walk.root / "monographs" / f"nouvelle-{n}.md"
    target = walk.rng.choice(walk.monographs())
    rel = target.relative_to(walk.root / "monographs").as_posix()
    walk.write(path, f"""\
---
title: "Une alliance ajoutée, la {n}e"
date: 2025-0{walk.rng.randint(1, 9)}-1{walk.rng.randint(0, 9)}
summary: "Une alliance écrite pendant la séquence, pour voir les listes changer."
network: RNMA
alliance_type: mecenat
territory:
  department: "35"
  commune: Rennes
stakeholders: [association, pme]
themes: [jeunesse, {walk.rng.choice(THEMES)}]
---
## Le contexte

{walk.sentence()} Voir [une autre alliance]({rel}).

## L’alliance

{walk.sentence()}
""")
    walk.last = path
    return f"file: {walk.name(path)} added, linking to {rel}"


def add_file(walk: Walk) -> str:
    path = walk.root / "monographs" / "images" / f"note-{walk.fresh()}.txt"
    walk.write(path, "des notes\n")
    return f"file: {walk.name(path)} added beside the monographs"


# Templates, stylesheet, config: every page is rendered again.

def _toggle(walk: Walk, name: str, one: str, other: str) -> str:
    path = walk.root / name
    text = path.read_text("utf-8")
    old, new = (other, one) if other in text else (one, other)  # ``other`` may hold ``one``
    assert old in text, (name, old)
    walk.write(path, text.replace(old, new, 1))
    return f"{name}: {old!r} -> {new!r}"


def template_words(walk: Walk) -> str:
    return _toggle(walk, "templates/monograph.html", "En bref", "L’essentiel")


CARD = '  <p class="card-summary">{{ m.summary|fr }}</p>\n'
OUTLINE = '  <p class="card-toc">{{ m.rendered.toc|length }} parties</p>\n'


def cards_read_outlines(walk: Walk) -> str:
    """Every card shows its monograph's number of headings: lists read bodies."""
    return _toggle(walk, "templates/_macros.html", CARD, CARD + OUTLINE)


def stylesheet(walk: Walk) -> str:
    return _toggle(walk, "templates/static/style.css", "--accent: #0b5563",
                   "--accent: #0b5564")


def config(walk: Walk) -> str:
    return _toggle(walk, "impact.yaml", "label: Mécénat\n", "label: Mécénat d’entreprise\n")


# Steps outside the edits: undo the last one, build with nothing changed.

def revert(walk: Walk) -> str | None:
    if not walk.undo:
        return None
    said, files = walk.undo.pop()
    walk.restore(files)
    return f"revert ({said})"


def switch_drafts(walk: Walk) -> str:
    walk.drafts = not walk.drafts
    return "built with --drafts from now on" if walk.drafts else "built without --drafts"


def touch(walk: Walk) -> str:
    path = walk.rng.choice(walk.monographs())
    path.touch()
    return f"nothing: {walk.name(path)} touched"


STEPS_AND_WEIGHTS: list[tuple[Step, int]] = [
    (add_sentence, 14), (add_heading, 5), (add_link, 4), (drop_paragraph, 3),
    (front_matter("title", _title), 5), (front_matter("summary", _summary), 2),
    (front_matter("draft", _draft), 4), (front_matter("themes", _theme), 3),
    (front_matter("date", _date), 2), (front_matter("network", _network), 2),
    (front_matter("territory", _territory), 2), (front_matter("partners", _partner), 3),
    (front_matter("slug", _slug), 2),
    (delete_monograph, 2), (rename_monograph, 1), (add_monograph, 2), (add_file, 1),
    (template_words, 1), (cards_read_outlines, 2), (stylesheet, 1), (config, 1),
    (revert, 8), (touch, 1), (switch_drafts, 3),
]
FAILING = 4  # weight of a step whose build fails, then fixed


def _build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet", *args],
                          cwd=root, capture_output=True, text=True, check=False)


def _breakage(walk: Walk) -> tuple[str, int]:
    """A change the build refuses (in a body, a front matter or a template) and the exit
    status it is refused with."""
    kind = walk.rng.choice(["body", "front matter", "template"])
    if kind == "template":
        path = walk.root / "templates/monograph.html"
        text = path.read_text("utf-8")
        walk.write(path, text.replace("{{ monograph.title|fr }}</h1>",
                                      "{{ monograph.titel|fr }}</h1>", 1))
        return "template: a name the model does not have", 2
    path = walk.monograph()
    front, body = _split(path.read_text("utf-8"))
    if kind == "body":
        walk.write(path, front + body.replace("\n\n", "\n\nVoir [rien](nulle-part.md).", 1))
    else:
        walk.write(path, front.replace("\n---\n", "\ntitre: oublié\n---\n", 1) + body)
    return f"{kind} of {walk.name(path)}: an error", 1


def _failing(walk: Walk) -> str:
    """Break, see the build fail and leave the site as it was, then mend (maybe with a
    text edit on top)."""
    before = tree(walk.root / "site")
    said, status = _breakage(walk)
    result = _build(walk.root, *walk.options())
    assert result.returncode == status, _report(walk, f"{said}: exit {result.returncode}\n"
                                           f"{result.stderr}")
    assert tree(walk.root / "site") == before, _report(walk, f"{said}: site changed")
    walk.restore(walk.touched)
    walk.touched.clear()
    if walk.rng.random() < 0.5:
        return f"failed build ({said}), mended, then {add_sentence(walk)}"
    return f"failed build ({said}), mended"


def _report(walk: Walk, what: str) -> str:
    steps = "\n".join(f"  {i}. {step}" for i, step in enumerate(walk.steps, 1))
    return f"seed {walk.seed}, after the steps:\n{steps}\n{what}"


def _difference(site: Path, clean: Path) -> str:
    mine, theirs = tree(site), tree(clean)
    differ = sorted(name for name in mine.keys() & theirs.keys()
                    if mine[name] != theirs[name])
    lines = [f"only in the incremental site: {sorted(mine.keys() - theirs.keys())}",
             f"only in the clean site: {sorted(theirs.keys() - mine.keys())}",
             f"different: {differ}"]
    for name in differ[:3]:
        diff = difflib.unified_diff(
            (clean / name).read_text("utf-8", "replace").splitlines(),
            (site / name).read_text("utf-8", "replace").splitlines(),
            f"clean/{name}", f"incremental/{name}", n=1, lineterm="")
        lines.extend(line[:400] for line in list(diff)[:40])
    return "\n".join(lines)


def _step(walk: Walk) -> str:
    steps = [_failing, *(step for step, _ in STEPS_AND_WEIGHTS)]
    weights = [FAILING, *(weight for _, weight in STEPS_AND_WEIGHTS)]
    while True:
        said = walk.rng.choices(steps, weights)[0](walk)
        if said is not None:
            return said
        walk.restore(walk.touched)  # a step that found nothing to do undoes its writes
        walk.touched.clear()


@pytest.mark.parametrize("seed", _seeds())
def test_any_sequence_of_edits_gives_the_clean_site_after_each_build(
    project: Path, seed: int
) -> None:
    """Each step of a seeded walk, then an incremental build: the site is the one a
    ``--clean`` build of the same inputs makes, byte for byte."""
    walk = Walk(project, seed, random.Random(seed))
    result = _build(project)
    assert result.returncode == 0, result.stderr
    for _ in range(STEPS):
        settled = walk.rng.random() < 0.25
        if settled:
            settle(project)  # the last build's stamps aged: signatures trusted
        said = _step(walk)
        walk.steps.append(("(settled) " if settled else "") + said)
        if walk.touched and not said.startswith("revert"):
            walk.undo.append((said, dict(walk.touched)))
        walk.touched.clear()
        result = _build(project, *walk.options())
        assert result.returncode == 0, _report(walk, f"the build failed:\n{result.stderr}")
        result = _build(project, "--clean", "--output", "propre", *walk.options())
        assert result.returncode == 0, _report(walk, f"the clean build failed:\n"
                                                     f"{result.stderr}")
        if tree(project / "site") != tree(project / "propre"):
            pytest.fail(_report(walk, _difference(project / "site", project / "propre")))
