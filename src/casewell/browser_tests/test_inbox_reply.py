"""Replying from a case with the keyboard alone: Reply on the case's mail, the form filled in
with the case token and signature, a mistake shown the GOV.UK way, a case file attached, sent
through a real SMTP server and on the timeline. Every page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.files.testing import PDF_BYTES, upload
from casewell.inbox.models import OutgoingMessage, OutgoingState
from casewell.inbox.sending_settings import save_sending_settings
from casewell.inbox.tests.placing_mail import a_case, stored_message
from casewell.inbox.tests.smtp_server import smtp_server
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import bind_office
from casewell.timeline.services import add_document

pytestmark = pytest.mark.browser


class CasePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Damp in Dan's flat", self.heading


class ReplyPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Reply to Dan Rowe", self.heading


def test_a_caseworker_replies_from_the_case_with_a_file_by_keyboard(cast, signed_in):
    case = a_case(cast.ada, summary="Damp in Dan's flat")
    message = stored_message(
        cast.north, subject="Damp in my flat", message_id="dan.2@example.net", case=case
    )
    add_document(cast.ada, case, upload("Tenancy agreement.pdf", PDF_BYTES))
    with smtp_server() as (server, port):
        save_sending_settings(
            cast.ben, host="127.0.0.1", port=port, security="none",
            from_address="casework@northridge.example", signature="Ada Lovelace, caseworker",
        )
        ada: Visitor = signed_in(cast.ada)
        page = ada.open(f"/cases/{case.pk}/", CasePage)
        tab_to(page.page, text="Reply")
        reply = ada.follow(lambda: page.page.keyboard.press("Enter"), ReplyPage)
        form = reply.page
        assert form.locator("#id_to").input_value() == "dan.rowe@example.net"
        assert form.locator("#id_subject").input_value() == (
            f"Re: Damp in my flat [{case.reference}]"
        )
        assert "Ada Lovelace, caseworker" in form.locator("#id_body").input_value()

        # A mistake first: the address emptied, then sent.
        tab_to(form, "#id_to")
        form.keyboard.press("Control+A")
        form.keyboard.press("Delete")
        tab_to(form, text="Send the e-mail")
        refused = ada.follow(lambda: form.keyboard.press("Enter"), ReplyPage)
        summary = refused.page.locator(".govuk-error-summary")
        assert "Enter who the e-mail is to" in summary.inner_text()

        page = refused.page
        tab_to(page, "#id_to")
        page.keyboard.type("dan.rowe@example.net")
        tab_to(page, "#id_body")
        page.keyboard.press("Control+Home")
        page.keyboard.type("Dear Dan,\nThe council will visit on Friday.\n")
        tab_to(page, "#id_files_0")
        page.keyboard.press("Space")
        tab_to(page, text="Send the e-mail")
        back = ada.follow(lambda: page.keyboard.press("Enter"), CasePage)
        assert "is being sent" in back.main.inner_text()

        with bind_office(cast.north):
            outgoing = OutgoingMessage.objects.get()
            assert outgoing.attachments.count() == 1
        assert outgoing.replying_to_id == message.pk
        run_queued_tasks()
    (received,) = server.received
    sent = received.message
    assert sent["In-Reply-To"] == "<dan.2@example.net>"
    assert [part.get_filename() for part in sent.iter_attachments()] == ["Tenancy agreement.pdf"]
    with bind_office(cast.north):
        assert OutgoingMessage.objects.get().state == OutgoingState.SENT
    after = ada.open(f"/cases/{case.pk}/", CasePage)
    assert f"E-mail sent: Re: Damp in my flat [{case.reference}]" in after.main.inner_text()
    ada.assert_every_page_was_checked()
