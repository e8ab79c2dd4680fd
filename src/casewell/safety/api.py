"""API routes for lone working: start a session, check in, end, panic, and answer alerts.

Each call runs inside the caller's office (see ``casewell.api``); sessions and
alerts are looked up with the same ``get_*_for`` as the pages (404 for anything
the caller may not see) and every change goes through ``safety.services``. A
service's refusal answers 422 with ``{"detail": "...", "errors": {"field":
["message", ...]}}``. A check-in or end with the duress PIN answers exactly as
one without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema, Status

from casewell.offices.models import User
from casewell.offices.permissions import is_manager
from casewell.safety import services
from casewell.safety.models import LoneWorkingSession, SafetyAlert

router = Router(tags=["safety"])


class ApiError(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class SessionIn(Schema):
    purpose: str
    location: str
    expected_end: datetime
    buddy_id: int | None = None
    emergency_contact_name: str
    emergency_contact_phone: str
    check_in_minutes: int = 60
    map_note: str = ""
    details: str = ""
    person_id: int | None = None


class SessionOut(Schema):
    id: int
    worker_id: int
    purpose: str
    location: str
    map_note: str
    person_id: int | None
    buddy_id: int
    check_in_minutes: int
    started_at: datetime
    expected_end: datetime
    last_check_in_at: datetime | None
    check_in_due_at: datetime
    ended_at: datetime | None


class PinIn(Schema):
    pin: str = ""


class CheckInOut(Schema):
    checked_in_at: datetime
    next_due_at: datetime


class EndedOut(Schema):
    ended_at: datetime


class AlertOut(Schema):
    id: int
    session_id: int
    kind: str
    raised_at: datetime
    tier: str
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None


class AcknowledgementOut(Schema):
    alert_id: int
    owner_id: int
    owner_name: str
    was_first: bool


RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}


def refusals_named(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a service's ValidationError as 422 JSON naming each bad field."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except DjangoValidationError as error:
            errors = (
                error.message_dict if hasattr(error, "error_dict") else {"": list(error.messages)}
            )
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" if name else " ".join(messages)
                for name, messages in errors.items()
            )
            return JsonResponse(
                {"detail": f"The request is not valid. {problems}", "errors": errors}, status=422
            )

    return checked


def caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _own_session(request: HttpRequest, session_id: int) -> LoneWorkingSession:
    user = caller(request)
    session = services.get_session_for(user, session_id, channel="api")
    if session.worker_id != user.pk:
        raise PermissionDenied("Only the worker on this session can do this.")
    return session


@router.get(
    "/sessions",
    url_name="safety_sessions",  # one name per path: the URL is the same whatever the method
    response=list[SessionOut],
    summary="Running sessions the caller may see: their own, those they buddy, all for managers",
)
def sessions(request: HttpRequest) -> list[LoneWorkingSession]:
    user = caller(request)
    if is_manager(user):
        return list(services.active_sessions(user))
    own = services.active_session_of(user)
    return ([own] if own else []) + list(services.sessions_buddied_by(user))


@router.post(
    "/sessions",
    url_name="safety_sessions",
    response={201: SessionOut, **RESPONSES},
    summary="Start a lone-working session",
)
@refusals_named
def start_session(request: HttpRequest, payload: SessionIn) -> Status:
    plan = services.SessionPlan(**payload.dict())
    return Status(201, services.start_lone_working(caller(request), plan))


@router.get(
    "/sessions/{loneworkingsession_id}",
    response={200: SessionOut, **RESPONSES},
    summary="One session (its worker, their buddy and managers)",
)
def session(request: HttpRequest, loneworkingsession_id: int) -> LoneWorkingSession:
    return services.get_session_for(caller(request), loneworkingsession_id, channel="api")


@router.post(
    "/sessions/{loneworkingsession_id}/check-in",
    response={200: CheckInOut, **RESPONSES},
    summary="Check in (the worker only); a PIN is optional",
)
@refusals_named
def check_in(request: HttpRequest, loneworkingsession_id: int, payload: PinIn) -> CheckInOut:
    own = _own_session(request, loneworkingsession_id)
    result = services.check_in(caller(request), own, pin=payload.pin)
    return CheckInOut(checked_in_at=result.checked_in_at, next_due_at=result.next_due_at)


@router.post(
    "/sessions/{loneworkingsession_id}/end",
    response={200: EndedOut, **RESPONSES},
    summary="End the session safely (the worker only); a PIN is optional",
)
@refusals_named
def end(request: HttpRequest, loneworkingsession_id: int, payload: PinIn) -> EndedOut:
    own = _own_session(request, loneworkingsession_id)
    ended = services.end_session(caller(request), own, pin=payload.pin)
    return EndedOut(ended_at=ended.ended_at)


@router.post(
    "/sessions/{loneworkingsession_id}/panic",
    response={201: AlertOut, **RESPONSES},
    summary="Raise the alarm to everyone on the ladder at once (the worker only)",
)
def panic(request: HttpRequest, loneworkingsession_id: int) -> Status:
    own = _own_session(request, loneworkingsession_id)
    return Status(201, services.press_panic(caller(request), own))


@router.get("/alerts", response=list[AlertOut], summary="Open alerts the caller may see")
def alerts(request: HttpRequest) -> list[SafetyAlert]:
    return list(services.open_alerts_for(caller(request)))


@router.post(
    "/alerts/{safetyalert_id}/acknowledge",
    response={200: AcknowledgementOut, **RESPONSES},
    summary="Acknowledge an alert: the first to do so owns it",
)
@refusals_named
def acknowledge(request: HttpRequest, safetyalert_id: int) -> AcknowledgementOut:
    user = caller(request)
    alert = services.get_alert_for(user, safetyalert_id, channel="api")
    answer = services.acknowledge_alert(user, alert)
    return AcknowledgementOut(
        alert_id=alert.pk,
        owner_id=answer.owner.pk,
        owner_name=answer.owner.full_name,
        was_first=answer.was_first,
    )
