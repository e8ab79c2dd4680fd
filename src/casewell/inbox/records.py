"""What other domains may ask the inbox about its messages, without reading its models:
the address replies should go to, the messages a person sent, the files a message keeps,
and whether something else holds a message (evidence of an incident, say).

A message can be deleted only after asking ``hold_reason``: no deletion path exists
yet, so a delete signal refuses a held message whatever asks (its raw mail cannot go
before it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models.signals import pre_delete

from casewell.inbox.models import InboxAddress, Message, MessageAttachment
from casewell.offices.models import User
from casewell.offices.permissions import may_see


class MessageOnHold(Exception):
    """A message kept on hold (evidence of an incident, say) was asked to be deleted."""


_hold_checks: list[Callable[[int], str | None]] = []


def register_hold_check(check: Callable[[int], str | None]) -> None:
    """Add a check answering why the message with this id is on hold (or None). Called from
    an app's ``ready``."""
    if check not in _hold_checks:
        _hold_checks.append(check)


def hold_reason(message_id: int) -> str | None:
    """Why the message must be kept, if anything holds it. Requires its office bound."""
    for check in _hold_checks:
        reason = check(message_id)
        if reason:
            return reason
    return None


def _refuse_held_message(sender: Any, instance: Message, **_: Any) -> None:
    reason = hold_reason(instance.pk)
    if reason:
        raise MessageOnHold(f"{instance} is kept: {reason}")


def connect_hold_signals() -> None:
    # Its raw mail is PROTECTed by the message, so holding the message holds that too.
    pre_delete.connect(_refuse_held_message, sender=Message, dispatch_uid="inbox-message-hold")


def reply_address(office_id: int) -> str:
    """The office's first inbox address (replies sent there come back to Casewell), or "".
    Requires the office bound."""
    found = (
        InboxAddress.objects.filter(office_id=office_id)
        .order_by("created_at", "pk")
        .values_list("address", flat=True)
        .first()
    )
    return found or ""


def message_for(user: User, message_id: Any) -> Message | None:
    """The message if the user may see it (as the reading page decides), else None."""
    from django.http import Http404

    from casewell.inbox.reading import read_message

    try:
        reading = read_message(user, message_id)
    except Http404:
        return None
    return reading.message if reading.may_read else None


def messages_from(user: User, person_id: int, *, limit: int = 50) -> list[Message]:
    """The newest messages linked to the person that the user may read. Requires the user's
    office bound."""
    from casewell.safety.handlers import current_handler, may_read_contact

    if not may_read_contact(user, current_handler(person_id)):
        return []
    found = (
        Message.objects.filter(person_id=person_id)
        .select_related("case")
        .order_by("-created_at", "-pk")[: limit * 2]
    )
    return [
        message
        for message in found
        if may_see(user, message) and (message.case is None or may_see(user, message.case))
    ][:limit]


def messages_named(ids: Iterable[int]) -> dict[int, Message]:
    """Messages by id, for showing what names them. Requires the office bound."""
    wanted = list(ids)
    return {message.pk: message for message in Message.objects.filter(pk__in=wanted)}


def message_keeping_file(stored_file_id: int) -> int | None:
    """The id of the message whose raw mail or attachment is this stored file, or None.
    Requires the office bound."""
    found = (
        Message.objects.filter(raw__stored_file_id=stored_file_id)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        found = (
            MessageAttachment.objects.filter(stored_file_id=stored_file_id)
            .values_list("message_id", flat=True)
            .first()
        )
    return found
