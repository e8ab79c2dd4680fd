"""A session for a case: the case's people's markers shown, the visit noted on its timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety import markers, services
from casewell.safety.tests.conftest import plan


def open_for(user, summary: str, people=()):
    with bind_office(user.office):
        category = Category.objects.filter(parent=None).order_by("position", "id").first()
    return open_case(user, summary=summary, category=category, people=people)


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet", last_name="Walsh", address_line_1="3 Kirkgate"
        )


@pytest.fixture
def damp(cast, harriet, clock):
    case = open_for(cast.ada, "Damp", [harriet])
    markers.add_safety_marker(
        cast.ben,
        harriet,
        kind="aggressive_on_phone",
        note="",
        review_on=timezone.localdate() + timedelta(days=60),
    )
    return case


def test_a_session_for_a_case_notes_the_visit_and_shows_its_peoples_markers(
    cast, client_for, damp, clock
):
    session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk, case_id=damp.pk))
    assert session.case == damp
    with bind_office(cast.north):
        (visit,) = damp.timeline.all()
    assert visit.kind == "visit" and "under lone working: started at" in visit.text
    page = client_for(cast.wes).get(f"/safety/sessions/{session.pk}/").content.decode()
    assert damp.reference in page
    assert "Safety marker: </span>Harriet Walsh: Aggressive on the phone" in page
    case_page = client_for(cast.ada).get(f"/cases/{damp.pk}/").content.decode()
    assert "Visit: 14 Mill Lane" in case_page


def test_the_start_page_for_a_case_shows_the_markers_before_starting(cast, client_for, damp):
    page = client_for(cast.ada).get(f"/safety/start/?case={damp.pk}").content.decode()
    assert f"For case {damp.reference}" in page
    assert "Harriet Walsh: Aggressive on the phone" in page
    assert f'name="case_id" value="{damp.pk}"' in page


def test_another_offices_case_is_refused(cast, clock):
    theirs = open_for(cast.cleo, "South's case")
    with pytest.raises(ValidationError) as refused:
        services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk, case_id=theirs.pk))
    assert "case" in refused.value.message_dict


def test_cleo_cannot_start_a_visit_for_norths_case(cast, client_for, damp):
    assert client_for(cast.cleo).get(f"/safety/start/?case={damp.pk}").status_code == 404
