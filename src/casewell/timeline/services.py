"""Operations on a case's timeline. Pages, the API and other domains call these.

Who may: anyone who may see a case may read its timeline; adding to it is
changing the case, so it follows the cases domain's rule (``may_change``:
interns and volunteers only on cases assigned to them). Someone who may not
see the case gets 404, as if it did not exist.

Other domains add to a case's timeline with ``record_status_change`` (the
workflow), ``record_email`` (the inbox) and ``record_letter`` (letters); those
are told what happened by code that has already checked permission, so they
check nothing themselves.

Incoming mail on a case is an entry standing for its inbox message
(``source="inbox.Message:<id>"``), written and moved by the inbox
(``inbox.case_timeline``) with ``record_incoming_email`` and
``move_incoming_email``. It keeps the message's rules when read: its content
warning is the message's, opening it counts as reading the message, and mail
from a person routed to a designated handler shows others only "Handled by".
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, ProtectedError
from django.http import Http404
from django.utils import timezone

from casewell.cases.models import Case
from casewell.cases.services import may_change
from casewell.files.models import StoredFile
from casewell.files.services import Upload, store_file
from casewell.files.text import readable_text
from casewell.offices.audit import log_sensitive_read
from casewell.offices.models import User
from casewell.offices.permissions import get_for, may_see
from casewell.offices.tenancy import bind_office, current_actor
from casewell.safety.handlers import hand_call_to_handler
from casewell.timeline.models import (
    INBOX_MESSAGE,
    Direction,
    EntryKind,
    TimelineAttachment,
    TimelineEntry,
)
from casewell.wellbeing import services as wellbeing
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import ExposureAction

MAX_TEXT = 20_000
MAX_DURATION_MINUTES = 24 * 60
# Clocks differ a little between a phone and the server: "now" may be a minute ahead.
FUTURE_ALLOWANCE = timedelta(minutes=5)
PER_PAGE = 25
MAX_PER_PAGE = 100


# --- Who may ------------------------------------------------------------------------------


@contextmanager
def _adding_to(user: User, case: Case) -> Iterator[Case]:
    """Check the user may add to the case, then run the block bound to its office, atomically."""
    if not getattr(user, "is_active", False) or user.is_locked:
        raise PermissionDenied("This account cannot work on cases.")
    with bind_office(user.office, actor=user), transaction.atomic():
        case = _current(user, case)
        if not may_change(user, case):
            raise PermissionDenied(
                "Interns and volunteers may add to the timeline only of cases assigned to them."
            )
        yield case


def _current(user: User, case: Case) -> Case:
    """The case as it is now (its restriction or assignee may have changed), if the user may see it.

    Call with the user's office bound.
    """
    current = Case.objects.select_related("office").filter(pk=case.pk).first()
    if current is None or not may_see(user, current):
        raise Http404("No case found.")
    return current


# --- Checking what was given -------------------------------------------------------------


def _text(value: Any, field_name: str, *, missing: str | None) -> str:
    text = "" if value is None else str(value).strip()
    if not text and missing:
        raise ValidationError({field_name: missing})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {field_name: f"Keep it to {MAX_TEXT:,} characters: it has {len(text):,}."}
        )
    return text


def _direction(value: Any, what: str) -> str:
    if value in Direction.values:
        return str(value)
    raise ValidationError({"direction": f"Choose whether the {what} was incoming or outgoing."})


def _duration(value: Any, *, required: bool, what: str) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError({"duration_minutes": f"Enter how many minutes the {what} took."})
        return None
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise ValidationError(
            {"duration_minutes": f"Enter how many minutes the {what} took, as a whole number."}
        ) from None
    if minutes < 0:
        raise ValidationError({"duration_minutes": "Minutes cannot be fewer than 0."})
    if minutes > MAX_DURATION_MINUTES:
        raise ValidationError(
            {"duration_minutes": f"A {what} cannot take more than 24 hours (1,440 minutes)."}
        )
    return minutes


def _occurred_at(value: Any, case: Case, what: str) -> datetime:
    """When it happened; a time without a zone is taken as the office's local time."""
    now = timezone.now()
    if value in (None, ""):
        return now
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {"occurred_at": f"Enter when the {what} happened as a date and time."}
            ) from None
    if not isinstance(value, datetime):
        raise ValidationError(
            {"occurred_at": f"Enter when the {what} happened as a date and time."}
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(case.office.time_zone))
    if value > now + FUTURE_ALLOWANCE:
        message = f"The {what} must have happened already: the time given is in the future."
        raise ValidationError({"occurred_at": message})
    return value


