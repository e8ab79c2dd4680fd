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

**E-mail replies.** Each check-in reminder carries the session's reply token twice: in its
subject (``[check-in 42-<token>]``) and in its Message-ID, which a reply names in
In-Reply-To. The reminder's Reply-To is the office's inbox address. The inbox asks
``answer_reminder_reply`` about each message it places; for a reply from the worker's own
address that carries a genuine token, the worker is checked in (the duress PIN works as
on the page: the same answer, and the silent alarm), the answer is e-mailed back, and the
inbox keeps the message out of triage. Anything else (no token, a forged one, another
sender, an automatic reply) is ordinary mail. ``check_in_by_reply`` does the same by
sender address alone, for a door that has no token.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from casewell.offices.models import Office, User
from casewell.offices.tenancy import bind_office
from casewell.people.phones import normalise_phone
from casewell.safety import services
from casewell.safety.ladder import ladder_for
from casewell.safety.models import InboundCheckIn, LoneWorkingSession, SafetySettings
from casewell.safety.signing import SIGNATURE_HEADER, is_signed_by, signature_for

__all__ = [
    "SIGNATURE_HEADER",
    "answer_reminder_reply",
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


# --- Replies to check-in reminders -------------------------------------------------------------

# "[check-in 42-0123456789abcdef]" in the subject; "check-in.42.0123456789abcdef." in a Message-ID.
_TAG_IN_SUBJECT = re.compile(r"\[check-in (?P<session>\d{1,12})-(?P<token>[0-9a-f]{16})\]", re.I)
_TAG_IN_ID = re.compile(r"check-in\.(?P<session>\d{1,12})\.(?P<token>[0-9a-f]{16})\.", re.I)


def reply_token(session_id: int) -> str:
    """The session's reply token: only Casewell can make it (keyed with the site's secret)."""
    return salted_hmac("casewell.safety.check-in-reply", str(session_id)).hexdigest()[:16]


def reminder_subject_tag(session: LoneWorkingSession) -> str:
    return f"[check-in {session.pk}-{reply_token(session.pk)}]"


def reminder_message_id(session: LoneWorkingSession) -> str:
    """A fresh Message-ID for one reminder, naming the session and its token."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "casewell.invalid"
    return f"<check-in.{session.pk}.{reply_token(session.pk)}.{secrets.token_hex(6)}@{domain}>"


def _reminder_named(*texts: str) -> int | None:
    """The session a reply names with a genuine token, or None. No query."""
    for text in texts:
        for pattern in (_TAG_IN_SUBJECT, _TAG_IN_ID):
            for found in pattern.finditer(text or ""):
                session_id = int(found["session"])
                if hmac.compare_digest(found["token"].lower(), reply_token(session_id)):
                    return session_id
    return None


def answer_reminder_reply(
    office_id: int,
    *,
    sender: str,
    subject: str,
    in_reply_to: str = "",
    references: str = "",
    text: str = "",
    message_id: str = "",
    automatic: bool = False,
) -> Reply | None:
    """For the inbox, about each message it places: is this a reply to a check-in reminder?

    None (ordinary mail) unless the message names a session of ``office_id`` with its
    genuine reply token, comes from that session's worker's own address, and is not an
    automatic reply (an out-of-office answer to a reminder must never check anyone in).
    Otherwise requires nothing more and causes, as for ``check_in_by_reply``: the check-in
    of the worker's running session (with the duress PIN, the silent alarm too), a record
    of the message id, and the answer e-mailed to the worker, the same with or without the
    PIN. Costs no query for ordinary mail.
    """
    if automatic:
        return None
    session_id = _reminder_named(subject, in_reply_to, references)
    if session_id is None:
        return None
    address = (sender or "").strip()
    with bind_office(office_id):
        session = (
            LoneWorkingSession.objects.filter(pk=session_id).select_related("worker").first()
        )
        worker = session.worker if session is not None else None
        if worker is None or not worker.is_active or worker.email.lower() != address.lower():
            return None
        seen = bool(message_id) and InboundCheckIn.objects.filter(
            channel=InboundCheckIn.Channel.EMAIL, message_id=message_id[:200]
        ).exists()
    first_line = next((line for line in (text or "").splitlines() if line.strip()), "")
    reply = _once(
        office_id,
        InboundCheckIn.Channel.EMAIL,
        message_id,
        address,
        lambda: _answer(worker, first_line),
    )
    if not seen:
        from casewell.safety.tasks import send_check_in_answer

        with bind_office(office_id):
            send_check_in_answer.enqueue(worker.pk, subject[:200], message_id[:200], reply.text)
    return reply
