"""Case references: the office's prefix, the year of opening, a number per office and year."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection, connections

from casewell.cases.models import Case, CaseReferenceCounter
from casewell.cases.services import open_case
from casewell.offices.tenancy import across_all_offices, bind_office


@time_machine.travel("2026-03-02 10:00 +0000", tick=False)
def test_references_are_sequential_per_office(cast, north_cases):
    first = open_case(cast.ada, summary="Visa delay", category=north_cases.housing)
    second = open_case(cast.ben, summary="Repairs", category=north_cases.housing)
    with bind_office(cast.south):
        from casewell.cases.models import Category

        south_category = Category.objects.filter(parent=None).first()
    south = open_case(cast.cleo, summary="Debt advice", category=south_category)
    assert (first.reference, second.reference) == ("NR-2026-00001", "NR-2026-00002")
    assert south.reference == "SV-2026-00001"


def test_numbers_start_again_each_year_in_the_office_time_zone(cast, north_cases):
    with time_machine.travel("2026-12-31 23:30 +0000", tick=False):
        last_of_2026 = open_case(cast.ada, summary="Late", category=north_cases.housing)
    # 00:30 in London on 1 January 2027 (GMT): a 2027 case.
    with time_machine.travel("2027-01-01 00:30 +0000", tick=False):
        first_of_2027 = open_case(cast.ada, summary="Early", category=north_cases.housing)
        second_of_2027 = open_case(cast.ada, summary="Early too", category=north_cases.housing)
    assert last_of_2026.reference == "NR-2026-00001"
    assert first_of_2027.reference == "NR-2027-00001"
    assert second_of_2027.reference == "NR-2027-00002"


@time_machine.travel("2026-06-30 23:30 +0000", tick=False)
def test_a_summer_midnight_is_reckoned_in_british_summer_time(cast, north_cases):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: still 2026, but the
    # year boundary check above is what matters; here the number simply goes on.
    case = open_case(cast.ada, summary="Summer", category=north_cases.housing)
    assert case.year == 2026


def test_a_failed_opening_gives_its_number_back(cast, north_cases):
    with pytest.raises(Exception, match="summary"):
        open_case(cast.ada, summary="  ", category=north_cases.housing)
    case = open_case(cast.ada, summary="Real", category=north_cases.housing)
    assert case.number == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_openings_at_the_same_moment_get_different_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent connections: PostgreSQL")
    from casewell.cases.models import Category
    from casewell.testing.cast import make_cast

    cast = make_cast()
    with bind_office(cast.north):
        housing = Category.objects.get(name="Housing", parent=None)
    # The first opening holds the counter's row until it commits; the second waits.
    barrier = threading.Barrier(4)
    references: list[str] = []
    errors: list[BaseException] = []

    def opening(user):
        try:
            barrier.wait(timeout=10)
            references.append(open_case(user, summary="At once", category=housing).reference)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=opening, args=(user,))
        for user in (cast.ada, cast.ben, cast.wes, cast.amir)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(references) == 4
    assert len(set(references)) == 4
    with across_all_offices():
        counter = CaseReferenceCounter.all_offices.get(office=cast.north)
        assert counter.last_number == 4
        assert Case.all_offices.filter(office=cast.north).count() == 4
