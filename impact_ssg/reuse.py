"""Which pages of the last build a rebuild may keep as they stand.

Editing the text of a monograph, the most common change while writing, changes its own
page and the search data, and nothing else: every other page is made of the *frame* —
the monographs' front matter, the config, the options, the templates and the files
beside the monographs. When the frame is the one the last build had, a rebuild renders
only the pages of the monographs whose text changed, and the search index shards holding
the words that came or went (``search.update_index``); every other file is the one the
last build made (``publish`` then writes none of them).

The templates decide what a page reads, so this holds only while no page reads a body
(``monograph.rendered``, ``site.body(m)``, ``site.bodies``) but the monograph page
(``monograph.html``), and that one only its own ``monograph``'s. Each page rendered is
watched for it (``reads.Recorder.foreign``, a card or a template's top-level code
counting for every page that shows it), and each build records the pages that read
another body (``uptodate.Stamp.foreign``; a page taken from the last build is one if it
was then). While there is one, each page is rendered again when what it read changed
(``reads``), as after any other change to the monographs.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .model import EMPTY_OUTLINE, Monograph
from .plan import Output, OutputPage

OWN_PAGE = "monograph.html"


def frame(inputs_frame: str, monographs: Iterable[Monograph], versions: Mapping[str, str],
          known: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """A hash of the frame: ``uptodate.Inputs.frame`` and every monograph but its body;
    with each monograph's part, by its version (``versions``: source → version). A part
    ``known`` by version (from the last build) is not computed again: one version, one
    monograph."""
    digest = hashlib.sha256(inputs_frame.encode())
    parts: dict[str, str] = {}
    for monograph in monographs:
        version = versions[monograph.source]
        part = known.get(version)
        if part is None:
            # What a body refers to only makes errors and warnings (and their lines);
            # which files are published does not depend on it.
            front = replace(monograph, rendered=EMPTY_OUTLINE)
            part = hashlib.sha256(pickle.dumps(front, protocol=pickle.HIGHEST_PROTOCOL)
                                  ).hexdigest()
        parts[version] = part
        digest.update(part.encode())
    return digest.hexdigest(), parts


def changed(versions: Mapping[str, str], before: Mapping[str, str]) -> frozenset[str]:
    """The sources whose version is not the one they had before."""
    return frozenset(source for source, version in versions.items()
                     if before.get(source) != version)


def kept(outputs: Iterable[Output], changed_sources: frozenset[str],
         unchanged_data: Iterable[str]) -> frozenset[str]:
    """The routes whose bytes may be taken from the last build when only the bodies of
    ``changed_sources`` changed: every page but theirs, and the data files in
    ``unchanged_data`` (those the change leaves as they were). Copies are made again."""
    routes = set(unchanged_data)
    for output in outputs:
        if isinstance(output, OutputPage):
            monograph = output.context.get("monograph") if output.template == OWN_PAGE else None
            if not (isinstance(monograph, Monograph) and monograph.source in changed_sources):
                routes.add(output.route)
    return frozenset(routes)
