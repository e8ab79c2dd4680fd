"""The notify API: send and list messages, list and read notifications, the same rules as pages."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from casewell.notify import services
from casewell.notify.tests.conftest import FRIDAY_EVENING, TUESDAY_MORNING
from casewell.offices.tokens import create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(db):
    def client(user) -> Client:
        _record, token = create_token(user, "Notifications")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return client


def test_sending_out_of_hours_says_when_it_will_arrive(cast, api_as):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        sent = api_as(cast.ben).post(
            "/api/v1/notifications/messages",
            {"recipient_id": cast.ada.pk, "text": "Good work this week"},
            content_type="application/json",
        )
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["held"] is True and body["arrives"] == "Monday 09:00"
    assert body["arrives_at"].startswith("2025-12-01T09:00")
    listed = api_as(cast.ben).get("/api/v1/notifications/messages").json()
    assert [(item["id"], item["arrived"]) for item in listed] == [(body["id"], False)]


def test_urgent_without_a_reason_is_refused_naming_the_field(cast, api_as):
    refused = api_as(cast.ben).post(
        "/api/v1/notifications/messages",
        {"recipient_id": cast.ada.pk, "text": "Now", "urgent": True},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "urgent_reason" in refused.json()["errors"]


def test_listing_and_reading_your_notifications(cast, api_as):
    item = services.deliver(
        cast.ada, subject="Reminder", warning_categories=["abuse"], now=TUESDAY_MORNING
    )
    listed = api_as(cast.ada).get("/api/v1/notifications/").json()
    assert [(row["id"], row["warning_categories"]) for row in listed] == [(item.pk, ["abuse"])]
    read = api_as(cast.ada).post(f"/api/v1/notifications/{item.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert api_as(cast.ben).post(f"/api/v1/notifications/{item.pk}/read").status_code == 404


def test_cleo_gets_404_for_north(cast, api_as):
    item = services.deliver(cast.ada, subject="Reminder", now=TUESDAY_MORNING)
    cleo = api_as(cast.cleo)
    assert cleo.post(f"/api/v1/notifications/{item.pk}/read").status_code == 404
    sent = cleo.post(
        "/api/v1/notifications/messages",
        {"recipient_id": cast.ada.pk, "text": "Hi"},
        content_type="application/json",
    )
    assert sent.status_code == 404
    assert cleo.get("/api/v1/notifications/").json() == []
