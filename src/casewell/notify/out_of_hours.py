"""Out-of-hours working: actions a person took outside their own working pattern.

Worked out from what Casewell already records (the audit trail and the access
log), by week. A person sees their own weeks. Managers see only totals per
team and week, and only for teams of at least ``MINIMUM_GROUP_SIZE`` people,
so that nobody's hours can be picked out of a figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casewell.notify import working_time
from casewell.notify.models import WorkingPattern
from casewell.notify.working_time import Pattern
from casewell.offices.models import AccessLogEntry, AuditEntry, Team, TeamMembership, User
from casewell.offices.permissions import is_manager
from casewell.offices.tenancy import bind_office

MINIMUM_GROUP_SIZE = 3
WEEKS_SHOWN = 4
# Weeks are counted Monday to Sunday in UK time, whatever each person's own zone.
WEEK_ZONE = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class MyWeek:
    week_starting: date
    actions: int
    days: int


@dataclass(frozen=True)
class TeamWeek:
    week_starting: date
    people: int
    actions: int


@dataclass(frozen=True)
class TeamRow:
    team: str
    size: int
    weeks: list[TeamWeek] | None  # None: too small a team to show


def week_start(moment: datetime) -> date:
    day = moment.astimezone(WEEK_ZONE).date()
    return day - timedelta(days=day.weekday())


def _window(now: datetime, weeks: int) -> tuple[datetime, list[date]]:
    this_week = week_start(now)
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    return datetime.combine(starts[0], time(0), tzinfo=WEEK_ZONE), starts


def _activity(office_id: int, user_ids: list[int], since: datetime) -> list[tuple[int, datetime]]:
    changes = AuditEntry.objects.filter(actor_id__in=user_ids, at__gte=since).values_list(
        "actor_id", "at"
    )
    reads = AccessLogEntry.objects.filter(user_id__in=user_ids, at__gte=since).values_list(
        "user_id", "at"
    )
    return [*changes, *reads]


def _patterns(user_ids: list[int]) -> dict[int, Pattern]:
    rows = WorkingPattern.objects.filter(user_id__in=user_ids)
    found = {row.user_id: Pattern.from_hours(row.hours, row.time_zone, row.nation) for row in rows}
    return {user_id: found.get(user_id, working_time.DEFAULT) for user_id in user_ids}


def my_out_of_hours(
    user: User, *, now: datetime | None = None, weeks: int = WEEKS_SHOWN
) -> list[MyWeek]:
    """The person's own actions outside their pattern, week by week (only they see this)."""
    now = now or timezone.now()
    since, starts = _window(now, weeks)
    with bind_office(user.office_id, actor=user):
        pattern = _patterns([user.pk])[user.pk]
        activity = _activity(user.office_id, [user.pk], since)
    actions: dict[date, int] = defaultdict(int)
    days: dict[date, set[date]] = defaultdict(set)
    for _, at in activity:
        if at <= now and not working_time.is_working_at(at, pattern):
            actions[week_start(at)] += 1
            days[week_start(at)].add(at.astimezone(pattern.zone).date())
    return [MyWeek(start, actions[start], len(days[start])) for start in starts]


def team_out_of_hours(
    manager: User, *, now: datetime | None = None, weeks: int = WEEKS_SHOWN
) -> list[TeamRow]:
    """For managers: per team and week, how many people worked outside their pattern and
    how many actions that was. Teams under ``MINIMUM_GROUP_SIZE`` people show no figures."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers can see out-of-hours working.")
    now = now or timezone.now()
    since, starts = _window(now, weeks)
    with bind_office(manager.office_id, actor=manager):
        members: dict[str, set[int]] = defaultdict(set)
        for team_name, user_id in TeamMembership.objects.filter(user__is_active=True).values_list(
            "team__name", "user_id"
        ):
            members[team_name].add(user_id)
        for name in Team.objects.values_list("name", flat=True):
            members.setdefault(name, set())
        everyone = set(
            User.objects.filter(office_id=manager.office_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
        patterns = _patterns(sorted(everyone))
        activity = _activity(manager.office_id, sorted(everyone), since)
    outside: dict[tuple[int, date], int] = defaultdict(int)
    for user_id, at in activity:
        if at <= now and not working_time.is_working_at(at, patterns[user_id]):
            outside[(user_id, week_start(at))] += 1
    groups = [("Whole office", everyone), *sorted(members.items())]
    rows = []
    for name, people in groups:
        if len(people) < MINIMUM_GROUP_SIZE:
            rows.append(TeamRow(name, len(people), None))
            continue
        team_weeks = []
        for start in starts:
            counts = [outside.get((person, start), 0) for person in people]
            team_weeks.append(TeamWeek(start, sum(1 for c in counts if c), sum(counts)))
        rows.append(TeamRow(name, len(people), team_weeks))
    return rows
