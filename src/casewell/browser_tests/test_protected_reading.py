"""A caseworker opens content kept behind a content warning with the keyboard alone, hears
the warning first, and changes her reading preferences; every page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import OWN_SUBMIT, CasewellPage, Visitor, tab_to
from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.inbox import services as inbox_services
from casewell.inbox.models import Message
from casewell.inbox.tests.mail import simple
from casewell.offices.tenancy import bind_office
from casewell.timeline.services import add_note

pytestmark = pytest.mark.browser

PLAN = "I have decided to end my life on Friday."


class CasePage(CasewellPage):
    pass


class MessagePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Message with a content warning", self.heading


class ReadingPreferencesPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Reading preferences", self.heading


@pytest.fixture
def flagged_case(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with bind_office(cast.north):
        housing = Category.objects.filter(parent=None).order_by("position", "id").first()
    case = open_case(cast.ada, summary="Eviction notice", category=housing)
    add_note(cast.ada, case, PLAN)
    return case


def _open_the_warning(page) -> None:  # noqa: ANN001 - a Playwright page
    """Tab to the warning's summary and press Enter, as a keyboard user opens it."""
    tab_to(page, "details.casewell-content-warning > summary", most=120)
    focused = page.evaluate("() => document.activeElement.innerText")
    assert "Contains: suicide" in focused, focused
    page.keyboard.press("Enter")


def test_a_flagged_note_opens_by_keyboard_after_its_warning(cast, signed_in, flagged_case):
    ada: Visitor = signed_in(cast.ada)
    case_page = ada.open(f"/cases/{flagged_case.pk}/", CasePage)
    note = case_page.page.get_by_text(PLAN)
    assert not note.is_visible(), "the note is collapsed until the reader opens it"
    warning = case_page.page.locator("details.casewell-content-warning").first
    # The warning comes before the content in the reading order a screen reader follows.
    assert warning.locator("summary").inner_text().index("Contains: suicide") >= 0
    _open_the_warning(case_page.page)
    note.wait_for(state="visible")
    ada.check_page()


def test_a_flagged_message_opens_by_keyboard_on_the_reading_page(
    cast, signed_in, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    stored = inbox_services.receive_raw(cast.north, simple(subject="Help", body=PLAN), door="smtp")
    inbox_services.read_raw_message(stored.pk)
    with bind_office(cast.north):
        message = Message.objects.get(raw=stored)
    ada: Visitor = signed_in(cast.ada)
    reading = ada.open(f"/inbox/messages/{message.pk}/", MessagePage)
    body = reading.page.get_by_text(PLAN)
    assert not body.is_visible()
    _open_the_warning(reading.page)
    body.wait_for(state="visible")
    ada.check_page()


def test_choosing_to_see_content_without_warnings_by_keyboard(cast, signed_in, flagged_case):
    ada: Visitor = signed_in(cast.ada)
    preferences = ada.open("/wellbeing/reading/", ReadingPreferencesPage)
    # Tab reaches the radio group at its chosen answer; the arrow keys move the choice.
    tab_to(preferences.page, "input[name=choice]")
    preferences.page.keyboard.press("ArrowDown")
    preferences.page.keyboard.press("ArrowDown")
    assert preferences.page.locator("input[name=choice][value=show]").is_checked()
    tab_to(preferences.page, OWN_SUBMIT)
    saved = ada.follow(lambda: preferences.page.keyboard.press("Enter"), ReadingPreferencesPage)
    assert "Your reading preferences are saved." in saved.main.inner_text()
    case_page = ada.open(f"/cases/{flagged_case.pk}/", CasePage)
    assert case_page.page.get_by_text(PLAN).is_visible()
