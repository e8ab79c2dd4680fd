"""A case's weight (complexity times distress), its distress level and who may set it, each
person's weighted caseload and overdue work, and the office's workload settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewell.cases.services import close_case, office_today
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models.workload import CaseLoad, DistressLevel
from casewell.wellbeing.workload import (
    case_distress,
    case_weight,
    change_workload_settings,
    my_figures,
    set_case_workload,
    settings_for,
    team_figures,
)


@pytest.mark.parametrize(
    ("complexity", "level", "weight"),
    [
        (None, DistressLevel.NONE, 1.0),
        (3, DistressLevel.LOW, 1.0),
        (1, DistressLevel.NONE, 0.5),
        (5, DistressLevel.NONE, 2.0),
        (4, DistressLevel.MODERATE, 2.25),
        (5, DistressLevel.HIGH, 4.0),
        (None, DistressLevel.HIGH, 2.0),
    ],
)
def test_a_case_weighs_its_complexity_times_its_distress(complexity, level, weight):
    assert case_weight(complexity, level) == weight


def test_weighted_caseload_adds_up_open_cases_by_complexity_and_distress(cast, caseload):
    caseload.open(cast.ada, complexity=1)  # 0.5
    caseload.open(cast.ada, complexity=5, distress=DistressLevel.HIGH)  # 4.0
    caseload.open(cast.ada, distress=DistressLevel.MODERATE)  # 1.5
    closed = caseload.open(cast.ada, complexity=5)
    close_case(cast.ben, closed)
    caseload.open(cast.wes, complexity=2)  # someone else's
    mine = my_figures(cast.ada)
    assert (mine.open_cases, mine.weighted) == (3, 6.0)
    assert my_figures(cast.wes).weighted == 0.75


def test_overdue_work_is_open_cases_past_their_due_date(cast, caseload):
    today = office_today(cast.north)
    caseload.open(cast.ada, due=today - timedelta(days=1))
    caseload.open(cast.ada, due=today)
    caseload.open(cast.ada, due=today + timedelta(days=3))
    late_but_closed = caseload.open(cast.ada, due=today - timedelta(days=9))
    close_case(cast.ben, late_but_closed)
    assert my_figures(cast.ada).overdue == 1


def test_load_status_is_said_in_words_against_the_office_capacity(cast, caseload):
    change_workload_settings(cast.ben, capacity=4)
    for _ in range(3):
        caseload.open(cast.ada)
    assert my_figures(cast.ada).load_status == "Near capacity"
    caseload.open(cast.ada, complexity=5)
    assert my_figures(cast.ada).load_status == "Over capacity"
    assert my_figures(cast.wes).load_status == "Has room"


def test_a_case_goes_by_its_items_until_someone_sets_its_level_with_a_reason(cast, caseload):
    case = caseload.open(cast.ada, complexity=2)
    assert case_distress(case).level == DistressLevel.NONE
    set_case_workload(
        cast.ada, case, complexity=4, distress=DistressLevel.HIGH, reason="Threats from a neighbour"
    )
    distress = case_distress(case)
    assert distress.level == DistressLevel.HIGH and distress.from_items == DistressLevel.NONE
    assert distress.override.reason == "Threats from a neighbour"
    assert distress.override.set_by == cast.ada
    with bind_office(cast.north):
        case.refresh_from_db()
    assert case.complexity == 4  # the case's own field, changed through the cases services
    set_case_workload(cast.ada, case, complexity=4, distress="", reason="")
    assert case_distress(case).level == DistressLevel.NONE
    with bind_office(cast.north):
        assert CaseLoad.objects.get(case=case).distress_override is None
        assert AuditEntry.objects.filter(subject_type="wellbeing.CaseLoad").count() == 2


def test_setting_a_level_without_a_reason_or_out_of_range_is_refused(cast, caseload):
    case = caseload.open(cast.ada)
    with pytest.raises(ValidationError) as refused:
        set_case_workload(cast.ada, case, distress=DistressLevel.HIGH, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        set_case_workload(cast.ada, case, distress="9", reason="Because")
    assert refused.value.message_dict["distress"] == ["Choose a distress level"]
    with pytest.raises(ValidationError) as refused:
        set_case_workload(cast.ada, case, complexity="7")
    assert "complexity" in refused.value.message_dict
    assert case_distress(case).override is None


def test_interns_members_and_other_offices_may_not_set_a_cases_level(cast, caseload):
    case = caseload.open(cast.ivy)
    for who in (cast.ivy, cast.mo, cast.cleo):
        with pytest.raises(PermissionDenied):
            set_case_workload(who, case, distress=DistressLevel.HIGH, reason="Heavy")
    assert case_distress(case).override is None


def test_only_managers_see_the_team_and_change_settings(cast):
    with pytest.raises(PermissionDenied):
        team_figures(cast.ada)
    with pytest.raises(PermissionDenied):
        change_workload_settings(cast.ada, capacity=5)
    names = [row.user.full_name for row in team_figures(cast.ben)]
    # Those who carry cases; not the member, the administrator, nor another office.
    assert names == ["Ada Lovelace", "Ben Okafor", "Ivy Chen", "Wes Brown"]


def test_settings_refuse_numbers_out_of_range_naming_each(cast):
    with pytest.raises(ValidationError) as refused:
        change_workload_settings(cast.ben, capacity=0, nudge_items="lots", nudge_minutes=30)
    assert refused.value.message_dict == {
        "capacity": ["Enter a number from 1 to 200"],
        "nudge_items": ["Enter a whole number"],
    }
    assert settings_for(cast.north.pk).capacity == 20
    change_workload_settings(
        cast.ben, capacity=12, nudge_items=3, nudge_minutes=20, nudges_on=False
    )
    saved = settings_for(cast.north.pk)
    assert (saved.capacity, saved.nudge_items, saved.nudge_minutes, saved.nudges_on) == (
        12,
        3,
        20,
        False,
    )
    assert settings_for(cast.south.pk).capacity == 20  # South keeps its own
