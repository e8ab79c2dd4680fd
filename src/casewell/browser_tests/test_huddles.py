"""Recording a huddle with the keyboard alone: from the wellbeing page to the daily board, a
refused action without an owner (the GOV.UK error summary), then the team's decision recorded
and read back. Every page passes axe-core (Visitor.arrive)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from casewell.browser_tests.pages import DONE_BANNER, CasewellPage, Visitor, tab_to
from casewell.wellbeing.huddles import hand_to_huddle
from casewell.wellbeing.tests.huddle_cases import a_case

pytestmark = pytest.mark.browser


class WellbeingPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert "/wellbeing/" in self.page.url, f"Expected a wellbeing page, got {self.page.url}"

    @property
    def error_summary(self) -> str:
        return self.page.locator(".govuk-error-summary").inner_text()


def press_enter_on(visitor: Visitor, words: str) -> WellbeingPage:
    tab_to(visitor.page, text=words, most=150)
    return visitor.follow(lambda: visitor.page.keyboard.press("Enter"), WellbeingPage)


def type_into(page: Page, css: str, text: str) -> None:
    tab_to(page, css, most=150)
    page.keyboard.type(text)


def choose_next_option(page: Page, css: str, times: int = 1) -> None:
    tab_to(page, css, most=150)
    for _ in range(times):
        page.keyboard.press("ArrowDown")


def test_a_caseworker_records_the_daily_huddle_by_keyboard(cast, signed_in):
    eviction = a_case(cast.ada, "Eviction on Friday", priority=4)
    worry = a_case(cast.wes, "Caller sounded hopeless")
    hand_to_huddle(cast.wes, worry, "Please ring her first thing")
    ada = signed_in(cast.ada)
    home = ada.open("/wellbeing/", WellbeingPage)
    assert home.heading == "Wellbeing"

    board = press_enter_on(ada, "Daily huddle board")
    assert board.heading == "Daily huddle"
    rows = board.page.get_by_test_id("board-row").all_inner_texts()
    assert "Caller sounded hopeless" in rows[0] and "Please ring her first thing" in rows[0]
    assert any("Eviction on Friday" in row and "Urgent priority" in row for row in rows)

    # Wes came too (Ada is ticked already); an action with nobody to do it is refused.
    tab_to(board.page, f"input[name=attendees][value='{cast.wes.pk}']", most=150)
    board.page.keyboard.press("Space")
    type_into(board.page, "#id_decision_1", "Ask the council to pause the eviction")
    type_into(board.page, "#id_action_1", "Ring the housing officer")
    refused = press_enter_on(ada, "Record the huddle")
    assert "Decision 1: choose who will do the action" in refused.error_summary

    # The ticks and words are kept; choose the case and Wes as the action's owner.
    case_choices = refused.page.locator("#id_case_1 option").all_inner_texts()
    choose_next_option(
        refused.page, "#id_case_1", next(i for i, t in enumerate(case_choices) if "Eviction" in t)
    )
    owners = refused.page.locator("#id_owner_1 option").all_inner_texts()
    choose_next_option(refused.page, "#id_owner_1", owners.index("Wes Brown"))
    recorded = press_enter_on(ada, "Record the huddle")

    assert (
        "recorded as the team's" in recorded.page.locator(DONE_BANNER).inner_text()
    )
    decisions = recorded.page.get_by_test_id("decisions").inner_text()
    assert "Ask the council to pause the eviction" in decisions
    assert "Ring the housing officer, by Wes Brown" in decisions
    assert eviction.reference in decisions
    assert recorded.page.get_by_test_id("attendees").inner_text() == "Ada Lovelace, Wes Brown"

    # Handed-over cases were taken up by this huddle: the board no longer lists the worry.
    board = ada.open("/wellbeing/huddles/daily/", WellbeingPage)
    assert "Caller sounded hopeless" not in board.main.inner_text()
    ada.assert_every_page_was_checked()
