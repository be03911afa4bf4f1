"""schema.org JSON-LD for a monograph page: an ``Article`` with what it is about, where
it takes place, who took part and when it was published."""

from __future__ import annotations

from . import urls
from .index import Site
from .model import Monograph
from .territory import FRANCE


def article(site: Site, monograph: Monograph) -> dict[str, object]:
    """The JSON-LD object of one monograph (the template escapes it for ``<script>``)."""
    link = urls.Urls(site.config.base_url)
    about: list[dict[str, object]] = []
    for kind in (urls.ALLIANCES, urls.NETWORKS, urls.STAKEHOLDERS, urls.THEMES):
        about.extend({"@type": "DefinedTerm", "name": t.label, "url": link.full(t.route)}
                     for t in site.terms_of(monograph, kind))
    places = []
    for territory in map(site.named, monograph.territories):
        address: dict[str, object] = {"@type": "PostalAddress",
                                      "addressCountry": "FR" if territory.country == FRANCE
                                      else territory.country}
        if territory.commune:
            address["addressLocality"] = territory.commune
        if territory.region:
            address["addressRegion"] = territory.region
        places.append({"@type": "Place", "name": ", ".join(reversed(territory.levels)),
                       "address": address, "url": link.full(urls.territory(territory.slugs))})
    contributors = []
    for term, partner in zip(site.terms_of(monograph, urls.ORGANISATIONS), monograph.partners,
                             strict=True):
        organisation: dict[str, object] = {"@type": "Organization", "name": term.label,
                                           "url": link.full(term.route)}
        if partner.url:
            organisation["sameAs"] = partner.url
        contributors.append(organisation)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": monograph.title,
        "description": monograph.summary,
        "inLanguage": "fr",
        "url": link.full(urls.monograph(monograph.slug)),
        "datePublished": monograph.date.isoformat(),
        "dateModified": (monograph.updated or monograph.date).isoformat(),
        "about": about,
        "spatialCoverage": places,
        "contributor": contributors,
        "keywords": [t.label for t in site.terms_of(monograph, urls.THEMES)],
        "isPartOf": {"@type": "WebSite", "name": site.config.title, "url": link.full("")},
    }
    if monograph.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in monograph.authors]
    else:
        data["author"] = {"@type": "Organization", "name": site.config.title}
    return data
