"""A manager ticks cases on the list, sees who has room for them all with the reasons in
words, and assigns them, with the keyboard alone, on a 375px phone as on a desk. Every page
passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.cases.models import Case, Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models.workload import DistressLevel
from casewell.wellbeing.workload import change_workload_settings, set_case_workload

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


class CaseListPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "All cases", self.heading


class BulkAssignPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading.startswith("Assign "), self.heading

    def suggested(self) -> list[str]:
        return [
            " ".join(row.locator("label").inner_text().split())
            for row in self.page.get_by_test_id("suggestion").all()
        ]

    def assert_fits(self, width: int) -> None:
        wide = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, f"{self.page.url} is {wide}px wide on a {width}px screen"


class ResultPage(CasewellPage):
    pass


@pytest.fixture
def waiting(cast):
    """Capacity 10: Ada carries 6; three new cases, one of them heavy, wait."""
    change_workload_settings(cast.ben, capacity=10)
    with bind_office(cast.north):
        housing = Category.objects.filter(parent=None).order_by("position", "id").first()

    def opened(summary: str, assignee=None, complexity=None) -> Case:
        return open_case(
            cast.ben, summary=summary, category=housing, assignee=assignee, complexity=complexity
        )

    for summary in ("Appeal", "Tribunal", "Benefits"):
        opened(summary, cast.ada, 5)
    heavy = opened("Threats from a neighbour", complexity=4)
    set_case_workload(cast.ben, heavy, complexity=4, distress=DistressLevel.HIGH, reason="Threats")
    return [opened("Noise next door"), opened("Parking permit"), heavy]


@pytest.mark.parametrize("screen", [None, PHONE], ids=["desk", "phone"])
def test_a_manager_assigns_ticked_cases_from_the_suggestions_by_keyboard(
    cast, signed_in, waiting, screen
):
    ben: Visitor = signed_in(cast.ben)
    if screen:
        ben.page.set_viewport_size(screen)
    cases = ben.open("/cases/", CaseListPage)
    for case in waiting:
        tab_to(cases.page, f"#case-{case.pk}")
        cases.page.keyboard.press("Space")
    tab_to(cases.page, text="Choose who has room for the selected cases")
    assign = ben.follow(lambda: cases.page.keyboard.press("Enter"), BulkAssignPage)
    assert assign.heading == "Assign 3 selected cases"
    assert assign.suggested()[:3] == [
        "1. Ben Okafor Has room",
        "2. Ivy Chen Has room",
        "3. Wes Brown Has room",
    ]
    assert "4. Ada Lovelace No room" in assign.suggested()
    text = assign.main.inner_text()
    assert "which weigh 5 together (1 highly distressing)" in text
    assert "5 of 10 after the 3 selected cases" in text
    if screen:
        assign.assert_fits(screen["width"])

    tab_to(assign.page, "input[name=assignee]")  # into the group: its first choice
    assign.page.keyboard.press("ArrowDown")  # the second suggestion, Ivy
    assert assign.page.evaluate("() => document.activeElement.checked")
    tab_to(assign.page, text="Assign 3 cases")
    done = ben.follow(lambda: assign.page.keyboard.press("Enter"), ResultPage)
    assert "3 cases assigned to Ivy Chen" in done.main.inner_text()
    with bind_office(cast.north):
        assert {case.assignee for case in Case.objects.filter(pk__in=[c.pk for c in waiting])} == {
            cast.ivy
        }
    ben.assert_every_page_was_checked()
