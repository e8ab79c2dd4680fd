"""The escalation ladder and the due work that climbs it.

Time is driven from rows, never from memory: each session's ``next_deadline``
says when the scheduler must next act for it, and a keyed ``ScheduledTask``
row (the job machinery's own extension point) wakes ``act_on_session`` then.
That row *repeats* every ``RETRY_EVERY`` until the work is done and the row is
moved to the session's next deadline, so a job lost with a killed worker is
enqueued again seconds later instead of waiting for the worker's lease to run
out. Running ``act_on_session`` twice, or in two workers at once, records each
step once: the session row is locked, and steps are unique per session, tier
and deadline.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from casewell.jobs.services import cancel_scheduled, schedule
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety.models import (
    LADDER_ORDER,
    EscalationLadder,
    EscalationStep,
    LoneWorkingSession,
    SafetyAlert,
    SafetyLogEntry,
    Tier,
)

logger = logging.getLogger("casewell.safety")

ACT_ON_SESSION = "casewell.safety.tasks.act_on_session"
# How soon the scheduler enqueues the session's job again if the last one has
# not moved the deadline on (its worker died, say). Well inside the 30 seconds.
RETRY_EVERY = timedelta(seconds=10)


def wake_key(session_id: int) -> str:
    return f"casewell.safety.session-{session_id}"


def ladder_for(office_id: int) -> EscalationLadder:
    """The office's ladder, with the defaults the first time. Requires the office bound."""
    ladder, _ = EscalationLadder.objects.get_or_create(office_id=office_id)
    return ladder


def next_tier(tier: str) -> Tier:
    """The rung above ``tier``; everyone is the top, and is alerted again and again."""
    index = LADDER_ORDER.index(Tier(tier))
    return LADDER_ORDER[min(index + 1, len(LADDER_ORDER) - 1)]


def check_in_due_after(session: LoneWorkingSession, moment: datetime) -> datetime:
    """When the check-in after one at ``moment`` is due: an interval on, or the expected end
    if that comes first (a session running late keeps the interval)."""
    due = moment + timedelta(minutes=session.check_in_minutes)
    if session.expected_end > moment:
        due = min(due, session.expected_end)
    return due


def missed_deadline(session: LoneWorkingSession, ladder: EscalationLadder) -> datetime:
    """When the current check-in counts as missed: its due time plus the grace period."""
    return session.check_in_due_at + timedelta(minutes=ladder.grace_minutes)


def _open_alerts(session: LoneWorkingSession) -> list[SafetyAlert]:
    return list(
        SafetyAlert.objects.filter(session=session, resolved_at=None, stood_down_at=None).order_by(
            "raised_at", "id"
        )
    )


def reschedule(session: LoneWorkingSession, ladder: EscalationLadder | None = None) -> None:
    """Work out the session's next deadline and have the scheduler wake for it.

    Requires the session's office bound, inside the transaction that changed
    the session. Causes the session's ``next_deadline`` to be saved and its
    scheduled row to be replaced (or removed when nothing is pending).
    """
    ladder = ladder or ladder_for(session.office_id)
    alerts = _open_alerts(session)
    candidates = [alert.next_step_at for alert in alerts if alert.next_step_at is not None]
    waiting_for_check_in = session.is_active and not any(
        alert.kind == SafetyAlert.Kind.MISSED_CHECK_IN for alert in alerts
    )
    if waiting_for_check_in:
        candidates.append(missed_deadline(session, ladder))
    session.next_deadline = min(candidates) if candidates else None
    # Bookkeeping, not a change anyone made: kept out of the audit trail (the safety
    # log says what happened), and one cheap query on the hot path.
    LoneWorkingSession.objects.filter(pk=session.pk).update(next_deadline=session.next_deadline)
    key = wake_key(session.pk)
    cancel_scheduled(key)
    if session.next_deadline is not None:
        schedule(
            ACT_ON_SESSION,
            session.next_deadline,
            [session.pk],
            every=RETRY_EVERY,
            office=session.office,
            key=key,
        )


