"""Break nudges: after a run of heavy items in a short time, a gentle suggestion to stop.

The office sets the run (N heavy items in M minutes). A nudge is the person's own: it
is shown at the top of their pages until they dismiss it or it goes stale, and
managers see only how many were shown and dismissed across a group large enough
that nobody can be picked out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from casewell.offices.models import Role, Team, TeamMembership, User
from casewell.offices.permissions import is_manager
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.exposure import week_start
from casewell.wellbeing.models.workload import HEAVY, BreakNudge, ExposureEvent
from casewell.wellbeing.workload import settings_for

# A nudge not dismissed stops showing after this long: it was about that moment.
SHOWN_FOR = timedelta(hours=2)
# Groups smaller than this are not reported: their counts could point at a person.
MIN_GROUP_SIZE = 5
REPORT_WEEKS = 8


def consider_nudge(user: User, now: datetime) -> BreakNudge | None:
    """Nudge the user if their heavy items in the office's window reach its number, and
    they have not been nudged within that window. Causes at most one BreakNudge."""
    settings = settings_for(user.office_id)
    if not settings.nudges_on:
        return None
    window = now - timedelta(minutes=settings.nudge_minutes)
    with bind_office(user.office_id, actor=user):
        if BreakNudge.objects.filter(user=user, created_at__gt=window).exists():
            return None
        heavy = (
            ExposureEvent.objects.filter(user=user, level__gte=HEAVY, at__gt=window)
            .values("item")
            .distinct()
            .count()
        )
        if heavy < settings.nudge_items:
            return None
        return BreakNudge.objects.create(user=user, created_at=now, heavy_items=heavy)


def nudge_to_show(user: User) -> BreakNudge | None:
    """The user's current nudge, if any; marks it shown the first time (one query otherwise)."""
    if not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now()
    with bind_office(user.office_id, actor=user):
        nudge = (
            BreakNudge.objects.filter(user=user, dismissed_at=None, created_at__gt=now - SHOWN_FOR)
            .order_by("-created_at")
            .first()
        )
        if nudge is not None and nudge.shown_at is None:
            nudge.shown_at = now
            nudge.save(update_fields=["shown_at"])
    return nudge


def dismiss_nudge(user: User, nudge_id: object) -> BreakNudge:
    """Dismiss one of the user's own nudges (404 for anyone else's). Idempotent."""
    with bind_office(user.office_id, actor=user):
        nudge = BreakNudge.objects.filter(pk=_id(nudge_id), user=user).first()
        if nudge is None:
            raise Http404("No nudge found.")
        if nudge.dismissed_at is None:
            nudge.dismissed_at = timezone.now()
            if nudge.shown_at is None:
                nudge.shown_at = nudge.dismissed_at
            nudge.save(update_fields=["dismissed_at", "shown_at"])
    return nudge


def _id(value: object) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() else None


# --- Reported only in aggregate -------------------------------------------------------------


@dataclass(frozen=True)
class WeekCounts:
    week: datetime
    shown: int
    dismissed: int


@dataclass(frozen=True)
class GroupReport:
    name: str
    size: int
    weeks: list[WeekCounts]

    @property
    def suppressed(self) -> bool:
        return self.size < MIN_GROUP_SIZE


def may_see_nudge_report(user: User) -> bool:
    return is_manager(user) or user.has_role(Role.WELLBEING_CHAMPION)


def nudge_report(user: User) -> list[GroupReport]:
    """Nudges shown and dismissed per week, for the whole office and each team, never per
    person; a group under ``MIN_GROUP_SIZE`` people has no counts at all. Requires a manager
    or wellbeing champion. Costs the same few queries however many nudges there are."""
    if not may_see_nudge_report(user):
        raise PermissionDenied("Only managers and wellbeing champions see nudge counts.")
    office = user.office
    this_week = week_start(office)
    weeks = [this_week - timedelta(weeks=n) for n in range(REPORT_WEEKS)]
    with bind_office(office.pk, actor=user):
        staff = set(
            User.objects.filter(office_id=office.pk, is_active=True).values_list("pk", flat=True)
        )
        teams = list(Team.objects.order_by("name", "id"))
        members: dict[int, set[int]] = {}
        for team_id, user_id in TeamMembership.objects.filter(user__is_active=True).values_list(
            "team_id", "user_id"
        ):
            members.setdefault(team_id, set()).add(user_id)
        groups = [(f"Everyone in {office.name}", staff)] + [
            (team.name, members.get(team.pk, set())) for team in teams
        ]
        nudges = list(
            BreakNudge.objects.filter(shown_at__gte=weeks[-1]).values_list(
                "user_id", "shown_at", "dismissed_at"
            )
        )
    return [
        GroupReport(
            name,
            len(people),
            _weekly_counts(nudges, people, weeks) if len(people) >= MIN_GROUP_SIZE else [],
        )
        for name, people in groups
    ]


def _weekly_counts(
    nudges: list[tuple[int, datetime, datetime | None]], people: set[int], weeks: list[datetime]
) -> list[WeekCounts]:
    rows = []
    for start in weeks:
        end = start + timedelta(weeks=1)
        shown = [n for n in nudges if n[0] in people and start <= n[1] < end]
        dismissed = sum(1 for n in shown if n[2] is not None)
        rows.append(WeekCounts(start, len(shown), dismissed))
    return rows
