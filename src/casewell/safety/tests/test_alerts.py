"""Alerts reach people on every channel at once, are never held, and every message is logged
in a log nobody can change."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import services
from casewell.safety.models import AppendOnly, SafetyLogEntry, Tier
from casewell.safety.tests.conftest import START, log_of, notices_for, plan, steps_of

MISSED_AT = START + timedelta(minutes=35)


class Provider:
    """A stand-in SMS/voice provider on a real local port: answers each POST with the next
    status in ``answers`` (then 200) and keeps what it was sent."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        self.received: list[dict] = []
        self.signed: list[tuple[bytes, str | None]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.received.append(json.loads(body))
                provider.signed.append((body, self.headers.get("X-Casewell-Signature")))
                self.send_response(provider.answers.pop(0) if provider.answers else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/casewell-alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider(cast) -> Iterator[Provider]:
    running = Provider()
    services.change_ladder(
        cast.ben,
        grace_minutes=5,
        worker_minutes=5,
        buddy_minutes=5,
        managers_minutes=5,
        emergency_contact_minutes=10,
        repeat_minutes=10,
        emergency_procedure="Call 999.",
        webhook_url=running.url,
    )
    yield running
    running.server.shutdown()


def channels_logged(session, event: str) -> list[tuple[str, str]]:
    return sorted((e.channel, e.recipient) for e in log_of(session) if e.event == event)


def test_every_channel_at_once_in_app_e_mail_and_webhook(cast, visit, clock, provider):
    clock.move_to(MISSED_AT + timedelta(minutes=5))  # the worker, then the buddy
    clock.run_scheduler()
    assert [tier for _, tier in steps_of(visit)] == [Tier.WORKER, Tier.BUDDY]
    assert [n.step.tier for n in notices_for(cast.wes)] == [Tier.BUDDY]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.ada.email, cast.wes.email])
    buddy_mail = next(m for m in mail.outbox if m.to == [cast.wes.email])
    assert buddy_mail.subject == "URGENT: Ada Lovelace has missed a check-in"
    assert "14 Mill Lane" in buddy_mail.body and "Call 999." in buddy_mail.body
    assert f"/safety/alerts/{notices_for(cast.wes)[0].alert_id}/" in buddy_mail.body
    assert [(sent["tier"], sent["kind"]) for sent in provider.received] == [
        ("worker", "missed_check_in"),
        ("buddy", "missed_check_in"),
    ]
    assert provider.received[0]["location"] == "14 Mill Lane, Leeds LS6 2AB"
    assert provider.received[0]["emergency_contact"] is None
    assert channels_logged(visit, "delivered") == sorted(
        [
            ("e-mail", cast.ada.email),
            ("e-mail", cast.wes.email),
            ("webhook", provider.url),
            ("webhook", provider.url),
        ]
    )


def test_every_webhook_is_signed_with_the_offices_secret(cast, visit, clock, provider):
    from casewell.safety.signing import is_signed_by
    from casewell.safety.texts import office_secret

    clock.move_to(MISSED_AT)
    clock.run_scheduler()
    secret = office_secret(cast.north.pk)
    assert provider.signed and all(is_signed_by(secret, body, sig) for body, sig in provider.signed)
    assert not is_signed_by(office_secret(cast.south.pk), *provider.signed[0])


def test_the_emergency_contact_tier_gives_the_provider_the_contacts_number(
    cast, visit, clock, provider
):
    clock.move_to(MISSED_AT + timedelta(minutes=15))
    clock.run_scheduler()
    contact = [sent for sent in provider.received if sent["tier"] == "emergency_contact"]
    assert contact[0]["emergency_contact"] == {"name": "Sam Lovelace", "phone": "+447700900123"}


def test_a_failing_webhook_is_retried_by_a_job_and_every_attempt_recorded(
    cast, visit, clock, provider
):
    provider.answers = [500, 503]
    clock.move_to(MISSED_AT)
    clock.run_scheduler()
    failed = [e.detail for e in log_of(visit) if e.event == "failed"]
    assert failed == ["Attempt 1: HTTPError: Internal Server Error. Trying again in 5 seconds."]
    clock.forward(seconds=4)
    run_queued_tasks()
    assert len(provider.received) == 1  # not before its time
    clock.forward(seconds=1)
    run_queued_tasks()
    clock.forward(seconds=15)
    run_queued_tasks()
    assert len(provider.received) == 3
    assert [e.event for e in log_of(visit) if e.channel == "webhook"] == [
        "sent",
        "failed",
        "failed",
        "delivered",
    ]
    run_queued_tasks()
    assert len(provider.received) == 3  # delivered once: nothing more is sent


def test_an_alert_at_three_on_a_sunday_morning_is_sent_at_once(cast, clock, provider):
    sunday_night = datetime.fromisoformat("2026-03-15T02:30:00+00:00")
    clock.move_to(sunday_night)
    session = services.start_lone_working(
        cast.ada, plan(buddy_id=cast.wes.pk, expected_end=sunday_night + timedelta(minutes=30))
    )
    clock.move_to(sunday_night + timedelta(minutes=35))
    clock.run_scheduler()
    assert [m.to for m in mail.outbox] == [[cast.ada.email]]
    assert [e.at for e in log_of(session) if e.event == "delivered"] == [clock.now, clock.now]


def test_a_check_in_reminder_is_e_mailed_a_few_minutes_before_it_is_due(cast, visit, clock):
    clock.move_to(START + timedelta(minutes=24, seconds=59))
    clock.run_scheduler()
    assert mail.outbox == []
    clock.move_to(START + timedelta(minutes=25))
    clock.run_scheduler()
    (reminder,) = mail.outbox
    assert reminder.to == [cast.ada.email] and "due by 10:30" in reminder.body
    clock.run_scheduler()
    assert len(mail.outbox) == 1


def test_the_safety_log_cannot_be_changed_or_removed(cast, visit):
    with bind_office(cast.north):
        entry = SafetyLogEntry.objects.filter(session=visit).first()
        entry.detail = "Nothing happened"
        with pytest.raises(AppendOnly):
            entry.save()
        with pytest.raises(AppendOnly):
            entry.delete()
        with pytest.raises(AppendOnly):
            SafetyLogEntry.objects.filter(session=visit).update(detail="rewritten")
        with pytest.raises(AppendOnly):
            SafetyLogEntry.objects.filter(session=visit).delete()
    with across_all_offices():
        with pytest.raises(AppendOnly):
            SafetyLogEntry.all_offices.all().update(detail="rewritten")
        with pytest.raises(AppendOnly):
            SafetyLogEntry.all_offices.all().delete()
        assert SafetyLogEntry.all_offices.get(pk=entry.pk).detail != "Nothing happened"
