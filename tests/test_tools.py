"""The external checkers work end to end: vnu.jar, axe-core in Chromium, the page fixture.

Each tool is missing → the test skips locally and fails in CI (``CI=true``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .tools import format_violations, format_vnu_messages, run_axe, run_vnu, serve_folder

if TYPE_CHECKING:  # imported at runtime by pytest_plugins, so that pytest can rewrite its asserts
    from .browser_fixtures import BrowserPage

pytest_plugins = ["tests.browser_fixtures"]

GOOD = """\
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Une page valide</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<main>
<h1>Une page valide</h1>
<p>Un paragraphe, <a href="#">un lien</a> et une image :
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Un point" width="1" height="1"></p>
</main>
</body>
</html>
"""

# No <title>, a <div> in a <span>, an <img> without alt.
BAD = """\
<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"></head>
<body>
<main>
<h1>Une page invalide</h1>
<span><div>Un bloc dans une ligne</div></span>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">
</main>
</body>
</html>
"""

CSS = "body { font-family: serif; colr: black; }\n"


def test_vnu_accepts_valid_html_and_reports_errors(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.html").write_text(BAD, encoding="utf-8")
    (tmp_path / "style.css").write_text(CSS, encoding="utf-8")

    errors = run_vnu([tmp_path / "good.html", tmp_path / "bad.html", tmp_path / "style.css"])

    by_file: dict[str, list[str]] = {}
    for error in errors:
        by_file.setdefault(Path(error["file"]).name, []).append(error["message"])
    report = format_vnu_messages(errors)
    assert "good.html" not in by_file, report
    assert any("title" in message for message in by_file["bad.html"]), report
    assert any("“div” not allowed" in message for message in by_file["bad.html"]), report
    assert any("colr" in message for message in by_file["style.css"]), report
    assert all(error["line"] > 0 for error in errors), report


def test_axe_passes_a_good_page_and_flags_a_missing_alt(tmp_path: Path, page: BrowserPage) -> None:
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.html").write_text(BAD, encoding="utf-8")
    (tmp_path / "style.css").write_text(CSS, encoding="utf-8")

    with serve_folder(tmp_path) as base:
        page.page.goto(base + "good.html")
        good = run_axe(page.page)
        page.page.goto(base + "bad.html")
        bad = run_axe(page.page)

    assert good == [], format_violations(good)
    assert "image-alt" in {violation["id"] for violation in bad}, format_violations(bad)
    assert page.errors == []


def test_page_records_console_errors_and_exceptions(page: BrowserPage) -> None:
    page.page.set_content(
        "<!DOCTYPE html><title>t</title>"
        "<script>console.error('logged'); throw new Error('boom');</script>"
    )
    assert any("logged" in error for error in page.errors), page.errors
    assert any("boom" in error for error in page.errors), page.errors
