"""E-mail and digests: what they say, when they go, and that warned text is never quoted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail

from casewell.jobs.models import ScheduledTask
from casewell.jobs.scheduler import Scheduler
from casewell.jobs.testing import run_queued_tasks
from casewell.notify import services
from casewell.notify.emails import send_digest
from casewell.notify.models import EmailChoice, Notification
from casewell.notify.tests.conftest import FRIDAY_EVENING, TUESDAY_MORNING
from casewell.offices.tenancy import across_all_offices

pytestmark = pytest.mark.django_db

DISTRESSING = "He said he has the pills ready and tonight is the night"


def test_a_warned_notification_is_emailed_with_the_warning_and_a_link_only(cast):
    services.deliver(
        cast.ada,
        subject=f"New message: {DISTRESSING}",
        body=DISTRESSING,
        sender=cast.ben,
        warning_categories=["suicide", "self-harm"],
        link="/inbox/messages/7/",
        now=TUESDAY_MORNING,
    )
    run_queued_tasks()
    (email,) = mail.outbox
    assert "pills" not in email.subject + email.body
    assert "Contains: self-harm, suicide" in email.body
    assert "(contains: self-harm, suicide)" in email.subject
    assert "http://testserver/inbox/messages/7/" in email.body or "/inbox/messages/7/" in email.body


def test_an_unwarned_notification_is_quoted_in_its_email(cast):
    services.deliver(cast.ada, subject="Reminder", body="Ring Mr Ahmed back", now=TUESDAY_MORNING)
    run_queued_tasks()
    assert "Ring Mr Ahmed back" in mail.outbox[0].body


def test_a_digest_reader_gets_one_email_at_the_start_of_the_next_working_day(cast):
    services.set_email_choice(cast.ada, EmailChoice.DIGEST)
    services.deliver(cast.ada, subject="Reminder: ring Mr Ahmed", now=TUESDAY_MORNING)
    services.deliver(
        cast.ada,
        subject=DISTRESSING,
        body=DISTRESSING,
        warning_categories=["suicide"],
        now=TUESDAY_MORNING + timedelta(hours=1),
    )
    run_queued_tasks()
    assert mail.outbox == []
    row = ScheduledTask.objects.get(key=f"casewell.notify.digest-{cast.ada.pk}")
    assert row.next_run_at == datetime.fromisoformat("2026-03-11T09:00:00+00:00")

    Scheduler().tick(row.next_run_at)
    run_queued_tasks()
    (digest,) = mail.outbox
    assert digest.to == [cast.ada.email]
    assert "Reminder: ring Mr Ahmed" in digest.body
    assert "pills" not in digest.subject + digest.body
    assert "Contains: suicide" in digest.body
    # Sending it again (a re-run job) sends nothing more.
    assert send_digest(cast.ada.pk) == "nothing to send"
    assert len(mail.outbox) == 1


def test_a_held_item_for_a_digest_reader_goes_in_the_digest_after_it_arrives(cast):
    services.set_email_choice(cast.ada, EmailChoice.DIGEST)
    sent = services.send_colleague_message(cast.ben, cast.ada.pk, "For Monday", now=FRIDAY_EVENING)
    services.release_notification(sent.notification.pk, now=sent.notification.deliver_at)
    run_queued_tasks()
    assert mail.outbox == []
    row = ScheduledTask.objects.get(key=f"casewell.notify.digest-{cast.ada.pk}")
    assert row.next_run_at == datetime.fromisoformat("2025-12-02T09:00:00+00:00")


def test_someone_who_wants_no_email_gets_none_but_sees_it_in_casewell(cast):
    services.set_email_choice(cast.ada, EmailChoice.NONE)
    services.deliver(cast.ada, subject="Reminder", now=TUESDAY_MORNING)
    run_queued_tasks()
    assert mail.outbox == []
    assert services.unread_count(cast.ada) == 1
    with across_all_offices():
        assert Notification.all_offices.get().emailed_at is None


def test_a_distressing_colleague_message_is_warned_and_never_quoted_by_email(cast):
    sent = services.send_colleague_message(
        cast.ben, cast.ada.pk, f"Heads up before you ring back: {DISTRESSING}", now=TUESDAY_MORNING
    )
    assert "suicide" in sent.notification.warning_categories
    run_queued_tasks()
    (email,) = mail.outbox
    assert "pills" not in email.subject + email.body
    assert "Contains:" in email.body and "suicide" in email.body
