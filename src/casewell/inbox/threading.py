"""Which case a message belongs to, asked in the order that is surest first.

1. A case reference in the subject (``[NR-2026-00042]``, or typed bare with the
   office's own prefix), naming a case of this office. A reference to a case
   that does not exist is ignored, and another office's case is never joined,
   even when the two offices share a prefix: the lookup is inside the
   message's office (which also finds cases opened under a former prefix).
2. In-Reply-To and References naming a message we stored (a bounce: the
   message it bounces), when that message is on a case, or an e-mail we sent
   from a case (``inbox.sending``).
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

from casewell.cases.models import Case
from casewell.inbox import placing_queries as queries
from casewell.inbox.models import Message
from casewell.inbox.subjects import BRACKETED_REFERENCE as _ANY_REFERENCE
from casewell.inbox.subjects import normalise_subject, subject_key

THREAD_WINDOW_DAYS = 30
# Earlier messages looked at for step 3, newest first: a sender writing more than this
# within the window is rare, and comparing them must stay cheap.
MAX_EARLIER_MESSAGES = 200
# A hostile References header can name thousands of messages; the newest few are enough.
MAX_REFERENCES = 50

BY_REFERENCE = "case reference in the subject"
BY_REPLY = "reply to a message on the case"
BY_REPLY_TO_SENT = "reply to an e-mail sent from the case"
BY_BOUNCE = "bounce of a message on the case"
BY_SUBJECT = "same sender and subject"
BY_CC_SUBJECT = "reply from someone in Cc, same subject"

@dataclass(frozen=True)
class Thread:
    """Where threading put a message: a case and how it was found, or nothing (triage)."""

    case_id: int | None = None
    how: str = ""

    @property
    def case(self) -> Case | None:
        """The case itself (read from the database; placing needs only the id)."""
        if self.case_id is None:
            return None
        return Case.all_offices.get(pk=self.case_id)


NO_THREAD = Thread()


def window_days() -> int:
    return int(getattr(settings, "INBOX_THREAD_WINDOW_DAYS", THREAD_WINDOW_DAYS))


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


class OnCasesAnswered:
    """The stored messages on cases that new messages answer (their In-Reply-To or
    References), read in one query: for one message, or a batch placed in turn (its own
    messages added as they are placed onto cases)."""

    def __init__(self, office_id: int, messages: list[Message]) -> None:
        wanted = {
            message_id for message in messages for message_id in referenced_message_ids(message)
        }
        self.rows: dict[str, list[tuple[int, int]]] = {}
        for pk, message_id, case_id in queries.on_cases_with_message_ids(
            office_id, sorted(wanted)
        ):
            self.rows.setdefault(message_id, []).append((pk, case_id))

    def placed_on_case(self, message: Message) -> None:
        if message.case_id is not None and message.message_id:
            self.rows.setdefault(message.message_id, []).append((message.pk, message.case_id))

    def case_answered(self, message: Message, ids: list[str]) -> int | None:
        """The case of the first of ``ids`` (the Message-IDs ``message`` answers) that is
        on one (of several stored with that Message-ID, the latest), itself left out."""
        for message_id in ids:
            stored = [row for row in self.rows.get(message_id, ()) if row[0] != message.pk]
            if stored:
                return max(stored)[1]
        return None


class OnCases:
    """What a batch of new messages may join, read once for them all."""

    def __init__(self, office_id: int, messages: list[Message]) -> None:
        self.answered = OnCasesAnswered(office_id, messages)
        self.by_subject = OnCasesBySubject(office_id, messages)

    def placed_on_case(self, message: Message) -> None:
        self.answered.placed_on_case(message)
        self.by_subject.placed_on_case(message)


class OnCasesBySubject:
    """The messages on cases that new messages may join by sender and subject, read in one
    query: for one message, or a batch placed in turn (its own messages added as they are
    placed onto cases; mail another worker commits meanwhile is seen by the next batch,
    as if it had arrived after this one)."""

    def __init__(self, office_id: int, messages: list[Message]) -> None:
        wanted = [
            (message, sender, subject_key(message.subject))
            for message in messages
            if (sender := (message.from_address or "").strip().lower())
            and normalise_subject(message.subject)
        ]
        self.rows: dict[str, list[queries.OnCase]] = {}
        if not wanted:
            return
        moments = [moment_of(message) for message, _, _ in wanted]
        for row in queries.on_cases_with_subjects(
            office_id,
            subject_keys=sorted({key for _, _, key in wanted}),
            senders=sorted({sender for _, sender, _ in wanted}),
            start=min(moments) - timedelta(days=window_days()),
            end=max(moments),
        ):
            self.rows.setdefault(row.subject_key, []).append(row)

    def placed_on_case(self, message: Message) -> None:
        if message.case_id is None:
            return
        self.rows.setdefault(message.thread_subject, []).append(
            queries.OnCase(
                message.pk, message.thread_subject, message.subject, message.from_address,
                message.cc, message.case_id, message.sent_at or message.created_at,
            )
        )  # fmt: skip

    def earlier(
        self, message: Message, sender: str, start: datetime, end: datetime
    ) -> list[tuple[str, str, object, int]]:
        """(subject, sender, cc, case id) of those ``message`` may join, written between
        ``start`` and ``end`` by ``sender`` or with them in Cc, newest first."""
        found = sorted(
            (
                row
                for row in self.rows.get(subject_key(message.subject), ())
                if start <= row.moment <= end
                and row.id != message.pk
                and ((row.from_address or "").strip().lower() == sender
                     or sender in addresses_in(row.cc))
            ),
            key=lambda row: (row.moment, row.id),
            reverse=True,
        )  # fmt: skip
        return [
            (row.subject, row.from_address, row.cc, row.case_id)
            for row in found[:MAX_EARLIER_MESSAGES]
        ]


def find_thread(
    message: Message, prefix: str | None = None, on_cases: OnCases | None = None
) -> Thread:
    """The case ``message`` belongs to and why, or ``NO_THREAD``. Reads only; changes nothing.

    ``prefix`` is the office's case reference prefix (read when not given); ``on_cases``
    when the message is one of a batch being placed.
    Requires the message's office to be bound (the parse job binds it).
    """
    if prefix is None:
        prefix = queries.office_facts(message.office_id).reference_prefix
    case_id = _by_reference(message, prefix)
    if case_id is not None:
        return Thread(case_id, BY_REFERENCE)
    thread = _by_reply(message, on_cases.answered if on_cases else None)
    if thread.case_id is not None:
        return thread
    return _by_sender_and_subject(message, on_cases.by_subject if on_cases else None)


def _by_reference(message: Message, prefix: str) -> int | None:
    references = case_references_in(message.subject, prefix)
    cases = queries.case_ids_by_reference(message.office_id, references)
    return next((cases[reference] for reference in references if reference in cases), None)


def _by_reply(message: Message, answered: OnCasesAnswered | None = None) -> Thread:
    if message.bounced_message_id:
        case_id = queries.case_of_message(message.office_id, message.bounced_message_id)
        if case_id:
            return Thread(case_id, BY_BOUNCE)
    ids = referenced_message_ids(message)
    if not ids:
        return NO_THREAD
    if answered is None:
        answered = OnCasesAnswered(message.office_id, [message])
    case_id = answered.case_answered(message, ids)
    if case_id is not None:
        return Thread(case_id, BY_REPLY)
    # Ours carry "casewell." (inbox.sending): only then is the e-mail we sent looked for.
    ours = [message_id for message_id in ids if message_id.startswith("casewell.")]
    sent = queries.cases_of_sent_message_ids(message.office_id, ours)
    for message_id in ours:
        if message_id in sent:
            return Thread(sent[message_id], BY_REPLY_TO_SENT)
    return NO_THREAD


def _by_sender_and_subject(message: Message, on_cases: OnCasesBySubject | None = None) -> Thread:
    sender = (message.from_address or "").strip().lower()
    subject = normalise_subject(message.subject)
    if not sender or not subject:
        return NO_THREAD
    moment = moment_of(message)
    # The database finds earlier messages by their stored subject key (indexed); each
    # subject found is then normalised and compared whole, here.
    if on_cases is None:
        on_cases = OnCasesBySubject(message.office_id, [message])
    earlier = on_cases.earlier(message, sender, moment - timedelta(days=window_days()), moment)
    for earlier_subject, earlier_sender, earlier_cc, case_id in earlier:
        if normalise_subject(earlier_subject) != subject:
            continue
        if (earlier_sender or "").strip().lower() == sender:
            return Thread(case_id, BY_SUBJECT)
        if sender in addresses_in(earlier_cc):
            return Thread(case_id, BY_CC_SUBJECT)
    return NO_THREAD
