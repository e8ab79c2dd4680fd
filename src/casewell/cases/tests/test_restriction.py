"""A restricted case is seen only by the named staff, its assignee, managers and administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from casewell.cases.services import (
    assign_case,
    case_counts,
    find_cases,
    get_case_for,
    open_case,
    relate_cases,
    related_cases_of,
    restrict_case,
)
from casewell.offices.models import Role
from casewell.offices.permissions import may_see
from casewell.offices.services import add_staff_member
from casewell.offices.tenancy import bind_office


@pytest.fixture
def restricted(cast, north_cases):
    case = open_case(
        cast.ada,
        summary="Domestic abuse: rehousing",
        category=north_cases.housing,
        people=[north_cases.harriet],
    )
    assign_case(cast.ada, case, assignee=cast.ada)
    return restrict_case(cast.ada, case, staff=[cast.wes])


def test_only_the_named_the_assignee_and_managers_see_a_restricted_case(cast, restricted):
    assert restricted.is_restricted
    seen_by = {
        user.full_name
        for user in (cast.ada, cast.ben, cast.mo, cast.ivy, cast.wes, cast.amir, cast.cleo)
        if may_see(user, restricted)
    }
    assert seen_by == {"Ada Lovelace", "Wes Brown", "Ben Okafor", "Amir Haddad"}


def test_a_restricted_case_is_missing_from_lists_counts_and_lookups_for_others(
    cast, restricted, north_cases
):
    other = open_case(cast.ben, summary="Ordinary", category=north_cases.housing)
    with bind_office(cast.north, actor=cast.mo):
        listed = list(find_cases(cast.mo))
        searched = list(find_cases(cast.mo, text="rehousing"))
        by_person = list(find_cases(cast.mo, text="Walsh"))
        counts = case_counts(cast.mo)
    assert listed == [other]
    assert searched == [] and by_person == []
    assert counts["total"] == 1
    assert counts["category"] == {north_cases.housing.pk: 1}
    with pytest.raises(Http404):
        get_case_for(cast.mo, restricted.pk)
    with bind_office(cast.north, actor=cast.wes):
        assert {case.pk for case in find_cases(cast.wes)} == {restricted.pk, other.pk}
        assert case_counts(cast.wes)["total"] == 2
    assert get_case_for(cast.wes, restricted.pk) == restricted


def test_a_related_restricted_case_is_not_listed_for_those_who_may_not_see_it(
    cast, restricted, north_cases
):
    other = open_case(cast.ada, summary="Council tax", category=north_cases.housing)
    relate_cases(cast.ada, other, restricted)
    with bind_office(cast.north):
        assert list(related_cases_of(cast.ada, other)) == [restricted]
        assert list(related_cases_of(cast.mo, other)) == []
        assert list(related_cases_of(cast.ada, restricted)) == [other]


def test_who_may_restrict_and_lifting_a_restriction(cast, restricted, north_cases):
    with pytest.raises(PermissionDenied, match="managers, administrators and the case"):
        restrict_case(cast.wes, restricted, staff=[cast.wes, cast.mo])
    with pytest.raises(Http404):
        restrict_case(cast.mo, restricted, staff=[cast.mo])
    lifted = restrict_case(cast.ben, restricted, staff=[])
    assert not lifted.is_restricted
    assert may_see(cast.mo, lifted)


def test_restricting_to_someone_of_another_office_is_refused(cast, restricted):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        restrict_case(cast.ada, restricted, staff=[cast.cleo])
    assert "staff" in refused.value.message_dict


def test_interns_see_only_cases_assigned_to_them_or_their_team(cast, north_cases):
    from casewell.offices.models import Team, TeamMembership

    mine = open_case(cast.ada, summary="For Ivy", category=north_cases.housing, assignee=cast.ivy)
    with bind_office(cast.north):
        team = Team.objects.create(name="Housing team")
        TeamMembership.objects.create(team=team, user=cast.ivy)
    teams = open_case(cast.ada, summary="For the team", category=north_cases.housing, team=team)
    others = open_case(cast.ada, summary="Not for Ivy", category=north_cases.housing)
    with bind_office(cast.north, actor=cast.ivy):
        assert {case.pk for case in find_cases(cast.ivy)} == {mine.pk, teams.pk}
    assert may_see(cast.ivy, mine) and may_see(cast.ivy, teams) and not may_see(cast.ivy, others)


def test_a_staff_member_with_no_role_is_treated_as_cautiously_as_an_intern(cast, north_cases):
    nobody = add_staff_member(cast.north, email="x@nr.example", full_name="No Role", roles=[])
    case = open_case(cast.ada, summary="Anything", category=north_cases.housing)
    assert not may_see(nobody, case)
    assert Role.INTERN not in nobody.roles
