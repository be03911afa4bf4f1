"""A bounded fuzz run of the loader and the Markdown pipeline, part of every test run.

Hypothesis mutates a valid monograph byte by byte and assembles bodies from Markdown's
significant pieces. Runs are derandomised (``conftest``), so every run tries the same
inputs and a failure reproduces anywhere; the example counts keep the whole run near half
a minute. ``python -m pytest tests/test_fuzz.py --hypothesis-profile=explore`` tries new
inputs. A crash found by either becomes a named regression test in ``test_security``.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from impact_ssg.config import Config
from impact_ssg.errors import ContentError
from impact_ssg.markdown import make_renderer, page_placeholder, render, resolve_pages
from impact_ssg.model import Checked
from impact_ssg.schema import validate
from impact_ssg.source import SourceFile, read_document

from .conftest import VALID

FUZZ = settings(max_examples=4000)
FUZZ_MORE = settings(max_examples=8000)

SOURCE = SourceFile("dossier/x.md", "monographs/dossier/x.md", "/nonexistent")
PARSERS = {allow: make_renderer(allow) for allow in (False, True)}
CONFIG = Config()
HTML_CONFIG = Config(allow_html=True)

BODY = b"""
## Contexte

Le p\xc3\xb4le [voir](autre.md#suite) et ![Plan](img/plan.png) : \xc2\xab oui \xc2\xbb !
| a | b |
|---|---|
| 1 | 2 |

Une note[^1] et ~~barr\xc3\xa9~~, `code : x`.

[^1]: La note.
"""
SEED = VALID.encode("utf-8") + BODY


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The seed file with a few bytes inserted, deleted or replaced."""
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "splice"]))
        if action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif action == "replace":
            data[at:at + 1] = draw(st.binary(min_size=1, max_size=1))
        else:
            data[at:at] = draw(st.sampled_from(SPLICES))
    return bytes(data)


# Pieces that change how YAML or Markdown read what follows.
SPLICES = [
    b"---\n", b"\n", b"\r", b"\t", b": ", b"- ", b"&a ", b"*a", b"!!str ", b'"', b"'", b"#",
    b"[", b"]", b"{", b"}", b"|", b">", b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\xc3", b"\x00",
    b"<script>alert(1)</script>", b"[x](javascript:alert(1))", b"![x](../../etc/passwd)",
    b"[x](a.md)", b"[^1]", b"```\n", b"    ", b"# ", b"<img src=x onerror=alert(1)>",
    b"\\u0000", b'"\\uFFFE"', b"\xef\xbf\xbe",
]


def load_one(data: bytes, config: Config = CONFIG) -> Checked | list[ContentError]:
    raw = read_document(SOURCE, data)
    return raw if isinstance(raw, list) else validate(raw, config, PARSERS[config.allow_html])


@FUZZ_MORE
@given(mutated())
def test_fuzz_the_loader_with_mutated_files(data: bytes) -> None:
    result = load_one(data)
    if isinstance(result, list):
        assert result and all(isinstance(e, ContentError) and "\n" not in str(e)
                              for e in result)
    else:
        assert_safe(result.html.decode())


MARKDOWN = st.lists(st.sampled_from([
    "a", "é", " ", "\n", "\n\n", "# ", "## ", "> ", "- ", "1. ", "* ", "_", "**", "~~", "`",
    "```", "    ", "|", "---", "[", "]", "(", ")", "!", "<", ">", "&", "&amp;", "&#0;",
    "&#x110000;", "\\", '"', "'", ":", ";", "?", "«", "[^1]", "[^1]: ", "[x]: ",
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:", "data:text/html,x",
    "vbscript:x", "https://example.org", "mailto:a@b.c", "a.md", "../a.md", "#x",
    "img.png", "%2e%2e/", "<script>", "</script>", "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>", "<svg onload=alert(1)>", "<iframe>", "<style>",
    "<!--", "-->", "<![CDATA[", "]]>", "<b>", "</b>", "<div>", "\u2028", "\x00",
    # Whole constructs, which pieces rarely assemble by chance.
    "[x](javascript:alert(1))", "![x](JavaScript:alert(1))", "<javascript:alert(1)>",
    "[x](data:text/html,<script>alert(1)</script>)", "[r]\n\n[r]: javascript:alert(1)\n",
    "[x](java\tscript:alert(1))", "[x](<javascript:alert(1)>)", "[x](vbscript:x 'titre')",
    '[x](a.md "titre")', "[x](a.md#b 'titre')", '[r]\n\n[r]: a.md "t"\n',
    '<a href="javascript:alert(1)">x</a>', "<img src=x onerror=alert(1)>",
]), max_size=60).map("".join)

# What a body may put in a page: the markup the renderer writes (and, with allow_html,
# what the sanitiser lets through); never a script, a frame, a style, an event handler.
FORBIDDEN_TAGS = {"script", "iframe", "style", "svg", "object", "embed", "form", "input",
                  "base", "meta", "link"}


def assert_safe(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in FORBIDDEN_TAGS, html
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), html
            if name in ("href", "src"):
                target = str(value).strip().lower().replace("\t", "").replace("\n", "")
                assert not target.startswith(("javascript:", "vbscript:", "data:")), html


@FUZZ
@given(MARKDOWN, st.booleans())
def test_fuzz_the_markdown_pipeline(body: str, allow_html: bool) -> None:
    rendered = render(PARSERS[allow_html], body, "dossier/x.md", page_placeholder,
                      lambda rel: "/fichiers/" + rel, body_line=7)
    html = resolve_pages(rendered.html, lambda target: f"/monographies/{target}/")
    assert "\x00" not in html
    assert_safe(html)
    assert all(ref.line >= 7 for ref in rendered.references)
    assert len({h.id for h in rendered.toc}) == len(rendered.toc)


@settings(max_examples=3000)
@given(MARKDOWN)
def test_fuzz_whole_files_with_hostile_bodies(body: str) -> None:
    for config in (CONFIG, HTML_CONFIG):
        result = load_one(VALID.encode("utf-8") + body.encode("utf-8", "surrogatepass"), config)
        if isinstance(result, list):
            assert all(isinstance(e, ContentError) for e in result)
        else:
            assert_safe(result.html.decode())
