"""The duress PIN looks exactly like an ordinary check-in or end, and raises the highest alarm
silently; the panic button raises it openly."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import services
from casewell.safety.models import SafetyAlert, SafetySettings, Tier
from casewell.safety.tests.conftest import alerts_of, notices_for, plan, steps_of

DURESS_PIN = "2468"


@pytest.fixture
def ada_has_a_pin(cast):
    services.change_my_duress_pin(cast.ada, DURESS_PIN, confirm=DURESS_PIN)


def comparable(html: str) -> str:
    """The page with its per-response CSRF token taken out (it differs on every response)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", html)


def log_rows(html: str) -> list[str]:
    table = html.split("<tbody", 2)[-1].split("</tbody>")[0]
    return re.findall(r"<tr.*?</tr>", table, re.S)


def without_log(html: str) -> str:
    return re.sub(
        r'<caption class="govuk-table__caption govuk-visually-hidden">Safety log.*?</table>',
        "",
        html,
        flags=re.S,
    )


def test_the_pin_is_stored_hashed_and_must_be_4_to_8_digits(cast, ada_has_a_pin):
    with bind_office(cast.north):
        stored = SafetySettings.objects.get(user=cast.ada).duress_pin
    assert DURESS_PIN not in stored and identify_hasher(stored)
    for bad, field in (("12", "pin"), ("12ab", "pin"), ("123456789", "pin"), ("1234", "confirm")):
        with pytest.raises(ValidationError) as refused:
            services.change_my_duress_pin(cast.ada, bad, confirm="9999")
        assert field in refused.value.message_dict


def test_checking_in_with_the_duress_pin_looks_exactly_like_checking_in(
    cast, clock, client_for, ada_has_a_pin
):
    session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))
    ada = client_for(cast.ada)
    url = reverse("safety:check_in", kwargs={"loneworkingsession_id": session.pk})

    normal = ada.post(url, {"pin": ""})
    normal_page = ada.get(normal["Location"])
    forced = ada.post(url, {"pin": DURESS_PIN})
    forced_page = ada.get(forced["Location"])

    assert forced.status_code == normal.status_code == 302
    assert forced["Location"] == normal["Location"]
    assert forced_page.status_code == normal_page.status_code == 200
    assert [t.name for t in forced_page.templates] == [t.name for t in normal_page.templates]
    first, second = (
        comparable(normal_page.content.decode()),
        comparable(forced_page.content.decode()),
    )
    assert "You checked in at 10:00" in second
    # Everything is the same, except that the log has one more "Checked in" like the first.
    assert without_log(second) == without_log(first)
    assert log_rows(second) == [*log_rows(first), log_rows(first)[-1]]
    assert "duress" not in second.lower() and "alarm" not in second.lower().replace(
        "panic: alert everyone now", ""
    )

    # Meanwhile, the whole ladder except Ada is alerted at once, by the job the check-in queued.
    run_queued_tasks()
    (alarm,) = alerts_of(session)
    assert alarm.kind == SafetyAlert.Kind.DURESS and alarm.tier == Tier.EVERYONE
    assert alarm.raised_at == clock.now
    assert [n.alert for n in notices_for(cast.wes)] == [alarm]
    assert [n.alert for n in notices_for(cast.ben)] == [alarm]
    assert notices_for(cast.ada) == []
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([cast.wes.email, cast.ben.email])
    assert all("duress" in message.subject for message in mail.outbox)


def test_the_worker_never_finds_their_own_duress_alarm(cast, clock, client_for, ada_has_a_pin):
    session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))
    services.check_in(cast.ada, session, pin=DURESS_PIN)
    run_queued_tasks()
    (alarm,) = alerts_of(session)
    with bind_office(cast.north):
        assert list(services.open_alerts_for(cast.ada)) == []
        assert services.unacknowledged_alert_count(cast.ada) == 0
        assert [a.pk for a in services.open_alerts_for(cast.wes)] == [alarm.pk]
        assert all(entry.alert_id is None for entry in services.session_log_for(cast.ada, session))
        with pytest.raises(Http404):
            services.get_alert_for(cast.ada, alarm.pk)
    alert_page = reverse("safety:alert", kwargs={"safetyalert_id": alarm.pk})
    assert client_for(cast.ada).get(alert_page).status_code == 404
    assert client_for(cast.wes).get(alert_page).status_code == 200