def take_step(alert: SafetyAlert, tier: str, deadline: datetime, now: datetime) -> EscalationStep:
    """Record one rung reached and set when the next is due. Requires the alert's office bound.

    The step is unique per session, tier and deadline: a second attempt raises
    IntegrityError, which the caller's transaction turns into "already done".
    """
    ladder = ladder_for(alert.office_id)
    step = EscalationStep.objects.create(
        alert=alert, session_id=alert.session_id, tier=tier, deadline=deadline, taken_at=now
    )
    alert.tier = tier
    alert.next_step_at = deadline + timedelta(minutes=max(ladder.minutes_for(tier), 0))
    if tier == Tier.EVERYONE and ladder.repeat_minutes == 0:
        alert.next_step_at = None  # alerted once, with no repeat asked for
    SafetyAlert.objects.filter(pk=alert.pk).update(tier=alert.tier, next_step_at=alert.next_step_at)
    SafetyLogEntry.objects.create(
        session_id=alert.session_id,
        alert=alert,
        step=step,
        at=now,
        event=SafetyLogEntry.Event.ESCALATED,
        tier=tier,
        detail=f"{Tier(tier).label} alerted ({_late(now, deadline)}).",
    )
    return step


def _late(now: datetime, deadline: datetime) -> str:
    seconds = (now - deadline).total_seconds()
    return f"{seconds:.1f} seconds after the deadline" if seconds >= 0 else "on time"


def act_on_session(session_id: int, now: datetime | None = None) -> str:
    """Do whatever is due for one session: raise the alert for a missed check-in, and
    climb each open alert whose acknowledgement timeout has run out. Idempotent.

    Causes escalation steps, in-app notices, e-mail and webhook jobs (through
    ``alerts.deliver_step``), safety log entries, and the session's next wake-up.
    """
    from casewell.safety.alerts import deliver_step

    now = now or timezone.now()
    with across_all_offices():
        found = (
            LoneWorkingSession.all_offices.filter(pk=session_id)
            .values_list("office_id", "next_deadline")
            .first()
        )
    if found is None or found[1] is None:
        cancel_scheduled(wake_key(session_id))
        return "gone" if found is None else "nothing pending"
    office_id, next_deadline = found
    if next_deadline > now:
        # An earlier job did the work and moved the wake-up on (this one was queued
        # again by the retry while that one waited): nothing to do, and cheaply.
        return "nothing due"
    try:
        with bind_office(office_id), transaction.atomic():
            session = (
                LoneWorkingSession.objects.select_for_update(of=("self",))
                .select_related("office", "worker", "buddy")
                .get(pk=session_id)
            )
            ladder = ladder_for(office_id)
            steps: list[EscalationStep] = []
            alerts = _open_alerts(session)
            missing = not any(alert.kind == SafetyAlert.Kind.MISSED_CHECK_IN for alert in alerts)
            deadline = missed_deadline(session, ladder)
            if session.is_active and missing and deadline <= now:
                alert = SafetyAlert.objects.create(
                    session=session,
                    kind=SafetyAlert.Kind.MISSED_CHECK_IN,
                    raised_at=now,
                    missed_due_at=session.check_in_due_at,
                    tier=Tier.WORKER,
                )
                SafetyLogEntry.objects.create(
                    session=session,
                    alert=alert,
                    at=now,
                    event=SafetyLogEntry.Event.RAISED,
                    detail=(
                        f"Check-in due at {timezone.localtime(session.check_in_due_at):%H:%M:%S} "
                        "was missed."
                    ),
                )
                steps.append(take_step(alert, Tier.WORKER, deadline, now))
                alerts.append(alert)
            for alert in alerts:
                # A scheduler that was down climbs every rung it missed, each once.
                while alert.next_step_at is not None and alert.next_step_at <= now:
                    steps.append(take_step(alert, next_tier(alert.tier), alert.next_step_at, now))
            for step in steps:
                deliver_step(step, session=session, ladder=ladder)
            reschedule(session, ladder)
    except IntegrityError:
        # Another worker recorded these steps at the same moment: it has done the work.
        logger.info("Session %s: the due steps were already taken elsewhere", session_id)
        return "already done"
    return f"{len(steps)} steps" if steps else "nothing due"
