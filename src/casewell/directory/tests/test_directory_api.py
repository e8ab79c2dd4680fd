"""/api/v1/directory: the same directory, rules and refusals as the pages, as JSON."""

import pytest
from django.test import Client

from casewell.directory.models import Contact, Organisation
from casewell.directory.services import add_contact, add_organisation
from casewell.offices.models import User
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token

API = "/api/v1/directory"


def api_for(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")


@pytest.fixture
def ridgeway(cast):
    return add_organisation(
        cast.ben, {"name": "Ridgeway Tenants Trust", "kind": "housing_association"}
    )


def test_the_list_merges_central_and_own_entries_and_searches(cast, central, ridgeway):
    ada = api_for(cast.ada)
    body = ada.get(API).json()
    assert body["count"] == 14
    sources = {item["name"]: item for item in body["items"]}
    assert sources["DWP MP hotline"]["central_key"] == "dwp-mp-hotline"
    assert sources["DWP MP hotline"]["organisation_id"] is None
    assert sources["Ridgeway Tenants Trust"] == {
        "source": "office",
        "organisation_id": ridgeway.pk,
        "central_key": None,
        "name": "Ridgeway Tenants Trust",
        "kind": "housing_association",
        "kind_label": "Housing association",
        "town": "",
        "postcode": "",
    }
    councils = ada.get(API, {"kind": "council"}).json()
    assert {item["name"] for item in councils["items"]} == {
        "Northfield Metropolitan Borough Council",
        "Vale County Council",
    }
    assert ada.get(API, {"name": "ridgeway trust"}).json()["count"] == 1
    south = api_for(cast.cleo).get(API).json()
    assert south["count"] == 13
    assert "Ridgeway Tenants Trust" not in {item["name"] for item in south["items"]}


def test_an_unknown_kind_is_a_structured_422(cast, central):
    response = api_for(cast.ada).get(API, {"kind": "castle"})
    assert response.status_code == 422
    assert "kind" in response.json()["detail"]


def test_a_central_entry_comes_with_its_contacts_for_every_office(cast, central):
    for user in (cast.ivy, cast.cleo):
        body = api_for(user).get(f"{API}/central/northfield-council").json()
        assert body["source"] == "central" and body["overridden"] is False
        assert body["postcode"] == "LS1 1UR" and body["kind_label"] == "Council"
        assert {contact["name"] for contact in body["contacts"]} == {
            "Sarah Whitfield",
            "Members' enquiries team",
        }
    assert api_for(cast.ada).get(f"{API}/central/nope").status_code == 404


def test_a_manager_creates_and_changes_an_organisation(cast, db):
    ben = api_for(cast.ben)
    created = ben.post(
        f"{API}/organisations",
        {
            "name": "Hillside Academy",
            "kind": "School",
            "phone": "0113 496 0444",
            "postcode": "ls6 2ab",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "school" and body["phone"] == "+441134960444"
    assert body["postcode"] == "LS6 2AB" and body["source"] == "office"
    changed = ben.patch(
        f"{API}/organisations/{body['organisation_id']}",
        {"town": "Northfield"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["town"] == "Northfield" and changed.json()["name"] == "Hillside Academy"


def test_bad_organisation_fields_are_each_named(cast, db):
    response = api_for(cast.ben).post(
        f"{API}/organisations",
        {"name": "", "kind": "castle", "email": "nope", "postcode": "SW1A 1A", "phone": "12"},
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"name", "kind", "email", "postcode", "phone"}
    assert errors["name"] == ["Enter the organisation’s name"]
    assert "postcode: SW1A 1A" in response.json()["detail"]
    with bind_office(cast.north):
        assert not Organisation.objects.exists()


def test_a_body_of_the_wrong_shape_is_a_structured_422(cast, db):
    response = api_for(cast.ben).post(
        f"{API}/organisations", {"name": ["a list"]}, content_type="application/json"
    )
    assert response.status_code == 422 and "name" in response.json()["detail"]


def test_only_managers_and_administrators_write_organisations(cast, central, ridgeway):
    for user in (cast.ada, cast.ivy, cast.mo):
        client = api_for(user)
        assert (
            client.post(
                f"{API}/organisations",
                {"name": "X", "kind": "other"},
                content_type="application/json",
            ).status_code
            == 403
        )
        assert (
            client.patch(
                f"{API}/organisations/{ridgeway.pk}", {"name": "X"}, content_type="application/json"
            ).status_code
            == 403
        )
        assert client.post(f"{API}/central/dwp/override").status_code == 403
    assert (
        "managers and administrators"
        in api_for(cast.ada).post(f"{API}/central/dwp/override").json()["detail"]
    )


def test_override_then_revert_through_the_api(cast, central):
    ben = api_for(cast.ben)
    override = ben.post(f"{API}/central/dwp/override")
    assert override.status_code == 201
    body = override.json()
    assert body["overridden"] is True and body["source"] == "office"
    organisation_id = body["organisation_id"]
    ben.patch(
        f"{API}/organisations/{organisation_id}",
        {"phone": "020 7946 0999"},
        content_type="application/json",
    )
    assert ben.get(f"{API}/organisations/{organisation_id}").json()["phone"] == "+442079460999"
    assert api_for(cast.cleo).get(f"{API}/central/dwp").json()["phone"] == "+442079460100"
    reverted = ben.post(f"{API}/organisations/{organisation_id}/revert")
    assert reverted.status_code == 200
    assert reverted.json()["overridden"] is False and reverted.json()["phone"] == "+442079460100"
    assert (
        ben.patch(
            f"{API}/organisations/{organisation_id}",
            {"phone": "020 7946 0999"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_caseworkers_add_and_change_contacts(cast, central, ridgeway):
    ada = api_for(cast.ada)
    added = ada.post(
        f"{API}/organisations/{ridgeway.pk}/contacts",
        {"name": "Dorothy Kettering", "phone": "07700 900123"},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["phone"] == "+447700900123"
    contact_id = added.json()["id"]
    changed = ada.patch(
        f"{API}/contacts/{contact_id}",
        {"role": "Tenancy officer"},
        content_type="application/json",
    )
    assert changed.json()["role"] == "Tenancy officer"
    assert changed.json()["name"] == "Dorothy Kettering"
    at_central = ada.post(
        f"{API}/central/dwp-mp-hotline/contacts",
        {"name": "Lee Park"},
        content_type="application/json",
    )
    assert at_central.status_code == 201
    names = {c["name"] for c in ada.get(f"{API}/central/dwp-mp-hotline").json()["contacts"]}
    assert names == {"Lee Park", "Priya Raman"}
    south = {
        c["name"]
        for c in api_for(cast.cleo).get(f"{API}/central/dwp-mp-hotline").json()["contacts"]
    }
    assert south == {"Priya Raman"}
    assert (
        api_for(cast.ivy)
        .post(
            f"{API}/organisations/{ridgeway.pk}/contacts",
            {"name": "X"},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_bad_contact_fields_are_each_named(cast, ridgeway):
    response = api_for(cast.ada).post(
        f"{API}/organisations/{ridgeway.pk}/contacts",
        {"name": "", "email": "a@", "postcode": "12345"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "email", "postcode"}
    with bind_office(cast.north):
        assert not Contact.objects.exists()


def test_cleo_gets_404_for_norths_organisations_and_contacts(cast, ridgeway):
    dorothy = add_contact(cast.ada, ridgeway, {"name": "Dorothy Kettering"})
    cleo = api_for(cast.cleo)
    assert cleo.get(f"{API}/organisations/{ridgeway.pk}").status_code == 404
    assert cleo.get(f"{API}/contacts/{dorothy.pk}").status_code == 404
    assert (
        cleo.patch(
            f"{API}/organisations/{ridgeway.pk}",
            {"name": "Cleo's"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        cleo.patch(
            f"{API}/contacts/{dorothy.pk}", {"name": "Cleo's"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        cleo.post(
            f"{API}/organisations/{ridgeway.pk}/contacts",
            {"name": "X"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert cleo.post(f"{API}/organisations/{ridgeway.pk}/revert").status_code == 404
    with bind_office(cast.north):
        assert Organisation.objects.get().name == "Ridgeway Tenants Trust"
        assert Contact.objects.get().name == "Dorothy Kettering"


def test_the_directory_api_needs_a_token(db):
    assert Client().get(API).status_code == 401
