"""Page objects: what a person sees and does, in their words.

Every page object is made by ``Visitor.arrive``, which waits for the page to
load and runs axe-core on it, so no test can look at a page that has not been
checked. ``Visitor`` also collects console errors (Content-Security-Policy
violations show up there) and fails the test on any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page

from casewell.browser_tests.axe import describe_violations, run_axe

P = TypeVar("P", bound="CasewellPage")


def tab_to(page: Page, css: str | None = None, *, text: str | None = None, most: int = 150) -> None:
    """Press Tab, as a keyboard user would, until focus is on the element matching ``css``,
    or on the link, button or field whose words (hidden ones too) start with ``text``."""
    assert (css is None) != (text is None), "Say where to go: css or text, not both"
    for _ in range(most):
        if page.evaluate(
            """([css, text]) => {
                 const here = document.activeElement;
                 return css ? here.matches(css) : (here.textContent || "").trim().startsWith(text);
               }""",
            [css, text],
        ):
            return
        page.keyboard.press("Tab")
    where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{most} presses of Tab never reached {css or repr(text)}; focus is on {where}")



# The page's own form's button, and a banner saying what was done: near the end of the
# working day every page also carries the end-of-day prompt, a banner whose "Not today"
# is a form of its own.
OWN_SUBMIT = "main form:not([action$='/put-it-down/not-today/']) button[type=submit]"
DONE_BANNER = ".govuk-notification-banner:not([data-testid=put-down-prompt])"


class Visitor:
    """One person's browser tab on the live Casewell."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.problems: list[str] = []
        self.documents_loaded = 0
        self.documents_checked = 0
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"Script error: {error}"))
        page.on("load", self._on_load)
        page.on("response", self._on_response)

    def _on_load(self, _page: Page) -> None:
        self.documents_loaded += 1

    def _on_response(self, response) -> None:  # type: ignore[no-untyped-def]
        # The status of a page itself is the test's to judge; anything it pulls in must load.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(
                f"{response.url} answered {response.status} (loaded by {self.page.url})"
            )

    def _on_console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return  # failed loads are reported with their address by _on_response
        self.problems.append(f"Console error on {self.page.url}: {message.text}")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def open(self, path: str, expect: type[P], status: int = 200) -> P:
        response = self.page.goto(self.url(path))
        assert response is not None, f"No response from {path}"
        if response.status != status:
            self.documents_checked += 1  # the test fails here; one report is enough
            pytest.fail(f"{path} answered {response.status}, expected {status}", pytrace=False)
        return self.arrive(expect)

    def open_named(self, url_name: str, expect: type[P], status: int = 200, **kwargs: object) -> P:
        return self.open(reverse(url_name, kwargs=kwargs or None), expect, status)

    def follow(self, action: Callable[[], object], expect: type[P]) -> P:
        """Do something that loads a new page (click, Enter), then arrive there."""
        with self.page.expect_navigation(wait_until="load"):
            action()
        return self.arrive(expect)

    def arrive(self, expect: type[P]) -> P:
        """Wait for the page, run axe on it, and hand back its page object."""
        self.page.wait_for_load_state("load")
        self.check_page()
        arrived = expect(self)
        arrived.verify()
        return arrived

    def check_page(self) -> None:
        """Fail on any WCAG 2.2 AA violation or console error on the current page."""
        first_check = self.page.evaluate(
            "() => { const first = !window.casewellChecked;"
            " window.casewellChecked = true; return first; }"
        )
        if first_check:
            self.documents_checked += 1
        violations = run_axe(self.page)
        if violations:
            pytest.fail(describe_violations(self.page.url, violations), pytrace=False)
        self.assert_no_problems()

    def assert_no_problems(self) -> None:
        if self.problems:
            pytest.fail("\n".join(self.problems), pytrace=False)

    def assert_every_page_was_checked(self) -> None:
        self.assert_no_problems()
        assert self.documents_checked >= self.documents_loaded, (
            f"{self.documents_loaded} pages loaded but only {self.documents_checked} "
            "were checked with axe; "
            "reach pages through Visitor.open or Visitor.arrive."
        )


class CasewellPage:
    """Any Casewell page: the layout every page shares."""

    def __init__(self, visitor: Visitor) -> None:
        self.visitor = visitor
        self.page = visitor.page

    def verify(self) -> None:
        """Fail if this is not the page the test expected; page objects narrow this."""
        assert self.page.locator("h1").count() == 1, f"{self.page.url} should have exactly one h1"

    @property
    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    @property
    def main(self) -> Locator:
        return self.page.locator("main")

    @property
    def office_name(self) -> str:
        return self.page.get_by_test_id("office-name").inner_text().strip()

    @property
    def signed_in_person(self) -> str:
        return self.page.get_by_test_id("signed-in-person").inner_text().strip()

    def sign_out(self) -> SignInPage:
        return self.visitor.follow(
            self.page.get_by_role("button", name="Sign out").click, SignInPage
        )


class SignInPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert "/accounts/login/" in self.page.url, (
            f"Expected the sign-in page, got {self.page.url}"
        )

    @property
    def email(self) -> Locator:
        return self.page.locator("input[name=login]")

    @property
    def password(self) -> Locator:
        return self.page.locator("input[name=password]")

    def sign_in(self, email: str, password: str) -> SecondFactorPage:
        return self.sign_in_expecting(email, password, SecondFactorPage)

    def sign_in_expecting(self, email: str, password: str, expect: type[P]) -> P:
        self.email.fill(email)
        self.password.fill(password)
        button = self.page.locator("main form button[type=submit]").first
        return self.visitor.follow(button.click, expect)


class SecondFactorPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert "/accounts/2fa/authenticate/" in self.page.url, (
            f"Expected the code page, got {self.page.url}"
        )

    @property
    def code(self) -> Locator:
        return self.page.locator("input[name=code]")

    def enter_code(self, code: str) -> HomePage:
        self.code.fill(code)
        return self.visitor.follow(
            self.page.locator("main form button[type=submit]").first.click, HomePage
        )


class EnrolSecondFactorPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert "/accounts/2fa/totp/activate/" in self.page.url, (
            f"Expected enrolment, got {self.page.url}"
        )


class HomePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        path = self.page.url.removeprefix(self.visitor.base_url)
        assert path == "/", f"Expected the home page, got {self.page.url}"

    def panels(self) -> dict[str, str]:
        """Each panel's title and the text under it."""
        panels = {}
        for panel in self.page.get_by_test_id("panel").all():
            title = panel.locator("h2").inner_text().strip()
            panels[title] = panel.inner_text().removeprefix(title).strip()
        return panels


class NotFoundPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Page not found"


class AnyPage(CasewellPage):
    """A page visited only to check it is accessible and well formed."""


class TimelinePage(CasewellPage):
    """A case's timeline: its entries as read, and its links followed by keyboard."""

    def verify(self) -> None:
        super().verify()
        assert self.heading == "Timeline", self.heading

    def entries(self) -> list[str]:
        return [
            " ".join(item.inner_text().split())
            for item in self.page.get_by_test_id("timeline-entry").all()
        ]

    def go_to(self, link_text: str, expect: type[CasewellPage]) -> CasewellPage:
        tab_to(self.page, text=link_text)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), expect)
