"""Generate a seeded, realistic corpus of practice monographs for benchmarks.

    python benchmarks/generate.py --count 10000 --seed 1 --output /tmp/corpus10k

writes a complete impact-ssg project into ``--output``:

- ``impact.yaml``, copied from the repository root (its vocabularies are the ones used);
- ``templates/``, copied from the repository's ``templates/``;
- ``monographs/``: ``--count`` Markdown files with YAML front matter, in one folder per
  region (``occitanie/``), plus ``national/`` and ``international/``; a folder that would
  hold more than 450 files is split into spans of years (``occitanie/2023-2024/``), so
  10,000 monographs land in ~38 folders of 120 to 470 files. Four small PNG schemas
  under ``monographs/images/`` are embedded by about 3% of the monographs.

Every file passes ``python build.py check``: vocabulary ids, real departments and
regions from ``impact_ssg/data/france.json`` (invented communes beside each
prefecture), partners drawn from a pool of about 3,000 invented organisations that
always carry the same stakeholder category, unique slugs, and links only to files that
exist. Bodies hold about 800 words of generated French prose in ``##`` sections, with
lists, an occasional table, footnote, image and link to another monograph.

The output depends only on ``--seed`` and ``--count`` (and on the repository's
``impact.yaml``, ``templates/`` and ``france.json``): the same pair gives byte-identical
files (``random.Random(seed)`` and string-seeded sub-generators; no clock, no global
random state, no iteration over hash-ordered sets). Standard library only.

A non-empty output folder is refused unless ``--force`` is given; ``--force`` then
replaces ``impact.yaml``, ``templates/`` and ``monographs/`` inside it and nothing else.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import posixpath
import random
import re
import shutil
import struct
import sys
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FRANCE_JSON = REPO / "impact_ssg" / "data" / "france.json"
SPLIT_ABOVE = 450  # a folder holding more monographs than this is split into spans of years
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
NNBSP = "\u202f"  # narrow no-break space: thousands separator

# --------------------------------------------------------------------------------------
# Slugs and match keys: the same rules as impact_ssg.slug (kept here: stdlib only).

_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_IGNORED_IN_FOLD = re.compile(r"[\s\-_'’‘ʼ`´‐‑‒–—―]+")
_VOWELS = frozenset("aeiouyéèêëàâäîïôöûüAEIOUYÉÈÊËÀÂÄÎÏÔÖÛÜhH")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """The URL slug of ``text``, as impact-ssg computes it."""
    return _NOT_SLUG.sub("-", _strip_accents(text)).strip("-")


def fold(text: str) -> str:
    """The key under which impact-ssg considers two names the same."""
    return _IGNORED_IN_FOLD.sub("", _strip_accents(text).casefold())


def cap(text: str) -> str:
    """``text`` with its first character in upper case."""
    return text[:1].upper() + text[1:]


_SPACES = re.compile(r" {2,}")
_BEFORE_STOP = re.compile(r" +([.,])")
_EMPTY_CLAUSE = re.compile(r",+([.,])")
_CONTRACTIONS = {" de le ": " du ", " de les ": " des ", " à le ": " au ", " à les ": " aux "}
_CONTRACTION = re.compile("|".join(_CONTRACTIONS))
_ELISION = re.compile(r"\b([dDqQ]u?e|[sS]i) (?=[aeiouyéèêàâîôûAEIOUYÉÈÊÀÂÎÔÛ])")


def _elided(match: re.Match[str]) -> str:
    word = match.group(1)
    if word.lower() == "si":
        return word[0] + "’" if match.string[match.end():match.end() + 2] == "il" else "si "
    return word[:-1] + "’"


def tidy(text: str) -> str:
    """Collapse the doubled spaces and stray commas that empty slots leave behind, and elide
    ``de``, ``que`` and ``si il`` before a vowel."""
    if "  " in text:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    if " ." in text or " ," in text:
        text = _BEFORE_STOP.sub(r"\1", text)
    if ",." in text or ",," in text:
        text = _EMPTY_CLAUSE.sub(r"\1", text)
    if " le " in text or " les " in text:
        text = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(0)], text)
    return _ELISION.sub(_elided, text)


def elide(word: str, text: str) -> str:
    """``de`` + ``Aurillac`` → ``d’Aurillac``; ``la`` + ``Association`` → ``l’Association``."""
    if text[:1] in _VOWELS and word in ("de", "le", "la", "que"):
        return word[0] + "’" + text
    return f"{word} {text}"


# --------------------------------------------------------------------------------------
# Places.

# Departments: code → (prefecture, article). The article gives "dans l’Ain" / "de l’Ain".
DEPARTMENT_TABLE = """
01 Bourg-en-Bresse L|02 Laon L|03 Moulins L|04 Digne-les-Bains les|05 Gap les|06 Nice les
07 Privas L|08 Charleville-Mézières les|09 Foix L|10 Troyes L|11 Carcassonne L|12 Rodez L
13 Marseille les|14 Caen le|15 Aurillac le|16 Angoulême la|17 La_Rochelle la|18 Bourges le
19 Tulle la|2A Ajaccio en|2B Bastia en|21 Dijon la|22 Saint-Brieuc les|23 Guéret la
24 Périgueux la|25 Besançon le|26 Valence la|27 Évreux L|28 Chartres L|29 Quimper le
30 Nîmes le|31 Toulouse la|32 Auch le|33 Bordeaux la|34 Montpellier L|35 Rennes L
36 Châteauroux L|37 Tours L|38 Grenoble L|39 Lons-le-Saunier le|40 Mont-de-Marsan les
41 Blois le|42 Saint-Étienne la|43 Le_Puy-en-Velay la|44 Nantes la|45 Orléans le|46 Cahors le
47 Agen le|48 Mende la|49 Angers le|50 Saint-Lô la|51 Châlons-en-Champagne la|52 Chaumont la
53 Laval la|54 Nancy la|55 Bar-le-Duc la|56 Vannes le|57 Metz la|58 Nevers la|59 Lille le
60 Beauvais L|61 Alençon L|62 Arras le|63 Clermont-Ferrand le|64 Pau les|65 Tarbes les
66 Perpignan les|67 Strasbourg le|68 Colmar le|69 Lyon le|70 Vesoul la|71 Mâcon la
72 Le_Mans la|73 Chambéry la|74 Annecy la|75 Paris a|76 Rouen la|77 Melun la|78 Versailles les
79 Niort les|80 Amiens la|81 Albi le|82 Montauban le|83 Toulon le|84 Avignon le
85 La_Roche-sur-Yon la|86 Poitiers la|87 Limoges la|88 Épinal les|89 Auxerre L|90 Belfort le
91 Évry-Courcouronnes L|92 Nanterre les|93 Bobigny la|94 Créteil le|95 Cergy le
971 Basse-Terre en|972 Fort-de-France en|973 Cayenne en|974 Saint-Denis a|976 Mamoudzou a
"""
REGION_IN = {
    "01": "en Guadeloupe", "02": "en Martinique", "03": "en Guyane", "04": "à La Réunion",
    "06": "à Mayotte", "11": "en Île-de-France", "24": "en Centre-Val de Loire",
    "27": "en Bourgogne-Franche-Comté", "28": "en Normandie", "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est", "52": "dans les Pays de la Loire", "53": "en Bretagne",
    "75": "en Nouvelle-Aquitaine", "76": "en Occitanie", "84": "en Auvergne-Rhône-Alpes",
    "93": "en Provence-Alpes-Côte d’Azur", "94": "en Corse",
}
# Outside France: (country, "in" form, region or None, commune or None).
FOREIGN = (
    ("Maroc", "au Maroc", "Souss-Massa", "Agadir"),
    ("Maroc", "au Maroc", "Oriental", "Oujda"),
    ("Sénégal", "au Sénégal", "Thiès", "Mbour"),
    ("Sénégal", "au Sénégal", "Ziguinchor", None),
    ("Belgique", "en Belgique", "Wallonie", "Namur"),
    ("Belgique", "en Belgique", "Wallonie", "Charleroi"),
    ("Suisse", "en Suisse", "Vaud", "Lausanne"),
    ("Canada", "au Canada", "Québec", "Sherbrooke"),
    ("Tunisie", "en Tunisie", None, "Sfax"),
    ("Madagascar", "à Madagascar", "Analamanga", "Antananarivo"),
    ("Cameroun", "au Cameroun", "Littoral", "Douala"),
    ("Luxembourg", "au Luxembourg", None, "Esch-sur-Alzette"),
    ("Allemagne", "en Allemagne", "Sarre", "Sarrebruck"),
    ("Espagne", "en Espagne", "Catalogne", "Gérone"),
    ("Italie", "en Italie", "Piémont", "Turin"),
    ("Bénin", "au Bénin", "Atlantique", "Ouidah"),
    ("Burkina Faso", "au Burkina Faso", "Hauts-Bassins", "Bobo-Dioulasso"),
    ("Haïti", "en Haïti", None, None),
    ("Vietnam", "au Vietnam", None, "Hué"),
    ("Québec", "au Québec", None, "Rimouski"),
)

ONSETS = ("b", "b", "br", "c", "ch", "cr", "d", "f", "fr", "g", "gr", "j", "l", "l", "m", "m",
          "n", "p", "pr", "r", "s", "t", "tr", "v", "v", "qu", "bl", "pl")
NUCLEI = ("a", "a", "a", "e", "i", "o", "ou", "au", "é", "an", "on", "in", "o", "i", "ou", "a")
MIDS = ("b", "c", "d", "g", "l", "l", "m", "n", "r", "r", "r", "s", "t", "v", "rd", "st", "nt",
        "ss", "ll")
GENERIC_ENDINGS = ("ac", "ay", "ey", "ieu", "on", "ans", "ange", "ières", "ol", "ade", "eix",
                   "as", "elle", "ette", "ouse", "ard", "aine", "ot", "illes", "ens", "ès",
                   "euil", "ville", "court", "mont", "ier", "and", "ault", "y", "ois", "ine")
REGIONAL_ENDINGS: dict[str, tuple[str, ...]] = {
    "53": ("ec", "ven", "az", "ern", "ol", "ic", "eur", "ouët", "an", "el"),
    "44": ("heim", "willer", "ange", "bach", "dorf", "court", "ville", "ey"),
    "76": ("ac", "argues", "ous", "ens", "at", "ignan", "ède", "as", "ou"),
    "75": ("ac", "eix", "ignac", "at", "ous", "ens", "ac", "euil"),
    "32": ("court", "ville", "ghem", "becque", "ies", "ain", "mont"),
    "28": ("ville", "tot", "beuf", "fleur", "ey", "ais", "mesnil"),
    "94": ("acciu", "inu", "ellu", "ana", "aghju", "onu"),
}
BRETON_PREFIXES = ("Plou", "Ker", "Lan", "Tré", "Loc", "Pen", "Gui")
OVERSEAS = frozenset({"01", "02", "03", "04", "06"})
SAINTS = ("Martin", "Jean", "Pierre", "Laurent", "Julien", "Germain", "Étienne", "Georges",
          "Hilaire", "Just", "Amand", "Genest", "Nicolas", "Vincent", "Paul", "André",
          "Michel", "Maurice", "Sauveur", "Cyr", "Denis", "Médard", "Aubin", "Rémy", "Léger",
          "Christophe", "Gervais", "Pons", "Loup", "Clair", "Ouen", "Avit", "Flour")
SAINTES = ("Marie", "Anne", "Foy", "Colombe", "Eulalie", "Radegonde", "Hélène", "Croix",
           "Marguerite", "Cécile", "Livrade", "Geneviève", "Luce", "Rose")
PLACE_TAILS = ("les-Bains", "le-Château", "la-Forêt", "le-Vieux", "les-Vignes", "la-Plaine",
               "le-Haut", "les-Étangs", "la-Rivière", "le-Pont")
BRAND_ENDINGS = ("is", "ia", "eo", "ix", "on", "al", "ys", "or", "ane", "ens", "ika", "um",
                 "ova", "ine", "ac", "ea")


def root(rng: random.Random, endings: Sequence[str] = GENERIC_ENDINGS, syllables: int = 0) -> str:
    """An invented, pronounceable French-looking name."""
    word = rng.choice(ONSETS) + rng.choice(NUCLEI)
    for _ in range(syllables or rng.choice((0, 0, 1, 1, 1))):
        if syllables == 0 and len(word) > 4:
            break
        word += rng.choice(MIDS) + rng.choice(NUCLEI)
    ending = rng.choice(endings)
    if ending[0] in _VOWELS and word[-1] in _VOWELS:
        word += rng.choice(MIDS)
    return cap(word + ending)


def surname(rng: random.Random) -> str:
    """An invented family name (the long tail of proper nouns)."""
    ending = rng.choice(("ard", "ier", "et", "ot", "in", "eau", "aud", "ès", "oux", "ac", "ou",
                         "elle", "and", "on", "ault", "ert", "y", "iot", "ec", "ade", "ain"))
    return root(rng, (ending,))


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    region_code: str
    region: str
    prefecture: str
    article: str
    communes: tuple[str, ...]
    pays: tuple[str, ...]
    rivers: tuple[str, ...]

    @property
    def prose_name(self) -> str:
        return self.name.replace("'", "’")

    @property
    def in_form(self) -> str:
        """``dans l’Ain``, ``dans les Landes``, ``en Guadeloupe``, ``à Paris``."""
        name = self.prose_name
        return {"L": "dans l’" + name, "le": "dans le " + name, "la": "dans la " + name,
                "les": "dans les " + name, "en": "en " + name}.get(self.article, "à " + name)

    @property
    def of_form(self) -> str:
        """``de l’Ain``, ``des Landes``, ``du Nord``, ``de Paris``."""
        name = self.prose_name
        return {"L": "de l’" + name, "le": "du " + name, "la": "de la " + name,
                "les": "des " + name}.get(self.article, "de " + name)


def commune_in(commune: str) -> str:
    """``à Rodez``, ``au Havre``, ``aux Sables``."""
    if commune.startswith("Le "):
        return "au " + commune[3:]
    if commune.startswith("Les "):
        return "aux " + commune[4:]
    return "à " + commune


def commune_of(commune: str) -> str:
    """``de Rodez``, ``d’Aurillac``, ``du Havre``."""
    if commune.startswith("Le "):
        return "du " + commune[3:]
    if commune.startswith("Les "):
        return "des " + commune[4:]
    return elide("de", commune)


def _invent_commune(rng: random.Random, region_code: str, rivers: Sequence[str],
                    pays: Sequence[str]) -> str:
    endings = REGIONAL_ENDINGS.get(region_code, GENERIC_ENDINGS)
    if region_code in OVERSEAS:
        form = rng.randrange(6)
        r = root(rng, ("ou", "a", "i", "ane", "ine", "é", "ac", "on"))
        return ("Anse-" + r, "Morne-" + r, "Petit-" + r, "Grand-" + r, r,
                "Saint-" + rng.choice(SAINTS))[form]
    if region_code == "53" and rng.random() < 0.5:
        return rng.choice(BRETON_PREFIXES) + root(rng, endings).lower()
    r = root(rng, endings)
    form = rng.randrange(14)
    if form <= 4:
        return r
    if form == 5:
        return f"Saint-{rng.choice(SAINTS)}-{elide('de', r).replace(' ', '-')}"
    if form == 6:
        return f"Sainte-{rng.choice(SAINTES)}"
    if form == 7:
        return f"{r}-sur-{rng.choice(rivers)}"
    if form == 8:
        return f"{rng.choice(('Le', 'La', 'Les'))} {r}"
    if form == 9:
        return f"{r}-{rng.choice(PLACE_TAILS)}"
    if form == 10:
        first = rng.choice(("Villeneuve", "Villefranche", "Pont", "Montigny", "Bourg",
                            "Châteauneuf", "Fontaine", "Mont"))
        return f"{first}-{elide('de', r).replace(' ', '-')}"
    if form == 11:
        return f"{r}-en-{pays[0].split(' ', 1)[-1].replace(' ', '-')}"
    if form == 12:
        return f"Saint-{rng.choice(SAINTS)}"
    return f"{r}-{rng.choice(('le', 'la'))}-{root(rng)}"


def load_departments(seed: int) -> tuple[list[Department], dict[str, str]]:
    """The 101 departments of france.json, each with invented communes, pays and rivers."""
    data = json.loads(FRANCE_JSON.read_text(encoding="utf-8"))
    regions = {r["code"]: r["name"] for r in data["regions"]}
    table: dict[str, tuple[str, str]] = {}
    for item in DEPARTMENT_TABLE.replace("\n", "|").split("|"):
        if item.strip():
            code, prefecture, article = item.split()
            table[code] = (prefecture.replace("_", " "), article)
    departments = []
    for entry in data["departments"]:
        code = entry["code"]
        rng = random.Random(f"{seed}:department:{code}")
        prefecture, article = table.get(code, (root(rng), "a"))
        rivers = tuple(root(rng, ("onne", "ère", "ette", "ance", "ize", "ure", "aine", "ole",
                                  "euse", "ine")) for _ in range(3))
        pays = tuple(_pays_name(rng, rivers) for _ in range(3))
        communes = [prefecture]
        seen = {slugify(prefecture)}
        for _ in range(rng.randint(16, 30)):
            name = _invent_commune(rng, entry["region"], rivers, pays)
            key = slugify(name)
            if key not in seen and key != "page":
                seen.add(key)
                communes.append(name)
        departments.append(Department(code, entry["name"], entry["region"],
                                      regions[entry["region"]], prefecture, article,
                                      tuple(communes), pays, rivers))
    return departments, regions


def _pays_name(rng: random.Random, rivers: Sequence[str]) -> str:
    """A pays or valley name with its article: ``du Val de Vézonne``."""
    r = root(rng)
    return rng.choice((f"du Val {elide('de', rng.choice(rivers))}",
                       f"des Coteaux {elide('de', r)}", f"de la Vallée de la {rng.choice(rivers)}",
                       f"du Plateau {elide('de', r)}", f"des Monts {elide('de', r)}",
                       f"du Pays {elide('de', r)}", f"des Vallons {elide('de', r)}",
                       f"de la Plaine {elide('de', r)}"))


# --------------------------------------------------------------------------------------
# Organisations: each one is created with its category and keeps it forever.

CATEGORIES = ("grande-entreprise", "eti", "pme", "association", "fondation", "collectivite",
              "institution", "universite", "citoyens")
LOCAL_WEIGHTS = (1, 7, 22, 30, 4, 15, 9, 6, 6)
NATIONAL_WEIGHTS = (30, 18, 4, 18, 20, 0, 10, 0, 0)
SECTORS = ("Industries", "Équipements", "Logistique", "Emballages", "Matériaux", "Mécanique",
           "Agroalimentaire", "Distribution", "Services", "Plasturgie", "Conserveries",
           "Électronique", "Textiles", "Énergies", "Transports", "Bâtiment", "Hydraulique")
TRADES = (("la", "Menuiserie"), ("la", "Boulangerie"), ("le", "Garage"), ("la", "Scierie"),
          ("", "Transports"), ("", "Charpentes"), ("la", "Imprimerie"), ("la", "Plomberie"),
          ("la", "Maçonnerie"), ("la", "Fromagerie"), ("la", "Brasserie"),
          ("la", "Ébénisterie"), ("la", "Serrurerie"), ("la", "Couverture"),
          ("", "Paysages"), ("la", "Tonnellerie"), ("la", "Carrosserie"), ("la", "Poterie"),
          ("la", "Distillerie"), ("la", "Boucherie"), ("", "Pépinières"), ("la", "Biscuiterie"))
CAUSES = ("l’emploi des jeunes", "l’enfance", "la biodiversité", "l’inclusion",
          "les territoires ruraux", "l’éducation", "la santé", "l’entrepreneuriat",
          "la culture", "l’égalité des chances", "la mer", "l’habitat")
NATIONAL_INSTITUTIONS = (
    ("", "France Travail"), ("la", "Banque des Territoires"),
    ("la", "Agence nationale de la cohésion des territoires"),
    ("la", "Office national des forêts"), ("la", "Agence de la transition écologique"),
    ("", "Bpifrance"), ("la", "Caisse nationale de solidarité pour l’autonomie"),
    ("", "France Active"), ("", "Initiative France"), ("la", "Agence du service civique"),
    ("le", "Réseau Canopé"), ("le", "Centre national d’études spatiales"),
)


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    category: str
    article: str  # "le", "la", "les" or "" (a brand name takes none)
    url: str | None
    home: str  # department code, a foreign country, or "" for national

    @property
    def subject(self) -> str:
        """``la Fondation X``, ``l’Association Y``, ``Karukera Valorisation``."""
        if self.article in ("le", "la"):
            return elide(self.article, self.name)
        return f"{self.article} {self.name}" if self.article else self.name

    @property
    def of_form(self) -> str:
        """``de la Fondation X``, ``du Groupe Y``, ``d’Aérostructures Garonne``."""
        if self.article == "le":
            return "du " + self.name
        if self.article == "les":
            return "des " + self.name
        if self.article == "la":
            return "de " + elide("la", self.name)
        return elide("de", self.name)


def _org_name(rng: random.Random, category: str, dep: Department | None,
              town: str | None) -> tuple[str, str]:
    """(name, article) of a new organisation of ``category``, local to ``dep`` if given."""
    brand = root(rng, BRAND_ENDINGS)
    person = surname(rng)
    commune = (dep.communes[0] if rng.random() < 0.4 else rng.choice(dep.communes)) if dep \
        else (town or root(rng))
    of_commune = commune_of(commune)
    of_dep = dep.of_form if dep else elide("de", commune)
    pays = rng.choice(dep.pays) if dep else elide("de", root(rng))
    choices: tuple[tuple[str, str], ...]
    trade_article, trade = rng.choice(TRADES)
    if category == "grande-entreprise":
        choices = (("le", f"Groupe {brand}"), ("", f"{brand} {rng.choice(SECTORS)}"),
                   ("la", f"Banque {brand}"), ("", f"{brand} Assurances"),
                   ("la", f"Compagnie {brand}"), ("", f"{brand} Mobilités"),
                   ("", f"{brand} Télécom"), ("le", f"Groupe {person}"))
    elif category == "eti":
        choices = (("le", f"Groupe {person}"), ("", f"{brand} {rng.choice(SECTORS)}"),
                   ("", f"Laboratoires {person}"), ("la", f"Fonderie {brand}"),
                   ("le", f"Groupe {person} {rng.choice(SECTORS)}"),
                   ("", f"Établissements {person}"), ("", f"Salaisons {person}"),
                   ("", f"{root(rng)} {rng.choice(SECTORS)}"))
    elif category == "pme":
        choices = ((trade_article, f"{trade} {person}"), ("", f"{person} & Fils"),
                   ("le", f"GAEC {pays}"), ("la", f"Ferme {pays}"),
                   ("le", f"Cabinet {person} Conseil"), ("", f"{brand} Informatique"),
                   ("l", f"Atelier {person}"), (trade_article, f"{trade} {of_commune}"),
                   ("la", f"SCOP {brand}"), ("le", f"Studio {brand}"),
                   ("", f"Éditions {brand}"), (trade_article, f"{trade} {brand}"))
    elif category == "association":
        choices = (("l", f"Association Les Jardins {of_commune}"),
                   ("la", f"Maison des associations {of_commune}"),
                   ("le", f"Collectif {brand}"), ("l", f"Atelier Tremplin {of_commune}"),
                   ("la", f"Régie de quartier {brand}"), ("l", f"Association {brand}"),
                   ("", f"{commune} Solidarités"), ("la", f"Banque alimentaire {of_dep}"),
                   ("la", f"Recyclerie {brand}"), ("le", f"Garage solidaire {of_commune}"),
                   ("l", f"Épicerie solidaire {brand}"), ("l", f"Association Vélo {commune}"),
                   ("la", f"Compagnie {brand}"), ("l", f"Association {person} Insertion"),
                   ("l", f"Association Culture et Loisirs {of_commune}"))
    elif category == "fondation":
        choices = (("la", f"Fondation {brand}"), ("la", f"Fondation {person}"),
                   ("la", f"Fondation {brand} pour {rng.choice(CAUSES)}"),
                   ("le", f"Fonds de dotation {brand} Solidaire"),
                   ("la", f"Fondation d’entreprise {brand}"),
                   ("le", f"Fonds de dotation {of_commune}"))
    elif category == "collectivite":
        choices = (("la", f"Communauté de communes {pays}"), ("le", f"Pôle territorial {pays}"),
                   ("le", f"Pays {pays}"), ("la", f"Ville {of_commune}"),
                   ("la", f"Communauté d’agglomération {of_commune}"),
                   ("le", f"Syndicat mixte {pays}"), ("la", f"Mairie {of_commune}"),
                   ("le", f"Conseil départemental {of_dep}"))
    elif category == "institution":
        choices = (("la", f"Chambre de commerce et d’industrie {of_dep}"),
                   ("la", f"Chambre de métiers et de l’artisanat {of_dep}"),
                   ("la", f"Chambre d’agriculture {of_dep}"),
                   ("la", f"Caisse d’allocations familiales {of_dep}"),
                   ("la", f"Mission locale {of_commune}"),
                   ("le", f"Centre communal d’action sociale {of_commune}"),
                   ("la", f"Maison France Services {of_commune}"),
                   ("l", f"Agence France Travail {of_commune}"))
    elif category == "universite":
        choices = (("l", f"Université {of_commune}"), ("l", f"IUT {of_commune}"),
                   ("le", f"Lycée professionnel {rng.choice(SAINTS)} {person}"),
                   ("le", "Laboratoire " + "".join(rng.choice("ABCDEFGILMNPRST")
                                                    for _ in range(rng.randint(3, 5)))),
                   ("l", f"École d’ingénieurs {brand}"), ("l", f"Institut {brand}"),
                   ("le", f"Campus des métiers {of_commune}"))
    else:  # citoyens
        choices = (("le", f"Collectif d’habitants {of_commune}"),
                   ("le", f"Conseil citoyen {of_commune}"),
                   ("le", f"Comité de quartier {brand}"),
                   ("la", f"Coopérative citoyenne {brand} Énergie"),
                   ("", f"Habitants {of_commune} en transition"),
                   ("le", f"Collectif des parents {of_commune}"))
    article, name = rng.choice(choices)
    return name, "la" if article == "l" else article


@dataclass(slots=True)
class OrgPool:
    """Every organisation, indexed by home and category, with unique names and pages."""

    national: list[Organisation] = field(default_factory=list)
    national_weights: list[float] = field(default_factory=list)
    local: dict[str, list[Organisation]] = field(default_factory=dict)
    foreign: dict[str, list[Organisation]] = field(default_factory=dict)
    _keys: set[str] = field(default_factory=set)

    def add(self, rng: random.Random, category: str, dep: Department | None,
            country: str | None = None, town: str | None = None) -> Organisation | None:
        """A new organisation whose name and page no other one shares (None if none found)."""
        for _ in range(8):
            name, article = _org_name(rng, category, dep, town)
            if fold(name) in self._keys or slugify(name) in self._keys:
                continue
            self._keys.add(fold(name))
            self._keys.add(slugify(name))
            url = (f"https://www.example.org/{slugify(name)}" if rng.random() < 0.35 else None)
            return Organisation(name, category, article, url,
                                dep.code if dep else (country or ""))
        return None


def build_pool(seed: int, departments: Sequence[Department]) -> OrgPool:
    """About 3,000 organisations: ~26 per department, 300 national, a few abroad."""
    rng = random.Random(f"{seed}:organisations")
    pool = OrgPool()
    for article, name in NATIONAL_INSTITUTIONS:
        pool._keys.update((fold(name), slugify(name)))
        pool.national.append(Organisation(name, "institution", article, None, ""))
    while len(pool.national) < 300:
        category = rng.choices(CATEGORIES, weights=NATIONAL_WEIGHTS)[0]
        if (national := pool.add(rng, category, None)) is not None:
            pool.national.append(national)
    # Zipf-like: a few national organisations appear in many monographs.
    pool.national_weights = list(itertools.accumulate(
        1.0 / (rank + 1) ** 0.9 for rank in range(len(pool.national))))
    for dep in departments:
        found: list[Organisation] = []
        for _ in range(26):
            category = rng.choices(CATEGORIES, weights=LOCAL_WEIGHTS)[0]
            if (local := pool.add(rng, category, dep)) is not None:
                found.append(local)
        pool.local[dep.code] = found
    for country, _, _, town in FOREIGN:
        if country in pool.foreign:
            continue
        orgs = [pool.add(rng, category, None, country, town or country)
                for category in ("association", "pme", "universite", "institution", "eti")]
        pool.foreign[country] = [o for o in orgs if o is not None]
    return pool


# --------------------------------------------------------------------------------------
# Vocabularies from impact.yaml (a tiny reader: the file's own block layout).

_ID_LINE = re.compile(r"^\s*-\s+id:\s*(.+?)\s*$")
_ALIASES_LINE = re.compile(r"^\s+aliases:\s*\[(.*)\]\s*$")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def read_vocabularies(path: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """{section: [(id, aliases)]} for networks, stakeholders and alliance_types."""
    wanted = ("networks", "stakeholders", "alliance_types")
    found: dict[str, list[tuple[str, list[str]]]] = {}
    section: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line[:1].strip() and not line.startswith("#"):
            key = line.split(":", 1)[0].strip()
            section = key if key in wanted else None
            if section:
                found[section] = []
        elif section and (m := _ID_LINE.match(line)):
            found[section].append((_unquote(m.group(1)), []))
        elif section and found[section] and (m := _ALIASES_LINE.match(line)):
            found[section][-1][1].extend(_unquote(a) for a in m.group(1).split(",") if a.strip())
    missing = [w for w in wanted if not found.get(w)]
    if missing:
        sys.exit(f"generate.py: {path} lists no {', '.join(missing)}; the generator needs "
                 "the three vocabularies written out")
    ids = {i for i, _ in found["stakeholders"]}
    if not ids >= set(CATEGORIES):
        sys.exit(f"generate.py: {path} lacks the stakeholder ids "
                 f"{', '.join(sorted(set(CATEGORIES) - ids))}")
    return found


# --------------------------------------------------------------------------------------
# Word lists for titles, summaries and bodies.

THEMES = (
    ("emploi", 9), ("insertion", 7), ("mobilité", 5), ("mécénat de compétences", 4),
    ("formation", 6), ("transition écologique", 6), ("économie circulaire", 4),
    ("alimentation", 4), ("circuits courts", 3), ("santé", 4), ("logement", 3), ("énergie", 3),
    ("précarité", 3), ("jeunesse", 4), ("vieillissement", 2), ("handicap", 2),
    ("inclusion numérique", 3), ("culture", 3), ("patrimoine", 2), ("sport", 2),
    ("vie associative", 4), ("gouvernance", 2), ("participation citoyenne", 3),
    ("égalité femmes-hommes", 2), ("biodiversité", 2), ("eau", 1), ("forêt", 1),
    ("agriculture", 3), ("industrie", 3), ("artisanat", 2), ("commerce de proximité", 2),
    ("tourisme", 1), ("ruralité", 3), ("politique de la ville", 2), ("centres-bourgs", 1),
    ("commande publique", 1), ("achats responsables", 2), ("innovation sociale", 3),
    ("entrepreneuriat", 2), ("économie sociale et solidaire", 3), ("tiers-lieux", 2),
    ("éducation", 2), ("petite enfance", 1), ("parentalité", 1), ("isolement", 2),
    ("aidants", 1), ("accès aux droits", 2), ("numérique", 2), ("mer", 1), ("montagne", 1),
    ("littoral", 1), ("réemploi", 2), ("déchets", 1), ("construction", 1),
    ("rénovation énergétique", 2), ("recherche", 1), ("apprentissage", 2),
    ("commerce équitable", 1), ("bénévolat", 2), ("santé mentale", 1), ("attractivité", 2),
    ("prévention", 1), ("reconversion", 1), ("solidarité internationale", 1),
)
THEME_NAMES = tuple(t for t, _ in THEMES)
THEME_WEIGHTS = tuple(itertools.accumulate(w for _, w in THEMES))
FIRST_NAMES = (
    ("Claire", "f"), ("Julien", "m"), ("Sophie", "f"), ("Maëlle", "f"), ("Thomas", "m"),
    ("Nadia", "f"), ("Karim", "m"), ("Isabelle", "f"), ("François", "m"), ("Léa", "f"),
    ("Mathieu", "m"), ("Aïcha", "f"), ("Yann", "m"), ("Hélène", "f"), ("Pierre", "m"),
    ("Camille", "f"), ("Nicolas", "m"), ("Fatou", "f"), ("Olivier", "m"), ("Élodie", "f"),
    ("Sébastien", "m"), ("Chloé", "f"), ("Antoine", "m"), ("Manon", "f"), ("Rachid", "m"),
    ("Juliette", "f"), ("Hugo", "m"), ("Anne", "f"), ("Grégoire", "m"), ("Inès", "f"),
    ("Loïc", "m"), ("Sarah", "f"), ("Benoît", "m"), ("Émilie", "f"), ("Mamadou", "m"),
    ("Agnès", "f"), ("Romain", "m"), ("Gaëlle", "f"), ("Jérôme", "m"), ("Laure", "f"),
    ("Mehdi", "m"), ("Brigitte", "f"), ("Cédric", "m"), ("Nathalie", "f"), ("Gilles", "m"),
    ("Solène", "f"), ("Fabrice", "m"), ("Yasmina", "f"), ("Éric", "m"), ("Véronique", "f"),
    ("Tanguy", "m"), ("Marion", "f"), ("Stéphane", "m"), ("Lucie", "f"), ("Bruno", "m"),
    ("Amandine", "f"), ("Denis", "m"), ("Océane", "f"), ("Patrice", "m"), ("Jeanne", "f"),
)
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Mercier", "Fabre", "Arnaud",
    "Le Goff", "Mercadier", "Garnier", "Rousseau", "Faure", "Chevalier", "Lambert", "Bonnet",
    "Girard", "Roux", "Vincent", "Fournier", "Morel", "Gauthier", "Perrin", "Robin", "Masson",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Benoît", "Brunet", "Colin", "Lemoine",
    "Le Gall", "Carpentier", "Marchand", "Dumas", "Barbier", "Meyer", "Giraud", "Hoarau",
    "Payet", "Diallo", "Benali", "Nguyen", "Kerjean", "Le Bihan", "Etcheverry", "Casanova",
    "Vidal", "Castel", "Ollivier", "Pons", "Delmas", "Bouvier", "Baron", "Charpentier",
)
ROLES = (
    ("directeur", "directrice"), ("président", "présidente"),
    ("chargé de mission", "chargée de mission"), ("coordinateur", "coordinatrice"),
    ("responsable RSE", "responsable RSE"), ("délégué général", "déléguée générale"),
    ("chef d’atelier", "cheffe d’atelier"), ("conseiller en insertion", "conseillère en insertion"),
    ("gérant", "gérante"), ("trésorier", "trésorière"), ("vice-président", "vice-présidente"),
    ("directeur des ressources humaines", "directrice des ressources humaines"),
    ("bénévole", "bénévole"), ("animateur", "animatrice"), ("responsable", "responsable"),
)
PUBLICS = (
    "jeunes de moins de 26 ans", "demandeurs d’emploi de longue durée", "familles monoparentales",
    "seniors isolés", "allocataires du RSA", "étudiants", "salariés en insertion", "agriculteurs",
    "artisans", "habitants des quartiers prioritaires", "personnes en situation de handicap",
    "réfugiés", "collégiens", "apprentis", "aidants familiaux", "commerçants", "femmes isolées",
    "retraités", "bénévoles", "travailleurs saisonniers", "lycéens", "porteurs de projet",
    "chefs d’entreprise", "parents", "locataires du parc social", "saisonniers agricoles",
)
METIERS = (
    "soudeurs", "aides-soignants", "conducteurs de bus", "maraîchers", "agents d’entretien",
    "développeurs", "couvreurs", "cuisiniers", "charpentiers", "techniciens de maintenance",
    "mécaniciens", "auxiliaires de vie", "électriciens", "chauffeurs routiers", "menuisiers",
    "infirmiers", "ouvriers agricoles", "préparateurs de commandes", "usineurs", "bouchers",
)
SECTORS_PROSE = (
    "l’aéronautique", "l’agroalimentaire", "le bâtiment", "la logistique", "le tourisme",
    "la métallurgie", "la santé", "le numérique", "la grande distribution", "la plasturgie",
    "la filière bois", "la viticulture", "l’industrie automobile", "la chimie", "l’artisanat",
    "l’économie sociale et solidaire", "le nautisme", "la cosmétique", "le textile",
)
BESOINS = (
    "le manque de solutions de garde", "l’isolement des personnes âgées",
    "la difficulté à recruter", "la fermeture des commerces du centre-bourg",
    "l’absence de transports en commun", "la vacance des logements anciens",
    "le départ des jeunes diplômés", "la désertification médicale",
    "la précarité alimentaire des étudiants", "le décrochage scolaire",
    "l’éloignement des services publics", "la fracture numérique",
    "la hausse des factures d’énergie", "le vieillissement des chefs d’entreprise",
    "la pénurie de logements pour les saisonniers", "la saturation des associations d’aide",
    "l’épuisement des bénévoles", "la disparition des petites exploitations",
    "le gaspillage des invendus", "la fragilité des associations employeuses",
    "l’érosion du littoral", "la pollution des cours d’eau", "le chômage des seniors",
    "l’absence de lieux de rencontre", "la friche laissée par la fermeture de l’usine",
)
RENONCEMENTS = (
    "un emploi faute de moyen de transport", "se soigner", "une formation qualifiante",
    "leurs droits", "un logement plus proche de leur travail", "une activité sportive",
    "une sortie culturelle", "un stage en entreprise", "poursuivre leurs études",
    "un rendez-vous administratif", "créer leur activité",
)
DISPOSITIFS = (
    "aides au permis", "microcrédit", "chèques énergie", "contrats aidés", "bourses d’études",
    "transport à la demande", "prêts d’honneur", "points conseil budget", "garanties jeunes",
    "maisons France Services", "plateformes de covoiturage", "chantiers d’insertion",
)
OBJETS = (
    "un atelier partagé", "des parcours d’insertion", "une légumerie", "un tiers-lieu",
    "un fonds d’amorçage", "un garage solidaire", "des chantiers participatifs",
    "un groupement d’employeurs", "une plateforme de covoiturage",
    "des missions de mécénat de compétences", "une épicerie solidaire",
    "des formations qualifiantes", "un diagnostic partagé", "des ateliers numériques",
    "une recyclerie", "un programme de tutorat", "le réseau des aidants", "un lieu ressource",
    "une conciergerie solidaire", "des permanences d’accès aux droits",
    "un service de transport à la demande", "une ferme urbaine", "des jardins partagés",
    "un centre de formation", "des stages de découverte", "des contrats d’apprentissage",
    "une cuisine centrale", "un espace de coworking", "un fab lab", "un observatoire local",
    "des bourses de mobilité", "une charte d’engagement", "un comité d’orientation",
    "des journées portes ouvertes", "un appel à projets",
    "une flotte de vélos à assistance électrique", "un dispositif de prêt de véhicules",
    "un plan de formation", "des rencontres trimestrielles", "un guichet unique",
    "une maison de santé pluriprofessionnelle", "une résidence d’artistes",
    "des chantiers d’insertion", "des achats groupés", "une marque territoriale",
    "un programme de rénovation", "une ressourcerie", "une halle paysanne",
    "un réseau de bénévoles", "une école de production", "une coopérative énergétique",
    "un parcours d’accueil des nouveaux arrivants", "un service de réparation de vélos",
    "une banque de matériaux de réemploi", "des cafés-rencontres", "un festival de quartier",
    "une plateforme d’entraide", "un dispositif de parrainage", "des logements temporaires",
)
TITLE_OBJECTS = (
    "un garage solidaire", "une légumerie", "une filière bois locale", "un atelier d’insertion",
    "une épicerie solidaire", "un tiers-lieu", "les cantines du territoire", "une recyclerie",
    "un parcours vers l’emploi", "une ferme urbaine", "des jardins partagés",
    "une maison de santé", "un service de covoiturage", "une école de production",
    "une conciergerie solidaire", "une plateforme de mécénat de compétences",
    "une friche industrielle", "un fonds de revitalisation", "une coopérative énergétique",
    "une cuisine partagée", "un campus des métiers", "une halle paysanne", "une ressourcerie",
    "un réseau de bénévoles", "des ateliers numériques", "un groupement d’employeurs",
    "une centrale d’achats responsables", "un lieu d’accueil pour les aidants",
    "une fabrique culturelle", "un chantier de rénovation énergétique", "une crèche solidaire",
    "une boutique de réemploi", "un service de santé itinérant", "une filière de recyclage",
    "une pépinière d’entreprises", "un centre social", "un café associatif",
    "une plateforme logistique solidaire", "des logements pour les saisonniers",
    "une conserverie", "une boucle alimentaire locale", "un atelier de réparation",
)
TITLE_SUBJECTS_S = (
    "une ETI", "une PME familiale", "une association d’insertion", "un pôle territorial",
    "la maison des associations", "un grand groupe", "une fondation", "l’université",
    "une communauté de communes", "un collectif d’habitants", "une coopérative",
    "un lycée professionnel", "une fonderie", "un sous-traitant aéronautique", "une scierie",
    "la mission locale", "un tiers-lieu", "la chambre de métiers", "un club d’entreprises",
    "une régie de quartier", "une entreprise adaptée", "un bailleur social",
)
TITLE_SUBJECTS_P = (
    "des maraîchers", "des artisans", "des chefs d’entreprise", "des habitants",
    "des associations", "des élus", "des étudiants", "des bénévoles", "des agriculteurs",
    "des commerçants", "des salariés volontaires", "des PME", "des communes voisines",
    "des soignants", "des pays voisins",
)
TITLE_VERBS = (
    ("ouvre", "ouvrent"), ("invente", "inventent"), ("relance", "relancent"),
    ("construit", "construisent"), ("fédère", "fédèrent"), ("finance", "financent"),
    ("réinvente", "réinventent"), ("partage", "partagent"), ("accompagne", "accompagnent"),
    ("crée", "créent"), ("soutient", "soutiennent"), ("transforme", "transforment"),
    ("anime", "animent"), ("reprend", "reprennent"), ("expérimente", "expérimentent"),
    ("mutualise", "mutualisent"), ("structure", "structurent"), ("imagine", "imaginent"),
    ("fait vivre", "font vivre"), ("lance", "lancent"), ("sauve", "sauvent"),
)
SUBJECTS_S = (
    "l’association", "la communauté de communes", "l’entreprise", "la fondation",
    "le pôle territorial", "la maison des associations", "la mairie", "le collectif",
    "la mission locale", "l’équipe projet", "le comité de pilotage", "la coordinatrice",
    "le directeur industriel", "la présidente de l’association", "le groupement",
    "la chambre de commerce", "l’université", "le conseil départemental", "la structure porteuse",
    "le club d’entreprises", "la régie de quartier", "le chantier d’insertion",
)
SUBJECTS_P = (
    "les partenaires", "les bénévoles", "les élus du territoire", "les salariés volontaires",
    "les habitants", "les entreprises du bassin", "les associations membres", "les équipes",
    "les deux structures", "les financeurs", "les jeunes accompagnés", "les agriculteurs",
    "les artisans", "les commerçants du centre-bourg", "les familles", "les techniciens",
    "les enseignants", "les référents de chaque structure",
)
VERBS_S = (
    "accompagne", "finance", "a mobilisé", "coordonne", "met à disposition", "a conçu", "anime",
    "porte", "soutient", "organise", "a structuré", "pilote", "prend en charge", "assure",
    "a ouvert", "développe", "héberge", "a expérimenté", "encadre", "relaie", "a formalisé",
    "documente", "cofinance", "a repris", "propose", "évalue", "a lancé", "fait vivre",
    "a consolidé", "outille",
)
VERBS_P = (
    "accompagnent", "financent", "ont mobilisé", "coordonnent", "mettent en commun",
    "ont conçu", "animent", "portent", "soutiennent", "organisent", "ont structuré",
    "pilotent", "prennent en charge", "assurent", "ont ouvert", "développent", "partagent",
    "construisent", "ont expérimenté", "encadrent", "cofinancent", "ont lancé", "font vivre",
    "ont imaginé", "évaluent", "ont consolidé",
)
OPENERS = (
    "Au fil des mois", "Dans le même temps", "Concrètement", "Très vite", "Pour autant",
    "Dès le départ", "À l’origine", "En pratique", "De leur côté", "Peu à peu", "Sur le terrain",
    "Au départ", "Aujourd’hui", "Désormais", "Par ailleurs", "En parallèle", "Chaque année",
    "Depuis {annee_debut}", "En {mois} {annee_debut}", "Dès {annee_debut}", "Pendant {duree}",
    "Avec le recul", "Dans un premier temps", "Ensuite", "Enfin", "À chaque étape",
)
COMPLEMENTS = (
    "sur le temps de travail", "à l’échelle du bassin de vie", "avec l’appui {org_de}",
    "depuis {annee_debut}", "pour trois ans", "{lieu}", "dans le quartier {quartier}",
    "au plus près des habitants", "en lien avec {org}", "sans contrepartie financière",
    "à prix coûtant", "selon une convention pluriannuelle", "grâce au soutien {org_de}",
    "pendant {duree}", "chaque {jour}", "au rythme d’une réunion par mois",
    "dans un {batiment} {commune_locale_de}", "avec une enveloppe de {montant}",
    "pour {nb3} {public}", "en direction des {public}", "{lieu_proche}", "",
    "dans le cadre d’un appel à projets régional", "à titre expérimental",
    "avec une attention particulière aux {public}",
)
BATIMENTS = (
    "ancien atelier municipal", "ancien presbytère", "local commercial vacant",
    "gymnase désaffecté", "hangar agricole réhabilité", "ancien bâtiment de la gare",
    "ancien entrepôt", "ancienne école", "rez-de-chaussée d’immeuble", "ancien garage",
    "ancien corps de ferme", "bâtiment industriel inoccupé",
)
RESSOURCES = (
    "un bâtiment de {nb3} m²", "deux véhicules utilitaires", "une salle de réunion",
    "les compétences de ses techniciens", "un terrain de {nb} hectares", "une partie de ses locaux",
    "une ligne de production pilote", "son réseau de fournisseurs", "un camion frigorifique",
    "son service juridique", "un parc de {nb} ordinateurs reconditionnés", "une cuisine équipée",
)
TEMPS = ("une demi-journée par mois", "deux jours par an", "quelques heures par semaine",
         "{nb} heures par an", "une journée par trimestre", "un mercredi sur deux")
MISSIONS = (
    "l’encadrement technique des jeunes", "l’accompagnement des porteurs de projet",
    "la formation des bénévoles", "la comptabilité des petites associations",
    "la maintenance du matériel", "le tutorat des apprentis", "la préparation aux entretiens",
    "la relecture des dossiers de subvention", "l’animation d’ateliers numériques",
    "le conseil juridique", "la conduite des travaux", "l’accueil des nouveaux arrivants",
)
DOCUMENTS = ("une convention de partenariat", "un accord de consortium", "une charte commune",
             "un protocole d’accord", "une convention pluriannuelle d’objectifs",
             "un pacte d’associés", "une feuille de route partagée")
INDICATEURS = (
    "personnes accompagnées", "repas servis", "missions réalisées", "bénévoles actifs",
    "tonnes collectées", "trajets partagés", "entreprises engagées", "jeunes formés",
    "logements rénovés", "adhérents", "heures de formation", "emplois créés",
)
CONDITIONS = (
    "un animateur à temps plein", "la confiance patiemment construite entre les partenaires",
    "un financement d’amorçage sur trois ans", "le soutien constant des élus",
    "un diagnostic partagé dès le départ", "une convention claire sur le rôle de chacun",
    "la présence d’un tiers de confiance", "des bénévoles formés et reconnus",
    "une direction d’entreprise convaincue", "des indicateurs simples et suivis",
    "la patience des financeurs", "un local identifié par les habitants",
)
DIFFICULTES = (
    "la rotation des équipes", "la complexité des financements publics",
    "la différence de culture entre entreprises et associations", "le temps de coordination",
    "la dépendance à un seul financeur", "la mobilisation des publics les plus éloignés",
    "la fatigue des bénévoles", "la lenteur des procédures", "la saisonnalité de l’activité",
    "la difficulté à mesurer l’impact",
)
RESULTATS = (
    "chacun sait désormais vers qui se tourner", "les délais d’attente ont fondu",
    "les entreprises recrutent plus facilement", "le lieu ne désemplit pas",
    "les habitants se sont approprié le projet", "plusieurs emplois ont été pérennisés",
    "les associations ont gagné en autonomie", "le regard des habitants a changé",
    "les partenaires se retrouvent désormais sur d’autres projets",
    "la démarche a essaimé dans les communes voisines",
)
RESERVES = (
    "il est trop tôt pour conclure", "les financements restent fragiles",
    "tous les objectifs n’ont pas été atteints", "l’équilibre économique n’est pas acquis",
    "la participation des habitants reste inégale", "les besoins dépassent l’offre",
)
LECONS = (
    "il faut partir des besoins exprimés plutôt que des dispositifs existants",
    "chacun doit pouvoir y trouver son intérêt", "la gouvernance partagée prend du temps",
    "les petites structures ont besoin d’un appui administratif", "la confiance ne se décrète pas",
    "l’évaluation doit être prévue dès le départ", "les élus doivent accepter de lâcher prise",
    "le droit à l’erreur est une condition de l’innovation",
)
ALLIANCE_DE = (
    "d’une PME inventive", "d’une association ancrée dans son quartier",
    "d’une collectivité qui accepte de lâcher prise", "d’une fondation patiente",
    "d’une ETI capable d’industrialiser", "d’une université ouverte sur son territoire",
    "d’habitants mobilisés", "d’un grand groupe attentif à son ancrage local",
    "d’un réseau associatif solide", "d’une institution publique à l’écoute",
)
CITATIONS = (
    "On ne réussit pas seul : il a fallu apprendre à travailler avec des gens qui ne parlaient "
    "pas la même langue que nous",
    "Au début, on se regardait un peu en chiens de faïence ; aujourd’hui, on se téléphone tous "
    "les jours",
    "Ce n’est pas de la charité, c’est un échange : chacun y trouve son compte",
    "Sans {ressource_courte}, rien n’aurait été possible",
    "Ici, {besoin} n’est plus une fatalité",
    "Je ne pensais pas qu’une entreprise et une association pouvaient travailler ensemble aussi "
    "simplement",
    "{nb3} {public} ont retrouvé un travail : c’est notre meilleure réponse aux sceptiques",
    "Le plus difficile a été de convaincre les premiers partenaires ; après, tout s’est enchaîné",
    "Nous avons appris à dire non à certains projets pour mieux réussir les autres",
    "Les habitants sont devenus nos meilleurs ambassadeurs",
    "On a gagné du temps, de l’argent et surtout des collègues",
    "{duree_cap} de travail commun valent mieux que dix rapports",
    "Notre métier, ce n’est pas l’insertion, mais nous avons découvert que nous savions "
    "transmettre",
    "Le territoire avait tout ce qu’il fallait ; il manquait quelqu’un pour relier les acteurs",
    "Quand les {public} poussent la porte, ils savent qu’on ne les jugera pas",
    "On parle beaucoup de {theme} ; ici, on a commencé par agir",
)
DIT = ("résume", "explique", "souligne", "raconte", "reconnaît", "observe", "sourit",
       "insiste", "témoigne", "rappelle", "précise", "constate")
RESSOURCES_COURTES = ("ce local", "les bénévoles", "la fondation", "l’appui des élus",
                      "le soutien de l’entreprise", "l’atelier", "la convention")
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre",
        "octobre", "novembre", "décembre")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "premier samedi du mois")
DUREES = ("dix-huit mois", "trois ans", "deux saisons", "{nb} semaines", "une année scolaire",
          "deux ans", "six mois", "quatre ans", "neuf mois", "cinq ans")
CATEGORY_PROSE = {
    "grande-entreprise": ("un grand groupe", "grand groupe présent dans toute la région"),
    "eti": ("une ETI", "ETI familiale de {nb3} salariés"),
    "pme": ("une PME", "PME de {nb} salariés installée {lieu_proche}"),
    "association": ("une association", "association créée en {annee_ancienne}"),
    "fondation": ("une fondation", "fondation engagée depuis {annee_ancienne}"),
    "collectivite": ("une intercommunalité", "collectivité de {nb} communes"),
    "institution": ("un organisme public", "établissement public"),
    "universite": ("l’université", "établissement d’enseignement supérieur"),
    "citoyens": ("des habitants", "collectif de {nb} habitants"),
}
NETWORK_LEADS = {"METI": ("eti",), "RNMA": ("association",), "ANPP": ("collectivite",)}
HEADINGS = {
    "context": ("Le contexte", "Le point de départ", "Aux origines du projet", "Le constat",
                "Un besoin mal couvert", "Un territoire en quête de solutions"),
    "alliance": ("L’alliance", "Le partenariat", "Qui fait quoi", "Les rôles de chacun",
                 "La méthode", "Une alliance à plusieurs voix"),
    "extra": ("Le financement", "La gouvernance", "La parole aux habitants",
              "Le rôle des bénévoles", "Le calendrier", "Les outils communs"),
    "results": ("Ce qui a changé", "Les premiers résultats", "Les effets", "Un premier bilan",
                "Ce que cela change"),
    "lessons": ("Les enseignements", "Ce qu’il faut retenir", "Points de vigilance",
                "Les conditions de la réussite", "Les limites"),
    "further": ("Pour aller plus loin", "Et après ?", "Les prochaines étapes", "Perspectives"),
}
TABLES = (
    ("Année", "Personnes accompagnées", "Sorties vers l’emploi", "Entreprises engagées"),
    ("Saison", "Tonnes collectées", "Bénévoles", "Partenaires"),
    ("Année scolaire", "Repas servis", "Producteurs", "Cantines livrées"),
    ("Année", "Missions réalisées", "Heures de mécénat", "Associations aidées"),
    ("Année", "Trajets", "Véhicules", "Kilomètres évités"),
    ("Année", "Adhérents", "Ateliers", "Budget (k€)"),
)

# Sentence templates by section. Slots are filled lazily (see ``Writer.slot``).
CONTEXT = (
    "{ouv}{lieu}, {besoin} pèse d’abord sur les {public}.",
    "{lieu}, {besoin} préoccupe désormais {acteurs}.",
    "Le bassin {commune_de} compte {nb3} entreprises, souvent familiales, et un taux de chômage "
    "supérieur à la moyenne {echelle}.",
    "Les {metier} manquent partout, mais plus encore {lieu}, où {pct} des postes ouverts en "
    "{annee_debut} n’ont pas trouvé preneur.",
    "{acteur} faisait le même constat à chaque vague de recrutement : {besoin} freinait "
    "l’accès à l’emploi des {public}.",
    "Personne ne contestait le diagnostic ; il manquait un lieu, des moyens et surtout "
    "quelqu’un pour réunir les acteurs autour de la table.",
    "Entre {commune} et {commune_locale}, {nb} kilomètres séparent les villages des premiers "
    "services, et le premier car part rarement avant {heure}.",
    "En {annee_debut}, une enquête conduite par {org} auprès de {nb3} {public} a montré que "
    "{pct} d’entre eux renonçaient à {renoncement}.",
    "Les dispositifs existants — {dispositif}, {dispositif2} — ne répondaient qu’en partie au "
    "problème.",
    "Dans ce territoire de {big} habitants, {secteur} reste le premier employeur, mais "
    "{besoin} inquiète les élus.",
    "L’idée est née lors d’une rencontre organisée par {org} en {mois} {annee_debut}.",
    "Le quartier {quartier} avait vu fermer en quelques années sa poste, sa pharmacie et "
    "deux de ses trois commerces.",
    "{ouv}{partenaire_desc}, cherchait depuis longtemps à s’engager {lieu}.",
    "Les chiffres sont connus : {pct} des {public} du territoire déclarent avoir déjà renoncé à "
    "{renoncement}.",
    "Dans la vallée {riviere_de}, {secteur} a longtemps fait vivre les familles ; la fermeture "
    "du dernier site, en {annee_ancienne}, a laissé un vide.",
    "Ni les collectivités ni les entreprises ne pouvaient régler seules {besoin}.",
    "{acteurs} connaissaient le problème depuis des années, sans avoir jamais travaillé "
    "ensemble pour le résoudre.",
    "À {commune_locale}, à quelques kilomètres, une expérience comparable avait échoué faute "
    "de partenaires.",
)
ALLIANCE = (
    "{ouv}{partenaire} {vs} {objet} {compl}.",
    "{partenaire} et {partenaire2} ont signé en {annee_debut} une convention de {duree} qui "
    "précise le rôle de chacun.",
    "L’alliance repose sur {nombre} engagements simples, inscrits dans {document}.",
    "{partenaire_desc}, {vs} {objet} {compl}.",
    "{ouv}{acteurs} {vp} {objet} {compl}.",
    "Un comité de pilotage réunit les partenaires tous les {periode} ; {personne_role}, en "
    "assure l’animation.",
    "{partenaire} met à disposition {ressource}, tandis que {partenaire2} {vs} {objet}.",
    "Les salariés volontaires {partenaire_de} consacrent {temps} à {mission}.",
    "{ouv}{acteur} {vs} {objet}, {compl2}.",
    "Le budget annuel, de l’ordre de {montant}, est couvert à {pct} par {partenaire}.",
    "{personne_role}, a joué un rôle d’assembleur : {mission}, puis {mission2}.",
    "Chaque partenaire garde son indépendance ; la convention fixe seulement {objet} et "
    "{objet2}.",
    "{acteurs} se retrouvent {compl} pour faire le point sur {objet}.",
    "{partenaire} apporte son savoir-faire dans {secteur}, {partenaire2} sa connaissance fine "
    "des {public}.",
)
RESULTS = (
    "En {annee_fin}, {nb3} {public} ont bénéficié d’un accompagnement, dont {pct} ont trouvé "
    "un emploi ou une formation dans les six mois.",
    "Le nombre {indicateur_de} est passé de {nb} à {nb3} en {duree}.",
    "{acteurs} ne travaillent plus chacun de leur côté : {resultat}.",
    "Au total, {montant} ont été mobilisés, dont {pct} apportés par des acteurs privés.",
    "Les premiers résultats sont encourageants, même si {reserve}.",
    "Plusieurs {public} ont ensuite rejoint {partenaire}, qui en a fait un vivier pour ses "
    "propres besoins.",
    "Le lieu accueille aujourd’hui {nb3} personnes par semaine, des {public} aux {public2}.",
    "{ouv}{resultat}, et {resultat2}.",
    "Le coût par personne accompagnée, environ {nb3} euros, reste inférieur à celui des "
    "dispositifs classiques.",
    "{partenaire} a vu son chiffre d’affaires progresser de {pct} depuis {annee_debut}.",
    "Une évaluation menée par {org} en {annee_fin} confirme que {resultat}.",
    "Les {indicateur} ont augmenté de {pct} en {duree}, au-delà des objectifs fixés.",
)
LESSONS = (
    "Le projet illustre ce que peut produire l’alliance {alliance_de} et {alliance_de2}.",
    "Rien ne se serait fait sans {condition}.",
    "La principale difficulté tient à {difficulte}.",
    "{personne} insiste sur un point : {lecon}.",
    "Reproduire la démarche ailleurs suppose {condition} et {condition2}.",
    "Le temps long est une condition : il a fallu {duree} pour constater que {resultat}.",
    "{ouv}les partenaires ont appris que {lecon}.",
    "Reste une question ouverte : comment maintenir l’engagement une fois passé l’effet de "
    "nouveauté ?",
    "{difficulte_cap} a obligé les partenaires à revoir leur organisation à deux reprises.",
    "L’expérience montre aussi que {lecon}.",
)
FURTHER = (
    "Une deuxième phase est à l’étude pour étendre la démarche {lieu_proche}.",
    "{partenaire} souhaite désormais associer {acteurs} à la gouvernance du projet.",
    "Les partenaires prévoient de publier un bilan complet en {annee_suivante}.",
    "D’autres territoires se sont déjà renseignés sur la méthode, notamment {lieu_proche}.",
    "Le prochain chantier porte sur {objet}, avec l’appui {org_de}.",
)
GENERIC = (
    "{ouv}{acteur} {vs} {objet} {compl}.",
    "{ouv}{acteurs} {vp} {objet} {compl}.",
    "{acteur} {vs} {objet}, un point souvent négligé.",
    "Le volet « {theme} » a pris une place croissante au fil du projet.",
    "{ouv}{partenaire} {vs} {objet}.",
    "Rien de spectaculaire, mais {resultat}.",
    "Pour les {public}, {objet} représente un changement très concret.",
    "{partenaire} y voit un moyen de {but}.",
    "{personne_role}, le résume d’une formule : « {citation} ».",
    "Les échanges ont lieu {compl}, dans un climat de confiance que chacun souligne.",
    "Le bouche-à-oreille a fait le reste : {resultat}.",
    "{ouv}{acteurs} disent avoir découvert un autre métier.",
    "Au cœur du projet, {besoin} reste la préoccupation première.",
    "{partenaire} a pris sa part, en apportant {ressource}.",
)
EXTRA = (
    *GENERIC,
    "Le budget annuel s’élève à {montant}, dont {pct} de fonds privés.",
    "{partenaire_desc}, siège au comité de pilotage aux côtés {partenaire_de}.",
    "Les décisions se prennent au consensus, lors de réunions ouvertes {compl}.",
    "Un tableau de bord partagé suit {nb} indicateurs, dont le nombre {indicateur_de}.",
    "{personne_role}, tient le calendrier et prépare chaque comité.",
)
BUTS = ("fidéliser ses salariés", "ancrer son activité dans le territoire",
        "renouveler ses pratiques", "donner du sens à son engagement",
        "mieux connaître ses voisins", "toucher de nouveaux publics",
        "recruter autrement", "tenir ses engagements de responsabilité sociétale")
LIST_INTROS = (
    "Le partage des rôles a été formalisé dans {document} :",
    "L’accord tient en quelques engagements :",
    "Les premières actions ont porté sur plusieurs domaines :",
    "Concrètement, les partenaires se sont réparti les tâches :",
    "Le dispositif s’organise en plusieurs volets :",
    "Les attentes exprimées dépassaient largement le cadre initial :",
)
LIST_ITEMS = (
    "{partenaire} {vs} {objet} {compl}",
    "{acteur} {vs} {objet}",
    "{acteurs} {vp} {objet} {compl}",
    "{partenaire} met à disposition {ressource}",
    "les salariés volontaires consacrent {temps} à {mission}",
    "{partenaire} se charge de {mission}",
)
FOOTNOTES = (
    "Source : rapport d’activité {annee_fin} {org_de}.",
    "Convention signée le {jour_mois} {mois} {annee_debut} pour une durée de {duree}.",
    "Le mécénat de compétences relève du régime fiscal du mécénat d’entreprise (article 238 bis "
    "du Code général des impôts).",
    "Chiffres arrêtés au 31 décembre {annee_fin}.",
    "Enquête menée auprès de {nb3} {public} par {org}, {mois} {annee_debut}.",
    "Le dispositif a été présenté lors des rencontres régionales de l’innovation sociale de "
    "{annee_fin}.",
)


FILLER_WORDS = frozenset({"un", "une", "des", "les", "le", "la", "l", "d", "de", "du", "aux",
                          "au", "a", "pour", "en"})

# --------------------------------------------------------------------------------------
# One monograph.


@dataclass(slots=True)
class Place:
    """A territory as written in the front matter, and how the prose names it."""

    yaml: list[tuple[str, str]]  # (key, value) pairs in writing order
    in_form: str  # "à Rodez", "dans l’Aveyron", "en Occitanie", "en France", "au Maroc"
    label: str  # short name for slugs and link texts
    folder: str  # region slug, "national" or "international"
    department: Department | None = None
    commune: str | None = None


@dataclass(slots=True)
class Doc:
    index: int
    date: dt.date
    updated: dt.date | None
    draft: bool
    networks: list[str]
    alliances: list[str]
    places: list[Place]
    partners: list[Organisation]
    stakeholders: list[str] | None
    themes: list[str]
    authors: list[str]
    title: str
    summary: str
    stem: str
    slug: str | None
    folder: str = ""

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.stem}.md"


class Writer:
    """Fills sentence templates for one monograph from its facts."""

    def __init__(self, rng: random.Random, corpus: Corpus, doc: Doc) -> None:
        self.rng = rng
        self.corpus = corpus
        self.doc = doc
        self.place = doc.places[0]
        self.start = doc.date.year - rng.randint(1, 4)
        self.quartiers = [self._quartier() for _ in range(rng.randint(1, 2))]
        self.people: list[tuple[str, str]] = [self._person() for _ in range(rng.randint(2, 3))]
        self._decks: dict[int, list[str]] = {}

    def draw(self, family: Sequence[str]) -> str:
        """A template of ``family``, not repeated before the family is used up."""
        deck = self._decks.setdefault(id(family), [])
        if not deck:
            deck.extend(family)
            self.rng.shuffle(deck)
        return deck.pop()

    # -- building blocks ---------------------------------------------------------------
    def _quartier(self) -> str:
        rng = self.rng
        r = root(rng)
        return rng.choice((f"des {r}" if r.endswith(("s", "x")) else f"des {r}s",
                           f"de la {root(rng, ('ière', 'ette', 'ine', 'elle'))}",
                           f"du {root(rng, ('on', 'ot', 'ier', 'and'))}",
                           f"Saint-{rng.choice(SAINTS)}", f"des {rng.choice(SAINTES)}s"))

    def _person(self) -> tuple[str, str]:
        """(name, "name, role of organisation"): one role per person in a monograph."""
        rng = self.rng
        first, gender = rng.choice(FIRST_NAMES)
        name = f"{first} {rng.choice(SURNAMES) if rng.random() < 0.45 else surname(rng)}"
        role = rng.choice(ROLES)[0 if gender == "m" else 1]
        return name, f"{name}, {role} {self._org().of_form}"

    def _org(self, slots: Slots | None = None, partner: float = 0.8) -> Organisation:
        """A partner (mostly) or another organisation of the place, new to the sentence."""
        for _ in range(6):
            if self.doc.partners and self.rng.random() < partner:
                org = self.rng.choice(self.doc.partners)
            else:
                org = self.corpus.pick_org(self.rng, self.place)
            if slots is None or org.name not in slots.orgs:
                break
        if slots is not None:
            slots.orgs.add(org.name)
        return org

    def _commune_locale(self) -> str:
        dep = self.place.department
        return self.rng.choice(dep.communes) if dep else root(self.rng)

    def _number(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        return f"{n:,}".replace(",", NNBSP)

    def fill(self, template: str) -> str:
        """``template`` with its slots filled, spaces and stray commas tidied."""
        return tidy(template.format_map(Slots(self)))

    def sentence(self, template: str) -> str:
        return cap(self.fill(template))

    def slot(self, key: str, slots: Slots) -> str:
        rng = self.rng
        if key[-1] == "2" and key[:-1] in SLOT_NAMES:
            for _ in range(4):
                value = self.slot(key[:-1], slots)
                if value != slots.get(key[:-1]):
                    break
            return value
        if key.endswith("_cap"):
            return cap(self.slot(key[:-4], slots))
        if key == "ouv":
            return "" if rng.random() < 0.55 else rng.choice(OPENERS).format_map(slots) + ", "
        if key == "lieu":
            return self.place.in_form
        if key == "lieu_proche":
            dep = self.place.department
            return commune_in(self._commune_locale()) if dep else self.place.in_form
        if key == "commune":
            return self.place.commune or self._commune_locale()
        if key == "commune_de":
            return commune_of(self.place.commune or self._commune_locale())
        if key == "commune_locale":
            return self._commune_locale()
        if key == "commune_locale_de":
            return commune_of(self._commune_locale())
        if key == "riviere_de":
            dep = self.place.department
            return elide("de", rng.choice(dep.rivers) if dep else root(rng))
        if key == "quartier":
            return rng.choice(self.quartiers)
        if key == "acteur":
            if self.doc.partners and rng.random() < 0.4:
                return self._org(slots, partner=1).subject
            return rng.choice(SUBJECTS_S)
        if key == "acteurs":
            return rng.choice(SUBJECTS_P)
        if key == "partenaire":
            return self._org(slots).subject
        if key == "partenaire_de":
            return self._org(slots).of_form
        if key == "org":
            return self._org(slots, partner=0.3).subject
        if key == "org_de":
            return self._org(slots, partner=0.6).of_form
        if key == "partenaire_desc":
            org = self._org(slots)
            return f"{org.subject}, {CATEGORY_PROSE[org.category][1].format_map(slots)}"
        if key == "vs":
            return rng.choice(VERBS_S)
        if key == "vp":
            return rng.choice(VERBS_P)
        if key == "objet":
            obj = rng.choice(OBJETS)
            return obj + (" " + commune_of(self._commune_locale()) if rng.random() < 0.12 else "")
        if key == "compl":
            return rng.choice(COMPLEMENTS).format_map(slots)
        if key == "personne":
            return rng.choice(self.people)[0]
        if key == "personne_role":
            return rng.choice(self.people)[1]
        if key == "citation":
            return rng.choice(CITATIONS).format_map(slots)
        if key == "dit":
            return rng.choice(DIT)
        if key == "public":
            return rng.choice(PUBLICS)
        if key == "metier":
            return rng.choice(METIERS)
        if key == "secteur":
            return rng.choice(SECTORS_PROSE)
        if key == "besoin":
            return rng.choice(BESOINS)
        if key == "renoncement":
            return rng.choice(RENONCEMENTS)
        if key == "dispositif":
            return rng.choice(DISPOSITIFS)
        if key == "echelle":
            return rng.choice(("régionale", "départementale", "nationale"))
        if key == "heure":
            return f"{rng.randint(5, 8)} h {rng.choice(('00', '15', '30', '45'))}"
        if key == "annee_debut":
            return str(self.start)
        if key == "annee_fin":
            return str(min(self.doc.date.year, self.start + rng.randint(1, 4)))
        if key == "annee_suivante":
            return str(self.doc.date.year + rng.randint(1, 2))
        if key == "annee_ancienne":
            return str(rng.randint(1948, self.start - 1))
        if key == "mois":
            return rng.choice(MOIS)
        if key == "jour":
            return rng.choice(JOURS)
        if key == "jour_mois":
            return rng.choice(("1er", *(str(d) for d in range(2, 29))))
        if key == "duree":
            return rng.choice(DUREES).format_map(slots)
        if key == "periode":
            return rng.choice(("deux mois", "trimestres", "six mois", "mois"))
        if key == "nombre":
            return rng.choice(("trois", "quatre", "cinq", "deux"))
        if key == "nb":
            return str(rng.randint(2, 60))
        if key == "nb3":
            return self._number(12, 2400)
        if key == "big":
            return self._number(3000, 180000)
        if key == "pct":
            return f"{rng.randint(5, 92)} %"
        if key == "montant":
            if rng.random() < 0.6:
                return f"{rng.randint(15, 950)}{NNBSP}000 euros"
            return f"{rng.randint(2, 9)},{rng.randint(1, 9)} millions d’euros"
        if key == "theme":
            return rng.choice(self.doc.themes)
        if key == "document":
            return rng.choice(DOCUMENTS)
        if key == "ressource":
            return rng.choice(RESSOURCES).format_map(slots)
        if key == "ressource_courte":
            return rng.choice(RESSOURCES_COURTES)
        if key == "temps":
            return rng.choice(TEMPS).format_map(slots)
        if key == "mission":
            return rng.choice(MISSIONS)
        if key == "batiment":
            return rng.choice(BATIMENTS)
        if key == "indicateur_de":
            return elide("de", rng.choice(INDICATEURS))
        if key == "indicateur":
            return rng.choice(INDICATEURS)
        if key == "but":
            return rng.choice(BUTS)
        if key == "resultat":
            return rng.choice(RESULTATS)
        if key == "reserve":
            return rng.choice(RESERVES)
        if key == "condition":
            return rng.choice(CONDITIONS)
        if key == "difficulte":
            return rng.choice(DIFFICULTES)
        if key == "lecon":
            return rng.choice(LECONS)
        if key == "alliance_de":
            return rng.choice(ALLIANCE_DE)
        raise KeyError(key)

    # -- blocks ------------------------------------------------------------------------
    def paragraph(self, family: Sequence[str], sentences: int) -> str:
        rng = self.rng
        chosen = [self.draw(family if rng.random() < 0.8 else GENERIC) for _ in range(sentences)]
        return " ".join(self.sentence(t) for t in chosen)

    def quote(self) -> str:
        said = self.sentence("{citation}")
        return f"« {said} », {self.rng.choice(DIT)} {self.rng.choice(self.people)[1]}."

    def bullet_list(self) -> str:
        rng = self.rng
        n = rng.randint(3, 5)
        bold = rng.random() < 0.25
        numbered = not bold and rng.random() < 0.15
        lines = [self.sentence(self.draw(LIST_INTROS)), ""]
        for i in range(n):
            item = self.fill(self.draw(LIST_ITEMS))
            end = "." if i == n - 1 else " ;"
            if bold:
                label = rng.choice(OBJETS).split(" ", 1)[1]
                item = f"**{label}** : {item}"
            marker = f"{i + 1}." if numbered else "-"
            lines.append(f"{marker} {item}{end}")
        return "\n".join(lines)

    def table(self) -> str:
        rng = self.rng
        header = rng.choice(TABLES)
        rows = rng.randint(3, 5)
        first = max(FIRST_DAY.year - 2, self.doc.date.year - rows)
        values = [rng.randint(5, 400) for _ in header[1:]]
        intro = self.sentence(rng.choice((
            "Les chiffres suivis par le comité de pilotage montrent une progression régulière :",
            "Quelques indicateurs, suivis chaque année par {partenaire} :",
            "L’évolution depuis le lancement :")))
        lines = [intro, "", "| " + " | ".join(header) + " |",
                 "| --- |" + " ---: |" * (len(header) - 1)]
        for r in range(rows):
            year = first + r
            label = f"{year}-{year + 1}" if header[0] == "Année scolaire" else str(year)
            lines.append(f"| {label} | " + " | ".join(
                f"{v:,}".replace(",", NNBSP) for v in values) + " |")
            values = [v + rng.randint(0, max(3, v // 2)) for v in values]
        return "\n".join(lines)


class Slots(dict[str, str]):
    """A template's slots, filled on first use and then fixed for the sentence."""

    def __init__(self, writer: Writer) -> None:
        super().__init__()
        self.writer = writer
        self.orgs: set[str] = set()  # organisations already named in the sentence

    def __missing__(self, key: str) -> str:
        value = self.writer.slot(key, self)
        self[key] = value
        return value


