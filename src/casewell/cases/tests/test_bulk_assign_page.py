"""The bulk assign form for the cases ticked on a list: managers see who has room for the
whole selection, ranked, with the reasons in words, next to the choice of assignee; another
office's cases are not counted and are refused; interns are not offered it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.cases.models import Case, Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models.workload import DistressLevel
from casewell.wellbeing.workload import change_workload_settings, set_case_workload

URL = reverse("cases:bulk_assign")


@pytest.fixture
def opened(cast):
    with bind_office(cast.north):
        housing = Category.objects.get(name="Housing", parent=None)

    def open_one(assignee=None, summary="Damp in the flat", complexity=None) -> Case:
        return open_case(
            cast.ben, summary=summary, category=housing, assignee=assignee, complexity=complexity
        )

    return open_one


@pytest.fixture
def selection(cast, opened):
    """Capacity 10: Ada carries 6 and Ben 2; three new cases weighing 5 together wait."""
    change_workload_settings(cast.ben, capacity=10)
    for _ in range(3):
        opened(cast.ada, complexity=5)
    opened(cast.ben, complexity=5)
    heavy = opened(summary="Threats", complexity=4)
    set_case_workload(cast.ben, heavy, complexity=4, distress=DistressLevel.HIGH, reason="Threats")
    return [opened(summary="Noise"), opened(summary="Parking"), heavy]


def south_case(cast) -> Case:
    with bind_office(cast.south):
        category = Category.objects.filter(parent=None).first()
    return open_case(cast.cleo, summary="South's own", category=category)


def ids(cases) -> list[int]:
    return [case.pk for case in cases]


def assignees(cast, cases) -> set:
    with bind_office(cast.north):
        return set(Case.objects.filter(pk__in=ids(cases)).values_list("assignee_id", flat=True))


def test_a_manager_is_offered_the_choice_with_who_has_room_from_the_list(
    cast, client_for, selection
):
    page = client_for(cast.ben).get("/cases/").content.decode()
    assert f'formaction="{URL}"' in page
    assert "Choose who has room for the selected cases" in page


def test_the_form_ranks_who_has_room_for_the_whole_selection_with_reasons(
    cast, client_for, selection
):
    page = client_for(cast.ben).post(URL, {"case": ids(selection)}).content.decode()
    assert "Assign 3 selected cases" in page
    assert 'data-testid="bulk-suggestions"' in page
    assert "which weigh 5 together (1 highly distressing)" in page
    # Ivy and Wes carry nothing; Ben 2; Ada 6: 6 + 5 is over 10.
    assert page.index("1. Ivy Chen") < page.index("2. Wes Brown") < page.index("3. Ben Okafor")
    assert page.index("3. Ben Okafor") < page.index("4. Ada Lovelace")
    assert "Has room: weighted caseload 2 of 10" in page
    assert "7 of 10 after the 3 selected cases" in page
    assert "No room: weighted caseload 6 of 10" in page
    assert "<legend" in page and "Who has room for these cases" in page  # the list's caption
    assert assignees(cast, selection) == {None}  # showing suggestions assigns nothing


def test_choosing_a_suggested_colleague_assigns_every_selected_case(cast, client_for, selection):
    answer = client_for(cast.ben).post(
        URL, {"case": ids(selection), "assignee": cast.ivy.pk, "action": "assign"}
    )
    assert answer.status_code == 200
    assert "3 cases assigned to Ivy Chen" in answer.content.decode()
    assert assignees(cast, selection) == {cast.ivy.pk}


def test_someone_else_or_nobody_may_be_chosen_instead(cast, client_for, selection, opened):
    ben = client_for(cast.ben)
    sent = {"case": ids(selection), "assignee": "other", "action": "assign"}
    ben.post(URL, {**sent, "someone_else": cast.amir.pk})
    assert assignees(cast, selection) == {cast.amir.pk}
    ben.post(URL, {**sent, "someone_else": "nobody"})
    assert assignees(cast, selection) == {None}


@pytest.mark.parametrize(
    "chosen, message",
    [
        ({}, "Choose who to assign the cases to."),
        ({"assignee": "other"}, "Choose who to assign the cases to."),
        ({"assignee": "other", "someone_else": "999999"}, "Select a valid choice."),
        ({"assignee": "not-a-person"}, "Select a valid choice."),
    ],
)
def test_a_missing_or_unknown_choice_is_shown_on_the_form_and_assigns_nothing(
    cast, client_for, selection, chosen, message
):
    answer = client_for(cast.ben).post(URL, {"case": ids(selection), "action": "assign", **chosen})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "There is a problem" in page and message in page
    assert "1. Ivy Chen" in page  # the suggestions are still there to choose from
    assert assignees(cast, selection) == {None}


def test_another_offices_cases_are_not_counted_and_are_refused_on_assigning(
    cast, client_for, selection
):
    theirs = south_case(cast)
    ben = client_for(cast.ben)
    sent = {"case": [*ids(selection), theirs.pk, "nonsense"], "next": "/cases/mine/"}
    page = ben.post(URL, sent).content.decode()
    assert "Assign 3 selected cases" in page
    assert "2 of the selected cases are not counted" in page
    assert "South&#x27;s own" not in page and theirs.reference not in page
    assert f'name="case" value="{theirs.pk}"' not in page
    done = ben.post(URL, {**sent, "assignee": cast.wes.pk, "action": "assign"}).content.decode()
    assert "3 cases assigned to Wes Brown" in done
    assert "No case found." in done  # as bulk assign refuses them
    with bind_office(cast.south):
        theirs.refresh_from_db()
    assert theirs.assignee is None


def test_cleo_counts_none_of_norths_cases_and_sees_none_of_norths_people(
    cast, client_for, selection
):
    page = client_for(cast.cleo).post(URL, {"case": ids(selection)}).content.decode()
    assert "Assign 0 selected cases" in page
    assert "None of the selected cases can be assigned here." in page
    assert "Ivy Chen" not in page and "Noise" not in page
    assert assignees(cast, selection) == {None}


def test_an_intern_is_not_offered_bulk_assign_and_is_refused_it(cast, client_for, selection):
    ivy = client_for(cast.ivy)
    page = ivy.get("/cases/").content.decode()
    assert "Assign selected cases" not in page and "Choose who has room" not in page
    answer = ivy.post(URL, {"case": ids(selection), "assignee": cast.ivy.pk, "action": "assign"})
    assert answer.status_code == 403
    assert assignees(cast, selection) == {None}


def test_a_caseworker_chooses_from_the_staff_without_colleagues_figures(
    cast, client_for, selection
):
    ada = client_for(cast.ada)
    assert "Choose who has room" not in ada.get("/cases/").content.decode()
    page = ada.post(URL, {"case": ids(selection)}).content.decode()
    assert "bulk-suggestions" in page and 'data-testid="suggestion"' not in page
    assert "weighted caseload" not in page and "Who has room" not in page
    sent = {"case": ids(selection), "assignee": "other", "someone_else": cast.wes.pk}
    ada.post(URL, {**sent, "action": "assign"})
    assert assignees(cast, selection) == {cast.wes.pk}


def test_nothing_selected_goes_back_to_the_list_saying_so(cast, client_for):
    answer = client_for(cast.ben).post(URL, {"next": "/cases/mine/"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/cases/mine/"
    assert "Select the cases to change first." in answer.content.decode()


def test_the_form_takes_the_same_queries_for_many_cases_as_for_a_few(
    cast, client_for, selection, opened
):
    ben = client_for(cast.ben)

    def count(cases) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ben.post(URL, {"case": ids(cases)}).status_code == 200
        return len(queries)

    few = count(selection)
    many = selection + [opened(summary=f"Case {n}", complexity=2) for n in range(40)]
    assert count(many) == few
