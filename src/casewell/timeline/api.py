"""API routes for a case's timeline: the same services as the pages, the same checks.

Every call runs inside the token holder's office (see ``casewell.api``). The
case is looked up with the cases domain's ``get_case_for`` (404 for another
office's case or a restricted one the caller may not see). Bad input answers
422 with ``{"detail": "...", "errors": {"field": ["message", ...]}}`` naming each
bad field — an oversized or disguised upload included, under ``file``.

A sensitive note's text is left out of lists (``text`` is null); fetching the
entry itself returns it and writes the reading to the access log. Incoming mail
from a person whose contact is routed to a designated handler is listed with
``handled_by`` and nothing of its content for everyone else, and fetching it
answers 403 naming the handler, as the inbox does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.cases.services import get_case_for
from casewell.files.services import file_response
from casewell.safety.handlers import refuse_unless_may_read, refuse_unless_may_read_attachment
from casewell.timeline import services
from casewell.timeline.models import EntryKind, TimelineEntry

router = Router(tags=["timeline"])


# --- Shapes ----------------------------------------------------------------------------


class Author(Schema):
    id: int
    full_name: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    kind_name: str
    size: int
    sha256: str
    download_url: str


class EntryOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    headline: str
    author: Author | None
    occurred_at: datetime
    recorded_at: datetime
    is_sensitive: bool
    text: str | None
    direction: str
    duration_minutes: int | None
    subject: str
    place: str
    correspondent: str
    from_status: str
    to_status: str
    source: str
    attachments: list[AttachmentOut]
    handled_by: Author | None = None
    # For an e-mail sent from the case that a mail server sent back: to whom, and why.
    did_not_arrive: str = ""


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EntryOut]


class NoteIn(Schema):
    text: str = ""
    sensitive: bool = False


class CallIn(Schema):
    direction: str = ""
    duration_minutes: int | str | None = None
    text: str = ""
    correspondent: str = ""
    occurred_at: str | None = None


class VisitIn(Schema):
    text: str = ""
    place: str = ""
    duration_minutes: int | str | None = None
    occurred_at: str | None = None


# --- Helpers ---------------------------------------------------------------------------


def entry_out(entry: TimelineEntry, *, with_sensitive_text: bool = False) -> dict[str, Any]:
    """An entry as the API shows it; a sensitive note's text only when opened on its own."""
    if entry.handled_by is not None:
        return _handled_out(entry)
    author = entry.author
    return {
        "id": entry.pk,
        "case_id": entry.case_id,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "headline": entry.headline,
        "author": {"id": author.pk, "full_name": author.full_name} if author else None,
        "occurred_at": entry.occurred_at,
        "recorded_at": entry.recorded_at,
        "is_sensitive": entry.is_sensitive,
        "text": entry.text if with_sensitive_text or not entry.is_sensitive else None,
        "direction": entry.direction,
        "duration_minutes": entry.duration_minutes,
        "subject": entry.subject,
        "place": entry.place,
        "correspondent": entry.correspondent,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "source": entry.source,
        "handled_by": None,
        "did_not_arrive": entry.did_not_arrive,
        "attachments": [
            {
                "id": attached.pk,
                "name": attached.stored_file.original_name,
                "content_type": attached.stored_file.content_type,
                "kind_name": attached.stored_file.kind_name,
                "size": attached.stored_file.size,
                "sha256": attached.stored_file.sha256,
                "download_url": reverse(
                    "api:timeline_attachment", kwargs={"timelineattachment_id": attached.pk}
                ),
            }
            for attached in entry.entry_files.all()
        ],
    }


def _handled_out(entry: TimelineEntry) -> dict[str, Any]:
    """Mail only its designated handler reads: that it came, when, and who handles it."""
    handler = entry.handled_by
    assert handler is not None
    return {
        "id": entry.pk, "case_id": entry.case_id, "kind": entry.kind,
        "kind_label": entry.get_kind_display(), "headline": f"{entry.get_kind_display()} received",
        "author": None, "occurred_at": entry.occurred_at, "recorded_at": entry.recorded_at,
        "is_sensitive": entry.is_sensitive, "text": None, "direction": entry.direction,
        "duration_minutes": None, "subject": "", "place": "", "correspondent": "",
        "from_status": "", "to_status": "", "source": entry.source, "attachments": [],
        "handled_by": {"id": handler.pk, "full_name": handler.full_name}, "did_not_arrive": "",
    }  # fmt: skip


