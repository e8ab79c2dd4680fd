"""The directory's rules, through its services: who may do what, and what each office sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from casewell.directory.details import clean_contact_details, clean_organisation_details
from casewell.directory.models import Organisation
from casewell.directory.services import (
    add_contact,
    add_contact_at_central,
    add_organisation,
    central_entry,
    change_contact,
    change_organisation,
    find_in_directory,
    office_entry,
    organisation_for_case,
    override_central_organisation,
    revert_override,
)
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office


def names(user, **filters) -> list[tuple[str, str]]:
    with bind_office(user.office_id, actor=user):
        rows = find_in_directory(user, **filters)
        return [(row["entry_source"], row["entry_name"]) for row in rows]


def test_an_override_replaces_the_central_entry_for_its_office_only(cast, central):
    override = override_central_organisation(cast.ben, central["dwp"])
    change_organisation(cast.ben, override, {"name": "DWP (North's way)", "kind": "other"})
    assert ("office", "DWP (North's way)") in names(cast.ada)
    assert ("central", "Department for Work and Pensions") not in names(cast.ada)
    assert ("central", "Department for Work and Pensions") in names(cast.cleo)
    assert all("North's way" not in name for _source, name in names(cast.cleo))
    assert central_entry(cast.cleo, "dwp").organisation is None
    assert central_entry(cast.ada, "dwp").organisation == override


def test_a_link_is_listed_once_as_the_central_entry(cast, central):
    organisation_for_case(cast.ada, central_id=central["hmrc-mp-hotline"].pk)
    assert names(cast.ada, name="HM Revenue") == [("central", "HM Revenue and Customs MP hotline")]


def test_overriding_twice_gives_the_same_row_and_one_audit_entry(cast, central):
    first = override_central_organisation(cast.ben, central["dwp"])
    second = override_central_organisation(cast.amir, central["dwp"])
    assert first.pk == second.pk
    with bind_office(cast.north):
        assert Organisation.objects.count() == 1
        assert AuditEntry.objects.filter(subject_type="directory.Organisation").count() == 1


def test_an_override_of_a_linked_entry_keeps_the_offices_contacts(cast, central):
    colin = add_contact_at_central(cast.ada, central["northfield-council"], {"name": "Colin"})
    override = override_central_organisation(cast.ben, central["northfield-council"])
    assert colin.organisation_id == override.pk
    entry = office_entry(cast.ada, override.pk)
    assert [contact.name for contact in entry.office_contacts] == ["Colin"]
    assert {contact.name for contact in entry.central_contacts} == {
        "Sarah Whitfield",
        "Members' enquiries team",
    }


def test_a_link_cannot_be_changed_and_only_an_override_can_be_reverted(cast, central):
    link = organisation_for_case(cast.ada, central_id=central["dwp"].pk)
    with pytest.raises(PermissionDenied, match="Override it locally first"):
        change_organisation(cast.ben, link, {"name": "Changed", "kind": "other"})
    with pytest.raises(PermissionDenied, match="Only an office’s copy"):
        revert_override(cast.ben, link)
    own = add_organisation(cast.ben, {"name": "Own", "kind": "other"})
    with pytest.raises(PermissionDenied, match="Only an office’s copy"):
        revert_override(cast.ben, own)


def test_roles_decide_who_changes_organisations_and_contacts(cast, central):
    with pytest.raises(PermissionDenied, match="managers and administrators"):
        add_organisation(cast.ada, {"name": "X", "kind": "other"})
    with pytest.raises(PermissionDenied):
        override_central_organisation(cast.mo, central["dwp"])
    own = add_organisation(cast.amir, {"name": "Own", "kind": "other"})
    for allowed in (cast.ada, cast.ben, cast.mo, cast.amir):
        add_contact(allowed, own, {"name": f"Added by {allowed.full_name}"})
    with pytest.raises(PermissionDenied, match="caseworkers, managers"):
        add_contact(cast.ivy, own, {"name": "Intern's contact"})
    with pytest.raises(PermissionDenied):
        add_contact_at_central(cast.ivy, central["dwp"], {"name": "Intern's contact"})


def test_a_deactivated_member_of_staff_changes_nothing(cast, central):
    cast.ben.is_active = False
    with pytest.raises(PermissionDenied):
        add_organisation(cast.ben, {"name": "X", "kind": "other"})


def test_another_offices_records_do_not_exist_for_the_services(cast, central):
    own = add_organisation(cast.ben, {"name": "Own", "kind": "other"})
    contact = add_contact(cast.ada, own, {"name": "Someone"})
    with pytest.raises(Http404):
        add_contact(cast.cleo, own, {"name": "Cleo's"})
    with pytest.raises(Http404):
        change_organisation(cast.cleo, own, {"name": "Cleo's", "kind": "other"})
    with pytest.raises(Http404):
        change_contact(cast.cleo, contact, {"name": "Cleo's"})
    with pytest.raises(Http404):
        office_entry(cast.cleo, own.pk)
    with pytest.raises(Http404):
        revert_override(cast.cleo, own)


def test_details_are_tidied_the_same_way_for_every_channel():
    cleaned = clean_organisation_details(
        {
            "name": "  Leeds   City Council ",
            "kind": "Minister's office",
            "email": "Help@Leeds.Example",
            "phone": "0113 496 0000",
            "website": "www.leeds.example",
            "postcode": "ls11ur",
            "notes": "Line one\nLine two",
        }
    )
    assert cleaned["name"] == "Leeds City Council" and cleaned["kind"] == "ministers_office"
    assert cleaned["email"] == "help@leeds.example" and cleaned["phone"] == "+441134960000"
    assert cleaned["website"] == "https://www.leeds.example" and cleaned["postcode"] == "LS1 1UR"
    assert cleaned["notes"] == "Line one\nLine two"


def test_too_long_details_are_refused_with_the_limit():
    with pytest.raises(ValidationError) as problem:
        clean_contact_details({"name": "x" * 201, "role": "y" * 201})
    assert problem.value.message_dict == {
        "name": ["The name must be 200 characters or fewer"],
        "role": ["The role must be 200 characters or fewer"],
    }
