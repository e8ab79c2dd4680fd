"""Calls from a person whose contact is routed to one designated handler: logging an incoming
call on a case of theirs hands the case to the handler, whoever logged it; everyone else then
sees "Handled by <name>" and not what was said."""

from __future__ import annotations

import pytest

from casewell.cases.models import Case, Category
from casewell.cases.services import assign_case, open_case
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety import handlers
from casewell.timeline.models import TimelineEntry
from casewell.timeline.services import record_call

SAID = "Shouted that he knows where Ada parks"


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name="Harriet", last_name="Walsh")


@pytest.fixture
def damp(cast, harriet) -> Case:
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("position", "id").first()
    return open_case(
        cast.ada, summary="Damp", category=category, people=[harriet], assignee=cast.ada
    )


@pytest.fixture
def routed(cast, harriet):
    return handlers.route_contact_to(
        cast.ben, harriet, handler_id=cast.wes.pk, reason="Has threatened Ada"
    )


def assignee_of(cast, case: Case):
    with bind_office(cast.north):
        return Case.objects.get(pk=case.pk).assignee


def call(user, case, direction: str = "in") -> TimelineEntry:
    return record_call(user, case, direction=direction, duration_minutes=5, text=SAID)


def test_an_incoming_call_from_a_routed_person_hands_the_case_to_the_handler(
    cast, damp, routed
):
    assert assignee_of(cast, damp) == cast.ada
    call(cast.ada, damp)
    assert assignee_of(cast, damp) == cast.wes
    with bind_office(cast.north):
        handed = AuditEntry.objects.get(action="cases.handed")
    assert handed.actor == cast.ada
    assert "Ada Lovelace logged a call on a case of Harriet Walsh" in handed.detail
    assert "goes to Wes Brown alone" in handed.detail


def test_whoever_logs_it_an_intern_included_the_case_goes_to_the_handler(cast, damp, routed):
    assign_case(cast.ben, damp, assignee=cast.ivy)
    call(cast.ivy, damp)  # an intern may not assign cases, but the manager's routing decides
    assert assignee_of(cast, damp) == cast.wes


def test_outgoing_calls_and_unrouted_cases_keep_their_assignee(cast, damp, harriet, routed):
    call(cast.ada, damp, direction="out")
    assert assignee_of(cast, damp) == cast.ada
    handlers.end_routing(cast.ben, harriet)
    call(cast.ada, damp)
    assert assignee_of(cast, damp) == cast.ada
    with bind_office(cast.north):
        assert not AuditEntry.objects.filter(action="cases.handed").exists()


def test_a_call_on_a_case_already_the_handlers_is_not_handed_again(cast, damp, routed):
    call(cast.ada, damp)
    call(cast.ben, damp)
    with bind_office(cast.north):
        assert AuditEntry.objects.filter(action="cases.handed").count() == 1


def test_a_handler_who_has_left_gets_nothing(cast, damp, routed):
    cast.wes.is_active = False
    cast.wes.save()
    call(cast.ada, damp)
    assert assignee_of(cast, damp) == cast.ada


def test_others_see_the_call_is_handled_without_what_was_said(cast, client_for, damp, routed):
    form = client_for(cast.ada).get(f"/timeline/case/{damp.pk}/call/").content.decode()
    assert "Calls on this case go to Wes Brown, the designated handler" in form
    assert "you will not see it afterwards" in form
    logged = client_for(cast.ada).post(
        f"/timeline/case/{damp.pk}/call/",
        {"direction": "in", "duration_minutes": "4", "text": SAID, "correspondent": "Harriet",
         "occurred_day": "", "occurred_month": "", "occurred_year": "", "occurred_time": ""},
    )  # fmt: skip
    assert logged.status_code == 302
    assert assignee_of(cast, damp) == cast.wes
    with bind_office(cast.north):
        entry = TimelineEntry.objects.get(kind="call")
    for user in (cast.ada, cast.mo):
        for url in (f"/timeline/case/{damp.pk}/", f"/timeline/entry/{entry.pk}/"):
            page = client_for(user).get(url).content.decode()
            assert "Handled by Wes Brown" in page and SAID not in page
    for user in (cast.wes, cast.ben):  # the handler and managers read it
        assert SAID in client_for(user).get(f"/timeline/entry/{entry.pk}/").content.decode()


def test_cleo_gets_404_logging_a_call_on_norths_case(cast, client_for, damp, routed):
    cleo = client_for(cast.cleo)
    assert cleo.get(f"/timeline/case/{damp.pk}/call/").status_code == 404
    assert cleo.post(
        f"/timeline/case/{damp.pk}/call/", {"direction": "in", "duration_minutes": "1", "text": "x"}
    ).status_code == 404
    assert assignee_of(cast, damp) == cast.ada
