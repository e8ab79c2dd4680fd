"""The cases API: the same services and checks as the pages, and 4xx JSON naming each bad field."""

from __future__ import annotations

import pytest
from django.test import Client

from casewell.cases.models import Case
from casewell.cases.services import open_case, restrict_case
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token


@pytest.fixture
def api_for():
    def client(user) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")

    return client


def test_open_get_list_update_and_move_a_case(cast, north_cases, api_for):
    ada = api_for(cast.ada)
    made = ada.post(
        "/api/v1/cases",
        {
            "summary": "Eviction notice",
            "category": north_cases.housing.pk,
            "subcategory": north_cases.homelessness.pk,
            "people": [north_cases.harriet.pk],
            "priority": "high",
            "due_in_working_days": 5,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    case = made.json()
    assert case["reference"].startswith("NR-")
    assert case["status"]["name"] == "New"
    assert case["priority"] == "high"
    assert case["people"][0]["name"] == "Harriet Walsh"
    assert [s["name"] for s in case["next_statuses"]] == ["Open", "Awaiting reply", "Closed"]

    got = ada.get(f"/api/v1/cases/{case['id']}")
    assert got.status_code == 200 and got.json()["summary"] == "Eviction notice"
    listed = ada.get("/api/v1/cases", {"state": "open", "category": north_cases.housing.pk})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["items"]] == [case["id"]]
    assert ada.get("/api/v1/cases", {"state": "closed"}).json()["count"] == 0
    counts = ada.get("/api/v1/cases/counts").json()
    assert counts["total"] == 1 and counts["assignee"] == {"none": 1}

    changed = ada.patch(
        f"/api/v1/cases/{case['id']}",
        {"summary": "Section 21 notice"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["summary"] == "Section 21 notice"
    moved = ada.post(
        f"/api/v1/cases/{case['id']}/status",
        {"status": north_cases.status("Closed").pk},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["status"]["is_closed"] and moved.json()["closed_at"]


def test_bad_fields_are_each_named_in_the_422(cast, north_cases, api_for):
    ada = api_for(cast.ada)
    refused = ada.post(
        "/api/v1/cases",
        {"summary": "", "category": 999999, "priority": "whenever", "complexity": 7},
        content_type="application/json",
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["errors"] == {
        "summary": ["Enter a summary of the case."],
        "category": ["There is no category with id 999999 in this office."],
        "priority": ["Choose a priority: low, normal, high or urgent."],
        "complexity": ["Complexity must be a whole number from 1 to 5."],
    }
    assert "summary: Enter a summary" in body["detail"]
    missing = ada.post("/api/v1/cases", {}, content_type="application/json")
    assert missing.status_code == 422 and "summary" in missing.json()["detail"]


def test_a_transition_the_workflow_does_not_allow_is_a_422_naming_status(
    cast, north_cases, api_for
):
    case = open_case(cast.ada, summary="Visa", category=north_cases.housing)
    answer = api_for(cast.ada).post(
        f"/api/v1/cases/{case.pk}/status",
        {"status": north_cases.status("New").pk},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"]["status"] == ["The case is already new."]


def test_assign_tag_people_related_restrict_and_bulk(cast, north_cases, api_for):
    ben = api_for(cast.ben)
    case = open_case(cast.ada, summary="Damp", category=north_cases.housing)
    other = open_case(cast.ada, summary="Damp next door", category=north_cases.housing)
    url = f"/api/v1/cases/{case.pk}"

    def post(path, body):
        return ben.post(url + path, body, content_type="application/json")

    assert post("/assign", {"assignee": cast.ada.pk}).json()["assignee"]["id"] == cast.ada.pk
    tag = ben.post("/api/v1/cases/tags", {"name": "Surgery"}, content_type="application/json")
    assert tag.status_code == 201
    tag_id = tag.json()["id"]
    assert post("/tags", {"tag": tag_id}).json()["tags"] == [{"id": tag_id, "name": "Surgery"}]
    assert ben.delete(f"{url}/tags/{tag_id}").json()["tags"] == []
    added = post("/people", {"person": north_cases.omar.pk, "role": "representative"})
    assert added.json()["people"][0]["role"] == "representative"
    assert post("/people", {"person": north_cases.omar.pk, "role": "boss"}).status_code == 422
    assert ben.delete(f"{url}/people/{north_cases.omar.pk}").json()["people"] == []
    related = post("/related", {"case": other.pk}).json()["related"]
    assert [row["id"] for row in related] == [other.pk]
    assert post("/unrelated", {"case": other.pk}).json()["related"] == []
    restricted = post("/restriction", {"staff": [cast.wes.pk]}).json()
    assert restricted["is_restricted"]
    assert [s["id"] for s in restricted["restricted_to"]] == [cast.wes.pk]

    mo = api_for(cast.mo)
    assert mo.get(url).status_code == 404
    assert mo.get("/api/v1/cases").json()["count"] == 1
    assert mo.get("/api/v1/cases/counts").json()["total"] == 1
    refused = mo.post(
        "/api/v1/cases/bulk",
        {"action": "close", "cases": [case.pk, other.pk]},
        content_type="application/json",
    ).json()
    assert refused == {"done": 1, "refused": [{"case": case.pk, "reason": "No case found."}]}
    no_tag = mo.post(
        "/api/v1/cases/bulk",
        {"action": "tag", "cases": [other.pk]},
        content_type="application/json",
    )
    assert no_tag.status_code == 422 and "tag" in no_tag.json()["errors"]


def test_restriction_needs_a_manager_or_the_assignee(cast, north_cases, api_for):
    case = open_case(cast.ada, summary="Private", category=north_cases.housing)
    answer = api_for(cast.wes).post(
        f"/api/v1/cases/{case.pk}/restriction",
        {"staff": [cast.wes.pk]},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "managers, administrators" in answer.json()["detail"]
    restrict_case(cast.ben, case, staff=[cast.ben])
    assert api_for(cast.wes).get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_cleo_gets_404_for_norths_cases_on_every_route(cast, north_cases, api_for):
    case = open_case(
        cast.ada,
        summary="North only",
        category=north_cases.housing,
        people=[north_cases.harriet],
    )
    cleo = api_for(cast.cleo)
    url = f"/api/v1/cases/{case.pk}"
    assert cleo.get(url).status_code == 404
    assert cleo.patch(url, {"summary": "x"}, content_type="application/json").status_code == 404
    for path, body in [
        ("/status", {"status": north_cases.status("Open").pk}),
        ("/assign", {"assignee": cast.cleo.pk}),
        ("/tags", {"tag": 1}),
        ("/people", {"person": north_cases.harriet.pk}),
        ("/related", {"case": case.pk}),
        ("/restriction", {"staff": []}),
    ]:
        answer = cleo.post(url + path, body, content_type="application/json")
        assert answer.status_code == 404, path
        assert "North only" not in answer.content.decode()
        # A body that cannot even be read still gets the same 404, never a 400 or 422.
        assert cleo.post(url + path).status_code == 404, path
    assert cleo.get("/api/v1/cases").json()["count"] == 0
    bulk = cleo.post(
        "/api/v1/cases/bulk",
        {"action": "close", "cases": [case.pk]},
        content_type="application/json",
    ).json()
    assert bulk["done"] == 0


def test_bulk_assign_keeps_teams_unless_a_team_is_given(cast, north_cases, api_for):
    housing = create_team(cast.ben, "Housing team", members=[cast.wes])
    case = open_case(cast.ada, summary="Damp", category=north_cases.housing, team=housing)
    ben = api_for(cast.ben)

    def assign(**body):
        return ben.post(
            "/api/v1/cases/bulk",
            {"action": "assign", "cases": [case.pk], **body},
            content_type="application/json",
        ).json()

    def team_now():
        with bind_office(cast.north):
            return Case.objects.get(pk=case.pk).team_id

    assert assign(assignee=cast.wes.pk)["done"] == 1
    assert team_now() == housing.pk
    assert assign(assignee=cast.wes.pk, team=None)["done"] == 1
    assert team_now() is None
