from datetime import date

import pytest

from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.people.models import Person


@pytest.fixture
def northerner(cast):
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name="Harriet", last_name="Walsh", postcode="LS1 4DY")


def test_scoped_manager_sees_only_the_bound_office(cast, northerner):
    with bind_office(cast.north):
        assert list(Person.objects.all()) == [northerner]
    with bind_office(cast.south):
        assert list(Person.objects.all()) == []


def test_a_query_with_no_office_bound_returns_nothing(cast, northerner):
    assert Person.objects.count() == 0
    with across_all_offices():
        assert Person.all_offices.count() == 1


def test_writing_another_offices_row_while_bound_is_refused(cast, northerner):
    with bind_office(cast.south), pytest.raises(PermissionError):
        northerner.first_name = "Changed"
        northerner.save()


def test_every_change_is_in_the_audit_trail_with_who_and_what(cast, northerner):
    with bind_office(cast.north, actor=cast.ben):
        northerner.postcode = "LS2 7EY"
        northerner.save()
        entries = list(AuditEntry.objects.filter(subject_type="people.Person"))
    created, changed = sorted(entries, key=lambda entry: entry.id)
    assert created.action == "created" and created.actor == cast.ada
    assert changed.action == "changed" and changed.actor == cast.ben
    assert changed.changes == {"postcode": {"from": "LS1 4DY", "to": "LS2 7EY"}}


def test_sensitive_fields_are_audited_without_their_values(cast, northerner):
    with bind_office(cast.north, actor=cast.ada):
        northerner.date_of_birth = date(1961, 3, 14)
        northerner.save()
        entry = AuditEntry.objects.filter(action="changed").get()
    assert entry.changes == {"date_of_birth": "(not recorded: sensitive)"}
    assert "1961" not in str(AuditEntry.objects.values_list("changes", flat=True))
