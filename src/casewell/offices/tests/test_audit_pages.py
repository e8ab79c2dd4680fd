"""Administrators read the audit trail and the access log: filtered, paginated, newest first."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casewell.offices.audit import log_sensitive_read, record_event
from casewell.offices.models import AccessLogEntry, AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def trail(cast):
    """A quiet office: clear what the cast's creation wrote, then add entries at known times."""
    with bind_office(cast.north, actor=cast.ada):
        AuditEntry.objects.all().delete()
        harriet = Person.objects.create(first_name="Harriet", last_name="Walsh", postcode="LS1 4DY")
        AuditEntry.objects.filter(subject_type="people.Person").update(
            at=datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
        )
        record_event(cast.north.pk, AuditEntry.Action.SIGNED_IN, actor=cast.ben)
        AuditEntry.objects.filter(action="signed_in").update(
            at=datetime(2026, 3, 5, 23, 30, tzinfo=LONDON)
        )
    return harriet


def rows(page: str) -> list[str]:
    body = page[page.index("<tbody") : page.index("</tbody>")]
    return [row for row in body.split("<tr")[1:] if "govuk-table__cell" in row]


def test_the_audit_trail_lists_newest_first_with_who_and_what(cast, client_for, trail):
    page = client_for(cast.amir).get("/office/audit/").content.decode()
    listed = rows(page)
    assert "Ben Okafor" in listed[0] and "Signed in" in listed[0]
    assert "Ada Lovelace" in listed[1] and "Constituent: Harriet Walsh" in listed[1]


def test_the_audit_trail_filters_by_person_action_record_type_and_dates(cast, client_for, trail):
    amir = client_for(cast.amir)

    def listed(**filters) -> list[str]:
        return rows(amir.get("/office/audit/", filters).content.decode())

    assert len(listed()) == 2
    (only_ben,) = listed(person=cast.ben.pk)
    assert "Signed in" in only_ben
    (created,) = listed(action="created")
    assert "Harriet Walsh" in created
    (person,) = listed(record_type="people.Person")
    assert "Harriet Walsh" in person
    # Dates are the office's days: 23:30 on 5 March in London is still 5 March.
    (late,) = listed(date_from="2026-03-05", date_to="2026-03-05")
    assert "Signed in" in late
    (early,) = listed(date_to="2026-03-04")
    assert "Harriet Walsh" in early
    assert (
        "No entries match these filters."
        in amir.get("/office/audit/", {"date_from": "2026-04-01"}).content.decode()
    )


def test_a_backwards_date_range_is_an_error_shown_the_govuk_way(cast, client_for, trail):
    page = (
        client_for(cast.amir)
        .get("/office/audit/", {"date_from": "2026-03-05", "date_to": "2026-03-01"})
        .content.decode()
    )
    assert "There is a problem" in page and 'href="#id_date_to"' in page


def test_the_record_type_filter_offers_the_offices_words(cast, client_for, trail):
    page = client_for(cast.amir).get("/office/audit/").content.decode()
    assert '<option value="people.Person">Constituent</option>' in page


def test_the_audit_trail_is_paginated(cast, client_for, trail):
    with bind_office(cast.north, actor=cast.ada):
        for number in range(60):
            record_event(cast.north.pk, AuditEntry.Action.OTHER, detail=f"event {number}")
    amir = client_for(cast.amir)
    first = amir.get("/office/audit/").content.decode()
    assert len(rows(first)) == 50 and "event 59" in first and 'rel="next"' in first
    second = amir.get("/office/audit/", {"action": "other", "page": 2}).content.decode()
    assert len(rows(second)) == 10 and "event 0" in second and "event 59" not in second
    assert "action=other&amp;page=1" in second


def test_the_audit_trail_costs_the_same_queries_for_5_or_30_entries(cast, client_for):
    def count_queries() -> int:
        client = client_for(cast.amir)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/office/audit/").status_code == 200
        return len(queries)

    def add_entries(how_many: int) -> None:
        with bind_office(cast.north, actor=cast.ada):
            for number in range(how_many):
                Person.objects.create(first_name=f"P{number}", last_name="Test")
                record_event(cast.north.pk, AuditEntry.Action.OTHER, actor=cast.ben)

    with bind_office(cast.north):
        AuditEntry.objects.all().delete()
    add_entries(3)
    few = count_queries()
    add_entries(27)
    assert count_queries() == few


def test_the_audit_trail_never_shows_another_offices_entries(cast, client_for, trail):
    page = client_for(cast.cleo).get("/office/audit/").content.decode()
    assert "Harriet Walsh" not in page and "Ben Okafor" not in page
    assert (
        client_for(cast.cleo).get("/office/audit/", {"person": cast.ben.pk}).status_code == 200
    )  # an unknown person is simply not a choice


@pytest.fixture
def reads(cast, trail):
    with bind_office(cast.north):
        log_sensitive_read(cast.ada, trail, channel="page")
        log_sensitive_read(cast.ben, trail, channel="export")
        AccessLogEntry.objects.filter(user=cast.ada).update(
            at=datetime(2026, 3, 1, 9, 0, tzinfo=LONDON)
        )
    return trail


def test_the_access_log_lists_reads_and_filters_them(cast, client_for, reads):
    amir = client_for(cast.amir)
    listed = rows(amir.get("/office/access-log/").content.decode())
    assert len(listed) == 2 and "Ben Okafor" in listed[0] and "Exported" in listed[0]
    (ada,) = rows(amir.get("/office/access-log/", {"person": cast.ada.pk}).content.decode())
    assert "Read on a page" in ada and "Constituent: Harriet Walsh" in ada
    (exported,) = rows(amir.get("/office/access-log/", {"action": "export"}).content.decode())
    assert "Ben Okafor" in exported
    assert (
        len(rows(amir.get("/office/access-log/", {"date_from": "2026-03-02"}).content.decode()))
        == 1
    )


def test_the_access_log_costs_the_same_queries_for_5_or_30_reads(cast, client_for, trail):
    def count_queries() -> int:
        client = client_for(cast.amir)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/office/access-log/").status_code == 200
        return len(queries)

    def read(how_many: int) -> None:
        with bind_office(cast.north):
            for number in range(how_many):
                log_sensitive_read([cast.ada, cast.ben][number % 2], trail, channel="page")

    read(5)
    few = count_queries()
    read(25)
    assert count_queries() == few


def test_only_administrators_see_the_trails(cast, client_for, reads):
    for person in (cast.ada, cast.ben, cast.mo, cast.ivy, cast.wes):
        assert client_for(person).get("/office/audit/").status_code == 403
        assert client_for(person).get("/office/access-log/").status_code == 403


def test_cleo_sees_none_of_norths_reads(cast, client_for, reads):
    page = client_for(cast.cleo).get("/office/access-log/").content.decode()
    assert "Harriet Walsh" not in page and "No reads match" in page


def test_times_are_shown_in_the_offices_time_zone(cast, client_for, trail):
    page = client_for(cast.amir).get("/office/audit/").content.decode()
    # 23:30 London time in March is 23:30 GMT, shown as the office sees it.
    assert "5 Mar 2026, 23:30:00" in page
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    with bind_office(cast.north):
        AuditEntry.objects.filter(action="signed_in").update(at=summer)
    assert "1 Jul 2026, 13:00:00" in client_for(cast.amir).get("/office/audit/").content.decode()
