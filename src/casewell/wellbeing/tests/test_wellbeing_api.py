"""Protected reading in the API: reading preference, the office's phrases, an item's
assessment, flagging and unflagging with a reason, and scoring text."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from casewell.offices.tokens import create_token
from casewell.timeline.services import add_note
from casewell.wellbeing import services as wellbeing

BASE = "/api/v1/wellbeing"


@pytest.fixture
def api_as():
    def make(user) -> Client:
        _record, token = create_token(user, "Tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def _json(client, method, path, body=None):
    response = getattr(client, method)(
        BASE + path, data=json.dumps(body) if body is not None else None,
        content_type="application/json",
    )  # fmt: skip
    return response.status_code, (response.json() if response.content else None)


def test_reading_preference_is_read_and_changed(cast, api_as):
    ada = api_as(cast.ada)
    assert _json(ada, "get", "/reading-preference") == (200, {"choice": "always", "categories": []})
    status, body = _json(
        ada, "put", "/reading-preference", {"choice": "some", "categories": ["abuse"]}
    )  # noqa: E501
    assert (status, body) == (200, {"choice": "some", "categories": ["abuse"]})
    status, body = _json(ada, "put", "/reading-preference", {"choice": "sometimes"})
    assert status == 422 and "choice" in body["errors"]


def test_managers_add_and_remove_phrases_and_others_may_not(cast, api_as):
    ben, ada = api_as(cast.ben), api_as(cast.ada)
    status, added = _json(
        ben, "post", "/phrases", {"category": "abuse", "phrase": "Plugging", "severity": 3}
    )  # noqa: E501
    assert status == 201 and added["phrase"] == "plugging"
    assert (
        _json(ada, "post", "/phrases", {"category": "abuse", "phrase": "x", "severity": 1})[0]
        == 403
    )
    assert [p["phrase"] for p in _json(ada, "get", "/phrases")[1]] == ["plugging"]
    status, body = _json(
        ben, "post", "/phrases", {"category": "sadness", "phrase": "x", "severity": 9}
    )  # noqa: E501
    assert status == 422 and {"category", "severity"} <= set(body["errors"])
    assert _json(api_as(cast.cleo), "delete", f"/phrases/{added['id']}")[0] == 404
    assert _json(ben, "delete", f"/phrases/{added['id']}")[0] == 204
    assert _json(ada, "get", "/phrases")[1] == []


def test_an_item_is_flagged_and_unflagged_with_a_reason(cast, api_as, case):
    ada = api_as(cast.ada)
    entry = add_note(cast.ada, case, "She was attacked on the stairs.")
    status, body = _json(ada, "get", f"/items/timeline/{entry.pk}/assessment")
    assert status == 200 and body["categories"] == ["violence"] and body["decided_by"] == "detector"
    status, body = _json(ada, "post", f"/items/timeline/{entry.pk}/unflag", {"reason": ""})
    assert status == 422 and "reason" in body["errors"]
    status, body = _json(ada, "post", f"/items/timeline/{entry.pk}/unflag", {"reason": "A dog"})
    assert status == 200 and body["categories"] == [] and body["reason"] == "A dog"
    status, body = _json(
        ada, "post", f"/items/timeline/{entry.pk}/flag", {"categories": ["abuse"], "reason": "DV"}
    )
    assert body["warning"] == "Contains: abuse"
    assert wellbeing.warning_categories_for(cast.north.pk, "timeline", entry.pk) == ["abuse"]


def test_cleo_gets_404_for_norths_items(cast, api_as, case):
    cleo = api_as(cast.cleo)
    entry = add_note(cast.ada, case, "She was attacked on the stairs.")
    assert _json(cleo, "get", f"/items/timeline/{entry.pk}/assessment")[0] == 404
    assert _json(cleo, "post", f"/items/timeline/{entry.pk}/unflag", {"reason": "x"})[0] == 404
    assert _json(cleo, "post", f"/items/sandwich/{entry.pk}/unflag", {"reason": "x"})[0] == 404


def test_text_is_scored_with_the_offices_phrases(cast, api_as):
    wellbeing.add_office_phrase(cast.ben, "abuse", "plugging", 3)
    status, body = _json(
        api_as(cast.ada), "post", "/distress/score", {"text": "made to do plugging"}
    )
    assert (status, body["categories"], body["severity"]) == (200, ["abuse"], 3)
    status, body = _json(
        api_as(cast.cleo), "post", "/distress/score", {"text": "made to do plugging"}
    )
    assert body["categories"] == []
