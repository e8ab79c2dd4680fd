"""Stored messages for the placing tests, written as the parse job would leave them.

The parser has tests of its own; these build the Message row directly so each
test says exactly which headers it depends on. ``letter`` writes realistic
bodies: a greeting, what the person wrote, a sign-off and a signature.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from casewell.cases.models import Case, Category
from casewell.cases.services import open_case
from casewell.files.models import StoredFile
from casewell.inbox.models import Message, MessageKind, RawMessage
from casewell.inbox.placing import place
from casewell.offices.models import Office, User
from casewell.offices.tenancy import bind_office

_numbers = itertools.count(1)


def letter(
    words: str,
    *,
    greeting: str = "Dear Ms Achebe,",
    sign_off: str = "Kind regards,",
    signature: Iterable[str] = ("Dan Rowe",),
    quoted: str = "",
) -> str:
    parts = [greeting, "", words, "", sign_off, *signature]
    if quoted:
        parts += ["", "On Mon, 30 Nov 2026 at 09:15, North Ridge office wrote:"]
        parts += [f"> {line}" for line in quoted.splitlines()]
    return "\n".join(parts)


def stored_message(
    office: Office,
    *,
    subject: str = "Damp in my flat",
    body: str = "",
    sender: str = "dan.rowe@example.net",
    name: str = "Dan Rowe",
    cc: Iterable[str] = (),
    message_id: str | None = None,
    in_reply_to: str = "",
    references: Iterable[str] = (),
    sent_at: datetime | None = None,
    created_at: datetime | None = None,
    kind: str = MessageKind.MESSAGE,
    bounced_message: Message | None = None,
    case: Case | None = None,
) -> Message:
    """A Message (and the raw row it was read from) as the parse job saves it; not placed."""
    number = next(_numbers)
    body = body or letter("The damp in my bedroom is worse since the landlord's visit.")
    digest = hashlib.sha256(f"{number} {subject} {body}".encode()).hexdigest()
    now = timezone.now()
    with bind_office(office):
        stored = StoredFile.objects.create(
            office=office,
            original_name="message.eml",
            content_type="message/rfc822",
            size=len(body),
            sha256=digest,
            storage_name=f"placing-test-{digest[:40]}",
        )
        raw = RawMessage.objects.create(
            office=office, sha256=digest, size=len(body), door="import", stored_file=stored
        )
        return Message.objects.create(
            office=office,
            raw=raw,
            message_id=message_id or f"placing.{number}@example.net",
            in_reply_to=in_reply_to,
            references=" ".join(references),
            from_address=sender,
            from_name=name,
            to=[{"name": "North Ridge office", "address": "casework@north.example"}],
            cc=[{"name": "", "address": address} for address in cc],
            subject=subject,
            sent_at=sent_at if sent_at is not None else now,
            text_body=body,
            kind=kind,
            bounced_message=bounced_message,
            case=case,
            created_at=created_at if created_at is not None else now,
        )


def placed(office: Office, **fields: object) -> Message:
    """A stored message after ``place``, read back with what placing set (so a test can look
    at them outside the office's binding: PostgreSQL's wall would hide them otherwise)."""
    message = stored_message(office, **fields)  # type: ignore[arg-type]
    place(message)
    with bind_office(office):
        return Message.objects.select_related(*PLACED).get(pk=message.pk)


PLACED = ("case", "person", "campaign", "suggested_category")


def category(office: Office, name: str) -> Category:
    with bind_office(office):
        return Category.objects.get(name=name, parent__isnull=True)


def a_case(user: User, summary: str = "Damp flat", category_name: str = "Housing") -> Case:
    return open_case(user, summary=summary, category=category(user.office, category_name))


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)
