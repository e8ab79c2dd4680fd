"""Which case a message belongs to, asked in the order that is surest first.

1. A case reference in the subject (``[NR-2026-00042]``, or typed bare with the
   office's own prefix), naming a case of this office. A reference to a case
   that does not exist is ignored, and another office's case is never joined,
   even when the two offices share a prefix: the lookup is inside the
   message's office (which also finds cases opened under a former prefix).
2. In-Reply-To and References naming a message we stored (a bounce: the
   message it bounces), when that message is on a case.
3. The same sender, or someone who was in Cc of the earlier message, with the
   same subject once "Re:", "Fwd:", "AW:", "[EXTERNAL]" and the like are
   taken off, within ``INBOX_THREAD_WINDOW_DAYS`` (30) of the earlier one.

Otherwise the message waits in the office's inbox for triage. Threading never
opens a case: a person decides that, so auto-replies and bounces can join the
thread they answer but never start one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import Q, TextField
from django.db.models.functions import Cast, Coalesce

from casewell.cases.models import Case
from casewell.inbox.models import Message

THREAD_WINDOW_DAYS = 30
# Earlier messages looked at for step 3, newest first: a sender writing more than this
# within the window is rare, and the query must stay cheap.
MAX_EARLIER_MESSAGES = 200
# A hostile References header can name thousands of messages; the newest few are enough.
MAX_REFERENCES = 50

BY_REFERENCE = "case reference in the subject"
BY_REPLY = "reply to a message on the case"
BY_BOUNCE = "bounce of a message on the case"
BY_SUBJECT = "same sender and subject"
BY_CC_SUBJECT = "reply from someone in Cc, same subject"

# Prefixes mail programs put before a subject, in several languages, and the
# "external sender" warnings organisations add; repeated and mixed ("RE: Fwd: AW:").
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:"
    r"(?:re|fwd?|aw|wg|sv|vs|vb|antw|rif|r|tr|res|odp|ynt|enc|doorst)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]"
    r"|\[\s*external\s*\]|\(\s*external\s*\)|\*+\s*external\s*\*+|external\s*:"
    r"|(?:automatic\s+reply|auto(?:matic)?[- ]?reply|out\s+of\s+(?:the\s+)?office"
    r"|undeliverable|delivery\s+status\s+notification\s*\(failure\))\s*:"
    r")\s*",
    re.IGNORECASE,
)
_ANY_REFERENCE = re.compile(r"\[\s*([A-Za-z0-9]{1,8})-(\d{4})-(\d{1,9})\s*\]")


@dataclass(frozen=True)
class Thread:
    """Where threading put a message: a case and how it was found, or nothing (triage)."""

    case: Case | None = None
    how: str = ""


NO_THREAD = Thread()


def window_days() -> int:
    return int(getattr(settings, "INBOX_THREAD_WINDOW_DAYS", THREAD_WINDOW_DAYS))


def normalise_subject(subject: str) -> str:
    """The subject as threading compares it: reply and forward prefixes, external-sender
    warnings and case references gone, spaces folded, case folded.

    >>> normalise_subject("RE: Fwd: [EXTERNAL]  Damp  in my flat")
    'damp in my flat'
    """
    text = _ANY_REFERENCE.sub(" ", subject or "")
    while True:
        shorter = _SUBJECT_PREFIX.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=256)
def _reference_pattern(prefix: str) -> re.Pattern[str]:
    # Bracketed as Casewell writes it, or bare when someone typed it in by hand.
    return re.compile(
        rf"(?<![\w-]){re.escape(prefix)}-(\d{{4}})-(\d{{1,9}})(?![\w-])", re.IGNORECASE
    )


def case_references_in(subject: str, prefix: str) -> list[str]:
    """Case references in a subject, in standard form: the office's own prefix first, then
    any other bracketed ones (a case opened before the office changed its prefix)."""
    if not subject:
        return []
    found: list[str] = []
    if prefix:
        for year, number in _reference_pattern(prefix).findall(subject):
            found.append(f"{prefix}-{year}-{int(number):05d}")
    for other_prefix, year, number in _ANY_REFERENCE.findall(subject):
        found.append(f"{other_prefix.upper()}-{year}-{int(number):05d}")
    return list(dict.fromkeys(found))


def referenced_message_ids(message: Message) -> list[str]:
    """Message-IDs the message answers: In-Reply-To first, then References newest first."""
    ids: list[str] = []
    for text in [message.in_reply_to, *reversed((message.references or "").split())]:
        for part in (text or "").split():
            message_id = part.strip().strip("<>").lower()
            if message_id and message_id != message.message_id and message_id not in ids:
                ids.append(message_id)
    return ids[:MAX_REFERENCES]


def addresses_in(people: object) -> set[str]:
    """The lower-cased addresses of a to/cc list as stored (``[{"name", "address"}]``)."""
    found: set[str] = set()
    if isinstance(people, list):
        for entry in people:
            if isinstance(entry, dict):
                address = str(entry.get("address") or "").strip().lower()
            else:
                address = str(entry).strip().lower()
            if address:
                found.add(address)
    return found


def moment_of(message: Message) -> datetime:
    """When the message was written, as far as we can trust it: its date, unless that is
    later than its arrival (a wrong clock), else when it arrived."""
    if message.sent_at and (message.created_at is None or message.sent_at <= message.created_at):
        return message.sent_at
    return message.created_at


def find_thread(message: Message) -> Thread:
    """The case ``message`` belongs to and why, or ``NO_THREAD``. Reads only; changes nothing.

    Requires the message's office to be bound (the parse job binds it).
    """
    case = _by_reference(message)
    if case is not None:
        return Thread(case, BY_REFERENCE)
    thread = _by_reply(message)
    if thread.case is not None:
        return thread
    return _by_sender_and_subject(message)


def _by_reference(message: Message) -> Case | None:
    references = case_references_in(message.subject, message.office.reference_prefix)
    if not references:
        return None
    cases = {
        case.reference: case
        for case in Case.all_offices.filter(office_id=message.office_id, reference__in=references)
    }
    for reference in references:
        if reference in cases:
            return cases[reference]
    return None


def _by_reply(message: Message) -> Thread:
    if message.bounced_message_id:
        case_id = (
            Message.all_offices.filter(office_id=message.office_id, pk=message.bounced_message_id)
            .values_list("case_id", flat=True)
            .first()
        )
        if case_id:
            return Thread(_case(message, case_id), BY_BOUNCE)
    ids = referenced_message_ids(message)
    if not ids:
        return NO_THREAD
    on_cases = dict(
        Message.all_offices.filter(
            office_id=message.office_id, message_id__in=ids, case__isnull=False
        )
        .exclude(pk=message.pk)
        .values_list("message_id", "case_id")
    )
    for message_id in ids:
        if message_id in on_cases:
            return Thread(_case(message, on_cases[message_id]), BY_REPLY)
    return NO_THREAD


def _by_sender_and_subject(message: Message) -> Thread:
    sender = (message.from_address or "").strip().lower()
    subject = normalise_subject(message.subject)
    if not sender or not subject:
        return NO_THREAD
    moment = moment_of(message)
    earlier = (
        Message.all_offices.filter(office_id=message.office_id, case__isnull=False)
        .exclude(pk=message.pk)
        .annotate(moment=Coalesce("sent_at", "created_at"), cc_text=Cast("cc", TextField()))
        .filter(moment__gte=moment - timedelta(days=window_days()), moment__lte=moment)
        .filter(Q(from_address=sender) | Q(cc_text__icontains=sender))
        .order_by("-moment", "-pk")
        .values_list("subject", "from_address", "cc", "case_id")[:MAX_EARLIER_MESSAGES]
    )
    for earlier_subject, earlier_sender, earlier_cc, case_id in earlier:
        if normalise_subject(earlier_subject) != subject:
            continue
        if (earlier_sender or "").strip().lower() == sender:
            return Thread(_case(message, case_id), BY_SUBJECT)
        if sender in addresses_in(earlier_cc):
            return Thread(_case(message, case_id), BY_CC_SUBJECT)
    return NO_THREAD


def _case(message: Message, case_id: int) -> Case:
    return Case.all_offices.get(office_id=message.office_id, pk=case_id)
