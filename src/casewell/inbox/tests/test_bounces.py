"""Mail we sent that came back: an e-mail sent through a real SMTP server, then a bounce of
it (a standard delivery report, or a plain-text one quoting its headers) received as any
mail is. The bounce is linked to the e-mail, joins its case, the e-mail says it did not
arrive (on the case page and in the API), the sender is told, and the audit trail says so.
Another office's e-mail is never found; an unknown one leaves the bounce in triage."""

from __future__ import annotations

from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from casewell.inbox import bounces, compose
from casewell.inbox.models import Message, MessageKind, MessageState, OutgoingState
from casewell.inbox.placing import place
from casewell.inbox.sending_settings import save_sending_settings
from casewell.inbox.services import read_raw_message, receive_raw
from casewell.inbox.tests.mail import received_by
from casewell.inbox.tests.placing_mail import a_case
from casewell.inbox.tests.smtp_server import Received, smtp_server
from casewell.inbox.tests.test_sending import OFFICE_ADDRESS, fresh, sends_through
from casewell.jobs.testing import run_queued_tasks
from casewell.notify.models import Notification
from casewell.notify.services import arrival_for
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office

DAN = "dan.rowe@example.net"
CORPUS = Path("/work/shared/corpora/mail/sisimai-bounces/bsd")


# --- Bounces as mail servers write them ------------------------------------------------------


def delivery_report(
    sent: Received,
    *,
    recipient: str = DAN,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 user unknown",
) -> bytes:
    """A bounce as Postfix writes it (RFC 3464): a notice, the delivery status, and the
    returned message whole, as our SMTP server received it."""
    boundary = "FFFFFFFFFFFF.0000000000000/mx.example.net"
    headers = (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
        f"To: {OFFICE_ADDRESS}\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        f"Date: {format_datetime(timezone.now())}\n"
        f"Message-Id: {make_msgid(domain='mx.example.net')}\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status;\n"
        f'\tboundary="{boundary}"\n\n'
        "This is a MIME-encapsulated message.\n\n"
    )
    notice = (
        f"--{boundary}\nContent-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mx.example.net.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "                   The mail system\n\n"
        f"<{recipient}>: host mx.example.net[192.0.2.25] said: 550 5.1.1\n"
        f"    <{recipient}>: Recipient address rejected: User unknown (in reply to\n"
        "    RCPT TO command)\n\n"
    )
    status_part = (
        f"--{boundary}\nContent-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.net\n"
        "Arrival-Date: Wed, 2 Dec 2026 10:00:00 +0000\n\n"
        f"Final-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\n"
        f"Action: {action}\nStatus: {status}\nDiagnostic-Code: {diagnostic}\n\n"
    )
    returned = (
        f"--{boundary}\nContent-Description: Undelivered Message\nContent-Type: message/rfc822\n\n"
    )
    original = sent.data.replace(b"\r\n", b"\n")
    return (
        (headers + notice + status_part + returned).encode()
        + original
        + (f"\n--{boundary}--\n").encode()
    )


def returned_in_text(sent: Received, recipient: str = DAN) -> bytes:
    """A qmail bounce from the corpus of real bounces (or as qmail writes one): a notice in
    plain text, then the returned message's headers quoted, carrying our Message-ID."""
    original = sent.message
    headers = "".join(f"{name}: {value}\n" for name, value in original.items())
    corpus = CORPUS / "lhost-qmail-01.eml"
    if corpus.is_file():
        text = corpus.read_text("latin-1")
        notice, _, _ = text.partition("--- Below this line is a copy of the message.")
        notice = notice.replace("kijitora@example.ne.jp", recipient)
        notice = notice.replace("nekochan@example.jp", OFFICE_ADDRESS)
        notice = notice.replace("Date: 24 Apr 2013", f"Date: {format_datetime(timezone.now())}")
    else:
        notice = (
            "From: MAILER-DAEMON@mx4.example.jp\n"
            f"To: {OFFICE_ADDRESS}\nSubject: failure notice\n"
            f"Date: {format_datetime(timezone.now())}\n\n"
            "Hi. This is the qmail-send program at mx4.example.jp.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
            f"<{recipient}>:\nremote host 192.0.2.32 said: 550 Unknown user {recipient}\n"
        )
    return (notice + "--- Below this line is a copy of the message.\n\n" + headers).encode()


