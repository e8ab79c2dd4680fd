"""Adding and changing people and their contact details through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casewell.offices.models import AccessLogEntry, AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people import services
from casewell.people.models import Address, Person, VulnerabilityNote
from casewell.people.tests.conftest import add_person


def test_a_new_person_has_their_postcode_phone_and_email_normalised(cast, harriet):
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert person.postcode == "LS1 4DY"
        assert person.phone == "+447811123456"
        assert person.email == "harriet.walsh@example.org"
        assert person.addresses.get().is_current
        assert person.phone_numbers.get().is_main and person.email_addresses.get().is_main
        assert VulnerabilityNote.objects.filter(person=person).count() == 1


def test_every_problem_with_a_new_person_is_named_at_once(cast):
    with pytest.raises(ValidationError) as caught:
        add_person(
            cast.ada,
            first_name="",
            last_name=" ",
            postcode="LS1 4D",
            phone="0770",
            email="not-an-address",
            date_of_birth=timezone.localdate() + timedelta(days=1),
            needs_interpreter=True,
            preferred_contact="pigeon",
            address_line_2="Flat 2",
        )
    errors = caught.value.message_dict
    assert errors["first_name"] == ["Enter a first name"]
    assert errors["last_name"] == ["Enter a last name"]
    assert "LS1 4D is missing the last letter" in errors["postcode"][0]
    assert "too short" in errors["phone"][0]
    assert "not-an-address is not an e-mail address" in errors["email"][0]
    assert errors["date_of_birth"] == ["Date of birth must be today or in the past"]
    assert errors["language"] == ["Enter the language they need an interpreter for"]
    assert errors["preferred_contact"] == ["Choose how they prefer to be contacted"]
    assert errors["address_line_1"] == ["Enter the first line of the address"]
    with bind_office(cast.north):
        assert not Person.objects.exists()


def test_creating_a_person_is_audited_without_their_date_of_birth(cast, harriet):
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(subject_type="people.Person", action="created")
        assert entry.actor == cast.ada
        assert entry.changes["date_of_birth"] == "(not recorded: sensitive)"
        assert entry.changes["last_name"] == "Walsh"
        note = AuditEntry.objects.get(subject_type="people.VulnerabilityNote")
        assert note.changes["text"] == "(not recorded: sensitive)"


def test_updating_a_person_changes_only_what_is_given(cast, harriet):
    services.update_person(
        cast.ada, harriet, preferred_name="Hattie", language="Welsh", needs_interpreter=True
    )
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert (person.preferred_name, person.language, person.needs_interpreter) == (
            "Hattie",
            "Welsh",
            True,
        )
        assert person.display_name == "Hattie Walsh" and person.first_name == "Harriet"
    with pytest.raises(ValidationError) as caught:
        services.update_person(cast.ada, harriet, first_name="", date_of_birth=date(1850, 1, 1))
    assert set(caught.value.message_dict) == {"first_name", "date_of_birth"}


def test_a_new_address_becomes_current_and_the_old_one_is_kept(cast, harriet):
    services.add_address(
        cast.ada, harriet, line_1="2 Quay Street", town="Leeds", postcode="ls11 5ab"
    )
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert person.postcode == "LS11 5AB" and person.address_line_1 == "2 Quay Street"
        current, previous = person.addresses.all()
        assert current.is_current and not previous.is_current
        assert previous.postcode == "LS1 4DY"
    services.make_address_current(cast.ada, previous)
    with bind_office(cast.north):
        assert Person.objects.get(pk=harriet.pk).postcode == "LS1 4DY"
    services.remove_address(cast.ada, previous)
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert person.postcode == "" and person.addresses.count() == 1


def test_a_bad_address_is_refused_with_each_problem_named(cast, harriet):
    with pytest.raises(ValidationError) as caught:
        services.add_address(cast.ada, harriet, line_1="", postcode="QA1 1AA")
    assert caught.value.message_dict["line_1"] == ["Enter the first line of the address"]
    assert "no UK postcode starts with Q" in caught.value.message_dict["postcode"][0]


def test_phones_and_emails_have_one_main_one(cast, harriet):
    second = services.add_phone(cast.ada, harriet, number="0113 496 0000", kind="home")
    assert not second.is_main
    services.make_phone_main(cast.ada, second)
    with bind_office(cast.north):
        assert Person.objects.get(pk=harriet.pk).phone == "+441134960000"
    services.remove_phone(cast.ada, second)
    with bind_office(cast.north):
        assert Person.objects.get(pk=harriet.pk).phone == "+447811123456"
    with pytest.raises(ValidationError) as caught:
        services.add_phone(cast.ada, harriet, number="+44 7811 123456")
    assert "already has the number" in caught.value.message_dict["number"][0]
    with pytest.raises(ValidationError) as caught:
        services.add_phone(cast.ada, harriet, number="call me", kind="pager")
    assert set(caught.value.message_dict) == {"number", "kind"}
    work = services.add_email(cast.ada, harriet, address="H.Walsh@Work.example", make_main=True)
    with bind_office(cast.north):
        assert Person.objects.get(pk=harriet.pk).email == "h.walsh@work.example"
    services.remove_email(cast.ada, work)
    with bind_office(cast.north):
        assert Person.objects.get(pk=harriet.pk).email == "harriet.walsh@example.org"
    with pytest.raises(ValidationError):
        services.add_email(cast.ada, harriet, address="nope")


def test_a_person_added_in_bulk_gets_real_rows_when_their_details_first_change(cast):
    with bind_office(cast.north):
        bulk = Person.objects.bulk_create(
            [
                Person(
                    office=cast.north,
                    first_name="Bulk",
                    last_name="Loaded",
                    address_line_1="3 Lane",
                    postcode="LS2 7AA",
                    phone="+447700900123",
                    email="bulk@example.org",
                )
            ]
        )[0]
    services.add_address(cast.ada, bulk, line_1="4 Lane", postcode="LS2 7AB")
    services.add_phone(cast.ada, bulk, number="07811 654321")
    with bind_office(cast.north):
        person = Person.objects.get(pk=bulk.pk)
        assert [a.postcode for a in person.addresses.all()] == ["LS2 7AB", "LS2 7AA"]
        assert [p.number for p in person.phone_numbers.all()] == ["+447700900123", "+447811654321"]
        assert person.phone == "+447700900123" and person.postcode == "LS2 7AB"


def test_reading_vulnerability_notes_is_logged_note_by_note(cast, harriet):
    services.add_vulnerability_note(cast.ada, harriet, "Hard of hearing: use text relay.")
    with bind_office(cast.north):
        assert services.count_vulnerability_notes(harriet) == 2
        assert not AccessLogEntry.objects.exists()
    notes = services.read_vulnerability_notes(cast.ivy, harriet)
    assert [note.text for note in notes][0] == "Hard of hearing: use text relay."
    with bind_office(cast.north):
        entries = AccessLogEntry.objects.filter(user=cast.ivy)
        assert entries.count() == 2
        assert {entry.subject_type for entry in entries} == {"people.VulnerabilityNote"}
    with pytest.raises(ValidationError):
        services.add_vulnerability_note(cast.ada, harriet, "   ")


def test_cleo_cannot_change_or_read_a_north_person(cast, harriet):
    with pytest.raises(PermissionDenied):
        services.update_person(cast.cleo, harriet, first_name="Hacked")
    with pytest.raises(PermissionDenied):
        services.add_phone(cast.cleo, harriet, number="07811 111111")
    with pytest.raises(PermissionDenied):
        services.read_vulnerability_notes(cast.cleo, harriet)
    with bind_office(cast.north):
        assert Person.objects.get(pk=harriet.pk).first_name == "Harriet"
        assert Address.objects.count() == 1


def test_the_people_search_leaves_out_merged_records(cast, harriet):
    other = add_person(cast.ada, first_name="Harriet", last_name="Walsh")
    with bind_office(cast.north):
        Person.objects.filter(pk=other.pk).update(merged_into=harriet)
        assert list(services.find_people(cast.ada, name="walsh")) == [harriet]
