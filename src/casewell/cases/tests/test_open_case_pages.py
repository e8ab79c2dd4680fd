"""Opening a case: find the person, describe the case, give it to someone, set when it is due."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client

from casewell.cases.models import Case, CasePerson
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person


@pytest.fixture
def harriet(north_cases):
    return north_cases.harriet


def the_form(north_cases, **changes):
    data = {
        "person": north_cases.harriet.pk,
        "summary": "Damp in the back bedroom",
        "category": north_cases.homelessness.pk,
        "priority": "3",
        "assignee": "",
        "team": "",
        "due_in_working_days": "",
        "due_date": "",
        "follow_up_in_working_days": "",
        "follow_up_date": "",
        "complexity": "",
        "open": "1",
    }
    data.update(changes)
    return data


def test_opening_a_case_from_a_persons_page_has_them_chosen(cast, client_for, harriet):
    page = client_for(cast.ada).get("/cases/open/", {"person_id": harriet.pk}).content.decode()
    assert "Which constituent is the case for?" in page
    assert re.search(rf'value="{harriet.pk}" checked>\s*<label[^>]*>Harriet Walsh', page)
    # The caseworker is offered the case themselves.
    assert f'<option value="{cast.ada.pk}" selected>Ada Lovelace</option>' in page


def test_searching_offers_the_people_who_match(cast, client_for, north_cases):
    client = client_for(cast.ada)
    page = client.post(
        "/cases/open/", {"find_person": "walsh", "find": "1", "summary": "Kept"}
    ).content.decode()
    assert "Harriet Walsh" in page and "Omar" not in page
    assert 'value="Kept"' in page, "what was typed before searching is kept"
    assert "There is a problem" not in page
    none = client.post("/cases/open/", {"find_person": "Nobody", "find": "1"}).content.decode()
    assert "No constituents match “Nobody”" in none


def test_a_case_is_opened_with_everything_given(cast, client_for, north_cases):
    team = create_team(cast.ben, "Housing team", members=[cast.ada])
    with time_machine.travel(date(2026, 11, 26), tick=False):  # a Thursday
        client = client_for(cast.ada)  # signed in that day: sessions end
        answer = client.post(
            "/cases/open/",
            the_form(
                north_cases,
                assignee=cast.ben.pk,
                team=team.pk,
                due_in_working_days="3",
                complexity="4",
            ),
        )
        page = client.get(answer["Location"]).content.decode()
    with bind_office(cast.north):
        case = Case.objects.select_related("category", "subcategory", "assignee", "team").get()
        party = CasePerson.objects.select_related("person").get(case=case)
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/"
    assert case.summary == "Damp in the back bedroom"
    assert (case.category, case.subcategory) == (north_cases.housing, north_cases.homelessness)
    assert (case.priority, case.complexity, case.assignee, case.team) == (3, 4, cast.ben, team)
    assert party.person == north_cases.harriet
    # Three working days after Thursday 26 November 2026 in England: Friday, Monday, Tuesday.
    assert case.due_date == date(2026, 12, 1)
    assert f"Case {case.reference} opened." in page


def test_a_due_date_can_be_given_instead(cast, client_for, north_cases):
    client_for(cast.ada).post("/cases/open/", the_form(north_cases, due_date="2027-03-31"))
    with bind_office(cast.north):
        assert Case.objects.get().due_date == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Enter a summary of the case."),
        ({"category": ""}, "Choose a category."),
        ({"category": "999999"}, "Select a valid choice"),
        ({"priority": "9"}, "Select a valid choice"),
        ({"due_in_working_days": "ten"}, "Give the number of working days as a whole number"),
        ({"due_in_working_days": "-1"}, "cannot be less than 0"),
        ({"due_in_working_days": "5", "due_date": "2027-01-01"}, "not both"),
        ({"due_date": "31/02/2027"}, "Enter the due date as a real date"),
        ({"person": ""}, "Choose the constituent the case is for"),
    ],
)
def test_bad_input_is_named_in_the_error_summary(cast, client_for, north_cases, changes, message):
    answer = client_for(cast.ada).post("/cases/open/", the_form(north_cases, **changes))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in page and message in page
    assert "<title>Error: Open a case" in page
    with bind_office(cast.north):
        assert not Case.objects.exists()


def test_a_retired_category_is_not_offered_nor_accepted(cast, client_for, north_cases):
    from django.utils import timezone

    with bind_office(cast.north):
        north_cases.homelessness.retired_at = timezone.now()
        north_cases.homelessness.save()
    client = client_for(cast.ada)
    assert "Housing: Homelessness" not in client.get("/cases/open/").content.decode()
    page = client.post("/cases/open/", the_form(north_cases)).content.decode()
    assert "There is a problem" in page and "Select a valid choice" in page


def test_cleo_is_not_offered_norths_people(cast, client_for, harriet):
    page = client_for(cast.cleo).get("/cases/open/", {"person_id": harriet.pk}).content.decode()
    assert "Harriet" not in page and "Find a client by name or postcode" in page
    searched = (
        client_for(cast.cleo)
        .post("/cases/open/", {"find_person": "Walsh", "find": "1"})
        .content.decode()
    )
    assert "Harriet" not in searched


def test_cleo_cannot_open_a_case_for_a_north_person(cast, client_for, north_cases):
    with bind_office(cast.south):
        from casewell.cases.models import Category

        advice = Category.objects.filter(parent=None).first()
    answer = client_for(cast.cleo).post(
        "/cases/open/",
        the_form(north_cases, category=advice.pk, person=north_cases.harriet.pk),
    )
    assert answer.status_code == 200 and "Select a valid choice" in answer.content.decode()
    with bind_office(cast.south):
        assert not Case.objects.exists()


def test_an_intern_opens_a_case_that_stays_theirs(cast, client_for, north_cases):
    client_for(cast.ivy).post("/cases/open/", the_form(north_cases))
    with bind_office(cast.north):
        assert Case.objects.get().assignee == cast.ivy


def test_the_office_word_for_a_person_is_used(cast, client_for):
    with bind_office(cast.south):
        Person.objects.create(first_name="Bryn", last_name="Evans")
    page = (
        client_for(cast.cleo)
        .post("/cases/open/", {"find_person": "Evans", "find": "1"})
        .content.decode()
    )
    assert "Find a client by name or postcode" in page and "Bryn Evans" in page
    assert "constituent" not in page


def test_opening_a_case_needs_a_signed_in_person():
    assert Client().get("/cases/open/").status_code == 302


def test_a_persons_page_lists_their_cases_and_opens_a_new_one_for_them(
    cast, client_for, north_cases
):
    from casewell.cases import services

    damp = services.open_case(
        cast.ada, summary="Damp", category=north_cases.housing, people=[north_cases.harriet]
    )
    secret = services.open_case(
        cast.ben,
        summary="Secret matter",
        category=north_cases.housing,
        people=[north_cases.harriet],
    )
    services.restrict_case(cast.ben, secret, [cast.ben])
    services.open_case(
        cast.ada, summary="Omar's", category=north_cases.housing, people=[north_cases.omar]
    )
    page = client_for(cast.ada).get(f"/people/{north_cases.harriet.pk}/").content.decode()
    assert f'href="/cases/{damp.pk}/">{damp.reference}</a>: Damp (new)' in page
    assert "Secret matter" not in page and "Omar&#x27;s" not in page
    assert (
        f'href="/cases/open/?person_id={north_cases.harriet.pk}">'
        "Open a case for this constituent</a>" in page
    )


def test_searching_again_keeps_the_tags_already_ticked(cast, client_for, north_cases):
    from casewell.cases import services

    letter = services.create_tag(cast.ada, "MP letter")
    surgery = services.create_tag(cast.ada, "Surgery")
    page = (
        client_for(cast.ada)
        .post(
            "/cases/open/", {"find_person": "Walsh", "find": "1", "tags": [letter.pk, surgery.pk]}
        )
        .content.decode()
    )
    assert len(re.findall(r'name="tags" type="checkbox" value="\d+" checked', page)) == 2
