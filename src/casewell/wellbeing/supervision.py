"""Supervision: scheduling sessions (once or every few weeks), attendance, private records
with agreed actions, and the rule that everyone has clinical supervision often enough.

Who may: managers schedule any session; anyone may schedule sessions they hold
themselves. The supervisor (or a manager) records attendance. A session's
*records* are private to the supervisee and the supervisor: nobody else reads
them, managers and administrators included; every read is logged (access log)
and the text never enters the audit trail.

Clinical supervision is due ``clinical_per_year`` times a year (twice, unless the
office changes it): someone is overdue when their last attended clinical session
(or, with none, the day they joined) is longer ago than a year divided by that.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from casewell.offices.models import Office, Role, User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.meeting_times import clash_warning
from casewell.wellbeing.models import (
    AgreedAction,
    SupervisionAttendee,
    SupervisionKind,
    SupervisionPolicy,
    SupervisionRecord,
    SupervisionSeries,
    SupervisionSession,
)

MAX_OCCURRENCES = 52
MAX_EVERY_WEEKS = 26
# Who is expected to have clinical supervision: the people doing the casework.
SUPERVISED_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.INTERN)


# --- Scheduling ------------------------------------------------------------------------------


@dataclass
class SessionPlan:
    kind: str
    supervisor_id: int
    supervisee_ids: list[int]
    starts_at: datetime | None
    minutes: int = 60
    place: str = ""
    facilitator: str = ""
    every_weeks: int | None = None
    occurrences: int = 1


def repeat_times(first: datetime, every_weeks: int, occurrences: int, zone_name: str
                 ) -> list[datetime]:  # fmt: skip
    """The starts of a recurring session: the same local time every ``every_weeks`` weeks,
    across clock changes (10:00 in winter stays 10:00 in summer)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    local = first.astimezone(zone).replace(tzinfo=None)
    return [
        (local + timedelta(weeks=every_weeks * n)).replace(tzinfo=zone) for n in range(occurrences)
    ]


def _check_plan(user: User, plan: SessionPlan) -> tuple[User, list[User]]:
    problems: dict[str, str] = {}
    if plan.kind not in SupervisionKind.values:
        problems["kind"] = "Choose the kind of supervision"
    if plan.starts_at is None:
        problems["starts_at"] = "Enter when the session starts"
    if not 15 <= plan.minutes <= 8 * 60:
        problems["minutes"] = "A session lasts between 15 minutes and 8 hours"
    if plan.every_weeks is not None and not 1 <= plan.every_weeks <= MAX_EVERY_WEEKS:
        problems["every_weeks"] = f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks"
    if not 1 <= plan.occurrences <= MAX_OCCURRENCES:
        problems["occurrences"] = f"Schedule between 1 and {MAX_OCCURRENCES} sessions"
    if plan.occurrences > 1 and plan.every_weeks is None:
        problems["every_weeks"] = "Say how many weeks apart the sessions are"
    supervisees = list(
        User.objects.filter(office_id=user.office_id, is_active=True, pk__in=plan.supervisee_ids)
    )
    supervisor = User.objects.filter(
        office_id=user.office_id, is_active=True, pk=plan.supervisor_id
    ).first()
    if supervisor is None:
        problems["supervisor"] = "Choose the supervisor from your office"
    if not plan.supervisee_ids:
        problems["supervisees"] = "Choose who the session is for"
    elif len(supervisees) != len(set(plan.supervisee_ids)):
        problems["supervisees"] = "Choose staff from your office"
    elif plan.kind == SupervisionKind.ONE_TO_ONE and len(supervisees) != 1:
        problems["supervisees"] = "One-to-one supervision is for one person"
    elif supervisor is not None and supervisor in supervisees:
        problems["supervisees"] = "The supervisor cannot also be supervised in the session"
    if problems:
        raise ValidationError(problems)
    assert supervisor is not None
    if not is_manager(user) and supervisor.pk != user.pk:
        raise PermissionDenied("Only managers schedule sessions that someone else holds.")
    return supervisor, supervisees


def _in_office_time(office: Office, moment: datetime) -> datetime:
    # A time given without a zone (through the API, say) is the office's local time.
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=zoneinfo.ZoneInfo(office.time_zone))
    return moment


def book_supervision(user: User, plan: SessionPlan, *, book_anyway: bool = False
                     ) -> list[SupervisionSession]:  # fmt: skip
    """``schedule_supervision``, refusing a session that starts in one of the office's
    no-meeting times unless ``book_anyway``: the booking page's warning, for callers that
    cannot be shown one first (the API). Causes what ``schedule_supervision`` causes."""
    if plan.starts_at is not None and not book_anyway:
        start = _in_office_time(user.office, plan.starts_at)
        warning = clash_warning(user.office, start, start + timedelta(minutes=plan.minutes))
        if warning:
            raise ValidationError({"starts_at": f"{warning} Choose another time, or book it "
                                                "anyway."})  # fmt: skip
    return schedule_supervision(user, plan)


