"""API routes for triaging and reading the inbox: the same ``triage`` and ``reading``
functions as the pages, so the same people may do the same things.

A message of another office answers 404 (checked before anything else, see
``casewell.api``); an intern reaches only the messages assigned to them. Reading a
message on a restricted case is logged as a sensitive read, as on the page. A refusal
answers 422 with ``{"detail": "...", "errors": {"field": ["message", ...]}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, Literal

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.inbox import reading, triage
from casewell.inbox.models import Message

router = Router(tags=["inbox"])


def unactionable_messages_are_not_found(run: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 404 for a message the caller may not act on before the request body is read.

    So an intern's action on a message not assigned to them gets the same 404 whatever
    is sent with it, never a 422 that would show the route took the id seriously.
    Reading (GET) has its own, wider rule: ``reading.read_message``.
    """

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Imported here: casewell.api mounts this router. The token is looked up once.
        from casewell.api import personal_token

        acting = request.method == "POST" and "message_id" in kwargs
        user = personal_token(request) if acting else None
        if user is not None:
            try:
                triage.get_message_for(user, kwargs["message_id"], channel="api")
            except Http404:
                return JsonResponse({"detail": "No message found."}, status=404)
        return run(request, *args, **kwargs)

    return checked


router.add_decorator(unactionable_messages_are_not_found, mode="view")

RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}


# --- Shapes ----------------------------------------------------------------------------


class Named(Schema):
    id: int
    name: str


class ViewOut(Schema):
    view: str
    label: str
    count: int


class Row(Schema):
    id: int
    state: str
    from_name: str
    from_address: str
    # Left out (null) when the sender's contact goes to a designated handler the caller is not.
    subject: str | None
    handled_by: Named | None
    received_at: datetime
    person: Named | None
    markers: list[str]
    suggested_category: Named | None
    campaign: Named | None
    assignee: Named | None
    case: Named | None


class ViewPage(Schema):
    view: str
    label: str
    count: int
    page: int
    pages: int
    per_page: int
    messages: list[Row]


class ViewQuery(Schema):
    view: Literal["triage", "mine", "assigned"] = "triage"
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200)


class Address(Schema):
    name: str = ""
    address: str = ""


class AttachmentOut(Schema):
    id: int
    filename: str
    kind: str
    content_type: str
    size: int
    # False when Casewell did not keep the file: ``withheld_reason`` says why.
    kept: bool
    withheld_reason: str


class MessageOut(Schema):
    id: int
    state: str
    # "message", "auto_reply", "bounce" or "delivery_report".
    kind: str
    # A bounce or delivery report of an e-mail this office sent: that e-mail's id
    # (``/outgoing/{id}`` says whether it arrived).
    bounced_email_id: int | None
    subject: str | None
    from_name: str
    from_address: str
    to: list[Address]
    cc: list[Address]
    sent_at: datetime | None
    received_at: datetime
    person: Named | None
    case: Named | None
    assignee: Named | None
    # Set when the content is the designated handler's alone; text, html and attachments
    # are then left out.
    handled_by: Named | None
    text: str | None
    # Sanitised, with pictures from the internet removed.
    html: str | None
    attachments: list[AttachmentOut]


class AssignIn(Schema):
    # A member of staff's id, or "me".
    assignee: int | str


class LinkIn(Schema):
    reference: str


class OpenCaseIn(Schema):
    summary: str
    category: int | None = None
    include_person: bool = True


class CaseOpened(Schema):
    id: int
    reference: str
    message: Row


# --- Helpers ---------------------------------------------------------------------------


def _named(record: Any, name: str) -> dict[str, Any] | None:
    return None if record is None else {"id": record.pk, "name": name}


def _row(row: triage.Row) -> dict[str, Any]:
    message = row.message
    return {
        "id": message.pk,
        "state": message.state,
        "from_name": message.from_name,
        "from_address": message.from_address,
        "subject": None if row.handled_by else message.subject,
        "handled_by": row.handled_by and _named(row.handled_by, row.handled_by.full_name),
        "received_at": message.created_at,
        "person": message.person and _named(message.person, str(message.person)),
        "markers": row.markers,
        "suggested_category": message.suggested_category
        and _named(message.suggested_category, message.suggested_category.name),
        "campaign": message.campaign and _named(message.campaign, message.campaign.title),
        "assignee": message.assignee and _named(message.assignee, message.assignee.full_name),
        "case": message.case and _named(message.case, message.case.reference),
    }


def _row_of(user: Any, message_id: int) -> dict[str, Any]:
    """A message as the lists show it, read again after a change."""
    message = triage.get_message_for(user, message_id, channel="api")
    return _row(triage.rows_for(user, [message])[0])


