"""The one delivery function: held outside the recipient's working time, released by the
scheduler exactly once, with urgent and safety items going at once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from casewell.jobs.models import ScheduledTask
from casewell.jobs.scheduler import Scheduler
from casewell.jobs.testing import run_queued_tasks
from casewell.notify import services
from casewell.notify.models import EmailChoice, Notification
from casewell.notify.tests.conftest import (
    FRIDAY_EVENING,
    HOGMANAY_EVENING,
    TUESDAY_MORNING,
    works_in,
)
from casewell.offices.models import AuditEntry, Nation
from casewell.offices.tenancy import across_all_offices, bind_office

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def reload(notification: Notification) -> Notification:
    with across_all_offices():
        return Notification.all_offices.get(pk=notification.pk)


def release_at(moment: datetime) -> None:
    """What the scheduler and a worker do at ``moment``."""
    Scheduler().tick(moment)
    run_queued_tasks()


def test_a_message_sent_on_friday_evening_is_held_until_monday_nine(cast):
    sent = services.send_colleague_message(
        cast.ben, cast.ada.pk, "Budget figures attached?", now=FRIDAY_EVENING
    )
    assert sent.held and sent.arrives == "Monday 09:00"
    assert sent.notification.deliver_at == at("2025-12-01T09:00:00+00:00")
    assert services.notifications_for(cast.ada) == []
    assert services.unread_count(cast.ada) == 0
    run_queued_tasks()
    assert mail.outbox == []


def test_a_scottish_colleague_gets_it_after_st_andrews_day_an_english_one_on_monday(cast):
    works_in(cast.ada, Nation.SCOTLAND)
    to_scotland = services.send_colleague_message(cast.ben, cast.ada.pk, "Hi", now=FRIDAY_EVENING)
    to_england = services.send_colleague_message(cast.ben, cast.wes.pk, "Hi", now=FRIDAY_EVENING)
    assert to_scotland.arrives == "Tuesday 09:00"
    assert to_scotland.notification.deliver_at == at("2025-12-02T09:00:00+00:00")
    assert to_england.arrives == "Monday 09:00"
    assert to_england.notification.deliver_at == at("2025-12-01T09:00:00+00:00")


def test_the_second_of_january_holds_a_scottish_message_until_the_fifth(cast):
    works_in(cast.ada, Nation.SCOTLAND)
    to_scotland = services.send_colleague_message(cast.ben, cast.ada.pk, "Hi", now=HOGMANAY_EVENING)
    to_england = services.send_colleague_message(cast.ben, cast.wes.pk, "Hi", now=HOGMANAY_EVENING)
    assert to_scotland.notification.deliver_at == at("2026-01-05T09:00:00+00:00")
    assert to_scotland.arrives == "Monday 09:00"
    assert to_england.notification.deliver_at == at("2026-01-02T09:00:00+00:00")
    assert to_england.arrives == "Friday 09:00"


def test_a_part_time_colleague_gets_it_on_their_next_day(cast):
    from datetime import time

    works_in(cast.ada, Nation.ENGLAND, days={1: (time(10), time(15)), 3: (time(10), time(15))})
    # Tuesday 10 March 2026 at 15:30: Ada has gone home; she is next in on Thursday at 10.
    sent = services.send_colleague_message(
        cast.ben, cast.ada.pk, "Hi", now=at("2026-03-10T15:30:00+00:00")
    )
    assert sent.arrives == "Thursday 10:00"


def test_a_colleague_in_another_time_zone_is_told_in_their_own_time(cast):
    works_in(cast.ada, Nation.ENGLAND, time_zone="America/New_York")
    sent = services.send_colleague_message(cast.ben, cast.ada.pk, "Hi", now=TUESDAY_MORNING)
    # 10:00 in London is 06:00 in New York; Ada starts at 09:00 there (13:00 UTC).
    assert sent.notification.deliver_at == at("2026-03-10T13:00:00+00:00")
    assert sent.arrives == "today 09:00 (America/New_York time)"


def test_in_working_time_it_arrives_at_once_and_is_emailed_once(cast):
    sent = services.send_colleague_message(cast.ben, cast.ada.pk, "Quick one", now=TUESDAY_MORNING)
    assert not sent.held and sent.arrives == ""
    assert [item.pk for item in services.notifications_for(cast.ada)] == [sent.notification.pk]
    assert services.unread_count(cast.ada) == 1
    run_queued_tasks()
    run_queued_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.ada.email]
    assert "Quick one" in mail.outbox[0].body


def test_the_scheduler_releases_a_held_item_once_even_when_run_twice(cast):
    sent = services.send_colleague_message(cast.ben, cast.ada.pk, "For Monday", now=FRIDAY_EVENING)
    monday = sent.notification.deliver_at
    release_at(monday - timedelta(seconds=1))
    assert reload(sent.notification).delivered_at is None

    release_at(monday)
    release_at(monday + timedelta(minutes=1))
    delivered = reload(sent.notification)
    assert delivered.delivered_at is not None
    assert len(mail.outbox) == 1
    # Running the release itself again (a worker that died and is re-run) changes nothing.
    assert services.release_notification(sent.notification.pk) == "already delivered"
    run_queued_tasks()
    assert len(mail.outbox) == 1
    assert reload(sent.notification).delivered_at == delivered.delivered_at
    assert services.unread_count(cast.ada) == 1


def test_a_held_item_survives_a_restart_as_a_scheduled_row(cast):
    sent = services.send_colleague_message(cast.ben, cast.ada.pk, "For Monday", now=FRIDAY_EVENING)
    row = ScheduledTask.objects.get(key=f"casewell.notify.release-{sent.notification.pk}")
    assert row.next_run_at == sent.notification.deliver_at
    assert row.office_id == cast.north.pk
    # A new scheduler (after a restart) finds the row and releases it.
    release_at(row.next_run_at)
    assert reload(sent.notification).delivered_at is not None
    assert not ScheduledTask.objects.filter(pk=row.pk).exists()


def test_urgent_goes_at_once_and_records_who_and_why(cast):
    sent = services.send_colleague_message(
        cast.ben,
        cast.ada.pk,
        "Mrs Patel's hearing moved to 8am",
        urgent=True,
        urgent_reason="Hearing first thing Monday",
        now=FRIDAY_EVENING,
    )
    assert not sent.held
    item = reload(sent.notification)
    assert item.delivered_at == FRIDAY_EVENING
    assert item.urgent and item.urgent_reason == "Hearing first thing Monday"
    assert item.sender_id == cast.ben.pk
    with bind_office(cast.north):
        entry = AuditEntry.objects.filter(
            subject_type="notify.Notification", subject_id=str(item.pk), action="created"
        ).get()
    assert entry.actor_id == cast.ben.pk
    assert entry.changes["urgent_reason"] == "Hearing first thing Monday"
    assert entry.changes["body"] == "(not recorded: sensitive)"
    run_queued_tasks()
    assert mail.outbox[0].subject.startswith("Urgent: ")


def test_urgent_without_a_reason_is_refused_and_nothing_is_sent(cast):
    with pytest.raises(ValidationError) as refused:
        services.send_colleague_message(
            cast.ben, cast.ada.pk, "Hi", urgent=True, urgent_reason="  ", now=FRIDAY_EVENING
        )
    assert "urgent_reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.deliver(cast.ada, subject="x", urgent=True, urgent_reason="because")
    with across_all_offices():
        assert not Notification.all_offices.exists()


def test_a_safety_alert_is_never_held_and_is_emailed_even_to_digest_readers(cast):
    services.set_email_choice(cast.ada, EmailChoice.DIGEST)
    item = services.deliver(
        cast.ada, subject="Missed check-in: Wes", safety=True, now=FRIDAY_EVENING
    )
    assert item.delivered_at == FRIDAY_EVENING and item.deliver_at == FRIDAY_EVENING
    assert item.kind == Notification.Kind.SAFETY and not item.urgent
    run_queued_tasks()
    assert [message.subject for message in mail.outbox] == ["Missed check-in: Wes"]


def test_a_sunday_safety_alert_is_not_held_even_on_a_bank_holiday_in_scotland(cast):
    works_in(cast.ada, Nation.SCOTLAND)
    st_andrews_observed = at("2025-12-01T03:00:00+00:00")
    item = services.deliver(cast.ada, subject="Alarm", safety=True, now=st_andrews_observed)
    assert item.delivered_at == st_andrews_observed


def test_nobody_can_notify_another_office(cast):
    with pytest.raises(PermissionDenied):
        services.deliver(cast.cleo, subject="Hello", sender=cast.ben, now=TUESDAY_MORNING)
    from django.http import Http404

    with pytest.raises(Http404):
        services.send_colleague_message(cast.cleo, cast.ada.pk, "Hello", now=TUESDAY_MORNING)


def test_a_message_must_have_text_of_a_sensible_length(cast):
    with pytest.raises(ValidationError) as empty:
        services.send_colleague_message(cast.ben, cast.ada.pk, "   ", now=TUESDAY_MORNING)
    assert "text" in empty.value.message_dict
    with pytest.raises(ValidationError):
        services.send_colleague_message(cast.ben, cast.ada.pk, "x" * 1001, now=TUESDAY_MORNING)


def test_assigning_a_case_tells_the_assignee_in_their_working_hours(cast):
    from casewell.cases.services import assign_case, open_case

    with bind_office(cast.north):
        from casewell.cases.models import Category

        category = Category.objects.filter(parent__isnull=True).first()
    case = open_case(cast.ben, summary="Housing repair", category=category.pk)
    assign_case(cast.ben, case, assignee=cast.ada.pk)
    with bind_office(cast.north):
        (item,) = Notification.objects.filter(recipient=cast.ada)
    assert item.kind == Notification.Kind.CASE_ASSIGNED
    assert item.subject == f"Case {case.reference} assigned to you"
    assert "Housing repair" not in item.subject + item.body
    assert item.link == f"/cases/{case.pk}/"
    # Assigning it to oneself tells nobody.
    assign_case(cast.ben, case, assignee=cast.ben.pk)
    with bind_office(cast.north):
        assert not Notification.objects.filter(recipient=cast.ben).exists()
