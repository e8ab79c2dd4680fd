"""Out-of-hours working: each person sees their own weeks; managers only team totals."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.core.exceptions import PermissionDenied

from casewell.notify import out_of_hours
from casewell.notify.tests.conftest import works_in
from casewell.offices.audit import record_event
from casewell.offices.models import Nation, Team, TeamMembership
from casewell.offices.tenancy import bind_office

pytestmark = pytest.mark.django_db

NOW = datetime.fromisoformat("2026-03-13T12:00:00+00:00")  # Friday
EVENING = datetime.fromisoformat("2026-03-10T21:00:00+00:00")  # Tuesday evening
AFTERNOON = datetime.fromisoformat("2026-03-10T14:00:00+00:00")


def act(user, at: datetime, times: int = 1) -> None:
    from casewell.offices.models import AuditEntry

    with bind_office(user.office_id, actor=user):
        for _ in range(times):
            entry = record_event(user.office_id, "other", actor=user, detail="worked")
            AuditEntry.objects.filter(pk=entry.pk).update(at=at)


@pytest.fixture
def housing(cast):
    with bind_office(cast.north):
        team = Team.objects.create(name="Housing")
        for person in (cast.ada, cast.wes, cast.ivy):
            TeamMembership.objects.create(team=team, user=person)
        small = Team.objects.create(name="Benefits")
        TeamMembership.objects.create(team=small, user=cast.ada)
    return team


def this_week(rows):
    return rows[-1]


def test_a_person_sees_their_own_evening_work(cast):
    act(cast.ada, EVENING, times=3)
    act(cast.ada, AFTERNOON, times=5)
    week = this_week(out_of_hours.my_out_of_hours(cast.ada, now=NOW))
    assert week.week_starting.isoformat() == "2026-03-09"
    assert (week.actions, week.days) == (3, 1)


def test_their_own_pattern_decides_what_is_out_of_hours(cast):
    works_in(cast.ada, Nation.ENGLAND, days={1: (time(13), time(22))})
    act(cast.ada, EVENING)
    assert this_week(out_of_hours.my_out_of_hours(cast.ada, now=NOW)).actions == 0


def test_managers_see_team_totals_and_small_teams_are_not_shown(cast, housing):
    act(cast.ada, EVENING, times=2)
    act(cast.wes, EVENING)
    rows = {row.team: row for row in out_of_hours.team_out_of_hours(cast.ben, now=NOW)}
    week = this_week(rows["Housing"].weeks)
    assert (week.people, week.actions) == (2, 3)
    assert rows["Benefits"].weeks is None  # one person: would name Ada
    assert this_week(rows["Whole office"].weeks).people == 2


def test_only_managers_see_team_totals(cast, housing):
    with pytest.raises(PermissionDenied):
        out_of_hours.team_out_of_hours(cast.ada, now=NOW)


def test_another_office_is_never_counted(cast, housing):
    act(cast.cleo, EVENING, times=4)
    rows = {row.team: row for row in out_of_hours.team_out_of_hours(cast.ben, now=NOW)}
    assert this_week(rows["Whole office"].weeks).actions == 0
    south = out_of_hours.team_out_of_hours(cast.cleo, now=NOW)
    assert [row.team for row in south] == ["Whole office"]
    assert south[0].weeks is None  # South has one person
