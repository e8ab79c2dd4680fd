"""Office no-meeting times and the warning booking forms give."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewell.wellbeing.meeting_times import (
    add_no_meeting_time,
    clash_warning,
    clashes_with_no_meeting_time,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


WEDNESDAY = date(2026, 12, 2)


@pytest.fixture
def lunch(cast):
    return add_no_meeting_time(
        cast.ben, repeats="daily", starts=time(12, 30), ends=time(13, 0), label="Lunch"
    )


def test_a_meeting_overlapping_the_daily_lunch_time_clashes(cast, lunch):
    assert clashes_with_no_meeting_time(cast.north, at(WEDNESDAY, 12), at(WEDNESDAY, 12, 45)) == [
        lunch
    ]
    assert clashes_with_no_meeting_time(cast.north, at(WEDNESDAY, 12, 50), at(WEDNESDAY, 14))


def test_meetings_that_only_touch_the_no_meeting_time_do_not_clash(cast, lunch):
    assert not clashes_with_no_meeting_time(cast.north, at(WEDNESDAY, 12), at(WEDNESDAY, 12, 30))
    assert not clashes_with_no_meeting_time(cast.north, at(WEDNESDAY, 13), at(WEDNESDAY, 14))


def test_a_daily_no_meeting_time_is_for_working_days_only(cast, lunch):
    saturday = date(2026, 12, 5)
    assert not clashes_with_no_meeting_time(cast.north, at(saturday, 12), at(saturday, 13))


def test_every_other_wednesday_is_a_no_meeting_day(cast):
    add_no_meeting_time(cast.ben, repeats="fortnightly", weekday=2, first_on=WEDNESDAY,
                        starts=None, ends=None)  # fmt: skip
    assert clashes_with_no_meeting_time(cast.north, at(WEDNESDAY, 9), at(WEDNESDAY, 10))
    next_week = date(2026, 12, 9)
    assert not clashes_with_no_meeting_time(cast.north, at(next_week, 9), at(next_week, 10))
    fortnight = date(2026, 12, 16)
    assert clashes_with_no_meeting_time(cast.north, at(fortnight, 16), at(fortnight, 17))


def test_the_warning_names_the_no_meeting_time(cast, lunch):
    warning = clash_warning(cast.north, at(WEDNESDAY, 12, 15), at(WEDNESDAY, 12, 45))
    assert warning == (
        "This is in the office's no-meeting time: Lunch (12:30 to 13:00 every working day)."
    )
    assert clash_warning(cast.north, at(WEDNESDAY, 10), at(WEDNESDAY, 11)) == ""


def test_another_offices_no_meeting_times_do_not_apply(cast, lunch):
    assert not clashes_with_no_meeting_time(cast.south, at(WEDNESDAY, 12), at(WEDNESDAY, 13))


def test_only_managers_set_no_meeting_times(cast):
    with pytest.raises(PermissionDenied):
        add_no_meeting_time(cast.ada, repeats="daily", starts=time(12), ends=time(13))


def test_a_no_meeting_time_must_make_sense(cast):
    with pytest.raises(ValidationError, match="after the start"):
        add_no_meeting_time(cast.ben, repeats="daily", starts=time(13), ends=time(12))
    with pytest.raises(ValidationError, match="day of the week"):
        add_no_meeting_time(cast.ben, repeats="weekly", starts=None, ends=None)
    with pytest.raises(ValidationError, match="must be a Wednesday"):
        add_no_meeting_time(
            cast.ben,
            repeats="fortnightly",
            weekday=2,
            first_on=date(2026, 12, 3),
            starts=None,
            ends=None,
        )
