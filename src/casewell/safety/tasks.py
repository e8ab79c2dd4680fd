"""Jobs for lone working. Each is idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

from datetime import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from casewell.offices.models import User
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import alerts, ladder
from casewell.safety.models import EscalationStep, LoneWorkingSession, SafetyLogEntry


def office_of(model: type, pk: int) -> int | None:
    """The office a row belongs to, looked up across offices (a job knows only ids)."""
    with across_all_offices():
        return model.all_offices.filter(pk=pk).values_list("office_id", flat=True).first()


@task()
def act_on_session(session_id: int) -> str:
    """The scheduler's due work for one session (see ``safety.ladder``)."""
    return ladder.act_on_session(session_id)


@task()
def raise_duress_alarm(session_id: int, entered_at: str) -> str:
    """Raise the silent alarm for a duress PIN entered at ``entered_at`` (once)."""
    from casewell.safety.services import sound_duress_alarm

    alert = sound_duress_alarm(session_id, datetime.fromisoformat(entered_at))
    return "raised" if alert is not None else "already raised"


@task()
def send_alert_email(step_id: int, recipient_id: int, attempt: int) -> str:
    office_id = office_of(EscalationStep, step_id)
    if office_id is None:
        return "gone"
    with bind_office(office_id), transaction.atomic():
        step = EscalationStep.objects.select_related("alert__session__worker").get(pk=step_id)
        recipient = User.objects.get(pk=recipient_id)
        return alerts.email_alert(step, recipient, attempt)


@task()
def call_alert_webhook(step_id: int, attempt: int) -> str:
    office_id = office_of(EscalationStep, step_id)
    if office_id is None:
        return "gone"
    with bind_office(office_id), transaction.atomic():
        step = EscalationStep.objects.select_related(
            "alert__session__worker", "alert__session__buddy"
        ).get(pk=step_id)
        return alerts.call_webhook(step, attempt)


@task()
def send_check_in_reminder(session_id: int, due_at: str) -> str:
    """E-mail the worker that a check-in is due soon, once per due time, if still due.

    An ordinary reminder, not an alert: when healthy-hours holding arrives it
    may apply here (never to ``safety.alerts``).
    """
    office_id = office_of(LoneWorkingSession, session_id)
    if office_id is None:
        return "gone"
    due = datetime.fromisoformat(due_at)
    with bind_office(office_id), transaction.atomic():
        session = (
            LoneWorkingSession.objects.select_for_update(of=("self",))
            .select_related("worker")
            .get(pk=session_id)
        )
        if not session.is_active or session.check_in_due_at != due:
            return "no longer due"
        if session.check_in_due_at <= timezone.now():
            return "already past"
        if SafetyLogEntry.objects.filter(
            session=session, event=SafetyLogEntry.Event.REMINDER_SENT, detail__endswith=due_at
        ).exists():
            return "already sent"
        send_mail(
            subject="Check in soon: your lone-working session",
            message=render_to_string(
                "safety/email/reminder.txt",
                {"session": session, "link": ladder_link(session)},
            ),
            from_email=None,
            recipient_list=[session.worker.email],
        )
        SafetyLogEntry.objects.create(
            session=session,
            event=SafetyLogEntry.Event.REMINDER_SENT,
            channel=alerts.EMAIL,
            recipient=session.worker.email,
            detail=f"Check-in due at {due_at}",
        )
    return "sent"


def ladder_link(session: LoneWorkingSession) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse(
        "safety:session", kwargs={"loneworkingsession_id": session.pk}
    )