def schedule_supervision(user: User, plan: SessionPlan) -> list[SupervisionSession]:
    """Schedule a session, or a series every ``every_weeks`` weeks (``occurrences`` of them).

    Requires a manager, or the supervisor scheduling their own sessions; staff of the office;
    one supervisee for one-to-one supervision. Causes the sessions, their attendees (and the
    series), audit entries. A clash with a no-meeting time is the form's to warn about.
    """
    with bind_office(user.office, actor=user), transaction.atomic():
        supervisor, supervisees = _check_plan(user, plan)
        assert plan.starts_at is not None
        first = _in_office_time(user.office, plan.starts_at)
        series = None
        if plan.occurrences > 1:
            assert plan.every_weeks is not None
            series = SupervisionSeries.objects.create(
                kind=plan.kind, every_weeks=plan.every_weeks, created_by=user
            )
        starts = repeat_times(first, plan.every_weeks or 1, plan.occurrences,
                              user.office.time_zone)  # fmt: skip
        sessions = []
        for start in starts:
            session = SupervisionSession.objects.create(
                kind=plan.kind, series=series, supervisor=supervisor, starts_at=start,
                ends_at=start + timedelta(minutes=plan.minutes), place=plan.place.strip(),
                facilitator=plan.facilitator.strip(),
            )  # fmt: skip
            SupervisionAttendee.objects.bulk_create(
                [SupervisionAttendee(office_id=user.office_id, session=session, user=person)
                 for person in supervisees]
            )  # fmt: skip
            sessions.append(session)
        return sessions


def may_run(user: User, session: SupervisionSession) -> bool:
    """Whether the user runs the session: its supervisor, or a manager (attendance, cancel)."""
    return session.supervisor_id == user.pk or is_manager(user)


def cancel_session(user: User, session: SupervisionSession) -> SupervisionSession:
    """Cancel a session. Requires its supervisor or a manager. Causes an audit entry."""
    if not may_run(user, session):
        raise PermissionDenied("Only the supervisor or a manager can cancel a session.")
    with bind_office(user.office, actor=user), transaction.atomic():
        if session.cancelled_at is None:
            session.cancelled_at = timezone.now()
            session.save(update_fields=["cancelled_at"])
    return session


def record_attendance(user: User, session: SupervisionSession, attended_ids: Iterable[int]) -> None:
    """Who came: the ones named attended, the session's other supervisees did not.

    Requires the supervisor or a manager, a session that has started and was not
    cancelled, and only people invited to it. Causes audit entries.
    """
    if not may_run(user, session):
        raise PermissionDenied("Only the supervisor or a manager records attendance.")
    if session.cancelled_at is not None:
        raise ValidationError("This session was cancelled")
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the session has started")
    came = {int(pk) for pk in attended_ids}
    with bind_office(user.office, actor=user), transaction.atomic():
        rows = list(SupervisionAttendee.objects.filter(session=session))
        if came - {row.user_id for row in rows}:
            raise ValidationError({"attended": "Choose people invited to this session"})
        for row in rows:
            attended = row.user_id in came
            if row.attended != attended:
                row.attended = attended
                row.save(update_fields=["attended"])


def sessions_for(user: User, since: datetime | None = None) -> list[SupervisionSession]:
    """Sessions the user holds or is invited to (from ``since``, if given), soonest first."""
    with bind_office(user.office, actor=user):
        sessions = SupervisionSession.objects.filter(Q(supervisor=user) | Q(attendees__user=user))
        if since is not None:
            sessions = sessions.filter(starts_at__gte=since)
        return list(sessions.distinct().select_related("supervisor").order_by("starts_at", "id"))


def get_session_for(user: User, supervisionsession_id: Any) -> SupervisionSession:
    """A session the user holds or attends, or any session for a manager; else 404."""
    with bind_office(user.office, actor=user):
        session = get_for(user, SupervisionSession, supervisionsession_id)
        if not (may_run(user, session) or session.attendees.filter(user=user).exists()):
            raise Http404("No supervision session found.")
        return session


def attendees_of(session: SupervisionSession) -> list[SupervisionAttendee]:
    with bind_office(session.office_id):
        return list(session.attendees.select_related("user").order_by("user__full_name"))


# --- Private records -------------------------------------------------------------------------


def may_write_record(user: User, session: SupervisionSession, supervisee: User) -> bool:
    return user.pk in (session.supervisor_id, supervisee.pk)


