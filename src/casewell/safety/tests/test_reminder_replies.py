"""Checking in by replying to the reminder e-mail: the reminder carries the session's reply
token, the inbox recognises a reply from the worker, checks them in (the duress PIN works as
on the page) and keeps the reply out of triage. Ordinary mail stays ordinary."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail
from django.utils import timezone

from casewell.inbox.models import Message, MessageState
from casewell.inbox.receiver import MailReceiver
from casewell.inbox.services import add_inbox_address, receive_raw
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import bind_office
from casewell.safety import services, tasks, texts
from casewell.safety.models import SafetyAlert, SafetyLogEntry
from casewell.safety.tests.conftest import START, alerts_of, log_of, plan
from casewell.testing.cast import make_cast

INBOX = "casework@north.example"
DURESS_PIN = "2468"


def reminder_for(clock) -> EmailMessage:
    """Move to the reminder (five minutes before the 10:30 check-in) and return it."""
    clock.move_to(START + timedelta(minutes=25))
    clock.run_scheduler()
    (reminder,) = [m for m in mail.outbox if "Check in soon" in m.subject]
    return reminder


def reply_to(reminder, *, sender: str, body: str = "OK", subject: str | None = None,
             headers: dict[str, str] | None = None) -> bytes:  # fmt: skip
    message = EmailMessage()
    message["From"] = sender
    message["To"] = reminder.reply_to[0] if reminder.reply_to else INBOX
    message["Subject"] = subject if subject is not None else f"Re: {reminder.subject}"
    message["In-Reply-To"] = reminder.extra_headers["Message-ID"]
    message["Message-ID"] = f"<reply-{abs(hash(body + sender + str(subject)))}@example.net>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(f"{body}\n\nOn 10 Mar 2026, Casewell wrote:\n> Your next check-in is due")
    return bytes(message)


def check_ins(session) -> int:
    return sum(entry.event == SafetyLogEntry.Event.CHECKED_IN for entry in log_of(session))


def messages(office) -> list[Message]:
    with bind_office(office):
        return list(Message.objects.order_by("pk"))


@pytest.fixture
def inbox(cast):
    add_inbox_address(cast.north, INBOX)


def test_the_reminder_carries_the_sessions_reply_token_and_asks_for_replies_to_the_inbox(
    cast, inbox, visit, clock
):
    reminder = reminder_for(clock)
    assert reminder.reply_to == [INBOX]
    assert texts.reminder_subject_tag(visit) in reminder.subject
    assert f"check-in.{visit.pk}.{texts.reply_token(visit.pk)}." in reminder.extra_headers[
        "Message-ID"
    ]
    assert "reply to this e-mail with the word OK" in reminder.body
    # The token is the session's own: another session's differs.
    assert texts.reply_token(visit.pk) != texts.reply_token(visit.pk + 1)


def test_without_an_inbox_address_the_reminder_does_not_offer_replying(cast, visit, clock):
    reminder = reminder_for(clock)
    assert reminder.reply_to == []
    assert "reply to this e-mail" not in reminder.body


def test_a_reply_saying_ok_checks_the_worker_in_and_stays_out_of_triage(
    cast, inbox, visit, clock
):
    reminder = reminder_for(clock)
    receive_raw(cast.north, reply_to(reminder, sender=cast.ada.email), door="smtp")
    run_queued_tasks()
    assert check_ins(visit) == 1
    (message,) = messages(cast.north)
    assert message.state == MessageState.ARCHIVED
    note = "A reply to a check-in reminder: a check-in. Its words are not shown."
    assert note in message.parse_notes
    (answer,) = [m for m in mail.outbox if m is not reminder and m.subject.startswith("Re:")]
    assert answer.to == [cast.ada.email]
    assert answer.body == "Checked in. Your next check-in is due by 10:55."


def test_a_reply_with_the_duress_pin_looks_the_same_and_raises_the_silent_alarm(
    cast, inbox, visit, clock
):
    services.change_my_duress_pin(cast.ada, DURESS_PIN, confirm=DURESS_PIN)
    reminder = reminder_for(clock)
    receive_raw(cast.north, reply_to(reminder, sender=cast.ada.email), door="smtp")
    run_queued_tasks()
    receive_raw(
        cast.north, reply_to(reminder, sender=cast.ada.email, body=f"OK {DURESS_PIN}"), door="smtp"
    )
    run_queued_tasks()
    plain, forced = messages(cast.north)
    assert (forced.state, forced.parse_notes) == (plain.state, plain.parse_notes)
    # Neither reply's words are kept to read, so the PIN can't be seen in the archive.
    assert (forced.text_body, forced.html_body) == (plain.text_body, plain.html_body) == ("", "")
    answers = [m.body for m in mail.outbox if m.subject.startswith("Re:")]
    assert len(answers) == 2 and answers[0] == answers[1]
    assert check_ins(visit) == 2
    (alarm,) = alerts_of(visit)
    assert alarm.kind == SafetyAlert.Kind.DURESS
    # Silent: the worker is not among those alerted.
    assert cast.ada.email not in [m.to[0] for m in mail.outbox if m.subject.startswith("URGENT")]


def test_the_subject_tag_alone_is_enough_when_a_mail_program_drops_in_reply_to(
    cast, inbox, visit, clock
):
    reminder = reminder_for(clock)
    raw = reply_to(reminder, sender=cast.ada.email.upper())
    raw = raw.replace(b"In-Reply-To", b"X-Was-In-Reply-To")
    receive_raw(cast.north, raw, door="imap")
    run_queued_tasks()
    assert check_ins(visit) == 1


def test_a_reply_not_understood_is_answered_and_checks_nobody_in(cast, inbox, visit, clock):
    reminder = reminder_for(clock)
    late = reply_to(reminder, sender=cast.ada.email, body="Running late")
    receive_raw(cast.north, late, door="smtp")
    run_queued_tasks()
    assert check_ins(visit) == 0
    assert [m.body for m in mail.outbox if m.subject.startswith("Re:")] == [texts.NOT_UNDERSTOOD]


def test_mail_that_only_looks_like_a_reply_is_ordinary_mail_in_triage(cast, inbox, visit, clock):
    reminder = reminder_for(clock)
    forged = f"Re: Check in soon [check-in {visit.pk}-0123456789abcdef]"
    for raw in (
        # From someone other than the worker, though carrying the genuine token.
        reply_to(reminder, sender=cast.wes.email),
        reply_to(reminder, sender="ada@evil.example", body="OK 1"),
        # A made-up token, and no reference to the reminder.
        reply_to(reminder, sender=cast.ada.email, subject=forged, body="OK 2").replace(
            b"In-Reply-To", b"X-Dropped"
        ),
        # An out-of-office answer to the reminder must never check anyone in.
        reply_to(
            reminder, sender=cast.ada.email, body="OK 3", headers={"Auto-Submitted": "auto-replied"}
        ),
    ):
        receive_raw(cast.north, raw, door="smtp")
    run_queued_tasks()
    assert check_ins(visit) == 0
    assert [m.state for m in messages(cast.north)] == [MessageState.TRIAGE] * 4
    assert not [m for m in mail.outbox if m.subject.startswith("Re:")]


def test_a_reply_delivered_twice_checks_in_once(cast, inbox, visit, clock):
    reminder = reminder_for(clock)
    raw = reply_to(reminder, sender=cast.ada.email)
    receive_raw(cast.north, raw, door="smtp")
    copy = b"Received: by mx2.example.net; Tue, 10 Mar 2026\r\n" + raw
    receive_raw(cast.north, copy, door="imap")
    run_queued_tasks()
    assert check_ins(visit) == 1
    assert len([m for m in mail.outbox if m.subject.startswith("Re:")]) == 1


def test_an_office_never_checks_in_another_offices_worker(cast, inbox, visit, clock):
    add_inbox_address(cast.south, "advice@south.example")
    reminder = reminder_for(clock)
    raw = reply_to(reminder, sender=cast.ada.email)
    receive_raw(cast.south, raw, door="smtp")
    run_queued_tasks()
    assert check_ins(visit) == 0
    (message,) = messages(cast.south)
    assert message.state == MessageState.TRIAGE


@pytest.mark.django_db(transaction=True)
def test_a_reply_sent_over_smtp_checks_the_worker_in_end_to_end():
    # The receiver stores from its own thread: rows must be committed, so no frozen clock
    # and a cast made here.
    cast = make_cast()
    add_inbox_address(cast.north, INBOX)
    services.change_my_duress_pin(cast.ada, DURESS_PIN, confirm=DURESS_PIN)
    now = timezone.now()
    session = services.start_lone_working(
        cast.ada, plan(buddy_id=cast.wes.pk, expected_end=now + timedelta(hours=2))
    )
    tasks.send_check_in_reminder.call(session.pk, session.check_in_due_at.isoformat())
    (reminder,) = mail.outbox
    receiver = MailReceiver(host="127.0.0.1", smtp_port=0, lmtp_port=0, max_bytes=1024 * 1024)
    receiver.start()
    try:
        with smtplib.SMTP("127.0.0.1", receiver.smtp_port, timeout=10) as client:
            for body in ("OK", f"OK {DURESS_PIN}"):
                raw = reply_to(reminder, sender=f"Ada <{cast.ada.email}>", body=body)
                assert client.sendmail(cast.ada.email, [reminder.reply_to[0]], raw) == {}
    finally:
        receiver.stop()
    run_queued_tasks()
    assert check_ins(session) == 2
    assert [m.state for m in messages(cast.north)] == [MessageState.ARCHIVED] * 2
    answers = [m.body for m in mail.outbox if m.subject.startswith("Re:")]
    assert len(answers) == 2 and answers[0] == answers[1]
    assert answers[0].startswith("Checked in.")
    assert [alert.kind for alert in alerts_of(session)] == [SafetyAlert.Kind.DURESS]
