"""Long lists are paginated: every monograph on exactly one page, linked with rel=next."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from impact_ssg.pipeline import Options, build

from .conftest import ROOT, VALID


def test_long_lists_are_paginated_with_rel_next(tmp_path: Path) -> None:
    source = tmp_path / "monographs"
    source.mkdir()
    for i in range(120):
        text = VALID.replace("date: 2026-10-16", f"date: 2025-{1 + i % 12:02d}-{1 + i % 28:02d}")
        (source / f"m{i:03d}.md").write_text(text, "utf-8")
    shutil.copy(ROOT / "impact.yaml", tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    output = tmp_path / "site"
    build(Options(config=tmp_path / "impact.yaml", source=source, output=output, quiet=True))

    for route in ("reseaux/anpp/", "territoires/france/occitanie/haute-garonne/toulouse/",
                  "acteurs/eti/"):
        seen: list[str] = []
        dates: list[str] = []
        previous = None
        current = route
        for number in range(1, 4):
            soup = BeautifulSoup((output / current / "index.html").read_text("utf-8"),
                                 "html.parser")
            titles = [str(a["href"]) for a in soup.select("main .cards .card-title a")]
            assert len(titles) == (50 if number < 3 else 20)
            seen.extend(titles)
            dates.extend(str(t["datetime"]) for t in soup.select("main .cards time"))
            prev_link = soup.select_one('main a[rel="prev"]')
            assert (prev_link["href"] if prev_link else None) == previous
            assert soup.select_one('link[rel="next"]') is not None or number == 3
            following = soup.select_one('main a[rel="next"]')
            previous = f"/{current}"
            if number == 3:
                assert following is None
            else:
                assert following is not None
                assert following["href"] == f"/{route}page/{number + 1}/"
                current = str(following["href"]).lstrip("/")
        assert len(seen) == len(set(seen)) == 120, route
        assert dates == sorted(dates, reverse=True)  # newest first, across pages
