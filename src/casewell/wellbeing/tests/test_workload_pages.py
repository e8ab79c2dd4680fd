"""The workload pages: wellbeing home, my workload, team at a glance, a case's complexity and
distress, the settings; who may see each, Cleo's 404s, and the team table's cost."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.offices.models import Role
from casewell.offices.services import add_staff_member
from casewell.offices.tokens import create_token
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import DistressLevel
from casewell.wellbeing.workload import settings_for


def text_of(client, name: str, **kwargs) -> str:
    answer = client.get(reverse(name, kwargs=kwargs or None))
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def test_the_navigation_leads_to_wellbeing_and_managers_see_more_there(cast, client_for):
    ada_home = text_of(client_for(cast.ada), "wellbeing:home")
    assert 'href="/wellbeing/" aria-current="page">Wellbeing</a>' in ada_home
    assert "My workload" in ada_home and "Team at a glance" not in ada_home
    ben_home = text_of(client_for(cast.ben), "wellbeing:home")
    assert "Team at a glance" in ben_home and "Workload settings" in ben_home
    assert 'href="/wellbeing/">Wellbeing</a>' in text_of(client_for(cast.ada), "cases:mine")


def test_my_workload_shows_my_own_figures_only(cast, client_for, caseload):
    caseload.open(cast.ada, complexity=4, distress=DistressLevel.HIGH)  # 3
    caseload.open(cast.wes, complexity=5)
    page = text_of(client_for(cast.ada), "wellbeing:my_workload")
    assert '<dd class="govuk-summary-list__value" data-testid="open-cases">1</dd>' in page
    assert "3 of 20" in page and "Has room" in page
    assert "Wes" not in page


def test_the_team_table_gives_each_person_figures_with_words_beside_the_colours(
    cast, client_for, caseload
):
    heavy = caseload.open(cast.ada, complexity=5, distress=DistressLevel.HIGH)
    record_exposure(cast.ada, heavy, "opened")
    page = text_of(client_for(cast.ben), "wellbeing:team")
    assert 'data-module="moj-sortable-table"' in page and 'aria-sort="ascending"' in page
    row = page[page.index("Ada Lovelace") :]
    row = row[: row.index("</tr>")]
    assert "4 of 20" in row and "Has room" in row
    assert "1 (1 heavy)" in row and "Some" in row
    assert page.count('data-testid="team-row"') == 4
    assert "Mo Farah-Singh" not in page


def test_the_team_page_shows_out_of_hours_working_as_team_totals_only(cast, client_for):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from casewell.notify.out_of_hours import MINIMUM_GROUP_SIZE
    from casewell.timeline.services import add_note
    from casewell.wellbeing.tests.huddle_cases import a_case

    case = a_case(cast.ada, "Late-night casework")
    london = ZoneInfo("Europe/London")
    # Wednesday 2 December 2026 at 22:00: outside Ada's usual hours.
    with time_machine.travel(datetime(2026, 12, 2, 22, tzinfo=london), tick=False):
        add_note(cast.ada, case, "Wrote up the visit")
    with time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=london), tick=False):
        page = text_of(client_for(cast.ben), "wellbeing:team")
    table = page[page.index('data-testid="team-out-of-hours"'):]
    table = table[: table.index("</table>")]
    assert "Whole office" in table
    office_row = table[table.index("Whole office"):]
    office_row = office_row[: office_row.index("</tr>")]
    assert MINIMUM_GROUP_SIZE <= 6 and "1 of " in office_row
    # Nobody's own hours are named on the page.
    assert "Ada Lovelace" not in table


def test_caseworkers_and_interns_cannot_see_the_team_and_cleo_sees_only_south(
    cast, client_for, caseload
):
    caseload.open(cast.ada)
    for who in (cast.ada, cast.ivy, cast.wes):
        assert client_for(who).get(reverse("wellbeing:team")).status_code == 403
        assert client_for(who).get(reverse("wellbeing:workload_settings")).status_code == 403
    south = text_of(client_for(cast.cleo), "wellbeing:team")
    assert "Cleo Jones" in south and "Ada" not in south and "Ben" not in south


def test_the_team_table_costs_the_same_queries_however_many_people_cases_and_readings(
    cast, client_for, caseload
):
    def count() -> int:
        client = client_for(cast.ben)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("wellbeing:team")).status_code == 200
        return len(queries)

    caseload.open(cast.ada)
    few = count()
    for n in range(6):
        newcomer = add_staff_member(
            cast.north,
            email=f"new{n}@nr.example",
            full_name=f"New Caseworker {n}",
            roles=[Role.CASEWORKER],
            password=None,
        )
        heavy = caseload.open(newcomer, complexity=n % 5 + 1, distress=DistressLevel.HIGH)
        record_exposure(newcomer, heavy, "opened")
        caseload.open(cast.ada)
    assert count() == few


def test_a_case_page_shows_its_distress_and_the_form_asks_why(cast, client_for, caseload):
    case = caseload.open(cast.ada, complexity=2)
    ada = client_for(cast.ada)
    page = text_of(ada, "cases:detail", case_id=case.pk)
    assert 'data-testid="case-workload"' in page and "From its messages and notes." in page
    url = reverse("wellbeing:case_workload", kwargs={"case_id": case.pk})
    refused = ada.post(url, {"complexity": "4", "distress": "3", "reason": ""})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "govuk-error-summary" in body and 'href="#id_reason"' in body
    saved = ada.post(url, {"complexity": "4", "distress": "3", "reason": "Threats"})
    assert saved.status_code == 302
    page = text_of(ada, "cases:detail", case_id=case.pk)
    assert "High" in page and "“Threats”" in page and "4 out of 5" in page


def test_others_cannot_change_a_cases_level_and_cleo_gets_404(cast, client_for, caseload):
    case = caseload.open(cast.ada)
    url = reverse("wellbeing:case_workload", kwargs={"case_id": case.pk})
    assert client_for(cast.cleo).get(url).status_code == 404
    assert client_for(cast.cleo).post(url, {"distress": "3", "reason": "x"}).status_code == 404
    assert client_for(cast.mo).get(url).status_code == 403
    assert "wellbeing/cases" not in text_of(client_for(cast.mo), "cases:detail", case_id=case.pk)


def test_a_manager_changes_the_settings_and_mistakes_are_named(cast, client_for):
    ben = client_for(cast.ben)
    url = reverse("wellbeing:workload_settings")
    answer = ben.post(url, {"capacity": "0", "heavy_limit": "3", "nudge_items": "x"})
    body = answer.content.decode()
    assert answer.status_code == 200 and "govuk-error-summary" in body
    assert "Enter a number from 1 to 200" in body or "Enter a whole number" in body
    saved = ben.post(
        url,
        {"capacity": "15", "heavy_limit": "2", "nudges_on": "on", "nudge_items": "5",
         "nudge_minutes": "45"},
    )  # fmt: skip
    assert saved.status_code == 302
    current = settings_for(cast.north.pk)
    assert (current.capacity, current.heavy_limit, current.nudge_items) == (15, 2, 5)
    assert current.nudge_minutes == 45 and current.nudges_on


def test_the_api_gives_my_figures_to_anyone_and_the_teams_to_managers(cast, caseload):
    def api(user) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")

    caseload.open(cast.ada, complexity=5)
    mine = api(cast.ada).get("/api/v1/wellbeing/workload/mine").json()
    assert (mine["name"], mine["open_cases"], mine["weighted_caseload"]) == ("Ada Lovelace", 1, 2.0)
    assert api(cast.ada).get("/api/v1/wellbeing/workload/team").status_code == 403
    team = api(cast.ben).get("/api/v1/wellbeing/workload/team").json()
    assert [row["name"] for row in team][0] == "Ada Lovelace"
    south = api(cast.cleo).get("/api/v1/wellbeing/workload/team").json()
    assert [row["name"] for row in south] == ["Cleo Jones"]
