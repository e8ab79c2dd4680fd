"""The lone-working API: the same rules as the pages, refusals naming each bad field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import across_all_offices
from casewell.offices.tokens import create_token
from casewell.safety import services
from casewell.safety.models import SafetyAlert
from casewell.safety.tests.conftest import START, alerts_of


@pytest.fixture
def api_as(db):
    def client(user) -> Client:
        _record, token = create_token(user, "Lone working")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return client


def body(**changes) -> dict:
    values = {
        "purpose": "surgery",
        "location": "Village hall, Church Lane",
        "expected_end": (START + timedelta(hours=2)).isoformat(),
        "check_in_minutes": 45,
        "emergency_contact_name": "Sam Lovelace",
        "emergency_contact_phone": "07700 900123",
    }
    values.update(changes)
    return values


def test_start_check_in_and_end_by_the_api(cast, clock, api_as):
    ada = api_as(cast.ada)
    started = ada.post(
        "/api/v1/safety/sessions", body(buddy_id=cast.wes.pk), content_type="application/json"
    )
    assert started.status_code == 201, started.content
    session_id = started.json()["id"]
    assert started.json()["check_in_due_at"].startswith("2026-03-10T10:45")
    clock.forward(minutes=5)
    checked = ada.post(
        f"/api/v1/safety/sessions/{session_id}/check-in", {}, content_type="application/json"
    )
    assert checked.status_code == 200
    assert checked.json()["next_due_at"].startswith("2026-03-10T10:50")
    ended = ada.post(
        f"/api/v1/safety/sessions/{session_id}/end", {"pin": ""}, content_type="application/json"
    )
    assert ended.status_code == 200
    assert api_as(cast.ben).get("/api/v1/safety/sessions").json() == []


def test_a_bad_start_names_each_field(cast, clock, api_as):
    answer = api_as(cast.ada).post(
        "/api/v1/safety/sessions",
        body(buddy_id=cast.ada.pk, check_in_minutes=2, emergency_contact_phone="nope"),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"buddy", "check_in_minutes", "emergency_contact_phone"}


def test_the_duress_pin_answers_exactly_as_an_ordinary_check_in(cast, clock, api_as):
    services.change_my_duress_pin(cast.ada, "2468", confirm="2468")
    ada = api_as(cast.ada)
    session_id = ada.post(
        "/api/v1/safety/sessions", body(buddy_id=cast.wes.pk), content_type="application/json"
    ).json()["id"]
    url = f"/api/v1/safety/sessions/{session_id}/check-in"
    normal = ada.post(url, {"pin": ""}, content_type="application/json")
    forced = ada.post(url, {"pin": "2468"}, content_type="application/json")
    assert (forced.status_code, forced.json()) == (normal.status_code, normal.json())
    run_queued_tasks()
    with across_all_offices():
        assert list(SafetyAlert.all_offices.values_list("kind", flat=True)) == ["duress"]


def test_acknowledging_by_the_api_says_who_owns_the_alert(cast, visit, clock, api_as):
    clock.forward(minutes=41)
    clock.run_scheduler()
    (alert,) = alerts_of(visit)
    first = api_as(cast.wes).post(f"/api/v1/safety/alerts/{alert.pk}/acknowledge")
    second = api_as(cast.ben).post(f"/api/v1/safety/alerts/{alert.pk}/acknowledge")
    assert first.json()["was_first"] is True
    assert second.json() == {
        "alert_id": alert.pk,
        "owner_id": cast.wes.pk,
        "owner_name": "Wes Brown",
        "was_first": False,
    }


def test_others_cannot_check_in_and_cleo_finds_nothing(cast, visit, api_as):
    url = f"/api/v1/safety/sessions/{visit.pk}"
    assert (
        api_as(cast.wes).post(f"{url}/check-in", {}, content_type="application/json").status_code
        == 403
    )
    assert api_as(cast.ivy).get(url).status_code == 404
    cleo = api_as(cast.cleo)
    assert cleo.get(url).status_code == 404
    assert cleo.post(f"{url}/panic").status_code == 404
    assert cleo.get("/api/v1/safety/sessions").json() == []
    assert cleo.get("/api/v1/safety/alerts").json() == []
