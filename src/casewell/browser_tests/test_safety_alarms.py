"""The alarms on a phone, with the keyboard alone: a check-in with the duress PIN looks exactly
like any other, the panic button alerts everyone, the buddy acknowledges and records what
they did, and a threatening e-mail is recorded as an incident from its own page.
375 pixels wide; every page passes axe-core (Visitor.arrive)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from casewell.browser_tests.pages import tab_to
from casewell.browser_tests.test_safety import PhonePage, phone, press
from casewell.inbox.models import Message
from casewell.inbox.services import read_raw_message, receive_raw
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.people.models import Person
from casewell.safety import evidence, services
from casewell.safety.models import Incident, SafetyAlert

pytestmark = pytest.mark.browser

DURESS_PIN = "2468"


def start_visit(cast):
    return services.start_lone_working(
        cast.ada,
        services.SessionPlan(
            purpose="home_visit",
            location="14 Mill Lane, Leeds LS6 2AB",
            expected_end=timezone.now() + timedelta(hours=2),
            buddy_id=cast.wes.pk,
            emergency_contact_name="Sam Lovelace",
            emergency_contact_phone="07700 900123",
            check_in_minutes=30,
        ),
    )


def clock_free(text: str) -> str:
    return re.sub(r"\d\d:\d\d", "HH:MM", text)


def alerts_of(session) -> list[SafetyAlert]:
    with across_all_offices():
        return list(SafetyAlert.all_offices.filter(session=session).order_by("raised_at"))


def test_a_check_in_with_the_duress_pin_looks_like_any_other_and_raises_the_alarm(
    cast, signed_in
):
    services.change_my_duress_pin(cast.ada, DURESS_PIN, confirm=DURESS_PIN)
    session = start_visit(cast)
    ada = phone(signed_in(cast.ada))
    page = ada.open(f"/safety/sessions/{session.pk}/", PhonePage)
    plain = press(ada, "Check in: I am safe")
    plain_banner = plain.banner
    tab_to(plain.page, text="Check in with your PIN")
    plain.page.keyboard.press("Enter")  # opens the details
    tab_to(plain.page, "input[name=pin]")
    plain.page.keyboard.type(DURESS_PIN)
    forced = press(ada, "Check in with PIN")
    # The same words (the clock may have moved on a minute between the two).
    assert clock_free(forced.banner) == clock_free(plain_banner)
    assert forced.heading == page.heading == "Your session"
    assert "alarm" not in forced.main.inner_text().lower()
    run_queued_tasks()
    assert [alert.kind for alert in alerts_of(session)] == [SafetyAlert.Kind.DURESS]


def test_the_panic_button_alerts_the_buddy_who_owns_and_closes_the_alert(cast, signed_in):
    session = start_visit(cast)
    ada = phone(signed_in(cast.ada))
    ada.open(f"/safety/sessions/{session.pk}/", PhonePage)
    raised = press(ada, "Panic: alert everyone now")
    assert "The alarm has been raised" in raised.banner
    (alarm,) = alerts_of(session)
    assert alarm.kind == SafetyAlert.Kind.PANIC

    wes = phone(signed_in(cast.wes))
    page = wes.open(f"/safety/alerts/{alarm.pk}/", PhonePage)
    assert "Ada Lovelace" in page.heading
    page = press(wes, "Acknowledge: I am dealing with this")
    assert "You own this alert now" in page.banner
    tab_to(page.page, "textarea[name=what_was_done]")
    page.page.keyboard.type("Phoned Ada: she is safe, the caller has left")
    tab_to(page.page, "input[name=outcome]")
    page.page.keyboard.press("ArrowDown")  # "Yes: the worker is safe and can carry on"
    page = press(wes, "Record what you did")
    assert "What you did has been recorded" in page.banner
    (alarm,) = alerts_of(session)
    assert alarm.acknowledged_by_id == cast.wes.pk and alarm.resolved_at is not None


def test_a_threatening_e_mail_is_recorded_as_an_incident_from_its_page(cast, signed_in):
    with bind_office(cast.north, actor=cast.ada):
        harriet = Person.objects.create(
            first_name="Harriet", last_name="Walsh", email="harriet.walsh@example.org"
        )
    raw = receive_raw(
        cast.north,
        b"From: Harriet Walsh <harriet.walsh@example.org>\r\nSubject: You will regret this\r\n"
        b"Message-ID: <regret@example.org>\r\nDate: Tue, 1 Dec 2026 09:30:00 +0000\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nI know where you park.\r\n",
        door="smtp",
    )
    read_raw_message(raw.pk)
    with bind_office(cast.north):
        message = Message.objects.get(raw=raw)
    assert message.person_id == harriet.pk

    ada = phone(signed_in(cast.ada))
    ada.open(f"/inbox/messages/{message.pk}/", PhonePage)
    form = press(ada, "Record as a threatening contact")
    assert form.heading == "Record an incident"
    assert "will be kept as evidence" in form.main.inner_text()
    tab_to(form.page, "textarea[name=what_happened]")
    form.page.keyboard.type("Threatened Ada by e-mail")
    tab_to(form.page, "input[name=targeted]")
    form.page.keyboard.press("Space")  # Ada, first of the staff
    recorded = press(ada, "Record incident")
    assert "The incident has been recorded" in recorded.banner
    assert "You will regret this" in recorded.main.inner_text()
    with bind_office(cast.north):
        incident = Incident.objects.get()
        assert [link.source for link in evidence.evidence_of(incident)] == [
            f"inbox.Message:{message.pk}"
        ]
