"""Bodies → HTML: safety, French typography, headings, and links rewritten."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from impact_ssg.markdown import (
    RenderedBody,
    french_text,
    make_renderer,
    page_placeholder,
    render,
    resolve_pages,
)
from impact_ssg.notes import Note
from impact_ssg.typography import NNBSP, french

PAGES = {"a.md": "/monographies/a/", "sub/b.md": "/monographies/b/"}


def html(body: str, allow_html: bool = False, source: str = "x.md") -> RenderedBody:
    return render(make_renderer(allow_html), body, source, PAGES.get,
                  lambda rel: "/fichiers/" + rel)


@pytest.mark.parametrize(("text", "expected"), [
    ("Bonjour ! Ça va ?", f"Bonjour{NNBSP}! Ça va{NNBSP}?"),
    ("Note: voici; là", f"Note{NNBSP}: voici{NNBSP}; là"),
    ("«Oui» et « non »", f"«{NNBSP}Oui{NNBSP}» et «{NNBSP}non{NNBSP}»"),
    ("à 10:30 sur https://example.org", "à 10:30 sur https://example.org"),
    ("Quoi?!", f"Quoi{NNBSP}?!"),
    # Runs of marks, what may come before one, and spaces of every kind.
    ("Quoi ?: non", f"Quoi{NNBSP}?: non"),
    ("fin:", f"fin{NNBSP}:"),
    ("a:: b", "a:: b"),
    ("a:!", "a:!"),
    ("«Oui»; puis", f"«{NNBSP}Oui{NNBSP}»{NNBSP}; puis"),
    ("x !? y", f"x{NNBSP}!? y"),
    ("(note)!", f"(note){NNBSP}!"),
    ("2²: carré", f"2²{NNBSP}: carré"),
    ("mot_: suite", f"mot_{NNBSP}: suite"),
    ("« ? »", f"«{NNBSP}?{NNBSP}»"),
    ("Et…»", f"Et…{NNBSP}»"),
    ("« »", f"«{NNBSP}»"),
    ("a\u00a0;b", f"a{NNBSP};b"),
    ("a :b", f"a{NNBSP}:b"),
])
def test_french_spacing(text: str, expected: str) -> None:
    assert french(text) == expected
    assert french(expected) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('Un "test" d\'été ?', f"Un «{NNBSP}test{NNBSP}» d’été{NNBSP}?"),
    ("aujourd'hui, l'accueil", "aujourd’hui, l’accueil"),
    ('Le "pôle" et "la halle"', f"Le «{NNBSP}pôle{NNBSP}» et «{NNBSP}la halle{NNBSP}»"),
    ("l'\"accueil\"", f"l’«{NNBSP}accueil{NNBSP}»"),
    ("'x' et rock 'n' roll", "“x” et rock “n” roll"),
    ("Du -- au... (c)", "Du – au… ©"),
    ("Marque (TM) et (r) +- 2", "Marque ™ et ® ± 2"),
    # Quotes that open or close nothing are left as written.
    ('Écrans 24" et 27"', 'Écrans 24" et 27"'),
    ('"a" "b', f'«{NNBSP}a{NNBSP}» "b'),
    ('puis " non "', 'puis " non "'),
    ("« Déjà » là", f"«{NNBSP}Déjà{NNBSP}» là"),
    # Nothing else of Markdown: no emphasis, no escape.
    ("*x* \\\\o/ <b>", "*x* \\\\o/ <b>"),
])
def test_titles_and_summaries_are_typeset_as_bodies_are(text: str, expected: str) -> None:
    # Not Markdown, so not through the parser: the templates' `fr` filter.
    assert french_text(text) == expected
    assert french_text(expected) == expected
    if "*" not in text:
        assert body_text(text) == expected


def body_text(text: str) -> str:
    return BeautifulSoup(html(text).html, "html.parser").get_text().strip()


def test_typography_never_touches_code() -> None:
    out = html('Dit "oui" : `a : b` et\n\n    x ; y !\n').html
    assert f"«{NNBSP}oui{NNBSP}»{NNBSP}:" in out
    assert "<code>a : b</code>" in out
    assert "<pre><code>x ; y !\n</code></pre>" in out


def test_raw_html_is_text_unless_allowed() -> None:
    body = '<script>alert(1)</script>\n\n<b onclick="x()">gras</b>'
    soup = BeautifulSoup(html(body).html, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert "<script>alert(1)</script>" in soup.get_text()
    assert BeautifulSoup(html(body, allow_html=True).html, "html.parser").find("b") is not None


def test_relative_links_of_raw_html_are_found_at_their_line() -> None:
    body = ('<p>Voir <a href="a.md">A</a> et\n<img alt="s" SRC=\'img/s.png\'>, '
            '<a href="https://example.org/">ici</a>, <a href="/panorama/">là</a>.</p>\n\n'
            'Du texte avec <a title="t"\nhref="../sub/b.md#le-contexte">B</a>.\n\n'
            '[Markdown](a.md)')
    found = [(r.target, r.written, r.line, r.image, r.fragment)
             for r in html(body, allow_html=True, source="sub/x.md").raw_links]
    assert found == [("sub/a.md", "a.md", 1, False, ""),
                     ("sub/img/s.png", "img/s.png", 2, True, ""),
                     ("sub/b.md", "../sub/b.md#le-contexte", 5, False, "le-contexte")]
    assert html(body, source="sub/x.md").raw_links == ()  # raw HTML is text then


@pytest.mark.parametrize(("body", "said"), [
    ("Voir ![un schéma](images/Mon Schéma.PNG) ici.", "'![un schéma](images/Mon Schéma.PNG)' "
     "is shown as text, not as an image: its address holds a space: write %20 for each "
     "('images/Mon%20Schéma.PNG'), or put the address in <…>"),
    ("Voir [la fiche] (autre.md) !", "'[la fiche] (autre.md)' is shown as text, not as a "
     "link: take out the space between ']' and '('"),
    ("Voir [l'autre](https://example.org/a !", "'[l’autre](https://example.org/a !' is shown "
     "as text, not as a link: its ')' is missing"),
    ("> - [cité](https://a.fr/x y) : oui", "'[cité](https://a.fr/x y)' is shown as text, not "
     "as a link: its address holds a space: write %20 for each ('https://a.fr/x%20y'), or "
     "put the address in <…>"),
    ("Voir [le rapport](C:\\Users\\moi\\rapport.pdf).", "'[le rapport](C:\\Users\\moi\\"
     "rapport.pdf)' is shown as text, not as a link: its address is a path on a computer, "
     "which readers cannot open: put the file in the monographs folder and link it by its "
     "path from this file ('rapport.pdf' if it is beside it)"),
    ("[plan](file:///home/moi/plan.png)", "'[plan](file:///home/moi/plan.png)' is shown as "
     "text, not as a link: its address is a path on a computer, which readers cannot open: "
     "put the file in the monographs folder and link it by its path from this file "
     "('plan.png' if it is beside it)"),
    ("[le rapport](C:\\Mes documents\\rapport final.pdf)", "'[le rapport](C:\\Mes "
     "documents\\rapport final.pdf)' is shown as text, not as a link: its address is a path "
     "on a computer, which readers cannot open: put the file in the monographs folder and "
     "link it by its path from this file ('rapport final.pdf' if it is beside it)"),
    ("Appeler [le standard](tel:+33561000000).", "'[le standard](tel:+33561000000)' is shown "
     "as text, not as a link: only http:, https: and mailto: addresses, and paths to files "
     "of the monographs folder, become links"),
    # Meant as text: prose between brackets, escaped or in code, and real links.
    ("Un fait [sic] (p. 3), [1] (2019).", None),
    ("Écrire \\[texte\\](a.md) ou `[texte] (a.md)`.", None),
    ("[lien](<Mon fichier.md>) et [autre](a%20b.md) et [x](autre.md)", None),
])
def test_link_syntax_left_as_text_is_noted_at_its_line(body: str, said: str | None) -> None:
    notes = html(f"## Titre\n\nUne ligne\n{body}\n", source="sub/x.md").notes
    assert notes == (() if said is None else ((4, said),))


@pytest.mark.parametrize(("body", "said"), [
    ("Voir ![](images/Mon%20plan.png) et ![ ](b.png).", [
        (3, "image 'b.png' has no description: write what it shows between its brackets, "
            "![Schéma de …](b.png), which screen readers read and browsers show when the image "
            "cannot be"),
        (3, "image 'images/Mon plan.png' has no description: write what it shows between its "
            "brackets, ![Schéma de …](<images/Mon plan.png>), which screen readers read and "
            "browsers show when the image cannot be")]),
    ("![Un plan\nsur deux lignes](a.png)\n![](b.png)", [
        (5, "image 'b.png' has no description: write what it shows between its brackets, "
            "![Schéma de …](b.png), which screen readers read and browsers show when the image "
            "cannot be")]),
    ("Les partenaires :\n• la commune ;\n• l’association.", [
        (4, "lines begun with '•' make no list in Markdown (they run on as one paragraph): "
            "begin each with '- ', after a blank line")]),
    ("Texte[^a].\n\n[^a]: Appelée.\n\n[^b]: Jamais appelée.", [
        (7, "the footnote '[^b]' is never called in the text, so it is not shown: call it "
            "where it belongs, '…[^b]', or delete it")]),
    ("Texte.\n\n> Cité.\n> [^c]: Dans une citation.", [
        (6, "the footnote '[^c]' is never called in the text, so it is not shown: call it "
            "where it belongs, '…[^c]', or delete it")]),
    # Fine: a described image, lines of dialogue, dashes that begin lines of prose apart,
    # a real list.
    ("![Le plan](a.png)\n\n— Une réplique.\n— Une autre.\n\nLe pôle\n– créé en 2010 –\n"
     "réunit\n– depuis lors – vingt membres.\n\n- un ;\n- deux.", []),
])
def test_slips_a_body_shows_only_on_its_page_are_noted(body: str, said: list[Note]) -> None:
    assert list(html(f"## Titre\n\n{body}\n").notes) == said


_NOT_READ = ("shown as text: raw HTML is not read (allow_html is false in the config); write "
             "it in Markdown, or set allow_html: true")


@pytest.mark.parametrize(("body", "said"), [
    ("Un saut<br>de ligne.", [(3, f"'<br>' is {_NOT_READ}")]),
    ("Un mot,\npuis <span class=\"x\">un autre</span> et <br/>.", [
        (4, f"'<span …>' and 2 other tags are {_NOT_READ}")]),
    ("<div class=\"encadre\">\n\nTexte.\n\n</div>", [
        (3, f"'<div …>' is {_NOT_READ}"), (7, f"'</div>' is {_NOT_READ}")]),
    ("<!-- à revoir -->", [(3, f"'<!-- … -->' is {_NOT_READ}")]),
    # Meant as text: no element of HTML, escaped, an entity, code, a comparison.
    ("<<Bonjour>>, <nom de la structure> et \\<br> &lt;br&gt; `<br>` a < b, 3 < 4 > 2."
     "\n\n```\n<br>\n```", []),
])
def test_raw_html_shown_as_text_is_noted(body: str, said: list[Note]) -> None:
    assert list(html(f"## Titre\n\n{body}\n").notes) == said
    assert html(f"## Titre\n\n{body}\n", allow_html=True).notes == ()


@pytest.mark.parametrize(("body", "said"), [
    ("", [(1, "the body has no text yet: write the monograph below the front matter")]),
    ("## A\n\n## B\n", [(1, "the body has no text yet: write the monograph below the front "
                           "matter")]),
    ("## A\n\n## B\n\nTexte[^1].\n\n## C\n\n[^1]: Une note.\n", [
        (1, "the section 'A' is empty: write it, or take out its heading"),
        (7, "the section 'C' is empty: write it, or take out its heading")]),
    # A section whose text is in its sub-sections is written; an empty one is not.
    ("## A\n\n### A.1\n\nTexte.\n\n### A.2\n\n## B\n\n- un point\n", [
        (7, "the section 'A.2' is empty: write it, or take out its heading")]),
    ("Texte.\n", []),
])
def test_what_a_body_has_yet_to_be_written_is_noted(body: str, said: list[Note]) -> None:
    assert list(html(body).unwritten) == said


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                    "vbscript:x", "data:text/html,<b>x</b>", "file:///etc/passwd",
                                    "java\tscript:alert(1)"])
def test_unsafe_links_never_become_links(target: str) -> None:
    soup = BeautifulSoup(html(f"[clic]({target}) et ![img]({target})").html, "html.parser")
    assert soup.find("a") is None and soup.find("img") is None


@pytest.mark.parametrize("target", ["https://example.org/x", "http://example.org",
                                    "mailto:contact@example.org", "#section", "/autre/"])
def test_safe_links_stay_links(target: str) -> None:
    soup = BeautifulSoup(html(f"[lien]({target})").html, "html.parser")
    link = soup.find("a")
    assert link is not None and link["href"] == target


@pytest.mark.parametrize(("written", "linked"), [
    ("/panorama/", "/impact/panorama/"),
    ("/?q=eau#resultats", "/impact/?q=eau#resultats"),
    ("/impacts/", "/impact/impacts/"),
    ("/impact/reseaux/", "/impact/reseaux/"),  # already there
    ("/impact", "/impact"),
    ("/impact#x", "/impact#x"),
    ("//example.org/x", "//example.org/x"),  # another host
])
def test_site_absolute_links_are_taken_under_the_path_of_base_url(written: str,
                                                                 linked: str) -> None:
    body = f"[lien]({written}) ![image]({written})"
    soup = BeautifulSoup(render(make_renderer(), body, "x.md", PAGES.get, lambda t: t, 1,
                                "/impact/").html, "html.parser")
    link, image = soup.find("a"), soup.find("img")
    assert link is not None and image is not None
    assert (link["href"], image["src"]) == (linked, linked)


def test_links_to_monograph_files_and_other_files_are_rewritten() -> None:
    body = ("[A](a.md) [B](sub/b.md#suite) [brouillon *x*](draft.md) ![Plan](img/plan.png) "
            "[PDF](docs/rapport%202024.pdf)")
    soup = BeautifulSoup(html(body).html, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == [
        "/monographies/a/", "/monographies/b/#suite", "/fichiers/docs/rapport 2024.pdf"]
    assert "brouillon x" in soup.get_text()  # a draft's link is plain text
    image = soup.find("img")
    assert image is not None and image["src"] == "/fichiers/img/plan.png"
    assert image["alt"] == "Plan" and image["loading"] == "lazy"


@pytest.mark.parametrize("allow_html", [False, True])
def test_links_to_monograph_files_keep_their_title_once_resolved(allow_html: bool) -> None:
    body = ('[A](a.md "Le pôle") [B](sub/b.md#suite "Suite") [r] [brouillon](draft.md "t")\n\n'
            '[r]: a.md "Référence"\n')
    rendered = render(make_renderer(allow_html), body, "x.md", page_placeholder,
                      lambda rel: "/fichiers/" + rel)
    resolved = resolve_pages(rendered.html, PAGES.get)
    assert "\x00" not in resolved
    links = BeautifulSoup(resolved, "html.parser").find_all("a")
    assert [(a["href"], a.get("title"), a.get_text()) for a in links] == [
        ("/monographies/a/", "Le pôle", "A"), ("/monographies/b/#suite", "Suite", "B"),
        ("/monographies/a/", "Référence", "r")]
    assert "brouillon" in BeautifulSoup(resolved, "html.parser").get_text()


def test_links_resolve_from_the_monographs_folder() -> None:
    soup = BeautifulSoup(html("[B](b.md) [A](../a.md)", source="sub/x.md").html, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["/monographies/b/", "/monographies/a/"]


def test_headings_start_at_h2_never_skip_and_get_unique_ids() -> None:
    rendered = html("# Le contexte\n\n### Détail\n\n# Le contexte\n\n## Bilan : 2025\n\n"
                    "# Sommaire\n")
    soup = BeautifulSoup(rendered.html, "html.parser")
    assert [(h.name, h["id"]) for h in soup.find_all(["h2", "h3", "h4"])] == [
        ("h2", "le-contexte"), ("h3", "detail"), ("h2", "le-contexte-2"),
        ("h3", "bilan-2025"), ("h2", "sommaire-2")]
    assert [(h.level, h.id) for h in rendered.toc] == [
        (2, "le-contexte"), (3, "detail"), (2, "le-contexte-2"), (3, "bilan-2025"),
        (2, "sommaire-2")]


def test_tables_footnotes_and_strikethrough() -> None:
    soup = BeautifulSoup(html("| a | b |\n|---|---|\n| 1 | 2 |\n\nTexte[^n] ~~barré~~\n\n"
                              "[^n]: La note.\n").html, "html.parser")
    region = soup.find("div", class_="table-scroll")
    assert region is not None and region.find("table") is not None
    assert region["tabindex"] == "0" and region["role"] == "region"
    assert soup.find("s") is not None
    assert soup.find("section", class_="footnotes") is not None


@pytest.mark.parametrize("raw", [
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="JAVASCRIPT:alert(1)">clic</a>',
    '<img src="x.png" onerror="alert(1)">',
    "<script>alert(1)</script>",
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    '<iframe src="https://example.org"></iframe>',
    '<svg><script>alert(1)</script></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
])
def test_allowed_html_is_sanitised(raw: str) -> None:
    out = html(f"Texte\n\n{raw}\n\nfin", allow_html=True).html
    soup = BeautifulSoup(out, "html.parser")
    assert soup.find(["script", "iframe", "svg", "style"]) is None, out
    for tag in soup.find_all(True):
        assert not any(a.startswith("on") or a == "style" for a in tag.attrs), out
        for attr in ("href", "src"):
            assert not str(tag.get(attr, "")).lower().startswith(("javascript", "data")), out


def test_allowed_html_keeps_ordinary_markup() -> None:
    out = html('<details><summary>Plus</summary><p>Un <abbr title="Très petite entreprise">'
               'TPE</abbr> et <a href="https://example.org">un lien</a>.</p></details>',
               allow_html=True).html
    soup = BeautifulSoup(out, "html.parser")
    abbr, link = soup.find("abbr"), soup.find("a")
    assert soup.find("details") is not None and abbr is not None and link is not None
    assert abbr["title"] == "Très petite entreprise" and link["href"] == "https://example.org"
