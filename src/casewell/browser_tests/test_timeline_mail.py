"""A caseworker follows a case's conversation, in and out, on its timeline with the keyboard
alone: mail that came in, behind its content warning when it is distressing, opened on its
own page and in the inbox. Every page passes axe."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from casewell.browser_tests.pages import CasewellPage, TimelinePage, Visitor, tab_to
from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.files.testing import PDF_BYTES
from casewell.inbox import services as inbox_services
from casewell.inbox.sending import with_case_token
from casewell.offices.tenancy import bind_office
from casewell.timeline.services import record_email

pytestmark = pytest.mark.browser

PLAN = "I have decided to end my life on Friday."


class EntryPage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading.startswith("E-mail received"), self.heading


class MessagePage(CasewellPage):
    pass


def receive(office, *, subject: str, body: str, message_id: str, pdf: str = "") -> None:
    mail = EmailMessage()
    mail["From"] = "Harriet Walsh <harriet.walsh@example.org>"
    mail["To"] = "casework@northridge.example"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    mail.set_content(body)
    if pdf:
        mail.add_attachment(PDF_BYTES, maintype="application", subtype="pdf", filename=pdf)
    stored = inbox_services.receive_raw(office, bytes(mail), door="smtp")
    assert inbox_services.read_raw_message(stored.pk) == "parsed"


@pytest.fixture
def conversation(cast, settings, tmp_path):
    """Ada's damp case: her letter out, Harriet's answer with the surveyor's report, then a
    distressing message, both threaded onto the case by its reference."""
    settings.DATA_DIR = tmp_path
    with bind_office(cast.north):
        housing = Category.objects.filter(parent=None).order_by("position", "id").first()
    case = open_case(cast.ada, summary="Damp in the back bedroom", category=housing)
    record_email(
        case, direction="out", subject="Your damp case", text="We have written to the landlord.",
        correspondent="harriet.walsh@example.org", by=cast.ada,
    )  # fmt: skip
    receive(
        cast.north, subject=with_case_token("Re: Your damp case", case),
        body="Thank you. The surveyor's report is attached.", message_id="<answer@example.org>",
        pdf="Surveyor report.pdf",
    )  # fmt: skip
    receive(
        cast.north, subject=with_case_token("Friday", case), body=PLAN,
        message_id="<friday@example.org>",
    )  # fmt: skip
    return case


def test_the_conversation_in_and_out_reads_by_keyboard_on_the_timeline(
    cast, signed_in, conversation
):
    ada: Visitor = signed_in(cast.ada)
    timeline = ada.open(f"/timeline/case/{conversation.pk}/", TimelinePage)
    newest, answer, letter = timeline.entries()
    assert newest.startswith("E-mail with a content warning")
    assert PLAN not in newest and not timeline.page.get_by_text(PLAN).is_visible()
    assert "E-mail received: Re: Your damp case" in answer
    assert "from Harriet Walsh <harriet.walsh@example.org>" in answer
    assert "Surveyor report.pdf" in answer
    assert letter.startswith("E-mail E-mail sent: Your damp case")

    # The distressing one opens only when asked, its warning heard first.
    tab_to(timeline.page, "details.casewell-content-warning > summary")
    focused = timeline.page.evaluate("() => document.activeElement.innerText")
    assert "Contains: suicide" in focused, focused
    timeline.page.keyboard.press("Enter")
    assert timeline.page.get_by_text(PLAN).is_visible()
    ada.check_page()

    # Harriet's answer, opened on its own page, then in the inbox.
    tab_to(timeline.page, text="Open the e-mail received")
    while "Re: Your damp case" not in timeline.page.evaluate(
        "() => document.activeElement.closest('[data-testid=timeline-entry]').innerText"
    ):
        timeline.page.keyboard.press("Tab")
        tab_to(timeline.page, text="Open the e-mail received")
    entry = ada.follow(lambda: timeline.page.keyboard.press("Enter"), EntryPage)
    assert entry.heading == "E-mail received: Re: Your damp case [" + conversation.reference + "]"
    assert "The surveyor's report is attached." in entry.main.inner_text()
    tab_to(entry.page, text="Surveyor report.pdf")
    tab_to(entry.page, text="Open it in the inbox")
    message = ada.follow(lambda: entry.page.keyboard.press("Enter"), MessagePage)
    assert "Re: Your damp case" in message.heading
    ada.assert_every_page_was_checked()
