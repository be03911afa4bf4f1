"""Render: ``OutputPage`` → bytes, through Jinja2.

Autoescape is on for every template but plain text (``robots.txt``), and undefined names
are errors (``StrictUndefined``).
Each template reads its page's own context, ``site`` (the ``Site``), ``route`` (its own
route), ``url(route)`` for links under ``base_url``, ``full_url(route)`` for absolute
links, ``article_data(monograph)`` for its JSON-LD, and the filters ``date_fr``
(« 1er octobre 2026 »), ``fr`` (French spacing), ``plural`` and ``jsonld`` (JSON safe
inside ``<script>``). Only a rendered Markdown body is marked safe, by the template that
shows it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import structured, urls
from .index import Site
from .plan import OutputPage
from .typography import french

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def date_fr(value: dt.date) -> str:
    """« 16 octobre 2026 », « 1er mai 2025 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def plural(count: int, singular: str, many: str) -> str:
    """« 0 monographie », « 1 monographie », « 2 monographies » (French: 0 is singular)."""
    return f"{count}\u00a0{singular if count < 2 else many}"


def to_json_script(value: object) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` and U+2028/9 escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def make_environment(templates: Path, site: Site) -> jinja2.Environment:
    """The Jinja environment for one site."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        # HTML and XML are escaped; plain text (robots.txt) is not HTML.
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    link = urls.Urls(site.config.base_url)
    env.globals.update(site=site, url=link, full_url=link.full, urls=urls,
                       absolute_base=link.absolute,
                       article_data=lambda monograph: structured.article(site, monograph))
    env.filters.update(date_fr=date_fr, fr=french, plural=plural, jsonld=to_json_script)
    return env


def render_page(env: jinja2.Environment, page: OutputPage) -> bytes:
    """The bytes of one page."""
    template = env.get_template(page.template)
    return template.render(route=page.route, **page.context).encode("utf-8")
