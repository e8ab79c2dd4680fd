"""Working days: weekdays that are not bank holidays in the office's nation.

Bank holidays come from the ``holidays`` package's UK subdivisions, so Scotland
has St Andrew's Day and 2 January, Northern Ireland St Patrick's Day and the
Twelfth, and a holiday falling at a weekend moves to its substitute weekday.

A date computed here is stored as a date: changing the office's nation later
changes nothing already stored, only dates computed afterwards.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from casewell.offices.models import Nation

SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.WALES: "WLS",
    Nation.NORTHERN_IRELAND: "NIR",
}

# Far more working days than any case deadline; a guard against runaway loops.
MAX_WORKING_DAYS = 5000


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> dict[date, str]:
    """The year's bank holidays in ``nation`` by date (cached: never change the dict)."""
    try:
        subdivision = SUBDIVISIONS[Nation(nation)]
    except ValueError:
        raise ValueError(f"{nation!r} is not a UK nation Casewell knows.") from None
    return dict(holidays.country_holidays("GB", subdiv=subdivision, years=year).items())


def bank_holiday_name(day: date, nation: str) -> str | None:
    """The name of the bank holiday on ``day`` in ``nation``, or None."""
    return _bank_holidays(nation, day.year).get(day)


def is_working_day(day: date, nation: str) -> bool:
    """Monday to Friday and not a bank holiday in ``nation``."""
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def add_working_days(start: date, days: int, nation: str) -> date:
    """The date ``days`` working days after ``start`` (before it, if ``days`` is negative).

    ``start`` itself never counts, so 1 working day after a Friday is the Monday
    (or Tuesday, if that Monday is a bank holiday). 0 days is ``start`` itself.
    """
    if abs(days) > MAX_WORKING_DAYS:
        raise ValueError(f"{days} working days is more than Casewell reckons ({MAX_WORKING_DAYS}).")
    step = timedelta(days=1 if days >= 0 else -1)
    day = start
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day, nation):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, nation: str) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier).

    The inverse of ``add_working_days`` for a working-day ``end``:
    ``working_days_between(d, add_working_days(d, n, nation), nation) == n``.
    """
    if end < start:
        return -working_days_between(end, start, nation)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            count += 1
    return count