def test_ending_with_the_duress_pin_looks_exactly_like_ending(
    cast, clock, client_for, ada_has_a_pin
):
    ada = client_for(cast.ada)
    pages = []
    for pin in ("", DURESS_PIN):
        session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))
        url = reverse("safety:end", kwargs={"loneworkingsession_id": session.pk})
        response = ada.post(url, {"pin": pin})
        pages.append(
            (
                response.status_code,
                response["Location"],
                comparable(ada.get(response["Location"]).content.decode()),
            )
        )
    (normal, forced) = pages
    assert normal == forced
    run_queued_tasks()
    assert "Your session has ended" in forced[2]
    with across_all_offices():
        kinds = [a.kind for a in SafetyAlert.all_offices.all()]
    assert kinds == [SafetyAlert.Kind.DURESS]


def test_any_other_pin_is_an_ordinary_check_in(cast, clock, ada_has_a_pin):
    session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))
    services.check_in(cast.ada, session, pin="1357")
    services.check_in(cast.ada, session, pin="")
    assert alerts_of(session) == []


def test_the_duress_pin_stands_a_missed_check_in_down_just_as_a_check_in_would(
    cast, clock, ada_has_a_pin
):
    session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))
    clock.forward(minutes=36)
    clock.run_scheduler()
    services.check_in(cast.ada, session, pin=DURESS_PIN)
    run_queued_tasks()
    # The job run again (its worker died after raising it) raises nothing more.
    assert services.sound_duress_alarm(session.pk, clock.now) is None
    missed, duress = alerts_of(session)
    assert missed.stood_down_at is not None and duress.is_open
    with bind_office(cast.north):
        assert list(services.open_alerts_for(cast.ada)) == []
    # The duress alarm repeats to everyone until someone acknowledges it.
    clock.forward(minutes=10, seconds=1)
    clock.run_scheduler()
    assert steps_of(session)[-2:] == [("duress", Tier.EVERYONE), ("duress", Tier.EVERYONE)]
    services.acknowledge_alert(cast.ben, duress)
    clock.forward(minutes=30)
    clock.run_scheduler()
    assert len([s for s in steps_of(session) if s[0] == "duress"]) == 2
    assert timedelta(0) <= clock.now - duress.raised_at


def test_a_duress_check_in_takes_the_same_time_as_an_ordinary_one(cast, client_for, ada_has_a_pin):
    """Medians of repeated requests, within a generous tolerance for a shared machine."""
    session = services.start_lone_working(
        cast.ada, plan(buddy_id=cast.wes.pk, expected_end=timezone.now() + timedelta(hours=3))
    )
    ada = client_for(cast.ada)
    url = reverse("safety:check_in", kwargs={"loneworkingsession_id": session.pk})
    timings: dict[str, list[float]] = {"": [], DURESS_PIN: []}
    for _ in range(2):  # warm up both paths (templates, code)
        for pin in timings:
            ada.post(url, {"pin": pin})
    for _ in range(15):
        for pin in timings:
            started = time.perf_counter()
            response = ada.post(url, {"pin": pin})
            timings[pin].append(time.perf_counter() - started)
            assert response.status_code == 302
    normal, forced = statistics.median(timings[""]), statistics.median(timings[DURESS_PIN])
    print(f"ordinary {normal * 1000:.1f} ms, duress {forced * 1000:.1f} ms")
    assert abs(forced - normal) <= max(0.5 * normal, 0.02), (
        f"ordinary {normal * 1000:.1f} ms, duress {forced * 1000:.1f} ms"
    )


def test_panic_alerts_everyone_at_once_and_says_so(cast, clock, client_for):
    session = services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))
    ada = client_for(cast.ada)
    response = ada.post(
        reverse("safety:panic", kwargs={"loneworkingsession_id": session.pk}), follow=True
    )
    assert "The alarm has been raised" in response.content.decode()
    (alarm,) = alerts_of(session)
    assert alarm.kind == SafetyAlert.Kind.PANIC and alarm.tier == Tier.EVERYONE
    run_queued_tasks()
    for person in (cast.ada, cast.wes, cast.ben):
        assert [n.alert for n in notices_for(person)] == [alarm]
    assert notices_for(cast.ivy) == []
    with bind_office(cast.north):
        assert [a.pk for a in services.open_alerts_for(cast.ada)] == [alarm.pk]
