"""Checking in without opening Casewell: by text message (through the office's SMS provider)
or by replying to an e-mail, and the signature that proves a webhook is genuine.

**Signatures, both ways.** Every webhook carries the header ``X-Casewell-Signature:
sha256=<hex>``: the HMAC-SHA256 of the raw request body, keyed with the office's webhook
secret (shown to managers on the escalation ladder page). Casewell signs each alert it
POSTs to the provider; the provider signs each text it forwards to Casewell, and an
unsigned or wrongly signed one is refused (403) before anything is read.

**Texts in.** The provider POSTs JSON to ``/safety/sms/<office id>/``::

    {"message_id": "provider's id", "from": "+447700900123", "text": "OK 1234"}

A text from a worker's registered mobile (their safety settings) that says "OK",
optionally followed by a PIN, checks in their running session. If the PIN is their
duress PIN the silent alarm is raised and the reply is word for word the same. The same
``message_id`` sent again is answered again and changes nothing. The answer is JSON,
``{"reply": "..."}``, for the provider to text back.

**E-mail replies.** The inbox calls ``check_in_by_reply(office, sender_address, text)``
for a message that answers a check-in reminder; the sender must be the worker's own
address. It returns the reply to send, the same with or without the duress PIN.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casewell.offices.models import Office, User
from casewell.offices.tenancy import bind_office
from casewell.people.phones import normalise_phone
from casewell.safety import services
from casewell.safety.ladder import ladder_for
from casewell.safety.models import InboundCheckIn, LoneWorkingSession, SafetySettings
from casewell.safety.signing import SIGNATURE_HEADER, is_signed_by, signature_for

__all__ = [
    "SIGNATURE_HEADER",
    "check_in_by_reply",
    "check_in_by_text",
    "is_signed_by",
    "signature_for",
]

# "OK", "ok", "OK 1234", "Ok, 1234", "OK." — the first word OK, then optionally a PIN.
CHECK_IN = re.compile(r"^\s*ok\b[\s,.:;!-]*(?P<pin>\d{4,8})?\s*[.!]?\s*$", re.IGNORECASE)

NOT_UNDERSTOOD = "Casewell did not understand. Reply OK to check in, or OK and your PIN."
NO_SESSION = "You have no lone-working session running, so there is nothing to check in."
UNKNOWN_SENDER = "Casewell does not know this sender: check in from your own phone or e-mail."


def office_secret(office_id: int) -> str:
    """The office's webhook secret (the ladder is made with one the first time)."""
    with bind_office(office_id), transaction.atomic():
        return ladder_for(office_id).webhook_secret


@dataclass(frozen=True)
class Reply:
    """What to answer the worker: identical whether or not the duress PIN was given."""

    text: str
    checked_in: bool


def _answer(worker: User | None, text: str) -> tuple[Reply, LoneWorkingSession | None]:
    if worker is None:
        return Reply(UNKNOWN_SENDER, False), None
    understood = CHECK_IN.match(text or "")
    if understood is None:
        return Reply(NOT_UNDERSTOOD, False), None
    session = services.active_session_of(worker)
    if session is None:
        return Reply(NO_SESSION, False), None
    try:
        result = services.check_in(worker, session, pin=understood["pin"] or "")
    except ValidationError:
        return Reply(NO_SESSION, False), None
    due = timezone.localtime(result.next_due_at)
    return Reply(f"Checked in. Your next check-in is due by {due:%H:%M}.", True), session


def _once(
    office_id: int,
    channel: str,
    message_id: str,
    sender: str,
    work: Callable[[], tuple[Reply, LoneWorkingSession | None]],
) -> Reply:
    """Run ``work`` for a message the first time it is seen; the stored reply after that."""
    with bind_office(office_id):
        if message_id:
            seen = InboundCheckIn.objects.filter(channel=channel, message_id=message_id).first()
            if seen is not None:
                return Reply(seen.reply, seen.session_id is not None)
        reply, session = work()
        if message_id:
            try:
                with transaction.atomic():
                    InboundCheckIn.objects.create(
                        office_id=office_id,
                        channel=channel,
                        message_id=message_id[:200],
                        sender=sender[:300],
                        session=session if reply.checked_in else None,
                        reply=reply.text[:300],
                    )
            except IntegrityError:
                pass  # the provider sent it twice at once: the check-in was idempotent anyway
    return reply


def check_in_by_text(
    office: Office | int, *, sender_phone: str, text: str, message_id: str
) -> Reply:
    """A text forwarded by the SMS provider (its signature already checked by the caller).

    Requires the sender's number to be a worker's registered mobile in ``office``.
    Causes the check-in (and, with the duress PIN, the silent alarm) and a record of the
    message id, so a repeat changes nothing.
    """
    office_id = office if isinstance(office, int) else office.pk
    try:
        phone = normalise_phone(sender_phone)
    except ValidationError:
        phone = ""

    def work() -> tuple[Reply, LoneWorkingSession | None]:
        row = (
            SafetySettings.objects.filter(mobile=phone).select_related("user").first()
            if phone
            else None
        )
        worker = row.user if row is not None and row.user.is_active else None
        return _answer(worker, text)

    return _once(office_id, InboundCheckIn.Channel.SMS, message_id, phone or sender_phone, work)


def check_in_by_reply(
    office: Office | int, sender_address: str, text: str, *, message_id: str = ""
) -> Reply:
    """For the inbox: a reply to a check-in reminder e-mail, from ``sender_address``.

    Only the first line that is not blank counts (quoted text below it is ignored).
    Requires the sender to be an active member of staff of ``office`` at that address.
    Causes the check-in (and, with the duress PIN, the silent alarm). Give the message's
    Message-ID as ``message_id`` and a message delivered twice checks in once.
    """
    office_id = office if isinstance(office, int) else office.pk
    first_line = next((line for line in (text or "").splitlines() if line.strip()), "")
    address = (sender_address or "").strip()

    def work() -> tuple[Reply, LoneWorkingSession | None]:
        worker = User.objects.filter(
            office_id=office_id, email__iexact=address, is_active=True
        ).first()
        return _answer(worker if address else None, first_line)

    return _once(office_id, InboundCheckIn.Channel.EMAIL, message_id, address, work)