SLOT_NAMES = frozenset({
    "partenaire", "dispositif", "public", "mission", "objet", "condition", "alliance_de",
    "resultat", "commune", "compl", "annee_fin", "acteur", "acteurs", "org",
})


# --------------------------------------------------------------------------------------
# The corpus.


@dataclass(slots=True)
class Corpus:
    seed: int
    count: int
    vocab: dict[str, list[tuple[str, list[str]]]]
    departments: list[Department]
    regions: dict[str, str]
    pool: OrgPool
    docs: list[Doc] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)
    _authors: list[str] = field(default_factory=list)
    _titles: set[str] = field(default_factory=set)
    """The slugs of the titles given: each is given once."""
    _dept_weights: list[float] = field(default_factory=list)

    def pick_org(self, rng: random.Random, place: Place, lead: Sequence[str] = ()) -> Organisation:
        """An organisation plausible for ``place``: mostly local, sometimes national."""
        if place.folder == "international" and rng.random() < 0.6:
            country = place.yaml[0][1]
            return rng.choice(self.pool.foreign[country])
        dep = place.department
        if dep is None and place.folder not in ("national", "international"):
            code = next(c for c, n in self.regions.items() if slugify(n) == place.folder)
            dep = rng.choice([d for d in self.departments if d.region_code == code])
        roll = rng.random()
        if dep is not None and roll < 0.78:
            local = self.pool.local[dep.code]
            if roll < 0.1:
                neighbours = [d for d in self.departments if d.region_code == dep.region_code]
                local = self.pool.local[rng.choice(neighbours).code]
            if lead:
                leading = [o for o in local if o.category in lead]
                if leading:
                    return rng.choice(leading)
            return rng.choice(local)
        weights = self.pool.national_weights
        return self.pool.national[bisect.bisect(weights, rng.random() * weights[-1])
                                  if weights else 0]

    # -- phase 1: front matter ---------------------------------------------------------
    def make_docs(self) -> None:
        rng = random.Random(self.seed)
        self._authors = [f"{f} {rng.choice(SURNAMES) if rng.random() < 0.6 else surname(rng)}"
                         for f, _ in (rng.choice(FIRST_NAMES) for _ in range(90))]
        self._authors = list(dict.fromkeys(self._authors))
        span = (LAST_DAY - FIRST_DAY).days
        for index in range(self.count):
            day = FIRST_DAY + dt.timedelta(days=rng.randint(0, span))
            updated = None
            if rng.random() < 0.22:
                updated = min(LAST_DAY, day + dt.timedelta(days=rng.randint(0, 600)))
            self.docs.append(self._doc(rng, index, day, updated))

    def _ids(self, section: str) -> list[str]:
        return [i for i, _ in self.vocab[section]]

    def _place(self, rng: random.Random, kind: str, near: Department | None = None) -> Place:
        if kind == "foreign":
            country, in_form, region, commune = rng.choice(FOREIGN)
            pairs = [("country", country)]
            if region:
                pairs.append(("region", region))
            if commune:
                pairs.append(("commune", commune))
            return Place(pairs, commune_in(commune) if commune else in_form,
                         commune or country, "international", commune=commune)
        if kind == "country":
            return Place([("country", "France")], "en France", "France", "national")
        if kind == "region":
            code = rng.choice(sorted(self.regions))
            name = self.regions[code]
            return Place([("region", name)], REGION_IN.get(code, "en " + name),
                         name.replace("'", "’"), slugify(name))
        if near is not None:
            pool = [d for d in self.departments
                    if d.region_code == near.region_code and d is not near]
            dep = rng.choice(pool) if pool and rng.random() < 0.7 else rng.choice(
                self.departments)
        else:
            dep = rng.choice(self.departments)
        pairs = []
        if rng.random() < 0.08:
            pairs.append(("region", dep.region))
        pairs.append(("department", dep.code if rng.random() < 0.5 else dep.name))
        commune = None
        if rng.random() < 0.85:
            commune = dep.communes[0] if rng.random() < 0.25 else rng.choice(dep.communes)
            pairs.append(("commune", commune))
        in_form = commune_in(commune) if commune else dep.in_form
        return Place(pairs, in_form, commune or dep.prose_name, slugify(dep.region), dep, commune)

    def _doc(self, rng: random.Random, index: int, day: dt.date,
             updated: dt.date | None) -> Doc:
        roll = rng.random()
        kind = ("department" if roll < 0.8 else "region" if roll < 0.89
                else "country" if roll < 0.955 else "foreign")
        places = [self._place(rng, kind)]
        if kind == "department" and rng.random() < 0.09:
            second = self._place(rng, "department", near=places[0].department)
            if second.department is not places[0].department:
                places.append(second)
        networks = self._ids("networks")
        chosen_networks = rng.sample(networks, 2 if rng.random() < 0.15 else 1)
        alliances = rng.sample(self._ids("alliance_types"), 2 if rng.random() < 0.45 else 1)
        lead = tuple(c for n in chosen_networks for c in NETWORK_LEADS.get(n, ()))
        partners: list[Organisation] = []
        wanted = rng.choices(range(6), weights=(8, 12, 22, 25, 20, 13))[0]
        for attempt in range(wanted * 3):
            org = self.pick_org(rng, places[attempt % len(places)], () if partners else lead)
            if org not in partners:
                partners.append(org)
            if len(partners) == wanted:
                break
        categories = list(dict.fromkeys(p.category for p in partners))
        stakeholders: list[str] | None = list(categories)
        if not partners or rng.random() < 0.3:
            extra = rng.sample(CATEGORIES, rng.randint(1, 2 if partners else 3))
            stakeholders = list(dict.fromkeys([*categories, *extra]))
        elif rng.random() < 0.1:
            stakeholders = None  # inferred from the partners
        if stakeholders is not None:
            order = self._ids("stakeholders")
            stakeholders.sort(key=order.index)
        themes: list[str] = []
        target = rng.randint(2, 5)
        while len(themes) < target:
            theme = rng.choices(THEME_NAMES, cum_weights=THEME_WEIGHTS)[0]
            if theme not in themes:
                themes.append(theme)
        authors = (rng.sample(self._authors, rng.choice((1, 1, 2)))
                   if rng.random() < 0.35 else [])
        doc = Doc(index, day, updated, rng.random() < 0.02, chosen_networks, alliances,
                  places, partners, stakeholders, themes, authors, "", "", "", None)
        doc.title, topic = self._title(rng, doc)
        doc.summary = self._summary(rng, doc)
        doc.stem, doc.slug = self._names_for(rng, doc, topic)
        return doc

    def _title(self, rng: random.Random, doc: Doc) -> tuple[str, str]:
        """The title, and the thing it is about (for the file name)."""
        place = doc.places[0]
        for _ in range(30):
            plural = rng.random() < 0.3
            if plural:
                subj = (rng.choice(TITLE_SUBJECTS_S) + " et " + rng.choice(TITLE_SUBJECTS_S)
                        if rng.random() < 0.5 else rng.choice(TITLE_SUBJECTS_P))
            else:
                subj = rng.choice(TITLE_SUBJECTS_S)
                if doc.partners and rng.random() < 0.25:
                    subj = rng.choice(doc.partners).subject
            verb = rng.choice(TITLE_VERBS)[1 if plural else 0]
            obj = rng.choice(TITLE_OBJECTS)
            tail = rng.choice(("", "", f"pour les {rng.choice(PUBLICS)}",
                               f"avec {rng.choice(TITLE_SUBJECTS_S)}", "au cœur du quartier"))
            form = rng.randrange(7)
            if form <= 1:
                title = f"{cap(place.in_form)}, {subj} {verb} {obj} {tail}"
            elif form == 2:
                title = f"{cap(rng.choice(doc.themes))} : {subj} {verb} {obj} {tail}"
            elif form == 3:
                subj1 = subj if not plural else rng.choice(TITLE_SUBJECTS_S)
                subj2 = rng.choice(TITLE_SUBJECTS_P)
                title = f"Quand {subj1} et {subj2} {rng.choice(TITLE_VERBS)[1]} {obj}"
            elif form == 4:
                project = rng.choice((f"Cap {place.label}", f"{root(rng, BRAND_ENDINGS)} Solidaire",
                                      f"Les Ateliers {commune_of(place.label)}",
                                      f"Ensemble {place.in_form}", f"Tremplin {root(rng)}"))
                title = f"« {project} » : {subj} {verb} {obj}"
            elif form == 5:
                title = f"Comment {subj} {verb} {obj} {place.in_form}"
            else:
                title = f"{cap(subj)} {verb} {obj} {place.in_form}"
            title = " ".join(title.split())
            if 6 <= len(title.split()) <= 14 and slugify(title) not in self._titles:
                self._titles.add(slugify(title))
                return title, obj
        # Rare: numbered, so that it is another monograph's title no more than the others.
        title = (f"{cap(place.in_form)}, une alliance locale pour l’emploi et la solidarité "
                 f"(n° {doc.index + 1})")
        self._titles.add(slugify(title))
        return title, "alliance locale"

    def _summary(self, rng: random.Random, doc: Doc) -> str:
        writer = Writer(rng, self, doc)
        for _ in range(20):
            if doc.partners and rng.random() < 0.6:
                who = [CATEGORY_PROSE[p.category][0] for p in doc.partners[:4]]
                who = list(dict.fromkeys(who))
                actors = who[0] if len(who) == 1 else ", ".join(who[:-1]) + " et " + who[-1]
                verb = "ont" if len(who) > 1 or actors.startswith("des") else "a"
                done = rng.choice(("mis en place", "créé", "lancé", "structuré", "imaginé"))
                first = (f"{cap(doc.places[0].in_form)}, {actors} {verb} {done} "
                         f"{rng.choice(OBJETS)} {writer.fill('{compl}')}")
            else:
                first = writer.sentence("{partenaire_desc}, {vs} {objet} {compl}")
            second = writer.sentence(rng.choice((
                "En {duree}, {nb3} {public} en ont bénéficié",
                "Le projet associe {objet}, {objet2} et un accompagnement des {public}",
                "{resultat_cap}, même si {reserve}",
                "Les partenaires y voient une réponse durable à {besoin}",
                "{acteurs} {vp} {objet} {lieu}",
            )))
            text = tidy(f"{cap(first)}. {second}.")
            if len(text) <= 400:
                return text
        return f"{cap(doc.places[0].in_form)}, des partenaires s’allient pour l’emploi. " \
               "Le projet se poursuit."

    def _names_for(self, rng: random.Random, doc: Doc, topic: str) -> tuple[str, str | None]:
        """A file name unique in the corpus, and sometimes a ``slug:`` (also unique)."""
        words = [w for w in slugify(topic).split("-") if w not in FILLER_WORDS]
        key = "-".join(words[:3])
        place = slugify(doc.places[0].label)
        candidates = itertools.chain(
            (f"{key}-{place}", f"{key}-{place}-{doc.date.year}"),
            (f"{key}-{place}-{doc.date.year}-{n}" for n in itertools.count(2)))
        stem = next(c for c in candidates if c not in self._names)
        self._names.add(stem)
        slug = None
        if rng.random() < 0.04:
            short = f"{slugify(doc.themes[0])}-{place}"
            options = itertools.chain((short,), (f"{short}-{n}" for n in itertools.count(2)))
            slug = next(c for c in options if c not in self._names)
            self._names.add(slug)
        return stem, slug

    # -- phase 2: folders --------------------------------------------------------------
    def assign_folders(self) -> None:
        groups: dict[str, list[Doc]] = {}
        for doc in self.docs:
            groups.setdefault(doc.places[0].folder, []).append(doc)
        years = LAST_DAY.year - FIRST_DAY.year + 1
        for name, docs in groups.items():
            # Split a big group into equal spans of years: 4 × 2 years, then 8 × 1 year.
            span = years
            while len(docs) * span / years > SPLIT_ABOVE and span > 1:
                span //= 2
            for doc in docs:
                if span == years:
                    doc.folder = name
                    continue
                first = FIRST_DAY.year + (doc.date.year - FIRST_DAY.year) // span * span
                years_label = str(first) if span == 1 else f"{first}-{first + span - 1}"
                doc.folder = f"{name}/{years_label}"

    # -- phase 3: bodies ---------------------------------------------------------------
    def body(self, doc: Doc, images: Sequence[str]) -> str:
        rng = random.Random(f"{self.seed}:body:{doc.index}")
        w = Writer(rng, self, doc)
        target = int(rng.triangular(560, 920, 735))  # blocks overshoot by ~70 words
        plan = ["context", "alliance"]
        if rng.random() < 0.4:
            plan.append("extra")
        plan += ["results", "lessons"]
        if rng.random() < 0.55:
            plan.append("further")
        shares = {"context": 0.24, "alliance": 0.32, "extra": 0.13, "results": 0.22,
                  "lessons": 0.17, "further": 0.06}
        total_share = sum(shares[s] for s in plan)
        families = {"context": CONTEXT, "alliance": ALLIANCE, "extra": EXTRA,
                    "results": RESULTS, "lessons": LESSONS, "further": FURTHER}
        want_list = rng.random() < 0.7
        want_table = rng.random() < 0.12
        want_quote = rng.random() < 0.7
        want_footnote = rng.random() < 0.1
        want_image = bool(images) and rng.random() < 0.03
        links = self._links(rng, doc)
        blocks: list[str] = []
        footnote_done = False
        for section in plan:
            blocks.append("## " + rng.choice(HEADINGS[section]))
            budget = target * shares[section] / total_share
            spent = 0
            first = True
            while spent < budget or first:
                if section == "further" and links and first:
                    block = self._link_paragraph(rng, doc, links)
                    links = []
                elif section == "alliance" and want_list and not first:
                    block = w.bullet_list()
                    want_list = False
                elif section == "results" and want_table and not first:
                    block = w.table()
                    want_table = False
                elif section in ("results", "lessons") and want_quote and not first:
                    block = w.quote()
                    want_quote = False
                elif section == "alliance" and want_image and not first:
                    block = self._image(rng, doc, images)
                    want_image = False
                else:
                    n = rng.randint(1, 3) if section == "further" else rng.randint(2, 5)
                    n = max(1, min(n, round((budget - spent) / 20)))
                    block = w.paragraph(families[section], n)
                    if want_footnote and not footnote_done and section != "context":
                        block = block[:-1] + "[^1]" + block[-1]
                        footnote_done = True
                first = False
                spent += len(block.split())
                blocks.append(block)
        if links:  # no "further" section: the links close the lessons
            blocks.append(self._link_paragraph(rng, doc, links))
        if footnote_done:
            blocks.append("[^1]: " + w.sentence(rng.choice(FOOTNOTES)))
        return "\n\n".join(blocks) + "\n"

    def _links(self, rng: random.Random, doc: Doc) -> list[Doc]:
        if rng.random() >= 0.3 or len(self.docs) < 3:
            return []
        found: list[Doc] = []
        for _ in range(rng.choice((1, 1, 2))):
            for _ in range(10):
                other = self.docs[rng.randrange(len(self.docs))]
                if other is not doc and not other.draft and other not in found:
                    found.append(other)
                    break
        return found

    def _link_paragraph(self, rng: random.Random, doc: Doc, targets: Sequence[Doc]) -> str:
        parts = []
        for other in targets:
            href = posixpath.relpath(other.path, doc.folder)
            text = rng.choice((f"la démarche conduite {other.places[0].in_form}", other.title,
                               f"l’expérience {commune_of(other.places[0].label)}"))
            parts.append(rng.choice((
                f"Pour une démarche comparable, voir [{text}]({href}).",
                f"Le projet s’inspire en partie de [{text}]({href}).",
                f"Ce travail fait écho à [{text}]({href}), autre alliance suivie par le réseau.",
                f"Les partenaires ont rencontré les porteurs de [{text}]({href}).",
            )))
        return " ".join(parts)

    def _image(self, rng: random.Random, doc: Doc, images: Sequence[str]) -> str:
        names = ", ".join(p.name for p in doc.partners[:3]) or "les partenaires"
        href = posixpath.relpath("images/" + rng.choice(images), doc.folder)
        return f"![Schéma de l’alliance : {names}]({href})"

    # -- output ------------------------------------------------------------------------
    def front_matter(self, doc: Doc) -> str:
        lines = ["---", f"title: {quoted(doc.title)}", f"date: {doc.date.isoformat()}"]
        if doc.updated is not None:
            lines.append(f"updated: {doc.updated.isoformat()}")
        lines.append(f"summary: {quoted(doc.summary)}")
        lines.append("network: " + one_or_list(doc.networks))
        lines.append("alliance_type: " + one_or_list(doc.alliances))
        lines.append("territory:")
        if len(doc.places) == 1:
            lines += [f"  {k}: {scalar(v)}" for k, v in doc.places[0].yaml]
        else:
            for place in doc.places:
                for i, (k, v) in enumerate(place.yaml):
                    lines.append(f"  {'- ' if i == 0 else '  '}{k}: {scalar(v)}")
        if doc.stakeholders is not None:
            lines.append("stakeholders: " + flow(doc.stakeholders))
        if doc.partners:
            lines.append("partners:")
            aliases = dict(self.vocab["stakeholders"])
            for org in doc.partners:
                category = org.category
                if aliases.get(category) and (doc.index + len(org.name)) % 9 == 0:
                    category = aliases[category][0]
                lines.append(f"  - name: {scalar(org.name)}")
                lines.append(f"    stakeholder: {category}")
                if org.url and (doc.index + len(org.name)) % 4:
                    lines.append(f"    url: {org.url}")
        lines.append("themes: " + flow(doc.themes))
        if doc.slug is not None:
            lines.append(f"slug: {doc.slug}")
        if doc.authors:
            lines.append("authors: " + flow(doc.authors))
        if doc.draft:
            lines.append("draft: true")
        lines.append("---")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# YAML output.