def _created(entry: TimelineEntry) -> tuple[int, dict[str, Any]]:
    return 201, entry_out(entry, with_sensitive_text=True)


KINDS_DESCRIPTION = f"only these kinds: {', '.join(EntryKind.values)}"
WRITE_RESPONSES = {201: EntryOut, 403: ApiError, 404: ApiError, 422: FieldErrors}


# --- Routes ----------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/entries",
    response={200: EntryPage, 404: ApiError, 422: FieldErrors},
    summary="A case's timeline, newest first, a page at a time",
)
@refusals_named
def entries(
    request: HttpRequest,
    case_id: int,
    kind: list[str] = Query([], description=KINDS_DESCRIPTION),  # noqa: B008 - ninja's way
    page: int = Query(1, ge=1),
    per_page: int = Query(services.PER_PAGE, ge=1, le=services.MAX_PER_PAGE),
) -> dict[str, Any]:
    user = caller(request)
    case = get_case_for(user, case_id, channel="api")
    refuse_unless_may_read(user, case)  # a person's contact routed to one handler
    result = services.timeline_for(user, case, kinds=kind, page=page, per_page=per_page)
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": [entry_out(entry) for entry in result.object_list],
    }


@router.post("/cases/{case_id}/notes", response=WRITE_RESPONSES, summary="Add a note")
@refusals_named
def add_note(request: HttpRequest, case_id: int, note: NoteIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    case = get_case_for(user, case_id, channel="api")
    return _created(services.add_note(user, case, note.text, sensitive=note.sensitive))


@router.post("/cases/{case_id}/calls", response=WRITE_RESPONSES, summary="Log a phone call")
@refusals_named
def log_call(request: HttpRequest, case_id: int, call: CallIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    case = get_case_for(user, case_id, channel="api")
    return _created(
        services.record_call(
            user,
            case,
            direction=call.direction,
            duration_minutes=call.duration_minutes,
            text=call.text,
            correspondent=call.correspondent,
            occurred_at=call.occurred_at,
        )  # fmt: skip
    )


@router.post("/cases/{case_id}/visits", response=WRITE_RESPONSES, summary="Log a visit")
@refusals_named
def log_visit(request: HttpRequest, case_id: int, visit: VisitIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    case = get_case_for(user, case_id, channel="api")
    return _created(
        services.record_visit(
            user,
            case,
            text=visit.text,
            place=visit.place,
            duration_minutes=visit.duration_minutes,
            occurred_at=visit.occurred_at,
        )  # fmt: skip
    )


@router.post(
    "/cases/{case_id}/documents",
    response=WRITE_RESPONSES,
    summary="Upload a document (multipart: file, description)",
)
@refusals_named
def upload_document(
    request: HttpRequest,
    case_id: int,
    file: UploadedFile = File(..., description="checked by its contents"),  # noqa: B008
    description: str = Form(""),
) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    case = get_case_for(user, case_id, channel="api")
    return _created(services.add_document(user, case, file, description=description))


@router.get(
    "/entries/{timelineentry_id}",
    response={200: EntryOut, 403: ApiError, 404: ApiError},
    summary="One entry in full (opening a sensitive note is logged)",
)
def entry(request: HttpRequest, timelineentry_id: int) -> dict[str, Any]:
    opened = services.open_entry(caller(request), timelineentry_id, channel="api")
    refuse_unless_may_read(caller(request), opened.case)
    if opened.handled_by is not None:
        raise PermissionDenied(
            f"Handled by {opened.handled_by.full_name}: mail from this person goes to them."
        )
    return entry_out(opened, with_sensitive_text=True)


@router.get(
    "/attachments/{timelineattachment_id}",
    response={200: None, 403: ApiError, 404: ApiError},
    url_name="timeline_attachment",
    summary="Download an attachment, decrypted",
)
def attachment(request: HttpRequest, timelineattachment_id: int) -> HttpResponse:
    stored = services.attachment_for(caller(request), timelineattachment_id, channel="api")
    refuse_unless_may_read_attachment(caller(request), timelineattachment_id)
    return file_response(stored)