def arrives(office, raw: bytes) -> Message:  # noqa: ANN001
    kept = receive_raw(office, raw, door="smtp")
    read_raw_message(kept.pk)
    with bind_office(office):
        return Message.objects.get(raw=kept)


@pytest.fixture
def sent_from_case(cast):
    """Ada's case, and an e-mail she sent from it to Dan, received by a real SMTP server."""
    case = a_case(cast.ada, summary="Damp in Dan's flat")
    with smtp_server() as (server, port):
        sends_through(cast, port)
        outgoing = compose.send_from_case(
            cast.ada, case, to=DAN, subject="Your repair", body="The council will visit."
        )
        run_queued_tasks()
    (received,) = server.received
    assert fresh(outgoing).state == OutgoingState.SENT
    return case, fresh(outgoing), received


# --- Linked, shown, audited, told ------------------------------------------------------------


def test_a_delivery_report_of_our_email_says_on_the_case_that_it_did_not_arrive_and_why(
    cast, sent_from_case, client_for
):
    case, outgoing, received = sent_from_case
    bounce = arrives(cast.north, delivery_report(received))
    assert bounce.kind == MessageKind.BOUNCE
    assert bounce.returned_message_id == outgoing.message_id
    assert bounce.bounced_outgoing_id == outgoing.pk
    assert bounce.case_id == case.pk and bounce.state == MessageState.ON_CASE

    bounced = fresh(outgoing)
    assert bounced.state == OutgoingState.BOUNCED
    assert bounced.bounced_to == [DAN] and bounced.bounced_at is not None
    assert bounced.bounce_reason == (
        "There is no mailbox at that address: the receiving server said “550 5.1.1 user unknown”"
    )

    page = client_for(cast.ada).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Did not arrive" in text
    assert f"but did not arrive at {DAN}: the mail server sent it back" in text
    assert "There is no mailbox at that address" in text and "550 5.1.1 user unknown" in text
    assert reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": outgoing.pk}) in text
    assert f"?again={outgoing.pk}" in text and "Change the address and send again" in text
    # The bounce itself, read in the inbox, says what it returns.
    read = client_for(cast.ada).get(reverse("inbox:message", kwargs={"message_id": bounce.pk}))
    assert "Returns" in read.content.decode() and "which did not arrive" in read.content.decode()

    with bind_office(cast.north):
        entry = AuditEntry.objects.get(action="inbox.bounced")
        assert entry.subject_id == str(outgoing.pk)
        assert f"sent to {DAN} did not arrive" in entry.detail and "550 5.1.1" in entry.detail
        (told,) = Notification.objects.filter(recipient=cast.ada)
    assert told.subject == f"An e-mail you sent on case {case.reference} did not arrive"
    assert DAN in told.body and "550 5.1.1 user unknown" in told.body
    assert "Your repair" not in told.subject + told.body  # the reference only, never the subject
    assert told.link == reverse("cases:detail", kwargs={"case_id": case.pk}) + "#case-mail"
    # Not urgent: it arrives when Ada's working hours say, like any notification.
    assert not told.urgent and told.sender is None
    assert told.deliver_at == arrival_for(cast.ada, now=told.created_at)


def test_a_plain_text_bounce_quoting_our_headers_is_linked_the_same_way(cast, sent_from_case):
    case, outgoing, received = sent_from_case
    bounce = arrives(cast.north, returned_in_text(received))
    assert bounce.kind == MessageKind.BOUNCE
    assert bounce.bounced_outgoing_id == outgoing.pk and bounce.case_id == case.pk
    bounced = fresh(outgoing)
    assert bounced.state == OutgoingState.BOUNCED and bounced.bounced_to == [DAN]
    assert f"550 Unknown user {DAN}" in bounced.bounce_reason
    with bind_office(cast.north):
        assert Notification.objects.filter(recipient=cast.ada).count() == 1


