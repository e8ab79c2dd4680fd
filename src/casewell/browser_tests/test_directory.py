"""The directory with the keyboard alone: search it, open an organisation, add a contact.

Every page on the way passes axe-core (Visitor.arrive checks each one).
"""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import DONE_BANNER, OWN_SUBMIT, CasewellPage, tab_to
from casewell.directory.importing import SAMPLE, import_central_directory
from casewell.directory.models import Contact
from casewell.directory.services import add_organisation
from casewell.offices.tenancy import bind_office

pytestmark = pytest.mark.browser


class DirectoryPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Directory", self.heading

    @property
    def caption(self) -> str:
        return self.page.locator("caption").inner_text().strip()

    def names(self) -> list[str]:
        return [
            cell.inner_text().strip() for cell in self.page.locator("tbody tr td:first-child").all()
        ]

    def search(self, words: str) -> DirectoryPage:
        tab_to(self.page, "input[name=name]")
        self.page.keyboard.type(words)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), DirectoryPage)

    def open(self, name: str) -> OrganisationPage:
        tab_to(self.page, text=name)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), OrganisationPage)


class OrganisationPage(CasewellPage):
    def contacts(self) -> list[str]:
        return [
            " ".join(row.inner_text().split())
            for row in self.page.locator("main table tbody tr").all()
        ]

    @property
    def banner(self) -> str:
        return self.page.locator(DONE_BANNER).inner_text()

    def add_contact(self) -> ContactFormPage:
        tab_to(self.page, text="Add a contact")
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), ContactFormPage)


class ContactFormPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Add a contact", self.heading

    def type_into(self, name: str, text: str) -> None:
        tab_to(self.page, f"input[name={name}]")
        self.page.keyboard.type(text)

    def submit(self, expect: type[CasewellPage]) -> CasewellPage:
        tab_to(self.page, OWN_SUBMIT)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), expect)

    @property
    def errors(self) -> list[str]:
        return [
            item.inner_text().strip()
            for item in self.page.locator(".govuk-error-summary__list li").all()
        ]


@pytest.fixture
def directory(cast):
    import_central_directory(SAMPLE.read_bytes())
    add_organisation(
        cast.ben, {"name": "Northfield Tenants Forum", "kind": "other", "town": "Northfield"}
    )


def test_a_caseworker_finds_a_council_and_adds_a_contact_with_the_keyboard(
    cast, signed_in, directory
):
    ada = signed_in(cast.ada)
    listing = ada.open("/directory/", DirectoryPage)
    assert listing.caption == "14 organisations"

    found = listing.search("northfield")
    assert found.caption == "2 organisations found"
    assert found.names() == ["Northfield Metropolitan Borough Council", "Northfield Tenants Forum"]

    council = found.open("Northfield Metropolitan Borough Council")
    assert council.heading == "Northfield Metropolitan Borough Council"
    assert any("Sarah Whitfield" in row for row in council.contacts())

    form = council.add_contact()
    refused = form.submit(ContactFormPage)
    assert refused.errors == ["Enter the contact’s name"]
    assert ada.page.evaluate("() => document.activeElement.className").startswith(
        "govuk-error-summary"
    )

    refused.type_into("name", "Colin Barker")
    refused.type_into("role", "Ward officer")
    refused.type_into("phone", "0113 496 0555")
    refused.type_into("postcode", "LS1 1CV")
    again = refused.submit(ContactFormPage)
    assert again.errors == [
        "LS1 1CV cannot end with C: the last two letters of a postcode are never C, I, K, M, O or V"
    ]
    tab_to(again.page, "input[name=postcode]")
    again.page.keyboard.press("Control+A")
    again.page.keyboard.type("LS1 1UR")
    saved = again.submit(OrganisationPage)
    assert "Colin Barker has been added to Northfield Metropolitan Borough Council" in saved.banner
    assert any(
        "Colin Barker" in row and "Ward officer" in row and "Your office" in row
        for row in saved.contacts()
    )
    with bind_office(cast.north):
        colin = Contact.objects.get(name="Colin Barker")
    assert colin.phone == "+441134960555" and colin.postcode == "LS1 1UR"


class OrganisationFormPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading.startswith("Change "), self.heading

    def replace(self, name: str, text: str) -> None:
        tab_to(self.page, f"input[name={name}]")
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def submit(self) -> OrganisationPage:
        tab_to(self.page, OWN_SUBMIT)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), OrganisationPage)


def test_a_manager_overrides_a_central_entry_and_goes_back_with_the_keyboard(
    cast, signed_in, directory
):
    ben = signed_in(cast.ben)
    hotline = ben.open("/directory/central/dwp-mp-hotline/", OrganisationPage)
    tab_to(hotline.page, text="Override for your office")
    form = ben.follow(lambda: hotline.page.keyboard.press("Enter"), OrganisationFormPage)
    form.replace("name", "DWP MP hotline (Leeds team)")
    form.replace("phone", "0113 496 0777")
    ours = form.submit()
    assert ours.heading == "DWP MP hotline (Leeds team)"
    assert "Your office’s version of a central entry" in ours.main.inner_text()

    tab_to(ours.page, text="Go back to the central details")
    back = ben.follow(lambda: ours.page.keyboard.press("Enter"), OrganisationPage)
    assert back.heading == "DWP MP hotline"
    assert "back to the central directory’s details" in back.banner
    assert "0808 157 0192" in back.main.inner_text()
