"""Fixtures for the browser tests: Debian's Chromium, a live Casewell, signed-in visitors."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, sync_playwright

from casewell.browser_tests.pages import Visitor
from casewell.offices.models import User

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `pytest -m "not browser"` must never start Chromium, so a browser test
    # that forgot its marker is an error, not a silent extra.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents and item.get_closest_marker("browser") is None:
            raise pytest.UsageError(f"{item.nodeid} is a browser test without @pytest.mark.browser")


REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is not installed at /usr/bin/chromium; `make browser` installs it."
        )
    # Playwright's synchronous API runs an event loop in this thread, which makes
    # Django think it is in async code; the test's own ORM calls are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_visitor(browser: Browser, live_server) -> Iterator[Callable[[], Visitor]]:  # type: ignore[no-untyped-def]
    """Make visitors (each its own browser context: its own cookies) for this test."""
    contexts = []
    visitors: list[Visitor] = []

    def make() -> Visitor:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
        )
        context.set_default_timeout(10_000)
        # Init scripts run outside the page's policy, so this reports every refusal.
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        visitor = Visitor(context.new_page(), live_server.url)
        visitors.append(visitor)
        return visitor

    yield make
    try:
        for visitor in visitors:
            visitor.assert_every_page_was_checked()
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def visitor(new_visitor: Callable[[], Visitor]) -> Visitor:
    """Someone not signed in."""
    return new_visitor()


@pytest.fixture
def signed_in(new_visitor: Callable[[], Visitor], live_server) -> Callable[[User], Visitor]:  # type: ignore[no-untyped-def]
    """A visitor already signed in as someone, without walking through the sign-in pages.

    The sign-in tests walk through them; everything else starts from a session
    made the way Django's test client makes one.
    """

    def sign_in(user: User) -> Visitor:
        client = Client()
        client.force_login(user)
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        visitor = new_visitor()
        visitor.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie.value,
                    "url": live_server.url,
                }
            ]
        )
        return visitor

    return sign_in
