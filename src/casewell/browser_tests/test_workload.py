"""A manager reads the team at a glance and sorts it, and assigns a case from the
suggestions, with the keyboard alone; a caseworker dismisses a break nudge. Every page
passes axe."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.cases.models import Case, Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import BreakNudge, DistressLevel
from casewell.wellbeing.workload import change_workload_settings, set_case_workload

pytestmark = pytest.mark.browser


class HeadedPage(CasewellPage):
    title = ""

    def verify(self) -> None:
        super().verify()
        assert self.heading == self.title, self.heading

    def go_to(self, link_text: str, expect: type[CasewellPage]) -> CasewellPage:
        tab_to(self.page, text=link_text)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), expect)


class WellbeingPage(HeadedPage):
    title = "Wellbeing"


class TeamPage(HeadedPage):
    title = "Team at a glance"

    def names(self) -> list[str]:
        return [
            row.locator("td").first.inner_text().strip()
            for row in self.page.get_by_test_id("team-row").all()
        ]


class AssignPage(HeadedPage):
    title = "Assign the case"

    def suggested(self) -> list[str]:
        return [
            " ".join(row.locator("th").inner_text().split())
            for row in self.page.get_by_test_id("suggestion").all()
        ]


class CasePage(CasewellPage):
    pass


class AnyPage(CasewellPage):
    pass


@pytest.fixture
def loads(cast):
    """Ada carries 8 (a heavy complex case and two complex ones), Wes 2, Ben and Ivy nothing;
    Wes has had a heavy week; one new case waits."""
    change_workload_settings(cast.ben, capacity=10, heavy_limit=2)
    with bind_office(cast.north):
        housing = Category.objects.filter(parent=None).order_by("position", "id").first()

    def opened(summary: str, assignee=None, complexity=None) -> Case:
        return open_case(
            cast.ben, summary=summary, category=housing, assignee=assignee, complexity=complexity
        )

    heavy = opened("Threats from a neighbour", cast.ada, 5)
    set_case_workload(cast.ben, heavy, complexity=5, distress=DistressLevel.HIGH, reason="Threats")
    opened("Appeal", cast.ada, 5)
    opened("Tribunal", cast.ada, 5)
    opened("Damp", cast.wes)
    opened("Parking", cast.wes)
    for n in range(2):
        other = opened(f"Heavy {n}")
        set_case_workload(cast.ben, other, distress=DistressLevel.HIGH, reason="Heavy")
        record_exposure(cast.wes, other, "opened")
    return opened("New housing case")


def test_a_manager_sorts_the_team_table_with_the_keyboard(cast, signed_in, loads):
    ben: Visitor = signed_in(cast.ben)
    home = ben.open("/", AnyPage)
    wellbeing = HeadedPage.go_to(home, "Wellbeing", WellbeingPage)  # type: ignore[arg-type]
    team = wellbeing.go_to("Team at a glance", TeamPage)
    assert team.names() == ["Ada Lovelace", "Ben Okafor", "Ivy Chen", "Wes Brown"]
    ada_row = team.main.get_by_test_id("team-row").first.inner_text()
    assert "8 of 10" in ada_row and "Near capacity" in ada_row  # words, not colour alone

    tab_to(team.page, text="Weighted caseload")
    team.page.keyboard.press("Enter")
    assert team.names() == ["Ben Okafor", "Ivy Chen", "Wes Brown", "Ada Lovelace"]
    team.page.keyboard.press("Enter")
    assert team.names()[0] == "Ada Lovelace"
    assert team.page.locator("th[aria-sort=descending]").inner_text().strip() == (
        "Weighted caseload"
    )
    ben.check_page()


def test_a_manager_assigns_a_case_from_the_suggestions_with_the_keyboard(
    cast, signed_in, loads
):
    ben: Visitor = signed_in(cast.ben)
    assign = ben.open(f"/cases/{loads.pk}/assign/", AssignPage)
    suggested = assign.suggested()
    assert "Ben Okafor" in suggested[0] and "Ivy Chen" in suggested[1]
    assert "Wes Brown" in suggested[2] and "Heavy week" in suggested[2]
    assert "Ada Lovelace" in suggested[3]
    assert "2 heavy cases in the last 7 days" in assign.main.inner_text()
    tab_to(assign.page, text="Assign to Ivy Chen")
    case = ben.follow(lambda: assign.page.keyboard.press("Enter"), CasePage)
    assert "assigned to Ivy Chen" in case.main.inner_text()
    with bind_office(cast.north):
        assert Case.objects.get(pk=loads.pk).assignee == cast.ivy


def test_a_caseworker_dismisses_a_break_nudge_with_the_keyboard(cast, signed_in):
    with bind_office(cast.north):
        BreakNudge.objects.create(user=cast.ada, heavy_items=4, created_at=timezone.now())
    ada: Visitor = signed_in(cast.ada)
    home = ada.open("/", AnyPage)
    assert "Time for a break?" in home.main.inner_text()
    tab_to(home.page, "[data-testid=break-nudge] button[type=submit]")
    home = ada.follow(lambda: home.page.keyboard.press("Enter"), AnyPage)
    assert "Time for a break?" not in home.main.inner_text()
