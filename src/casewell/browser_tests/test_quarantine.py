"""Quarantined mail: a manager sees why a message could not be read and retries it with the
keyboard alone; the page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.inbox.services import read_raw_message, receive_raw

pytestmark = pytest.mark.browser


class QuarantinePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Quarantined mail", self.heading


def test_a_manager_retries_quarantined_mail_with_the_keyboard(cast, signed_in):
    raw = receive_raw(cast.north, b"Scanner output, not mail", door="import", source="scan.eml")
    read_raw_message(raw.pk)

    ben: Visitor = signed_in(cast.ben)
    page = ben.open("/inbox/quarantine/", QuarantinePage)
    listed = page.main.inner_text()
    assert "scan.eml" in listed and "it has no headers" in listed

    tab_to(page.page, text="Retry")
    after = ben.follow(lambda: page.page.keyboard.press("Enter"), QuarantinePage)
    assert "will be read again" in after.page.content()
    ben.assert_every_page_was_checked()
