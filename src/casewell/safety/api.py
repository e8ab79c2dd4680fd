"""API routes for lone working (start a session, check in, end, panic, answer alerts), incidents
(list, record, read, follow-up, evidence) and safety markers (list, add, review, remove).

Each call runs inside the caller's office (see ``casewell.api``); sessions and
alerts are looked up with the same ``get_*_for`` as the pages (404 for anything
the caller may not see) and every change goes through ``safety.services``. A
service's refusal answers 422 with ``{"detail": "...", "errors": {"field":
["message", ...]}}``. A check-in or end with the duress PIN answers exactly as
one without it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.offices.permissions import is_manager
from casewell.people.services import get_person_for
from casewell.safety import evidence, markers, services
from casewell.safety import incidents as incident_log
from casewell.safety.models import (
    EvidenceLink,
    Incident,
    LoneWorkingSession,
    SafetyAlert,
    SafetyMarker,
)

router = Router(tags=["safety"])


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
    case_id: int | None = None


class SessionOut(Schema):
    id: int
    worker_id: int
    purpose: str
    location: str
    map_note: str
    person_id: int | None
    case_id: int | None
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


# --- Incidents ---------------------------------------------------------------------------------


class IncidentIn(Schema):
    channel: str
    happened_on: date | None = None
    what_happened: str
    person_id: int | None = None
    targeted_ids: list[int] = []


class FollowUpIn(Schema):
    police_force: str | None = None
    police_reference: str | None = None
    referred_to: str | None = None
    outcome: str | None = None


class EvidenceIn(Schema):
    timeline_entry_id: int | None = None
    stored_file_id: int | None = None
    note: str = ""


class EvidenceOut(Schema):
    id: int
    incident_id: int
    timeline_entry_id: int | None
    stored_file_id: int | None
    source: str
    note: str
    linked_by_id: int
    linked_at: datetime


class IncidentOut(Schema):
    id: int
    person_id: int | None
    channel: str
    happened_on: date
    what_happened: str
    targeted_ids: list[int]
    recorded_by_id: int
    recorded_at: datetime
    police_force: str
    police_reference: str
    referred_to: str
    outcome: str

    @staticmethod
    def resolve_targeted_ids(incident: Incident) -> list[int]:
        return sorted(member.pk for member in incident.targeted.all())


@router.get(
    "/incidents",
    url_name="safety_incidents",
    response=list[IncidentOut],
    summary="Incidents the caller may see (managers all; others theirs)",
)
def list_incidents(request: HttpRequest) -> list[Incident]:
    return list(incident_log.incidents_for(caller(request)).prefetch_related("targeted")[:500])


@router.post(
    "/incidents",
    url_name="safety_incidents",
    response={201: IncidentOut, **RESPONSES},
    summary="Record abusive or threatening contact",
)
@refusals_named
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status:
    return Status(201, incident_log.record_incident(caller(request), **payload.dict()))


@router.get(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **RESPONSES},
    summary="One incident (managers, its recorder and those it was aimed at); read logged",
)
def read_incident(request: HttpRequest, incident_id: int) -> Incident:
    return incident_log.get_incident_for(caller(request), incident_id, channel="api")


@router.post(
    "/incidents/{incident_id}/follow-up",
    response={200: IncidentOut, **RESPONSES},
    summary="Record the police report, referral and outcome (managers, the recorder)",
)
@refusals_named
def follow_up(request: HttpRequest, incident_id: int, payload: FollowUpIn) -> Incident:
    user = caller(request)
    record = incident_log.get_incident_for(user, incident_id, channel="api")
    changes = {name: value for name, value in payload.dict().items() if value is not None}
    return incident_log.record_follow_up(user, record, **changes)


@router.get(
    "/incidents/{incident_id}/evidence",
    url_name="safety_incident_evidence",
    response={200: list[EvidenceOut], **RESPONSES},
    summary="What the incident keeps as evidence (held from deletion)",
)
def list_evidence(request: HttpRequest, incident_id: int) -> list[EvidenceLink]:
    record = incident_log.get_incident_for(caller(request), incident_id, channel="api")
    return evidence.evidence_of(record)


@router.post(
    "/incidents/{incident_id}/evidence",
    url_name="safety_incident_evidence",
    response={201: EvidenceOut, **RESPONSES},
    summary="Keep a timeline entry or (managers) a stored file as evidence",
)
@refusals_named
def add_evidence(request: HttpRequest, incident_id: int, payload: EvidenceIn) -> Status:
    user = caller(request)
    record = incident_log.get_incident_for(user, incident_id, channel="api")
    return Status(201, evidence.link_evidence(user, record, **payload.dict()))


# --- Safety markers ----------------------------------------------------------------------------


class MarkerIn(Schema):
    kind: str
    note: str = ""
    review_on: date | None = None


class ReviewIn(Schema):
    review_on: date | None = None
    note: str | None = None


class MarkerOut(Schema):
    id: int
    person_id: int
    kind: str
    kind_label: str
    note: str
    review_on: date
    added_by_id: int
    added_at: datetime
    removed_at: datetime | None

    @staticmethod
    def resolve_kind_label(marker: SafetyMarker) -> str:
        return marker.get_kind_display()


@router.get(
    "/people/{person_id}/markers",
    url_name="safety_person_markers",
    response={200: list[MarkerOut], **RESPONSES},
    summary="A person's current safety markers",
)
def list_markers(request: HttpRequest, person_id: int) -> list[SafetyMarker]:
    person = get_person_for(caller(request), person_id, channel="api")
    return markers.markers_for(person)


@router.post(
    "/people/{person_id}/markers",
    url_name="safety_person_markers",
    response={201: MarkerOut, **RESPONSES},
    summary="Add a safety marker (managers)",
)
@refusals_named
def add_marker(request: HttpRequest, person_id: int, payload: MarkerIn) -> Status:
    user = caller(request)
    person = get_person_for(user, person_id, channel="api")
    return Status(201, markers.add_safety_marker(user, person, **payload.dict()))


@router.post(
    "/markers/{safetymarker_id}/review",
    response={200: MarkerOut, **RESPONSES},
    summary="Keep a marker after review: its next review date (managers)",
)
@refusals_named
def review_marker(request: HttpRequest, safetymarker_id: int, payload: ReviewIn) -> SafetyMarker:
    user = caller(request)
    marker = markers.get_marker_for(user, safetymarker_id)
    return markers.review_safety_marker(user, marker, **payload.dict())


@router.post(
    "/markers/{safetymarker_id}/remove",
    response={200: MarkerOut, **RESPONSES},
    summary="Take a marker off (kept on record as removed; managers)",
)
@refusals_named
def remove_marker(request: HttpRequest, safetymarker_id: int) -> SafetyMarker:
    user = caller(request)
    marker = markers.get_marker_for(user, safetymarker_id)
    markers.remove_safety_marker(user, marker)
    return markers.get_marker_for(user, safetymarker_id)