def _reading(shown: reading.Reading) -> dict[str, Any]:
    message = shown.message
    readable = shown.may_read
    return {
        "id": message.pk,
        "state": message.state,
        "kind": message.kind,
        "bounced_email_id": message.bounced_outgoing_id,
        "subject": message.subject if readable else None,
        "from_name": message.from_name,
        "from_address": message.from_address,
        "to": message.to,
        "cc": message.cc,
        "sent_at": message.sent_at,
        "received_at": message.created_at,
        "person": message.person and _named(message.person, str(message.person)),
        "case": message.case and _named(message.case, message.case.reference),
        "assignee": message.assignee and _named(message.assignee, message.assignee.full_name),
        "handled_by": shown.handled_by and _named(shown.handled_by, shown.handled_by.full_name),
        "text": message.text_body if readable else None,
        "html": reading.sanitised_html(shown) if readable and message.html_body else None,
        "attachments": [
            {
                "id": attachment.pk,
                "filename": attachment.filename,
                "kind": reading.kind_of(attachment),
                "content_type": attachment.content_type,
                "size": attachment.size,
                "kept": attachment.stored_file_id is not None,
                "withheld_reason": attachment.withheld_reason,
            }
            for attachment in shown.attachments
            if not attachment.is_inline
        ],
    }


# --- Routes ----------------------------------------------------------------------------


@router.get(
    "/views",
    response={200: list[ViewOut], 403: ApiError},
    summary="The inbox's views (to triage, mine, all assigned) with how many each lists",
)
def views(request: HttpRequest) -> list[dict[str, Any]]:
    counts = triage.view_counts(caller(request))
    return [
        {"view": view, "label": label, "count": counts[view]}
        for view, label in triage.VIEWS.items()
    ]


@router.get(
    "/messages",
    response={200: ViewPage, **RESPONSES},
    summary="One view's messages (to triage by default), newest first, a page at a time",
)
def view_page(request: HttpRequest, query: Query[ViewQuery]) -> dict[str, Any]:
    page = triage.page_of_rows(caller(request), query.view, query.page, per_page=query.per_page)
    return {
        "view": query.view,
        "label": triage.VIEWS[query.view],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "per_page": query.per_page,
        "messages": [_row(row) for row in page.object_list],
    }


@router.get(
    "/messages/{message_id}",
    response={200: MessageOut, **RESPONSES},
    summary="Read one message: headers, person, case, text, sanitised HTML and attachments",
)
def read(request: HttpRequest, message_id: int) -> dict[str, Any]:
    return _reading(reading.read_message(caller(request), message_id, channel="api"))


@router.post(
    "/messages/{message_id}/assign",
    response={200: Row, **RESPONSES},
    summary='Assign a message to a member of staff (or "me"); interns cannot',
)
@refusals_named
def assign(request: HttpRequest, message_id: int, payload: AssignIn) -> dict[str, Any]:
    user = caller(request)
    message = triage.get_message_for(user, message_id, channel="api")
    chosen = user.pk if payload.assignee == "me" else payload.assignee
    triage.assign(user, message, chosen)
    return _row_of(user, message_id)


@router.post(
    "/messages/{message_id}/archive",
    response={200: Row, **RESPONSES},
    summary="Archive a message: it leaves every view but is kept",
)
@refusals_named
def archive(request: HttpRequest, message_id: int) -> dict[str, Any]:
    user = caller(request)
    triage.archive(user, triage.get_message_for(user, message_id, channel="api"))
    return _row_of(user, message_id)


@router.post(
    "/messages/{message_id}/link-to-case",
    response={200: Row, **RESPONSES},
    summary="Put a message on an existing case, found by its reference",
)
@refusals_named
def link_to_case(request: HttpRequest, message_id: int, payload: LinkIn) -> dict[str, Any]:
    user = caller(request)
    message = triage.get_message_for(user, message_id, channel="api")
    triage.link_to_case(user, message, payload.reference)
    return _row_of(user, message_id)


@router.post(
    "/messages/{message_id}/open-case",
    response={201: CaseOpened, **RESPONSES},
    summary="Open a case from a message, with the sender on it if asked, and put it there",
)
@refusals_named
def open_case(request: HttpRequest, message_id: int, payload: OpenCaseIn) -> Any:
    user = caller(request)
    message: Message = triage.get_message_for(user, message_id, channel="api")
    case = triage.open_case_from_message(
        user,
        message,
        summary=payload.summary,
        category=payload.category,
        include_person=payload.include_person,
    )
    return Status(
        201, {"id": case.pk, "reference": case.reference, "message": _row_of(user, message_id)}
    )
