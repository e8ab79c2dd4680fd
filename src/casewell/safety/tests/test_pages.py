"""The lone-working pages: who may see what, what Cleo gets, and what each form does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import services
from casewell.safety.models import LoneWorkingSession
from casewell.safety.tests.conftest import START, alerts_of, plan, reload


def session_url(name: str, session) -> str:
    return reverse(f"safety:{name}", kwargs={"loneworkingsession_id": session.pk})


def alert_url(name: str, alert) -> str:
    return reverse(f"safety:{name}", kwargs={"safetyalert_id": alert.pk})


@pytest.fixture
def missed(cast, visit, clock):
    """Ada's visit 11 minutes after its check-in was missed: Ada, Wes and Ben alerted."""
    clock.move_to(START + timedelta(minutes=46))
    clock.run_scheduler()
    (alert,) = alerts_of(visit)
    return alert


def test_starting_a_session_from_a_phone_takes_one_form(cast, clock, client_for):
    ada = client_for(cast.ada)
    page = ada.get(reverse("safety:start"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wes Brown" in html and "Ada Lovelace</option>" not in html
    response = ada.post(
        reverse("safety:start"),
        {
            "purpose": "home_visit",
            "location": "14 Mill Lane, Leeds",
            "map_note": "///apple.table.lamp",
            "duration": "60",
            "check_in_minutes": "30",
            "buddy": str(cast.wes.pk),
            "emergency_contact_name": "Sam Lovelace",
            "emergency_contact_phone": "07700 900123",
            "details": "Dog in the garden",
        },
    )
    with across_all_offices():
        session = LoneWorkingSession.all_offices.get()
    assert response.status_code == 302 and response["Location"] == session_url("session", session)
    assert session.expected_end == START + timedelta(hours=1)
    assert session.check_in_due_at == START + timedelta(minutes=30)
    assert session.emergency_contact_phone == "+447700900123"
    page = ada.get(response["Location"]).content.decode()
    assert "Your session has started. Check in by 10:30." in page
    assert "Check in: I am safe" in page and "///apple.table.lamp" in page


def test_a_bad_start_names_every_problem_the_govuk_way(cast, clock, client_for):
    page = client_for(cast.ada).post(
        reverse("safety:start"),
        {
            "purpose": "",
            "location": "",
            "duration": "60",
            "check_in_minutes": "30",
            "buddy": "",
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "not a phone",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html and "<title>Error:" in html
    for message in (
        "Choose what kind of lone work this is",
        "Enter where you will be",
        "Choose a buddy",
    ):
        assert message in html
    page = client_for(cast.ada).post(
        reverse("safety:start"),
        {
            "purpose": "surgery",
            "location": "Village hall",
            "duration": "60",
            "check_in_minutes": "30",
            "buddy": str(cast.wes.pk),
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "not a phone",
        },
    )
    assert "has letters or symbols" in page.content.decode()
    assert 'href="#id_emergency_contact_phone"' in page.content.decode()
    with across_all_offices():
        assert not LoneWorkingSession.all_offices.exists()


def test_a_session_is_seen_by_the_worker_their_buddy_and_managers_only(cast, visit, client_for):
    url = session_url("session", visit)
    for person in (cast.ada, cast.wes, cast.ben, cast.amir):
        assert client_for(person).get(url).status_code == 200, person
    for person in (cast.ivy, cast.mo, cast.cleo):
        assert client_for(person).get(url).status_code == 404, person


def test_only_the_worker_may_check_in_end_extend_or_panic(cast, visit, client_for):
    for name in ("check_in", "end", "extend", "panic"):
        assert client_for(cast.wes).post(session_url(name, visit)).status_code == 403, name
        assert client_for(cast.ivy).post(session_url(name, visit)).status_code == 404, name
    for name in ("end", "extend", "panic"):  # the forms send others back to the session
        answer = client_for(cast.ben).get(session_url(name, visit))
        assert answer["Location"] == session_url("session", visit), name
    assert reload(visit).is_active and alerts_of(visit) == []


def test_cleo_gets_404_for_every_safety_page_of_norths(cast, visit, missed, client_for):
    cleo = client_for(cast.cleo)
    urls = [session_url(name, visit) for name in ("session", "check_in", "extend", "end", "panic")]
    urls += [alert_url(name, missed) for name in ("alert", "acknowledge", "record_action")]
    for url in urls:
        assert cleo.get(url).status_code in (404, 405), url
        assert cleo.post(url).status_code == 404, url
    assert "Ada" not in cleo.get(reverse("safety:home")).content.decode()
    assert "Ada" not in cleo.get(reverse("safety:alerts")).content.decode()


def test_checking_in_extending_and_ending_from_the_session_page(cast, visit, clock, client_for):
    ada = client_for(cast.ada)
    clock.forward(minutes=10)
    page = ada.post(session_url("check_in", visit), follow=True).content.decode()
    assert "You checked in at 10:10. Your next check-in is due by 10:40." in page
    page = ada.post(session_url("extend", visit), {"minutes": "60"}, follow=True).content.decode()
    assert "Your session now ends at 13:00" in page
    assert ada.post(session_url("extend", visit), {"minutes": "7"}).status_code == 200
    page = ada.post(session_url("end", visit), follow=True).content.decode()
    assert "Your session has ended" in page
    assert not reload(visit).is_active
    with bind_office(cast.north):
        events = [entry.event for entry in services.session_log_for(cast.ada, visit)]
    assert events == ["started", "checked_in", "extended", "ended"]


def test_the_buddy_acknowledges_from_the_alert_page_and_the_next_is_told_who_owns_it(
    cast, missed, client_for
):
    wes, ben = client_for(cast.wes), client_for(cast.ben)
    page = wes.get(alert_url("alert", missed)).content.decode()
    assert "Nobody has acknowledged it" in page and "14 Mill Lane" in page
    page = wes.post(alert_url("acknowledge", missed), follow=True).content.decode()
    assert "You own this alert now" in page
    page = ben.post(alert_url("acknowledge", missed), follow=True).content.decode()
    assert "Wes Brown acknowledged this alert first and owns it" in page
    # Ben is not the owner, so cannot record; Wes can.
    assert (
        ben.post(
            alert_url("record_action", missed), {"what_was_done": "x", "outcome": "resolved"}
        ).status_code
        == 403
    )
    bad = wes.post(alert_url("record_action", missed), {"what_was_done": "", "outcome": "open"})
    assert bad.status_code == 200 and "Say what you did" in bad.content.decode()
    page = wes.post(
        alert_url("record_action", missed),
        {"what_was_done": "Phoned Ada; she is fine.", "outcome": "ended"},
        follow=True,
    )
    assert "Resolved" in page.content.decode()
    (alert,) = alerts_of(missed.session)
    assert alert.resolved_at and not reload(missed.session).is_active


def test_opening_an_alert_records_it_as_delivered_in_app(cast, missed, client_for):
    client_for(cast.wes).get(alert_url("alert", missed))
    with bind_office(cast.north):
        delivered = [
            e
            for e in services.session_log_for(cast.wes, missed.session)
            if e.event == "delivered" and e.channel == "in-app"
        ]
    assert [e.recipient for e in delivered] == ["Wes Brown"]


def test_every_page_shows_the_alert_badge_to_those_alerted(cast, missed, client_for):
    for person, count in ((cast.wes, 1), (cast.ben, 1), (cast.ivy, 0)):
        html = client_for(person).get(reverse("home")).content.decode()
        assert ("safety alert waiting" in html) == bool(count), person
    wes = client_for(cast.wes)
    badge = wes.get(reverse("safety:alert_badge"), headers={"HX-Request": "true"})
    assert 'data-alert-count="1"' in badge.content.decode()
    assert wes.get(reverse("safety:alert_badge"))["Location"] == reverse("safety:alerts")


def test_the_lone_working_page_costs_the_same_queries_for_few_or_many_sessions(
    cast, clock, client_for
):
    from casewell.offices.models import Role
    from casewell.offices.services import add_staff_member

    ben = client_for(cast.ben)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ben.get(reverse("safety:home")).status_code == 200
        return len(queries)

    def add_workers(n: int, start: int) -> None:
        for number in range(start, start + n):
            worker = add_staff_member(
                cast.north,
                email=f"w{number}@nr.example",
                full_name=f"Worker {number}",
                roles=[Role.CASEWORKER],
            )
            services.start_lone_working(worker, plan(buddy_id=cast.ben.pk))

    add_workers(2, 0)
    few = count()
    add_workers(8, 2)
    assert count() == few
    run_queued_tasks()


def test_setting_the_duress_pin_and_the_usual_contact(cast, client_for):
    ada = client_for(cast.ada)
    url = reverse("safety:my_safety")
    bad = ada.post(url, {"form": "pin", "pin": "12", "confirm": "12"})
    assert "Enter a PIN of 4 to 8 digits" in bad.content.decode()
    page = ada.post(url, {"form": "pin", "pin": "2468", "confirm": "2468"}, follow=True)
    assert "Your duress PIN has been set" in page.content.decode()
    page = ada.post(
        url,
        {
            "form": "contact",
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "07700 900123",
        },
        follow=True,
    )
    assert "Your emergency contact has been saved" in page.content.decode()
    start = ada.get(reverse("safety:start")).content.decode()
    assert 'value="Sam"' in start and "07700 900123" in start


def test_only_managers_open_the_ladder_and_bad_minutes_are_named(cast, client_for):
    url = reverse("safety:ladder")
    assert client_for(cast.ada).get(url).status_code == 403
    ben = client_for(cast.ben)
    assert ben.get(url).status_code == 200
    page = ben.post(
        url,
        {
            "grace_minutes": "abc",
            "worker_minutes": "5",
            "buddy_minutes": "5",
            "managers_minutes": "5",
            "emergency_contact_minutes": "5",
            "repeat_minutes": "500",
            "emergency_procedure": "Call 999",
        },
    )
    html = page.content.decode()
    assert html.count("Enter a number of minutes from 0 to 120") >= 2
