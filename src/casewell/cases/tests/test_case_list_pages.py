"""Case lists: mine, my teams' and all, filtered, counted, sorted, paginated, changed in bulk."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casewell.cases import services
from casewell.cases.models import Case, Priority
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office


def open_cases(cast, north_cases, how_many: int, **details) -> list[Case]:
    details.setdefault("category", north_cases.housing)
    details.setdefault("people", [north_cases.harriet])
    return [
        services.open_case(cast.ada, summary=f"Case number {n:03}", **details)
        for n in range(how_many)
    ]


def references_in(page: str) -> list[str]:
    return re.findall(r'href="/cases/\d+/">(NR-\d{4}-\d{5})</a>', page)


@pytest.fixture
def three(cast, north_cases):
    """Ada's damp case, Ben's urgent benefits case, and an unassigned closed one."""
    damp = services.open_case(
        cast.ada,
        summary="Damp in the back bedroom",
        category=north_cases.housing,
        subcategory=north_cases.homelessness,
        people=[north_cases.harriet],
        assignee=cast.ada,
    )
    benefits = services.open_case(
        cast.ben,
        summary="Universal Credit sanction",
        category=north_cases.benefits,
        people=[north_cases.omar],
        assignee=cast.ben,
        priority=Priority.URGENT,
    )
    closed = services.open_case(
        cast.ada, summary="Bin collection missed", category=north_cases.housing
    )
    services.close_case(cast.ada, closed)
    return damp, benefits, closed


def test_my_cases_are_the_ones_assigned_to_me(cast, client_for, three):
    damp, benefits, _closed = three
    page = client_for(cast.ada).get("/cases/mine/").content.decode()
    assert '<h1 class="govuk-heading-l">My cases</h1>' in page
    assert references_in(page) == [damp.reference]
    assert 'aria-current="page">My cases</a>' in page


def test_all_cases_shows_open_cases_unless_closed_ones_are_asked_for(cast, client_for, three):
    damp, benefits, closed = three
    client = client_for(cast.ada)
    assert set(references_in(client.get("/cases/").content.decode())) == {
        damp.reference,
        benefits.reference,
    }
    assert references_in(client.get("/cases/", {"state": "closed"}).content.decode()) == [
        closed.reference
    ]
    both = client.get("/cases/", {"state": "all"}).content.decode()
    assert len(references_in(both)) == 3 and "3 cases" in both


def test_team_cases_are_those_of_my_teams(cast, client_for, north_cases):
    housing = create_team(cast.ben, "Housing team", members=[cast.ada])
    ours = services.open_case(
        cast.ben, summary="Team's case", category=north_cases.housing, team=housing
    )
    services.open_case(cast.ben, summary="Nobody's team", category=north_cases.housing)
    page = client_for(cast.ada).get("/cases/team/").content.decode()
    assert references_in(page) == [ours.reference]
    lonely = client_for(cast.wes).get("/cases/team/").content.decode()
    assert "You are not in a team yet" in lonely and references_in(lonely) == []


def test_filters_narrow_the_list_and_each_option_shows_its_count(cast, client_for, three):
    damp, benefits, _closed = three
    client = client_for(cast.ada)
    page = client.get("/cases/").content.decode()
    # Counts follow the other filters chosen (open cases): one urgent, one normal.
    assert "Urgent (1)" in page and "Normal (1)" in page and "Low (0)" in page
    assert "Housing (1)" in page and "Housing: Homelessness (1)" in page
    urgent = client.get("/cases/", {"priority": str(Priority.URGENT)}).content.decode()
    assert references_in(urgent) == [benefits.reference]
    housing = client.get("/cases/", {"category": north_cases_id(damp)}).content.decode()
    assert references_in(housing) == [damp.reference]
    bens = client.get("/cases/", {"assignee": cast.ben.pk}).content.decode()
    assert references_in(bens) == [benefits.reference]
    nobody = client.get("/cases/", {"assignee": "nobody", "state": "all"}).content.decode()
    assert len(references_in(nobody)) == 1
    found = client.get("/cases/", {"text": "sanction"}).content.decode()
    assert references_in(found) == [benefits.reference]


def north_cases_id(case: Case) -> str:
    return str(case.category_id)


def test_status_tag_and_team_filters(cast, client_for, three):
    damp, benefits, _closed = three
    services.change_status(cast.ada, damp, north_status(cast, "Open"))
    tag = services.create_tag(cast.ada, "MP letter")
    services.tag_case(cast.ada, benefits, tag)
    team = create_team(cast.ben, "Benefits team", members=[cast.ben])
    services.assign_case(cast.ben, benefits, assignee=cast.ben, team=team)
    client = client_for(cast.ada)
    opened = client.get("/cases/", {"status": north_status(cast, "Open").pk}).content.decode()
    assert references_in(opened) == [damp.reference]
    tagged = client.get("/cases/", {"tag": tag.pk}).content.decode()
    assert references_in(tagged) == [benefits.reference] and "MP letter (1)" in tagged
    teamed = client.get("/cases/", {"team": team.pk}).content.decode()
    assert references_in(teamed) == [benefits.reference] and "Benefits team (1)" in teamed


def north_status(cast, name: str):
    from casewell.cases.models import CaseStatus

    with bind_office(cast.north):
        return CaseStatus.objects.get(name=name)


def test_overdue_filter_finds_open_cases_past_their_due_date(cast, client_for, north_cases):
    with time_machine.travel(date(2026, 3, 2), tick=False):
        late = services.open_case(
            cast.ada, summary="Late", category=north_cases.housing, due_in_working_days=2
        )
        services.open_case(
            cast.ada, summary="In time", category=north_cases.housing, due_in_working_days=20
        )
    with time_machine.travel(date(2026, 3, 10), tick=False):
        page = client_for(cast.ada).get("/cases/", {"overdue": "yes"}).content.decode()
    assert references_in(page) == [late.reference]
    assert "Overdue (1)" in page


def test_chosen_filters_show_as_tags_that_remove_themselves(cast, client_for, three):
    _damp, benefits, _closed = three
    page = (
        client_for(cast.ada)
        .get("/cases/", {"priority": str(Priority.URGENT), "text": "sanction"})
        .content.decode()
    )
    assert "Selected filters" in page
    assert '<span class="govuk-visually-hidden">Remove this filter</span> Urgent' in page
    remove_urgent = re.search(
        r'href="\?([^"]*)"><span class="govuk-visually-hidden">Remove'
        r" this filter</span> Urgent",
        page,
    )
    assert remove_urgent and "priority" not in remove_urgent.group(1)
    assert "text=sanction" in remove_urgent.group(1)


def test_a_bad_filter_value_is_named_and_ignored_not_a_crash(cast, client_for, three):
    page = client_for(cast.ada).get("/cases/", {"status": "nonsense", "sort": "evil"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert len(references_in(page.content.decode())) == 2


def test_columns_sort_on_the_server_and_say_so(cast, client_for, north_cases):
    first = services.open_case(
        cast.ada,
        summary="Zebra crossing",
        category=north_cases.housing,
        people=[north_cases.omar],
        assignee=cast.ben,
    )
    second = services.open_case(
        cast.ada,
        summary="Alley lighting",
        category=north_cases.housing,
        people=[north_cases.harriet],
        assignee=cast.ada,
    )
    client = client_for(cast.ada)
    default = client.get("/cases/").content.decode()
    assert references_in(default) == [second.reference, first.reference]  # newest first
    assert (
        'aria-sort="descending"><a class="govuk-link govuk-link--no-visited-state '
        'casewell-sort-link" href="?sort=opened_at">Opened' in default
    )
    by_reference = client.get("/cases/", {"sort": "reference"}).content.decode()
    assert references_in(by_reference) == [first.reference, second.reference]
    assert 'aria-sort="ascending"' in by_reference and 'href="?sort=-reference"' in by_reference
    assert references_in(client.get("/cases/", {"sort": "summary"}).content.decode()) == [
        second.reference,
        first.reference,
    ]
    # Siddiqui after Walsh? No: by family name, Siddiqui (Omar) comes before Walsh (Harriet).
    assert references_in(client.get("/cases/", {"sort": "person"}).content.decode()) == [
        first.reference,
        second.reference,
    ]
    assert references_in(client.get("/cases/", {"sort": "-assignee"}).content.decode()) == [
        first.reference,
        second.reference,  # Ben Okafor after Ada Lovelace, reversed
    ]


def test_the_list_is_paginated_25_to_a_page_with_the_total(cast, client_for, north_cases):
    open_cases(cast, north_cases, 30)
    client = client_for(cast.ada)
    first = client.get("/cases/").content.decode()
    assert len(references_in(first)) == 25 and "30 cases" in first
    assert 'aria-label="Page 2"' in first
    second = client.get("/cases/", {"page": 2, "sort": "reference"}).content.decode()
    assert len(references_in(second)) == 5
    assert references_in(second)[-1].endswith("00030")


def test_the_list_costs_the_same_queries_for_5_or_50_cases(cast, client_for, north_cases):
    tag = services.create_tag(cast.ada, "Housing")
    team = create_team(cast.ben, "Housing team", members=[cast.ada])

    def count_queries(url: str) -> int:
        client = client_for(cast.ada)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"sort": "person"}).status_code == 200
        return len(queries)

    for case in open_cases(cast, north_cases, 5, assignee=cast.ada, team=team):
        services.tag_case(cast.ada, case, tag)
    few = {url: count_queries(url) for url in ("/cases/", "/cases/mine/", "/cases/team/")}
    for case in open_cases(cast, north_cases, 45, assignee=cast.ada, team=team):
        services.tag_case(cast.ada, case, tag)
    many = {url: count_queries(url) for url in ("/cases/", "/cases/mine/", "/cases/team/")}
    assert many == few


def test_a_restricted_case_is_left_out_of_the_list_and_its_counts(cast, client_for, north_cases):
    secret = services.open_case(
        cast.ben,
        summary="Threats from a neighbour",
        category=north_cases.housing,
        assignee=cast.wes,
    )
    services.restrict_case(cast.ben, secret, [cast.wes])
    services.open_case(cast.ada, summary="Ordinary", category=north_cases.housing)
    ada = client_for(cast.ada).get("/cases/").content.decode()
    assert secret.reference not in ada and "Threats" not in ada
    assert "1 case<" in ada and "Housing (1)" in ada
    wes = client_for(cast.wes).get("/cases/").content.decode()
    assert secret.reference in wes and "Housing (2)" in wes


def test_cleo_sees_none_of_norths_cases(cast, client_for, three):
    for url in ("/cases/", "/cases/mine/", "/cases/team/", "/cases/?state=all"):
        page = client_for(cast.cleo).get(url).content.decode()
        assert "NR-" not in page and "Damp" not in page, url


def test_the_lists_need_a_signed_in_person(cast):
    for url in ("/cases/", "/cases/mine/", "/cases/team/"):
        assert Client().get(url).status_code == 302


# --- Bulk actions ------------------------------------------------------------------------------


def bulk(client, action: str, cases, **extra):
    return client.post(
        "/cases/bulk/",
        {
            "action": action,
            "case": [c.pk if isinstance(c, Case) else c for c in cases],
            "next": "/cases/?sort=reference",
            **extra,
        },
    )


def test_bulk_assign_gives_every_selected_case_to_someone(cast, client_for, three):
    damp, benefits, _closed = three
    answer = bulk(client_for(cast.ada), "assign", [damp, benefits], assignee=cast.wes.pk)
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "2 cases assigned to Wes Brown" in page
    assert 'href="/cases/?sort=reference"' in page
    with bind_office(cast.north):
        assert set(
            Case.objects.values_list("assignee", flat=True).filter(pk__in=[damp.pk, benefits.pk])
        ) == {cast.wes.pk}


def test_bulk_assign_keeps_each_case_in_its_team(cast, client_for, three):
    damp, benefits, _closed = three
    housing = create_team(cast.ben, "Housing team", members=[cast.wes])
    services.assign_case(cast.ben, damp, assignee=cast.ada, team=housing)
    bulk(client_for(cast.ada), "assign", [damp, benefits], assignee=cast.wes.pk)
    with bind_office(cast.north):
        teams = dict(Case.objects.filter(pk__in=[damp.pk, benefits.pk]).values_list("pk", "team"))
    assert teams == {damp.pk: housing.pk, benefits.pk: None}


def test_bulk_actions_say_which_cases_were_refused_and_why(cast, client_for, three):
    damp, benefits, closed = three
    page = bulk(client_for(cast.ada), "close", [damp, closed, 999999]).content.decode()
    assert "1 case closed" in page
    assert "2 cases not closed" in page
    assert f"{closed.reference}" in page and "already closed" in page
    assert "No case found." in page


def test_an_intern_cannot_bulk_assign(cast, client_for, three):
    damp, _benefits, _closed = three
    services.assign_case(cast.ben, damp, assignee=cast.ivy)
    page = bulk(client_for(cast.ivy), "assign", [damp], assignee=cast.ivy.pk).content.decode()
    assert "No cases were assigned" in page and "may not assign" in page


def test_bulk_tag_and_unassign(cast, client_for, three):
    damp, benefits, _closed = three
    tag = services.create_tag(cast.ada, "Surgery")
    client = client_for(cast.ada)
    assert (
        "2 cases tagged “Surgery”"
        in bulk(client, "tag", [damp, benefits], tag=tag.pk).content.decode()
    )
    assert (
        "2 cases assigned to nobody"
        in bulk(client, "assign", [damp, benefits], assignee="nobody").content.decode()
    )
    with bind_office(cast.north):
        assert not Case.objects.filter(
            pk__in=[damp.pk, benefits.pk], assignee__isnull=False
        ).exists()
        assert Case.objects.filter(tags=tag).count() == 2


def test_bulk_with_nothing_selected_says_so(cast, client_for, three):
    client = client_for(cast.ada)
    answer = client.post("/cases/bulk/", {"action": "close", "next": "/cases/mine/"})
    assert answer.status_code == 302 and answer["Location"] == "/cases/mine/"
    page = client.get("/cases/mine/").content.decode()
    assert "Select the cases to change first." in page


def test_bulk_goes_back_only_to_our_own_pages(cast, client_for, three):
    damp, _benefits, _closed = three
    page = (
        client_for(cast.ada)
        .post(
            "/cases/bulk/", {"action": "close", "case": [damp.pk], "next": "https://evil.example/"}
        )
        .content.decode()
    )
    assert "evil.example" not in page and 'href="/cases/"' in page


def test_cleo_cannot_bulk_change_norths_cases(cast, client_for, three):
    damp, benefits, _closed = three
    page = bulk(client_for(cast.cleo), "close", [damp, benefits]).content.decode()
    assert "No cases were closed" in page and "Damp" not in page
    with bind_office(cast.north):
        assert not Case.objects.get(pk=damp.pk).status.is_closed


def test_bulk_is_post_only(cast, client_for):
    assert client_for(cast.ada).get("/cases/bulk/").status_code == 405


def test_an_intern_sees_only_the_cases_given_to_them(cast, client_for, three):
    damp, benefits, _closed = three
    services.assign_case(cast.ben, damp, assignee=cast.ivy)
    page = client_for(cast.ivy).get("/cases/").content.decode()
    assert references_in(page) == [damp.reference]
    assert "Assign selected cases" not in page, "interns and volunteers do not assign"
