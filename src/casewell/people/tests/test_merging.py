"""Merging two records of one person, and undoing it within 30 days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people import consent, services
from casewell.people.merging import merge_people, person_references, unmerge_people
from casewell.people.models import (
    Address,
    Person,
    PersonEmail,
    PersonMerge,
    PhoneNumber,
    ThirdPartyAuthority,
    VulnerabilityNote,
)
from casewell.people.tests.conftest import add_person


@pytest.fixture
def hattie(cast):
    """A second record of Harriet, made by someone who missed the first."""
    person = add_person(
        cast.ada,
        first_name="Hattie",
        last_name="Walsh",
        address_line_1="9 Old Road",
        postcode="LS6 1AA",
        phone="07811 123456",
        email="hattie@example.org",
        language="Welsh",
        vulnerability_note="Uses a wheelchair.",
    )
    consent.add_authority(cast.ada, person, name="Tom Walsh", relationship="family")
    consent.record_permission_form(
        cast.ada, person, full_name="Hattie Walsh", agencies="HMRC", signed_on=timezone.localdate()
    )
    return person


def _snapshot(office, *people):
    with bind_office(office):
        return {
            person.pk: {
                "addresses": sorted(
                    Address.objects.filter(person=person).values_list("pk", "is_current")
                ),
                "phones": sorted(
                    PhoneNumber.objects.filter(person=person).values_list("pk", "number", "is_main")
                ),
                "emails": sorted(
                    PersonEmail.objects.filter(person=person).values_list(
                        "pk", "address", "is_main"
                    )
                ),
                "notes": sorted(
                    VulnerabilityNote.objects.filter(person=person).values_list("pk", flat=True)
                ),
                "authorities": sorted(
                    ThirdPartyAuthority.objects.filter(person=person).values_list("pk", flat=True)
                ),
                "person": Person.objects.filter(pk=person.pk)
                .values("language", "postcode", "phone", "email", "merged_into", "title")
                .get(),
            }
            for person in people
        }


def test_every_relation_to_a_person_is_found_generically():
    found = {(model._meta.label, field.name) for model, field in person_references()}
    expected = set()
    for relation in Person._meta.related_objects:
        if relation.related_model is PersonMerge:
            continue
        if relation.many_to_many:
            through = relation.through
            if through._meta.auto_created:
                expected |= {
                    (through._meta.label, f.name)
                    for f in through._meta.fields
                    if getattr(f, "related_model", None) is Person
                }
            continue
        expected.add((relation.related_model._meta.label, relation.field.name))
    assert found == expected
    assert ("people.Address", "person") in found and ("people.Person", "merged_into") in found


def test_a_manager_merges_two_records_and_everything_moves(cast, harriet, hattie):
    merge = merge_people(cast.ben, kept=harriet, merged=hattie)
    with bind_office(cast.north):
        kept = Person.objects.get(pk=harriet.pk)
        gone = Person.objects.get(pk=hattie.pk)
        assert gone.merged_into == kept
        assert Address.objects.filter(person=kept).count() == 2
        assert Address.objects.get(person=kept, is_current=True).postcode == "LS1 4DY"
        assert VulnerabilityNote.objects.filter(person=kept).count() == 2
        assert ThirdPartyAuthority.objects.filter(person=kept).count() == 1
        assert consent.permission_status(kept).state == "held"
        # Harriet already had this number: the merged row is removed, not duplicated.
        assert list(PhoneNumber.objects.filter(person=kept).values_list("number", flat=True)) == [
            "+447811123456"
        ]
        assert sorted(
            PersonEmail.objects.filter(person=kept).values_list("address", "is_main")
        ) == [("harriet.walsh@example.org", True), ("hattie@example.org", False)]
        assert kept.language == "Welsh"  # a blank detail filled from the merged record
        assert not Address.objects.filter(person=gone).exists()
        assert list(services.find_people(cast.ada, name="walsh")) == [kept]
        entries = AuditEntry.objects.filter(changes__merge=merge.pk)
        assert {entry.subject_id for entry in entries} == {str(kept.pk), str(gone.pk)}
        detail = entries.get(subject_id=str(kept.pk)).detail
        assert "was merged into this record" in detail and "moved" in detail
        assert "removed 1 phone number the kept record already had" in detail


def test_an_unmerge_puts_back_exactly_what_moved(cast, harriet, hattie):
    before = _snapshot(cast.north, harriet, hattie)
    merge = merge_people(cast.ben, kept=harriet, merged=hattie)
    restored = unmerge_people(cast.ben, merge)
    assert restored.pk == hattie.pk
    assert _snapshot(cast.north, harriet, hattie) == before
    with bind_office(cast.north):
        merge.refresh_from_db()
        assert merge.undone_by == cast.ben and merge.undone_at is not None
        assert AuditEntry.objects.filter(changes__unmerge=merge.pk).count() == 2
    with pytest.raises(ValidationError, match="already undone"):
        unmerge_people(cast.ben, merge)


def test_an_unmerge_after_30_days_is_refused_with_the_reason(cast, harriet, hattie):
    with time_machine.travel(date(2026, 1, 10), tick=False):
        merge = merge_people(cast.ben, kept=harriet, merged=hattie)
    with time_machine.travel(date(2026, 2, 8), tick=False):
        assert unmerge_people(cast.ben, merge).merged_into_id is None
    merge = merge_people(cast.ben, kept=harriet, merged=hattie)
    with (
        time_machine.travel(timezone.now() + timedelta(days=31)),
        pytest.raises(
            ValidationError, match="can only be undone within 30 days, and that time ended on"
        ),
    ):
        unmerge_people(cast.ben, merge)


def test_only_managers_may_merge_or_unmerge(cast, harriet, hattie):
    for user in (cast.ada, cast.ivy, cast.mo, cast.wes):
        with pytest.raises(PermissionDenied):
            merge_people(user, kept=harriet, merged=hattie)
    merge = merge_people(cast.amir, kept=harriet, merged=hattie)  # administrators may
    with pytest.raises(PermissionDenied):
        unmerge_people(cast.ada, merge)
    with pytest.raises(PermissionDenied):
        unmerge_people(cast.cleo, merge)


def test_merging_refuses_the_same_record_an_already_merged_one_or_another_offices(
    cast, harriet, hattie
):
    with pytest.raises(ValidationError, match="two different records"):
        merge_people(cast.ben, kept=harriet, merged=harriet)
    merge_people(cast.ben, kept=harriet, merged=hattie)
    with pytest.raises(ValidationError, match="already been merged"):
        merge_people(cast.ben, kept=hattie, merged=harriet)
    with bind_office(cast.north):
        merged_away = Person.objects.get(pk=hattie.pk)
    with pytest.raises(ValidationError, match="merged into"):
        services.update_person(cast.ada, merged_away, first_name="X")
    with pytest.raises(PermissionDenied):
        merge_people(cast.cleo, kept=harriet, merged=hattie)


def test_people_merged_into_the_merged_record_follow_it(cast, harriet, hattie):
    third = add_person(cast.ada, first_name="H", last_name="Walsh")
    merge_people(cast.ben, kept=hattie, merged=third)
    merge = merge_people(cast.ben, kept=harriet, merged=hattie)
    with bind_office(cast.north):
        assert Person.objects.get(pk=third.pk).merged_into_id == harriet.pk
    unmerge_people(cast.ben, merge)
    with bind_office(cast.north):
        assert Person.objects.get(pk=third.pk).merged_into_id == hattie.pk


def test_cases_move_with_the_person_and_one_case_with_both_keeps_one_party(cast, harriet, hattie):
    """Cases are another domain's: the merge finds them through Django's relations alone."""
    from casewell.cases.models import CasePerson, Category
    from casewell.cases.services import open_case

    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("id").first()
    both = open_case(cast.ada, summary="Damp", category=category, people=[harriet, hattie])
    hers = open_case(cast.ada, summary="Benefits", category=category, people=[hattie])
    merge = merge_people(cast.ben, kept=harriet, merged=hattie)
    with bind_office(cast.north):
        assert list(CasePerson.objects.filter(case=both).values_list("person", flat=True)) == [
            harriet.pk
        ]
        assert CasePerson.objects.get(case=hers).person_id == harriet.pk
        assert "case" in AuditEntry.objects.filter(changes__merge=merge.pk).first().detail
    unmerge_people(cast.ben, merge)
    with bind_office(cast.north):
        assert sorted(CasePerson.objects.filter(case=both).values_list("person", flat=True)) == [
            harriet.pk,
            hattie.pk,
        ]
        assert CasePerson.objects.get(case=hers).person_id == hattie.pk
