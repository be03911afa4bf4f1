"""Shared fixtures: a project folder on disk with a config and monograph files."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from impact_ssg.pipeline import Corpus, Options, build, load

pytest_plugins = ["tests.browser_fixtures"]

# Property and fuzz tests try the same inputs on every run and every machine (a failure in
# CI reproduces anywhere); their sizes are set per test. ``--hypothesis-profile=explore``
# draws new inputs each run, to hunt for new counter-examples.
settings.register_profile("default", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl+C reaches the processes tests start, even when the suite itself was started
    with SIGINT ignored (``cmd &`` in a script, a shell without job control): an ignored
    signal stays ignored in every child, where the tests of Ctrl+C would wait for ever."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


ROOT = Path(__file__).resolve().parent.parent

VALID = """\
---
title: "Un pôle territorial fédère entreprises et associations"
date: 2026-10-16
summary: "Deux phrases qui disent l'essentiel. La seconde aussi."
network: ANPP
alliance_type: innovation-societale
territory:
  department: "31"
  commune: Toulouse
stakeholders: [association, eti]
---
Un corps de texte.
"""

Files = dict[str, str | bytes]


@pytest.fixture
def project(tmp_path: Path) -> Callable[[Files], Path]:
    """Write ``files`` (path → text or bytes) under ``tmp_path/monographs`` with the shipped
    ``impact.yaml``; return the project folder."""

    def make(files: Files) -> Path:
        shutil.copy(ROOT / "impact.yaml", tmp_path / "impact.yaml")
        source = tmp_path / "monographs"
        source.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = source / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
        return tmp_path

    return make


def build_examples(factory: pytest.TempPathFactory, name: str, drafts: bool = False,
                   base_url: str | None = None) -> Path:
    """The shipped examples built into a fresh temporary folder; returns the site."""
    output = factory.mktemp(name) / "site"
    build(Options(config=ROOT / "impact.yaml", source=ROOT / "monographs", output=output,
                  drafts=drafts, base_url=base_url, quiet=True))
    return output


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The shipped examples, validated: what the built pages are checked against."""
    return load(Options(config=ROOT / "impact.yaml", source=ROOT / "monographs"))


@pytest.fixture(scope="session")
def examples_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped examples built as they ship (base_url '/', no drafts)."""
    return build_examples(tmp_path_factory, "examples")
