"""Lone working on a phone, with the keyboard alone: start a session, check in, end it.

A 375 by 667 viewport (a small phone); every page on the way passes axe-core
(Visitor.arrive checks each one) and fits the screen without sideways scrolling.
"""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import DONE_BANNER, CasewellPage, Visitor, tab_to
from casewell.offices.tenancy import across_all_offices
from casewell.safety.models import LoneWorkingSession

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


class PhonePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        wide = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{self.page.url} is {wide}px wide on a 375px phone"

    @property
    def banner(self) -> str:
        return self.page.locator(DONE_BANNER).first.inner_text()


def phone(visitor: Visitor) -> Visitor:
    """The visitor's tab the size of a small phone."""
    visitor.page.set_viewport_size(PHONE)
    return visitor


def press(visitor: Visitor, words: str) -> PhonePage:
    """Tab to the link or button starting with ``words`` and press Enter, as on a phone."""
    tab_to(visitor.page, text=words)
    return visitor.follow(lambda: visitor.page.keyboard.press("Enter"), PhonePage)


class LoneWorkingPage(PhonePage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Lone working", self.heading

    def start(self) -> StartPage:
        tab_to(self.page, text="Start a session")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), StartPage)


class StartPage(PhonePage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Start a session", self.heading

    def type_into(self, name: str, text: str) -> None:
        tab_to(self.page, f"[name={name}]")
        self.page.keyboard.type(text)

    def fill_in(self, *, buddy: str) -> None:
        page = self.page
        tab_to(page, "input[name=purpose]")
        page.keyboard.press("Space")  # the first choice: a home visit
        self.type_into("location", "14 Mill Lane, Leeds LS6 2AB")
        tab_to(page, "select[name=duration]")  # keeps its default of an hour
        tab_to(page, "select[name=buddy]")
        page.keyboard.type(buddy)  # a closed select jumps to the option typed
        self.type_into("emergency_contact_name", "Sam Lovelace")
        self.type_into("emergency_contact_phone", "07700 900123")

    def submit(self) -> SessionPage:
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), SessionPage)


class SessionPage(PhonePage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Your session", self.heading

    def check_in(self) -> SessionPage:
        tab_to(self.page, text="Check in: I am safe")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), SessionPage)

    def end(self) -> EndPage:
        tab_to(self.page, text="End session")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), EndPage)


class EndPage(PhonePage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "End your session", self.heading

    def confirm(self) -> LoneWorkingPage:
        tab_to(self.page, text="End session: I am safe")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), LoneWorkingPage)


def test_start_check_in_and_end_a_session_on_a_phone_with_the_keyboard_alone(cast, signed_in):
    ada: Visitor = signed_in(cast.ada)
    ada.page.set_viewport_size(PHONE)
    home = ada.open("/safety/", LoneWorkingPage)

    start = home.start()
    start.fill_in(buddy="Wes")
    session = start.submit()
    assert "Your session has started" in session.banner
    with across_all_offices():
        started = LoneWorkingSession.all_offices.get(worker=cast.ada)
    assert started.buddy_id == cast.wes.pk and started.purpose == "home_visit"
    assert started.emergency_contact_phone == "+447700900123"

    session = session.check_in()
    assert "You checked in at" in session.banner

    home = session.end().confirm()
    assert "Your session has ended" in home.banner
    with across_all_offices():
        assert LoneWorkingSession.all_offices.get(pk=started.pk).ended_at is not None


def test_a_mistake_is_shown_the_govuk_way_and_can_be_put_right(cast, signed_in):
    ada: Visitor = signed_in(cast.ada)
    ada.page.set_viewport_size(PHONE)
    start = ada.open("/safety/start/", StartPage)
    start.fill_in(buddy="Wes")
    start.type_into("emergency_contact_phone", " call me")  # now "07700 900123 call me"
    again = ada.follow(lambda: start.page.keyboard.press("Enter"), StartPage)
    summary = again.page.locator(".govuk-error-summary")
    assert "letters or symbols" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary; its link takes you to the field.
    tab_to(again.page, ".govuk-error-summary a")
    again.page.keyboard.press("Enter")
    assert again.page.evaluate("() => document.activeElement.name") == "emergency_contact_phone"
    again.page.keyboard.press("Control+A")
    again.page.keyboard.type("07700 900123")
    session = again.submit()
    assert "Your session has started" in session.banner