def write_record(
    user: User,
    session: SupervisionSession,
    supervisee_id: int,
    *,
    text: str,
    actions: Iterable[tuple[str, date | None]] = (),
) -> SupervisionRecord:
    """Write (or rewrite) the private record of one supervisee at a session, with actions.

    Requires the session's supervisor or that supervisee (a manager who is neither may
    not); a supervisee invited to the session; some text. Causes the record and any new
    agreed actions; the audit trail notes the change without the words.
    """
    with bind_office(user.office, actor=user):
        # Someone who could write no record at this session is refused before their input
        # is looked at, as the session page refuses them.
        if user.pk != session.supervisor_id and not session.attendees.filter(user=user).exists():
            raise PermissionDenied("Only the supervisee and the supervisor write records.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write what was discussed"})
    with bind_office(user.office, actor=user), transaction.atomic():
        attendee = session.attendees.filter(user_id=supervisee_id).select_related("user").first()
        if attendee is None:
            raise ValidationError({"supervisee": "Choose someone invited to this session"})
        if not may_write_record(user, session, attendee.user):
            raise PermissionDenied("Only the supervisee and the supervisor write this record.")
        record = SupervisionRecord.objects.filter(session=session, supervisee=attendee.user).first()
        if record is None:
            record = SupervisionRecord.objects.create(
                session=session, supervisee=attendee.user, text=text, written_by=user
            )
        elif record.text != text:
            record.text, record.written_by, record.updated_at = text, user, timezone.now()
            record.save(update_fields=["text", "written_by", "updated_at"])
        for action, due_on in actions:
            if action.strip():
                AgreedAction.objects.create(record=record, text=action.strip()[:300], due_on=due_on)
        return record


def records_for(user: User) -> list[SupervisionRecord]:
    """The records the user may read (their own, and those of sessions they hold); listing
    names them only, so nothing is logged until one is opened."""
    with bind_office(user.office, actor=user):
        return list(
            SupervisionRecord.objects.filter(Q(supervisee=user) | Q(session__supervisor=user))
            .select_related("session", "supervisee")
            .order_by("-session__starts_at", "id")
        )


def read_record(user: User, supervisionrecord_id: Any, *, channel: str = "page"
                ) -> SupervisionRecord:  # fmt: skip
    """One record for its supervisee or supervisor (404 for anyone else). Logs the read."""
    with bind_office(user.office, actor=user):
        return get_for(user, SupervisionRecord, supervisionrecord_id, channel=channel)


def actions_of(record: SupervisionRecord) -> list[AgreedAction]:
    with bind_office(record.office_id):
        return list(record.actions.all())


def mark_action_done(user: User, agreedaction_id: Any) -> AgreedAction:
    with bind_office(user.office, actor=user), transaction.atomic():
        action = get_for(user, AgreedAction, agreedaction_id)
        if action.done_at is None:
            action.done_at = timezone.now()
            action.save(update_fields=["done_at"])
        return action


# --- How often clinical supervision is due ---------------------------------------------------


def clinical_per_year(office: Office | int) -> int:
    with bind_office(office):
        policy = SupervisionPolicy.objects.first()
    return policy.clinical_per_year if policy else 2


def set_clinical_per_year(manager: User, times: int) -> SupervisionPolicy:
    """How many clinical sessions a year each person should have. Requires a manager; 1–12."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers set how often clinical supervision is due.")
    if not 1 <= times <= 12:
        raise ValidationError({"clinical_per_year": "Choose between 1 and 12 times a year"})
    with bind_office(manager.office, actor=manager), transaction.atomic():
        policy, _ = SupervisionPolicy.objects.get_or_create(office_id=manager.office_id)
        if policy.clinical_per_year != times:
            policy.clinical_per_year = times
            policy.save(update_fields=["clinical_per_year"])
        return policy


@dataclass
class ClinicalDue:
    user: User
    last_on: date | None
    due_on: date
    next_booked: date | None

    def overdue_on(self, today: date) -> bool:
        return self.due_on < today


def clinical_supervision_due(office: Office, today: date | None = None) -> list[ClinicalDue]:
    """For each active member of staff who does casework: when they last had clinical
    supervision, when the next is due, and the next one booked. Three queries."""
    today = today or timezone.localdate()
    gap = timedelta(days=365 // clinical_per_year(office))
    with bind_office(office):
        people = list(
            User.objects.filter(
                office=office, is_active=True, staff_roles__role__in=SUPERVISED_ROLES
            )
            .distinct()
            .order_by("full_name")
        )
        attended = SupervisionAttendee.objects.filter(
            session__kind=SupervisionKind.CLINICAL, session__cancelled_at=None, attended=True
        )
        last = dict(
            attended.values("user_id").annotate(last=Max("session__starts_at"))
            .values_list("user_id", "last").order_by()
        )  # fmt: skip
        booked: dict[int, datetime] = {}
        for user_id, starts in (
            SupervisionAttendee.objects.filter(
                session__kind=SupervisionKind.CLINICAL, session__cancelled_at=None,
                session__starts_at__gt=timezone.now(),
            ).values_list("user_id", "session__starts_at").order_by("session__starts_at")
        ):  # fmt: skip
            booked.setdefault(user_id, starts)
    rows = []
    for person in people:
        last_on = timezone.localdate(last[person.pk]) if person.pk in last else None
        since = last_on or timezone.localdate(person.date_joined)
        next_on = timezone.localdate(booked[person.pk]) if person.pk in booked else None
        rows.append(ClinicalDue(person, last_on, since + gap, next_on))
    return rows


def overdue_clinical_supervision(manager: User, today: date | None = None) -> list[ClinicalDue]:
    """Who in the office is overdue clinical supervision. Requires a manager."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers see who is overdue supervision.")
    today = today or timezone.localdate()
    return [row for row in clinical_supervision_due(manager.office, today)
            if row.overdue_on(today)]  # fmt: skip
