"""The incident and safety-marker API: same rules as the pages, refusals naming each field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.people.models import Person


@pytest.fixture
def api_for():
    from django.test import Client

    def make(user):
        _record, token = create_token(user, "Tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name="Harriet", last_name="Walsh")


def post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


SOON = (timezone.localdate() + timedelta(days=60)).isoformat()
LATER = (timezone.localdate() + timedelta(days=300)).isoformat()


def test_incidents_are_recorded_listed_read_and_followed_up(cast, api_for, harriet):
    ada = api_for(cast.ada)
    made = post(
        ada,
        "/api/v1/safety/incidents",
        {
            "channel": "call",
            "happened_on": timezone.localdate().isoformat(),
            "what_happened": "Shouted threats",
            "person_id": harriet.pk,
            "targeted_ids": [cast.ada.pk],
        },
    )
    assert made.status_code == 201, made.content
    incident_id = made.json()["id"]
    assert made.json()["targeted_ids"] == [cast.ada.pk]
    assert [row["id"] for row in ada.get("/api/v1/safety/incidents").json()] == [incident_id]
    assert ada.get(f"/api/v1/safety/incidents/{incident_id}").json()["channel"] == "call"
    # Wes was not targeted and is no manager: he does not find it.
    assert api_for(cast.wes).get(f"/api/v1/safety/incidents/{incident_id}").status_code == 404
    assert api_for(cast.wes).get("/api/v1/safety/incidents").json() == []
    followed = post(
        ada,
        f"/api/v1/safety/incidents/{incident_id}/follow-up",
        {"police_force": "West Yorkshire Police", "police_reference": "13/123"},
    )
    assert followed.status_code == 200 and followed.json()["police_reference"] == "13/123"


def test_refusals_name_each_field(cast, api_for, harriet):
    ada = api_for(cast.ada)
    bad = post(
        ada,
        "/api/v1/safety/incidents",
        {
            "channel": "pigeon",
            "what_happened": " ",
            "targeted_ids": [cast.cleo.pk],
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"channel", "happened_on", "what_happened", "targeted"}
    made = post(
        ada,
        "/api/v1/safety/incidents",
        {
            "channel": "call",
            "happened_on": timezone.localdate().isoformat(),
            "what_happened": "x",
        },
    ).json()
    bad = post(ada, f"/api/v1/safety/incidents/{made['id']}/follow-up", {"police_reference": "1"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"police_force"}
    bad = post(ada, f"/api/v1/safety/incidents/{made['id']}/evidence", {})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"timeline_entry"}


def test_markers_are_listed_added_reviewed_and_removed_by_managers(cast, api_for, harriet):
    ben, ada = api_for(cast.ben), api_for(cast.ada)
    url = f"/api/v1/safety/people/{harriet.pk}/markers"
    assert post(ada, url, {"kind": "has_made_threats", "review_on": SOON}).status_code == 403
    bad = post(ben, url, {"kind": "rude", "review_on": None})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"kind", "review_on"}
    made = post(ben, url, {"kind": "has_made_threats", "review_on": SOON})
    assert made.status_code == 201
    marker_id = made.json()["id"]
    assert [row["kind_label"] for row in ada.get(url).json()] == ["Has made threats"]
    review = f"/api/v1/safety/markers/{marker_id}/review"
    assert post(ada, review, {"review_on": LATER}).status_code == 403
    bad = post(ben, review, {"review_on": "2001-01-01"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"review_on"}
    assert post(ben, review, {"review_on": LATER}).json()["review_on"] == LATER
    assert post(ada, f"/api/v1/safety/markers/{marker_id}/remove", {}).status_code == 403
    removed = post(ben, f"/api/v1/safety/markers/{marker_id}/remove", {})
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert ada.get(url).json() == []


def test_cleo_reaches_none_of_it(cast, api_for, harriet):
    cleo = api_for(cast.cleo)
    assert cleo.get(f"/api/v1/safety/people/{harriet.pk}/markers").status_code == 404
    made = post(
        api_for(cast.ada),
        "/api/v1/safety/incidents",
        {
            "channel": "call",
            "happened_on": timezone.localdate().isoformat(),
            "what_happened": "x",
        },
    ).json()
    assert cleo.get(f"/api/v1/safety/incidents/{made['id']}").status_code == 404
    assert post(cleo, f"/api/v1/safety/incidents/{made['id']}/follow-up", {}).status_code == 404
