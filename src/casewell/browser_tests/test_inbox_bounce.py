"""An e-mail that came back: the case page says, in words, that it did not arrive, where and
why; by keyboard alone the caseworker writes it again to a corrected address and sends it.
Every page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.inbox import compose
from casewell.inbox.models import Message, OutgoingMessage, OutgoingState
from casewell.inbox.services import read_raw_message, receive_raw
from casewell.inbox.tests.placing_mail import a_case
from casewell.inbox.tests.smtp_server import smtp_server
from casewell.inbox.tests.test_bounces import delivery_report
from casewell.inbox.tests.test_sending import sends_through
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import bind_office

pytestmark = pytest.mark.browser


class CasePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Damp in Dan's flat", self.heading


class MessagePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Undelivered Mail Returned to Sender", self.heading


class TimelinePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Timeline", self.heading


class SendPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Send an e-mail", self.heading


def test_a_bounced_email_is_shown_and_sent_again_to_a_corrected_address(cast, signed_in):
    case = a_case(cast.ada, summary="Damp in Dan's flat")
    with smtp_server() as (server, port):
        sends_through(cast, port)
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.nte", subject="Your repair",
            body="The council will visit on Friday.",
        )  # fmt: skip
        run_queued_tasks()
        (received,) = server.received
        bounce = receive_raw(
            cast.north, delivery_report(received, recipient="dan.rowe@example.nte"), door="smtp"
        )
        read_raw_message(bounce.pk)

        ada: Visitor = signed_in(cast.ada)
        page = ada.open(f"/cases/{case.pk}/", CasePage)
        shown = page.page.get_by_test_id("outgoing-bounced").inner_text()
        assert "Did not arrive" in shown and "did not arrive at dan.rowe@example.nte" in shown
        assert "There is no mailbox at that address" in shown and "550 5.1.1" in shown

        with bind_office(cast.north):
            message = Message.objects.get(raw=bounce)
        shown = ada.open(f"/inbox/messages/{message.pk}/", MessagePage)
        returns = shown.page.get_by_test_id("message-returns").inner_text()
        assert "The e-mail “Your repair" in returns and "which did not arrive" in returns

        # The e-mail's entry on the timeline says so too, and leads to the case's mail.
        timeline = ada.open(f"/timeline/case/{case.pk}/", TimelinePage)
        marked = timeline.page.get_by_test_id("did-not-arrive").inner_text()
        assert marked.startswith("It did not arrive at dan.rowe@example.nte.")
        tab_to(timeline.page, text="Send it again from the case’s mail")
        page = ada.follow(lambda: timeline.page.keyboard.press("Enter"), CasePage)
        tab_to(page.page, text="Change the address and send again")
        again = ada.follow(lambda: page.page.keyboard.press("Enter"), SendPage)
        form = again.page
        assert form.locator("#id_to").input_value() == "dan.rowe@example.nte"
        assert form.locator("#id_body").input_value().startswith("The council will visit")
        tab_to(form, "#id_to")
        form.keyboard.press("Control+A")
        form.keyboard.type("dan.rowe@example.net")
        tab_to(form, text="Send the e-mail")
        back = ada.follow(lambda: form.keyboard.press("Enter"), CasePage)
        assert "is being sent" in back.main.inner_text()
        run_queued_tasks()
    assert [r.recipients for r in server.received][-1] == ["dan.rowe@example.net"]
    with bind_office(cast.north):
        assert OutgoingMessage.objects.get(pk=outgoing.pk).state == OutgoingState.BOUNCED
        assert OutgoingMessage.objects.exclude(pk=outgoing.pk).get().state == OutgoingState.SENT
    ada.assert_every_page_was_checked()
