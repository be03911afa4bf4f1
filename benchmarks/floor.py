"""The floor: the least work any generator of this site must do, for comparison.

Front matter with python-frontmatter, the body with markdown-it-py, one trivial Jinja
template, one write per monograph, over 2 processes; no validation, no index pages.

    python benchmarks/floor.py SOURCE_DIR OUTPUT_DIR
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import frontmatter
import jinja2
from markdown_it import MarkdownIt

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=fr><head><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1>{{ body|safe }}</body></html>")
PARSER = MarkdownIt("js-default")


def page(job: tuple[str, str]) -> None:
    source, output = Path(job[0]), Path(job[1])
    post = frontmatter.load(source)
    target = output / source.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.render(title=post.get("title", ""),
                                      body=PARSER.render(post.content)), "utf-8")


def main() -> None:
    source, output = Path(sys.argv[1]), Path(sys.argv[2])
    jobs = [(str(p), str(output)) for p in sorted(source.rglob("*.md"))]
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(page, jobs, chunksize=64))


if __name__ == "__main__":
    main()
