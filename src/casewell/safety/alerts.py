"""The alert path: how a safety alert reaches people, on every channel at once.

This path is deliberately separate from ordinary notifications. Healthy-hours
rules (holding mail and notifications until the recipient's working time) must
**never** apply here: an alarm held until Monday morning could cost someone
their life. So alerts never pass through the notification delivery function;
they go straight to

* in-app: an ``AlertNotice`` per person, shown at the top of every page (with a
  sound where the browser allows it), written in the same transaction as the step;
* e-mail: one job per person, through the project's mail set-up;
* webhook: one JSON POST per step to the office's SMS/voice provider, retried by
  a job with back-off until it is accepted, every attempt recorded. Each is signed:
  ``X-Casewell-Signature: sha256=<hex HMAC-SHA256 of the body with the office's
  webhook secret>`` (``safety/texts.py`` says how providers check it).

Every message is logged as sent, then delivered or failed, in the safety log.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.error import URLError

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casewell.offices.models import Role, User
from casewell.offices.services import active_staff_with_role
from casewell.people.phones import national_format
from casewell.safety.models import (
    AlertNotice,
    EscalationLadder,
    EscalationStep,
    LoneWorkingSession,
    SafetyAlert,
    SafetyLogEntry,
    Tier,
)

logger = logging.getLogger("casewell.safety")

IN_APP = "in-app"
EMAIL = "e-mail"
WEBHOOK = "webhook"
WEBHOOK_TIMEOUT_SECONDS = 10
# Back-off between webhook attempts; after the last, the failure stands in the log.
WEBHOOK_RETRY_AFTER = [5, 15, 30, 60, 120, 300]
EMAIL_RETRY_AFTER = [15, 60, 300]


def managers_of(office_id: int) -> list[User]:
    """The office's active managers; its administrators if it has no manager."""
    for role in (Role.MANAGER, Role.ADMINISTRATOR):
        found = active_staff_with_role(office_id, role)
        if found:
            return found
    return []


def recipients_for(session: LoneWorkingSession, tier: str, *, silent: bool) -> list[User]:
    """Who is alerted on a rung. A silent (duress) alarm never reaches the worker."""
    worker, buddy = session.worker, session.buddy
    people: list[User] = {
        Tier.WORKER: [worker],
        Tier.BUDDY: [buddy],
        Tier.MANAGERS: managers_of(session.office_id),
        # The contact is reached by the provider's webhook; colleagues are told to phone them.
        Tier.EMERGENCY_CONTACT: [buddy, *managers_of(session.office_id)],
        Tier.EVERYONE: [worker, buddy, *managers_of(session.office_id)],
    }[Tier(tier)]
    chosen: dict[int, User] = {}
    for person in people:
        if silent and person.pk == worker.pk:
            continue
        if person.is_active and person.pk not in chosen:
            chosen[person.pk] = person
    return list(chosen.values())


def _log(step: EscalationStep, event: str, channel: str, recipient: str, detail: str = "") -> None:
    SafetyLogEntry.objects.create(
        session_id=step.session_id,
        alert_id=step.alert_id,
        step=step,
        event=event,
        tier=step.tier,
        channel=channel,
        recipient=recipient,
        detail=detail,
    )


def deliver_step(
    step: EscalationStep,
    *,
    session: LoneWorkingSession | None = None,
    ladder: EscalationLadder | None = None,
) -> int:
    """Alert everyone on the step's rung, on every channel at once; return how many people.

    Requires the office bound, inside a transaction. Idempotent: a step whose
    messages were already sent is left alone. Causes in-app notices at once,
    and e-mail and webhook jobs enqueued in the same transaction.
    """
    from casewell.safety import tasks
    from casewell.safety.ladder import ladder_for

    step = (
        EscalationStep.objects.select_for_update(of=("self",))
        .select_related("alert")
        .get(pk=step.pk)
    )
    if SafetyLogEntry.objects.filter(step=step, event=SafetyLogEntry.Event.SENT).exists():
        return 0
    session = session or LoneWorkingSession.objects.select_related("worker", "buddy").get(
        pk=step.session_id
    )
    ladder = ladder or ladder_for(step.office_id)
    alert = step.alert
    people = recipients_for(session, step.tier, silent=alert.is_silent)
    for person in people:
        AlertNotice.objects.get_or_create(
            step=step, recipient=person, defaults={"alert": alert, "office_id": step.office_id}
        )
        _log(step, SafetyLogEntry.Event.SENT, IN_APP, person.full_name)
        if person.email:
            _log(step, SafetyLogEntry.Event.SENT, EMAIL, person.email)
            tasks.send_alert_email.enqueue(step.pk, person.pk, 1)
    if ladder.webhook_url:
        _log(step, SafetyLogEntry.Event.SENT, WEBHOOK, ladder.webhook_url)
        tasks.call_alert_webhook.enqueue(step.pk, 1)
    return len(people)


def _already_delivered(step: EscalationStep, channel: str, recipient: str) -> bool:
    return SafetyLogEntry.objects.filter(
        step=step, event=SafetyLogEntry.Event.DELIVERED, channel=channel, recipient=recipient
    ).exists()


def alert_link(alert: SafetyAlert) -> str:
    return settings.SITE_URL + reverse("safety:alert", kwargs={"safetyalert_id": alert.pk})


