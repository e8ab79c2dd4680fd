"""Incoming mail on a case's timeline: the whole conversation, in and out, in date order.

Mail Casewell sends from a case joins its timeline when it is sent (``inbox.sending``).
A message that comes in joins it here, as an entry standing for the message
(``source="inbox.Message:<id>"``, with the message's stored attachments), whenever it
lands on a case: threaded there by placing, or linked or opened as a case from triage.
``show_on_case_timeline`` is idempotent: placing or linking again changes nothing,
linking to another case moves the entry, and a message on no case (or a reply to a
check-in reminder, whose words are not kept) has none.

Reading the entry keeps the message's rules: the timeline asks ``handlers_of_mail``
who may not read it (mail from a person routed to a designated handler) and
``read_on_timeline`` when one is opened, which counts as reading the message.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.http import Http404

from casewell.inbox.models import (
    Message,
    MessageAttachment,
    MessageState,
    OutgoingMessage,
    OutgoingState,
)
from casewell.offices.models import User
from casewell.safety.handlers import current_handler, handlers_for_people, may_read_contact
from casewell.timeline.models import INBOX_MESSAGE
from casewell.timeline.services import (
    move_incoming_email,
    record_incoming_email,
    remove_incoming_email,
)
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import ExposureAction

# The note placing leaves on a reply to a lone-working check-in reminder (``placing``).
CHECK_IN_NOTE = "A reply to a check-in reminder"


def source_of(message: Message) -> str:
    return f"{INBOX_MESSAGE}{message.pk}"


def is_check_in(message: Message) -> bool:
    """A reply to a check-in reminder: archived with its words blanked, never on a timeline."""
    return message.state == MessageState.ARCHIVED and any(
        str(note).startswith(CHECK_IN_NOTE) for note in message.parse_notes or ()
    )


def _correspondent(message: Message) -> str:
    if message.from_name and message.from_address:
        return f"{message.from_name} <{message.from_address}>"
    return message.from_name or message.from_address


def show_on_case_timeline(message: Message, *, new_to_cases: bool = False) -> None:
    """Put the message on its case's timeline, or keep it there, or move it there from
    another case's, or take it off when it is on no case (or is a check-in).

    Requires the message's office bound and the message saved. ``new_to_cases`` says
    the message was on no case until now (placing knows), which saves looking for an
    entry to move: then two statements (its attachments, the entry), one more for any
    attachments. Causes an audit entry when an entry moves or is removed.
    """
    source = source_of(message)
    if message.case_id is None or is_check_in(message):
        remove_incoming_email(source)
        return
    if not new_to_cases and move_incoming_email(source, message.case_id):
        return
    record_incoming_email(
        message.office_id,
        message.case_id,
        source=source,
        subject=message.subject,
        text=message.text_body,
        correspondent=_correspondent(message),
        occurred_at=message.created_at,
        stored_file_ids=_stored_files_of(message),
    )


def _stored_files_of(message: Message) -> list[int]:
    """The message's stored files to show (not pictures inside its text), in order.

    Plain SQL, as placing's own reads (``placing_queries``): it runs for every message that
    lands on a case, and building the query with the ORM costs thirty times running it.
    Names the office, and on PostgreSQL the office wall applies as to any query.
    """
    table = connection.ops.quote_name(MessageAttachment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stored_file_id FROM {table} WHERE office_id = %s AND message_id = %s "  # noqa: S608 - the table's name, from the model
            "AND stored_file_id IS NOT NULL AND NOT is_inline ORDER BY position, id",
            [message.office_id, message.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def handlers_of_mail(user: User, message_ids: Iterable[int]) -> dict[int, User]:
    """For a page of the timeline: the messages among ``message_ids`` the user may not read
    because their sender's contact is routed to a designated handler, and that handler.

    Requires the office bound. Two queries, however many messages.
    """
    people = dict(
        Message.objects.filter(pk__in=list(message_ids), person__isnull=False).values_list(
            "pk", "person_id"
        )
    )
    if not people:
        return {}
    routings = handlers_for_people(set(people.values()))
    found = {}
    for message_id, person_id in people.items():
        routing = routings.get(person_id)
        if routing is not None and not may_read_contact(user, routing):
            found[message_id] = routing.handler
    return found


def read_on_timeline(user: User, message_id: int) -> User | None:
    """The user opens incoming mail on a case's timeline: as reading the message itself.

    Requires the office bound and the entry's case one the user may see. Returns the
    designated handler when the mail is theirs alone (nothing is counted), else None
    and the reading counts as exposure to the message (once, with the reading page).
    404 when the message is not the user's to open.
    """
    from casewell.inbox.reading import may_open  # reading asks triage, which asks here

    message = Message.objects.filter(pk=message_id).select_related("case").first()
    if message is None or not may_open(user, message):
        raise Http404("No message found.")
    routing = current_handler(message.person_id) if message.person_id else None
    if not may_read_contact(user, routing):
        assert routing is not None
        return routing.handler
    record_exposure(user, message, ExposureAction.READ)
    return None


def undelivered(outgoing_ids: Iterable[int]) -> dict[int, str]:
    """Of these e-mails sent, those a mail server sent back (``inbox.bounces``): to which
    addresses, and why, in a line for the timeline. Requires the office bound. One query."""
    came_back = OutgoingMessage.objects.filter(
        pk__in=list(outgoing_ids), state=OutgoingState.BOUNCED
    ).values_list("pk", "bounced_to", "to", "bounce_reason")
    return {
        pk: f"It did not arrive at {', '.join(bounced_to or to)}. {reason}."
        for pk, bounced_to, to, reason in came_back
    }
