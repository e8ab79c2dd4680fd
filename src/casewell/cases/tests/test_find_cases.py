"""Finding and counting cases for the lists: filters, sorting, counts and a fixed query cost."""

from __future__ import annotations

import random

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casewell.cases.models import Priority
from casewell.cases.services import (
    NOBODY,
    case_counts,
    close_case,
    create_tag,
    find_cases,
    open_case,
    restrict_case,
    tag_case,
)
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office


@pytest.fixture
def some_cases(cast, north_cases):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False):
        team = create_team(cast.ben, "Benefits team", members=[cast.wes])
        tag = create_tag(cast.ada, "MP letter")
        eviction = open_case(
            cast.ada,
            summary="Eviction notice",
            category=north_cases.housing,
            subcategory=north_cases.homelessness,
            people=[north_cases.harriet],
            assignee=cast.ada,
            priority=Priority.URGENT,
            due_date="2026-03-10",
        )
        credit = open_case(
            cast.ada,
            summary="Universal Credit sanction",
            category=north_cases.benefits,
            subcategory=north_cases.universal_credit,
            team=team,
            due_date="2026-04-30",
        )
        repairs = open_case(
            cast.ben,
            summary="Damp and mould",
            category=north_cases.housing,
            people=[north_cases.omar],
            assignee=cast.wes,
            priority=Priority.LOW,
            due_date="2026-03-05",
        )
        tag_case(cast.ada, credit, tag)
        close_case(cast.ben, repairs)
    return {"eviction": eviction, "credit": credit, "repairs": repairs, "team": team, "tag": tag}


def found(user, **filters):
    with bind_office(user.office, actor=user):
        return [case.summary for case in find_cases(user, **filters)]


@time_machine.travel("2026-03-20 09:00 +0000", tick=False)
def test_each_filter(cast, north_cases, some_cases):
    ada = cast.ada
    assert found(ada) == ["Damp and mould", "Universal Credit sanction", "Eviction notice"]
    assert found(ada, state="open") == ["Universal Credit sanction", "Eviction notice"]
    assert found(ada, state="closed") == ["Damp and mould"]
    assert found(ada, status=north_cases.status("Closed")) == ["Damp and mould"]
    assert found(ada, category=north_cases.housing) == ["Damp and mould", "Eviction notice"]
    assert found(ada, category=[north_cases.universal_credit.pk]) == ["Universal Credit sanction"]
    assert found(ada, assignee=cast.wes) == ["Damp and mould"]
    assert found(ada, assignee=NOBODY) == ["Universal Credit sanction"]
    assert found(ada, assignee=[NOBODY, cast.ada.pk]) == [
        "Universal Credit sanction",
        "Eviction notice",
    ]
    assert found(ada, mine=True) == ["Eviction notice"]
    assert found(cast.wes, my_teams=True) == ["Universal Credit sanction"]
    assert found(ada, team=some_cases["team"]) == ["Universal Credit sanction"]
    assert found(ada, tag=some_cases["tag"].pk) == ["Universal Credit sanction"]
    assert found(ada, priority="urgent") == ["Eviction notice"]
    assert found(ada, priority=[Priority.LOW, Priority.URGENT]) == [
        "Damp and mould",
        "Eviction notice",
    ]
    # Damp and mould is past its date but closed, so not overdue.
    assert found(ada, overdue=True) == ["Eviction notice"]
    assert found(ada, overdue=False) == ["Damp and mould", "Universal Credit sanction"]
    assert found(ada, text="walsh") == ["Eviction notice"]
    assert found(ada, text=some_cases["credit"].reference) == ["Universal Credit sanction"]
    assert found(ada, text="mould damp") == ["Damp and mould"]
    assert found(ada, state="open", category=north_cases.housing, mine=True) == ["Eviction notice"]


@time_machine.travel("2026-03-20 09:00 +0000", tick=False)
def test_sorting(cast, some_cases):
    assert found(cast.ada, sort="due_date") == [
        "Damp and mould",
        "Eviction notice",
        "Universal Credit sanction",
    ]
    assert found(cast.ada, sort="-priority")[0] == "Eviction notice"
    assert found(cast.ada, sort="reference") == [
        "Eviction notice",
        "Universal Credit sanction",
        "Damp and mould",
    ]
    with pytest.raises(ValidationError, match="Sort by one of"):
        found(cast.ada, sort="colour")


def test_bad_filter_values_are_named(cast, some_cases):
    with pytest.raises(ValidationError) as refused:
        found(cast.ada, status="open")
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError, match="open or closed"):
        found(cast.ada, state="ajar")
    with pytest.raises(ValidationError, match="Choose a priority"):
        found(cast.ada, priority="meh")


@time_machine.travel("2026-03-20 09:00 +0000", tick=False)
def test_counts_say_what_each_option_would_find_given_the_other_filters(
    cast, north_cases, some_cases
):
    with bind_office(cast.north):
        counts = case_counts(cast.ada)
        open_counts = case_counts(cast.ada, state="open", status=north_cases.status("New").pk)
    assert counts["total"] == 3
    assert counts["overdue"] == 1
    assert counts["status"] == {
        north_cases.status("New").pk: 2,
        north_cases.status("Closed").pk: 1,
    }
    assert counts["category"] == {
        north_cases.housing.pk: 2,
        north_cases.homelessness.pk: 1,
        north_cases.benefits.pk: 1,
        north_cases.universal_credit.pk: 1,
    }
    assert counts["assignee"] == {cast.ada.pk: 1, cast.wes.pk: 1, None: 1}
    assert counts["priority"] == {Priority.URGENT: 1, Priority.NORMAL: 1, Priority.LOW: 1}
    assert counts["tag"] == {some_cases["tag"].pk: 1}
    assert counts["team"] == {some_cases["team"].pk: 1, None: 2}
    # The status counts ignore the status filter itself (so each option shows what it
    # would find), but honour the others.
    assert open_counts["total"] == 2
    assert open_counts["status"] == {north_cases.status("New").pk: 2}
    assert open_counts["category"][north_cases.housing.pk] == 1


