"""Office no-meeting times, and the check every meeting-booking form makes.

A clash is a warning, never a refusal: the person booking sees which protected
time the meeting falls in and may book it anyway.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casewell.offices.models import Office, User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models import NoMeetingTime, Repeats

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def no_meeting_times(office: Office) -> list[NoMeetingTime]:
    with bind_office(office):
        return list(NoMeetingTime.objects.all())


def falls_on(rule: NoMeetingTime, day: date) -> bool:
    if rule.repeats == Repeats.DAILY:
        return day.weekday() < 5
    if day.weekday() != rule.weekday:
        return False
    if rule.repeats == Repeats.FORTNIGHTLY and rule.first_on is not None:
        return ((day - rule.first_on).days // 7) % 2 == 0
    return True


def describe(rule: NoMeetingTime) -> str:
    """In words: "12:30 to 13:00 every working day", "All day every other Wednesday"."""
    when = f"{rule.starts:%H:%M} to {rule.ends:%H:%M}" if rule.starts and rule.ends else "All day"
    if rule.repeats == Repeats.DAILY:
        return f"{when} every working day"
    day = WEEKDAYS[rule.weekday or 0]
    every = "every other" if rule.repeats == Repeats.FORTNIGHTLY else "every"
    return f"{when} {every} {day}"


def clashes_with_no_meeting_time(
    office: Office, start: datetime, end: datetime
) -> list[NoMeetingTime]:
    """The office's no-meeting times a meeting from ``start`` to ``end`` overlaps (in the
    office's own time zone); empty when it clashes with none."""
    zone = zoneinfo.ZoneInfo(office.time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    clashes: list[NoMeetingTime] = []
    for rule in no_meeting_times(office):
        day = local_start.date()
        while day <= local_end.date() and rule not in clashes:
            if falls_on(rule, day):
                opens = datetime.combine(day, rule.starts or time(0), zone)
                closes = (
                    datetime.combine(day, rule.ends, zone)
                    if rule.ends
                    else datetime.combine(day + timedelta(days=1), time(0), zone)
                )
                if local_start < closes and local_end > opens:
                    clashes.append(rule)
            day += timedelta(days=1)
    return clashes


def clash_warning(office: Office, start: datetime, end: datetime) -> str:
    """The warning a booking form shows, or "" when there is no clash."""
    clashes = clashes_with_no_meeting_time(office, start, end)
    if not clashes:
        return ""
    names = "; ".join(
        f"{rule.label} ({describe(rule)})" if rule.label else describe(rule) for rule in clashes
    )
    return f"This is in the office's no-meeting time: {names}."


def add_no_meeting_time(
    manager: User,
    *,
    repeats: str,
    starts: time | None,
    ends: time | None,
    weekday: int | None = None,
    first_on: date | None = None,
    label: str = "",
) -> NoMeetingTime:
    """Protect a stretch of time. Requires a manager; for weekly and fortnightly times a day
    of the week (a fortnightly one also the first date); start before end, or neither (all
    day). Causes the setting and an audit entry."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers set the office's no-meeting times.")
    problems: dict[str, str] = {}
    if repeats not in Repeats.values:
        problems["repeats"] = "Choose how often the time repeats"
    if repeats in (Repeats.WEEKLY, Repeats.FORTNIGHTLY):
        if weekday is None or not 0 <= weekday <= 6:
            problems["weekday"] = "Choose the day of the week"
        if repeats == Repeats.FORTNIGHTLY and first_on is None:
            problems["first_on"] = "Enter the first date it falls on"
        elif first_on is not None and weekday is not None and first_on.weekday() != weekday:
            problems["first_on"] = f"The first date must be a {WEEKDAYS[weekday]}"
    else:
        weekday, first_on = None, None
    if (starts is None) != (ends is None):
        problems["ends"] = "Enter both a start and an end time, or neither for the whole day"
    elif starts is not None and ends is not None and ends <= starts:
        problems["ends"] = "The end time must be after the start time"
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        return NoMeetingTime.objects.create(
            repeats=repeats, weekday=weekday, first_on=first_on, starts=starts, ends=ends,
            label=label.strip()[:100],
        )  # fmt: skip


def get_no_meeting_time_for(user: User, nomeetingtime_id: Any) -> NoMeetingTime:
    with bind_office(user.office, actor=user):
        return get_for(user, NoMeetingTime, nomeetingtime_id)


def remove_no_meeting_time(manager: User, rule: NoMeetingTime) -> None:
    if not is_manager(manager):
        raise PermissionDenied("Only managers set the office's no-meeting times.")
    with bind_office(manager.office, actor=manager), transaction.atomic():
        rule.delete()
