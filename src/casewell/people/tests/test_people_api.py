"""The people API: the same services as the pages, refusals as 422 JSON naming each field."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.people import consent, merging
from casewell.people.models import Person
from casewell.people.tests.conftest import add_person


@pytest.fixture
def api_for():
    def make(user) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")

    return make


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_adding_a_person_normalises_and_refuses_with_each_field_named(cast, api_for):
    client = api_for(cast.ada)
    bad = post(
        client,
        "/api/v1/people",
        {"first_name": "", "postcode": "LS1 4D", "phone": "12", "email": "nope"},
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert set(errors) == {"first_name", "last_name", "postcode", "phone", "email"}
    assert "LS1 4D is missing the last letter" in errors["postcode"][0]
    assert "postcode:" in bad.json()["detail"]
    made = post(
        client,
        "/api/v1/people",
        {
            "first_name": "Seun",
            "last_name": "Adeyemi",
            "postcode": "ls63ab",
            "phone": "07811 654321",
        },
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["postcode"], body["phone"], body["phone_national"]) == (
        "LS6 3AB",
        "+447811654321",
        "07811 654321",
    )


def test_a_likely_duplicate_answers_409_until_confirmed(cast, api_for, harriet):
    client = api_for(cast.ada)
    twin = {"first_name": "Harriet", "last_name": "Walsh", "email": "harriet.walsh@example.org"}
    conflict = post(client, "/api/v1/people", twin)
    assert conflict.status_code == 409
    found = conflict.json()["duplicates"]
    assert found[0]["person"]["id"] == harriet.pk and "same e-mail address" in found[0]["reasons"]
    with bind_office(cast.north):
        assert Person.objects.count() == 1
    assert post(client, "/api/v1/people", {**twin, "confirmed_new": True}).status_code == 201


def test_changing_a_person_and_their_contact_details(cast, api_for, harriet):
    client = api_for(cast.ada)
    changed = client.patch(
        f"/api/v1/people/{harriet.pk}",
        {"preferred_name": "Hattie"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["display_name"] == "Hattie Walsh"
    bad = client.patch(
        f"/api/v1/people/{harriet.pk}", {"last_name": ""}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"] == {"last_name": ["Enter a last name"]}
    bad = post(client, f"/api/v1/people/{harriet.pk}/addresses", {"line_1": "", "postcode": "X"})
    assert set(bad.json()["errors"]) == {"line_1", "postcode"}
    address = post(
        client,
        f"/api/v1/people/{harriet.pk}/addresses",
        {"line_1": "2 Quay St", "postcode": "ls15ab"},
    ).json()
    assert address["postcode"] == "LS1 5AB" and address["is_current"]
    bad = post(client, f"/api/v1/people/{harriet.pk}/phones", {"number": "abc"})
    assert bad.status_code == 422 and "number" in bad.json()["errors"]
    phone = post(
        client, f"/api/v1/people/{harriet.pk}/phones", {"number": "0113 496 0000", "kind": "home"}
    ).json()
    assert phone["national"] == "0113 496 0000" and not phone["is_main"]
    assert post(client, f"/api/v1/people/phones/{phone['id']}/make-main", {}).json()["is_main"]
    assert client.get(f"/api/v1/people/{harriet.pk}").json()["phone"] == "+441134960000"
    assert client.delete(f"/api/v1/people/phones/{phone['id']}").status_code == 204
    email = post(client, f"/api/v1/people/{harriet.pk}/emails", {"address": "H@Example.org"})
    assert email.json()["address"] == "h@example.org"
    assert post(client, f"/api/v1/people/{harriet.pk}/emails", {"address": "x"}).status_code == 422
    assert len(client.get(f"/api/v1/people/{harriet.pk}/addresses").json()) == 2
    assert len(client.get(f"/api/v1/people/{harriet.pk}/emails").json()) == 2


def test_vulnerability_notes_read_through_the_api_are_logged(cast, api_for, harriet):
    client = api_for(cast.ada)
    notes = client.get(f"/api/v1/people/{harriet.pk}/vulnerability-notes").json()
    assert notes[0]["text"].startswith("Recently bereaved")
    with bind_office(cast.north):
        assert AccessLogEntry.objects.get().channel == "api"
    assert post(client, f"/api/v1/people/{harriet.pk}/vulnerability-notes", {"text": ""}).json()[
        "errors"
    ] == {"text": ["Enter the note"]}


def test_authorities_and_permission_forms(cast, api_for, harriet):
    client = api_for(cast.ada)
    bad = post(
        client, f"/api/v1/people/{harriet.pk}/authorities", {"name": "", "relationship": "x"}
    )
    assert set(bad.json()["errors"]) == {"name", "relationship"}
    authority = post(
        client,
        f"/api/v1/people/{harriet.pk}/authorities",
        {"name": "Tom Walsh", "relationship": "family"},
    ).json()
    assert authority["in_force"]
    ended = post(client, f"/api/v1/people/authorities/{authority['id']}/end", {}).json()
    assert not ended["in_force"]
    bad = post(
        client,
        f"/api/v1/people/{harriet.pk}/permission-forms",
        {"full_name": "Harriet Walsh", "national_insurance_number": "QQ123456C", "agencies": []},
    )
    assert set(bad.json()["errors"]) == {"national_insurance_number", "agencies"}
    form = post(
        client,
        f"/api/v1/people/{harriet.pk}/permission-forms",
        {
            "full_name": "Harriet Walsh",
            "agencies": ["Home Office"],
            "national_insurance_number": "ab 12 34 56 c",
        },
    ).json()
    assert form["national_insurance_number"] == "AB123456C"
    assert client.get(f"/api/v1/people/{harriet.pk}/permission").json()["state"] == "missing"
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    unsigned = post(client, f"/api/v1/people/permission-forms/{form['id']}/signed", {})
    assert unsigned.json()["errors"] == {"signed_on": ["Enter the date it was signed"]}
    future = post(
        client, f"/api/v1/people/permission-forms/{form['id']}/signed", {"signed_on": tomorrow}
    )
    assert future.status_code == 422 and "signed_on" in future.json()["errors"]
    signed = post(
        client, f"/api/v1/people/permission-forms/{form['id']}/signed", {"signed_on": today}
    )
    assert signed.status_code == 200
    status = client.get(f"/api/v1/people/{harriet.pk}/permission").json()
    assert status["state"] == "held" and status["form_id"] == form["id"]
    assert client.get(f"/api/v1/people/permission-forms/{form['id']}").status_code == 200
    post(client, f"/api/v1/people/permission-forms/{form['id']}/withdraw", {})
    assert client.get(f"/api/v1/people/{harriet.pk}/permission").json()["state"] == "missing"


def test_a_scan_is_uploaded_through_the_api(cast, api_for, harriet, settings, tmp_path):
    from casewell.files.testing import PROGRAM_BYTES, pdf_upload, upload

    settings.DATA_DIR = tmp_path
    form = consent.record_permission_form(cast.ada, harriet, full_name="H W", agencies="HMRC")
    client = api_for(cast.ada)
    url = f"/api/v1/people/permission-forms/{form.pk}/scan"
    bad = client.post(url, {"scan": upload("x.pdf", PROGRAM_BYTES), "signed_on": "2026-03-01"})
    assert bad.status_code == 422 and "scan" in bad.json()["errors"]
    good = client.post(url, {"scan": pdf_upload(), "signed_on": "2026-03-01"})
    assert good.status_code == 200 and good.json()["has_scan"]
    assert good.json()["valid_until"] == "2027-03-01"


def test_merge_and_unmerge_through_the_api(cast, api_for, harriet):
    twin = add_person(
        cast.ada,
        first_name="Hattie",
        last_name="Walsh",
        postcode="LS1 4DY",
        address_line_1="1 Park Row",
    )
    assert (
        post(
            api_for(cast.ada), f"/api/v1/people/{harriet.pk}/merge", {"merged_id": twin.pk}
        ).status_code
        == 403
    )
    client = api_for(cast.ben)
    dupes = client.get(f"/api/v1/people/{twin.pk}/duplicates").json()
    assert dupes[0]["person"]["id"] == harriet.pk
    assert (
        post(client, f"/api/v1/people/{harriet.pk}/merge", {"merged_id": harriet.pk}).status_code
        == 422
    )
    merged = post(client, f"/api/v1/people/{harriet.pk}/merge", {"merged_id": twin.pk})
    assert merged.status_code == 201
    merge_id = merged.json()["id"]
    assert client.get(f"/api/v1/people/{twin.pk}").json()["merged_into_id"] == harriet.pk
    undone = post(client, f"/api/v1/people/merges/{merge_id}/undo", {})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    again = merging.merge_people(cast.ben, kept=harriet, merged=twin)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        late = post(api_for(cast.ben), f"/api/v1/people/merges/{again.pk}/undo", {})
    assert late.status_code == 422 and "within 30 days" in late.json()["detail"]


def test_cleo_gets_404_for_norths_people_through_the_api(cast, api_for, harriet):
    cleo = api_for(cast.cleo)
    for url in (
        f"/api/v1/people/{harriet.pk}",
        f"/api/v1/people/{harriet.pk}/addresses",
        f"/api/v1/people/{harriet.pk}/vulnerability-notes",
        f"/api/v1/people/{harriet.pk}/duplicates",
        f"/api/v1/people/{harriet.pk}/permission",
    ):
        response = cleo.get(url)
        assert response.status_code == 404 and "detail" in response.json(), url
    assert (
        post(cleo, f"/api/v1/people/{harriet.pk}/phones", {"number": "07811 111111"}).status_code
        == 404
    )
    assert cleo.get("/api/v1/people").json()["count"] == 0
