"""The default workflow (new, open, awaiting reply, closed; reopen) and refused moves."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from casewell.cases.defaults import DEFAULT_CATEGORIES, ensure_case_defaults
from casewell.cases.models import Case, CaseStatus, Category
from casewell.cases.services import (
    allowed_next_statuses,
    change_status,
    close_case,
    get_case_for,
    open_case,
    reopen_case,
)
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office
from casewell.offices.vocabulary import OfficeKind


def test_every_new_office_gets_categories_for_its_kind_and_the_default_workflow(cast):
    with bind_office(cast.north):
        north_tops = set(Category.objects.filter(parent=None).values_list("name", flat=True))
        statuses = list(CaseStatus.objects.order_by("position").values_list("name", "is_closed"))
        assert Category.objects.filter(parent__name="Immigration").exists()
    assert north_tops == set(DEFAULT_CATEGORIES[OfficeKind.CONSTITUENCY])
    assert {"Immigration", "Housing", "Benefits", "Crime and policing"} <= north_tops
    assert statuses == [
        ("New", False),
        ("Open", False),
        ("Awaiting reply", False),
        ("Closed", True),
    ]
    with bind_office(cast.south):
        south_tops = set(Category.objects.filter(parent=None).values_list("name", flat=True))
    assert "Debt" in south_tops and "Immigration" in south_tops
    assert ensure_case_defaults(cast.north) is False, "running it again adds nothing"


def test_a_case_starts_new_and_moves_along_the_workflow(cast, north_cases):
    case = open_case(cast.ada, summary="Passport", category=north_cases.housing)
    assert case.status.name == "New"
    assert [s.name for s in allowed_next_statuses(case)] == ["Open", "Awaiting reply", "Closed"]
    case = change_status(cast.ada, case, north_cases.status("Open"))
    case = change_status(cast.ada, case, north_cases.status("Awaiting reply"))
    case = change_status(cast.ada, case, north_cases.status("Open"))
    assert case.closed_at is None


@time_machine.travel("2026-05-05 09:00 +0000", tick=False)
def test_closing_stamps_the_time_and_reopening_clears_it(cast, north_cases):
    case = open_case(cast.ada, summary="Benefit appeal", category=north_cases.benefits)
    case = close_case(cast.ada, case)
    assert case.status.name == "Closed" and case.status.is_closed
    assert case.closed_at is not None
    case = reopen_case(cast.ada, case, note="They wrote back")
    assert case.status.name == "Open"
    assert case.closed_at is None
    with bind_office(cast.north):
        case.refresh_from_db()
        assert case.status.name == "Open"


def test_a_move_the_workflow_does_not_allow_is_refused_saying_what_is_allowed(cast, north_cases):
    case = open_case(cast.ada, summary="Noise", category=north_cases.housing)
    case = close_case(cast.ada, case)
    with pytest.raises(ValidationError) as refused:
        change_status(cast.ada, case, north_cases.status("Awaiting reply"))
    message = refused.value.message_dict["status"][0]
    assert "closed cannot move to awaiting reply" in message
    assert "it can move to: open" in message
    with pytest.raises(ValidationError, match="already closed"):
        change_status(cast.ada, case, north_cases.status("Closed"))
    with pytest.raises(ValidationError, match="already closed"):
        close_case(cast.ada, case)
    with pytest.raises(ValidationError, match="not closed"):
        reopen_case(cast.ada, open_case(cast.ada, summary="x", category=north_cases.housing))
    with bind_office(cast.north):
        case.refresh_from_db()
        assert case.status.name == "Closed"


def test_back_to_new_is_not_a_move_the_default_workflow_has(cast, north_cases):
    case = open_case(cast.ada, summary="Potholes", category=north_cases.housing)
    case = change_status(cast.ada, case, north_cases.status("Open"))
    with pytest.raises(ValidationError, match="cannot move to new"):
        change_status(cast.ada, case, north_cases.status("New"))


def test_another_offices_status_is_not_one_to_move_to(cast, north_cases):
    case = open_case(cast.ada, summary="Bins", category=north_cases.housing)
    with bind_office(cast.south):
        souths_open = CaseStatus.objects.get(name="Open")
    with pytest.raises(ValidationError) as refused:
        change_status(cast.ada, case, souths_open.pk)
    assert refused.value.message_dict["status"] == [
        f"There is no status with id {souths_open.pk} in this office."
    ]


def test_an_intern_may_move_only_cases_assigned_to_them(cast, north_cases):
    theirs = open_case(cast.ivy, summary="Intern's own", category=north_cases.housing)
    assert theirs.assignee == cast.ivy
    change_status(cast.ivy, theirs, north_cases.status("Open"))
    team_case = open_case(cast.ada, summary="Team's", category=north_cases.housing)
    with pytest.raises(Http404):  # not theirs, so not even visible to them
        change_status(cast.ivy, team_case, north_cases.status("Open"))
    with bind_office(cast.north):
        assert Case.objects.get(pk=team_case.pk).status.name == "New"


def test_an_intern_sees_their_teams_cases_but_may_not_move_them(cast, north_cases):
    team = create_team(cast.ben, "Housing", members=[cast.ivy, cast.ada])
    case = open_case(cast.ada, summary="Team case", category=north_cases.housing, team=team)
    assert get_case_for(cast.ivy, case.pk) == case
    with pytest.raises(PermissionDenied, match="only the cases assigned to them"):
        change_status(cast.ivy, case, north_cases.status("Open"))


def test_each_status_change_is_on_the_case_timeline_with_its_note(cast, north_cases):
    from casewell.timeline.models import EntryKind, TimelineEntry

    case = open_case(cast.ada, summary="Timeline", category=north_cases.housing)
    change_status(cast.ada, case, north_cases.status("Open"), note="Spoke to her")
    close_case(cast.ben, case, note="Sorted")
    with bind_office(cast.north):
        entries = list(
            TimelineEntry.objects.filter(case=case, kind=EntryKind.STATUS_CHANGE)
            .order_by("id")
            .values_list("from_status", "to_status", "text", "author")
        )
    assert entries == [
        ("New", "Open", "Spoke to her", cast.ada.pk),
        ("Open", "Closed", "Sorted", cast.ben.pk),
    ]
