"""Every bad input → its exact message at the right ``file:line``, all in one run."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from impact_ssg import yamltree
from impact_ssg.errors import InvalidContent
from impact_ssg.pipeline import Options, build, load
from impact_ssg.spellings import Mention, differing

from .conftest import ROOT, VALID, Files


def warned(options: Options, titles: bool = False) -> list[str]:
    """The warnings of loading ``options``, their files named from ``monographs/``; those
    of titles other monographs have left out unless asked for (the files of most tests
    are copies of one monograph)."""
    prefix = options.source.as_posix() + "/"
    return [str(w).replace(prefix, "monographs/") for w in load(options).warnings
            if titles or w.field != "title"]


TOLD_USUAL = "the spelling the site shows on every page; write it alike"
"""How a spelling warning ends."""


def with_line(old: str, new: str) -> str:
    """VALID with one line replaced (``new`` may span lines or be empty)."""
    assert old in VALID, old
    return VALID.replace(old, new, 1)


F = "monographs/a.md"

CASES: list[tuple[str, Files, list[str]]] = [
    # --- vocabularies
    ("unknown network", {"a.md": with_line("network: ANPP", "network: ANP")},
     [f"{F}:5: network: unknown network 'ANP' (did you mean 'ANPP'?)"]),
    ("unknown network, no close match", {"a.md": with_line("network: ANPP", "network: Zorglub")},
     [f"{F}:5: network: unknown network 'Zorglub'; use one of: METI, RNMA, ANPP "
      "(or add it to 'networks' in the config)"]),
    ("unknown alliance type", {"a.md": with_line(
        "alliance_type: innovation-societale", "alliance_type: mecennat")},
     [f"{F}:6: alliance_type: unknown alliance type 'mecennat' (did you mean 'mecenat'?)"]),
    ("unknown alliance type, words added", {"a.md": with_line(
        "alliance_type: innovation-societale", "alliance_type: mécenat de compétence")},
     [f"{F}:6: alliance_type: unknown alliance type 'mécenat de compétence' (did you mean "
      "'mecenat'?)"]),
    ("unknown stakeholder, cut short", {"a.md": with_line(
        "stakeholders: [association, eti]", "stakeholders: [asso, eti]")},
     [f"{F}:10: stakeholders: unknown stakeholder category 'asso' (did you mean "
      "'association'?)"]),
    ("unknown stakeholder in a list", {"a.md": with_line(
        "stakeholders: [association, eti]", "stakeholders:\n  - association\n  - asociasion\n"
        "  - fondation")},
     [f"{F}:12: stakeholders: unknown stakeholder category 'asociasion' "
      "(did you mean 'association'?)"]),
    ("same vocabulary value twice", {"a.md": with_line(
        "network: ANPP", "network: [ANPP, anpp]")},
     [f"{F}:5: network: 'anpp' names 'ANPP' again; list it once"]),
    # --- territory
    ("unknown department", {"a.md": with_line('department: "31"', "department: Haute Garone")},
     [f"{F}:8: territory.department: unknown department 'Haute Garone' "
      "(did you mean 'Haute-Garonne'?)"]),
    ("unknown department code", {"a.md": with_line('department: "31"', 'department: "96"')},
     [f"{F}:8: territory.department: unknown department '96'; use a department's name or "
      "INSEE code, e.g. 'Haute-Garonne' or '31'"]),
    ("region and department disagree", {"a.md": with_line(
        'department: "31"', 'region: Bretagne\n  department: "31"')},
     [f"{F}:8: territory.region: 'Haute-Garonne' (31) is in 'Occitanie', not 'Bretagne'; "
      "fix the region or leave it out (it is inferred from the department)"]),
    ("unknown region", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "region: Bretange")},
     [f"{F}:8: territory.region: unknown region 'Bretange' (did you mean 'Bretagne'?)"]),
    ("former region", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "region: Midi-Pyrénées")},
     [f"{F}:8: territory.region: unknown region 'Midi-Pyrénées': since 2016 it is part of "
      "'Occitanie'; write 'region: Occitanie'"]),
    ("commune without department", {"a.md": with_line('  department: "31"\n', "")},
     [f"{F}:8: territory.commune: a commune in France needs its department; add "
      "'department: …' (name or INSEE code) beside 'commune: Toulouse'"]),
    ("unknown territory key", {"a.md": with_line('department: "31"', 'departement: "31"')},
     [f"{F}:8: territory.departement: unknown key 'departement' (did you mean 'department'?)",
      f"{F}:9: territory.commune: a commune in France needs its department; add "
      "'department: …' (name or INSEE code) beside 'commune: Toulouse'"]),
    ("second territory of a list wrong", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse',
        'territory:\n  - department: "31"\n  - department: "20"')},
     [f"{F}:9: territory[1].department: unknown department '20': Corsica has two departments "
      "since 1976, '2A' (Corse-du-Sud) and '2B' (Haute-Corse)"]),
    ("every bad territory of a list is reported", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse',
        'territory:\n  - department: "Haute Garone"\n  - Toulouse\n  - region: Bretagn')},
     [f"{F}:8: territory[0].department: unknown department 'Haute Garone' (did you mean "
      "'Haute-Garonne'?)",
      f"{F}:9: territory[1]: expected a mapping ('key: value' lines), found text",
      f"{F}:10: territory[2].region: unknown region 'Bretagn' (did you mean 'Bretagne'?)"]),
    ("a region given as a department", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "department: Occitanie")},
     [f"{F}:8: territory.department: 'Occitanie' is a region; write 'region: Occitanie'"]),
    ("a department in typographic quotes", {"a.md": with_line(
        'department: "31"', "department: “31”")},
     [f"{F}:8: territory.department: '“31”' holds typographic quotes, which YAML keeps as "
      "part of the value (only straight quotes, \", enclose one); write \"31\""]),
    ("a region in guillemets", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "region: « Bretagne »")},
     [f"{F}:8: territory.region: '« Bretagne »' holds typographic quotes, which YAML keeps "
      "as part of the value (only straight quotes, \", enclose one); write Bretagne"]),
    ("a postal code as the department", {"a.md": with_line(
        'department: "31"', 'department: "31 500"')},
     [f"{F}:8: territory.department: '31 500' is a postal code, not a department; its "
      "department is '31' (Haute-Garonne): write its code in quotes, and the commune's name "
      "in 'commune'"]),
    ("an overseas collectivity as the department", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "department: Nouvelle-Caledonie")},
     [f"{F}:8: territory.department: 'Nouvelle-Caledonie' is an overseas collectivity, not "
      "a region or one of the 101 departments; write 'country: Nouvelle-Calédonie' instead "
      "(with the commune, if any), as for a territory outside France"]),
    ("a postal code of an overseas collectivity", {"a.md": with_line(
        'department: "31"', 'department: "98800"')},
     [f"{F}:8: territory.department: '98800' is a postal code of Nouvelle-Calédonie, an "
      "overseas collectivity, not a department; write 'country: Nouvelle-Calédonie', with the "
      "commune's name in 'commune'"]),
    # A country other than France is free text, but not France misspelt or a part of it.
    ("country Frnace", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "country: Frnace")},
     [f"{F}:8: territory.country: 'Frnace' is not written 'France'; write 'France', or leave "
      "country out (France is the default)"]),
    ("country FR", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "country: FR")},
     [f"{F}:8: territory.country: 'FR' is not written 'France'; write 'France', or leave "
      "country out (France is the default)"]),
    ("country Francia", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "country: Francia")},
     [f"{F}:8: territory.country: 'Francia' is not written 'France'; write 'France', or leave "
      "country out (France is the default)"]),
    ("country, an overseas department", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "country: Guadeloupe\n  commune: Basse-Terre")},
     [f"{F}:8: territory.country: 'Guadeloupe' is a department of France, not a country; "
      "write 'department: Guadeloupe' and leave country out"]),
    ("country, a region", {"a.md": with_line(
        'department: "31"\n  commune: Toulouse', "country: corse")},
     [f"{F}:8: territory.country: 'corse' is a region of France, not a country; write "
      "'region: Corse' and leave country out"]),
    ("empty territory mapping", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse', "territory: {}")},
     [f"{F}:7: territory: give at least one of country, region, department, commune"]),
    ("territory as text", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse', "territory: Toulouse")},
     [f"{F}:7: territory: expected a mapping such as 'department: \"31\"' or a list of them, "
      "found text"]),
    # --- required and empty fields
    ("missing title", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"\n', "")},
     [f"{F}:1: title: required field is missing; add 'title: \"…\"'"]),
    ("missing date and network", {"a.md": with_line("date: 2026-10-16\n", "").replace(
        "network: ANPP\n", "")},
     [f"{F}:1: date: required field is missing; add 'date: YYYY-MM-DD'",
      f"{F}:1: network: required field is missing; add 'network: … (one id or a list)'"]),
    ("empty title", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"', "title:")},
     [f"{F}:2: title: must not be empty"]),
    ("blank quoted summary", {"a.md": with_line(
        "summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"", 'summary: "  "')},
     [f"{F}:4: summary: must not be empty"]),
    ("summary too long", {"a.md": with_line(
        "summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"",
        f'summary: "{"x" * 401}"')},
     [f"{F}:4: summary: 401 characters, more than the 400 allowed; shorten it"]),
    ("no stakeholder at all", {"a.md": with_line("stakeholders: [association, eti]\n", "")},
     [f"{F}:1: stakeholders: required field is missing; add 'stakeholders: [...]' (categories "
      "such as association, pme) or partners with their 'stakeholder'"]),
    ("title is a list", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"', "title: [a, b]")},
     [f"{F}:2: title: expected text, found a list"]),
    ("empty network list", {"a.md": with_line("network: ANPP", "network: []")},
     [f"{F}:5: network: must not be an empty list"]),
    # --- dates
    ("impossible date", {"a.md": with_line("date: 2026-10-16", "date: 2026-02-30")},
     [f"{F}:3: date: impossible date '2026-02-30': February 2026 has 28 days"]),
    ("month 13", {"a.md": with_line("date: 2026-10-16", "date: 2026-13-01")},
     [f"{F}:3: date: impossible date '2026-13-01': there is no month 13; did you mean "
      "2026-01-13? (the month comes before the day)"]),
    ("month 31", {"a.md": with_line("date: 2026-10-16", "date: 2026-31-02")},
     [f"{F}:3: date: impossible date '2026-31-02': there is no month 31"]),
    ("French date format", {"a.md": with_line("date: 2026-10-16", "date: 16/10/2026")},
     [f"{F}:3: date: expected a date as YYYY-MM-DD (e.g. 2026-10-16), found '16/10/2026'; "
      "did you mean 2026-10-16? (year, month, day)"]),
    ("American date format", {"a.md": with_line("date: 2026-10-16", "date: 10/16/2026")},
     [f"{F}:3: date: expected a date as YYYY-MM-DD (e.g. 2026-10-16), found '10/16/2026'"]),
    ("updated before date", {"a.md": with_line(
        "date: 2026-10-16", "date: 2026-10-16\nupdated: 2026-01-02")},
     [f"{F}:4: updated: 2026-01-02 is before the publication date 2026-10-16; 'updated' is "
      "the date of the last revision"]),
    ("year 0", {"a.md": with_line("date: 2026-10-16", "date: 0000-01-15")},
     [f"{F}:3: date: impossible date '0000-01-15': there is no year 0"]),
    # A year no monograph was written in: a slip of the keyboard, said so.
    ("year with its century mistyped", {"a.md": with_line("date: 2026-10-16",
                                                          "date: 1026-10-16")},
     [f"{F}:3: date: implausible year 1026 for a monograph (years from 1900 to 2100); did "
      "you mean 2026?"]),
    ("year with two digits swapped", {"a.md": with_line(
        "date: 2026-10-16", "date: 2026-10-16\nupdated: 2206-10-16")},
     [f"{F}:4: updated: implausible year 2206 for a monograph (years from 1900 to 2100); did "
      "you mean 2026?"]),
    ("year far off", {"a.md": with_line("date: 2026-10-16", "date: 0999-10-16")},
     [f"{F}:3: date: implausible year 0999 for a monograph (years from 1900 to 2100)"]),
    ("full-width digits", {"a.md": with_line("date: 2026-10-16", "date: ２０２６-10-16")},
     [f"{F}:3: date: expected a date as YYYY-MM-DD (e.g. 2026-10-16), found '２０２６-10-16'"]),
    ("draft in quotes", {"a.md": with_line("date: 2026-10-16",
                                           'date: 2026-10-16\ndraft: "true"')},
     [f"{F}:4: draft: expected true or false without quotes, found 'true' in quotes"]),
    ("draft not a boolean", {"a.md": with_line("date: 2026-10-16", "date: 2026-10-16\ndraft: yes")},
     [f"{F}:4: draft: expected true or false, found 'yes'"]),
    # --- keys
    ("French key", {"a.md": with_line("date: 2026-10-16", "date: 2026-10-16\nrésumé: x")},
     [f"{F}:4: résumé: unknown key 'résumé' (did you mean 'summary'?)"]),
    ("unknown key", {"a.md": with_line("date: 2026-10-16", "date: 2026-10-16\ncouleur: x")},
     [f"{F}:4: couleur: unknown key 'couleur' (known keys: title, date, summary, network, "
      "alliance_type, territory, stakeholders, partners, themes, slug, updated, authors, "
      "draft)"]),
    # --- a list written with commas, which YAML reads as one value
    ("networks written with a comma", {"a.md": with_line("network: ANPP", "network: METI, RNMA")},
     [f"{F}:5: network: 'METI, RNMA' is one value (a comma does not separate values here); "
      "write a list, [METI, RNMA]"]),
    ("categories written with a comma, one unknown", {"a.md": with_line(
        "stakeholders: [association, eti]", "stakeholders: association, PMI")},
     [f"{F}:10: stakeholders: 'association, PMI' is one value (a comma does not separate "
      "values here); write a list, [association, PMI]",
      f"{F}:10: stakeholders: unknown stakeholder category 'PMI' (did you mean 'pme'?)"]),
    ("a list item written with a comma", {"a.md": with_line(
        "network: ANPP", "network:\n  - ANPP\n  - METI, RNMA")},
     [f"{F}:7: network: 'METI, RNMA' is one value (a comma does not separate values here); "
      "write a list, [METI, RNMA]"]),
    ("a partner's categories written with a comma", {"a.md": with_line(
        "stakeholders: [association, eti]",
        "partners:\n  - name: Menuiserie Dubreuil\n    stakeholder: pme, eti")},
     [f"{F}:12: partners[0].stakeholder: an organisation has one stakeholder category; keep "
      "one"]),
    ("themes and authors written with a comma", {"a.md": with_line(
        "network: ANPP", "network: ANPP\nthemes: emploi, mobilité\n"
        "authors: Claire Fabre, Julien Mercadier")},
     [f"{F}:6: themes: 'emploi, mobilité' is one value (a comma does not separate values "
      "here); write a list, [emploi, mobilité], or, for one value holding a comma, put it in "
      "double quotes",
      f"{F}:7: authors: 'Claire Fabre, Julien Mercadier' is one value (a comma does not "
      "separate values here); write a list, [Claire Fabre, Julien Mercadier], or, for one "
      "value holding a comma, put it in double quotes"]),
    ("misspelt key", {"a.md": with_line("network: ANPP", "network: ANPP\nthemse: [emploi]")},
     [f"{F}:6: themse: unknown key 'themse' (did you mean 'themes'?)"]),
    # A required key written wrong is that key's error, not a second "missing" one.
    ("misspelt required key", {"a.md": with_line("summary:", "sumary:")},
     [f"{F}:4: sumary: unknown key 'sumary' (did you mean 'summary'?)"]),
    ("misspelt stakeholders", {"a.md": with_line("stakeholders:", "stakeholder:")},
     [f"{F}:10: stakeholder: unknown key 'stakeholder' (did you mean 'stakeholders'?)"]),
    ("misspelt keys of a partner and a territory", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse',
        'territory:\n  departement: "31"\npartners:\n  - nom: Menuiserie Dubreuil\n'
        '    stakeholdr: pme')},
     [f"{F}:8: territory.departement: unknown key 'departement' (did you mean "
      "'department'?)",
      f"{F}:10: partners[0].nom: unknown key 'nom' (did you mean 'name'?)",
      f"{F}:11: partners[0].stakeholdr: unknown key 'stakeholdr' (did you mean "
      "'stakeholder'?)"]),
    ("duplicate key", {"a.md": with_line("network: ANPP", "network: ANPP\nnetwork: METI")},
     [f"{F}:6: front matter: duplicate key 'network' (first at line 5); keep one"]),
    ("non-string key", {"a.md": with_line("network: ANPP", "network: ANPP\n2026: x")},
     [f"{F}:6: front matter: key '2026' is not a name (YAML reads it as int); keys are field "
      "names such as 'title'"]),
    # --- slugs
    ("slug with ..", {"a.md": with_line("date: 2026-10-16", "date: 2026-10-16\nslug: ../x")},
     [f"{F}:4: slug: invalid slug '../x': use lower-case letters, digits and single hyphens "
      "(e.g. 'x')"]),
    ("slug in upper case", {"a.md": with_line("date: 2026-10-16", "date: 2026-10-16\nslug: Pole")},
     [f"{F}:4: slug: invalid slug 'Pole': use lower-case letters, digits and single hyphens "
      "(e.g. 'pole')"]),
    ("slug with spaces", {"a.md": with_line(
        "date: 2026-10-16", 'date: 2026-10-16\nslug: "pôle territorial"')},
     [f"{F}:4: slug: invalid slug 'pôle territorial': use lower-case letters, digits and "
      "single hyphens (e.g. 'pole-territorial')"]),
    ("duplicate slug", {"a.md": VALID, "b.md": with_line(
        "date: 2026-10-16", "date: 2026-10-16\nslug: a")},
     ["monographs/b.md:4: slug: 'a' is already the slug of monographs/a.md (from its file "
      "name); two monographs need two slugs: change this slug, or rename monographs/a.md"]),
    ("duplicate slug: the written one is in error, first or not", {
        "a.md": with_line("date: 2026-10-16", "date: 2026-10-16\nslug: b"), "b.md": VALID},
     ["monographs/a.md:4: slug: 'b' is already the slug of monographs/b.md (from its file "
      "name); two monographs need two slugs: change this slug, or rename monographs/b.md"]),
    ("duplicate slug, both written", {
        "a.md": with_line("date: 2026-10-16", "date: 2026-10-16\nslug: c"),
        "b.md": with_line("date: 2026-10-16", "date: 2026-10-16\n\nslug: c")},
     ["monographs/b.md:5: slug: 'c' is already the slug of monographs/a.md (line 4); two "
      "monographs need two slugs: change one of them"]),
    ("duplicate slug from file names", {"a.md": VALID, "sub/A.md": VALID},
     ["monographs/sub/A.md:1: slug: 'a' is already the slug of monographs/a.md (from its "
      "file name); two monographs need two slugs: rename this file or set 'slug: …'"]),
    # The one likeliest to be on the web already keeps it: published, the earliest.
    ("duplicate slug from file names, the older one later in source order", {
        "2026/a.md": VALID, "a.md": with_line("date: 2026-10-16", "date: 2025-03-01"),
        "c.md": with_line("date: 2026-10-16", "date: 2019-01-01\ndraft: true"),
        "sub/c.md": VALID},
     ["monographs/2026/a.md:1: slug: 'a' is already the slug of monographs/a.md (from its "
      "file name); two monographs need two slugs: rename this file or set 'slug: …'",
      "monographs/c.md:1: slug: 'c' is already the slug of monographs/sub/c.md (from its "
      "file name); two monographs need two slugs: rename this file or set 'slug: …'"]),
    # A file with other errors is checked against the others all the same.
    ("duplicate slug, in a file with another error", {"a.md": VALID, "b.md": with_line(
        "date: 2026-10-16", "date: 2026-10-16\nslug: a").replace("ANPP", "ANP")},
     ["monographs/b.md:4: slug: 'a' is already the slug of monographs/a.md (from its file "
      "name); two monographs need two slugs: change this slug, or rename monographs/a.md",
      "monographs/b.md:6: network: unknown network 'ANP' (did you mean 'ANPP'?)"]),
    ("duplicate slug, both files with other errors", {
        "a.md": with_line("network: ANPP", "network: ANP"),
        "b.md": with_line("date: 2026-10-16", "date: 2026-10-16\nslug: a\ndraft: peut-être")},
     [f"{F}:5: network: unknown network 'ANP' (did you mean 'ANPP'?)",
      "monographs/b.md:4: slug: 'a' is already the slug of monographs/a.md (from its file "
      "name); two monographs need two slugs: change this slug, or rename monographs/a.md",
      "monographs/b.md:5: draft: expected true or false, found 'peut-être'"]),
    # --- YAML
    ("invalid YAML: colon in value", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"',
        "title: Le pôle: une histoire")},
     [f"{F}:2: front matter: invalid YAML (mapping values are not allowed in this context): "
      "a ':' inside a value: put the value in double quotes"]),
    ("invalid YAML: a key without its colon, before a key", {"a.md": with_line(
        "summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"",
        "summary \"Deux phrases.\"")},
     [f"{F}:4: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'summary: …' if 'summary' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: a key without its colon, in a nested mapping", {"a.md": with_line(
        "  commune: Toulouse", "  commune Toulouse")},
     [f"{F}:9: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'commune: …' if 'commune' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: a key without its colon before a folded value", {"a.md": with_line(
        "title: \"Un pôle territorial fédère entreprises et associations\"",
        "title >-\n  Un pôle: une histoire")},
     [f"{F}:2: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'title: …' if 'title' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: lines of a folded value are not keys", {"a.md": with_line(
        "title: \"Un pôle territorial fédère entreprises et associations\"",
        "title: >-\n  Un pôle\n  territorial\ndate 2026-10-16")},
     [f"{F}:5: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'date: …' if 'date' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: the first key of a nested mapping without its colon", {"a.md": with_line(
        '  department: "31"', '  department "31"')},
     [f"{F}:8: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'department: …' if 'department' is a key, or indent the line if it goes on with the "
      "value above"]),
    ("invalid YAML: a key without its colon, a blank line after it", {"a.md": with_line(
        "title: \"Un pôle territorial fédère entreprises et associations\"",
        "title Un pôle territorial\n")},
     [f"{F}:2: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'title: …' if 'title' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: the first key without its colon, a comment after it", {"a.md": with_line(
        "title: \"Un pôle territorial fédère entreprises et associations\"",
        "# le titre\ntitle \"Un pôle territorial\"\n# à revoir")},
     [f"{F}:3: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'title: …' if 'title' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: a list item's first key without its colon", {"a.md": with_line(
        "stakeholders: [association, eti]",
        "stakeholders: [association, eti]\npartners:\n  - name Menuiserie Dubreuil\n"
        "    stakeholder: pme")},
     [f"{F}:12: front matter: invalid YAML: this line holds no 'key: value'; write "
      "'name: …' if 'name' is a key, or indent the line if it goes on with the value "
      "above"]),
    ("invalid YAML: a ':' in a value wrapped over a blank line", {"a.md": with_line(
        "summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"",
        "summary: Deux phrases\n  qui disent\n\n  l'essentiel: la seconde aussi")},
     [f"{F}:7: front matter: invalid YAML (mapping values are not allowed in this context): "
      "a ':' inside a value: put the value in double quotes"]),
    # Spaces YAML does not read as spaces, which word processors put in.
    ("invalid YAML: a no-break space in the indentation", {"a.md": with_line(
        '  commune: Toulouse', '\u00a0 commune: Toulouse')},
     [f"{F}:9: front matter: invalid YAML: this line has a no-break space (U+00A0) in its "
      "indentation, which YAML does not read as a space; type an ordinary space there"]),
    ("invalid YAML: a narrow no-break space after a key", {"a.md": with_line(
        "network: ANPP", "network:\u202fANPP")},
     [f"{F}:5: front matter: invalid YAML: this line has a narrow no-break space (U+202F) "
      "after 'network:', which YAML does not read as a space; type an ordinary space there"]),
    ("a no-break space before a key's ':'", {"a.md": with_line(
        "network: ANPP", "network\u00a0: ANPP").replace("    stakeholder: pme", "x")
        .replace("stakeholders: [association, eti]", "stakeholders: [association, eti]\n"
                 "partners:\n  - name: Scierie Vidal\n    stakeholder\u202f: pme")},
     [f"{F}:5: network: the key 'network' is written with a no-break space (U+00A0) beside "
      "it, which makes it another key; delete that space",
      f"{F}:13: partners[0].stakeholder: the key 'stakeholder' is written with a narrow "
      "no-break space (U+202F) beside it, which makes it another key; delete that space"]),
    ("invalid YAML: a no-break space after a list item's '-'", {"a.md": with_line(
        "stakeholders: [association, eti]", "partners:\n  -\u00a0name: Scierie Vidal\n"
        "    stakeholder: pme")},
     [f"{F}:11: front matter: invalid YAML: this line has a no-break space (U+00A0) after "
      "'-', which YAML does not read as a space; type an ordinary space there"]),
    ("invalid YAML: a French ' : ' in a wrapped list item", {"a.md": with_line(
        "stakeholders: [association, eti]",
        "stakeholders: [association, eti]\nthemes:\n  - eau et\n    climat : enjeux")},
     [f"{F}:13: front matter: invalid YAML (mapping values are not allowed in this context): "
      "a ':' inside a value: put the value in double quotes"]),
    ("invalid YAML: a wrapped list item is no key without a colon", {"a.md": with_line(
        "stakeholders: [association, eti]",
        "stakeholders: [association, eti]\nthemes:\n  - eau et\n    climat\nx: Lyon: une friche")},
     [f"{F}:14: front matter: invalid YAML (mapping values are not allowed in this context): "
      "a ':' inside a value: put the value in double quotes"]),
    ("invalid YAML: unclosed quote", {"a.md": with_line(
        "summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"",
        'summary: "Deux phrases')},
     [f"{F}:4: front matter: invalid YAML: the quote opened on this line is not closed; "
      "end the value with the same quote"]),
    ("invalid YAML: unclosed single quote", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"', "title: 'Un pôle")},
     [f"{F}:2: front matter: invalid YAML: the quote opened on this line is not closed; "
      "end the value with the same quote"]),
    ("invalid YAML after a valid multi-line quote is not blamed on the quote", {
        "a.md": with_line("network: ANPP", 'network: [ANPP\nthemes: "deux\n  lignes"')},
     [f"{F}:5: front matter: invalid YAML: the '[' of a list opened on this line is not "
      "closed; end it with ']'"]),
    ("invalid YAML: list left open, found at the next key", {"a.md": with_line(
        "stakeholders: [association, eti]", "stakeholders: [association, eti\nthemes: [x]")},
     [f"{F}:10: front matter: invalid YAML: the '[' of a list opened on this line is not "
      "closed; end it with ']'"]),
    ("invalid YAML: a comma missing in a list is not a list left open", {"a.md": with_line(
        "stakeholders: [association, eti]", 'stakeholders: [association, "eti" pme]')},
     [f"{F}:10: front matter: invalid YAML (did not find expected ',' or ']'): separate the "
      "items with commas, and put an item holding a comma, a colon or a bracket in double "
      "quotes"]),
    ("invalid YAML: a comma missing on a later line of a list", {"a.md": with_line(
        "stakeholders: [association, eti]", 'stakeholders: [association,\n  "eti" pme,\n  x]')},
     [f"{F}:11: front matter: invalid YAML (did not find expected ',' or ']'): separate the "
      "items with commas, and put an item holding a comma, a colon or a bracket in double "
      "quotes"]),
    ("invalid YAML: an item of a list of territories left open", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse',
        'territory:\n  - {department: "31", commune: Toulouse\n  - {department: "32"}')},
     [f"{F}:8: front matter: invalid YAML: the '{{' of a mapping opened on this line is not "
      "closed; end it with '}'"]),
    ("invalid YAML: mapping left open", {"a.md": with_line(
        'territory:\n  department: "31"\n  commune: Toulouse', 'territory: {department: "31"')},
     [f"{F}:7: front matter: invalid YAML: the '{{' of a mapping opened on this line is not "
      "closed; end it with '}'"]),
    ("a '#' glued to a word starts a comment", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"',
        "title: Le pôle #1 du territoire")},
     [f"{F}:2: front matter: '#1' starts a YAML comment, which cuts the value short; put "
      "the whole value in double quotes"]),
    ("control character from a YAML escape", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"',
        'title: "Un\\x01pôle"')},
     [f"{F}:2: title: control character U+0001, which cannot be published; remove it"]),
    ("raw control character in the body", {"a.md": VALID + "\nDu texte\x00 ici.\n"},
     [f"{F}:14: file: control character U+0000, which cannot be published; delete it"]),
    ("line separator in front matter", {"a.md": with_line(
        "summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"",
        "summary: Deux phrases\u2028la suite")},
     [f"{F}:4: front matter: invisible line separator U+2028 (often pasted from a word "
      "processor); replace it with a space"]),
    ("invisible title", {"a.md": with_line(
        'title: "Un pôle territorial fédère entreprises et associations"',
        'title: "\u200b"')},
     [f"{F}:2: title: must not be empty"]),
    ("tab indentation", {"a.md": with_line('  department: "31"', '\tdepartment: "31"')},
     [f"{F}:8: front matter: tab character used for indentation; indent with spaces"]),
    ("alias bomb", {"a.md": with_line("network: ANPP", "network: ANPP\n" + "\n".join(
        ["a: &a [x, x]", "b: &b [*a, *a]", "c: &c [*b, *b]"]))},
     [f"{F}:6: front matter: anchors and aliases ('&name', '*name') are not allowed; write the "
      "value out in full"]),
    ("custom tag", {"a.md": with_line("network: ANPP", "network: !!python/object:os.system x")},
     [f"{F}:5: front matter: YAML tags ('tag:yaml.org,2002:python/object:os.system') are not "
      "allowed; write plain values"]),
    ("front matter is a list", {"a.md": "---\n- a\n- b\n---\nCorps.\n"},
     [f"{F}:2: front matter: expected fields ('key: value' lines), found a list"]),
    ("front matter is a scalar", {"a.md": "---\njuste du texte\n---\nCorps.\n"},
     [f"{F}:2: front matter: expected fields ('key: value' lines), found text"]),
    ("empty front matter", {"a.md": "---\n---\nCorps.\n"},
     [f"{F}:1: front matter: is empty; add the required fields (title, date, summary, "
      "network, alliance_type, territory, stakeholders)"]),
    ("unclosed front matter", {"a.md": VALID.replace("---\nUn corps", "Un corps")},
     [f"{F}:1: front matter: not closed; add a '---' line after the last field"]),
    ("no front matter", {"a.md": "# Titre\n\nCorps.\n"},
     [f"{F}:1: front matter: the file must start with a '---' line, then the fields, then "
      "'---'; found '# Titre'"]),
    ("empty file", {"a.md": ""},
     [f"{F}:1: file: is empty; a monograph starts with '---', its fields, and '---' "
      "(python build.py new \"Titre\" writes one)"]),
    ("invalid UTF-8", {"a.md": VALID.replace("Un corps", "Un\n\ncorps").encode().replace(
        b"Un\n\ncorps", b"Un\n\nc\xe9rps")},
     [f"{F}:14: file: not valid UTF-8 (byte 0xE9); save the file as UTF-8"]),
    ("UTF-16", {"a.md": VALID.encode("utf-16")},
     [f"{F}:1: file: is UTF-16; save it as UTF-8"]),
    # --- partners and organisations
    ("partner without category", {"a.md": with_line(
        "stakeholders: [association, eti]",
        "stakeholders: [association]\npartners:\n  - name: Menuiserie Dubreuil")},
     [f"{F}:12: partners[0].stakeholder: required field is missing; add 'stakeholder: …' (one "
      "of grande-entreprise, eti, pme, association, fondation, collectivite, institution, "
      "universite, citoyens)"]),
    ("partner URL not a web address", {"a.md": with_line(
        "stakeholders: [association, eti]",
        "stakeholders: [association]\npartners:\n  - name: Menuiserie Dubreuil\n"
        "    stakeholder: pme\n    url: javascript:alert(1)")},
     [f"{F}:14: partners[0].url: 'javascript:alert(1)' is not a web address; write it in "
      "full, e.g. 'https://www.example.org'"]),
    ("organisation category conflict", {
        "a.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: Menuiserie Dubreuil\n    stakeholder: pme"),
        "b.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: menuiserie  dubreuil\n    stakeholder: eti")},
     ["monographs/b.md:12: partners[0].stakeholder: 'menuiserie  dubreuil' is 'eti' here but "
      "'pme' in monographs/a.md:12; an organisation has one stakeholder category everywhere"]),
    ("organisation category conflict, in a file with other errors", {
        "a.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: Menuiserie Dubreuil\n    stakeholder: pme"),
        "b.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: Scierie Vidal\n    stakeholder: pmee\n"
                          "  - name: menuiserie  dubreuil\n    stakeholder: eti"
                          ).replace("ANPP", "ANP")},
     ["monographs/b.md:5: network: unknown network 'ANP' (did you mean 'ANPP'?)",
      "monographs/b.md:12: partners[0].stakeholder: unknown stakeholder category 'pmee' (did "
      "you mean 'pme'?)",
      "monographs/b.md:14: partners[1].stakeholder: 'menuiserie  dubreuil' is 'eti' here but "
      "'pme' in monographs/a.md:12; an organisation has one stakeholder category everywhere"]),
    ("organisation category conflict: the odd one out is in error", {
        "a.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: Menuiserie Dubreuil\n    stakeholder: pme"),
        **{name: with_line("stakeholders: [association, eti]",
                           "partners:\n  - name: Menuiserie Dubreuil\n    stakeholder: eti")
           for name in ("b.md", "c.md", "d.md", "e.md")}},
     ["monographs/a.md:12: partners[0].stakeholder: 'Menuiserie Dubreuil' is 'pme' here but "
      "'eti' in monographs/b.md:12, monographs/c.md:12, monographs/d.md:12 and 1 more; an "
      "organisation has one stakeholder category everywhere"]),
    ("organisations sharing a page", {
        "a.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: A.B.C\n    stakeholder: pme"),
        "b.md": with_line("stakeholders: [association, eti]",
                          "partners:\n  - name: A & B C\n    stakeholder: pme")},
     ["monographs/b.md:11: partners[0].name: 'A & B C' and 'A.B.C' (monographs/a.md:11) would "
      "share the page /organisations/a-b-c/; spell them alike if they are one organisation, "
      "or tell their names apart"]),
    # --- body references
    ("link to a missing monograph", {"a.md": VALID + "\nVoir [le pôle](pole.md).\n"},
     [f"{F}:14: body: link 'pole.md': no such monograph file in monographs/"]),
    ("front matter and body errors of one file, together", {
        "a.md": with_line("date: 2026-10-16", "date: 2026-02-30")
        + "\nVoir [le pôle](pole.md) et [l’autre](b.md).\n",
        "b.md": with_line("network: ANPP", "network: ANP") + "\n![schéma](schema.png)\n"},
     [f"{F}:3: date: impossible date '2026-02-30': February 2026 has 28 days",
      f"{F}:14: body: link 'pole.md': no such monograph file in monographs/",
      "monographs/b.md:5: network: unknown network 'ANP' (did you mean 'ANPP'?)",
      "monographs/b.md:14: body: image 'schema.png': no such file in monographs/"]),
    ("unreadable front matter and body errors of one file, together", {
        "a.md": with_line("network: ANPP", "network: ANPP\nnetwork: METI")
        + "\nVoir [le pôle](pole.md).\n"},
     [f"{F}:6: front matter: duplicate key 'network' (first at line 5); keep one",
      f"{F}:15: body: link 'pole.md': no such monograph file in monographs/"]),
    ("link to a missing monograph, close match", {
        "a.md": VALID + "\nVoir\n[le pôle](sub/pole-lauragai.md#x).\n",
        "sub/pole-lauragais.md": VALID},
     [f"{F}:15: body: link 'sub/pole-lauragai.md': no such monograph file in monographs/ "
      "(did you mean 'sub/pole-lauragais.md'?)"]),
    ("links and images written without their extension", {
        "a.md": VALID + "\nVoir [le pôle](sub/pole) et\n![le plan](sub/pole).\n",
        "sub/pole.md": VALID.replace("title:", "slug: pole\ntitle:"), "sub/pole.png": b"\x89PNG"},
     [f"{F}:14: body: link 'sub/pole': no such file in monographs/ (did you mean "
      "'sub/pole.md'? write the file's name whole)",
      f"{F}:15: body: image 'sub/pole': no such file in monographs/ (did you mean "
      "'sub/pole.png'? write the file's name whole)"]),
    ("web addresses written without https://", {
        "a.md": VALID + "\nVoir [le site](www.ademe.fr) et\n[la page](ademe.fr/aides).\n"},
     [f"{F}:14: body: link 'www.ademe.fr': no such file in monographs/; for a web address, "
      "write it whole: 'https://www.ademe.fr'",
      f"{F}:15: body: link 'ademe.fr/aides': no such file in monographs/; for a web "
      "address, write it whole: 'https://ademe.fr/aides'"]),
    ("link whose accents are encoded otherwise than its file's name", {
        "a.md": VALID + "\nVoir [l’étude](e\u0301tude.md) et [le plan](Plan.png).\n",
        "étude.md": VALID.replace("title:", "slug: etude\ntitle:"), "plan.png": b"\x89PNG"},
     [f"{F}:14: body: link 'Plan.png': no such file in monographs/; 'plan.png' differs "
      "from it only by case: write the link as its name is",
      f"{F}:14: body: link 'e\u0301tude.md': no such monograph file in monographs/; "
      "'étude.md' differs from it only by how their accents are encoded (NFC or NFD): write "
      "the link as its name is"]),
    ("link to an invalid monograph reports only that file", {
        "a.md": VALID + "\n[b](b.md)\n",
        "b.md": with_line("network: ANPP", "network: ANP")},
     ["monographs/b.md:5: network: unknown network 'ANP' (did you mean 'ANPP'?)"]),
    ("link outside the source folder", {"a.md": VALID + "\n[x](../README.md)\n"},
     [f"{F}:14: body: link '../README.md' points outside monographs/; link only to files "
      "under it, or use a full https:// address"]),
    ("missing image", {"a.md": VALID + "\n![Schéma](images/schema.png)\n"},
     [f"{F}:14: body: image 'images/schema.png': no such file in monographs/"]),
    ("image of a monograph file", {"a.md": VALID + "\n![x](b.md)\n", "b.md": VALID.replace(
        "date: 2026-10-16", "date: 2026-10-16\nslug: b")},
     [f"{F}:14: body: image 'b.md' is a monograph file, not an image; link to it with "
      "[text](b.md)"]),
    ("two files whose names differ only by case", {
        "a.md": VALID, "images/Plan.png": b"x", "images/plan.png": b"y"},
     ["monographs/images/plan.png: file: 'images/plan.png' and 'images/Plan.png' differ only "
      "by case and would be one file on many web servers; rename one"]),
    ("link to an ignored file", {"a.md": VALID + "\n[x](_brouillon.md)\n",
                                 "_brouillon.md": VALID},
     [f"{F}:14: body: link '_brouillon.md' points at a file that is ignored (its name or "
      "folder starts with '_' or '.'); rename it or drop the link"]),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_gives_exact_errors(
    project: Callable[[Files], Path], files: Files, expected: list[str]
) -> None:
    root = project(files)
    with pytest.raises(InvalidContent) as caught:
        load(Options(config=root / "impact.yaml", source=root / "monographs"))
    prefix = (root / "monographs").as_posix() + "/"
    assert [str(e).replace(prefix, "monographs/") for e in caught.value.errors] == expected


def test_symlink_is_an_error(project: Callable[[Files], Path]) -> None:
    root = project({"a.md": VALID})
    (root / "monographs" / "lien.md").symlink_to(root / "monographs" / "a.md")
    (root / "monographs" / "dossier").symlink_to(root)
    with pytest.raises(InvalidContent) as caught:
        load(Options(config=root / "impact.yaml", source=root / "monographs"))
    src = (root / "monographs").as_posix()
    assert [str(e) for e in caught.value.errors] == [
        f"{src}/dossier: file: is a symbolic link; impact-ssg never follows links: put the "
        "file itself here",
        f"{src}/lien.md: file: is a symbolic link; impact-ssg never follows links: put the "
        "file itself here",
    ]


def test_file_above_the_size_cap_is_refused(project: Callable[[Files], Path]) -> None:
    root = project({"a.md": VALID + "x" * (1024 * 1024)})
    with pytest.raises(InvalidContent) as caught:
        load(Options(config=root / "impact.yaml", source=root / "monographs"))
    (error,) = caught.value.errors
    assert error.field == "file" and "more than the 1,048,576 allowed" in error.message


def test_every_broken_file_is_reported_in_one_run(project: Callable[[Files], Path]) -> None:
    files: Files = {f"{i:02d}.md": text for i, (_, case, _) in enumerate(CASES)
                    for text in case.values() if len(case) == 1}
    expected = sum(1 for _, case, _ in CASES if len(case) == 1)
    root = project(files)
    with pytest.raises(InvalidContent) as caught:
        load(Options(config=root / "impact.yaml", source=root / "monographs"))
    assert len({e.path for e in caught.value.errors}) == expected


def test_an_empty_slug_is_absent_as_any_empty_optional_field(
        project: Callable[[Files], Path]) -> None:
    root = project({"l-ecole.md": with_line("date: 2026-10-16", "date: 2026-10-16\nslug:")})
    (monograph,) = load(Options(config=root / "impact.yaml",
                                source=root / "monographs")).monographs
    assert monograph.slug == "l-ecole"


def test_bom_and_crlf_file_passes(project: Callable[[Files], Path]) -> None:
    text = "\ufeff" + VALID.replace("\n", "\r\n")
    root = project({"a.md": text.encode("utf-8")})
    corpus = load(Options(config=root / "impact.yaml", source=root / "monographs"))
    (monograph,) = corpus.monographs
    assert monograph.title == "Un pôle territorial fédère entreprises et associations"
    assert monograph.territories[0].department == "Haute-Garonne"
    assert monograph.body_line == 12


@pytest.mark.parametrize("country", ["Irlande", "Ukraine", "Guyana", "Nouvelle-Calédonie",
                                     "FRANCE", "france"])
def test_countries_near_france_by_their_letters_are_free_text(
        project: Callable[[Files], Path], country: str) -> None:
    root = project({"a.md": with_line('department: "31"\n  commune: Toulouse',
                                      f"country: {country}")})
    (monograph,) = load(Options(config=root / "impact.yaml",
                                source=root / "monographs")).monographs
    assert monograph.territories[0].country == (
        "France" if country.lower() == "france" else country)


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize(("old", "new", "said"), [
    ("stakeholders: [association, eti]",
     "partners:\n  - name: Menuiserie Dubreuil\n      stakeholder: pme",
     f"{F}:12: front matter: invalid YAML: 'stakeholder' is indented deeper than 'name' above "
     "it; indent 'stakeholder' as 'name' is (4 spaces), or, if the line is part of the value "
     "above, put that value in double quotes"),
    ('  commune: Toulouse', "    commune: Toulouse",
     f"{F}:9: front matter: invalid YAML: 'commune' is indented deeper than 'department' "
     "above it; indent 'commune' as 'department' is (2 spaces)"),
    # Or a value going on, one word before a ':': the quotes are the fix then.
    ("summary: \"Deux phrases qui disent l'essentiel. La seconde aussi.\"",
     "summary: Deux phrases\n  Suite: ici",
     f"{F}:5: front matter: invalid YAML: 'Suite' is indented deeper than 'summary' above "
     "it; indent 'Suite' as 'summary' is (not at all), or, if the line is part of the value "
     "above, put that value in double quotes"),
])
def test_a_key_indented_deeper_than_the_one_above_is_told_so(
        project: Callable[[Files], Path], monkeypatch: pytest.MonkeyPatch, loader: str,
        old: str, new: str, said: str) -> None:
    if loader == "python":  # the words of PyYAML's own parser, where libyaml is missing
        monkeypatch.setattr(yamltree, "_EventLoader", yaml.SafeLoader)
    root = project({"a.md": with_line(old, new)})
    with pytest.raises(InvalidContent) as caught:
        load(Options(config=root / "impact.yaml", source=root / "monographs"))
    prefix = (root / "monographs").as_posix() + "/"
    assert [str(e).replace(prefix, "monographs/") for e in caught.value.errors] == [said]


def test_a_comma_in_quotes_is_part_of_one_theme_or_author(
        project: Callable[[Files], Path]) -> None:
    root = project({"a.md": with_line("network: ANPP", 'network: [ANPP, METI]\n'
                                      'themes: "eau, climat"\n'
                                      'authors: ["Fabre, Claire", Julien Mercadier]')})
    (monograph,) = load(Options(config=root / "impact.yaml",
                                source=root / "monographs")).monographs
    assert monograph.networks == ("METI", "ANPP")  # in the vocabulary's order
    assert monograph.themes == ("eau, climat",)
    assert monograph.authors == ("Fabre, Claire", "Julien Mercadier")


@pytest.mark.parametrize(("drafts", "expected"), [
    (False, ["monographs/a.md:14: warning: body: link to the draft 'b.md' is shown as plain text "
             "until that monograph is published"]),
    (True, []),
])
def test_only_a_published_monograph_is_warned_of_its_links_to_drafts(
    project: Callable[[Files], Path], drafts: bool, expected: list[str]
) -> None:
    # a.md is published, c.md a draft: each links to the draft b.md.
    draft = VALID.replace("date: 2026-10-16", "date: 2026-10-16\ndraft: true")
    root = project({"a.md": VALID + "\n[b](b.md)\n", "b.md": draft,
                    "c.md": draft + "\n[b](b.md)\n"})
    options = Options(config=root / "impact.yaml", source=root / "monographs", drafts=drafts)
    assert warned(options) == expected


def test_links_to_a_heading_that_is_not_there_are_warned_of(
    project: Callable[[Files], Path]
) -> None:
    target = VALID.replace("Un corps de texte.", "## Le contexte\n\n#### Détail\n\nTexte[^1].\n\n"
                           "[^1]: Une note.")
    body = ("\n[a](b.md#le-contexte) [b](b.md#detail) [c](b.md#fn1) [d](b.md#sommaire)\n"
            "[e](b.md#le-contxte) [f](sub/../b.md#nulle-part) [g](b.md#le%20contexte)\n")
    root = project({"a.md": VALID + body, "b.md": target})
    options = Options(config=root / "impact.yaml", source=root / "monographs")
    assert warned(options) == [
        "monographs/a.md:15: warning: body: link 'b.md#le contexte': monographs/b.md has no "
        "heading or id '#le contexte' (did you mean '#le-contexte'?); the link leads to the top of "
        "its page",
        "monographs/a.md:15: warning: body: link 'b.md#le-contxte': monographs/b.md has no "
        "heading or id '#le-contxte' (did you mean '#le-contexte'?); the link leads to the top of "
        "its page",
        "monographs/a.md:15: warning: body: link 'sub/../b.md#nulle-part': monographs/b.md has "
        "no heading or id '#nulle-part'; the link leads to the top of its page"]


def test_links_to_an_id_of_their_own_page_that_is_not_there_are_warned_of(
    project: Callable[[Files], Path]
) -> None:
    body = ("## Le contexte\n\nTexte[^1], [a](#le-contexte) [b](#fn1) [c](#sommaire)\n"
            "[d](#top) [e](#) [f](#le-contxte)\n\n## Détail\n\n[g](#nulle-part)\n"
            "[h](#d%C3%A9tail) [i](#detail)\n\n[^1]: Une note.\n")
    root = project({"a.md": VALID.replace("Un corps de texte.\n", body)})
    options = Options(config=root / "impact.yaml", source=root / "monographs")
    assert warned(options) == [
        "monographs/a.md:15: warning: body: link '#le-contxte': this page has no heading or id "
        "'#le-contxte' (did you mean '#le-contexte'?); the link leads nowhere",
        "monographs/a.md:19: warning: body: link '#nulle-part': this page has no heading or id "
        "'#nulle-part'; the link leads nowhere",
        "monographs/a.md:20: warning: body: link '#d%C3%A9tail': this page has no heading or id "
        "'#détail' (did you mean '#detail'?); the link leads nowhere"]


def test_a_name_written_otherwise_is_warned_of_and_shown_as_most_write_it(
    project: Callable[[Files], Path]
) -> None:
    def monograph(organisation: str, theme: str, draft: bool = False) -> str:
        return VALID.replace("stakeholders: [association, eti]", (
            f"stakeholders: [association]\npartners:\n  - name: {organisation}\n"
            f"    stakeholder: association\nthemes: [santé, {theme}]"
            + ("\ndraft: true" if draft else "")))

    # a.md comes first in source order: its spellings named the site's pages before. The
    # draft's spelling counts too, so that the pages' names do not depend on --drafts.
    root = project({"a.md": monograph("ADEME", "EMPLOI"),
                    "b.md": monograph("Ademe", "Emploi"),
                    "c.md": monograph("Ademe", "emploi"),
                    "d.md": monograph("Ademe", "emploi", draft=True)})
    options = Options(config=root / "impact.yaml", source=root / "monographs",
                      output=root / "site", quiet=True)
    assert warned(options) == [
        f"monographs/a.md:12: warning: partners[0].name: 'ADEME' is written 'Ademe' in "
        f"monographs/b.md:12, monographs/c.md:12, monographs/d.md:12, {TOLD_USUAL}",
        f"monographs/a.md:14: warning: themes: 'EMPLOI' is written 'emploi' in "
        f"monographs/c.md:14, monographs/d.md:14, {TOLD_USUAL}",
        f"monographs/b.md:14: warning: themes: 'Emploi' is written 'emploi' in "
        f"monographs/c.md:14, monographs/d.md:14, {TOLD_USUAL}"]
    shutil.copytree(ROOT / "templates", root / "templates")
    build(options)
    site = root / "site"
    html = (site / "monographies/a/index.html").read_text("utf-8")
    assert "ADEME" not in html and "EMPLOI" not in html
    soup = BeautifulSoup(html, "html.parser")
    tags = [m["content"] for m in soup.find_all("meta", property="article:tag")]
    assert tags == ["santé", "emploi"]
    script = soup.find("script", type="application/ld+json")
    assert script is not None
    data = json.loads(script.get_text())
    assert data["keywords"] == ["santé", "emploi"]
    assert [c["name"] for c in data["contributor"]] == ["Ademe"]
    for route, title in (("themes/emploi", "emploi"), ("organisations/ademe", "Ademe")):
        h1 = BeautifulSoup((site / route / "index.html").read_text("utf-8"),
                           "html.parser").find("h1")
        assert h1 is not None and title in h1.get_text(), route
    records = json.loads((site / "data/monographs.json").read_text("utf-8"))["monographs"]
    assert {(o["name"], t) for r in records for o in r["organisations"] for t in r["themes"]
            if t != "santé"} == {("Ademe", "emploi")}
    related = (site / "monographies/b/index.html").read_text("utf-8")
    assert "partenaire commun\u202f: Ademe" in related and "thème\u202f: emploi" in related


@pytest.mark.parametrize(("body", "told"), [
    ("\n# Un pôle territorial fédère entreprises et associations\n\nTexte.\n", True),
    ("## Un pôle territorial fédère entreprises et associations ##\n\nTexte.\n", True),
    ("Texte.\n\n# Un pôle territorial fédère entreprises et associations\n\nSuite.\n", False),
    ("# Le contexte\n\nTexte.\n", False),
])
def test_a_first_heading_that_repeats_the_title_is_warned_of(
    project: Callable[[Files], Path], body: str, told: bool
) -> None:
    root = project({"a.md": VALID.replace("Un corps de texte.\n", body)})
    options = Options(config=root / "impact.yaml", source=root / "monographs")
    line = 12 + body[:body.index("#")].count("\n")  # the body begins at line 12
    assert warned(options) == ([
        f"monographs/a.md:{line}: warning: body: the body's first heading repeats the title, "
        "which the page shows above it already: delete it"] if told else [])


def test_a_title_another_monograph_has_is_warned_of(project: Callable[[Files], Path]) -> None:
    draft = VALID.replace("date: 2026-10-16", "date: 2026-10-16\ndraft: true")
    root = project({
        "a.md": VALID, "b.md": VALID.replace("Un pôle territorial", "UN PÔLE TERRITORIAL"),
        "c.md": draft, "d.md": VALID.replace("Un pôle territorial", "Un autre pôle")})
    options = Options(config=root / "impact.yaml", source=root / "monographs")
    assert warned(options, titles=True) == [
        f"monographs/{name}.md:2: warning: title: it is also the title of monographs/a.md:2, "
        "and lists and search results would show the two alike; tell them apart"
        for name in ("b", "c")]


def test_spellings_apart_only_by_a_kind_of_space_are_told_so() -> None:
    found = differing([Mention("transition écologique", "a.md", 3, "themes"),
                       Mention("transition\u00a0écologique", "b.md", 4, "themes")])
    assert [(m.path, said) for m, said in found] == [(
        "b.md", "'transition\u00a0écologique' is written 'transition écologique' (the two "
        "differ by a no-break space, U+00A0, where the other has a space) in a.md:3, the "
        "spelling the site shows on every page; write it alike")]


def test_a_place_written_otherwise_is_warned_of_and_named_as_most_write_it(
    project: Callable[[Files], Path]
) -> None:
    def monograph(commune: str, country: str = "") -> str:
        place = (f"country: {country}\n  commune: {commune}" if country
                 else f'department: "31"\n  commune: {commune}')
        return VALID.replace('department: "31"\n  commune: Toulouse', place)

    root = project({"a.md": monograph("TOULOUSE"), "b.md": monograph("Toulouse"),
                    "c.md": monograph("Toulouse"), "d.md": monograph("Agadir", "maroc"),
                    "e.md": monograph("Agadir", "Maroc"), "f.md": monograph("agadir", "Maroc")})
    shutil.copytree(ROOT / "templates", root / "templates")
    options = Options(config=root / "impact.yaml", source=root / "monographs",
                      output=root / "site", quiet=True)
    assert warned(options) == [
        f"monographs/a.md:9: warning: territory.commune: 'TOULOUSE' is written 'Toulouse' in "
        f"monographs/b.md:9, monographs/c.md:9, {TOLD_USUAL}",
        f"monographs/d.md:8: warning: territory.country: 'maroc' is written 'Maroc' in "
        f"monographs/e.md:8, monographs/f.md:8, {TOLD_USUAL}",
        f"monographs/f.md:9: warning: territory.commune: 'agadir' is written 'Agadir' in "
        f"monographs/d.md:9, monographs/e.md:9, {TOLD_USUAL}"]
    build(options)
    # Pages, cards, JSON-LD and open data name them alike (web addresses hold slugs).
    written = re.compile(r"(?<![/\w-])(TOULOUSE|maroc|agadir)(?![/\w-])")
    site = root / "site"
    shown = [*site.rglob("*.html"), site / "data/monographs.json", site / "data/monographs.csv"]
    assert [p for p in shown if written.search(p.read_text("utf-8-sig"))] == []
    assert "Maroc" in (site / "territoires/maroc/agadir/index.html").read_text("utf-8")


def test_files_no_monograph_links_to_are_warned_of(project: Callable[[Files], Path]) -> None:
    # Linked by a relative path, from the site's root, from a draft: not told. The
    # others are published all the same: told, and a copy of a monograph or a Markdown
    # file under another name is told what it is.
    draft = VALID.replace("date: 2026-10-16", "date: 2026-10-16\ndraft: true")
    root = project({
        "a.md": VALID + "\n![schéma](images/schéma.png) [charte](/fichiers/docs/charte%20v2.pdf)\n",
        "b.md": draft + "\n[rapport](docs/rapport.pdf)\n",
        "images/schéma.png": b"png", "docs/charte v2.pdf": b"pdf", "docs/rapport.pdf": b"pdf",
        "notes.txt": "notes", "a.md.bak": "copie", "essai.markdown": "x",
        "docs/c.mkd": "x", "docs/a.md.txt": "x"})
    options = Options(config=root / "impact.yaml", source=root / "monographs")
    prefix = (root / "monographs").as_posix() + "/"
    tail = "or start its name with '_'"
    assert [str(w).replace(prefix, "monographs/") for w in load(options).warnings
            if w.field == "file"] == [
        "monographs/a.md.bak: warning: file: is not read as a monograph (only names ending "
        "in '.md' are): it is published as a file no monograph links to, /fichiers/a.md.bak; "
        f"if it is a copy of a.md, move it out of the monographs folder {tail}",
        "monographs/docs/a.md.txt: warning: file: is not read as a monograph (only names "
        "ending in '.md' are): it is published as a file no monograph links to, "
        "/fichiers/docs/a.md.txt; if it is a monograph, name it 'a.md'; if not, move it out "
        f"of the monographs folder {tail}",
        "monographs/docs/c.mkd: warning: file: is not read as a monograph (only names ending "
        "in '.md' are): it is published as a file no monograph links to, /fichiers/docs/c.mkd; "
        f"if it is a monograph, name it 'c.md'; if not, move it out of the monographs folder "
        f"{tail}",
        "monographs/essai.markdown: warning: file: is not read as a monograph (only names "
        "ending in '.md' are): it is published as a file no monograph links to, "
        "/fichiers/essai.markdown; if it is a monograph, name it 'essai.md'; if not, move it "
        f"out of the monographs folder {tail}",
        "monographs/notes.txt: warning: file: no monograph links to it, yet it is published "
        "as /fichiers/notes.txt; link it from a monograph, or, if it is not for readers, move "
        f"it out of the monographs folder {tail}"]
