"""When a person is at work: their pattern of days and hours, in their time zone,
less their nation's bank holidays.

A pattern has one period a day, not crossing midnight. People who have set none
work the default: Monday to Friday, 09:00 to 17:00, Europe/London, England and Wales.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from casewell.cases.working_days import bank_holiday_name
from casewell.offices.models import Nation

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Longer than any run of days off (a year of them means no working day at all).
LOOK_AHEAD_DAYS = 400


@dataclass(frozen=True)
class Period:
    start: time
    end: time


@dataclass(frozen=True)
class Pattern:
    """Working periods by weekday (0 is Monday), a time zone and a nation."""

    days: dict[int, Period] = field(default_factory=dict)
    time_zone: str = "Europe/London"
    nation: str = Nation.ENGLAND

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def as_hours(self) -> dict[str, list[str]]:
        return {
            str(day): [f"{period.start:%H:%M}", f"{period.end:%H:%M}"]
            for day, period in sorted(self.days.items())
        }

    @classmethod
    def from_hours(cls, hours: dict[str, list[str]], time_zone: str, nation: str) -> Pattern:
        days = {
            int(day): Period(time.fromisoformat(start), time.fromisoformat(end))
            for day, (start, end) in hours.items()
        }
        return cls(days=days, time_zone=time_zone, nation=nation)


NINE_TO_FIVE = Period(time(9), time(17))
DEFAULT = Pattern(days={day: NINE_TO_FIVE for day in range(5)})


def is_day_off(day: date, pattern: Pattern) -> bool:
    return day.weekday() not in pattern.days or bank_holiday_name(day, pattern.nation) is not None


def is_working_at(moment: datetime, pattern: Pattern) -> bool:
    local = moment.astimezone(pattern.zone)
    if is_day_off(local.date(), pattern):
        return False
    period = pattern.days[local.weekday()]
    return period.start <= local.time() < period.end


def next_period_start_after(moment: datetime, pattern: Pattern) -> datetime:
    """When the first working period starting after ``moment`` begins."""
    zone = pattern.zone
    local = moment.astimezone(zone)
    for offset in range(LOOK_AHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        if is_day_off(day, pattern):
            continue
        start = datetime.combine(day, pattern.days[day.weekday()].start, tzinfo=zone)
        if start > moment:
            return start
    raise ValueError("This working pattern has no working day in the coming year.")


def next_working_start(moment: datetime, pattern: Pattern) -> datetime:
    """``moment`` itself if the person is at work then; else when their next period starts."""
    if is_working_at(moment, pattern):
        return moment
    return next_period_start_after(moment, pattern)


def arrival_text(arrives_at: datetime, now: datetime, pattern: Pattern) -> str:
    """When a held item will arrive, in the recipient's own time: "Monday 09:00".

    A week or more away the date is added ("Monday 5 January 09:00").
    """
    local = arrives_at.astimezone(pattern.zone)
    today = now.astimezone(pattern.zone).date()
    if local.date() == today:
        when = f"today {local:%H:%M}"
    elif local.date() - today < timedelta(days=7):
        when = f"{DAY_NAMES[local.weekday()]} {local:%H:%M}"
    else:
        when = f"{DAY_NAMES[local.weekday()]} {local.day} {local:%B %H:%M}"
    return when