def test_placing_a_bounce_twice_changes_nothing_more(cast, sent_from_case):
    _, outgoing, received = sent_from_case
    bounce_bytes = delivery_report(received)
    bounce = arrives(cast.north, bounce_bytes)
    with bind_office(cast.north):
        place(bounce)
        place(Message.objects.get(pk=bounce.pk))
        assert AuditEntry.objects.filter(action="inbox.bounced").count() == 1
        assert Notification.objects.filter(recipient=cast.ada).count() == 1
    again = fresh(outgoing)
    assert again.state == OutgoingState.BOUNCED and again.bounced_to == [DAN]
    # The same bounce handed over again by another door is a duplicate: kept once, linked once.
    copy = receive_raw(cast.north, received_by("imap.example", bounce_bytes), door="imap")
    assert read_raw_message(copy.pk) == "duplicate"
    with bind_office(cast.north):
        assert Message.objects.filter(bounced_outgoing=outgoing).count() == 1
        assert AuditEntry.objects.filter(action="inbox.bounced").count() == 1
        assert Notification.objects.filter(recipient=cast.ada).count() == 1


def test_a_delay_report_joins_the_case_but_the_email_is_not_marked_as_lost(cast, sent_from_case):
    case, outgoing, received = sent_from_case
    report = arrives(
        cast.north,
        delivery_report(
            received, action="delayed", status="4.4.1", diagnostic="smtp; 421 4.4.1 timed out"
        ),
    )
    assert report.kind == MessageKind.DELIVERY_REPORT
    assert report.bounced_outgoing_id == outgoing.pk and report.case_id == case.pk
    assert fresh(outgoing).state == OutgoingState.SENT
    with bind_office(cast.north):
        assert not Notification.objects.filter(recipient=cast.ada).exists()
        assert not AuditEntry.objects.filter(action="inbox.bounced").exists()


def test_the_email_sent_on_the_timeline_says_it_did_not_arrive_once_it_bounces(
    cast, sent_from_case, client_for, api_as
):
    case, outgoing, received = sent_from_case
    timeline = reverse("timeline:case", kwargs={"case_id": case.pk})
    entries = f"/api/v1/timeline/cases/{case.pk}/entries"
    sent_entry = next(
        item for item in api_as(cast.ada).get(entries).json()["items"]
        if item["source"] == f"inbox.OutgoingMessage:{outgoing.pk}"
    )  # fmt: skip
    assert sent_entry["did_not_arrive"] == ""
    assert "Did not arrive" not in client_for(cast.ada).get(timeline).content.decode()

    # The entry was written when the e-mail went; the bounce came after, and it shows.
    arrives(cast.north, delivery_report(received))
    page = client_for(cast.ada).get(timeline).content.decode()
    assert f"It did not arrive at {DAN}. There is no mailbox at that address" in page
    assert "Did not arrive</strong>" in page and "#case-mail" in page
    entry_page = client_for(cast.ada).get(
        reverse("timeline:entry", kwargs={"timelineentry_id": sent_entry["id"]})
    )
    assert f"It did not arrive at {DAN}." in entry_page.content.decode()
    shown = next(
        item for item in api_as(cast.ada).get(entries).json()["items"]
        if item["id"] == sent_entry["id"]
    )  # fmt: skip
    assert shown["did_not_arrive"].startswith(f"It did not arrive at {DAN}. There is no mailbox")
    assert "550 5.1.1 user unknown" in shown["did_not_arrive"]
    # The bounce's own entry (incoming) is not marked.
    assert all(
        item["did_not_arrive"] == "" for item in api_as(cast.ada).get(entries).json()["items"]
        if item["id"] != sent_entry["id"]
    )  # fmt: skip


# --- Walls and strangers ---------------------------------------------------------------------


