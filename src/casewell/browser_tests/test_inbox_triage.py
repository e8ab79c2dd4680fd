"""The inbox triage page by keyboard alone: assign a message to oneself, be refused an unknown
case reference in the error summary, archive; every page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.inbox.services import read_raw_message, receive_raw

pytestmark = pytest.mark.browser


class InboxPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading.split(" (")[0] in {"To triage", "Assigned to me", "All assigned"}, (
            self.heading
        )


class OpenCasePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Open a case from a message", self.heading


def letter(cast, subject: str) -> None:
    raw = receive_raw(
        cast.north,
        f"From: Dan Rowe <dan.rowe@example.net>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.net>\r\n\r\nPlease help.\r\n".encode(),
        door="smtp",
    )
    read_raw_message(raw.pk)


def test_a_caseworker_triages_the_inbox_with_the_keyboard(cast, signed_in):
    letter(cast, "Broken boiler")
    ada: Visitor = signed_in(cast.ada)
    page = ada.open("/inbox/", InboxPage)
    assert page.heading == "To triage (1)"
    assert "Broken boiler" in page.main.inner_text()

    tab_to(page.page, text="Assign message")  # "Me" is chosen in the list before it
    page = ada.follow(lambda: page.page.keyboard.press("Enter"), InboxPage)
    assert page.heading == "To triage (0)"

    page = ada.open("/inbox/mine/", InboxPage)
    assert page.heading == "Assigned to me (1)"
    tab_to(page.page, "[id^='reference-']")
    page.page.keyboard.type("NR-1999-00001")
    tab_to(page.page, text="Put on case")
    page = ada.follow(lambda: page.page.keyboard.press("Enter"), InboxPage)
    assert "No case NR-1999-00001 was found" in page.page.locator(
        ".govuk-error-summary"
    ).inner_text()

    tab_to(page.page, text="Archive")
    page = ada.follow(lambda: page.page.keyboard.press("Enter"), InboxPage)
    assert page.heading == "Assigned to me (0)"

    # Open a case from a new letter: the category is confirmed by the user, by keyboard.
    letter(cast, "Noisy neighbours")
    page = ada.open("/inbox/", InboxPage)
    tab_to(page.page, text="Open a case")
    form = ada.follow(lambda: page.page.keyboard.press("Enter"), OpenCasePage)
    tab_to(form.page, "#category")
    form.page.keyboard.press("ArrowDown")
    tab_to(form.page, text="Open the case")
    page = ada.follow(lambda: form.page.keyboard.press("Enter"), InboxPage)
    assert page.heading == "To triage (0)"
    assert "opened from the message" in page.page.content()
    ada.assert_every_page_was_checked()
