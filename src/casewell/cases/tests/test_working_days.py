"""Working days per UK nation: weekends and the nation's own bank holidays are skipped."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from casewell.cases.working_days import (
    add_working_days,
    bank_holiday_name,
    is_working_day,
    working_days_between,
)
from casewell.offices.models import Nation
from casewell.offices.tenancy import bind_office


def test_st_andrews_day_is_a_holiday_in_scotland_not_in_england():
    st_andrews = date(2026, 11, 30)  # a Monday
    assert not is_working_day(st_andrews, Nation.SCOTLAND)
    assert is_working_day(st_andrews, Nation.ENGLAND)
    assert bank_holiday_name(st_andrews, Nation.SCOTLAND) == "Saint Andrew's Day"
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1, Nation.ENGLAND) == date(2026, 11, 30)
    assert add_working_days(friday, 1, Nation.SCOTLAND) == date(2026, 12, 1)


def test_st_andrews_day_on_a_sunday_moves_to_monday_in_scotland_only():
    assert date(2025, 11, 30).weekday() == 6
    friday = date(2025, 11, 28)
    assert not is_working_day(date(2025, 12, 1), Nation.SCOTLAND)
    assert is_working_day(date(2025, 12, 1), Nation.ENGLAND)
    assert add_working_days(friday, 1, Nation.SCOTLAND) == date(2025, 12, 2)
    assert add_working_days(friday, 1, Nation.ENGLAND) == date(2025, 12, 1)


def test_christmas_boxing_day_and_second_of_january():
    # 2026: Christmas is a Friday, Boxing Day a Saturday (substitute Monday 28th);
    # 1 January 2027 a Friday; 2 January (Scotland only) a Saturday, so Monday 4th instead.
    christmas_eve = date(2026, 12, 24)
    for nation in (Nation.ENGLAND, Nation.SCOTLAND, Nation.WALES, Nation.NORTHERN_IRELAND):
        assert not is_working_day(date(2026, 12, 25), nation)
        assert not is_working_day(date(2026, 12, 28), nation), nation
        assert add_working_days(christmas_eve, 1, nation) == date(2026, 12, 29)
    assert add_working_days(christmas_eve, 4, Nation.ENGLAND) == date(2027, 1, 4)
    assert add_working_days(christmas_eve, 4, Nation.SCOTLAND) == date(2027, 1, 5)
    assert not is_working_day(date(2027, 1, 4), Nation.SCOTLAND)
    assert is_working_day(date(2027, 1, 4), Nation.ENGLAND)
    # 2 January 2026 is a Friday: a holiday in Scotland, a working day in England.
    assert not is_working_day(date(2026, 1, 2), Nation.SCOTLAND)
    assert is_working_day(date(2026, 1, 2), Nation.ENGLAND)


def test_a_period_across_christmas_and_st_andrews_day_differs_by_nation():
    start, end = date(2026, 11, 20), date(2027, 1, 8)
    england = working_days_between(start, end, Nation.ENGLAND)
    scotland = working_days_between(start, end, Nation.SCOTLAND)
    # Scotland loses St Andrew's Day and the substitute for 2 January.
    assert england - scotland == 2


@pytest.mark.parametrize("days", [0, 1, 5, 10, 20, 60])
@pytest.mark.parametrize("nation", list(Nation))
def test_working_days_between_undoes_add_working_days(days, nation):
    start = date(2026, 11, 25)
    assert working_days_between(start, add_working_days(start, days, nation), nation) == days


def test_weekends_are_skipped_and_zero_days_is_the_same_day():
    saturday = date(2026, 3, 7)
    assert not is_working_day(saturday, Nation.ENGLAND)
    assert add_working_days(saturday, 0, Nation.ENGLAND) == saturday
    assert add_working_days(saturday, 1, Nation.ENGLAND) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 9), -1, Nation.ENGLAND) == date(2026, 3, 6)
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6), Nation.ENGLAND) == -1


def test_an_unknown_nation_is_refused_plainly():
    with pytest.raises(ValueError, match="not a UK nation"):
        is_working_day(date(2026, 3, 9), "atlantis")


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_due_dates_in_working_days_use_the_office_nation_and_stay_when_it_changes(
    cast, north_cases
):
    from casewell.cases.services import open_case, set_due_in_working_days
    from casewell.offices.services import update_office

    case = open_case(
        cast.ada, summary="Housing repairs", category=north_cases.housing, due_in_working_days=1
    )
    assert case.due_date == date(2026, 11, 30)  # England: St Andrew's Day is a working day
    update_office(cast.amir, nation=Nation.SCOTLAND)
    with bind_office(cast.north):
        case.refresh_from_db()
    assert case.due_date == date(2026, 11, 30), "a stored date is never recomputed"
    with bind_office(cast.north):
        cast.ada.office.refresh_from_db()
    case = set_due_in_working_days(cast.ada, case, 1)
    assert case.due_date == date(2026, 12, 1)  # Scotland now
