"""API routes for supervision and the calendar link: the same services and checks as the pages.

Sessions are the caller's own (held or attended); a manager reaches any session of the office
by id, as on the pages, and alone sees who is overdue clinical supervision. A record is read
only by its supervisee and supervisor, and every read through the API is logged (channel
"api"); listings and answers to writes name records without their words. A refusal answers
422 naming the field; someone outside a session gets 404, someone who may not act 403.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.wellbeing import calendar_feed, supervision
from casewell.wellbeing.models import SupervisionRecord, SupervisionSession

router = Router(tags=["wellbeing"])
RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}
# The most agreed actions one write may add (the page offers a few rows at a time).
MAX_ACTIONS = 10


class PersonOut(Schema):
    id: int
    name: str


class AttendeeOut(Schema):
    user_id: int
    name: str
    attended: bool | None


class SessionOut(Schema):
    id: int
    kind: str
    kind_label: str
    supervisor: PersonOut
    facilitator: str
    place: str
    starts_at: datetime
    ends_at: datetime
    cancelled_at: datetime | None
    series_id: int | None


class RecordSummaryOut(Schema):
    """A record named, without its words: reading those is logged."""

    id: int
    session_id: int
    supervisee: PersonOut
    updated_at: datetime


class SessionDetailOut(SessionOut):
    attendees: list[AttendeeOut]
    records: list[RecordSummaryOut]
    runs: bool = Field(description="The caller may record attendance and cancel")
    may_write_record_for: list[int] = Field(description="Whose record the caller may write")


class BookingIn(Schema):
    kind: str = Field(description="one_to_one, group, clinical or reflective")
    supervisor_id: int
    supervisee_ids: list[int]
    starts_at: datetime = Field(description="Without a zone, the office's local time")
    minutes: int = 60
    place: str = Field("", max_length=200)
    facilitator: str = Field("", max_length=200, description="A clinical supervisor from outside")
    every_weeks: int | None = Field(None, description="Repeat every so many weeks")
    occurrences: int = Field(1, description="How many sessions in the series")
    book_anyway: bool = Field(False, description="Book even in a no-meeting time")


class AttendanceIn(Schema):
    attended_ids: list[int]


class ActionIn(Schema):
    text: str = Field(max_length=300)
    due_on: date | None = None


class RecordIn(Schema):
    supervisee_id: int
    text: str
    actions: list[ActionIn] = Field([], max_length=MAX_ACTIONS)


class ActionOut(Schema):
    id: int
    record_id: int
    due_on: date | None
    done_at: datetime | None


class ActionFullOut(ActionOut):
    text: str


class RecordOut(RecordSummaryOut):
    text: str
    actions: list[ActionFullOut]


class ClinicalDueOut(Schema):
    user_id: int
    name: str
    last_on: date | None
    due_on: date
    next_booked: date | None


class PolicyIO(Schema):
    clinical_per_year: int


class CalendarLinkOut(Schema):
    has_link: bool


class NewCalendarLinkOut(Schema):
    url: str = Field(description="Shown once: only a hash of its token is kept")


def _session(session: SupervisionSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "supervisor": {"id": session.supervisor_id, "name": session.supervisor.full_name},
        "facilitator": session.facilitator,
        "place": session.place,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "cancelled_at": session.cancelled_at,
        "series_id": session.series_id,
    }


def _record_summary(record: SupervisionRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "session_id": record.session_id,
        "supervisee": {"id": record.supervisee_id, "name": record.supervisee.full_name},
        "updated_at": record.updated_at,
    }


def _session_detail(request: HttpRequest, session: SupervisionSession) -> dict[str, Any]:
    """The session as its page shows it to the caller."""
    user = caller(request)
    attendees = supervision.attendees_of(session)
    return {
        **_session(session),
        "attendees": [
            {"user_id": row.user_id, "name": row.user.full_name, "attended": row.attended}
            for row in attendees
        ],
        "records": [
            _record_summary(record)
            for record in supervision.records_for(user)
            if record.session_id == session.pk
        ],
        "runs": supervision.may_run(user, session),
        "may_write_record_for": [
            row.user_id
            for row in attendees
            if supervision.may_write_record(user, session, row.user)
        ],
    }


# --- Sessions --------------------------------------------------------------------------------


@router.get(
    "/supervision/sessions", response=list[SessionOut],
    summary="The sessions the caller holds or is invited to, soonest first",
    url_name="wellbeing_supervision_sessions",
)  # fmt: skip
def sessions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_session(held) for held in supervision.sessions_for(caller(request))]


@router.post(
    "/supervision/sessions", response={201: list[SessionOut], **RESPONSES},
    summary="Book a session or a recurring series (managers book anyone's; others their own)",
    url_name="wellbeing_supervision_sessions",
)  # fmt: skip
@refusals_named
def book(request: HttpRequest, booking: BookingIn) -> Status:
    plan = supervision.SessionPlan(
        kind=booking.kind, supervisor_id=booking.supervisor_id,
        supervisee_ids=booking.supervisee_ids, starts_at=booking.starts_at,
        minutes=booking.minutes, place=booking.place, facilitator=booking.facilitator,
        every_weeks=booking.every_weeks, occurrences=booking.occurrences,
    )  # fmt: skip
    booked = supervision.book_supervision(caller(request), plan, book_anyway=booking.book_anyway)
    return Status(201, [_session(held) for held in booked])


@router.get(
    "/supervision/sessions/{supervisionsession_id}",
    response={200: SessionDetailOut, 404: ApiError},
    summary="One session: who is invited and came, and the records the caller may open",
)  # fmt: skip
def session(request: HttpRequest, supervisionsession_id: int) -> dict[str, Any]:
    held = supervision.get_session_for(caller(request), supervisionsession_id)
    return _session_detail(request, held)


@router.put(
    "/supervision/sessions/{supervisionsession_id}/attendance",
    response={200: SessionDetailOut, **RESPONSES},
    summary="Who came (the others invited did not); the supervisor or a manager",
)  # fmt: skip
@refusals_named
def attendance(
    request: HttpRequest, supervisionsession_id: int, came: AttendanceIn
) -> dict[str, Any]:
    user = caller(request)
    held = supervision.get_session_for(user, supervisionsession_id)
    supervision.record_attendance(user, held, came.attended_ids)
    return _session_detail(request, held)


@router.post(
    "/supervision/sessions/{supervisionsession_id}/cancel",
    response={200: SessionDetailOut, 403: ApiError, 404: ApiError},
    summary="Cancel a session; the supervisor or a manager",
)  # fmt: skip
def cancel(request: HttpRequest, supervisionsession_id: int) -> dict[str, Any]:
    user = caller(request)
    held = supervision.get_session_for(user, supervisionsession_id)
    return _session_detail(request, supervision.cancel_session(user, held))


# --- Private records -------------------------------------------------------------------------


@router.post(
    "/supervision/sessions/{supervisionsession_id}/records",
    response={200: RecordSummaryOut, **RESPONSES},
    summary="Write (or rewrite) a supervisee's private record, adding agreed actions; only "
    "that supervisee or the supervisor",
)  # fmt: skip
@refusals_named
def write_record(
    request: HttpRequest, supervisionsession_id: int, written: RecordIn
) -> dict[str, Any]:
    user = caller(request)
    held = supervision.get_session_for(user, supervisionsession_id)
    record = supervision.write_record(
        user, held, written.supervisee_id, text=written.text,
        actions=[(action.text, action.due_on) for action in written.actions],
    )  # fmt: skip
    return _record_summary(record)


@router.get(
    "/supervision/records", response=list[RecordSummaryOut],
    summary="The records the caller may open, newest session first (named only, not logged)",
)  # fmt: skip
def records(request: HttpRequest) -> list[dict[str, Any]]:
    return [_record_summary(record) for record in supervision.records_for(caller(request))]


@router.get(
    "/supervision/records/{supervisionrecord_id}", response={200: RecordOut, 404: ApiError},
    summary="One private record with its agreed actions; supervisee and supervisor only "
    "(the read is logged)",
)  # fmt: skip
def record(request: HttpRequest, supervisionrecord_id: int) -> dict[str, Any]:
    found = supervision.read_record(caller(request), supervisionrecord_id, channel="api")
    return {
        **_record_summary(found),
        "text": found.text,
        "actions": [
            {"id": action.pk, "record_id": action.record_id, "text": action.text,
             "due_on": action.due_on, "done_at": action.done_at}
            for action in supervision.actions_of(found)
        ],
    }  # fmt: skip


@router.post(
    "/supervision/actions/{agreedaction_id}/done", response={200: ActionOut, 404: ApiError},
    summary="Mark an agreed action done; supervisee and supervisor only",
)  # fmt: skip
def action_done(request: HttpRequest, agreedaction_id: int) -> Any:
    return supervision.mark_action_done(caller(request), agreedaction_id)


# --- Clinical supervision: who is overdue, and how often it is due ----------------------------


@router.get(
    "/supervision/overdue", response={200: list[ClinicalDueOut], 403: ApiError},
    summary="Who is overdue clinical supervision (managers)",
)  # fmt: skip
def overdue(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"user_id": row.user.pk, "name": row.user.full_name, "last_on": row.last_on,
         "due_on": row.due_on, "next_booked": row.next_booked}
        for row in supervision.overdue_clinical_supervision(caller(request))
    ]  # fmt: skip


@router.get(
    "/supervision/policy", response=PolicyIO,
    summary="How many clinical supervision sessions a year each person should have",
    url_name="wellbeing_supervision_policy",
)  # fmt: skip
def policy(request: HttpRequest) -> dict[str, int]:
    return {"clinical_per_year": supervision.clinical_per_year(caller(request).office_id)}


@router.put(
    "/supervision/policy", response={200: PolicyIO, **RESPONSES},
    summary="Change how often clinical supervision is due, 1 to 12 times a year (managers)",
    url_name="wellbeing_supervision_policy",
)  # fmt: skip
@refusals_named
def change_policy(request: HttpRequest, wanted: PolicyIO) -> dict[str, int]:
    changed = supervision.set_clinical_per_year(caller(request), wanted.clinical_per_year)
    return {"clinical_per_year": changed.clinical_per_year}


# --- The calendar link -----------------------------------------------------------------------


@router.get(
    "/calendar-link", response=CalendarLinkOut,
    summary="Whether the caller has a working calendar link", url_name="wellbeing_calendar_link",
)  # fmt: skip
def calendar_link(request: HttpRequest) -> dict[str, bool]:
    return {"has_link": calendar_feed.has_calendar_link(caller(request))}


@router.post(
    "/calendar-link", response={201: NewCalendarLinkOut},
    summary="Make a new calendar link (any earlier one stops working); shown only now",
    url_name="wellbeing_calendar_link",
)  # fmt: skip
def make_calendar_link(request: HttpRequest) -> Status:
    token = calendar_feed.make_calendar_link(caller(request))
    url = request.build_absolute_uri(reverse("wellbeing:calendar_feed", kwargs={"token": token}))
    return Status(201, {"url": url})


@router.delete(
    "/calendar-link", response={204: None},
    summary="Stop the caller's calendar link working", url_name="wellbeing_calendar_link",
)  # fmt: skip
def revoke_calendar_link(request: HttpRequest) -> Status:
    calendar_feed.revoke_calendar_link(caller(request))
    return Status(204, None)
