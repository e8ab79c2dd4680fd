"""Opening and changing cases: every rule, and every refusal with its message."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from casewell.cases.models import Case, CaseLink, CasePerson, PartyRole, Priority
from casewell.cases.services import (
    add_organisation,
    add_party,
    assign_case,
    bulk_assign,
    bulk_close,
    bulk_tag,
    create_tag,
    open_case,
    organisations_of,
    parties_of,
    relate_cases,
    remove_organisation,
    remove_party,
    restrict_case,
    tag_case,
    unrelate_cases,
    untag_case,
    update_case,
)
from casewell.directory.models import Organisation
from casewell.offices.models import AuditEntry
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_opening_a_case_with_everything(cast, north_cases):
    team = create_team(cast.ben, "Housing")
    urgent = create_tag(cast.ada, "Urgent housing")
    case = open_case(
        cast.ada,
        summary="  Family   facing eviction ",
        category=north_cases.housing.pk,
        subcategory=str(north_cases.homelessness.pk),
        people=[north_cases.harriet, (north_cases.omar.pk, PartyRole.REPRESENTATIVE)],
        priority="urgent",
        complexity=4,
        assignee=cast.wes.pk,
        team=team,
        tags=[urgent],
        due_in_working_days=10,
        follow_up_date="2026-12-01",
    )
    assert case.summary == "Family facing eviction"
    assert (case.category, case.subcategory) == (north_cases.housing, north_cases.homelessness)
    assert case.priority == Priority.URGENT and case.complexity == 4
    assert (case.assignee, case.team, case.opened_by) == (cast.wes, team, cast.ada)
    assert case.due_date == date(2026, 12, 11)
    assert case.follow_up_date == date(2026, 12, 1)
    with bind_office(cast.north):
        assert [(p.person, p.role) for p in parties_of(case)] == [
            (north_cases.harriet, PartyRole.SUBJECT),
            (north_cases.omar, PartyRole.REPRESENTATIVE),
        ]
        assert list(case.tags.all()) == [urgent]
        assert AuditEntry.objects.filter(
            subject_type="cases.Case", subject_id=str(case.pk)
        ).exists()


def test_bad_input_names_every_bad_field(cast, north_cases):
    with bind_office(cast.south):
        from casewell.people.models import Person

        souths_person = Person.objects.create(first_name="Sam", last_name="South")
    with pytest.raises(ValidationError) as refused:
        open_case(
            cast.ada,
            summary="",
            category=999999,
            priority="sky-high",
            complexity=9,
            assignee=cast.cleo.pk,
            team="x",
            due_date="31/12/2026",
            people=[souths_person],
        )
    errors = refused.value.message_dict
    assert errors["summary"] == ["Enter a summary of the case."]
    assert errors["category"] == ["There is no category with id 999999 in this office."]
    assert errors["priority"] == ["Choose a priority: low, normal, high or urgent."]
    assert errors["complexity"] == ["Complexity must be a whole number from 1 to 5."]
    assert errors["assignee"] == [
        f"There is no member of staff with id {cast.cleo.pk} in this office."
    ]
    assert errors["team"] == ["Choose a team: 'x' is not one."]
    assert "is not a date" in errors["due_date"][0]
    assert errors["people"] == ["Choose a person from this office."]
    with bind_office(cast.north):
        assert not Case.objects.exists()


def test_a_subcategory_must_belong_to_the_category_and_neither_may_be_retired(cast, north_cases):
    with pytest.raises(ValidationError) as refused:
        open_case(
            cast.ada,
            summary="Mixed",
            category=north_cases.housing,
            subcategory=north_cases.universal_credit,
        )
    assert refused.value.message_dict["subcategory"] == [
        "Universal Credit is not a sub-category of Housing."
    ]
    with pytest.raises(ValidationError, match="is a sub-category"):
        open_case(cast.ada, summary="Sub", category=north_cases.homelessness)
    with bind_office(cast.north):
        north_cases.benefits.retired_at = timezone.now()
        north_cases.benefits.save()
    with pytest.raises(ValidationError, match="has been retired"):
        open_case(cast.ada, summary="Old", category=north_cases.benefits)


def test_due_date_as_a_date_and_as_working_days_together_is_refused(cast, north_cases):
    with pytest.raises(ValidationError) as refused:
        open_case(
            cast.ada,
            summary="Both",
            category=north_cases.housing,
            due_date="2026-12-01",
            due_in_working_days=3,
        )
    assert refused.value.message_dict == {
        "due_in_working_days": ["Give a date or a number of working days, not both."]
    }
    with pytest.raises(ValidationError, match="from 0 to 366"):
        open_case(cast.ada, summary="x", category=north_cases.housing, due_in_working_days=-2)


def test_updating_a_case_changes_only_what_is_given(cast, north_cases):
    case = open_case(
        cast.ada,
        summary="Benefit stopped",
        category=north_cases.benefits,
        subcategory=north_cases.universal_credit,
    )
    case = update_case(cast.ada, case, summary="Benefit stopped in error", complexity="2")
    assert case.subcategory == north_cases.universal_credit and case.complexity == 2
    case = update_case(cast.ada, case, category=north_cases.housing)
    assert case.category == north_cases.housing and case.subcategory is None, (
        "a sub-category of the old category no longer fits"
    )
    with pytest.raises(ValidationError) as refused:
        update_case(cast.ada, case, status=1, reference="NR-1")
    assert set(refused.value.message_dict) == {"status", "reference"}
    with pytest.raises(ValidationError) as refused:
        update_case(cast.ada, case, summary="", priority=0)
    assert set(refused.value.message_dict) == {"summary", "priority"}
    with bind_office(cast.north):
        case.refresh_from_db()
    assert case.summary == "Benefit stopped in error"


def test_assigning_to_a_person_and_a_team_and_taking_it_back(cast, north_cases):
    team = create_team(cast.ben, "Immigration", members=[cast.ada])
    case = open_case(cast.mo, summary="Visa", category=north_cases.housing)
    case = assign_case(cast.mo, case, assignee=cast.ada, team=team)
    assert (case.assignee, case.team) == (cast.ada, team)
    case = assign_case(cast.ada, case)
    assert (case.assignee, case.team) == (None, None)
    with pytest.raises(ValidationError) as refused:
        assign_case(cast.ada, case, assignee=cast.cleo)
    assert refused.value.message_dict["assignee"] == ["Choose a member of staff from this office."]
    mine = open_case(cast.ivy, summary="Intern's", category=north_cases.housing)
    with pytest.raises(PermissionDenied, match="may not assign"):
        assign_case(cast.ivy, mine, assignee=cast.ada)


def test_tags_people_organisations_and_related_cases(cast, north_cases):
    case = open_case(cast.ada, summary="Council housing", category=north_cases.housing)
    other = open_case(cast.ada, summary="Same family", category=north_cases.housing)
    tag = create_tag(cast.ada, "MP letter")
    assert create_tag(cast.ben, "mp letter") == tag, "one tag per name, whatever the case"
    tag_case(cast.ada, case, tag)
    tag_case(cast.ada, case, tag.pk)
    with bind_office(cast.north):
        assert list(case.tags.all()) == [tag]
    untag_case(cast.ada, case, tag)
    with bind_office(cast.north):
        assert not case.tags.exists()

    add_party(cast.ada, case, north_cases.harriet)
    add_party(cast.ada, case, north_cases.harriet, role=PartyRole.REQUESTER, note="Her son")
    with bind_office(cast.north):
        assert [(p.role, p.note) for p in parties_of(case)] == [(PartyRole.REQUESTER, "Her son")]
    with pytest.raises(ValidationError, match="Choose a role"):
        add_party(cast.ada, case, north_cases.omar, role="villain")
    remove_party(cast.ada, case, north_cases.harriet)
    with pytest.raises(ValidationError, match="is not on case"):
        remove_party(cast.ada, case, north_cases.harriet)
    with bind_office(cast.north):
        assert not CasePerson.objects.filter(case=case).exists()

    with bind_office(cast.north, actor=cast.ben):
        council = Organisation.objects.create(name="North Ridge Borough Council", kind="council")
    add_organisation(cast.ada, case, organisation=council.pk, note="Housing options")
    with bind_office(cast.north):
        assert [o.organisation for o in organisations_of(case)] == [council]
    with pytest.raises(ValidationError, match="Choose an organisation"):
        add_organisation(cast.ada, case)
    with pytest.raises(ValidationError, match="no organisation with id 424242"):
        add_organisation(cast.ada, case, central_id=424242)
    remove_organisation(cast.ada, case, council)

    relate_cases(cast.ada, case, other)
    relate_cases(cast.ada, other, case)
    with bind_office(cast.north):
        assert CaseLink.objects.count() == 2
        assert list(case.related_cases.all()) == [other]
        assert list(other.related_cases.all()) == [case]
    with pytest.raises(ValidationError, match="cannot be related to itself"):
        relate_cases(cast.ada, case, case)
    unrelate_cases(cast.ada, other, case)
    with bind_office(cast.north):
        assert not CaseLink.objects.exists()


def test_bulk_actions_do_what_they_may_and_say_what_they_refused(cast, north_cases):
    mine = open_case(cast.ada, summary="Mine", category=north_cases.housing, assignee=cast.ada)
    restricted = open_case(cast.ben, summary="Secret", category=north_cases.housing)
    restrict_case(cast.ben, restricted, staff=[cast.ben])
    closed = open_case(cast.ada, summary="Done", category=north_cases.housing)
    result = bulk_close(cast.ada, [closed.pk])
    assert (result.done, result.refused) == (1, [])
    with bind_office(cast.south):
        from casewell.cases.models import Category

        souths = open_case(
            cast.cleo, summary="South's", category=Category.objects.filter(parent=None).first()
        )

    result = bulk_close(cast.ada, [mine.pk, restricted.pk, closed.pk, souths.pk, "junk"])
    assert result.done == 1
    refused = dict(result.refused)
    assert refused[restricted.pk] == "No case found."
    assert refused[souths.pk] == "No case found.", "another office's case is simply not found"
    assert refused[closed.pk] == f"{closed.reference}: The case is already closed."
    assert refused["junk"] == "This is not a case id."

    tag = create_tag(cast.ada, "Surgery")
    result = bulk_tag(cast.ivy, [mine.pk, closed.pk], tag)
    assert (result.done, [pk for pk, _ in result.refused]) == (0, [mine.pk, closed.pk])

    own = open_case(cast.ivy, summary="Ivy's", category=north_cases.housing)
    result = bulk_tag(cast.ivy, [own.pk], tag)
    assert result.done == 1
    result = bulk_assign(cast.ivy, [own.pk], assignee=cast.wes)
    assert result.done == 0 and "may not assign" in result.refused[0][1]
    result = bulk_assign(cast.ben, [mine.pk, restricted.pk, own.pk], assignee=cast.wes)
    assert (result.done, result.refused) == (3, [])


def test_a_case_of_another_office_cannot_be_changed_through_the_services(cast, north_cases):
    case = open_case(cast.ada, summary="North's", category=north_cases.housing)
    for attempt in (
        lambda: update_case(cast.cleo, case, summary="Hacked"),
        lambda: assign_case(cast.cleo, case, assignee=cast.cleo),
        lambda: tag_case(cast.cleo, case, 1),
        lambda: restrict_case(cast.cleo, case, staff=[]),
    ):
        with pytest.raises(Http404):
            attempt()
    with bind_office(cast.north):
        case.refresh_from_db()
    assert case.summary == "North's"