def test_a_bounce_naming_another_offices_email_is_not_linked_and_waits_in_triage(cast):
    south_case = a_case(cast.cleo, summary="Benefit appeal")
    with smtp_server() as (server, port):
        save_sending_settings(
            cast.cleo, host="127.0.0.1", port=port, security="none",
            from_address="advice@southvale.example", from_name="South Vale",
        )  # fmt: skip
        theirs = compose.send_from_case(
            cast.cleo, south_case, to=DAN, subject="Your appeal", body="The hearing is set."
        )
        run_queued_tasks()
    (received,) = server.received
    bounce = arrives(cast.north, delivery_report(received))
    assert bounce.kind == MessageKind.BOUNCE
    assert bounce.returned_message_id == theirs.message_id
    assert bounce.bounced_outgoing_id is None and bounce.case_id is None
    assert bounce.state == MessageState.TRIAGE
    assert fresh(theirs).state == OutgoingState.SENT
    with bind_office(cast.south):
        assert not Notification.objects.filter(recipient=cast.cleo).exists()
    with bind_office(cast.north):
        assert not AuditEntry.objects.filter(action="inbox.bounced").exists()


def test_a_bounce_of_a_message_we_never_sent_waits_in_triage_as_before(cast, sent_from_case):
    _, outgoing, received = sent_from_case
    stranger = received.data.replace(
        outgoing.message_id.encode(), b"someone.else.42@example.org", 1
    )
    assert stranger != received.data
    bounce = arrives(cast.north, returned_in_text(Received("x", [DAN], stranger)))
    assert bounce.kind == MessageKind.BOUNCE
    assert bounce.returned_message_id == "someone.else.42@example.org"
    assert bounce.bounced_outgoing_id is None and bounce.state == MessageState.TRIAGE
    assert fresh(outgoing).state == OutgoingState.SENT


def test_cleo_cannot_write_again_or_try_again_north_s_bounced_email(
    cast, sent_from_case, client_for
):
    case, outgoing, received = sent_from_case
    arrives(cast.north, delivery_report(received))
    cleo = client_for(cast.cleo)
    south_case = a_case(cast.cleo, summary="Benefit appeal")
    send = reverse("inbox_out:send", kwargs={"case_id": south_case.pk})
    assert cleo.get(f"{send}?again={outgoing.pk}").status_code == 404
    try_again = reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": outgoing.pk})
    assert cleo.post(try_again).status_code == 404
    assert fresh(outgoing).state == OutgoingState.BOUNCED


# --- Doing something about it ---------------------------------------------------------------