def _kinds(kinds: Iterable[str] | None) -> list[str]:
    chosen = sorted(set(kinds or ()))
    unknown = [kind for kind in chosen if kind not in EntryKind.values]
    if unknown:
        known = ", ".join(EntryKind.values)
        raise ValidationError({"kind": f"{', '.join(unknown)} is not a kind of entry ({known})."})
    return chosen


# --- Adding to the timeline ----------------------------------------------------------------


def _entry(
    case: Case, kind: str, *, author: User | None, also_read: str = "", **fields: Any
) -> TimelineEntry:
    """A new entry, scored for distress: its words and ``also_read`` (a document's own)."""
    entry = TimelineEntry(office_id=case.office_id, case=case, kind=kind, author=author, **fields)
    entry.save()
    wellbeing.score_item(
        entry.office_id, wellbeing.ItemKind.TIMELINE_ENTRY, entry.pk,
        f"{entry.subject}\n{entry.text}\n{also_read}",
    )  # fmt: skip
    return entry


def add_note(user: User, case: Case, text: str, *, sensitive: bool = False) -> TimelineEntry:
    """Add a note to the case's timeline; a sensitive one is hidden in lists until opened.

    Requires someone who may change the case. Causes an audit entry (a
    sensitive note's text is not copied into the audit trail).
    """
    with _adding_to(user, case) as case:
        return _entry(
            case,
            EntryKind.NOTE,
            author=user,
            text=_text(text, "text", missing="Enter the note."),
            is_sensitive=bool(sensitive),
        )


def record_call(
    user: User,
    case: Case,
    *,
    direction: str,
    duration_minutes: int | str | None,
    text: str,
    occurred_at: datetime | str | None = None,
    correspondent: str = "",
) -> TimelineEntry:
    """Log a phone call: which way, how long, what was said, and when (now, if not said).

    Requires someone who may change the case. Causes an audit entry.
    """
    with _adding_to(user, case) as case:
        errors: dict[str, Any] = {}
        checks = {
            "direction": lambda: _direction(direction, "call"),
            "duration_minutes": lambda: _duration(duration_minutes, required=True, what="call"),
            "text": lambda: _text(text, "text", missing="Enter what the call was about."),
            "occurred_at": lambda: _occurred_at(occurred_at, case, "call"),
            "correspondent": lambda: _text(correspondent, "correspondent", missing=None)[:300],
        }
        values = _checked(checks, errors)
        entry = _entry(case, EntryKind.CALL, author=user, **values)
        if entry.direction == Direction.INCOMING:
            hand_call_to_handler(user, case)  # a caller routed to one handler: the case is theirs
        return entry


def record_visit(
    user: User,
    case: Case,
    *,
    text: str,
    place: str = "",
    duration_minutes: int | str | None = None,
    occurred_at: datetime | str | None = None,
) -> TimelineEntry:
    """Log a visit (a home visit, a meeting at the office): where, how long, what happened.

    Requires someone who may change the case. Causes an audit entry.
    """
    with _adding_to(user, case) as case:
        errors: dict[str, Any] = {}
        checks = {
            "text": lambda: _text(text, "text", missing="Enter what happened on the visit."),
            "place": lambda: _text(place, "place", missing=None)[:200],
            "duration_minutes": lambda: _duration(duration_minutes, required=False, what="visit"),
            "occurred_at": lambda: _occurred_at(occurred_at, case, "visit"),
        }
        values = _checked(checks, errors)
        return _entry(case, EntryKind.VISIT, author=user, **values)


