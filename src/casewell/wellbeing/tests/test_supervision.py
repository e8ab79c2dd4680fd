"""Supervision: scheduling (recurring), attendance, private records and the clinical rule."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from casewell.jobs.testing import run_queued_tasks
from casewell.notify.models import Notification
from casewell.offices.models import AccessLogEntry, AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.supervision import (
    SessionPlan,
    clinical_supervision_due,
    overdue_clinical_supervision,
    read_record,
    record_attendance,
    records_for,
    schedule_supervision,
    set_clinical_per_year,
    write_record,
)
from casewell.wellbeing.supervision_alerts import alert_managers_of_overdue_supervision

LONDON = zoneinfo.ZoneInfo("Europe/London")
PRIVATE = "Finding the eviction cases hard since my own move"


def clinical(cast, who, starts_at, *, attended=True):
    (session,) = schedule_supervision(cast.ben, SessionPlan(
        kind="clinical", supervisor_id=cast.ben.pk, supervisee_ids=[who.pk],
        starts_at=starts_at, facilitator="Dr Rhodes",
    ))  # fmt: skip
    if starts_at <= timezone.now():
        record_attendance(cast.ben, session, [who.pk] if attended else [])
    return session


def one_to_one(cast, supervisor, supervisee, starts_at=None):
    (session,) = schedule_supervision(supervisor, SessionPlan(
        kind="one_to_one", supervisor_id=supervisor.pk, supervisee_ids=[supervisee.pk],
        starts_at=starts_at or timezone.now() - timedelta(hours=1),
    ))  # fmt: skip
    return session


def test_a_recurring_session_keeps_its_local_time_across_the_clock_change(cast):
    first = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)  # GMT; the clocks go forward on 28 March
    sessions = schedule_supervision(cast.ben, SessionPlan(
        kind="group", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk, cast.wes.pk],
        starts_at=first, every_weeks=4, occurrences=4, minutes=90,
    ))  # fmt: skip
    starts = [s.starts_at.astimezone(LONDON) for s in sessions]
    assert [d.date() for d in starts] == [
        date(2027, 3, 1),
        date(2027, 3, 29),
        date(2027, 4, 26),
        date(2027, 5, 24),
    ]
    assert {d.time() for d in starts} == {time(10, 0)}
    assert all(s.ends_at - s.starts_at == timedelta(minutes=90) for s in sessions)
    assert len({s.series_id for s in sessions}) == 1 and sessions[0].series_id is not None


def test_a_series_needs_an_interval_and_one_to_one_is_for_one_person(cast):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError, match="weeks apart"):
        schedule_supervision(
            cast.ben,
            SessionPlan(
                kind="group",
                supervisor_id=cast.ben.pk,
                supervisee_ids=[cast.ada.pk],
                starts_at=start,
                occurrences=3,
            ),
        )
    with pytest.raises(ValidationError, match="for one person"):
        schedule_supervision(
            cast.ben,
            SessionPlan(
                kind="one_to_one",
                supervisor_id=cast.ben.pk,
                supervisee_ids=[cast.ada.pk, cast.wes.pk],
                starts_at=start,
            ),
        )
    with pytest.raises(ValidationError, match="staff from your office"):
        schedule_supervision(
            cast.ben,
            SessionPlan(
                kind="group",
                supervisor_id=cast.ben.pk,
                supervisee_ids=[cast.cleo.pk],
                starts_at=start,
            ),
        )


def test_only_managers_book_sessions_someone_else_holds(cast):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        schedule_supervision(
            cast.ada,
            SessionPlan(
                kind="one_to_one",
                supervisor_id=cast.ben.pk,
                supervisee_ids=[cast.wes.pk],
                starts_at=start,
            ),
        )
    # A caseworker may book reflective practice they hold themselves.
    assert schedule_supervision(cast.wes, SessionPlan(
        kind="reflective", supervisor_id=cast.wes.pk, supervisee_ids=[cast.ada.pk, cast.ivy.pk],
        starts_at=start))  # fmt: skip


def test_a_record_is_read_by_the_supervisee_and_supervisor_only_and_each_read_is_logged(cast):
    session = one_to_one(cast, cast.wes, cast.ada)
    record = write_record(
        cast.ada, session, cast.ada.pk, text=PRIVATE, actions=[("Ask for a lighter caseload", None)]
    )
    assert read_record(cast.wes, record.pk).text == PRIVATE
    assert read_record(cast.ada, record.pk).text == PRIVATE
    for outsider in (cast.ben, cast.amir, cast.mo, cast.cleo):
        with pytest.raises(Http404):
            read_record(outsider, record.pk)
        assert records_for(outsider) == []
    with bind_office(cast.north):
        reads = list(
            AccessLogEntry.objects.filter(subject_type="wellbeing.SupervisionRecord").values_list(
                "user_id", flat=True
            )
        )
        audit = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert sorted(reads) == sorted([cast.wes.pk, cast.ada.pk])
    assert PRIVATE not in audit and "lighter caseload" not in audit


def test_a_manager_who_is_neither_cannot_read_or_write_a_record(cast, client_for):
    session = one_to_one(cast, cast.wes, cast.ada)
    record = write_record(cast.wes, session, cast.ada.pk, text=PRIVATE)
    with pytest.raises(PermissionDenied):
        write_record(cast.ben, session, cast.ada.pk, text="Overwritten")
    response = client_for(cast.ben).get(f"/wellbeing/supervision/records/{record.pk}/")
    assert response.status_code == 404
    page = client_for(cast.ben).get(f"/wellbeing/supervision/sessions/{session.pk}/")
    assert page.status_code == 200 and PRIVATE not in page.content.decode()
    assert (
        client_for(cast.ada)
        .get(f"/wellbeing/supervision/records/{record.pk}/")
        .content.decode()
        .count(PRIVATE)
        == 1
    )


def test_clinical_supervision_is_due_twice_a_year_by_default(cast):
    today = timezone.localdate()
    clinical(cast, cast.ada, timezone.now() - timedelta(days=150))
    clinical(cast, cast.wes, timezone.now() - timedelta(days=200))
    due = {row.user: row for row in clinical_supervision_due(cast.north, today)}
    assert not due[cast.ada].overdue_on(today)
    assert due[cast.wes].overdue_on(today)
    assert due[cast.ada].due_on == due[cast.ada].last_on + timedelta(days=182)


def test_someone_who_joined_over_half_a_year_ago_and_never_had_it_is_overdue(cast):
    later = timezone.localdate() + timedelta(days=200)
    overdue = {row.user for row in overdue_clinical_supervision(cast.ben, later)}
    assert {cast.ada, cast.ben, cast.ivy, cast.wes} <= overdue
    assert cast.amir not in overdue and cast.mo not in overdue  # no casework roles
    assert overdue_clinical_supervision(cast.ben) == []  # they have only just joined


def test_a_missed_or_cancelled_session_does_not_count(cast):
    clinical(cast, cast.ada, timezone.now() - timedelta(days=30), attended=False)
    later = timezone.localdate() + timedelta(days=200)
    assert cast.ada in {row.user for row in overdue_clinical_supervision(cast.ben, later)}


def test_an_office_can_ask_for_clinical_supervision_more_often(cast):
    clinical(cast, cast.ada, timezone.now() - timedelta(days=120))
    today = timezone.localdate()
    assert cast.ada not in {row.user for row in overdue_clinical_supervision(cast.ben, today)}
    set_clinical_per_year(cast.ben, 4)
    assert cast.ada in {row.user for row in overdue_clinical_supervision(cast.ben, today)}
    with pytest.raises(PermissionDenied):
        set_clinical_per_year(cast.ada, 12)
    with pytest.raises(PermissionDenied):
        overdue_clinical_supervision(cast.ada)


def notified(user) -> list[str]:
    """The subjects of every notification made for ``user``, held or delivered."""
    with bind_office(user.office):
        return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_managers_are_told_once_about_each_overdue_person(cast):
    clinical(cast, cast.ada, timezone.now() - timedelta(days=200))
    today = timezone.localdate()
    assert alert_managers_of_overdue_supervision(cast.north, today) >= 1
    # Told through the one delivery function, so held until Ben's working hours if need be.
    assert any("Ada Lovelace" in subject for subject in notified(cast.ben))
    assert not any("Ada Lovelace" in subject for subject in notified(cast.ada))
    sent = len(notified(cast.ben))
    assert alert_managers_of_overdue_supervision(cast.north, today) == 0
    assert len(notified(cast.ben)) == sent


def test_the_daily_job_alerts_managers_and_is_safe_to_run_twice(cast):
    from casewell.wellbeing.tasks import alert_overdue_supervision

    clinical(cast, cast.ada, timezone.now() - timedelta(days=200))
    alert_overdue_supervision.enqueue()
    run_queued_tasks()
    first = len(notified(cast.ben))
    assert first >= 1
    alert_overdue_supervision.enqueue()
    run_queued_tasks()
    assert len(notified(cast.ben)) == first


def test_attendance_is_recorded_by_the_supervisor_once_the_session_has_started(cast):
    future = schedule_supervision(cast.ben, SessionPlan(
        kind="group", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk],
        starts_at=timezone.now() + timedelta(days=1)))[0]  # fmt: skip
    with pytest.raises(ValidationError, match="once the session has started"):
        record_attendance(cast.ben, future, [cast.ada.pk])
    past = one_to_one(cast, cast.wes, cast.ada)
    with pytest.raises(PermissionDenied):
        record_attendance(cast.ada, past, [cast.ada.pk])
