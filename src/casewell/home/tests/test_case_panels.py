"""The home page's case panels count real cases, and stay honest when there are none."""

from __future__ import annotations

from datetime import date

import time_machine

from casewell.cases import services
from casewell.cases.models import Category
from casewell.offices.tenancy import bind_office


def housing(cast) -> Category:
    with bind_office(cast.north):
        return Category.objects.get(name="Housing", parent=None)


def test_my_cases_panel_counts_open_and_overdue_cases(cast, client_for):
    with time_machine.travel(date(2026, 3, 2), tick=False):
        for days in (1, 2, 30):
            services.open_case(
                cast.ada,
                summary="Roof",
                category=housing(cast),
                assignee=cast.ada,
                due_in_working_days=days,
            )
        closed = services.open_case(
            cast.ada, summary="Done", category=housing(cast), assignee=cast.ada
        )
        services.close_case(cast.ada, closed)
        services.open_case(cast.ada, summary="Ben's", category=housing(cast), assignee=cast.ben)
    with time_machine.travel(date(2026, 3, 10), tick=False):
        page = client_for(cast.ada).get("/").content.decode()
    assert "<li>3 open</li><li>2 overdue</li>" in page
    assert 'href="/cases/mine/">Go to my cases' in page
    assert "No cases yet." not in page


def test_my_cases_panel_offers_to_open_a_case_when_there_are_none(cast, client_for):
    page = client_for(cast.ada).get("/").content.decode()
    assert "No cases yet." in page and 'href="/cases/open/">Open a case' in page


def test_team_workload_shows_each_persons_open_cases(cast, client_for):
    for assignee in (cast.ada, cast.ada, cast.wes, None):
        services.open_case(cast.ben, summary="Case", category=housing(cast), assignee=assignee)
    page = client_for(cast.ben).get("/").content.decode()
    assert "<li>Ada Lovelace: 2 cases open</li><li>Wes Brown: 1 case open</li>" in page
    assert "<li>Nobody: 1 case waiting to be assigned</li>" in page


def test_the_members_panel_counts_cases_opened_this_month(cast, client_for):
    with time_machine.travel(date(2026, 2, 27), tick=False):
        services.open_case(cast.ada, summary="February", category=housing(cast))
    with time_machine.travel(date(2026, 3, 3), tick=False):
        services.open_case(cast.ada, summary="March", category=housing(cast))
        page = client_for(cast.mo).get("/").content.decode()
    assert "<li>1 case opened this month</li>" in page


def test_a_restricted_case_is_not_counted_for_those_who_may_not_see_it(cast, client_for):
    secret = services.open_case(
        cast.ben, summary="Secret", category=housing(cast), assignee=cast.ben
    )
    services.restrict_case(cast.ben, secret, [cast.ben])
    page = client_for(cast.mo).get("/").content.decode()
    assert "No cases for constituents opened yet." in page


def test_cleo_counts_none_of_norths_cases(cast, client_for):
    services.open_case(cast.ada, summary="Case", category=housing(cast), assignee=cast.ada)
    page = client_for(cast.cleo).get("/").content.decode()
    assert "No cases yet." in page and "No cases are assigned to anyone yet." in page
