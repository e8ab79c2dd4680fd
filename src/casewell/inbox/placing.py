"""Where a newly read message goes: its case, its sender, a category, a campaign.

``place(message)`` is called by the parse job once the message is stored. In order:

1. threading (``inbox.threading``): onto the case it belongs to, if any;
2. matching (``inbox.matching``): linked to the person whose e-mail address it
   came from, only when that address is exactly one person's;
3. a suggested category (``inbox.suggestions``) for a message not on a case;
4. campaign grouping (``inbox.campaigns``) for a message not on a case;
5. a person whose contact a manager routed to one designated handler
   (``safety.handlers``): their message is assigned to that handler.

Nothing here opens a case or applies a category: those wait for a person.
Auto-replies, bounces and delivery reports may join the thread they answer
but get no suggestion and never make or join a campaign. Placing is
idempotent: what is already set is kept, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from casewell.inbox import bounces, campaigns, case_timeline, matching, suggestions
from casewell.inbox import placing_queries as queries
from casewell.inbox import threading as threads
from casewell.inbox.models import Message, MessageKind, MessageState
from casewell.offices.tenancy import bind_office, current_office_id, is_across_all_offices
from casewell.safety.handlers import designated_handler_for
from casewell.safety.texts import answer_reminder_reply


@contextmanager
def _working_for(office_id: int) -> Iterator[None]:
    # The job normally binds the office already; binding again would drop its actor.
    if current_office_id() == office_id or is_across_all_offices():
        yield
        return
    with bind_office(office_id):
        yield


@dataclass
class Batch:
    """What placing many new messages of one office reads once for all of them: the
    office's facts, the people their senders' addresses belong to, and the messages on
    cases they may join. (Campaign grouping also reads the office's recent mail once per
    batch.)"""

    office: queries.OfficeFacts
    people_by_address: dict[str, list[tuple[int, int | None]]]
    on_cases: threads.OnCases


def batch_for(office_id: int, messages: list[Message]) -> Batch:
    """The Batch for placing these messages of the office, in that order."""
    senders = {(message.from_address or "").strip().lower() for message in messages}
    return Batch(
        office=queries.office_facts(office_id),
        people_by_address=queries.people_with_addresses(office_id, sorted(senders - {""})),
        on_cases=threads.OnCases(office_id, messages),
    )


def place(message: Message, batch: Batch | None = None) -> None:
    """Thread, match, suggest and group one saved message; saves what changed.

    Requires the message saved; ``batch`` when it is one of many being placed in turn.
    Causes one audit entry for the message when anything changed, and one for each
    earlier message a new campaign takes in.
    """
    changed: list[str] = []
    with _working_for(message.office_id):
        # Archived mail (a check-in reply among it) is not placed again onto a case.
        if message.state == MessageState.ARCHIVED:
            return
        if message.state == MessageState.TRIAGE and _taken_as_check_in(message):
            return
        office = batch.office if batch else queries.office_facts(message.office_id)
        if message.kind in bounces.REPORT_KINDS:  # mail we sent, come back: onto its case
            changed += bounces.link_bounce(message)
        if message.case_id is None:
            thread = threads.find_thread(
                message, office.reference_prefix, batch.on_cases if batch else None
            )
            if thread.case_id is not None:
                message.case_id = thread.case_id
                changed.append("case")
                if message.state == MessageState.TRIAGE:
                    message.state = MessageState.ON_CASE
                    changed.append("state")
        if message.person_id is None:
            person_id = matching.person_to_link(
                message, batch.people_by_address if batch else None
            )
            if person_id is not None:
                message.person_id = person_id
                changed.append("person")
        if message.kind == MessageKind.MESSAGE and message.case_id is None:
            suggestion = suggestions.suggest_category(message, office)
            suggested = suggestion.category if suggestion else None
            if message.suggested_category_id != (suggested.pk if suggested else None):
                message.suggested_category = suggested
                changed.append("suggested_category")
            if message.campaign_id is None and campaigns.group_into_campaign(
                message, office, batch=batch
            ):
                changed.append("campaign")
        if message.person_id is not None and message.assignee_id is None:
            handler = designated_handler_for(message.person_id)
            if handler is not None:
                message.assignee = handler
                changed.append("assignee")
                if message.state == MessageState.TRIAGE:
                    message.state = MessageState.ASSIGNED
                    changed.append("state")
        if changed:
            message.save(update_fields=changed)
            if "case" in changed:  # threaded onto a case: onto its timeline too
                case_timeline.show_on_case_timeline(message, new_to_cases=True)
        if batch is not None:
            batch.on_cases.placed_on_case(message)


def _taken_as_check_in(message: Message) -> bool:
    """A worker's reply to a lone-working check-in reminder is a check-in, not mail to triage."""
    answered = answer_reminder_reply(
        message.office_id, sender=message.from_address, subject=message.subject,
        in_reply_to=message.in_reply_to, references=message.references, text=message.text_body,
        message_id=message.message_id, automatic=message.kind != MessageKind.MESSAGE,
    )  # fmt: skip
    if answered is None:
        return False
    # The words are not kept to read: a reply carrying the duress PIN must look like any other,
    # and must not show colleagues the PIN. The raw mail stays, encrypted, as for all mail.
    message.state = MessageState.ARCHIVED
    message.text_body = message.html_body = ""
    message.parse_notes = [
        *message.parse_notes,
        "A reply to a check-in reminder: a check-in. Its words are not shown.",
    ]
    message.save(update_fields=["state", "text_body", "html_body", "parse_notes"])
    return True
