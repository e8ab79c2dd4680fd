"""place(): threading, matching, suggesting and grouping, run by the parse job, once."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from casewell.inbox import services
from casewell.inbox.models import Message, MessageState
from casewell.inbox.placing import place
from casewell.inbox.tests.placing_mail import PLACED, a_case, letter, stored_message
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.services import PersonDetails, create_person
from casewell.safety.handlers import route_contact_to


def raw_mail(*, subject: str, sender: str, in_reply_to: str = "", message_id: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "casework@north.example"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(letter("Thank you, the surveyor is coming on Friday at ten."))
    return bytes(mail)


def test_the_parse_job_places_a_reply_on_its_case_and_links_the_sender(cast):
    case = a_case(cast.ada)
    margaret = create_person(
        cast.ada,
        PersonDetails(first_name="Margaret", last_name="Thompson", email="mt@example.net"),
    )
    ours = stored_message(cast.north, case=case, message_id="case-letter.1@north.example")
    raw = services.receive_raw(
        cast.north,
        raw_mail(
            subject="Re: Your letter",
            sender="Margaret Thompson <MT@Example.net>",
            in_reply_to="<Case-Letter.1@north.example>",
            message_id="<reply.1@example.net>",
        ),
        door="smtp",
    )
    assert services.read_raw_message(raw.pk) == "parsed"
    with bind_office(cast.north):
        reply = Message.objects.select_related(*PLACED).get(raw=raw)
    assert reply.pk != ours.pk
    assert reply.case == case
    assert reply.state == MessageState.ON_CASE
    assert reply.person == margaret


def test_placing_twice_changes_nothing_the_second_time(cast):
    case = a_case(cast.ada)
    stored_message(cast.north, subject="Damp in my flat", case=case)
    message = stored_message(cast.north, subject="Re: Damp in my flat")
    place(message)
    with bind_office(cast.north):
        audited = AuditEntry.objects.count()
        first = Message.objects.get(pk=message.pk)
        place(first)
        again = Message.objects.get(pk=message.pk)
        assert AuditEntry.objects.count() == audited
        assert (again.case, again.state) == (case, MessageState.ON_CASE)


def test_what_a_person_already_decided_is_kept(cast):
    chosen, other = a_case(cast.ada, "Damp"), a_case(cast.ada, "Noise")
    message = stored_message(cast.north, subject=f"[{other.reference}] Noise", case=chosen)
    place(message)
    with bind_office(cast.north):
        assert Message.objects.get(pk=message.pk).case == chosen


def test_place_binds_the_messages_office_when_called_unbound(cast):
    case = a_case(cast.ada)
    message = stored_message(cast.north, subject=f"[{case.reference}] Damp")
    place(message)  # no office bound here: place binds the message's own
    with bind_office(cast.north):
        assert Message.objects.get(pk=message.pk).case == case


def test_mail_from_a_person_routed_to_a_handler_is_assigned_to_them(cast):
    dan = create_person(
        cast.ada, PersonDetails(first_name="Dan", last_name="Rowe", email="dan.rowe@example.net")
    )
    route_contact_to(cast.ben, dan, handler_id=cast.wes.pk, reason="Threatened Ada on the phone")
    message = stored_message(cast.north, subject="About my neighbour")
    place(message)
    with bind_office(cast.north):
        placed = Message.objects.get(pk=message.pk)
    assert (placed.person_id, placed.assignee_id, placed.state) == (
        dan.pk, cast.wes.pk, MessageState.ASSIGNED
    )
    # Someone else's mail is left for triage.
    other = stored_message(cast.north, subject="Bins", sender="someone@example.net", name="Sam")
    place(other)
    with bind_office(cast.north):
        left = Message.objects.get(pk=other.pk)
    assert (left.assignee_id, left.state) == (None, MessageState.TRIAGE)
