"""A caseworker adds to a case's timeline with the keyboard alone; every page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import OWN_SUBMIT, CasewellPage, TimelinePage, Visitor, tab_to
from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.files.testing import PDF_BYTES, PROGRAM_BYTES
from casewell.offices.tenancy import bind_office
from casewell.timeline.services import add_note

pytestmark = pytest.mark.browser


class FormPage(CasewellPage):
    title = ""

    def verify(self) -> None:
        super().verify()
        assert self.heading == self.title, self.heading

    def submit(self, expect: type[CasewellPage]) -> CasewellPage:
        tab_to(self.page, OWN_SUBMIT)
        return self.visitor.follow(lambda: self.page.keyboard.press("Enter"), expect)

    @property
    def errors(self) -> list[str]:
        return [
            item.inner_text().strip()
            for item in self.page.locator(".govuk-error-summary__list li").all()
        ]


class AddNotePage(FormPage):
    title = "Add a note"


class UploadDocumentPage(FormPage):
    title = "Upload a document"

    def choose_file(self, name: str, contents: bytes) -> None:
        tab_to(self.page, "input[type=file]")
        # Space there opens the system's file picker: the browser's, not our page. What the
        # person picks in it is handed straight to the input that has the focus.
        self.page.locator("input[type=file]:focus").set_input_files(
            {"name": name, "mimeType": "application/octet-stream", "buffer": contents}
        )


@pytest.fixture
def damp_case(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the live server stores uploads in this test's folder
    with bind_office(cast.north):
        housing = Category.objects.filter(parent=None).order_by("position", "id").first()
    return open_case(cast.ada, summary="Damp in the back bedroom", category=housing)


def test_adding_a_note_and_uploading_a_document_with_the_keyboard(cast, signed_in, damp_case):
    ada: Visitor = signed_in(cast.ada)
    timeline = ada.open(f"/timeline/case/{damp_case.pk}/", TimelinePage)
    assert "Nothing on the timeline yet." in timeline.main.inner_text()

    note_form = timeline.go_to("Add a note", AddNotePage)
    refused = note_form.submit(AddNotePage)
    assert refused.errors == ["Enter the note."]
    tab_to(refused.page, "textarea[name=text]")
    refused.page.keyboard.type("Harriet says the landlord has not replied.")
    timeline = refused.submit(TimelinePage)
    assert "Note added" in timeline.main.inner_text()
    assert "Harriet says the landlord has not replied." in timeline.entries()[0]

    upload = timeline.go_to("Upload a document", UploadDocumentPage)
    upload.choose_file("report.pdf", PROGRAM_BYTES)
    refused_upload = upload.submit(UploadDocumentPage)
    assert refused_upload.errors == ["report.pdf is not a PDF: its contents are a Windows program"]
    refused_upload.choose_file("Landlord letter.pdf", PDF_BYTES)
    tab_to(refused_upload.page, "textarea[name=description]")
    refused_upload.page.keyboard.type("The landlord's last letter")
    timeline = refused_upload.submit(TimelinePage)
    newest = timeline.entries()[0]
    assert "Document: Landlord letter.pdf" in newest and "(PDF, 125" in newest


def test_a_sensitive_note_opens_in_place_with_the_keyboard(cast, signed_in, damp_case):
    add_note(cast.ada, damp_case, "Harriet disclosed a threat.", sensitive=True)
    ben: Visitor = signed_in(cast.ben)
    timeline = ben.open(f"/timeline/case/{damp_case.pk}/", TimelinePage)
    assert "Harriet disclosed a threat." not in timeline.main.inner_text()
    tab_to(timeline.page, text="Sensitive note — show")
    timeline.page.keyboard.press("Enter")
    timeline.page.get_by_test_id("entry-text").wait_for()
    assert "Harriet disclosed a threat." in timeline.main.inner_text()
    assert timeline.heading == "Timeline", "opened in place, not on another page"
    ben.check_page()
