"""Operations on incoming mail: keep it, read it, quarantine what cannot be read, retry.

Nothing is lost: ``receive_raw`` commits the encrypted bytes (and the office's reading
job, unless one is already waiting) before the door that received the message answers;
reading can fail, and then the raw message is quarantined with a reason and can be
retried, but it is never dropped. The reading job reads everything waiting in batches,
each kept in one transaction, so mail arriving in bulk costs one job, not one per
message. Receiving the same bytes twice keeps them once. A message that arrives again
with the same Message-ID and content (a copy fetched over IMAP that also came by SMTP,
so only its Received headers differ) is kept as a raw message in state "duplicate"
pointing to the Message already made, not read into a second Message.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.compat import Task

from casewell.files.keys import office_key
from casewell.files.services import TamperedFile, read_bytes, read_stored_bytes, store_files
from casewell.files.storage import encrypt_bytes, new_storage_name, path_for, write_encrypted
from casewell.inbox import parsing, placing
from casewell.inbox.models import (
    Door,
    InboxAddress,
    Message,
    MessageAttachment,
    RawMessage,
    RawState,
)
from casewell.inbox.raw_queries import (
    claim_batch,
    committed_to_disk,
    count_attempt,
    insert_raw_message,
    jobs_reading,
    kept_before,
    locked_raw_message,
    mark_parsed,
    mark_parsed_many,
    office_of,
    offices_with_mail_waiting,
    originals_of,
    raw_messages_to_read,
    started_and_left,
)
from casewell.inbox.subjects import subject_key
from casewell.jobs.services import enqueue_unless_waiting, live_jobs
from casewell.offices.audit import created_in_bulk, record_event
from casewell.offices.models import Office, User
from casewell.offices.tenancy import across_all_offices, bind_office, current_actor
from casewell.wellbeing import services as wellbeing

logger = logging.getLogger("casewell.inbox")

RAW_CONTENT_TYPE = "message/rfc822"
# A message whose reading was started this many times without finishing is quarantined.
MOST_UNFINISHED_READS = 3
# Messages read together in one transaction: enough to share its cost, few enough that
# the receiver and pages waiting to write are not kept waiting long, and (each read
# whole into memory) no more mail than a worker can hold a few times over.
READING_BATCH = 50
READING_BATCH_BYTES = 32 * 1024 * 1024


def office_for_address(address: str) -> Office | None:
    """The office whose inbox ``address`` delivers to, or None (the receiver then refuses it)."""
    wanted = address.strip().lower()
    if not wanted:
        return None
    with across_all_offices():
        found = (
            InboxAddress.all_offices.filter(address=wanted).select_related("office").first()
        )
    return found.office if found is not None else None


def add_inbox_address(office: Office, address: str) -> InboxAddress:
    """Route mail for ``address`` to ``office``. ValidationError if another office has it."""
    wanted = address.strip().lower()
    if "@" not in wanted:
        raise ValidationError({"address": "Enter an e-mail address, like casework@example.org."})
    with across_all_offices():
        taken = InboxAddress.all_offices.filter(address=wanted).exclude(office=office).exists()
    if taken:
        raise ValidationError({"address": f"{wanted} already delivers to another office."})
    with bind_office(office, actor=current_actor()), transaction.atomic():
        found, _ = InboxAddress.objects.get_or_create(address=wanted)
        return found


# Doors through which mail already kept comes round again as a matter of course (a
# mailbox read again, a folder imported twice): there the bytes are looked for before
# they are written. Through the others a message is nearly always new, and asking first
# would cost every message a query: a repeat is recognised as it is inserted, and its
# file removed.
DOORS_THAT_REPEAT = frozenset({Door.IMAP, Door.IMPORT})


def receive_raw(office: Office, raw: bytes, *, door: str, source: str = "") -> RawMessage:
    """Keep one message's bytes, encrypted, and wake the job that reads them.

    Requires: ``door`` one of Door's values. Safe from any thread or process.
    Causes: the encrypted file, its StoredFile row and the RawMessage, the rows
    committed before this returns (outside a caller's transaction), so the caller may
    answer "received"; then, unless one is waiting, the office's reading job. The same
    bytes for the same office give back the RawMessage already kept (nothing new is
    kept).
    """
    return keep_raw(office, raw, door=door, source=source)[0]


def keep_raw(
    office: Office, raw: bytes, *, door: str, source: str = ""
) -> tuple[RawMessage, bool]:
    """``receive_raw``, also saying whether the bytes were new (False: kept before)."""
    if door not in Door.values:
        raise ValueError(f"Unknown door {door!r}: one of {', '.join(Door.values)}.")
    digest = hashlib.sha256(raw).hexdigest()
    if door in DOORS_THAT_REPEAT:
        with bind_office(office):
            existing = kept_before(office.pk, digest) and (
                RawMessage.objects.filter(sha256=digest).first()
            )
        if existing:
            return existing, False
    storage_name = new_storage_name()
    encrypted, path = None, None
    if len(raw) <= parsing.Limits.from_settings().max_bytes:
        # Kept in the database, committed with its rows: no file to create and flush
        # first, which took as long again as the commit.
        encrypted = encrypt_bytes(office_key(office.pk), storage_name, raw)
    else:
        # Larger than Casewell reads, kept only to be quarantined: on disk, so the
        # database never holds a message of any size. Written before the rows that name
        # it are committed (a crash between leaves an orphan file, which the files sweep
        # removes, never a row without its bytes).
        path = path_for(office.pk, storage_name)
        write_encrypted(path, office_key(office.pk), storage_name, [raw])
    try:
        # Committed, and on disk, when this returns: the sender is then told the message
        # is received. (On PostgreSQL, in one statement: see insert_raw_message.)
        with committed_to_disk():
            message, reader_waiting = insert_raw_message(
                office.pk, digest=digest, size=len(raw), door=door, source=source[:2000],
                storage_name=storage_name, encrypted=encrypted, content_type=RAW_CONTENT_TYPE,
                received_at=timezone.now(), reader=_reading_job(),
            )  # fmt: skip
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    if message is None:
        # Kept before (the door did not ask first), or at the same moment by another door
        # or thread.
        if path is not None:
            path.unlink(missing_ok=True)
        with bind_office(office):
            return RawMessage.objects.get(sha256=digest), False
    if not reader_waiting:
        # After the commit. Should this fail, the message is kept all the same, and the
        # minute's sweep wakes a reader for it.
        with transaction.atomic():
            wake_reader(office.pk)
    return message, True


def raw_bytes(raw_message: RawMessage) -> bytes:
    """The message's bytes exactly as received (TamperedFile if the stored copy was changed)."""
    return read_bytes(raw_message.stored_file)


def _quarantine(raw_message: RawMessage, reason: str) -> None:
    raw_message.state = RawState.QUARANTINED
    raw_message.quarantine_reason = reason
    raw_message.parsed_at = timezone.now()
    raw_message.save(update_fields=["state", "quarantine_reason", "parsed_at", "attempts"])
    logger.warning("Quarantined raw message %s: %s", raw_message.pk, reason)


def read_raw_message(raw_message_id: int, office_id: int | None = None) -> str:
    """Read one stored raw message into a Message (and its attachments), or quarantine it.

    ``office_id`` is the raw message's office when the caller knows it, saving a look-up
    across offices. Idempotent: a raw message no longer in state "stored" is left alone,
    so a job run twice (its first worker died) reads it once. Causes: the Message
    (audited), stored attachments, or a quarantine reason; then placing (threading,
    matching) of the new Message. Returns what happened, in a word.
    """
    if office_id is None:
        office_id = office_of(raw_message_id)
        if office_id is None:
            return "gone"
    with bind_office(office_id):
        # Counted before reading, and committed: a message whose reading kills the worker
        # (it exhausts memory, say) is counted each time, and quarantined, not retried for ever.
        started = count_attempt(raw_message_id, office_id)
    if not started:
        return "already read" if office_of(raw_message_id) == office_id else "gone"
    # On PostgreSQL binding already opened the transaction: no savepoint inside it.
    with bind_office(office_id), transaction.atomic(savepoint=False):
        raw_message = locked_raw_message(raw_message_id, office_id)
        if raw_message is None or raw_message.state != RawState.STORED:
            return "already read"
        if raw_message.attempts > MOST_UNFINISHED_READS:
            _quarantine(
                raw_message,
                f"Reading this message was started {raw_message.attempts - 1} times and never "
                "finished (whatever was reading it stopped each time): it may be too large or "
                "too strangely built to read. Its bytes are kept; retry it.",
            )
            return "quarantined"
        kept: list[Message] = []
        outcome = _keep_reading(raw_message, _parsed_or_reason(raw_message), kept)
        _score(office_id, kept)
        return outcome


def read_waiting_mail(office_id: int, job_id: str) -> dict[str, int]:
    """Read all the office's mail waiting to be read, a batch at a time (the reading job).

    ``job_id`` names this run of the job; a job run again after its worker died has the
    same id. Messages a reading job started and never finished are read one at a time,
    so that a message that kills whatever reads it is quarantined alone: those this
    job left, and those of jobs no longer queued or running. Returns how many messages
    had each outcome ("parsed", "duplicate", "quarantined", "already read").
    """
    outcomes: Counter[str] = Counter()
    with bind_office(office_id):
        others = jobs_reading(office_id) - {job_id}
        left = started_and_left(office_id, [job_id, *(others - live_jobs(others))])
    for raw_message_id in left:
        outcomes[read_raw_message(raw_message_id, office_id)] += 1
    while True:
        with bind_office(office_id):
            batch = claim_batch(office_id, job_id, READING_BATCH, READING_BATCH_BYTES)
        if not batch:
            return dict(+outcomes)
        outcomes.update(_read_batch(office_id, batch))


def _read_batch(office_id: int, ids: list[int]) -> Counter[str]:
    """Read the claimed messages, parsed before and kept together in one transaction."""
    with bind_office(office_id):
        readings = [
            (raw_message.pk, _parsed_or_reason(raw_message))
            for raw_message in raw_messages_to_read(ids, office_id, contents=True)
        ]
    outcomes: Counter[str] = Counter()
    kept: list[Message] = []
    with bind_office(office_id), transaction.atomic(savepoint=False):
        locked = {raw.pk: raw for raw in raw_messages_to_read(ids, office_id)}
        parsed: list[tuple[RawMessage, parsing.ParsedMessage]] = []
        for raw_message_id, reading in readings:
            raw_message = locked.get(raw_message_id)
            if raw_message is None or raw_message.state != RawState.STORED:
                outcomes["already read"] += 1
            elif isinstance(reading, str):
                outcomes[_keep_reading(raw_message, reading, kept)] += 1
            else:
                parsed.append((raw_message, reading))
        try:
            with transaction.atomic():
                outcomes.update(_keep_many(office_id, parsed, kept))
        except Exception:  # noqa: BLE001 - each is kept (or quarantined) on its own instead
            logger.exception("Keeping a batch of raw messages together failed")
            kept.clear()
            for raw_message, reading in parsed:
                outcomes[_keep_reading(raw_message, reading, kept)] += 1
        _score(office_id, kept)
    return outcomes


def _keep_many(
    office_id: int, readings: list[tuple[RawMessage, parsing.ParsedMessage]], kept: list[Message]
) -> Counter[str]:
    """``_keep_parsed`` for many messages at once: the Messages and their audit entries
    each inserted in one statement, the raw messages marked read in one. Copies of a
    message already here, or earlier in the batch, are duplicates."""
    originals: dict[tuple[str, str], Message | int] = dict(
        originals_of(office_id, [parsed.message_id for _, parsed in readings if parsed.message_id])
    )
    new: list[tuple[RawMessage, parsing.ParsedMessage, Message]] = []
    copies: list[tuple[RawMessage, tuple[str, str]]] = []
    for raw_message, parsed in readings:
        key = (parsed.message_id, parsed.fingerprint)
        if parsed.message_id and key in originals:
            copies.append((raw_message, key))
            continue
        message = _new_message(raw_message, parsed)
        new.append((raw_message, parsed, message))
        if parsed.message_id:
            originals[key] = message
    created_in_bulk(Message, [message for _, _, message in new])
    now = timezone.now()
    _keep_attachments(office_id, [(message, parsed) for _, parsed, message in new])
    mark_parsed_many(office_id, [raw_message.pk for raw_message, _, _ in new], now)
    for raw_message, key in copies:
        original = originals[key]
        original_id = original.pk if isinstance(original, Message) else original
        _mark_duplicate(raw_message, original_id, now)
    batch = placing.batch_for(office_id, [message for _, _, message in new])
    for _, _, message in new:
        # No savepoint each (two round trips a message on PostgreSQL): a message that
        # cannot be placed fails the batch, whose messages are then kept one at a time.
        placing.place(message, batch)
        kept.append(message)
    return Counter(parsed=len(new), duplicate=len(copies))


def _score(office_id: int, messages: list[Message]) -> None:
    """Score the new messages for distress, all at once (protected reading)."""
    wellbeing.score_new_items(
        office_id, wellbeing.ItemKind.MESSAGE,
        [(message.pk, f"{message.subject}\n{message.text_body}") for message in messages],
    )  # fmt: skip


def _parsed_or_reason(raw_message: RawMessage) -> parsing.ParsedMessage | str:
    """The message read from its stored bytes, or why it cannot be (a quarantine reason)."""
    try:
        # raw_messages_to_read brought its encrypted bytes (or, if on disk, its file's name).
        data = read_stored_bytes(
            raw_message.office_id, raw_message.stored_name, raw_message.sha256,
            raw_message.stored_encrypted,
        )  # fmt: skip
    except TamperedFile as problem:
        return f"The stored copy of this message cannot be read: {problem}"
    try:
        return parsing.parse_message(data)
    except parsing.Unreadable as problem:
        return str(problem)
    except Exception as problem:  # noqa: BLE001 - any failure quarantines, nothing is lost
        logger.exception("Reading raw message %s failed", raw_message.pk)
        return parsing.reason_for_failure(problem)


def _keep_reading(
    raw_message: RawMessage, reading: parsing.ParsedMessage | str, kept: list[Message]
) -> str:
    """Keep what reading gave (a Message, added to ``kept``, or the raw message quarantined).
    Requires the raw message locked and still waiting."""
    if isinstance(reading, str):
        _quarantine(raw_message, reading)
        return "quarantined"
    try:
        with transaction.atomic():
            return _keep_parsed(raw_message, reading, kept)
    except Exception as problem:  # noqa: BLE001 - as above: quarantined, retryable
        logger.exception("Keeping raw message %s failed", raw_message.pk)
        _quarantine(
            raw_message, "The message was read but could not be saved: " + parsing.describe(problem)
        )
        return "quarantined"


def wake_reader(office_id: int) -> None:
    """Make sure a job will read the office's waiting mail, committed already or in the
    caller's transaction. Requires a transaction: see
    ``jobs.services.enqueue_unless_waiting``."""
    enqueue_unless_waiting(_reading_job(), office_id)


def _reading_job() -> Task:
    from casewell.inbox.tasks import read_waiting_mail  # it calls this module's

    return read_waiting_mail


def wake_readers_for_waiting_mail(received_before: datetime) -> int:
    """Wake the reader of every office with mail waiting since before then; how many.

    A safety net, run every minute: a reading job that failed for good, or a wake lost
    some other way, leaves mail waiting, never lost."""
    offices = offices_with_mail_waiting(received_before)
    for office_id in offices:
        with bind_office(office_id), transaction.atomic(savepoint=False):
            wake_reader(office_id)
    return len(offices)


def _duplicate_of(parsed: parsing.ParsedMessage) -> Message | None:
    if not parsed.message_id:
        return None
    return (
        Message.objects.filter(message_id=parsed.message_id, fingerprint=parsed.fingerprint)
        .order_by("pk")
        .first()
    )


def _keep_parsed(
    raw_message: RawMessage, parsed: parsing.ParsedMessage, kept: list[Message]
) -> str:
    now = timezone.now()
    original = None
    try:
        with transaction.atomic():
            message = _new_message(raw_message, parsed)
            message.save()
            _keep_attachments(message.office_id, [(message, parsed)])
    except IntegrityError:
        # A Message with the same Message-ID and content is already here (read from a
        # copy that came by another door): the unique constraint says so, no query needed.
        original = _duplicate_of(parsed)
        if original is None:
            raise
    if original is not None:
        _mark_duplicate(raw_message, original.pk, now)
        return "duplicate"
    mark_parsed(raw_message, now)
    _place(message)
    kept.append(message)
    return "parsed"


def _mark_duplicate(raw_message: RawMessage, original_id: int, now: datetime) -> None:
    raw_message.state = RawState.DUPLICATE
    raw_message.duplicate_of_id = original_id
    raw_message.parsed_at = now
    raw_message.save(update_fields=["state", "duplicate_of", "parsed_at", "attempts"])


def _new_message(raw_message: RawMessage, parsed: parsing.ParsedMessage) -> Message:
    """The Message read from ``raw_message``, not yet saved."""
    bounced = None
    if parsed.bounced_message_id:
        bounced = (
            Message.objects.filter(message_id=parsed.bounced_message_id).order_by("pk").first()
        )
    return Message(
        office_id=raw_message.office_id,
        raw=raw_message,
        message_id=parsed.message_id,
        fingerprint=parsed.fingerprint,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        to=parsed.to,
        cc=parsed.cc,
        subject=parsed.subject,
        # As Message.save sets it: a batch is inserted without calling save.
        thread_subject=subject_key(parsed.subject),
        sent_at=parsed.sent_at,
        text_body=parsed.text_body,
        html_body=parsed.html_body,
        kind=parsed.kind,
        parse_notes=parsed.notes,
        bounced_message=bounced,
        returned_message_id=parsed.bounced_message_id,
        created_at=raw_message.received_at,
    )


def _keep_attachments(
    office_id: int, messages: list[tuple[Message, parsing.ParsedMessage]]
) -> None:
    """Keep the messages' attachments: the accepted kinds stored (together), the rest
    recorded as withheld with the reason; every attachment's row inserted together."""
    rows: list[MessageAttachment] = []
    uploads: list[tuple[MessageAttachment, ContentFile]] = []
    for message, parsed in messages:
        for position, attachment in enumerate(parsed.attachments):
            row = MessageAttachment(
                office_id=office_id,
                message=message,
                filename=attachment.filename[:255],
                content_type=attachment.content_type[:255],
                size=len(attachment.data),
                is_inline=attachment.is_inline,
                content_id=attachment.content_id[:998],
                position=position,
            )
            rows.append(row)
            if attachment.data:
                uploads.append((row, ContentFile(attachment.data, name=attachment.filename)))
            else:
                row.withheld_reason = f"{attachment.filename} is empty."
    if not rows:
        return
    if uploads:
        office = Office.objects.get(pk=office_id)
        for (row, _), stored in zip(
            uploads, store_files(office, [upload for _, upload in uploads]), strict=True
        ):
            if isinstance(stored, ValidationError):
                row.withheld_reason = " ".join(stored.message_dict.get("file", [str(stored)]))
            else:
                row.stored_file = stored
    created_in_bulk(MessageAttachment, rows)


def _place(message: Message) -> None:
    """Thread, match, suggest and group the new message (``casewell.inbox.placing``).

    A failure to place never loses the message: it stays in triage, with a note.
    """
    try:
        with transaction.atomic():
            placing.place(message)
    except Exception as problem:  # noqa: BLE001 - the message is kept; a person places it
        logger.exception("Placing message %s failed", message.pk)
        message.parse_notes = [
            *message.parse_notes,
            "Could not be placed automatically: " + parsing.describe(problem),
        ]
        Message.objects.filter(pk=message.pk).update(parse_notes=message.parse_notes)


def retry_quarantined(raw_message: RawMessage, *, by: User | None = None) -> RawMessage:
    """Read a quarantined message again (after a fix, or a raised limit).

    Requires: the raw message in state "quarantined" (ValidationError otherwise).
    Causes: state back to "stored", the parse job queued, an audit entry.
    """
    with bind_office(raw_message.office_id, actor=by or current_actor()), transaction.atomic():
        locked = RawMessage.objects.select_for_update().get(pk=raw_message.pk)
        if locked.state != RawState.QUARANTINED:
            raise ValidationError({"state": "Only a quarantined message can be retried."})
        reason = locked.quarantine_reason
        locked.state = RawState.STORED
        locked.attempts = 0  # counts the tries since this retry
        locked.save(update_fields=["state", "attempts"])
        record_event(
            locked.office_id,
            "inbox.retry",
            subject=locked,
            detail=f"Retried a quarantined message (it had been quarantined: {reason[:500]})",
        )
        from casewell.inbox.tasks import read_raw_message as read_job

        read_job.enqueue(locked.pk, locked.office_id)
        return locked


def quarantined_messages(office: Office) -> list[RawMessage]:
    with bind_office(office):
        return list(
            RawMessage.objects.filter(state=RawState.QUARANTINED).order_by("-received_at", "-pk")
        )

