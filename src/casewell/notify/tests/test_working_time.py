"""Working time: patterns, time zones and each nation's bank holidays."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from casewell.notify import working_time
from casewell.notify.working_time import DEFAULT, Pattern, Period
from casewell.offices.models import Nation

CORPUS = Path("/work/shared/corpora/bank-holidays/govuk-bank-holidays_merged_2018-2027.json")
DIVISIONS = {
    "england-and-wales": [Nation.ENGLAND, Nation.WALES],
    "scotland": [Nation.SCOTLAND],
    "northern-ireland": [Nation.NORTHERN_IRELAND],
}
# Announced after the published list was copied: Scotland's holiday for the 2026 World Cup.
ANNOUNCED_LATER = {(Nation.SCOTLAND, date(2026, 6, 15))}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def part_time(time_zone: str = "Europe/London", nation: str = Nation.ENGLAND) -> Pattern:
    """Tuesday to Thursday, 10:00 to 15:00."""
    return Pattern(
        days={day: Period(time(10), time(15)) for day in (1, 2, 3)},
        time_zone=time_zone,
        nation=nation,
    )


def test_the_default_is_nine_to_five_on_weekdays_in_london():
    assert working_time.is_working_at(at("2026-03-10T09:00:00+00:00"), DEFAULT)
    assert not working_time.is_working_at(at("2026-03-10T17:00:00+00:00"), DEFAULT)
    assert not working_time.is_working_at(at("2026-03-14T11:00:00+00:00"), DEFAULT)  # Saturday


def test_british_summer_time_moves_the_working_day_an_hour_earlier_in_utc():
    # 08:30 UTC in July is 09:30 in London.
    assert working_time.is_working_at(at("2026-07-07T08:30:00+00:00"), DEFAULT)
    assert not working_time.is_working_at(at("2026-07-07T16:30:00+00:00"), DEFAULT)


def test_friday_evening_waits_for_monday_morning():
    arrives = working_time.next_working_start(at("2026-03-13T18:00:00+00:00"), DEFAULT)
    assert arrives == at("2026-03-16T09:00:00+00:00")


def test_st_andrews_day_is_skipped_in_scotland_but_not_in_england():
    friday = at("2025-11-28T18:00:00+00:00")
    scotland = Pattern(days=DEFAULT.days, nation=Nation.SCOTLAND)
    assert working_time.next_working_start(friday, scotland) == at("2025-12-02T09:00:00+00:00")
    assert working_time.next_working_start(friday, DEFAULT) == at("2025-12-01T09:00:00+00:00")


def test_the_second_of_january_is_a_holiday_in_scotland_only():
    hogmanay = at("2025-12-31T18:00:00+00:00")
    scotland = Pattern(days=DEFAULT.days, nation=Nation.SCOTLAND)
    assert working_time.next_working_start(hogmanay, scotland) == at("2026-01-05T09:00:00+00:00")
    assert working_time.next_working_start(hogmanay, DEFAULT) == at("2026-01-02T09:00:00+00:00")


def test_northern_ireland_keeps_the_twelfth():
    evening = at("2025-07-11T18:00:00+01:00")  # Friday; the 12th is a Saturday, so Monday 14th
    ni = Pattern(days=DEFAULT.days, nation=Nation.NORTHERN_IRELAND)
    assert working_time.next_working_start(evening, ni) == at("2025-07-15T09:00:00+01:00")
    assert working_time.next_working_start(evening, DEFAULT) == at("2025-07-14T09:00:00+01:00")


def test_a_part_time_pattern_waits_for_the_next_day_worked():
    thursday_afternoon = at("2026-03-12T15:30:00+00:00")
    assert working_time.next_working_start(thursday_afternoon, part_time()) == at(
        "2026-03-17T10:00:00+00:00"
    )
    monday = at("2026-03-16T11:00:00+00:00")
    assert not working_time.is_working_at(monday, part_time())
    tuesday_early = at("2026-03-17T09:30:00+00:00")
    assert working_time.next_working_start(tuesday_early, part_time()) == at(
        "2026-03-17T10:00:00+00:00"
    )


def test_a_pattern_in_another_time_zone_is_read_in_that_zone():
    new_york = Pattern(days=DEFAULT.days, time_zone="America/New_York")
    # 12:00 UTC on Tuesday 10 March 2026 is 08:00 in New York (daylight time began on the 8th).
    noon_utc = at("2026-03-10T12:00:00+00:00")
    assert not working_time.is_working_at(noon_utc, new_york)
    assert working_time.next_working_start(noon_utc, new_york) == at("2026-03-10T13:00:00+00:00")
    assert working_time.is_working_at(at("2026-03-10T20:59:00+00:00"), new_york)


def test_the_next_period_after_a_working_moment_is_the_next_day():
    tuesday_noon = at("2026-03-10T12:00:00+00:00")
    assert working_time.next_working_start(tuesday_noon, DEFAULT) == tuesday_noon
    assert working_time.next_period_start_after(tuesday_noon, DEFAULT) == at(
        "2026-03-11T09:00:00+00:00"
    )


@pytest.mark.parametrize(
    ("arrives", "text"),
    [
        ("2026-03-16T09:00:00+00:00", "Monday 09:00"),
        ("2026-03-13T19:30:00+00:00", "today 19:30"),
        ("2026-03-23T09:00:00+00:00", "Monday 23 March 09:00"),
    ],
)
def test_the_arrival_is_said_in_words(arrives, text):
    now = at("2026-03-13T18:00:00+00:00")
    assert working_time.arrival_text(at(arrives), now, DEFAULT) == text


def test_every_published_bank_holiday_is_a_day_off_in_its_nation():
    published = json.loads(CORPUS.read_text())
    for division, nations in DIVISIONS.items():
        days = {date.fromisoformat(event["date"]) for event in published[division]["events"]}
        for nation in nations:
            pattern = Pattern(days=DEFAULT.days, nation=nation)
            for day in days:
                assert working_time.is_day_off(day, pattern), (division, nation, day)
            # And no weekday off that the published list does not have (bar later announcements).
            first, last = min(days), max(days)
            extra = [
                first + timedelta(days=n)
                for n in range((last - first).days + 1)
                if (first + timedelta(days=n)).weekday() < 5
                and working_time.is_day_off(first + timedelta(days=n), pattern)
                and first + timedelta(days=n) not in days
                and (nation, first + timedelta(days=n)) not in ANNOUNCED_LATER
            ]
            assert extra == [], (division, nation)


def test_a_pattern_with_no_days_has_no_next_start():
    with pytest.raises(ValueError, match="no working day"):
        working_time.next_working_start(at("2026-03-10T12:00:00+00:00"), Pattern(days={}))
