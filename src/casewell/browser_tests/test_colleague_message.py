"""Messaging a colleague with the keyboard alone: the page says when a held message will
arrive before it is sent, and every page on the way passes axe-core."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casewell.browser_tests.pages import DONE_BANNER, CasewellPage, Visitor, tab_to
from casewell.notify import services
from casewell.notify.models import Notification
from casewell.offices.models import Nation
from casewell.offices.tenancy import across_all_offices

pytestmark = pytest.mark.browser


class MessagePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Message a colleague", self.heading

    @property
    def banner(self) -> str:
        return self.page.locator(DONE_BANNER).first.inner_text()

    @property
    def arrival(self) -> str:
        return self.page.locator("[data-testid=arrival]").inner_text()

    def write(self, *, to: str, text: str) -> None:
        tab_to(self.page, "select[name=colleague]")
        self.page.keyboard.type(to)  # a closed select jumps to the option typed
        tab_to(self.page, "textarea[name=text]")
        self.page.keyboard.type(text)

    def send(self, words: str) -> MessagePage:
        tab_to(self.page, text=words)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), MessagePage)


def test_sending_a_held_message_with_the_keyboard_says_when_it_will_arrive(cast, signed_in):
    # Ada works one day a week, and not today or tomorrow: whatever the real clock says,
    # a message to her now is held.
    day = (timezone.localdate().weekday() + 3) % 7
    services.set_working_pattern(
        cast.ada, {day: (time(9), time(17))}, "Europe/London", Nation.ENGLAND
    )
    expected = services.preview_arrival(cast.ben, cast.ada.pk)
    assert expected is not None

    ben: Visitor = signed_in(cast.ben)
    page = ben.open("/notifications/message/", MessagePage)
    page.write(to="Ada", text="Thanks for covering the surgery.")
    # The hint follows the choice (htmx) and is read out (aria-live).
    expect(page.page.locator("[data-testid=arrival]")).to_contain_text(f"it will arrive {expected}")
    ben.check_page()

    confirming = page.send("Send message")
    assert f"it will arrive {expected}" in confirming.arrival
    with across_all_offices():
        assert not Notification.all_offices.exists()

    done = confirming.send(f"Send it to arrive {expected}")
    assert f"It will arrive {expected}." in done.banner
    with across_all_offices():
        item = Notification.all_offices.get()
    assert item.recipient_id == cast.ada.pk and item.delivered_at is None
    assert item.body == "Thanks for covering the surgery."


def test_an_urgent_message_without_a_reason_is_shown_the_govuk_way(cast, signed_in):
    ben: Visitor = signed_in(cast.ben)
    page = ben.open("/notifications/message/", MessagePage)
    page.write(to="Ada", text="Please ring me")
    tab_to(page.page, "input[name=urgent]")
    page.page.keyboard.press("Space")
    again = page.send("Send message")
    summary = again.page.locator(".govuk-error-summary")
    assert "Say why this cannot wait" in summary.inner_text()
    tab_to(again.page, "input[name=urgent_reason]")
    again.page.keyboard.type("Court hearing moved to tomorrow morning")
    done = again.send("Send message")
    assert "It has arrived." in done.banner
    assert services.unread_count(cast.ada) == 1
