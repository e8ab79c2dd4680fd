"""The people an office serves: a list in the office's own word, a search, and one person's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person


def add_people(office, how_many: int, start: int = 0) -> None:
    with bind_office(office):
        Person.objects.bulk_create(
            Person(
                office=office,
                first_name=f"Given{number:03}",
                last_name=f"Family{number:03}",
                postcode=f"LS{number % 9 + 1} {number % 10}AB",
                address_line_1=f"{number} High Street",
            )
            for number in range(start, start + how_many)
        )


@pytest.fixture
def harriet(cast):
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet",
            last_name="Walsh",
            postcode="LS1 4DY",
            town="Leeds",
            address_line_1="1 Park Row",
            phone="+441130000000",
        )


def test_the_list_is_headed_with_the_offices_word_for_its_people(cast, client_for, harriet):
    north = client_for(cast.ada).get("/people/").content.decode()
    assert '<h1 class="govuk-heading-l">Constituents</h1>' in north and "Walsh, Harriet" in north
    south = client_for(cast.cleo).get("/people/").content.decode()
    assert '<h1 class="govuk-heading-l">Clients</h1>' in south
    assert "Walsh" not in south and "No clients yet." in south


def test_the_list_is_paginated_25_to_a_page(cast, client_for):
    add_people(cast.north, 60)
    client = client_for(cast.ada)
    first = client.get("/people/").content.decode()
    assert len(re.findall(r'href="/people/\d+/"', first)) == 25 and "60 constituents" in first
    third = client.get("/people/", {"page": 3}).content.decode()
    assert third.count("Family0") == 10


def test_people_are_found_by_name_words_and_by_postcode_however_it_is_typed(
    cast, client_for, harriet
):
    add_people(cast.north, 10)
    client = client_for(cast.ada)
    assert "Walsh, Harriet" in client.get("/people/", {"name": "harr wal"}).content.decode()
    assert (
        "Walsh, Harriet" not in client.get("/people/", {"name": "harriet smith"}).content.decode()
    )
    for typed in ("ls1 4dy", "LS14DY", " LS1  4D"):
        found = client.get("/people/", {"postcode": typed}).content.decode()
        assert "Walsh, Harriet" in found and "1 constituent found" in found, typed
    assert (
        "No constituents match your search."
        in client.get("/people/", {"name": "Nobody"}).content.decode()
    )


def test_the_list_costs_the_same_queries_for_5_or_30_people(cast, client_for):
    def count_queries() -> int:
        client = client_for(cast.ada)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/people/").status_code == 200
        return len(queries)

    add_people(cast.north, 5)
    few = count_queries()
    add_people(cast.north, 25, start=5)
    assert count_queries() == few


def test_a_persons_page_shows_their_details(cast, client_for, harriet):
    page = client_for(cast.ivy).get(f"/people/{harriet.pk}/").content.decode()
    assert "Harriet Walsh" in page and "1 Park Row" in page
    # Stored in E.164, shown the way staff dial it.
    assert "0113 000 0000" in page and "+441130000000" not in page
    assert "Constituent" in page


def test_cleo_gets_404_for_norths_people(cast, client_for, harriet):
    cleo = client_for(cast.cleo)
    assert cleo.get(f"/people/{harriet.pk}/").status_code == 404
    assert "Walsh, Harriet" not in cleo.get("/people/", {"name": "Walsh"}).content.decode()


def test_an_unknown_person_is_404(cast, client_for):
    assert client_for(cast.ada).get("/people/999999/").status_code == 404


def test_reading_a_person_is_not_logged_because_people_are_not_marked_sensitive(
    cast, client_for, harriet
):
    client_for(cast.ada).get(f"/people/{harriet.pk}/")
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.exists()


def test_the_people_pages_need_a_signed_in_person(cast, harriet):
    from django.test import Client

    assert Client().get("/people/").status_code == 302
    assert Client().get(f"/people/{harriet.pk}/").status_code == 302