def _checked(checks: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    """Run every check, so one answer names every problem at once."""
    values = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def add_document(
    user: User, case: Case, uploaded_file: Upload, *, description: str = ""
) -> TimelineEntry:
    """Upload a document onto the case's timeline, checked and encrypted by the files domain.

    Requires someone who may change the case. Refuses a bad upload with
    ValidationError({"file": reason}). Causes the stored file, the entry and
    their audit entries.
    """
    with _adding_to(user, case) as case:
        text = _text(description, "description", missing=None)
        stored = store_file(case.office, uploaded_file, uploaded_by=user)
        entry = _entry(
            case, EntryKind.DOCUMENT, author=user, subject=stored.original_name[:300], text=text,
            also_read=readable_text(stored),
        )  # fmt: skip
        TimelineAttachment.objects.create(entry=entry, stored_file=stored)
        return entry


def record_status_change(
    case: Case, old_status: Any, new_status: Any, *, by: User | None, note: str = ""
) -> TimelineEntry:
    """Put a status change on the timeline. Called by the cases domain's ``change_status``.

    The caller has checked permission. Causes an audit entry.
    """
    with bind_office(case.office_id, actor=by or current_actor()):
        return _entry(
            case,
            EntryKind.STATUS_CHANGE,
            author=by,
            from_status=str(getattr(old_status, "name", old_status))[:60],
            to_status=str(getattr(new_status, "name", new_status))[:60],
            text=(note or "").strip()[:MAX_TEXT],
        )


def _correspondence(
    kind: str,
    case: Case,
    *,
    direction: str,
    subject: str,
    text: str,
    correspondent: str,
    occurred_at: datetime | None,
    by: User | None,
    source: str,
    attachments: Iterable[StoredFile],
) -> TimelineEntry:
    what = "e-mail" if kind == EntryKind.EMAIL else "letter"
    with bind_office(case.office_id, actor=by or current_actor()), transaction.atomic():
        entry = _entry(
            case,
            kind,
            author=by,
            direction=_direction(direction, what),
            subject=(subject or "").strip()[:300],
            text=(text or "").strip()[:MAX_TEXT],
            correspondent=(correspondent or "").strip()[:300],
            occurred_at=occurred_at or timezone.now(),
            source=source[:100],
        )
        for position, stored in enumerate(attachments):
            if stored.office_id != case.office_id:
                raise PermissionError("A file of another office cannot go on this case.")
            TimelineAttachment.objects.create(entry=entry, stored_file=stored, position=position)
        return entry


def record_email(
    case: Case,
    *,
    direction: str,
    subject: str,
    text: str = "",
    correspondent: str = "",
    occurred_at: datetime | None = None,
    by: User | None = None,
    source: str = "",
    attachments: Iterable[StoredFile] = (),
) -> TimelineEntry:
    """Put an e-mail on the timeline (the inbox calls this when mail is filed on a case).

    ``source`` names the inbox's own record ("inbox.Message:42"); ``attachments``
    are files already stored through ``files.services.store_file``. The caller
    has checked permission. Causes audit entries.
    """
    return _correspondence(
        EntryKind.EMAIL, case, direction=direction, subject=subject, text=text,
        correspondent=correspondent, occurred_at=occurred_at, by=by, source=source,
        attachments=attachments,
    )  # fmt: skip


def record_letter(
    case: Case,
    *,
    subject: str,
    direction: str = Direction.OUTGOING,
    text: str = "",
    correspondent: str = "",
    occurred_at: datetime | None = None,
    by: User | None = None,
    source: str = "",
    attachments: Iterable[StoredFile] = (),
) -> TimelineEntry:
    """Put a letter on the timeline (the letters domain calls this when one is sent or filed).

    As ``record_email``: the caller has checked permission. Causes audit entries.
    """
    return _correspondence(
        EntryKind.LETTER, case, direction=direction, subject=subject, text=text,
        correspondent=correspondent, occurred_at=occurred_at, by=by, source=source,
        attachments=attachments,
    )  # fmt: skip


# --- Incoming mail ---------------------------------------------------------------------------


def move_incoming_email(source: str, case_id: int) -> bool:
    """Put the entry standing for a message (``source``, "inbox.Message:42") on the case
    ``case_id``, if there is one; returns whether there was.

    Requires the office bound. One query, and when it moved an update with its audit entry.
    """
    entry = TimelineEntry.objects.filter(source=source).first()
    if entry is None:
        return False
    if entry.case_id != case_id:
        entry.case_id = case_id
        entry.save(update_fields=["case"])
    return True


def record_incoming_email(
    office_id: int,
    case_id: int,
    *,
    source: str,
    subject: str,
    text: str,
    correspondent: str,
    occurred_at: datetime,
    stored_file_ids: Iterable[int] = (),
) -> TimelineEntry:
    """Put a message that came in on the case's timeline, with its stored attachments.

    For the inbox, when a message joins a case: requires the office bound, a message
    not yet on any timeline (``move_incoming_email`` first; the database refuses a
    second entry for one message) and files of this office. Not scored for distress:
    the message was, when it arrived, and the entry shows its assessment. Placing
    runs at import speed, so this is one insert (and one for any attachments); the
    message's own audit entry records it joining the case.
    """
    entry = TimelineEntry(
        office_id=office_id,
        case_id=case_id,
        kind=EntryKind.EMAIL,
        direction=Direction.INCOMING,
        subject=(subject or "").strip()[:300],
        text=(text or "").strip()[:MAX_TEXT],
        correspondent=(correspondent or "").strip()[:300],
        occurred_at=occurred_at,
        source=source[:100],
    )
    TimelineEntry.objects.bulk_create([entry])
    files = [
        TimelineAttachment(office_id=office_id, entry=entry, stored_file_id=file_id, position=n)
        for n, file_id in enumerate(stored_file_ids)
    ]
    if files:
        TimelineAttachment.objects.bulk_create(files)
    return entry


def remove_incoming_email(source: str) -> None:
    """Take the entry standing for a message off its case's timeline (the message left the
    case). Requires the office bound. An entry kept as evidence of an incident stays: evidence
    is never deleted. Causes an audit entry for each entry removed."""
    for entry in TimelineEntry.objects.filter(source=source):
        try:
            with transaction.atomic():
                entry.delete()
        except ProtectedError:
            continue


def _mail_handlers(user: User, entries: Iterable[TimelineEntry]) -> None:
    """Mark the incoming mail among ``entries`` whose sender's contact is routed to a handler
    the user is not (``entry.handled_by``). Two queries when there is any mail, else none."""
    mail = [entry for entry in entries if entry.inbox_message_id is not None]
    if not mail:
        return
    from casewell.inbox.case_timeline import handlers_of_mail

    handlers = handlers_of_mail(user, [entry.inbox_message_id for entry in mail])
    for entry in mail:
        entry.handled_by = handlers.get(entry.inbox_message_id)  # type: ignore[arg-type]


def _mail_that_came_back(entries: Iterable[TimelineEntry]) -> None:
    """Mark the e-mail sent among ``entries`` that did not arrive (``entry.did_not_arrive``).
    One query when there is any, else none: asked as the page is shown, so a bounce that
    came back after the e-mail joined the timeline is shown on it too."""
    sent = [entry for entry in entries if entry.outgoing_message_id is not None]
    if not sent:
        return
    from casewell.inbox.case_timeline import undelivered

    came_back = undelivered([entry.outgoing_message_id for entry in sent])
    for entry in sent:
        entry.did_not_arrive = came_back.get(entry.outgoing_message_id, "")  # type: ignore[arg-type]


# --- Reading it ----------------------------------------------------------------------------


def timeline_for(
    user: User,
    case: Case,
    *,
    kinds: Iterable[str] | None = None,
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the case's timeline, newest first, optionally only some kinds of entry.

    Requires someone who may see the case (else 404). Costs the same few
    queries however long the timeline is: a count, the page with its authors,
    and the page's attachments with their files. A page number past the end
    gives the last page (two more when it holds incoming mail: who handles
    the senders). Sensitive notes are included; their text is the template's
    (or API's) to withhold until opened with ``open_entry``, as is the content of
    mail marked ``handled_by``.
    """
    chosen = _kinds(kinds)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    with bind_office(user.office, actor=user):
        case = _current(user, case)
        entries = (
            TimelineEntry.objects.filter(case=case)
            .select_related("author")
            .prefetch_related(
                Prefetch(
                    "entry_files",
                    queryset=TimelineAttachment.objects.select_related("stored_file"),
                )
            )
            .order_by("-occurred_at", "-id")
        )
        if chosen:
            entries = entries.filter(kind__in=chosen)
        result = Paginator(entries, per_page).get_page(page)
        # Read inside the office binding: on PostgreSQL the wall hides the rows otherwise.
        result.object_list = list(result.object_list)
        _mail_handlers(user, result.object_list)
        _mail_that_came_back(result.object_list)
    return result


def open_entry(user: User, timelineentry_id: Any, *, channel: str = "page") -> TimelineEntry:
    """One entry of a case the user may see, or 404. Opening a sensitive note is logged.

    Opening incoming mail is reading its message (the inbox counts the exposure, once for
    both); for mail only its designated handler may read, ``handled_by`` is set instead and
    nothing is counted.
    """
    with bind_office(user.office, actor=user):
        entry = get_for(user, TimelineEntry, timelineentry_id, channel=channel)
        if entry.is_sensitive:
            log_sensitive_read(user, entry, channel=channel)
        if entry.inbox_message_id is not None:
            from casewell.inbox.case_timeline import read_on_timeline

            entry.handled_by = read_on_timeline(user, entry.inbox_message_id)
        else:
            record_exposure(user, entry, ExposureAction.READ)
            _mail_that_came_back([entry])
    return entry


def attachment_for(user: User, timelineattachment_id: Any, *, channel: str = "page") -> StoredFile:
    """The stored file of an attachment on a case the user may see, or 404.

    The caller then streams it with ``files.services.file_response``.
    """
    with bind_office(user.office, actor=user):
        attachment = get_for(user, TimelineAttachment, timelineattachment_id, channel=channel)
        entry = attachment.entry
        if entry.is_sensitive:
            log_sensitive_read(user, entry, channel=channel)
        _mail_handlers(user, [entry])
        if entry.handled_by is not None:
            raise PermissionDenied(
                f"Handled by {entry.handled_by.full_name}: mail from this person goes to them."
            )
        return attachment.stored_file


def files_on_case(user: User, case: Case) -> list[TimelineAttachment]:
    """The files on the case's timeline, newest entry first, with their stored files: what may
    be chosen to send with an e-mail from the case.

    Requires someone who may see the case (else 404). Files of sensitive notes are left out
    (reading one is logged, one by one, when it is opened), and so are those of incoming
    mail: the inbox offers a message's files itself, under its own rules.
    """
    with bind_office(user.office, actor=user):
        case = _current(user, case)
        return list(
            TimelineAttachment.objects.filter(entry__case=case, entry__is_sensitive=False)
            .exclude(entry__source__startswith=INBOX_MESSAGE)
            .select_related("stored_file", "entry")
            .order_by("-entry__occurred_at", "-entry_id", "position", "id")
        )
