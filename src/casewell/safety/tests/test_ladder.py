"""A missed check-in climbs the ladder on time, each rung once, and stops when answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from casewell.jobs.models import ScheduledTask
from casewell.jobs.services import enqueue_due_tasks
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import ladder, services
from casewell.safety.models import EscalationStep, SafetyAlert, Tier
from casewell.safety.tests.conftest import (
    START,
    alerts_of,
    log_of,
    notices_for,
    plan,
    reload,
    steps_of,
)

MISSED = SafetyAlert.Kind.MISSED_CHECK_IN
# Ada's visit: first check-in due 10:30; default grace 5 minutes, so missed at 10:35.
MISSED_AT = START + timedelta(minutes=35)


def tiers(session) -> list[str]:
    return [tier for _kind, tier in steps_of(session)]


def test_nothing_is_raised_before_the_grace_period_is_over(visit, clock):
    clock.move_to(MISSED_AT - timedelta(seconds=1))
    clock.run_scheduler()
    assert steps_of(visit) == []
    assert alerts_of(visit) == []


def test_a_missed_check_in_climbs_worker_buddy_managers_contact_then_everyone(cast, visit, clock):
    expected = [
        (MISSED_AT, Tier.WORKER),
        (MISSED_AT + timedelta(minutes=5), Tier.BUDDY),
        (MISSED_AT + timedelta(minutes=10), Tier.MANAGERS),
        (MISSED_AT + timedelta(minutes=15), Tier.EMERGENCY_CONTACT),
        (MISSED_AT + timedelta(minutes=25), Tier.EVERYONE),
        (MISSED_AT + timedelta(minutes=35), Tier.EVERYONE),
    ]
    reached: list[str] = []
    for moment, tier in expected:
        clock.move_to(moment - timedelta(seconds=1))
        clock.run_scheduler()
        assert tiers(visit) == reached, f"{tier} alerted before {moment:%H:%M}"
        clock.move_to(moment)
        clock.run_scheduler()
        reached.append(tier)
        assert tiers(visit) == reached

    (alert,) = alerts_of(visit)
    assert alert.kind == MISSED and alert.missed_due_at == START + timedelta(minutes=30)
    # Who heard, in order: Ada first; Wes as buddy; Ben as manager; Wes and Ben to
    # phone the contact; then all three, twice.
    assert sorted(n.step.tier for n in notices_for(cast.ada)) == [
        Tier.EVERYONE,
        Tier.EVERYONE,
        Tier.WORKER,
    ]
    assert sorted(n.step.tier for n in notices_for(cast.wes)) == sorted(
        [Tier.BUDDY, Tier.EMERGENCY_CONTACT, Tier.EVERYONE, Tier.EVERYONE]
    )
    assert sorted(n.step.tier for n in notices_for(cast.ben)) == sorted(
        [Tier.MANAGERS, Tier.EMERGENCY_CONTACT, Tier.EVERYONE, Tier.EVERYONE]
    )
    assert notices_for(cast.ivy) == [] and notices_for(cast.cleo) == []


def test_each_step_is_taken_at_its_deadline_and_logged_as_sent(cast, visit, clock):
    clock.move_to(MISSED_AT + timedelta(seconds=3))
    clock.run_scheduler()
    with bind_office(cast.north):
        (step,) = EscalationStep.objects.all()
    assert step.deadline == MISSED_AT
    assert step.taken_at - step.deadline == timedelta(seconds=3)
    events = [(entry.event, entry.channel, entry.recipient) for entry in log_of(visit)]
    assert ("raised", "", "") in events
    assert ("escalated", "", "") in events
    assert ("sent", "in-app", "Ada Lovelace") in events
    assert ("sent", "e-mail", cast.ada.email) in events
    assert ("delivered", "e-mail", cast.ada.email) in events


def test_a_scheduler_that_was_down_takes_every_missed_rung_once(visit, clock):
    clock.move_to(MISSED_AT + timedelta(minutes=16))
    clock.run_scheduler()
    clock.run_scheduler()
    assert tiers(visit) == [Tier.WORKER, Tier.BUDDY, Tier.MANAGERS, Tier.EMERGENCY_CONTACT]
    # Each step carries its own deadline, not the moment the scheduler woke.
    (alert,) = alerts_of(visit)
    assert alert.next_step_at == MISSED_AT + timedelta(minutes=25)


def test_two_workers_doing_the_same_due_work_record_each_step_once(visit, clock):
    clock.move_to(MISSED_AT)
    assert ladder.act_on_session(visit.pk) == "1 steps"
    assert ladder.act_on_session(visit.pk) == "nothing due"
    assert tiers(visit) == [Tier.WORKER]
    with across_all_offices():
        (step,) = EscalationStep.all_offices.filter(session=visit).select_related("alert")
    with bind_office(visit.office), pytest.raises(IntegrityError), transaction.atomic():
        EscalationStep.objects.create(
            alert=step.alert, session=visit, tier=step.tier, deadline=step.deadline
        )


def test_checking_in_on_time_moves_the_deadline_and_raises_nothing(visit, clock, cast):
    clock.move_to(START + timedelta(minutes=25))
    result = services.check_in(cast.ada, visit)
    assert result.next_due_at == START + timedelta(minutes=55)
    clock.move_to(MISSED_AT + timedelta(minutes=1))
    clock.run_scheduler()
    assert steps_of(visit) == []
    assert reload(visit).next_deadline == START + timedelta(minutes=60)


def test_the_first_check_in_is_due_at_the_expected_end_if_that_comes_first(cast, clock):
    short = services.start_lone_working(
        cast.ada, plan(buddy_id=cast.wes.pk, expected_end=START + timedelta(minutes=12))
    )
    assert short.check_in_due_at == START + timedelta(minutes=12)
    clock.move_to(START + timedelta(minutes=17))
    clock.run_scheduler()
    assert tiers(short) == [Tier.WORKER]


def test_a_late_check_in_stands_the_alert_down_and_the_ladder_stops(cast, visit, clock):
    clock.move_to(MISSED_AT + timedelta(minutes=6))
    clock.run_scheduler()
    assert tiers(visit) == [Tier.WORKER, Tier.BUDDY]
    services.check_in(cast.ada, visit)
    clock.move_to(MISSED_AT + timedelta(minutes=20))
    clock.run_scheduler()
    assert tiers(visit) == [Tier.WORKER, Tier.BUDDY]
    (alert,) = alerts_of(visit)
    assert alert.stood_down_at is not None and alert.next_step_at is None
    assert "stood_down" in [entry.event for entry in log_of(visit)]
    with bind_office(cast.north):
        assert list(services.open_alerts_for(cast.wes)) == []


def test_ending_safely_stops_everything_and_removes_the_wake_up(cast, visit, clock):
    key = ladder.wake_key(visit.pk)
    assert ScheduledTask.objects.get(key=key).next_run_at == MISSED_AT
    clock.move_to(START + timedelta(minutes=20))
    services.end_session(cast.ada, visit)
    assert not ScheduledTask.objects.filter(key=key).exists()
    assert reload(visit).next_deadline is None
    clock.move_to(MISSED_AT + timedelta(hours=1))
    clock.run_scheduler()
    assert steps_of(visit) == []


def test_the_wake_up_repeats_until_the_due_work_is_done(visit, clock):
    """A job lost with its worker is enqueued again by the scheduler seconds later."""
    clock.move_to(MISSED_AT)
    assert enqueue_due_tasks(clock.now) == 2  # the wake-up, and the reminder now past
    DBTaskResult.objects.all().delete()  # both jobs are lost with their worker
    clock.forward(seconds=ladder.RETRY_EVERY.total_seconds())
    clock.run_scheduler()
    assert tiers(visit) == [Tier.WORKER]


def test_an_office_can_change_its_ladder(cast, visit, clock):
    services.change_ladder(
        cast.ben,
        grace_minutes=0,
        worker_minutes=0,
        buddy_minutes=2,
        managers_minutes=2,
        emergency_contact_minutes=2,
        repeat_minutes=0,
        emergency_procedure="Call 999.",
        webhook_url="",
    )
    services.check_in(cast.ada, visit)  # picks the new grace period up
    due = START + timedelta(minutes=30)
    clock.move_to(due)
    clock.run_scheduler()
    assert tiers(visit) == [Tier.WORKER, Tier.BUDDY]  # no grace; worker and buddy together
    clock.move_to(due + timedelta(minutes=20))
    clock.run_scheduler()
    clock.run_scheduler()
    assert tiers(visit) == [
        Tier.WORKER,
        Tier.BUDDY,
        Tier.MANAGERS,
        Tier.EMERGENCY_CONTACT,
        Tier.EVERYONE,
    ]  # once: no repeat asked for


def test_only_managers_change_the_ladder_and_bad_minutes_are_named(cast, db):
    good = dict(
        grace_minutes=5,
        worker_minutes=5,
        buddy_minutes=5,
        managers_minutes=5,
        emergency_contact_minutes=5,
        repeat_minutes=5,
        emergency_procedure="Call.",
        webhook_url="",
    )
    with pytest.raises(PermissionDenied):
        services.change_ladder(cast.ada, **good)
    with pytest.raises(ValidationError) as refused:
        services.change_ladder(
            cast.ben,
            **{**good, "grace_minutes": 500, "buddy_minutes": "soon", "webhook_url": "ftp://x"},
        )
    assert set(refused.value.message_dict) == {"grace_minutes", "buddy_minutes", "webhook_url"}


# --- Acknowledgement ---------------------------------------------------------------------------


def test_the_first_to_acknowledge_owns_the_alert_and_the_second_is_told_who(cast, visit, clock):
    clock.move_to(MISSED_AT + timedelta(minutes=11))
    clock.run_scheduler()
    (alert,) = alerts_of(visit)
    first = services.acknowledge_alert(cast.wes, alert)
    assert first.was_first and first.owner == cast.wes
    second = services.acknowledge_alert(cast.ben, alert)
    assert not second.was_first and second.owner == cast.wes
    # The ladder stops climbing once someone owns the alert.
    clock.move_to(MISSED_AT + timedelta(hours=2))
    clock.run_scheduler()
    assert tiers(visit) == [Tier.WORKER, Tier.BUDDY, Tier.MANAGERS]
    acknowledged = [e for e in log_of(visit) if e.event == "acknowledged"]
    assert [entry.actor for entry in acknowledged] == [cast.wes]


def test_the_owner_records_what_they_did_and_resolves(cast, visit, clock):
    clock.move_to(MISSED_AT + timedelta(minutes=6))
    clock.run_scheduler()
    (alert,) = alerts_of(visit)
    services.acknowledge_alert(cast.wes, alert)
    with pytest.raises(PermissionDenied):
        services.record_alert_action(cast.ben, alert, what_was_done="x", resolved=True)
    with pytest.raises(ValidationError) as empty:
        services.record_alert_action(cast.wes, alert, what_was_done="  ", resolved=True)
    assert "what_was_done" in empty.value.message_dict
    services.record_alert_action(
        cast.wes,
        alert,
        what_was_done="Phoned Ada: her phone had died; she is fine.",
        resolved=True,
    )
    (alert,) = alerts_of(visit)
    assert alert.resolved_at is not None and "phone had died" in alert.action_taken
    session = reload(visit)
    assert session.is_active
    assert session.check_in_due_at == clock.now + timedelta(minutes=30)
    assert [e.event for e in log_of(visit)][-2:] == ["action", "resolved"]


def test_people_the_alert_did_not_go_to_cannot_acknowledge_it(cast, visit, clock):
    clock.move_to(MISSED_AT)
    clock.run_scheduler()
    (alert,) = alerts_of(visit)
    with pytest.raises(PermissionDenied):
        services.acknowledge_alert(cast.ivy, alert)


# --- Starting a session ------------------------------------------------------------------------


def test_a_session_needs_a_buddy_a_contact_and_a_sensible_interval(cast, clock):
    with pytest.raises(ValidationError) as refused:
        services.start_lone_working(
            cast.ada,
            plan(
                buddy_id=cast.ada.pk,
                emergency_contact_name=" ",
                emergency_contact_phone="call me",
                check_in_minutes=4,
                expected_end=START - timedelta(minutes=1),
                location="",
                purpose="party",
            ),
        )
    assert set(refused.value.message_dict) == {
        "buddy",
        "emergency_contact_name",
        "emergency_contact_phone",
        "check_in_minutes",
        "expected_end",
        "location",
        "purpose",
    }
    assert "other than yourself" in refused.value.message_dict["buddy"][0]
    with pytest.raises(ValidationError) as other_office:
        services.start_lone_working(cast.ada, plan(buddy_id=cast.cleo.pk, check_in_minutes=1441))
    assert set(other_office.value.message_dict) == {"buddy", "check_in_minutes"}


def test_one_session_at_a_time(cast, visit):
    with pytest.raises(ValidationError, match="already have a session"):
        services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))


def test_only_the_worker_checks_in_or_ends_their_session(cast, visit):
    for someone in (cast.wes, cast.ben):
        with pytest.raises(PermissionDenied):
            services.check_in(someone, visit)
        with pytest.raises(PermissionDenied):
            services.end_session(someone, visit)
    assert reload(visit).is_active
