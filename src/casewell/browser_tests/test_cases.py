"""Casework by keyboard alone: open a case from a person's page, move it on, filter the list,
assign cases in bulk. Every page visited passes axe-core (the Visitor checks each one)."""

from __future__ import annotations

import re

import pytest

from casewell.browser_tests.pages import CasewellPage, tab_to
from casewell.cases import services
from casewell.cases.models import Category
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person

pytestmark = pytest.mark.browser


class PersonPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert re.search(r"/people/\d+/$", self.page.url), self.page.url

    def open_a_case(self) -> OpenCasePage:
        tab_to(self.page, "a[href^='/cases/open/?person_id=']")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), OpenCasePage)


class OpenCasePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Open a case"

    def type_into(self, css: str, text: str) -> None:
        tab_to(self.page, css)
        self.page.keyboard.type(text)

    def choose_in_select(self, css: str, option_text: str) -> None:
        tab_to(self.page, css)
        # Typing on a focused select picks the first option starting with the text.
        self.page.keyboard.type(option_text)

    def open(self) -> CasePage:
        tab_to(self.page, "button[name=open]")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), CasePage)


class CasePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert re.search(r"/cases/\d+/$", self.page.url), self.page.url

    @property
    def status(self) -> str:
        return self.page.get_by_test_id("case-status").inner_text().strip()

    def move_to(self, status: str) -> CasePage:
        tab_to(self.page, "input[name=status]")
        # Arrow keys move through a radio group; stop on the wanted status.
        for _ in range(6):
            label = self.page.evaluate(
                "() => document.querySelector(`label[for='${document.activeElement.id}']`)"
                ".innerText"
            )
            if label.startswith(status):
                break
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        tab_to(self.page, "form[action$='/status/'] button[type=submit]")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), CasePage)


class CaseListPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading in {"My cases", "Team cases", "All cases"}, self.heading

    def references(self) -> list[str]:
        return self.page.locator(
            "table.casewell-case-table tbody tr td:nth-child(2)"
        ).all_inner_texts()

    def tick_filter(self, label: str) -> None:
        option = self.page.locator(".moj-filter label", has_text=label).first
        tab_to(self.page, f"#{option.get_attribute('for')}")
        self.page.keyboard.press("Space")

    def apply_filters(self) -> CaseListPage:
        tab_to(self.page, ".moj-filter__options button[type=submit]")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), CaseListPage)

    def tick_case(self, case_id: int) -> None:
        tab_to(self.page, f"#case-{case_id}")
        self.page.keyboard.press("Space")

    def assign_selected_to(self, name: str) -> CasewellPage:
        tab_to(self.page, "#bulk-assignee")
        self.page.keyboard.type(name)
        tab_to(self.page, "button[name=action][value=assign]")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), BulkResultPage)


class BulkResultPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading.endswith("what was done"), self.heading


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet",
            last_name="Walsh",
            postcode="LS1 4DY",
            address_line_1="1 Park Row",
        )


def test_a_caseworker_opens_a_case_for_a_constituent_and_moves_it_on(cast, signed_in, harriet):
    ada = signed_in(cast.ada)
    person = ada.open(f"/people/{harriet.pk}/", PersonPage)
    form = person.open_a_case()
    assert form.page.locator(f"#id_person_0[value='{harriet.pk}']").is_checked()

    form.type_into("#id_summary", "Damp in the back bedroom")
    form.choose_in_select("#id_category", "Housing")
    form.type_into("#id_due_in_working_days", "10")
    case = form.open()

    assert case.heading == "Damp in the back bedroom"
    assert "New" in case.status
    assert "opened" in case.main.inner_text()
    assert "Harriet Walsh" in case.main.inner_text()
    assert "No signed permission form" in case.main.inner_text()
    assert "in 10 working days" in case.page.get_by_test_id("due").inner_text()

    case = case.move_to("Open")
    assert case.status.startswith("Open")
    assert "The case is now open." in case.main.inner_text()


def test_a_manager_filters_the_list_and_assigns_cases_in_bulk(cast, signed_in):
    with bind_office(cast.north):
        housing = Category.objects.get(name="Housing", parent=None)
    urgent = services.open_case(cast.ada, summary="Eviction notice", category=housing, priority=4)
    services.open_case(cast.ada, summary="Street lights out", category=housing, priority=1)
    ben = signed_in(cast.ben)

    cases = ben.open("/cases/", CaseListPage)
    assert len(cases.references()) == 2
    cases.tick_filter("Urgent (1)")
    cases = cases.apply_filters()
    assert cases.references() == [urgent.reference]
    assert cases.page.locator(".moj-filter__tag", has_text="Urgent").count() == 1

    cases.tick_case(urgent.pk)
    done = cases.assign_selected_to("Wes")
    assert "1 case assigned to Wes Brown" in done.main.inner_text()
    with bind_office(cast.north):
        urgent.refresh_from_db()
    assert urgent.assignee == cast.wes

    back = done.visitor.follow(
        lambda: (tab_to(done.page, "main a.govuk-link"), done.page.keyboard.press("Enter")),
        CaseListPage,
    )
    assert back.references() == [urgent.reference]


def test_select_all_ticks_every_case_on_the_page_and_untick_clears_them(cast, signed_in):
    with bind_office(cast.north):
        housing = Category.objects.get(name="Housing", parent=None)
    for summary in ("One", "Two", "Three"):
        services.open_case(cast.ada, summary=summary, category=housing)
    cases = signed_in(cast.ada).open("/cases/", CaseListPage)
    boxes = cases.page.locator("tbody input[name=case]")
    tab_to(cases.page, "#select-all-cases")
    cases.page.keyboard.press("Space")
    assert [boxes.nth(n).is_checked() for n in range(3)] == [True, True, True]
    tab_to(cases.page, "tbody input[name=case]")
    cases.page.keyboard.press("Space")
    assert not cases.page.locator("#select-all-cases").is_checked()
