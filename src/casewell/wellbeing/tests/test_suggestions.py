"""Assignment suggestions: colleagues ranked by room in their weighted caseload, anyone with a
heavy week moved down, the reasons in words; managers only, and nothing assigned by itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import DistressLevel
from casewell.wellbeing.suggestions import suggest_assignees
from casewell.wellbeing.workload import change_workload_settings


def load_the_team(cast, caseload, *, ada_complex_cases: int) -> None:
    """Capacity 10: Ada carries two for each complex case, Ben 3, Ivy 1; Wes carries
    nothing but has had a heavy week."""
    change_workload_settings(cast.ben, capacity=10, heavy_limit=3)
    for _ in range(ada_complex_cases):
        caseload.open(cast.ada, complexity=5)
    for _ in range(3):
        caseload.open(cast.ben)
    caseload.open(cast.ivy)
    for n in range(3):
        heavy = caseload.open(None, summary=f"Heavy {n}", distress=DistressLevel.HIGH)
        record_exposure(cast.wes, heavy, "opened")


@pytest.fixture
def team_loads(cast, caseload):
    """Ada carries 8, Ben 3, Ivy 1, Wes nothing but a heavy week; a new case to assign."""
    load_the_team(cast, caseload, ada_complex_cases=4)
    return caseload.open(None, summary="New housing case")


def names(suggestions) -> list[str]:
    return [s.user.get_short_name() for s in suggestions]


def test_colleagues_are_ranked_by_room_with_a_heavy_week_moved_down(cast, team_loads):
    suggestions = suggest_assignees(cast.ben, team_loads)
    assert names(suggestions) == ["Ivy", "Ben", "Wes", "Ada"]
    wes = suggestions[2]
    assert wes.heavy_week and wes.has_room
    assert wes.reasons == [
        "Has room: weighted caseload 0 of 10",
        "3 heavy cases in the last 7 days",
        "Moved down to give them a lighter few days",
    ]
    assert suggestions[0].reasons == ["Has room: weighted caseload 1 of 10"]


def test_someone_without_room_comes_last_and_says_so(cast, team_loads, caseload):
    caseload.open(cast.ada, complexity=5)  # 10 of 10: no room for another
    last = suggest_assignees(cast.ben, team_loads)[-1]
    assert last.user == cast.ada and not last.has_room
    assert last.reasons == ["No room: weighted caseload 10 of 10"]


def test_the_current_assignee_and_those_who_carry_no_cases_are_not_suggested(
    cast, team_loads, caseload
):
    theirs = caseload.open(cast.ivy)
    suggested = names(suggest_assignees(cast.ben, theirs))
    assert "Ivy" not in suggested
    assert not {"Mo", "Amir", "Cleo"} & set(suggested)


def test_overdue_work_is_among_the_reasons(cast, team_loads, caseload):
    from datetime import date

    caseload.open(cast.ivy, due=date(2020, 1, 6))
    ivy = next(s for s in suggest_assignees(cast.ben, team_loads) if s.user == cast.ivy)
    assert "1 overdue case" in ivy.reasons


def test_only_managers_are_given_suggestions(cast, team_loads):
    for who in (cast.ada, cast.ivy, cast.cleo):
        with pytest.raises(PermissionDenied):
            suggest_assignees(who, team_loads)


def test_the_assign_page_shows_suggestions_and_a_choice_assigns_through_the_cases_form(
    cast, client_for, team_loads
):
    url = reverse("cases:assign", kwargs={"case_id": team_loads.pk})
    ben = client_for(cast.ben)
    page = ben.get(url).content.decode()
    assert 'data-testid="assignment-suggestions"' in page
    assert page.index("Ivy Chen") < page.index("Wes Brown") < page.index("Ada Lovelace")
    assert "3 heavy cases in the last 7 days" in page
    with bind_office(cast.north):
        team_loads.refresh_from_db()
    assert team_loads.assignee is None  # showing suggestions assigns nothing
    answer = ben.post(url, {"assignee": cast.ivy.pk, "team": ""})
    assert answer.status_code == 302
    with bind_office(cast.north):
        team_loads.refresh_from_db()
    assert team_loads.assignee == cast.ivy


def test_a_caseworker_assigning_sees_no_colleagues_figures_and_cleo_gets_404(
    cast, client_for, team_loads
):
    url = reverse("cases:assign", kwargs={"case_id": team_loads.pk})
    page = client_for(cast.ada).get(url).content.decode()
    assert "assignment-suggestions" not in page and "heavy" not in page
    assert client_for(cast.cleo).get(url).status_code == 404


def test_the_api_gives_the_same_suggestions_to_managers_only(cast, team_loads):
    def api(user) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")

    url = f"/api/v1/wellbeing/workload/cases/{team_loads.pk}/suggestions"
    answer = api(cast.ben).get(url)
    assert answer.status_code == 200, answer.content
    rows = answer.json()
    assert [row["name"] for row in rows] == ["Ivy Chen", "Ben Okafor", "Wes Brown", "Ada Lovelace"]
    assert rows[2]["heavy_week"] and "3 heavy cases in the last 7 days" in rows[2]["reasons"]
    assert api(cast.ada).get(url).status_code == 403
    assert api(cast.cleo).get(url).status_code == 404
