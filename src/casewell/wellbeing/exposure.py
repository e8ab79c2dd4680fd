"""Exposure: which distressing items and cases each person has read, opened or handled.

Counted from what people really did: the inbox's reading page, the timeline, the case
page and the inbox's assign and archive call ``record_exposure``. Nothing is typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from casewell.offices.models import Office, User
from casewell.offices.tenancy import bind_office
from casewell.wellbeing import item_distress
from casewell.wellbeing.models.workload import HEAVY, DistressLevel, ExposureAction, ExposureEvent

# The same person reading the same item again within this time is one exposure, not two
# (the message page and its framed HTML both read it, for one thing).
SAME_READING = timedelta(hours=1)
RECENT_DAYS = 7

KINDS = {
    "inbox.Message": item_distress.MESSAGE,
    "timeline.TimelineEntry": item_distress.ENTRY,
    "cases.Case": "case",
}


def item_key(item: Any) -> tuple[str, int | None]:
    """("message:12", the item's case id) for a message, timeline entry or case."""
    kind = KINDS.get(item._meta.label)
    if kind is None:
        raise ValueError(f"Exposure is not counted for {item._meta.label}.")
    case_id = item.pk if kind == "case" else getattr(item, "case_id", None)
    return f"{kind}:{item.pk}", case_id


def level_of(item: Any) -> int:
    """The item's distress level now: the detector's for a message or entry, the case's own
    (its override, or the highest of its items) for a case."""
    kind = KINDS.get(item._meta.label)
    if kind == "case":
        from casewell.wellbeing.workload import case_levels

        return case_levels(item.office_id, [item.pk]).get(item.pk, DistressLevel.NONE)
    return item_distress.item_levels(item.office_id, kind or "", [item.pk]).get(
        item.pk, DistressLevel.NONE
    )


def record_exposure(user: User, item: Any, action: str) -> ExposureEvent | None:
    """Record that ``user`` read, opened or handled ``item`` (a message, timeline entry or
    case), if it is distressing. Requires that the user may see the item (the caller has
    looked it up). Causes: one exposure event (none for a calm item, or for the same item
    again within an hour) and, after a run of heavy items, a break nudge for the user."""
    if action not in ExposureAction.values:
        raise ValueError(f"Unknown exposure action {action!r}.")
    if not getattr(user, "is_authenticated", False):
        return None
    key, case_id = item_key(item)
    with bind_office(user.office_id, actor=user):
        level = level_of(item)
        if level == DistressLevel.NONE:
            return None
        now = timezone.now()
        again = ExposureEvent.objects.filter(
            user=user, item=key, action=action, at__gt=now - SAME_READING
        ).exists()
        if again:
            return None
        event = ExposureEvent.objects.create(
            user=user, at=now, action=action, item=key, case_id_at_time=case_id, level=level
        )
        if level >= HEAVY:
            from casewell.wellbeing.nudges import consider_nudge

            consider_nudge(user, now)
    return event


def week_start(office: Office, now: datetime | None = None) -> datetime:
    """Monday 00:00 of this week in the office's time zone."""
    import zoneinfo

    local = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(office.time_zone))
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Exposure:
    """One person's distressing items: this week, and heavy ones in the last 7 days."""

    this_week: int = 0
    heavy_this_week: int = 0
    heavy_recent: int = 0
    heavy_cases_recent: int = 0


def exposure_by_person(office: Office, user_ids: list[int]) -> dict[int, Exposure]:
    """Each person's exposure, by user id, in one query (within the bound office)."""
    now = timezone.now()
    since_week = week_start(office, now)
    since_recent = now - timedelta(days=RECENT_DAYS)
    rows = (
        ExposureEvent.objects.filter(user_id__in=user_ids, at__gte=min(since_week, since_recent))
        .values("user_id")
        .annotate(
            this_week=Count("item", distinct=True, filter=Q(at__gte=since_week)),
            heavy_this_week=Count(
                "item", distinct=True, filter=Q(at__gte=since_week, level__gte=HEAVY)
            ),
            heavy_recent=Count(
                "item", distinct=True, filter=Q(at__gte=since_recent, level__gte=HEAVY)
            ),
            heavy_cases_recent=Count(
                "case_id_at_time",
                distinct=True,
                filter=Q(at__gte=since_recent, level__gte=HEAVY),
            ),
        )
    )
    return {
        row["user_id"]: Exposure(
            row["this_week"],
            row["heavy_this_week"],
            row["heavy_recent"],
            row["heavy_cases_recent"],
        )
        for row in rows
    }
