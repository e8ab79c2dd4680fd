"""The directory pages: the merged list, an organisation's page, and the forms that change them."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casewell.directory.models import Contact, Organisation
from casewell.directory.services import add_contact, add_organisation
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office


@pytest.fixture
def ridgeway(cast):
    return add_organisation(
        cast.ben,
        {"name": "Ridgeway Tenants Trust", "kind": "housing_association", "town": "Northfield"},
    )


def norths_organisations(cast):
    with bind_office(cast.north):
        return list(Organisation.objects.all())


def test_the_list_merges_the_central_directory_with_the_offices_own(
    cast, client_for, central, ridgeway
):
    page = client_for(cast.ada).get("/directory/").content.decode()
    assert "14 organisations" in page
    assert 'href="/directory/central/dwp-mp-hotline/"' in page
    assert f'href="/directory/{ridgeway.pk}/"' in page and "Your office" in page
    south = client_for(cast.cleo).get("/directory/").content.decode()
    assert "13 organisations" in south and "DWP MP hotline" in south
    assert "Ridgeway Tenants Trust" not in south


def test_the_list_filters_by_kind_and_finds_by_name_words(cast, client_for, central, ridgeway):
    client = client_for(cast.ada)
    found = client.get("/directory/", {"kind": "housing_association"}).content.decode()
    assert "3 organisations found" in found
    assert "Ridgeway Tenants Trust" in found and "Pennine Valleys Housing Trust" in found
    assert "Northfield Metropolitan" not in found
    named = client.get("/directory/", {"name": "trust ridge"}).content.decode()
    assert "1 organisation found" in named and "Ridgeway Tenants Trust" in named
    nothing = client.get("/directory/", {"name": "Nowhere At All"}).content.decode()
    assert "No organisations match your search." in nothing


def test_the_list_is_paginated_and_costs_the_same_queries_for_few_or_many(cast, client_for, db):
    def add(start: int, how_many: int) -> None:
        for number in range(start, start + how_many):
            add_organisation(cast.ben, {"name": f"Organisation {number:03}", "kind": "school"})

    def count_queries() -> int:
        client = client_for(cast.ada)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/directory/").status_code == 200
        return len(queries)

    add(0, 3)
    few = count_queries()
    add(3, 30)
    assert count_queries() == few
    first = client_for(cast.ada).get("/directory/").content.decode()
    assert len(re.findall(r'href="/directory/\d+/"', first)) == 25 and "33 organisations" in first
    second = client_for(cast.ada).get("/directory/", {"page": 2}).content.decode()
    assert len(re.findall(r'href="/directory/\d+/"', second)) == 8


def test_a_central_entry_shows_its_contacts_read_only_to_every_office(cast, client_for, central):
    for user in (cast.ada, cast.cleo):
        page = client_for(user).get("/directory/central/northfield-council/").content.decode()
        assert "Northfield Metropolitan Borough Council" in page
        assert "Sarah Whitfield" in page and "Housing options manager" in page
        assert "Central directory" in page and "/edit/" not in page
        assert "0113 496 0010" in page and "+441134960010" not in page


def test_an_unknown_central_key_is_404(cast, client_for, central):
    assert client_for(cast.ada).get("/directory/central/no-such-entry/").status_code == 404


def test_a_manager_overrides_a_central_entry_then_changes_it_for_their_office_only(
    cast, client_for, central
):
    ben = client_for(cast.ben)
    response = ben.post("/directory/central/ridgeway-homes/override/")
    override = norths_organisations(cast)[0]
    assert response.status_code == 302
    assert response["Location"] == f"/directory/{override.pk}/edit/"
    assert override.is_override and override.name == "Ridgeway Homes Housing Association"
    form = ben.get(response["Location"]).content.decode()
    assert 'value="Ridgeway Homes Housing Association"' in form
    changed = ben.post(
        f"/directory/{override.pk}/edit/",
        {
            "name": "Ridgeway Homes (North team)",
            "kind": "housing_association",
            "phone": "0161 496 0999",
            "postcode": "m1 3he",
        },
    )
    assert changed.status_code == 302
    north_list = ben.get("/directory/", {"name": "Ridgeway"}).content.decode()
    assert "Ridgeway Homes (North team)" in north_list
    assert "Ridgeway Homes Housing Association" not in north_list
    south_list = client_for(cast.cleo).get("/directory/", {"name": "Ridgeway"}).content.decode()
    assert "Ridgeway Homes Housing Association" in south_list
    assert "North team" not in south_list
    central_page = ben.get("/directory/central/ridgeway-homes/").content.decode()
    assert "Your office uses its own version" in central_page
    with bind_office(cast.north):
        saved = Organisation.objects.get(pk=override.pk)
    assert saved.phone == "+441614960999" and saved.postcode == "M1 3HE"


def test_reverting_an_override_brings_back_the_central_details(cast, client_for, central):
    ben = client_for(cast.ben)
    ben.post("/directory/central/dwp/override/")
    override = norths_organisations(cast)[0]
    ben.post(f"/directory/{override.pk}/edit/", {"name": "DWP (our notes)", "kind": "other"})
    assert ben.post(f"/directory/{override.pk}/revert/").status_code == 302
    with bind_office(cast.north):
        reverted = Organisation.objects.get(pk=override.pk)
    assert reverted.is_link and reverted.name == "Department for Work and Pensions"
    assert reverted.kind == "government_department"
    listed = ben.get("/directory/", {"name": "Work Pensions"}).content.decode()
    assert 'href="/directory/central/dwp/"' in listed and "our notes)</a>" not in listed


def test_a_central_entry_cannot_be_changed_without_overriding_it(cast, client_for, central):
    ada = client_for(cast.ada)
    ada.post("/directory/central/dwp/contacts/add/", {"name": "Lee Park"})
    link = norths_organisations(cast)[0]
    assert link.is_link
    ben = client_for(cast.ben)
    assert ben.get(f"/directory/{link.pk}/edit/").status_code == 403
    assert (
        ben.post(f"/directory/{link.pk}/edit/", {"name": "X", "kind": "other"}).status_code == 403
    )
    assert ben.post(f"/directory/{link.pk}/revert/").status_code == 403


def test_organisations_are_changed_by_managers_and_administrators_only(
    cast, client_for, central, ridgeway
):
    for user in (cast.ada, cast.mo, cast.ivy, cast.wes):
        client = client_for(user)
        assert client.get("/directory/add/").status_code == 403, user
        assert client.get(f"/directory/{ridgeway.pk}/edit/").status_code == 403, user
        assert client.post("/directory/central/dwp/override/").status_code == 403, user
        assert "Add an organisation" not in client.get("/directory/").content.decode()
    assert client_for(cast.amir).get("/directory/add/").status_code == 200
    assert "Add an organisation" in client_for(cast.ben).get("/directory/").content.decode()


def test_caseworkers_add_contacts_and_interns_only_read_them(cast, client_for, central, ridgeway):
    ada = client_for(cast.ada)
    response = ada.post(
        f"/directory/{ridgeway.pk}/contacts/add/",
        {
            "name": "Dorothy Kettering",
            "role": "Tenancy officer",
            "email": "D.K@Ridgeway.example",
            "phone": "07700 900123",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/directory/{ridgeway.pk}/"
    with bind_office(cast.north):
        dorothy = Contact.objects.get()
    assert dorothy.email == "d.k@ridgeway.example" and dorothy.phone == "+447700900123"
    page = ada.get(f"/directory/{ridgeway.pk}/").content.decode()
    assert "Dorothy Kettering" in page and f"/directory/contacts/{dorothy.pk}/edit/" in page
    assert (
        ada.post(
            f"/directory/contacts/{dorothy.pk}/edit/",
            {"name": "Dorothy Kettering", "role": "Manager"},
        ).status_code
        == 302
    )
    ivy = client_for(cast.ivy)
    intern_view = ivy.get(f"/directory/{ridgeway.pk}/").content.decode()
    assert "Dorothy Kettering" in intern_view and "Add a contact" not in intern_view
    assert ivy.get(f"/directory/{ridgeway.pk}/contacts/add/").status_code == 403
    assert ivy.post(f"/directory/contacts/{dorothy.pk}/edit/", {"name": "X"}).status_code == 403
    assert ivy.get("/directory/central/dwp/contacts/add/").status_code == 403
    assert client_for(cast.mo).get("/directory/central/dwp/contacts/add/").status_code == 200


def test_a_contact_added_at_a_central_entry_is_seen_by_that_office_only(cast, client_for, central):
    response = client_for(cast.ada).post(
        "/directory/central/northfield-council/contacts/add/",
        {"name": "Colin Barker", "role": "Ward councillor's officer"},
    )
    assert response["Location"] == "/directory/central/northfield-council/"
    north = client_for(cast.ada).get("/directory/central/northfield-council/").content.decode()
    assert "Colin Barker" in north and "Sarah Whitfield" in north
    south = client_for(cast.cleo).get("/directory/central/northfield-council/").content.decode()
    assert "Colin Barker" not in south and "Sarah Whitfield" in south
    listed = client_for(cast.ada).get("/directory/", {"name": "Northfield"}).content.decode()
    assert listed.count("Northfield Metropolitan Borough Council") == 1


def test_bad_organisation_details_are_named_field_by_field(cast, client_for, db):
    response = client_for(cast.ben).post(
        "/directory/add/",
        {
            "name": "",
            "kind": "",
            "email": "not an email",
            "phone": "12",
            "postcode": "ZZ",
            "website": "not a website",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "<title>Error:" in page
    for message in (
        "Enter the organisation’s name",
        "Choose what kind of organisation this is",
        "not an email is not an e-mail address",
        "12 is too short",
        "ZZ is too short",
        "is not a web address",
    ):
        assert message in page, message
    assert 'href="#id_kind_0"' in page and 'href="#id_postcode"' in page
    assert norths_organisations(cast) == []


def test_bad_contact_details_are_named_and_nothing_is_saved(cast, client_for, ridgeway):
    page = (
        client_for(cast.ada)
        .post(f"/directory/{ridgeway.pk}/contacts/add/", {"name": " ", "email": "x@"})
        .content.decode()
    )
    assert "Enter the contact’s name" in page and "x@ is not an e-mail address" in page
    with bind_office(cast.north):
        assert not Contact.objects.exists()


def test_every_change_is_in_the_audit_trail(cast, client_for, central, ridgeway):
    client_for(cast.ada).post(f"/directory/{ridgeway.pk}/contacts/add/", {"name": "Jo Bloggs"})
    client_for(cast.ben).post(
        f"/directory/{ridgeway.pk}/edit/", {"name": "Ridgeway Trust", "kind": "housing_association"}
    )
    with bind_office(cast.north):
        entries = list(
            AuditEntry.objects.filter(subject_type__startswith="directory.").order_by("id")
        )
    assert [(entry.action, entry.subject_type, entry.actor) for entry in entries] == [
        ("created", "directory.Organisation", cast.ben),
        ("created", "directory.Contact", cast.ada),
        ("changed", "directory.Organisation", cast.ben),
    ]
    assert entries[-1].changes["name"] == {"from": "Ridgeway Tenants Trust", "to": "Ridgeway Trust"}


def test_cleo_gets_404_for_norths_organisations_and_contacts(cast, client_for, ridgeway):
    dorothy = add_contact(cast.ada, ridgeway, {"name": "Dorothy Kettering"})
    cleo = client_for(cast.cleo)
    for url in (
        f"/directory/{ridgeway.pk}/",
        f"/directory/{ridgeway.pk}/edit/",
        f"/directory/{ridgeway.pk}/contacts/add/",
        f"/directory/contacts/{dorothy.pk}/edit/",
    ):
        assert cleo.get(url).status_code == 404, url
        assert cleo.post(url, {"name": "Cleo was here", "kind": "other"}).status_code == 404, url
    assert cleo.post(f"/directory/{ridgeway.pk}/revert/").status_code == 404
    with bind_office(cast.north):
        assert Organisation.objects.get().name == "Ridgeway Tenants Trust"
        assert Contact.objects.get().name == "Dorothy Kettering"


def test_the_directory_needs_a_signed_in_person(ridgeway):
    assert Client().get("/directory/").status_code == 302
    assert Client().get(f"/directory/{ridgeway.pk}/").status_code == 302