def _list_page(user):
    with bind_office(user.office, actor=user):
        page = list(find_cases(user)[:50])
        return [
            (
                case.reference,
                case.status.name,
                case.category.name,
                case.subcategory.name if case.subcategory else "",
                case.assignee.full_name if case.assignee else "",
                case.team.name if case.team else "",
                [tag.name for tag in case.tags.all()],
                [party.person.display_name for party in case.parties.all()],
            )
            for case in page
        ]


@pytest.mark.parametrize("user_name", ["ben", "ada", "ivy"])
def test_a_page_of_cases_costs_the_same_queries_for_5_or_50_cases(cast, north_cases, user_name):
    user = getattr(cast, user_name)
    team = create_team(cast.ben, "Everyone", members=[cast.ivy, cast.ada])
    tag = create_tag(cast.ben, "Tagged")

    def add_cases(count):
        for number in range(count):
            case = open_case(
                cast.ben,
                summary=f"Case {number}",
                category=north_cases.housing,
                subcategory=north_cases.homelessness,
                assignee=cast.ada,
                team=team,
                people=[north_cases.harriet, north_cases.omar],
            )
            tag_case(cast.ben, case, tag)

    def cost(run):
        with CaptureQueriesContext(connection) as queries:
            result = run()
        return len(queries), result

    def counting():
        with bind_office(user.office, actor=user):
            return case_counts(user)

    add_cases(5)
    _list_page(user)  # warm: roles and the like are cached per user
    five, rows = cost(lambda: _list_page(user))
    assert len(rows) == 5
    five_counting, counts = cost(counting)
    assert counts["total"] == 5
    add_cases(45)
    fifty, rows = cost(lambda: _list_page(user))
    assert len(rows) == 50
    assert fifty == five
    fifty_counting, counts = cost(counting)
    assert counts["total"] == 50
    assert fifty_counting == five_counting


@time_machine.travel("2026-03-20 09:00 +0000", tick=False)
@pytest.mark.parametrize("user_name", ["ben", "ada", "ivy"])
def test_counts_agree_with_finding_each_option_for_any_mix_of_filters(
    cast, north_cases, user_name
):
    """Each count is what choosing that option (with the other filters) would list."""
    chance = random.Random(20261202)
    team = create_team(cast.ben, "Mixed team", members=[cast.ivy])
    tags = [create_tag(cast.ben, name) for name in ("Urgent post", "MP letter")]
    categories = [
        (north_cases.housing, None),
        (north_cases.housing, north_cases.homelessness),
        (north_cases.benefits, north_cases.universal_credit),
    ]
    for number in range(40):
        category, subcategory = chance.choice(categories)
        case = open_case(
            cast.ben,
            summary=f"Case {number}",
            category=category,
            subcategory=subcategory,
            assignee=chance.choice([None, cast.ada, cast.wes, cast.ivy]),
            team=chance.choice([None, team]),
            priority=chance.choice(list(Priority)),
            due_date=chance.choice([None, "2026-03-01", "2026-04-01"]),
        )
        for tag in chance.sample(tags, chance.randint(0, 2)):
            tag_case(cast.ben, case, tag)
        if chance.random() < 0.25:
            close_case(cast.ben, case)
        if chance.random() < 0.2:
            restrict_case(cast.ben, case, [cast.wes])
    user = getattr(cast, user_name)
    options = {
        "status": [status.pk for status in north_cases.statuses.values()],
        "category": [north_cases.housing.pk, north_cases.homelessness.pk,
                     north_cases.benefits.pk, north_cases.universal_credit.pk],
        "assignee": [NOBODY, cast.ada.pk, cast.wes.pk, cast.ivy.pk],
        "tag": [tag.pk for tag in tags],
        "priority": [int(priority) for priority in Priority],
        "team": [team.pk],
    }

    def listed(**filters):
        with bind_office(user.office, actor=user):
            return find_cases(user, **filters).count()

    for _ in range(12):
        filters = {
            name: chance.sample(values, min(len(values), chance.randint(1, 2)))
            for name, values in options.items()
            if chance.random() < 0.4
        }
        filters.update(
            state=chance.choice([None, "open", "closed"]),
            overdue=chance.choice([None, True, False]),
        )
        with bind_office(user.office, actor=user):
            counts = case_counts(user, **filters)
        assert counts["total"] == listed(**filters), filters
        assert counts["overdue"] == listed(**(filters | {"overdue": True})), filters
        for name, values in options.items():
            expected = {
                (None if value == NOBODY else value): listed(**(filters | {name: [value]}))
                for value in values
            }
            given = {key: count for key, count in counts[name].items() if key in expected}
            assert given == {key: n for key, n in expected.items() if n}, (name, filters)
