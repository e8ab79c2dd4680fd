"""The huddle API: the board, recording a huddle as the team's, putting it down."""

from __future__ import annotations

import pytest
from django.test import Client

from casewell.offices.tokens import create_token
from casewell.wellbeing.tests.huddle_cases import a_case


def api_client(user) -> Client:
    _record, token = create_token(user, "Huddle tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def urgent(cast):
    return a_case(cast.ada, "North eviction", priority=4)


def test_the_board_lists_at_risk_cases_and_a_huddle_is_recorded_as_the_teams(cast, urgent):
    ada = api_client(cast.ada)
    rows = ada.get("/api/v1/wellbeing/huddles/board?kind=weekly").json()
    assert [(row["reference"], row["reasons"]) for row in rows] == [
        (urgent.reference, ["Urgent priority"])
    ]
    response = ada.post("/api/v1/wellbeing/huddles", {
        "kind": "weekly", "attendee_ids": [cast.ada.pk, cast.ben.pk],
        "learning_theme": "Endings", "decisions": [{
            "decision": "Hold it together", "case_id": urgent.pk, "action": "Call",
            "action_owner_id": cast.ben.pk,
        }],
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert response.json()["learning_theme"] == "Endings"


def test_a_refused_huddle_answers_422_naming_the_field(cast):
    response = api_client(cast.ada).post(
        "/api/v1/wellbeing/huddles", {"kind": "daily", "attendee_ids": []},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"]["attendees"] == ["Choose who came to the huddle"]


def test_interns_are_refused_the_board(cast):
    assert api_client(cast.ivy).get("/api/v1/wellbeing/huddles/board").status_code == 403


def test_putting_it_down_hands_a_case_on_and_keeps_the_note_private(cast, urgent):
    response = api_client(cast.ada).post(
        "/api/v1/wellbeing/put-it-down",
        {"note": "North heavy day", "hand_over": [urgent.pk]}, content_type="application/json",
    )  # fmt: skip
    assert response.json() == {"note_kept": True, "handed_over": [urgent.pk]}
    rows = api_client(cast.ben).get("/api/v1/wellbeing/huddles/board").json()
    assert rows[0]["handed_over_by"] == ["Ada Lovelace"]
    assert "North heavy day" not in str(rows)


def test_cleo_sees_nothing_of_norths_board(cast, urgent):
    a_case(cast.ada, "North other", priority=3)
    text = api_client(cast.cleo).get("/api/v1/wellbeing/huddles/board").content.decode()
    assert text == "[]"
    refused = api_client(cast.cleo).post(
        "/api/v1/wellbeing/put-it-down", {"hand_over": [urgent.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 422
