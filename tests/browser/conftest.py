"""Chromium, driven by Playwright's sync API, against pytest-django's live server.

Playwright must never download a browser of its own: the tests use Debian's
Chromium at /usr/bin/chromium, as CI does.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import skip_or_fail
from tests.factories import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
CEILING_MS = 90_000


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        skip_or_fail(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in the main thread while the browser is
    # open; Django's async-safety check would refuse the tests' ORM calls meanwhile.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A fresh tab (own cookies) sized like a phone.

    Every step waits for its condition (a navigation, an element, the chart marking itself drawn), never
    for a fixed time; the timeout is only a ceiling for a page that is really broken, set high enough that
    a loaded 2-core machine never reaches it on a working one.
    """
    context = browser.new_context(viewport=PHONE_VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(CEILING_MS)
    expect.set_options(timeout=CEILING_MS)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page, live_server, user, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real form at `/`, with the keyboard, and wait for the user's home."""
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    refused = page.locator(".error-summary")
    if refused.count():
        pytest.fail(f"sign-in refused for {user.username}: {refused.inner_text()}")


def tab_to(page, selector: str, max_presses: int = 40) -> None:
    """Press Tab (and only Tab) until the element matching `selector` has the focus."""
    target = page.locator(selector)
    for _press in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{selector} never received the keyboard focus after {max_presses} Tab presses")
