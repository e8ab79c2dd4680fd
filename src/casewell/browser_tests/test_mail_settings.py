"""Where mail comes in, set by a manager with the keyboard alone; every page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to

pytestmark = pytest.mark.browser


class MailInPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Where mail comes in", self.heading


class NewMailboxPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Add an IMAP mailbox", self.heading


def test_a_manager_adds_an_address_and_a_mailbox_with_the_keyboard(cast, signed_in):
    ben: Visitor = signed_in(cast.ben)
    settings_page = ben.open("/inbox/settings/", MailInPage)

    # A mistake first: shown the GOV.UK way, and its link leads to the field.
    tab_to(settings_page.page, "#id_address")
    settings_page.page.keyboard.type("casework at northridge")
    again = ben.follow(lambda: settings_page.page.keyboard.press("Enter"), MailInPage)
    assert "right form" in again.page.locator(".govuk-error-summary").inner_text()
    assert again.page.title().startswith("Error: ")
    tab_to(again.page, ".govuk-error-summary a")
    again.page.keyboard.press("Enter")
    assert again.page.evaluate("() => document.activeElement.name") == "address"
    again.page.keyboard.press("Control+A")
    again.page.keyboard.type("casework@northridge.example")
    added = ben.follow(lambda: again.page.keyboard.press("Enter"), MailInPage)
    assert "casework@northridge.example" in added.main.inner_text()

    tab_to(added.page, text="Add an IMAP mailbox")
    new = ben.follow(lambda: added.page.keyboard.press("Enter"), NewMailboxPage)
    for name, typed in [
        ("label", "Casework inbox"), ("host", "imap.northridge.example"),
        ("username", "casework"), ("password", "correct horse battery"),
    ]:
        new.page.fill(f"#id_{name}", typed)
    new.page.fill("#id_port", "")
    refused = ben.follow(lambda: new.page.keyboard.press("Enter"), NewMailboxPage)
    assert "Enter a port" in refused.page.locator(".govuk-error-summary").inner_text()
    assert refused.page.input_value("#id_password") == ""  # never sent back
    refused.page.fill("#id_port", "993")
    refused.page.fill("#id_password", "correct horse battery")
    listed = ben.follow(lambda: refused.page.keyboard.press("Enter"), MailInPage)
    text = listed.main.inner_text()
    assert "Casework inbox" in text and "casework on imap.northridge.example:993" in text
    assert "correct horse battery" not in listed.page.content()
    ben.assert_every_page_was_checked()
