"""Triaging the inbox by single keys alone: j and k move, e archives, a assigns to me, Enter
opens, ? shows the keys; nothing fires while typing, and the keys can be turned off (and stay
off). Every page, and the page with the help open, passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.browser_tests.test_inbox_triage import InboxPage, letter
from casewell.inbox.models import Message, MessageState
from casewell.offices.tenancy import bind_office

pytestmark = pytest.mark.browser


class TriagePage(InboxPage):
    @property
    def count(self) -> int:
        return int(self.heading.rsplit("(", 1)[1].rstrip(")"))

    @property
    def subjects(self) -> list[str]:
        return [
            row.locator("td").nth(1).inner_text().splitlines()[0]
            for row in self.page.locator("[data-triage-row]").all()
        ]

    @property
    def focused(self) -> str:
        return self.page.evaluate("() => document.activeElement.textContent.trim()")

    def current(self) -> str:
        """The subject of the row marked current (and the focus is on it)."""
        marked = self.page.locator("[data-triage-row][aria-current=true]")
        expect(marked).to_have_count(1)
        subject = marked.locator("[data-triage-open]").inner_text()
        assert self.focused == subject, f"focus is on {self.focused!r}, not {subject!r}"
        return subject

    def assert_announced(self, words: str) -> None:
        """The words said to screen readers (in the page's live region)."""
        expect(self.page.locator("[data-casewell-shortcuts-status]")).to_have_text(words)


class MessagePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert "/inbox/messages/" in self.page.url, self.page.url


def state_of(cast, subject: str) -> tuple[str, int | None]:
    with bind_office(cast.north):
        message = Message.objects.get(subject=subject)
    return message.state, message.assignee_id


def test_a_caseworker_triages_the_inbox_by_single_keys_alone(cast, signed_in):
    for subject in ("Broken boiler", "Noisy neighbours", "Damp bedroom"):
        letter(cast, subject)
    ada: Visitor = signed_in(cast.ada)
    page = ada.open("/inbox/", TriagePage)
    assert page.subjects == ["Damp bedroom", "Noisy neighbours", "Broken boiler"]
    keys = page.page.keyboard

    keys.press("j")
    assert page.current() == "Damp bedroom"
    page.assert_announced("Message 1 of 3")
    keys.press("j")
    keys.press("j")
    keys.press("k")
    assert page.current() == "Noisy neighbours"
    page.assert_announced("Message 2 of 3")
    ada.check_page()  # the current row's marking passes axe too

    # Typing in a field is typing: the letters stay in the field.
    tab_to(page.page, "[id^='reference-']")
    keys.type("je")
    assert page.page.evaluate("() => document.activeElement.value") == "je"
    assert page.page.locator("[data-triage-row][aria-current=true]").count() == 1
    keys.press("Shift+Tab")  # out of the field: back on the list
    keys.press("k")
    keys.press("j")
    assert page.current() == "Noisy neighbours"

    page = ada.follow(lambda: keys.press("e"), TriagePage)
    assert state_of(cast, "Noisy neighbours")[0] == MessageState.ARCHIVED
    assert page.count == len(page.subjects) == 2
    # Back where it was: the next message has moved up into its place.
    assert page.current() == "Broken boiler"
    page.assert_announced("Message archived. Message 2 of 2")

    keys.press("k")
    page = ada.follow(lambda: keys.press("a"), TriagePage)
    assert state_of(cast, "Damp bedroom") == (MessageState.ASSIGNED, cast.ada.pk)
    assert page.count == len(page.subjects) == 1
    assert page.current() == "Broken boiler"

    opened = ada.follow(lambda: keys.press("Enter"), MessagePage)
    assert opened.heading == "Broken boiler"
    # On the message's own page: a and e act on it, ? shows the keys that work there.
    opened.page.keyboard.press("?")
    help_panel = opened.page.locator("[data-casewell-shortcuts]")
    expect(help_panel).to_have_attribute("open", "")
    assert "Archive the message" in help_panel.inner_text()
    assert "Next message" not in help_panel.inner_text()
    ada.check_page()
    page = ada.follow(lambda: opened.page.keyboard.press("e"), TriagePage)
    assert state_of(cast, "Broken boiler")[0] == MessageState.ARCHIVED
    assert page.heading == "To triage (0)" and page.subjects == []
    ada.assert_every_page_was_checked()


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(cast, signed_in):
    letter(cast, "Broken boiler")
    ada: Visitor = signed_in(cast.ada)
    page = ada.open("/inbox/", TriagePage)
    keys = page.page.keyboard

    keys.press("?")
    help_panel = page.page.locator("[data-casewell-shortcuts]")
    expect(help_panel).to_have_attribute("open", "")
    assert page.focused == "Using the inbox by keyboard"
    for listed in ("Next message", "Previous message", "Open the message",
                   "Assign the message to me", "Archive the message", "Show this list"):
        assert listed in help_panel.inner_text()
    ada.check_page()  # the open panel, its table of keys and its checkbox pass axe

    tab_to(page.page, "#inbox-shortcuts-on")
    keys.press("Space")
    page.assert_announced("Single-key shortcuts are off.")
    keys.press("Shift+Tab")
    for key in ("j", "a", "e"):
        keys.press(key)
    assert page.page.locator("[aria-current=true][data-triage-row]").count() == 0
    assert state_of(cast, "Broken boiler") == (MessageState.TRIAGE, None)

    # Remembered by this browser: still off on the next visit, ? included.
    page = ada.open("/inbox/", TriagePage)
    assert not page.page.locator("#inbox-shortcuts-on").is_checked()
    page.page.keyboard.press("?")
    page.page.keyboard.press("j")
    page.page.keyboard.press("e")
    expect(page.page.locator("[data-casewell-shortcuts]")).not_to_have_attribute("open", "")
    assert page.page.locator("[aria-current=true][data-triage-row]").count() == 0
    assert state_of(cast, "Broken boiler") == (MessageState.TRIAGE, None)
    assert page.heading == "To triage (1)"
    ada.assert_every_page_was_checked()
