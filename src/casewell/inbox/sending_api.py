"""API routes for mail going out and campaigns: send an e-mail (or a reply) from a case,
see what is waiting or failed and try it again, list and answer campaigns, put a message
into a campaign, and (managers) the office's sending settings.

The same services as the pages (``compose``, ``sending``, ``campaign_answers``,
``sending_settings``). A refusal naming fields answers 422 with ``{"detail": "...",
"errors": {"field": ["message", ...]}}``; a case or message the caller may not see, 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.inbox import campaign_answers, compose, sending, sending_settings, triage
from casewell.inbox.models import OutgoingMessage

router = Router(tags=["inbox: sending"])

RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}


class EmailIn(Schema):
    to: list[str]
    subject: str
    body: str
    cc: list[str] = []
    files: list[str] = []
    reply_to: int | None = None


class OutgoingOut(Schema):
    id: int
    case_id: int | None
    campaign_id: int | None
    message_id: str
    in_reply_to: str
    references: str
    from_address: str
    to: list[str]
    cc: list[str]
    subject: str
    state: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    sent_at: datetime | None
    # State "bounced": sent, but a mail server sent it back: when, to which addresses, why.
    bounced_at: datetime | None
    bounced_to: list[str]
    bounce_reason: str
    created_at: datetime


class CaseFileOut(Schema):
    key: str
    name: str
    kind: str
    size: int


@router.get(
    "/cases/{case_id}/emails",
    url_name="case_emails",
    response={200: list[OutgoingOut], **RESPONSES},
    summary="E-mail sent (or waiting to be sent) from a case, newest first",
)
def case_emails(request: HttpRequest, case_id: int) -> Any:
    user = caller(request)
    case = compose.case_to_write_from(user, case_id, channel="api")
    return compose.mail_on_case(user, case).outgoing


@router.get(
    "/cases/{case_id}/files",
    response={200: list[CaseFileOut], **RESPONSES},
    summary="Files on a case that can be sent with an e-mail (their keys go in `files`)",
)
def case_files(request: HttpRequest, case_id: int) -> Any:
    user = caller(request)
    case = compose.case_to_write_from(user, case_id, channel="api")
    return compose.files_to_send(user, case)


@router.post(
    "/cases/{case_id}/emails",
    url_name="case_emails",
    response={201: OutgoingOut, **RESPONSES},
    summary="Send an e-mail from a case (with `reply_to`, a reply to a message on it)",
)
@refusals_named
def send_from_case(request: HttpRequest, case_id: int, payload: EmailIn) -> Any:
    user = caller(request)
    case = compose.case_to_write_from(user, case_id, channel="api")
    replying_to = (
        compose.message_to_answer(user, case, payload.reply_to, channel="api")
        if payload.reply_to is not None
        else None
    )
    outgoing = compose.send_from_case(
        user, case, to=payload.to, cc=payload.cc, subject=payload.subject, body=payload.body,
        files=payload.files, replying_to=replying_to,
    )
    return Status(201, outgoing)


@router.get(
    "/outgoing/{outgoingmessage_id}",
    response={200: OutgoingOut, **RESPONSES},
    summary="One e-mail going out: whether it was sent, and why not",
)
def outgoing(request: HttpRequest, outgoingmessage_id: int) -> OutgoingMessage:
    return compose.get_outgoing_for(caller(request), outgoingmessage_id, channel="api")


@router.post(
    "/outgoing/{outgoingmessage_id}/try-again",
    response={200: OutgoingOut, **RESPONSES},
    summary="Send again an e-mail that was not sent (or that came back undelivered)",
)
@refusals_named
def try_again(request: HttpRequest, outgoingmessage_id: int) -> OutgoingMessage:
    user = caller(request)
    found = compose.get_outgoing_for(user, outgoingmessage_id, channel="api")
    return sending.try_again(user, found)


# --- Campaigns ---------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    created_at: datetime
    messages: int
    senders: int
    answered: int


class SenderOut(Schema):
    address: str
    name: str
    messages: int
    latest_message_id: int
    answer_state: str | None
    answer_id: int | None


class CampaignDetailOut(CampaignOut):
    people: list[SenderOut]


class CampaignAnswerIn(Schema):
    subject: str
    body: str


class CampaignAnswerOut(Schema):
    id: int
    campaign_id: int
    subject: str
    body: str
    created_at: datetime
    prepared_at: datetime | None


class MarkIn(Schema):
    campaign_id: int | None = None
    title: str = ""


def _campaign_out(view: campaign_answers.CampaignView) -> dict[str, Any]:
    campaign = view.campaign
    return {
        "id": campaign.pk, "title": campaign.title, "created_at": campaign.created_at,
        "messages": view.message_count, "senders": len(view.senders),
        "answered": sum(1 for sender in view.senders if sender.answer is not None),
        "people": [
            {
                "address": sender.address, "name": sender.name,
                "messages": len(sender.messages), "latest_message_id": sender.latest.pk,
                "answer_state": sender.answer.state if sender.answer else None,
                "answer_id": sender.answer.pk if sender.answer else None,
            }
            for sender in view.senders
        ],
    }


@router.get(
    "/campaigns",
    response={200: list[CampaignOut], **RESPONSES},
    summary="The office's campaigns, newest first, with how many wrote and were answered",
)
def campaigns(request: HttpRequest) -> Any:
    return [
        {
            "id": row.campaign.pk, "title": row.campaign.title,
            "created_at": row.campaign.created_at, "messages": row.messages,
            "senders": row.senders, "answered": row.answered,
        }
        for row in campaign_answers.campaigns_for(caller(request))
    ]


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, **RESPONSES},
    summary="One campaign: who wrote, and whether each was answered",
)
def campaign(request: HttpRequest, campaign_id: int) -> Any:
    user = caller(request)
    found = campaign_answers.get_campaign_for(user, campaign_id, channel="api")
    return _campaign_out(campaign_answers.campaign_view(user, found))


@router.post(
    "/campaigns/{campaign_id}/answers",
    response={202: CampaignAnswerOut, **RESPONSES},
    summary="Answer everyone in a campaign not yet answered, each with their own e-mail",
)
@refusals_named
def answer_campaign(request: HttpRequest, campaign_id: int, payload: CampaignAnswerIn) -> Any:
    user = caller(request)
    found = campaign_answers.get_campaign_for(user, campaign_id, channel="api")
    answer = campaign_answers.answer_campaign(
        user, found, subject=payload.subject, body=payload.body
    )
    return Status(202, answer)


@router.post(
    "/messages/{message_id}/campaign",
    response={200: CampaignOut, **RESPONSES},
    summary="Put a message into a campaign (or, without campaign_id, start one from it)",
)
@refusals_named
def mark_as_campaign(request: HttpRequest, message_id: int, payload: MarkIn) -> Any:
    user = caller(request)
    message = triage.get_message_for(user, message_id, channel="api")
    put_in = campaign_answers.mark_as_campaign(
        user, message, campaign=payload.campaign_id, title=payload.title
    )
    view = campaign_answers.campaign_view(user, put_in)
    return {key: value for key, value in _campaign_out(view).items() if key != "people"}


# --- Sending settings (managers) ----------------------------------------------------------------


class SendingSettingsIn(Schema):
    host: str = ""
    port: int | None = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""
    from_address: str = ""
    from_name: str = ""
    signature: str = ""


class SendingSettingsOut(Schema):
    host: str
    port: int
    security: str
    username: str
    from_address: str
    from_name: str
    signature: str
    has_password: bool


def _settings_out(saved: Any) -> dict[str, Any]:
    fields = ("host", "port", "security", "username", "from_address", "from_name", "signature")
    return {
        **{name: getattr(saved, name) for name in fields},
        "has_password": bool(saved.encrypted_password),
    }


@router.get(
    "/settings/sending",
    url_name="inbox_sending_settings",
    response={200: SendingSettingsOut, 403: ApiError},
    summary="How the office's mail goes out (never the password) (managers)",
)
def get_sending_settings(request: HttpRequest) -> Any:
    return _settings_out(sending_settings.sending_settings_for(caller(request)))


@router.put(
    "/settings/sending",
    url_name="inbox_sending_settings",
    response={200: SendingSettingsOut, **RESPONSES},
    summary="Set how the office's mail goes out; an empty password keeps the saved one",
)
@refusals_named
def put_sending_settings(request: HttpRequest, payload: SendingSettingsIn) -> Any:
    saved = sending_settings.save_sending_settings(caller(request), **payload.dict())
    return _settings_out(saved)
