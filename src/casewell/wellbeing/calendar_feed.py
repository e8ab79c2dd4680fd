"""Each person's calendar feed: their supervision sessions and the office's huddles, as ICS.

Calendar apps cannot sign in, so the feed is reached by a secret link. The link's
token is shown once, when it is made; only its hash is kept. Making a new link or
revoking stops the old one working at once.
"""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from casewell.offices.models import User
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.wellbeing.huddles import may_take_part
from casewell.wellbeing.models import CalendarFeed, HuddleRhythm
from casewell.wellbeing.supervision import sessions_for

FEED_PREFIX = "cwcal_"
PAST_KEPT = timedelta(days=90)
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_calendar_link(user: User) -> str:
    """A new secret token for the user's feed; any earlier link stops working.

    Causes the feed row and audit entries (never the token). Show the token now: it is
    not kept.
    """
    token = FEED_PREFIX + secrets.token_urlsafe(32)
    with bind_office(user.office, actor=user), transaction.atomic():
        _revoke(user)
        CalendarFeed.objects.create(user=user, token_hash=_hash(token))
    return token


def _revoke(user: User) -> int:
    revoked = 0
    for feed in CalendarFeed.objects.filter(user=user, revoked_at=None):
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        revoked += 1
    return revoked


def revoke_calendar_link(user: User) -> int:
    """Stop the user's feed link working. Returns how many links were stopped."""
    with bind_office(user.office, actor=user), transaction.atomic():
        return _revoke(user)


def has_calendar_link(user: User) -> bool:
    with bind_office(user.office, actor=user):
        return CalendarFeed.objects.filter(user=user, revoked_at=None).exists()


def owner_of(token: str) -> User | None:
    """Whose live feed this token opens, or None (unknown, revoked, or account not active)."""
    if not token.startswith(FEED_PREFIX):
        return None
    with across_all_offices():
        feed = (
            CalendarFeed.all_offices.select_related("user")
            .filter(token_hash=_hash(token), revoked_at=None)
            .first()
        )
    if feed is None or not feed.user.is_active or feed.user.is_locked:
        return None
    return feed.user


def _event(uid: str, summary: str, start: datetime, end: datetime, **extra: Any) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    for name, value in extra.items():
        event.add(name, value)
    return event


def _huddle_events(user: User) -> list[Event]:
    with bind_office(user.office):
        rhythm = HuddleRhythm.objects.first() or HuddleRhythm(office_id=user.office_id)
    zone = zoneinfo.ZoneInfo(user.office.time_zone)
    today = timezone.localdate()
    daily_start = datetime.combine(today, rhythm.daily_at, zone)
    monday = today - timedelta(days=today.weekday())
    weekly_day = monday + timedelta(days=rhythm.weekly_weekday)
    weekly_start = datetime.combine(weekly_day, rhythm.weekly_at, zone)
    return [
        _event(
            f"huddle-daily-{user.office_id}@casewell", "Daily huddle", daily_start,
            daily_start + timedelta(minutes=rhythm.daily_minutes),
            rrule=vRecur(freq="DAILY", byday=WEEKDAY_CODES[:5]),
        ),
        _event(
            f"huddle-weekly-{user.office_id}@casewell", "Weekly huddle", weekly_start,
            weekly_start + timedelta(minutes=rhythm.weekly_minutes),
            rrule=vRecur(freq="WEEKLY", byday=WEEKDAY_CODES[rhythm.weekly_weekday]),
        ),
    ]  # fmt: skip


def calendar_for(user: User) -> bytes:
    """The user's feed: the office's huddles (for those who take part) and their supervision
    sessions from three months ago on. Names and times only, never what was discussed."""
    calendar = Calendar()
    calendar.add("prodid", "-//Casewell//Wellbeing calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Casewell: {user.full_name}")
    if may_take_part(user):
        for event in _huddle_events(user):
            calendar.add_component(event)
    sessions = sessions_for(user, since=timezone.now() - PAST_KEPT)
    for session in sessions:
        who = session.facilitator or session.supervisor.full_name
        extra: dict[str, Any] = {}
        if session.place:
            extra["location"] = session.place
        if session.cancelled_at is not None:
            extra["status"] = "CANCELLED"
        calendar.add_component(
            _event(f"supervision-{session.pk}@casewell",
                   f"{session.get_kind_display()} with {who}",
                   session.starts_at, session.ends_at, **extra)
        )  # fmt: skip
    return calendar.to_ical()