def test_a_bounced_email_can_be_written_again_to_a_corrected_address(
    cast, sent_from_case, client_for
):
    case, outgoing, received = sent_from_case
    arrives(cast.north, delivery_report(received))
    ada = client_for(cast.ada)
    send = reverse("inbox_out:send", kwargs={"case_id": case.pk})
    page = ada.get(f"{send}?again={outgoing.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["to"] == DAN and form.initial["subject"] == outgoing.subject
    assert form.initial["body"] == "The council will visit."
    # Not an e-mail of this case, or not an id at all: not found, never a failure.
    other_case = a_case(cast.ada, summary="Another case")
    other = reverse("inbox_out:send", kwargs={"case_id": other_case.pk})
    assert ada.get(f"{other}?again={outgoing.pk}").status_code == 404
    assert ada.get(f"{send}?again=not-a-number").status_code == 404


def test_try_again_sends_a_bounced_email_again(cast, sent_from_case, client_for):
    case, outgoing, received = sent_from_case
    arrives(cast.north, delivery_report(received))
    with smtp_server() as (server, port):
        sends_through(cast, port)
        answer = client_for(cast.ada).post(
            reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": outgoing.pk})
        )
        assert answer.status_code == 302
        assert fresh(outgoing).state == OutgoingState.QUEUED
        run_queued_tasks()
    assert fresh(outgoing).state == OutgoingState.SENT and len(server.received) == 1
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(action="inbox.try_again")
        assert "550 5.1.1 user unknown" in entry.detail


def test_the_api_shows_the_email_bounced_and_the_bounce_names_it(cast, sent_from_case, api_as):
    case, outgoing, received = sent_from_case
    bounce = arrives(cast.north, delivery_report(received))
    client = api_as(cast.ada)
    shown = client.get(f"/api/v1/inbox/outgoing/{outgoing.pk}").json()
    assert shown["state"] == "bounced" and shown["bounced_to"] == [DAN]
    assert "550 5.1.1 user unknown" in shown["bounce_reason"] and shown["bounced_at"]
    listed = client.get(f"/api/v1/inbox/cases/{case.pk}/emails").json()
    assert [row["state"] for row in listed] == ["bounced"]
    message = client.get(f"/api/v1/inbox/messages/{bounce.pk}").json()
    assert message["kind"] == "bounce" and message["bounced_email_id"] == outgoing.pk
    assert api_as(cast.cleo).get(f"/api/v1/inbox/outgoing/{outgoing.pk}").status_code == 404


# --- Reading the reason ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "to", "reason"),
    [
        (
            "Delivery to dan@example.net: failed (status 5.2.2): 552 5.2.2 mailbox full.",
            ["dan@example.net", "eve@example.org"],
            "The mailbox is full: the receiving server said “552 5.2.2 mailbox full”",
        ),
        (
            "Delivery to someone@relay.example: failed (status 5.0.0).",
            ["dan@example.net"],
            "The receiving server said “status 5.0.0”",
        ),
        (
            "<dan@example.net>: host mx.example.net[192.0.2.1] said: 554 5.7.1 Spam refused\n",
            ["dan@example.net"],
            "The receiving server refused it (its security or spam rules): the receiving "
            "server said “554 5.7.1 Spam refused”",
        ),
        (
            "<dan@example.net>: 550 5.1.1 no such user",
            ["an@example.net", "dan@example.net"],  # "an@" is inside "dan@", not named
            "There is no mailbox at that address: the receiving server said “550 5.1.1 no "
            "such user”",
        ),
        ("Your message could not be delivered.", ["dan@example.net"], ""),
    ],
)
def test_why_it_bounced_reads_the_servers_words(text, to, reason):
    named, why = bounces.why_it_bounced(text, to)
    assert named == ["dan@example.net"] or (not reason and named == to)
    assert why == (reason or "The receiving mail server sent it back without saying why")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared mail corpus is absent")
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("lhost-postfix-01.eml", "No such user"),
        ("lhost-qmail-01.eml", "550 Unknown user"),
        ("lhost-exim-01.eml", ""),
        ("lhost-sendmail-01.eml", ""),
        ("lhost-office365-01.eml", ""),
        ("rfc3464-01.eml", ""),
    ],
)
def test_real_bounces_give_a_reason_in_words(cast, name, said):
    bounce = arrives(cast.north, (CORPUS / name).read_bytes())
    _, why = bounces.why_it_bounced(bounce.text_body, ["nobody@example.invalid"])
    assert why and "without saying why" not in why
    assert said in why


def test_a_bounced_campaign_answer_is_shown_on_the_campaign_page(cast, client_for):
    from casewell.inbox import campaign_answers
    from casewell.inbox.tests.test_campaign_answers import a_campaign

    campaign, _ = a_campaign(cast, [("amara@example.net", "Amara Okafor")])
    with smtp_server() as (server, port):
        sends_through(cast, port)
        campaign_answers.answer_campaign(cast.ada, campaign, subject="Hillside", body="Thanks")
        run_queued_tasks()
    (received,) = server.received
    bounce = arrives(cast.north, delivery_report(received, recipient="amara@example.net"))
    with bind_office(cast.north):
        (answer,) = campaign.outgoing.all()
        told = Notification.objects.get(recipient=cast.ada)
    assert bounce.bounced_outgoing_id == answer.pk and bounce.case_id is None
    assert answer.state == OutgoingState.BOUNCED and answer.bounced_to == ["amara@example.net"]
    assert told.subject == "An e-mail you sent did not arrive"
    assert told.link == reverse("campaigns:campaign", kwargs={"campaign_id": campaign.pk})
    page = client_for(cast.ada).get(told.link).content.decode()
    assert "Did not arrive" in page and "550 5.1.1 user unknown" in page
    assert reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": answer.pk}) in page
