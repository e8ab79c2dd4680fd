"""API routes for the inbox: quarantined mail, listed with its reason, and retried.

Managers (and administrators) only; the same ``quarantine`` services as the pages.
Retrying a message that is not quarantined answers 422 with ``{"detail": "...",
"errors": {"state": ["..."]}}``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from casewell.api_common import ApiError, FieldErrors, caller
from casewell.inbox import quarantine
from casewell.inbox.models import RawMessage

router = Router(tags=["inbox"])


class QuarantinedOut(Schema):
    id: int
    received_at: datetime
    door: str
    source: str
    size: int
    state: str
    quarantine_reason: str
    attempts: int


RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}


@router.get(
    "/quarantine",
    response={200: list[QuarantinedOut], 403: ApiError},
    summary="Mail that could not be read, newest first, each with the reason (managers)",
)
def quarantined(request: HttpRequest) -> list[RawMessage]:
    return quarantine.quarantined_for(caller(request))


@router.post(
    "/quarantine/{rawmessage_id}/retry",
    response={200: QuarantinedOut, **RESPONSES},
    summary="Read a quarantined message again (managers)",
)
def retry(request: HttpRequest, rawmessage_id: int) -> RawMessage | JsonResponse:
    user = caller(request)
    raw_message = quarantine.get_raw_message_for(user, rawmessage_id, channel="api")
    try:
        return quarantine.retry(user, raw_message)
    except DjangoValidationError as error:
        return JsonResponse(
            {
                "detail": "The request is not valid. state: " + " ".join(error.messages),
                "errors": error.message_dict,
            },
            status=422,
        )
