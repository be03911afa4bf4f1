"""The site config (``impact.yaml``) → a frozen ``Config``.

Every key is optional; vocabularies left out take the shipped defaults (SPEC §2).
Problems are collected and raised once as ``ConfigError`` (exit status 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError, ContentError, UsageError, shown
from .fields import Fields
from .slug import fold
from .vocabulary import Vocabulary, VocabularyEntry
from .yamltree import Mapping, Sequence, YamlError, parse

_E = VocabularyEntry
DEFAULT_NETWORKS = (
    _E("METI", "METI — Mouvement des entreprises de taille intermédiaire"),
    _E("RNMA", "RNMA — Réseau national des maisons des associations"),
    _E("ANPP", "ANPP — Association nationale des pôles territoriaux et des pays"),
)
DEFAULT_STAKEHOLDERS = (
    _E("grande-entreprise", "Grande entreprise"),
    _E("eti", "Entreprise de taille intermédiaire"),
    _E("pme", "PME et TPE"),
    _E("association", "Association"),
    _E("fondation", "Fondation"),
    _E("collectivite", "Collectivité territoriale"),
    _E("institution", "Institution publique"),
    _E("universite", "Université et recherche"),
    _E("citoyens", "Citoyens"),
)
DEFAULT_ALLIANCE_TYPES = (
    _E("mecenat", "Mécénat"),
    _E("pratiques-responsables", "Pratiques responsables"),
    _E("cooperation-economique", "Coopération économique"),
    _E("innovation-societale", "Innovation sociétale"),
    _E("co-construction-territoriale", "Co-construction territoriale"),
)
# config key → (noun used in messages, shipped default)
VOCABULARIES = {
    "networks": ("network", DEFAULT_NETWORKS),
    "stakeholders": ("stakeholder category", DEFAULT_STAKEHOLDERS),
    "alliance_types": ("alliance type", DEFAULT_ALLIANCE_TYPES),
}
_DEFAULTS = {key: Vocabulary(key, noun, entries) for key, (noun, entries) in VOCABULARIES.items()}
_KEYS = ("title", "description", "base_url", "language", "allow_html", *VOCABULARIES)
_ENTRY_KEYS = ("id", "label", "aliases", "description")
_ID = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Config:
    """Site-wide settings and the three vocabularies."""

    title: str = "Monographies de pratiques"
    description: str = ""
    base_url: str = "/"
    """Always ends with ``/``; a path (``/impact/``) or an absolute http(s) URL."""
    language: str = "fr"
    allow_html: bool = False
    networks: Vocabulary = _DEFAULTS["networks"]
    stakeholders: Vocabulary = _DEFAULTS["stakeholders"]
    alliance_types: Vocabulary = _DEFAULTS["alliance_types"]

    @property
    def base_is_absolute(self) -> bool:
        """Whether ``base_url`` carries a scheme and host (needed for feed and sitemap)."""
        return "://" in self.base_url

    def with_base_url(self, base_url: str) -> Config:
        """This config with ``base_url`` replaced (``--base-url``); raises ``UsageError``."""
        normalised, problem = normalise_base_url(base_url)
        if problem:
            raise UsageError(f"--base-url: {problem}")
        return replace(self, base_url=normalised)


# What a base URL may hold, so that it can be written into pages as it is.
_URL_SAFE = re.compile(r"^[A-Za-z0-9\-._~/:]*$")


def normalise_base_url(value: str) -> tuple[str, str | None]:
    """``value`` with a trailing ``/``, or an error message."""
    if "?" in value or "#" in value:
        return value, f"{shown(value)} must not carry a query or fragment"
    if not _URL_SAFE.fullmatch(value):
        return value, (f"{shown(value)} may hold only ASCII letters, digits and '-._~/:' "
                       "(no spaces, accents or quotes)")
    parts = urlsplit(value)
    if parts.scheme:
        try:
            parts.port  # noqa: B018 - raises on a port out of range
        except ValueError:
            return value, f"{shown(value)} has an invalid port"
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return value, f"{shown(value)} must be a path such as '/impact/' or an http(s) URL"
    elif not value.startswith("/") or value.startswith("//"):
        return value, (f"{shown(value)} must start with '/' (e.g. '/' or '/impact/') or be an "
                       "http(s) URL")
    path = parts.path or "/"
    segments = path.strip("/").split("/")
    if "//" in path or any(s in (".", "..") for s in segments):
        return value, f"{shown(value)} must not hold '//', './' or '../'"
    if parts.scheme and not parts.path:
        value += "/"
    return (value if value.endswith("/") else value + "/"), None


def load_config(path: Path) -> Config:
    """Read and validate the config file at ``path``.

    Raises ``UsageError`` if it is missing, ``ConfigError`` with every problem otherwise.
    """
    display = path.as_posix()
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{display}: config file not found; run from the project root "
                         "or pass --config FILE") from None
    except UnicodeDecodeError as error:
        line = path.read_bytes().count(b"\n", 0, error.start) + 1
        raise ConfigError([ContentError(display, line, "file", "not valid UTF-8; save the file "
                                        "as UTF-8")]) from None
    except OSError as error:
        raise UsageError(f"{display}: cannot be read ({error.strerror})") from None
    try:
        root = parse(text.replace("\r\n", "\n"))
    except YamlError as error:
        raise ConfigError([ContentError(display, error.line, "config", error.message)]) from None
    fields = Fields(display)
    if root is None:
        return Config()
    mapping = fields.mapping(root, "config")
    if mapping is None:
        raise ConfigError(fields.errors)
    config = _read(fields, mapping)
    if fields.errors:
        raise ConfigError(fields.errors)
    return config


# A language tag for French (BCP 47 tags ignore case), with a region or not.
_FRENCH = re.compile(r"fr(?:-[a-z0-9]{2,8})*", re.IGNORECASE)


def _read(fields: Fields, mapping: Mapping) -> Config:
    fields.check_keys(mapping, _KEYS)
    values: dict[str, object] = {}
    for key in ("title", "description", "language"):
        if (entry := mapping.get(key)) is not None:
            values[key] = fields.text(entry.value, key)
    language = values.get("language")
    if isinstance(language, str) and _FRENCH.fullmatch(language):
        values["language"] = "fr"  # "FR", "fr-FR", "fr-CA": French all the same
    elif language is not None:
        fields.error(mapping.get("language").line, "language",  # type: ignore[union-attr]
                     f"'{language}' is not supported; the site speaks French ('fr')")
    if (entry := mapping.get("base_url")) is not None:
        raw = fields.text(entry.value, "base_url")
        if raw is not None:
            base_url, problem = normalise_base_url(raw)
            if problem:
                fields.error(entry.line, "base_url", problem)
            values["base_url"] = base_url
    if (entry := mapping.get("allow_html")) is not None:
        values["allow_html"] = fields.boolean(entry.value, "allow_html")
    for key, (noun, _) in VOCABULARIES.items():
        if (entry := mapping.get(key)) is not None:
            values[key] = _vocabulary(fields, key, noun, entry.value)
    if fields.errors:
        return Config()
    return replace(Config(), **values)  # type: ignore[arg-type]


def _vocabulary(fields: Fields, key: str, noun: str, node: object) -> Vocabulary | None:
    if not isinstance(node, Sequence) or not node.items:
        line = getattr(node, "line", 0)
        fields.error(line, key, "expected a non-empty list of entries ('- id: …' with a label)")
        return None
    entries: list[VocabularyEntry] = []
    # fold(spelling) → the entry it names first: its index, id, line, and the spelling
    # as written there.
    owner: dict[str, tuple[int, str, int, str]] = {}
    for index, item in enumerate(node.items):
        field = f"{key}[{index}]"
        mapping = fields.mapping(item, field)
        if mapping is None:
            continue
        fields.check_keys(mapping, _ENTRY_KEYS, field + ".")
        values: dict[str, str | None] = {}
        for name in ("id", "label", "description"):
            found = mapping.get(name)
            if found is None:
                if name != "description":
                    fields.error(mapping.line, f"{field}.{name}", "required field is missing")
                continue
            values[name] = fields.text(found.value, f"{field}.{name}")
        entry_id = values.get("id")
        if entry_id is not None and not _ID.fullmatch(entry_id):
            fields.error(mapping.line, f"{field}.id", f"'{entry_id}' must be letters, digits "
                         "and single hyphens (it becomes a web address)")
        aliases: list[str] = []
        if (found := mapping.get("aliases")) is not None:
            aliases = [a for a, _ in fields.texts(found.value, f"{field}.aliases") or []]
        if entry_id is None or values.get("label") is None:
            continue
        entry = VocabularyEntry(entry_id, values["label"] or "", tuple(aliases),
                                values.get("description") or "")
        told = False  # one error for each entry: the first spelling it shares
        for written in entry.spellings():
            spelling = fold(written)
            first = owner.setdefault(spelling, (index, entry.id, mapping.line, written))
            if first[0] == index or told:
                continue
            told = True
            _, other, line, there = first
            if fold(other) == fold(entry.id):
                said = (f"id '{entry.id}' is already the id of the entry at line {line}; "
                        "give each entry its own id, or merge the two")
            elif written == there:
                said = (f"'{written}' names '{other}' already (line {line}); each id, label "
                        "and alias must name one entry")
            else:
                name = (f"the id '{other}'" if there == other
                        else f"'{there}', which names '{other}'")
                said = (f"'{written}' reads as {name} (line {line}): values are compared "
                        "ignoring case, accents, spaces and hyphens; each id, label and alias "
                        "must name one entry")
            fields.error(mapping.line, field, said)
        entries.append(entry)
    return Vocabulary(key, noun, tuple(entries))
