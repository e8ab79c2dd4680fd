"""Healthy-hours tests: fixed moments, and working patterns set through the services."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from casewell.notify import services
from casewell.offices.models import Nation

# A Friday evening in late November 2025: St Andrew's Day (Sunday 30 November) is
# observed in Scotland on Monday 1 December.
FRIDAY_EVENING = datetime.fromisoformat("2025-11-28T18:00:00+00:00")
# New Year's Eve 2025, evening: 1 January is a holiday everywhere, 2 January in Scotland too.
HOGMANAY_EVENING = datetime.fromisoformat("2025-12-31T18:00:00+00:00")
TUESDAY_MORNING = datetime.fromisoformat("2026-03-10T10:00:00+00:00")


def nine_to_five(days=range(5)) -> dict[int, tuple[time, time]]:
    return {day: (time(9), time(17)) for day in days}


def works_in(user, nation: str, time_zone: str = "Europe/London", days=None):
    return services.set_working_pattern(user, days or nine_to_five(), time_zone, nation)


@pytest.fixture
def scottish_ada(cast):
    """Ada works Monday to Friday, 9 to 5, in Scotland."""
    works_in(cast.ada, Nation.SCOTLAND)
    return cast.ada
