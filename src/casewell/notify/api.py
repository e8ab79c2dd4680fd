"""API routes for notify: your notifications, and messages to colleagues.

Each call runs inside the caller's office (see ``casewell.api``) and goes
through the same ``notify.services`` as the pages. A message to someone
outside the caller's office answers 404; a refusal answers 422 naming each field.
Text behind a content warning is returned with its ``warning_categories`` so a
client can show it collapsed.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.notify import services
from casewell.notify.models import Notification

router = Router(tags=["notify"])

RESPONSES = {404: ApiError, 422: FieldErrors}


class NotificationOut(Schema):
    id: int
    kind: str
    sender_id: int | None
    subject: str
    body: str
    link: str
    warning_categories: list[str]
    urgent: bool
    urgent_reason: str
    safety: bool
    delivered_at: datetime | None
    read_at: datetime | None


class MessageIn(Schema):
    recipient_id: int
    text: str
    urgent: bool = False
    urgent_reason: str = ""


class SentMessageOut(Schema):
    id: int
    recipient_id: int
    text: str
    urgent: bool
    created_at: datetime
    arrives_at: datetime
    arrived: bool


class SentOut(SentMessageOut):
    held: bool
    arrives: str  # "Monday 09:00" when held, in the recipient's own time


def _sent(item: Notification) -> SentMessageOut:
    return SentMessageOut(
        id=item.pk,
        recipient_id=item.recipient_id,
        text=item.body,
        urgent=item.urgent,
        created_at=item.created_at,
        arrives_at=item.deliver_at,
        arrived=item.delivered_at is not None,
    )


@router.get(
    "/",
    url_name="notify_notifications",
    response=list[NotificationOut],
    summary="Your delivered notifications, newest first",
)
def notifications(request: HttpRequest) -> list[Notification]:
    return services.notifications_for(caller(request))


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **RESPONSES},
    summary="Mark one of your notifications read",
)
def read(request: HttpRequest, notification_id: int) -> Notification:
    return services.mark_read(caller(request), notification_id)


@router.get(
    "/messages",
    url_name="notify_messages",
    response=list[SentMessageOut],
    summary="Messages you sent to colleagues, newest first, and whether each has arrived",
)
def sent_messages(request: HttpRequest) -> list[SentMessageOut]:
    return [_sent(item) for item in services.messages_sent_by(caller(request))]


@router.post(
    "/messages",
    url_name="notify_messages",
    response={201: SentOut, **RESPONSES},
    summary="Send a colleague a message; held until their working time unless urgent",
)
@refusals_named
def send_message(request: HttpRequest, payload: MessageIn) -> Status:
    sent = services.send_colleague_message(
        caller(request),
        payload.recipient_id,
        payload.text,
        urgent=payload.urgent,
        urgent_reason=payload.urgent_reason,
    )
    return Status(
        201, SentOut(**_sent(sent.notification).dict(), held=sent.held, arrives=sent.arrives)
    )
