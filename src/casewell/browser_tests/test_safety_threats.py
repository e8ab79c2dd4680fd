"""Threats and harassment on a phone, with the keyboard alone: routing a person's contact to
one handler, keeping evidence of an incident, the support list, a mobile for texts, and a
visit for a case. 375 pixels wide; every page passes axe-core (Visitor.arrive)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casewell.browser_tests.pages import Visitor, tab_to
from casewell.browser_tests.test_safety import PHONE, PhonePage
from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.people.models import Person
from casewell.safety import evidence, handlers, markers, support
from casewell.safety.incidents import record_incident
from casewell.safety.models import SafetySettings
from casewell.timeline.services import add_note

pytestmark = pytest.mark.browser


class AnyPhonePage(PhonePage):
    pass


def phone(visitor: Visitor) -> Visitor:
    visitor.page.set_viewport_size(PHONE)
    return visitor


def press_button(visitor: Visitor, words: str) -> AnyPhonePage:
    tab_to(visitor.page, text=words)
    return visitor.follow(lambda: visitor.page.keyboard.press("Enter"), AnyPhonePage)


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet", last_name="Walsh", address_line_1="3 Kirkgate"
        )


@pytest.fixture
def damp(cast, harriet):
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("position", "id").first()
    return open_case(cast.ada, summary="Damp", category=category, people=[harriet])


def test_a_manager_routes_a_persons_contact_to_one_handler(cast, signed_in, harriet):
    ben = phone(signed_in(cast.ben))
    page = ben.open(f"/safety/people/{harriet.pk}/handler/", AnyPhonePage)
    assert page.heading == "Who handles their contact"
    page = press_button(ben, "Save the handler")  # nothing chosen: the GOV.UK error summary
    assert "Choose a member of staff" in page.page.locator(".govuk-error-summary").inner_text()
    tab_to(page.page, "select[name=handler]")
    page.page.keyboard.type("Wes")
    tab_to(page.page, "textarea[name=reason]")
    page.page.keyboard.type("Has threatened Ada on the phone")
    page = press_button(ben, "Save the handler")
    assert "now goes to one handler" in page.banner
    with bind_office(cast.north):
        assert handlers.designated_handler_for(harriet) == cast.wes


def test_the_recorder_keeps_a_timeline_entry_as_evidence_and_sees_support(
    cast, signed_in, harriet, damp
):
    add_note(cast.ada, damp, "Shouted at Ada on the doorstep")
    threat = record_incident(
        cast.ada,
        channel="in_person",
        happened_on=timezone.localdate(),
        what_happened="Shouted threats",
        person_id=harriet.pk,
        targeted_ids=[cast.ada.pk],
    )
    ada = phone(signed_in(cast.ada))
    page = ada.open(f"/safety/incidents/{threat.pk}/", AnyPhonePage)
    assert "Support for you" in page.main.inner_text()
    tab_to(page.page, "select[name=timeline_entry]")
    page.page.keyboard.press("ArrowDown")
    tab_to(page.page, "input[name=note]")
    page.page.keyboard.type("What he said at the door")
    page = press_button(ada, "Keep as evidence")
    assert "kept as evidence" in page.banner
    with bind_office(cast.north):
        assert len(evidence.evidence_of(threat)) == 1


def test_a_manager_adds_to_and_changes_the_support_list(cast, signed_in):
    ben = phone(signed_in(cast.ben))
    page = ben.open("/safety/support/", AnyPhonePage)
    page = press_button(ben, "Add")
    assert "Enter the name" in page.page.locator(".govuk-error-summary").inner_text()
    tab_to(page.page, "input[name=name]")
    page.page.keyboard.type("Staff counsellor")
    tab_to(page.page, "input[name=how_to_reach]")
    page.page.keyboard.type("Room 4, Tuesdays")
    page = press_button(ben, "Add")
    assert "Added to the support list" in page.banner
    option = support.support_for(cast.ben)[-1]
    page = ben.open(f"/safety/support/{option.pk}/", AnyPhonePage)
    tab_to(page.page, "input[name=how_to_reach]")
    page.page.keyboard.press("Control+A")
    page.page.keyboard.type("Room 5")
    page = press_button(ben, "Save")
    assert "Room 5" in page.main.inner_text()


def test_a_worker_registers_their_mobile_for_texts(cast, signed_in):
    ada = phone(signed_in(cast.ada))
    page = ada.open("/safety/my-safety/", AnyPhonePage)
    tab_to(page.page, "input[name=mobile]")
    page.page.keyboard.type("07700 900555")
    page = press_button(ada, "Save mobile number")
    assert "Your mobile number has been saved" in page.banner
    with across_all_offices():
        assert SafetySettings.all_offices.get(user=cast.ada).mobile == "+447700900555"


def test_marked_people_show_in_words_on_the_person_page_and_a_visit_for_their_case(
    cast, signed_in, harriet, damp
):
    markers.add_safety_marker(
        cast.ben,
        harriet,
        kind="do_not_visit_alone",
        note="",
        review_on=timezone.localdate() + timedelta(days=60),
    )
    ada = phone(signed_in(cast.ada))
    person = ada.open(f"/people/{harriet.pk}/", AnyPhonePage)
    assert "Do not visit alone" in person.main.inner_text()
    start = ada.open(f"/safety/start/?case={damp.pk}", AnyPhonePage)
    assert "Harriet Walsh: Do not visit alone" in start.main.inner_text()
