"""Jobs for lone working. Each is idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

from datetime import datetime

from django.core.mail import EmailMessage
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
        from casewell.inbox.records import reply_address
        from casewell.safety.texts import reminder_message_id, reminder_subject_tag

        # A reply goes to the office's inbox, which recognises it by the tag (safety.texts).
        inbox = reply_address(office_id)
        EmailMessage(
            subject=f"Check in soon: your lone-working session {reminder_subject_tag(session)}",
            body=render_to_string(
                "safety/email/reminder.txt",
                {"session": session, "link": ladder_link(session), "may_reply": bool(inbox)},
            ),
            to=[session.worker.email],
            reply_to=[inbox] if inbox else None,
            headers={"Message-ID": reminder_message_id(session)},
        ).send()
        SafetyLogEntry.objects.create(
            session=session,
            event=SafetyLogEntry.Event.REMINDER_SENT,
            channel=alerts.EMAIL,
            recipient=session.worker.email,
            detail=f"Check-in due at {due_at}",
        )
    return "sent"


@task()
def send_check_in_answer(worker_id: int, subject: str, in_reply_to: str, text: str) -> str:
    """E-mail a worker the answer to their reply to a check-in reminder (the same words
    whether or not they gave the duress PIN)."""
    worker = User.objects.filter(pk=worker_id, is_active=True).first()
    if worker is None or not worker.email:
        return "gone"
    headers = {"In-Reply-To": f"<{in_reply_to}>"} if in_reply_to else {}
    reply_subject = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    EmailMessage(subject=reply_subject, body=text, to=[worker.email], headers=headers).send()
    return "sent"


def ladder_link(session: LoneWorkingSession) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse(
        "safety:session", kwargs={"loneworkingsession_id": session.pk}
    )
