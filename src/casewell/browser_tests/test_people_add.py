"""Adding a person by keyboard alone, including the warning about likely duplicates.
Every page visited passes axe-core (the Visitor checks each one)."""

from __future__ import annotations

import re

import pytest

from casewell.browser_tests.pages import OWN_SUBMIT, CasewellPage, tab_to
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person

pytestmark = pytest.mark.browser


class PeopleListPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.page.url.endswith("/people/"), self.page.url

    def add_a_person(self) -> AddPersonPage:
        tab_to(self.page, "a[href='/people/add/']")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), AddPersonPage)


class AddPersonPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.page.url.endswith("/people/add/"), self.page.url

    def type_into(self, name: str, text: str) -> None:
        tab_to(self.page, f"[name={name}]")
        self.page.keyboard.type(text)

    def fill_in(self, **fields: str) -> None:
        for name, text in fields.items():
            self.type_into(name, text)

    def submit(self, expect: type[CasewellPage]) -> CasewellPage:
        tab_to(self.page, OWN_SUBMIT)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), expect)

    @property
    def duplicates(self) -> list[str]:
        return [item.inner_text() for item in self.page.locator("main li h2").all()]


class PersonPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert re.search(r"/people/\d+/$", self.page.url), self.page.url


def test_a_caseworker_adds_a_person_and_is_warned_of_a_likely_duplicate(cast, signed_in):
    ada = signed_in(cast.ada)
    people = ada.open("/people/", PeopleListPage)
    form = people.add_a_person()
    assert form.heading == "Add a constituent"
    form.fill_in(
        first_name="Harriet",
        last_name="Walsh",
        address_line_1="1 Park Row",
        town="Leeds",
        postcode="ls1 4dy",
        phone="07811 123456",
        email="harriet.walsh@example.org",
    )
    harriet = form.submit(PersonPage)
    assert harriet.heading == "Harriet Walsh"
    assert "LS1 4DY" in harriet.main.inner_text() and "07811 123456" in harriet.main.inner_text()

    # The same person again, typed a little differently: warned before anything is saved.
    form = ada.open("/people/", PeopleListPage).add_a_person()
    form.fill_in(
        first_name="Hariet",
        last_name="Walsh",
        postcode="LS14DY",
        address_line_1="1 Park Row",
        email="Harriet.Walsh@example.org",
    )
    warning = form.submit(AddPersonPage)
    assert warning.heading == "Is this someone already on record?"
    assert "Open Harriet Walsh’s record" in warning.duplicates[0]
    assert "Same e-mail address" in warning.main.inner_text()
    with bind_office(cast.north):
        assert Person.objects.count() == 1

    # The caseworker can reach the existing record, or choose to add a new one anyway.
    tab_to(warning.page, "main a[href^='/people/'][href$='/']")
    second = warning.submit(PersonPage)
    assert second.heading == "Hariet Walsh"
    with bind_office(cast.north):
        assert Person.objects.count() == 2


def test_a_mistake_on_the_add_page_is_announced_and_linked_to_its_field(cast, signed_in):
    form = signed_in(cast.ada).open("/people/add/", AddPersonPage)
    form.fill_in(first_name="Seun", last_name="Adeyemi", address_line_1="2 Lane", postcode="LS1 4D")
    again = form.submit(AddPersonPage)
    summary = again.page.locator(".govuk-error-summary")
    assert "LS1 4D is missing the last letter" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary; its link takes the keyboard to the field.
    tab_to(again.page, ".govuk-error-summary a[href='#id_postcode']")
    again.page.keyboard.press("Enter")
    assert again.page.evaluate("() => document.activeElement.name") == "postcode"
