"""Setting up for safety on a phone, with the keyboard alone: a worker sets their duress PIN
and extends a visit, a manager changes the escalation ladder and adds a safety marker.
375 pixels wide; every page passes axe-core (Visitor.arrive)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from casewell.browser_tests.pages import tab_to
from casewell.browser_tests.test_safety import PhonePage, phone, press
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.people.models import Person
from casewell.safety import markers, services
from casewell.safety.models import EscalationLadder, LoneWorkingSession, SafetySettings

pytestmark = pytest.mark.browser


def type_into(page: PhonePage, css: str, text: str) -> None:
    tab_to(page.page, css)
    page.page.keyboard.press("Control+A")
    page.page.keyboard.type(text)


def test_a_worker_sets_a_duress_pin_the_govuk_way(cast, signed_in):
    ada = phone(signed_in(cast.ada))
    page = ada.open("/safety/my-safety/", PhonePage)
    type_into(page, "input[name=pin]", "2468")
    type_into(page, "input[name=confirm]", "2469")
    page = press(ada, "Set duress PIN")
    assert "type the same PIN twice" in page.page.locator(".govuk-error-summary").inner_text()
    type_into(page, "input[name=pin]", "2468")
    type_into(page, "input[name=confirm]", "2468")
    page = press(ada, "Set duress PIN")
    assert "Your duress PIN has been set" in page.banner
    with across_all_offices():
        saved = SafetySettings.all_offices.get(user=cast.ada)
    assert check_password("2468", saved.duress_pin)


def test_a_worker_extends_a_visit(cast, signed_in):
    session = services.start_lone_working(
        cast.ada,
        services.SessionPlan(
            purpose="home_visit",
            location="14 Mill Lane, Leeds LS6 2AB",
            expected_end=timezone.now() + timedelta(hours=1),
            buddy_id=cast.wes.pk,
            emergency_contact_name="Sam Lovelace",
            emergency_contact_phone="07700 900123",
        ),
    )
    ada = phone(signed_in(cast.ada))
    ada.open(f"/safety/sessions/{session.pk}/", PhonePage)
    page = press(ada, "Extend")
    assert page.heading.startswith("Extend")
    page = press(ada, "Extend")  # keeps the suggested 30 minutes
    assert "Your session now ends at" in page.banner
    with across_all_offices():
        extended = LoneWorkingSession.all_offices.get(pk=session.pk)
    assert extended.expected_end > session.expected_end + timedelta(minutes=29)


def test_a_manager_changes_the_escalation_ladder(cast, signed_in):
    ben = phone(signed_in(cast.ben))
    page = ben.open("/safety/ladder/", PhonePage)
    type_into(page, "input[name=grace_minutes]", "200")
    page = press(ben, "Save the ladder")
    assert "from 0 to 120" in page.page.locator(".govuk-error-summary").inner_text()
    type_into(page, "input[name=grace_minutes]", "2")
    page = press(ben, "Save the ladder")
    assert "The escalation ladder has been changed" in page.banner
    with bind_office(cast.north):
        assert EscalationLadder.objects.get().grace_minutes == 2


def test_a_manager_adds_a_safety_marker_with_a_review_date(cast, signed_in):
    with bind_office(cast.north, actor=cast.ada):
        harriet = Person.objects.create(first_name="Harriet", last_name="Walsh")
    ben = phone(signed_in(cast.ben))
    page = ben.open(f"/safety/people/{harriet.pk}/markers/", PhonePage)
    page = press(ben, "Add safety marker")
    assert "Choose" in page.page.locator(".govuk-error-summary").inner_text()
    tab_to(page.page, "input[name=kind]")
    page.page.keyboard.press("Space")  # "Do not visit alone"
    review = timezone.localdate() + timedelta(days=90)
    type_into(page, "input[name=review_on]", f"{review.day} {review.month} {review.year}")
    page = press(ben, "Add safety marker")
    assert "now carries a safety marker" in page.banner
    with bind_office(cast.north):
        (marker,) = markers.markers_for(harriet)
    assert marker.kind == "do_not_visit_alone" and marker.review_on == review