def alert_headline(alert: SafetyAlert) -> str:
    worker = alert.session.worker.full_name
    return {
        SafetyAlert.Kind.MISSED_CHECK_IN: f"{worker} has missed a check-in",
        SafetyAlert.Kind.DURESS: f"{worker} has raised a duress alarm",
        SafetyAlert.Kind.PANIC: f"{worker} has pressed the panic button",
    }[SafetyAlert.Kind(alert.kind)]


def email_alert(step: EscalationStep, recipient: User, attempt: int) -> str:
    """Send one person the step's alert by e-mail, once. Requires the office bound."""
    from casewell.safety import tasks

    if _already_delivered(step, EMAIL, recipient.email):
        return "already sent"
    alert = step.alert
    session = alert.session
    ladder = EscalationLadder.objects.filter(office_id=step.office_id).first()
    context = {
        "alert": alert,
        "step": step,
        "session": session,
        "headline": alert_headline(alert),
        "link": alert_link(alert),
        "phone": national_format(session.emergency_contact_phone),
        "procedure": ladder.emergency_procedure if ladder else "",
        "recipient": recipient,
    }
    try:
        send_mail(
            subject=f"URGENT: {alert_headline(alert)}",
            message=render_to_string("safety/email/alert.txt", context),
            from_email=None,
            recipient_list=[recipient.email],
        )
    except Exception as error:  # noqa: BLE001 - any mail failure is recorded and retried
        retry = attempt <= len(EMAIL_RETRY_AFTER)
        _log(
            step,
            SafetyLogEntry.Event.FAILED,
            EMAIL,
            recipient.email,
            f"Attempt {attempt}: {type(error).__name__}: {error}"
            + (" Trying again." if retry else " Giving up."),
        )
        if retry:
            tasks.send_alert_email.using(
                run_after=timezone.now() + timedelta(seconds=EMAIL_RETRY_AFTER[attempt - 1])
            ).enqueue(step.pk, recipient.pk, attempt + 1)
        return "failed"
    _log(
        step, SafetyLogEntry.Event.DELIVERED, EMAIL, recipient.email, "Accepted by the mail server."
    )
    return "sent"


def webhook_payload(step: EscalationStep, ladder: EscalationLadder) -> dict[str, Any]:
    """What the SMS/voice provider receives: enough to phone or text the right people."""
    alert = step.alert
    session = alert.session
    reach_contact = step.tier in (Tier.EMERGENCY_CONTACT, Tier.EVERYONE)
    return {
        "event": "casewell.safety.alert",
        "alert_id": alert.pk,
        "step_id": step.pk,
        "kind": alert.kind,
        "tier": step.tier,
        "headline": alert_headline(alert),
        "raised_at": alert.raised_at.isoformat(),
        "deadline": step.deadline.isoformat(),
        "worker": {"name": session.worker.full_name, "email": session.worker.email},
        "buddy": {"name": session.buddy.full_name, "email": session.buddy.email},
        "location": session.location,
        "map_note": session.map_note,
        "expected_end": session.expected_end.isoformat(),
        "last_check_in_at": (
            session.last_check_in_at.isoformat() if session.last_check_in_at else None
        ),
        "emergency_contact": (
            {"name": session.emergency_contact_name, "phone": session.emergency_contact_phone}
            if reach_contact
            else None
        ),
        "emergency_procedure": ladder.emergency_procedure,
        "link": alert_link(alert),
    }


def post_json(url: str, payload: dict[str, Any], *, secret: str = "") -> int:
    """POST ``payload`` as JSON, signed with ``secret``; the HTTP status, or raise on a
    network failure."""
    from casewell.safety.signing import SIGNATURE_HEADER, signature_for

    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Casewell safety alerts"}
    if secret:
        headers[SIGNATURE_HEADER] = signature_for(secret, body)
    request = urllib.request.Request(  # noqa: S310 - the office's own configured https endpoint
        url, data=body, headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        return int(response.status)


def call_webhook(step: EscalationStep, attempt: int) -> str:
    """POST the step to the office's webhook once it succeeds; retry with back-off on failure."""
    from casewell.safety import tasks

    ladder = EscalationLadder.objects.filter(office_id=step.office_id).first()
    if ladder is None or not ladder.webhook_url:
        return "no webhook"
    url = ladder.webhook_url
    if _already_delivered(step, WEBHOOK, url):
        return "already delivered"
    try:
        status = post_json(url, webhook_payload(step, ladder), secret=ladder.webhook_secret)
        problem = "" if 200 <= status < 300 else f"HTTP {status}"
    except (URLError, OSError, ValueError) as error:
        problem = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
    if not problem:
        _log(step, SafetyLogEntry.Event.DELIVERED, WEBHOOK, url, f"HTTP {status}.")
        return "delivered"
    retry = attempt <= len(WEBHOOK_RETRY_AFTER)
    wait = WEBHOOK_RETRY_AFTER[attempt - 1] if retry else 0
    _log(
        step,
        SafetyLogEntry.Event.FAILED,
        WEBHOOK,
        url,
        f"Attempt {attempt}: {problem}."
        + (f" Trying again in {wait} seconds." if retry else " Giving up."),
    )
    if retry:
        tasks.call_alert_webhook.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue(
            step.pk, attempt + 1
        )
    return "failed"