_PLAIN = re.compile(r"^[^\W\d_][^:#\[\]{},\"\n]*$")
_NOT_TEXT = re.compile(r"^(?:[-+]?[\d.]+|true|false|yes|no|on|off|null|y|n|~)$", re.IGNORECASE)


def quoted(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scalar(text: str) -> str:
    """``text`` plain when YAML reads it back as the same text, else double-quoted."""
    if _PLAIN.match(text) and not _NOT_TEXT.match(text) and not text.endswith(" "):
        return text
    return quoted(text)


def flow(items: Sequence[str]) -> str:
    """A flow list ``[a, b]``."""
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def one_or_list(items: Sequence[str]) -> str:
    return scalar(items[0]) if len(items) == 1 else flow(items)


# --------------------------------------------------------------------------------------
# Small PNG schemas, drawn with the standard library.


def png(width: int, height: int, rgb: bytes) -> bytes:
    """A truecolour PNG of ``width`` × ``height`` pixels, ``rgb`` holding 3 bytes each."""
    row = width * 3
    raw = b"".join(b"\x00" + rgb[y * row:(y + 1) * row] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def schema_png(seed: int, number: int) -> bytes:
    """A schema: coloured boxes around a central one, joined to it by grey lines."""
    rng = random.Random(f"{seed}:image:{number}")
    width, height = 320, 180
    pixels = bytearray(bytes((247, 245, 240)) * (width * height))

    def put(x: int, y: int, colour: bytes) -> None:
        if 0 <= x < width and 0 <= y < height:
            at = (y * width + x) * 3
            pixels[at:at + 3] = colour

    cx, cy = width // 2, height // 2
    boxes = [(cx, cy, bytes((46, 112, 160)))]
    for _ in range(rng.randint(3, 5)):
        boxes.append((rng.randint(30, width - 30), rng.randint(25, height - 25),
                      bytes((rng.randint(60, 220), rng.randint(90, 200), rng.randint(60, 200)))))
    grey = bytes((120, 120, 120))
    for bx, by, _ in boxes[1:]:
        steps = max(abs(bx - cx), abs(by - cy), 1)
        for i in range(steps + 1):
            put(cx + (bx - cx) * i // steps, cy + (by - cy) * i // steps, grey)
    for bx, by, colour in boxes:
        for y in range(by - 13, by + 14):
            for x in range(bx - 22, bx + 23):
                put(x, y, colour)
    return png(width, height, bytes(pixels))


# --------------------------------------------------------------------------------------
# Command line.


def prepare_output(output: Path, force: bool) -> None:
    """Refuse a non-empty folder without ``--force``; with it, clear what we write."""
    resolved = output.resolve()
    if resolved == REPO or resolved in REPO.parents:
        sys.exit(f"generate.py: refusing to write into {output}: it holds the repository")
    if output.exists() and not output.is_dir():
        sys.exit(f"generate.py: {output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()):
        if not force:
            sys.exit(f"generate.py: {output} is not empty; pass --force to replace its "
                     "impact.yaml, templates/ and monographs/")
        for name in ("monographs", "templates"):
            if (output / name).is_dir():
                shutil.rmtree(output / name)
        (output / "impact.yaml").unlink(missing_ok=True)
    output.mkdir(parents=True, exist_ok=True)


def generate(count: int, seed: int, output: Path) -> Corpus:
    """Write the whole project into ``output`` (which ``prepare_output`` made ready)."""
    vocab = read_vocabularies(REPO / "impact.yaml")
    departments, regions = load_departments(seed)
    pool = build_pool(seed, departments)
    corpus = Corpus(seed, count, vocab, departments, regions, pool)
    corpus.make_docs()
    corpus.assign_folders()
    shutil.copyfile(REPO / "impact.yaml", output / "impact.yaml")
    shutil.copytree(REPO / "templates", output / "templates")
    source = output / "monographs"
    images = [f"schema-alliance-{n}.png" for n in range(1, 5)]
    (source / "images").mkdir(parents=True)
    for number, name in enumerate(images, start=1):
        (source / "images" / name).write_bytes(schema_png(seed, number))
    for folder in sorted({doc.folder for doc in corpus.docs}):
        (source / folder).mkdir(parents=True, exist_ok=True)
    for doc in corpus.docs:
        text = corpus.front_matter(doc) + "\n" + corpus.body(doc, images)
        (source / doc.path).write_text(text, encoding="utf-8", newline="\n")
    return corpus


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1000, help="monographs (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--output", type=Path, required=True, help="project folder to write")
    parser.add_argument("--force", action="store_true",
                        help="replace impact.yaml, templates/ and monographs/ in a non-empty "
                             "output folder")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    prepare_output(args.output, args.force)
    corpus = generate(args.count, args.seed, args.output)
    folders = {doc.folder for doc in corpus.docs}
    drafts = sum(doc.draft for doc in corpus.docs)
    print(f"{len(corpus.docs)} monographs ({drafts} drafts) in {len(folders)} folders under "
          f"{args.output / 'monographs'}; config {args.output / 'impact.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
