"""One case's page and the changes made from it: status, assignment, details, tags, restriction,
related cases, the people and organisations on it, and their permission."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casewell.cases import services
from casewell.cases.models import Case, CasePerson
from casewell.directory.services import add_organisation
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office
from casewell.people.consent import record_permission_form
from casewell.people.models import Person
from casewell.timeline.services import add_note

CASE_PAGES = (
    "",
    "status/",
    "assign/",
    "edit/",
    "tags/",
    "restrict/",
    "related/",
    "people/",
    "organisations/",
)


@pytest.fixture
def damp(cast, north_cases) -> Case:
    return services.open_case(
        cast.ada,
        summary="Damp in the back bedroom",
        category=north_cases.housing,
        subcategory=north_cases.homelessness,
        people=[north_cases.harriet],
        assignee=cast.ada,
        priority=3,
        complexity=4,
    )


def page_of(client, case: Case, path: str = "") -> str:
    answer = client.get(f"/cases/{case.pk}/{path}")
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def fresh(cast, case: Case) -> Case:
    with bind_office(cast.north):
        return Case.objects.select_related(
            "status", "assignee", "team", "category", "subcategory"
        ).get(pk=case.pk)


def test_the_header_says_what_the_case_is(cast, client_for, damp):
    team = create_team(cast.ben, "Housing team", members=[cast.ada])
    services.assign_case(cast.ben, damp, assignee=cast.ada, team=team)
    page = page_of(client_for(cast.ada), damp)
    assert f'<span class="govuk-caption-l">Case {damp.reference}</span>' in page
    assert '<h1 class="govuk-heading-l">Damp in the back bedroom</h1>' in page
    assert ">New</strong>" in page and ">High</strong>" in page
    assert "Housing: Homelessness" in page and "Ada Lovelace" in page and "Housing team" in page
    assert "4 out of 5" in page
    assert "Constituents on the case" in page


def test_due_and_follow_up_dates_are_reckoned_in_working_days(cast, client_for, north_cases):
    with time_machine.travel(date(2026, 12, 21), tick=False):  # Monday before Christmas
        case = services.open_case(
            cast.ada,
            summary="Pension",
            category=north_cases.benefits,
            due_in_working_days=5,
            follow_up_in_working_days=1,
        )
        page = page_of(client_for(cast.ada), case)
    # 22, 23, 24, 29, 30 December: Christmas, Boxing Day (Saturday) and its Monday substitute
    # are not working days in England.
    assert case.due_date == date(2026, 12, 30)
    assert "Wednesday 30 December 2026" in page and "in 5 working days" in page
    assert "Tuesday 22 December 2026" in page and "in 1 working day)" in page
    with time_machine.travel(date(2027, 1, 5), tick=False):
        late = page_of(client_for(cast.ada), case)
    assert "overdue: 3 working days ago" in late  # 31 Dec, 4 Jan, 5 Jan (1 Jan a holiday)


def test_permission_is_shown_plainly_for_each_person(cast, client_for, north_cases, damp):
    omar, harriet = north_cases.omar, north_cases.harriet
    services.add_party(cast.ada, damp, omar, role="representative")
    sam = make_person(cast, "Sam", "Okoye")
    services.add_party(cast.ada, damp, sam, role="family")
    with time_machine.travel(date(2026, 6, 1), tick=False):
        record_permission_form(
            cast.ada,
            harriet,
            full_name="Harriet Walsh",
            agencies="Leeds City Council",
            signed_on=date(2026, 6, 1),
            valid_until=date(2027, 3, 3),
        )
        record_permission_form(
            cast.ada,
            omar,
            full_name="Omar Siddiqui",
            agencies="DWP",
            signed_on=date(2026, 1, 5),
            valid_until=date(2026, 3, 2),
        )
    with time_machine.travel(date(2026, 11, 23), tick=False):
        page = page_of(client_for(cast.ada), damp)
    rows = dict(
        re.findall(
            r'<a class="govuk-link" href="/people/\d+/">([^<]+)</a>'
            r'.*?data-testid="permission">(.*?)</td>',
            page,
            re.S,
        )
    )
    assert " ".join(rows["Harriet Walsh"].split()) == "Permission held until 3 March 2027"
    assert "Permission expired on 2 March 2026" in rows["Omar Siddiqui"]
    assert "Record a new permission form" in rows["Omar Siddiqui"]
    assert "No signed permission form" in rows["Sam Okoye"]
    assert f'href="/people/{sam.pk}/#permission">Record one' in rows["Sam Okoye"]
    assert "Acts for someone on the case" in page


def make_person(cast, first: str, last: str) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name=first, last_name=last)


def test_a_restricted_case_says_who_may_see_it_and_is_404_for_others(cast, client_for, damp):
    services.restrict_case(cast.ben, damp, [cast.wes])
    page = page_of(client_for(cast.wes), damp)
    notice = re.search(r'data-testid="restriction">(.*?)</div>', page, re.S).group(1)
    assert "Only Wes Brown, Ada Lovelace (assigned) can see this case" in " ".join(notice.split())
    services.assign_case(cast.ben, damp, assignee=cast.wes)
    for path in CASE_PAGES:
        assert client_for(cast.ada).get(f"/cases/{damp.pk}/{path}").status_code == 404, path
        assert client_for(cast.ada).post(f"/cases/{damp.pk}/{path}").status_code == 404, path
    assert client_for(cast.ben).get(f"/cases/{damp.pk}/").status_code == 200


def test_cleo_gets_404_for_every_page_of_a_north_case(cast, client_for, damp):
    for path in CASE_PAGES:
        assert client_for(cast.cleo).get(f"/cases/{damp.pk}/{path}").status_code == 404, path
        answer = client_for(cast.cleo).post(f"/cases/{damp.pk}/{path}", {"remove": "1"})
        assert answer.status_code == 404, path
    assert client_for(cast.cleo).get("/cases/999999/").status_code == 404


def test_the_case_pages_need_a_signed_in_person(damp):
    assert Client().get(f"/cases/{damp.pk}/").status_code == 302


# --- Status -----------------------------------------------------------------------------------


def test_only_the_workflows_next_statuses_are_offered(cast, client_for, north_cases, damp):
    page = page_of(client_for(cast.ada), damp)
    offered = re.findall(r'for="next-status-\d+">([^<]+)</label>', page)
    assert offered == ["Open", "Awaiting reply", "Closed (closes the case)"]
    services.close_case(cast.ada, damp)
    reopened = re.findall(
        r'for="next-status-\d+">([^<]+)</label>', page_of(client_for(cast.ada), damp)
    )
    assert reopened == ["Open"]


def test_changing_the_status(cast, client_for, north_cases, damp):
    client = client_for(cast.ada)
    awaiting = north_cases.status("Awaiting reply")
    answer = client.post(f"/cases/{damp.pk}/status/", {"status": awaiting.pk, "note": "Wrote"})
    assert answer.status_code == 302
    assert fresh(cast, damp).status == awaiting
    assert "The case is now awaiting reply." in client.get(answer["Location"]).content.decode()


def test_a_status_the_workflow_does_not_allow_is_refused_with_the_reason(
    cast, client_for, north_cases, damp
):
    services.close_case(cast.ada, damp)
    page = (
        client_for(cast.ada)
        .post(f"/cases/{damp.pk}/status/", {"status": north_cases.status("Awaiting reply").pk})
        .content.decode()
    )
    assert "There is a problem" in page and "Select a valid choice" in page
    assert fresh(cast, damp).status.is_closed
    empty = client_for(cast.ada).post(f"/cases/{damp.pk}/status/", {}).content.decode()
    assert "Choose the case&#x27;s new status." in empty


# --- Assignment, details, tags, restriction -----------------------------------------------------


def test_assigning_the_case(cast, client_for, damp):
    team = create_team(cast.ben, "Housing team", members=[cast.ben])
    client = client_for(cast.ada)
    answer = client.post(f"/cases/{damp.pk}/assign/", {"assignee": cast.ben.pk, "team": team.pk})
    assert answer.status_code == 302
    case = fresh(cast, damp)
    assert (case.assignee, case.team) == (cast.ben, team)
    bad = client.post(f"/cases/{damp.pk}/assign/", {"assignee": "999999"}).content.decode()
    assert "There is a problem" in bad and "Select a valid choice" in bad


def test_an_intern_may_not_assign(cast, client_for, damp):
    services.assign_case(cast.ben, damp, assignee=cast.ivy)
    ivy = client_for(cast.ivy)
    assert ivy.get(f"/cases/{damp.pk}/assign/").status_code == 403
    assert "/assign/" not in page_of(ivy, damp)


def test_editing_the_details(cast, client_for, north_cases, damp):
    client = client_for(cast.ada)
    form = page_of(client, damp, "edit/")
    assert 'value="Damp in the back bedroom"' in form
    answer = client.post(
        f"/cases/{damp.pk}/edit/",
        {
            "summary": "Damp and mould",
            "category": north_cases.universal_credit.pk,
            "priority": "4",
            "complexity": "2",
            "due_date": "2027-02-01",
        },
    )
    assert answer.status_code == 302
    case = fresh(cast, damp)
    assert (case.summary, case.category, case.subcategory, case.priority, case.complexity) == (
        "Damp and mould",
        north_cases.benefits,
        north_cases.universal_credit,
        4,
        2,
    )
    assert case.due_date == date(2027, 2, 1)


def test_editing_with_bad_input_names_each_problem(cast, client_for, damp):
    page = (
        client_for(cast.ada)
        .post(
            f"/cases/{damp.pk}/edit/",
            {"summary": "", "category": "", "priority": "2", "follow_up_in_working_days": "400"},
        )
        .content.decode()
    )
    for message in ("Enter a summary of the case.", "Choose a category.", "366 or fewer"):
        assert message in page
    assert fresh(cast, damp).summary == "Damp in the back bedroom"


def test_tags_are_added_made_and_removed(cast, client_for, damp):
    existing = services.create_tag(cast.ada, "MP letter")
    client = client_for(cast.ada)
    client.post(f"/cases/{damp.pk}/tags/", {"tag": existing.pk})
    client.post(f"/cases/{damp.pk}/tags/", {"new_tag": "Surgery"})
    with bind_office(cast.north):
        assert sorted(fresh(cast, damp).tags.values_list("name", flat=True)) == [
            "MP letter",
            "Surgery",
        ]
    page = page_of(client, damp)
    assert ">MP letter</strong>" in page and ">Surgery</strong>" in page
    client.post(f"/cases/{damp.pk}/tags/", {"remove": existing.pk})
    with bind_office(cast.north):
        assert list(fresh(cast, damp).tags.values_list("name", flat=True)) == ["Surgery"]
    nothing = client.post(f"/cases/{damp.pk}/tags/", {}).content.decode()
    assert "Choose a tag, or type the name of a new one." in nothing


def test_restricting_is_for_managers_and_the_assignee(cast, client_for, damp):
    assert client_for(cast.wes).get(f"/cases/{damp.pk}/restrict/").status_code == 403
    answer = client_for(cast.ada).post(f"/cases/{damp.pk}/restrict/", {"staff": [cast.ben.pk]})
    assert answer.status_code == 302 and fresh(cast, damp).is_restricted
    assert client_for(cast.wes).get(f"/cases/{damp.pk}/").status_code == 404
    client_for(cast.ben).post(f"/cases/{damp.pk}/restrict/", {})
    assert not fresh(cast, damp).is_restricted


# --- Related cases, people, organisations -----------------------------------------------------


def test_relating_cases_by_reference(cast, client_for, north_cases, damp):
    other = services.open_case(cast.ada, summary="Mould", category=north_cases.housing)
    client = client_for(cast.ada)
    answer = client.post(f"/cases/{damp.pk}/related/", {"reference": other.reference.lower()})
    assert answer.status_code == 302
    page = page_of(client, damp)
    assert f'href="/cases/{other.pk}/">{other.reference}</a>: Mould' in page
    assert f"{damp.reference}</a>" in page_of(client, other)
    client.post(f"/cases/{damp.pk}/related/", {"remove": other.pk})
    assert f'href="/cases/{other.pk}/"' not in page_of(client, damp)


def test_relating_an_unknown_or_hidden_case_is_refused(cast, client_for, north_cases, damp):
    secret = services.open_case(cast.ben, summary="Secret", category=north_cases.housing)
    services.restrict_case(cast.ben, secret, [cast.ben])
    client = client_for(cast.ada)
    for reference in ("NR-2026-99999", secret.reference, damp.reference):
        page = client.post(f"/cases/{damp.pk}/related/", {"reference": reference}).content.decode()
        assert "There is a problem" in page, reference
    assert "Secret" not in page


def test_adding_and_removing_a_person(cast, client_for, north_cases, damp):
    client = client_for(cast.ada)
    found = client.post(
        f"/cases/{damp.pk}/people/", {"find_person": "Siddiqui", "find": "1"}
    ).content.decode()
    assert "Omar Siddiqui" in found and "Which constituent?" in found
    answer = client.post(
        f"/cases/{damp.pk}/people/",
        {"find_person": "Siddiqui", "person": north_cases.omar.pk, "role": "witness"},
    )
    assert answer.status_code == 302
    with bind_office(cast.north):
        assert CasePerson.objects.get(case=damp, person=north_cases.omar).role == "witness"
    client.post(f"/cases/{damp.pk}/people/", {"remove": north_cases.omar.pk})
    with bind_office(cast.north):
        assert not CasePerson.objects.filter(case=damp, person=north_cases.omar).exists()
    nobody = client.post(f"/cases/{damp.pk}/people/", {"role": "witness"}).content.decode()
    assert "Find and choose the constituent to add." in nobody


def test_adding_an_organisation_from_the_directory(cast, client_for, damp):
    ridgeway = add_organisation(
        cast.ben, {"name": "Ridgeway Tenants Trust", "kind": "housing_association"}
    )
    client = client_for(cast.ada)
    found = client.post(
        f"/cases/{damp.pk}/organisations/", {"find_organisation": "Ridgeway", "find": "1"}
    ).content.decode()
    assert "Ridgeway Tenants Trust" in found
    value = re.search(r'value="(office-\d+)"', found).group(1)
    answer = client.post(
        f"/cases/{damp.pk}/organisations/",
        {"find_organisation": "Ridgeway", "organisation": value, "role": "contacted"},
    )
    assert answer.status_code == 302
    page = page_of(client, damp)
    assert "Ridgeway Tenants Trust" in page and "Contacted about the case" in page
    client.post(f"/cases/{damp.pk}/organisations/", {"remove": ridgeway.pk})
    assert "Ridgeway Tenants Trust" not in page_of(client, damp)


# --- Cost ---------------------------------------------------------------------------------------


def count_queries(client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    return len(queries)


def test_the_timeline_is_on_the_case_page(cast, client_for, damp):
    add_note(cast.ada, damp, "Rang the landlord, no answer")
    page = page_of(client_for(cast.ada), damp)
    assert 'data-testid="timeline"' in page and "Rang the landlord, no answer" in page


def test_the_case_page_costs_the_same_queries_however_many_organisations_related_and_notes(
    cast, client_for, north_cases, damp
):
    client = client_for(cast.ada)
    services.tag_case(cast.ada, damp, services.create_tag(cast.ada, "One"))
    services.restrict_case(cast.ada, damp, [cast.ben])
    add_note(cast.ada, damp, "The first note")  # an empty timeline skips reading its page
    few = count_queries(client, damp)
    for number in range(8):
        other = services.open_case(
            cast.ada, summary=f"Other {number}", category=north_cases.housing
        )
        services.relate_cases(cast.ada, damp, other)
        organisation = add_organisation(cast.ben, {"name": f"Council {number}", "kind": "council"})
        services.add_organisation(cast.ada, damp, organisation=organisation)
        services.tag_case(cast.ada, damp, services.create_tag(cast.ada, f"Tag {number}"))
        add_note(cast.ada, damp, f"Note {number}", sensitive=number % 2 == 0)
    services.restrict_case(cast.ada, damp, [cast.ben, cast.wes, cast.mo])
    assert count_queries(client, damp) == few


def test_the_case_page_costs_the_same_queries_however_many_people(cast, client_for, damp):
    client = client_for(cast.ada)
    few = count_queries(client, damp)
    for number in range(8):
        services.add_party(cast.ada, damp, make_person(cast, f"Given{number}", "Family"))
    assert count_queries(client, damp) == few


def test_an_intern_may_not_change_a_case_given_to_their_team_but_not_to_them(
    cast, client_for, north_cases, damp
):
    team = create_team(cast.ben, "Interns", members=[cast.ivy])
    services.assign_case(cast.ben, damp, assignee=cast.ada, team=team)
    ivy = client_for(cast.ivy)
    page = page_of(ivy, damp)
    assert "Move the case on" not in page and "/edit/" not in page
    answer = ivy.post(f"/cases/{damp.pk}/status/", {"status": north_cases.status("Open").pk})
    assert answer.status_code == 403
    assert fresh(cast, damp).status.name == "New"
