"""Pytest fixtures for browser tests: one headless Chromium per session, a fresh page per test.

Load them with ``pytest_plugins = ["tests.browser_fixtures"]`` (in ``tests/conftest.py`` or in a
test module). Without Chromium the tests that use them skip, or fail in CI (see
:func:`tests.tools.require`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from .tools import CHROMIUM_ARGS, chromium_path

# A test waiting for something that never happens fails after this long, not after 30 s.
TIMEOUT_MS = 10_000


@dataclass
class BrowserPage:
    """A Playwright page and the errors it has logged so far."""

    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, shared by the whole session."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[BrowserPage]:
    """A page in a fresh context; console errors and uncaught exceptions go to ``.errors``.

    Console errors include resources that failed to load (a 404 for an image, a script…),
    except the favicon that Chromium requests by itself.

    The context bypasses Content-Security-Policy so that axe-core can be injected.
    """
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    result = BrowserPage(context.new_page())

    def on_console(message: ConsoleMessage) -> None:
        url = message.location["url"]
        # Chromium asks every site for /favicon.ico on its own: not the page's error.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            where = f" ({url}:{message.location['lineNumber']})" if url else ""
            result.errors.append(f"console error: {message.text}{where}")

    def on_page_error(error: Error) -> None:
        result.errors.append(f"uncaught exception: {error.name}: {error.message}")

    result.page.on("console", on_console)
    result.page.on("pageerror", on_page_error)
    try:
        yield result
    finally:
        context.close()
