"""``new "Titre"``: write ``<source>/<slug>.md`` with every field ready to fill.

The file is a draft that passes validation as written, so a build keeps working while
it is being filled; comments list the values each vocabulary field accepts. It never
overwrites a file and never writes outside the source folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
from pathlib import Path

from .config import Config
from .errors import UsageError
from .slug import nfc, slugify
from .source import FENCE, MAX_FILE_BYTES, discover
from .vocabulary import Vocabulary

SUMMARY = "À compléter : deux phrases qui disent l’essentiel de l’alliance."
"""The summary ``new`` writes: a published monograph may not keep it."""


def _choices(vocabulary: Vocabulary) -> str:
    return ", ".join(e.id for e in vocabulary.entries)


def scaffold(title: str, config: Config, today: dt.date) -> str:
    """The text of a new monograph titled ``title``."""
    quoted = json.dumps(nfc(title), ensure_ascii=False)  # a JSON string is YAML too
    return f"""---
title: {quoted}
date: {today.isoformat()}
summary: {json.dumps(SUMMARY, ensure_ascii=False)}
# One id or a list, among: {_choices(config.networks)}
network: {config.networks.entries[0].id}
# One id or a list, among: {_choices(config.alliance_types)}
alliance_type: {config.alliance_types.entries[0].id}
# department: name or INSEE code ("31"); region: one of the 18 regions; commune needs a
# department; country: for a territory outside France. Several: a list of mappings.
territory:
  country: France
# Among: {_choices(config.stakeholders)}
stakeholders: [{config.stakeholders.entries[0].id}]
partners: []
#  - name: Nom de l’organisation
#    stakeholder: association
#    url: https://www.example.org
themes: []
authors: []
# slug: {file_slug(title)}
# updated: {today.isoformat()}
draft: true
---

## Le contexte

## L’alliance

## Ce qui a changé

## Les enseignements
"""


MAX_SLUG = 80


def file_slug(title: str) -> str:
    """The file name's slug: the title's, cut at a word boundary to stay short."""
    slug = slugify(title)
    if len(slug) > MAX_SLUG:
        slug = slug[: MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] \
            else slug[:MAX_SLUG]
    return slug


_SLUG_LINE = re.compile(r"""slug:[ \t]*(["']?)([a-z0-9-]+)\1[ \t]*(?:#.*)?""")


def _slugs_in_use(source: Path) -> dict[str, str]:
    """The slugs of the monographs under ``source`` (slug → file as messages show it):
    each file's name's, or the one a ``slug:`` line of its front matter sets (a glance at
    the lines, not a YAML reading: ``check`` says the rest)."""
    found: dict[str, str] = {}
    for monograph in discover(source).monographs:
        try:
            with open(monograph.location, encoding="utf-8-sig", errors="replace") as file:
                lines = file.read(MAX_FILE_BYTES).splitlines()
        except OSError:
            continue
        written = None
        if lines and lines[0].rstrip() == FENCE:
            for line in lines[1:]:
                if line.rstrip() == FENCE:
                    break
                if match := _SLUG_LINE.fullmatch(line):
                    written = match.group(2)
        stem = posixpath.splitext(posixpath.basename(monograph.rel))[0]
        found.setdefault(written or slugify(stem), monograph.display)
    return found


def create(title: str, source: Path, config: Config, today: dt.date | None = None) -> Path:
    """Write the new monograph and return its path; raises ``UsageError`` if it exists."""
    slug = file_slug(title)
    if not slug:
        raise UsageError(f"'{title}' gives no usable file name; use a title with letters")
    if source.is_symlink():
        raise UsageError(f"{source.as_posix()}: is a symbolic link; impact-ssg never writes "
                         "through links")
    if source.exists() and not source.is_dir():
        raise UsageError(f"{source.as_posix()}: is a file, not a folder; pass --source with "
                         "the folder of monographs")
    try:
        source.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{source.as_posix()}: cannot create it ({error.strerror})") from None
    path = source / f"{slug}.md"
    holder = _slugs_in_use(source).get(slug)
    if holder is not None and Path(holder) != path:
        raise UsageError(f"'{slug}' is already the slug of {holder}; choose another title "
                         "(the new file takes its name, and its address, from it)")
    text = scaffold(title, config, today or dt.date.today())
    try:
        # O_EXCL: refuse an existing file, a dangling link included, without a race.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise UsageError(f"{path.as_posix()}: already exists; edit it, or choose another "
                         "title") from None
    except OSError as error:
        raise UsageError(f"{path.as_posix()}: cannot write it ({error.strerror})") from None
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    return path
