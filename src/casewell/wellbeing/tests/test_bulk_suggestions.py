"""Suggestions for many cases at once: who has room for the whole selection, weighed by each
case's complexity and distress, the reasons in words; managers only, another office's
cases not counted, and a fixed number of queries however many cases are selected."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.wellbeing.models.workload import DistressLevel
from casewell.wellbeing.suggestions import suggest_assignees_for_cases
from casewell.wellbeing.tests.test_suggestions import load_the_team


@pytest.fixture
def loads(cast, caseload):
    """Ada carries 6, Ben 3, Ivy 1; Wes carries nothing but had a heavy week."""
    load_the_team(cast, caseload, ada_complex_cases=3)


def names(picked) -> list[str]:
    return [s.user.get_short_name() for s in picked.suggestions]


def south_case(cast):
    with bind_office(cast.south):
        category = Category.objects.filter(parent=None).first()
    return open_case(cast.cleo, summary="South's own", category=category)


def test_the_whole_selection_is_weighed_and_people_ranked_by_room_after_it(cast, loads, caseload):
    # Two ordinary cases (1 each) and a complex, highly distressing one (2 x 2 = 4): 6.
    selection = [
        caseload.open(None, summary="Noise"),
        caseload.open(None, summary="Parking"),
        caseload.open(None, summary="Threats", complexity=5, distress=DistressLevel.HIGH),
    ]
    picked = suggest_assignees_for_cases(cast.ben, [case.pk for case in selection])
    assert (picked.cases, picked.weight, picked.heavy_cases) == (3, 6.0, 1)
    # Ivy 1+6 and Ben 3+6 have room; Wes has room but a heavy week with a heavy case in the
    # selection (moved down 7.5); Ada 6+6 has none.
    assert names(picked) == ["Ivy", "Ben", "Wes", "Ada"]
    ivy, ben, wes, ada = picked.suggestions
    assert ivy.reasons == [
        "Has room: weighted caseload 1 of 10",
        "7 of 10 after the 3 selected cases",
    ]
    assert wes.heavy_week and wes.has_room
    assert "Moved down to give them a lighter few days" in wes.reasons
    assert "3 heavy cases in the last 7 days" in wes.reasons
    assert not ada.has_room
    assert ada.reasons[:2] == [
        "No room: weighted caseload 6 of 10",
        "12 of 10 after the 3 selected cases",
    ]


def test_a_heavier_selection_leaves_fewer_people_with_room(cast, loads, caseload):
    light = [caseload.open(None, summary="Light") for _ in range(2)]
    heavy = [caseload.open(None, summary="Complex", complexity=5) for _ in range(4)]
    with_room = {
        len(cases): [s.user.get_short_name() for s in picked.suggestions if s.has_room]
        for cases in (light, heavy)
        for picked in [suggest_assignees_for_cases(cast.ben, [c.pk for c in cases])]
    }
    assert with_room[2] == ["Ivy", "Ben", "Wes", "Ada"]
    assert with_room[4] == ["Ivy", "Wes"]  # 8 of weight: only Ivy (1) and Wes (0) stay in 10


def test_someone_already_holding_some_cases_is_weighed_for_the_rest_only(cast, loads, caseload):
    theirs = caseload.open(cast.ivy, summary="Already Ivy's", complexity=5)
    new = caseload.open(None, summary="New")
    picked = suggest_assignees_for_cases(cast.ben, [theirs.pk, new.pk])
    ivy = next(s for s in picked.suggestions if s.user == cast.ivy)
    assert "4 of 10 after the 2 selected cases" in ivy.reasons  # 3 carried + 1 new
    only_theirs = suggest_assignees_for_cases(cast.ben, [theirs.pk])
    assert "Ivy" not in names(only_theirs)


def test_another_offices_cases_are_not_counted_and_come_back_refused(cast, loads, caseload):
    ours = caseload.open(None, summary="Ours")
    theirs = south_case(cast)
    picked = suggest_assignees_for_cases(cast.ben, [ours.pk, theirs.pk, "nonsense"])
    assert picked.cases == 1 and picked.weight == 1.0
    assert (theirs.pk, "No case found.") in picked.refused
    assert ("nonsense", "This is not a case id.") in picked.refused
    assert not {"Cleo"} & set(names(picked))
    nothing = suggest_assignees_for_cases(cast.ben, [theirs.pk])
    assert nothing.cases == 0 and nothing.suggestions == []


def test_only_managers_are_given_suggestions_for_a_selection(cast, loads, caseload):
    case = caseload.open(None)
    for who in (cast.ada, cast.ivy, cast.mo):
        with pytest.raises(PermissionDenied):
            suggest_assignees_for_cases(who, [case.pk])
    # Cleo manages South: North's case is simply not hers to count.
    assert suggest_assignees_for_cases(cast.cleo, [case.pk]).cases == 0


def test_suggestions_for_many_cases_take_a_fixed_number_of_queries(cast, loads, caseload):
    def queries_for(count: int) -> int:
        ids = [caseload.open(None, summary=f"Case {n}").pk for n in range(count)]
        ids[0:1] = [caseload.open(None, distress=DistressLevel.HIGH).pk]
        with CaptureQueriesContext(connection) as queries:
            picked = suggest_assignees_for_cases(cast.ben, ids)
        assert picked.cases == count
        return len(queries)

    assert queries_for(3) == queries_for(40)


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")


def test_the_api_gives_suggestions_for_a_selection_to_managers_only(cast, loads, caseload):
    ours = [caseload.open(None, summary=f"Case {n}") for n in range(3)]
    theirs = south_case(cast)
    url = "/api/v1/wellbeing/workload/suggestions"
    query = {"cases": [case.pk for case in ours] + [theirs.pk]}
    answer = api(cast.ben).get(url, query)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["cases"], body["weight"], body["heavy_cases"]) == (3, 3.0, 0)
    assert [row["name"] for row in body["suggestions"]] == [
        "Ivy Chen",
        "Ben Okafor",
        "Wes Brown",
        "Ada Lovelace",
    ]
    assert "4 of 10 after the 3 selected cases" in body["suggestions"][0]["reasons"]
    assert body["refused"] == [{"case": theirs.pk, "reason": "No case found."}]
    assert api(cast.ada).get(url, query).status_code == 403
    assert api(cast.ivy).get(url, query).status_code == 403
    assert api(cast.ben).get(url).status_code == 422  # no cases named
    assert api(cast.ben).get(url, {"cases": "x"}).status_code == 422
    # Cleo's token counts none of North's cases: nothing of North's comes back.
    south = api(cast.cleo).get(url, {"cases": [case.pk for case in ours]}).json()
    assert south["cases"] == 0 and south["suggestions"] == []
