"""The pipeline, named once in the order it runs.

    discover → parse → validate → crosscheck → index → plan → render → publish

``load`` runs the stages up to the finished, checked corpus and raises
``InvalidContent`` with every error found in every file; ``check`` is ``load`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config
from .crosscheck import crosscheck
from .errors import ContentError, ContentWarning, InvalidContent, UsageError
from .markdown import make_parser
from .model import Monograph
from .schema import validate
from .source import SourceFile, discover, read_document


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line asks for (SPEC §3)."""

    config: Path = Path("impact.yaml")
    source: Path = Path("monographs")
    output: Path = Path("site")
    drafts: bool = False
    base_url: str | None = None
    jobs: int | None = None
    clean: bool = False
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every monograph validated and cross-checked, with the files beside them."""

    config: Config
    monographs: tuple[Monograph, ...]
    """All valid monographs in source order, drafts included."""
    assets: tuple[SourceFile, ...]
    warnings: tuple[ContentWarning, ...]


def load_settings(options: Options) -> Config:
    """The config with command-line overrides; raises ``UsageError``/``ConfigError``."""
    config = load_config(options.config)
    return config.with_base_url(options.base_url) if options.base_url else config


def load(options: Options) -> Corpus:
    """discover → parse → validate → crosscheck; raises ``InvalidContent`` with all errors."""
    config = load_settings(options)
    if not options.source.is_dir():
        raise UsageError(f"{options.source.as_posix()}: no such folder; run from the project "
                         "root or pass --source DIR")
    found = discover(options.source)
    errors: list[ContentError] = list(found.errors)
    parser = make_parser(config.allow_html)
    monographs: list[Monograph] = []
    for source in found.monographs:
        raw = read_document(source)
        if isinstance(raw, list):
            errors.extend(raw)
            continue
        result = validate(raw, config, parser)
        if isinstance(result, list):
            errors.extend(result)
        else:
            monographs.append(result)
    valid = {m.source for m in monographs}
    others = [f.rel for f in (*found.assets, *found.monographs) if f.rel not in valid]
    cross_errors, warnings = crosscheck(
        monographs, others, options.source.as_posix().rstrip("/"), drafts=options.drafts)
    errors.extend(cross_errors)
    if errors:
        raise InvalidContent(errors)
    return Corpus(config, tuple(monographs), found.assets, tuple(sorted(warnings)))
