"""Operations on lone working: the only code that writes sessions and alerts.

Views, the API, tasks and tests call these. Each binds the user's office and
runs in one transaction; each writes the safety log; each leaves the session's
``next_deadline`` and its scheduled wake-up right (``ladder.reschedule``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casewell.cases.services import get_case_for
from casewell.jobs.services import cancel_scheduled, schedule
from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.people.phones import normalise_phone
from casewell.people.services import get_person_for
from casewell.safety import duress
from casewell.safety.ladder import (
    check_in_due_after,
    ladder_for,
    reschedule,
    take_step,
)
from casewell.safety.models import (
    AlertNotice,
    EscalationLadder,
    LoneWorkingSession,
    Purpose,
    SafetyAlert,
    SafetyLogEntry,
    Tier,
)
from casewell.timeline.services import record_visit

MIN_CHECK_IN_MINUTES = 5
MAX_CHECK_IN_MINUTES = 24 * 60
MAX_SESSION = timedelta(hours=24)
SEND_REMINDER = "casewell.safety.tasks.send_check_in_reminder"


@dataclass
class SessionPlan:
    """What a worker says when starting a session."""

    purpose: str
    location: str
    expected_end: datetime
    buddy_id: int | None
    emergency_contact_name: str
    emergency_contact_phone: str
    check_in_minutes: int = 60
    map_note: str = ""
    details: str = ""
    person_id: int | None = None
    case_id: int | None = None


# --- Looking things up -------------------------------------------------------------------------


def get_session_for(user: User, session_id: Any, *, channel: str = "page") -> LoneWorkingSession:
    """One session the user may see (the worker, their buddy, a manager); else 404."""
    return get_for(user, LoneWorkingSession, session_id, channel=channel)


def get_alert_for(user: User, alert_id: Any, *, channel: str = "page") -> SafetyAlert:
    """One alert the user may see; a duress alarm is never found by its own worker (404)."""
    return get_for(user, SafetyAlert, alert_id, channel=channel)


def active_session_of(worker: User) -> LoneWorkingSession | None:
    return (
        LoneWorkingSession.objects.filter(worker=worker, ended_at=None)
        .select_related("buddy", "person", "case")
        .first()
    )


def sessions_buddied_by(user: User) -> QuerySet[LoneWorkingSession]:
    return LoneWorkingSession.objects.filter(buddy=user, ended_at=None).select_related(
        "worker", "person", "case"
    )


def active_sessions(user: User) -> QuerySet[LoneWorkingSession]:
    """Every running session in the office (managers only)."""
    if not is_manager(user):
        raise PermissionDenied("Only managers see every running session.")
    return (
        LoneWorkingSession.objects.filter(ended_at=None)
        .select_related("worker", "buddy", "person", "case")
        .order_by("check_in_due_at", "id")
    )


def open_alerts_for(user: User) -> QuerySet[SafetyAlert]:
    """Open alerts the user may see, oldest first; a worker never sees their own duress alarm."""
    alerts = SafetyAlert.objects.filter(resolved_at=None, stood_down_at=None)
    if not is_manager(user):
        alerts = alerts.filter(Q(session__worker=user) | Q(session__buddy=user))
    return (
        alerts.exclude(kind=SafetyAlert.Kind.DURESS, session__worker=user)
        .select_related("session__worker", "acknowledged_by")
        .order_by("raised_at", "id")
    )


def unacknowledged_alert_count(user: User) -> int:
    """For the alert badge on every page."""
    return open_alerts_for(user).filter(acknowledged_by=None).count()


def session_log_for(user: User, session: LoneWorkingSession) -> list[SafetyLogEntry]:
    """The session's log as ``user`` may read it: its worker never sees a duress alarm's entries."""
    entries = SafetyLogEntry.objects.filter(session=session).select_related("actor")
    if user.pk == session.worker_id:
        entries = entries.exclude(alert__kind=SafetyAlert.Kind.DURESS)
    return list(entries)


# --- Starting, checking in, extending, ending ---------------------------------------------------


def _reminder_lead(session: LoneWorkingSession) -> timedelta:
    """A few minutes before each check-in: five, or a fifth of a short interval."""
    return timedelta(minutes=min(5, max(1, session.check_in_minutes // 5)))


def _schedule_reminder(session: LoneWorkingSession, now: datetime) -> None:
    key = f"casewell.safety.reminder-{session.pk}"
    cancel_scheduled(key)
    remind_at = session.check_in_due_at - _reminder_lead(session)
    if session.is_active and remind_at > now:
        schedule(
            SEND_REMINDER,
            remind_at,
            [session.pk, session.check_in_due_at.isoformat()],
            office=session.office,
            key=key,
        )


def _log(
    session: LoneWorkingSession,
    event: str,
    actor: User | None,
    detail: str = "",
    alert: SafetyAlert | None = None,
    at: datetime | None = None,
) -> None:
    SafetyLogEntry.objects.create(
        session=session,
        alert=alert,
        event=event,
        actor=actor,
        detail=detail,
        at=at or timezone.now(),
    )


def _clock(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _check_plan(worker: User, plan: SessionPlan, now: datetime) -> dict[str, Any]:
    problems: dict[str, str] = {}
    found: dict[str, Any] = {}
    if plan.purpose not in Purpose.values:
        problems["purpose"] = "Choose what kind of lone work this is"
    location = " ".join(plan.location.split())
    if not location:
        problems["location"] = "Enter where you will be, such as the address"
    elif len(location) > 300:
        problems["location"] = "Where you will be must be 300 characters or fewer"
    found["location"] = location
    minutes = plan.check_in_minutes
    if not MIN_CHECK_IN_MINUTES <= minutes <= MAX_CHECK_IN_MINUTES:
        problems["check_in_minutes"] = "Check in every 5 minutes to 24 hours (1440 minutes)"
    if plan.expected_end <= now:
        problems["expected_end"] = "The expected end must be in the future"
    elif plan.expected_end > now + MAX_SESSION:
        problems["expected_end"] = "A session can last at most 24 hours: start another after"
    buddy = None
    if plan.buddy_id is None:
        problems["buddy"] = "Choose a buddy: a colleague who will look out for you"
    else:
        buddy = User.objects.filter(pk=plan.buddy_id, office_id=worker.office_id).first()
        if buddy is None or not buddy.is_active:
            problems["buddy"] = "Choose a buddy from your office's staff"
        elif buddy.pk == worker.pk:
            problems["buddy"] = "Choose a buddy other than yourself"
    found["buddy"] = buddy
    name = " ".join(plan.emergency_contact_name.split())
    if not name:
        problems["emergency_contact_name"] = "Enter the name of your emergency contact"
    found["emergency_contact_name"] = name[:200]
    try:
        found["emergency_contact_phone"] = normalise_phone(plan.emergency_contact_phone)
    except ValidationError as error:
        problems["emergency_contact_phone"] = error.messages[0]
    found["person"] = None
    if plan.person_id is not None:
        try:
            found["person"] = get_person_for(worker, plan.person_id)
        except Http404:
            problems["person"] = "That record was not found in your office"
    found["case"] = None
    if plan.case_id is not None:
        try:
            found["case"] = get_case_for(worker, plan.case_id)
        except Http404:
            problems["case"] = "That case was not found in your office"
    if problems:
        raise ValidationError(problems)
    return found


def start_lone_working(
    worker: User, plan: SessionPlan, *, now: datetime | None = None
) -> LoneWorkingSession:
    """Start a timed session for a visit, surgery or outreach.

    Requires the worker to have no other session running; a buddy from their
    office; an emergency contact; a check-in interval of 5 minutes to 24 hours;
    an expected end within 24 hours. Causes the session, a log entry, an audit
    entry, the scheduler's wake-up at the first deadline and a reminder before it.
    """
    with bind_office(worker.office, actor=worker), transaction.atomic():
        now = now or timezone.now()
        found = _check_plan(worker, plan, now)
        if LoneWorkingSession.objects.filter(worker=worker, ended_at=None).exists():
            raise ValidationError(
                "You already have a session running: end it before starting another"
            )
        session = LoneWorkingSession(
            office=worker.office,
            worker=worker,
            purpose=plan.purpose,
            location=found["location"],
            map_note=plan.map_note.strip()[:300],
            details=plan.details.strip(),
            person=found["person"],
            case=found["case"],
            buddy=found["buddy"],
            emergency_contact_name=found["emergency_contact_name"],
            emergency_contact_phone=found["emergency_contact_phone"],
            check_in_minutes=plan.check_in_minutes,
            started_at=now,
            expected_end=plan.expected_end,
        )
        session.check_in_due_at = check_in_due_after(session, now)
        session.save()
        _log(
            session,
            SafetyLogEntry.Event.STARTED,
            worker,
            f"Expected to end at {_clock(plan.expected_end)}; check-ins every "
            f"{plan.check_in_minutes} minutes; buddy {found['buddy'].full_name}.",
            at=now,
        )
        reschedule(session)
        _schedule_reminder(session, now)
        if session.case is not None:
            _note_visit_on_case(worker, session)
    return session


def _note_visit_on_case(worker: User, session: LoneWorkingSession) -> None:
    """The case's timeline notes the visit. Someone who may not add to the case (an intern on
    another's case) still starts their session: safety first, the note is a courtesy."""
    text = (
        f"{session.get_purpose_display()} under lone working: started at "
        f"{_clock(session.started_at)}, expected to end by {_clock(session.expected_end)}."
    )
    try:
        with transaction.atomic():
            record_visit(worker, session.case, text=text, place=session.location[:200])
    except (PermissionDenied, ValidationError, Http404):
        pass


def _require_worker(worker: User, session: LoneWorkingSession) -> None:
    if session.worker_id != worker.pk:
        raise PermissionDenied("Only the worker on this session can do this.")


def _locked(session: LoneWorkingSession) -> LoneWorkingSession:
    return (
        LoneWorkingSession.objects.select_for_update(of=("self",))
        .select_related("office", "worker", "buddy")
        .get(pk=session.pk)
    )


def _queue_duress_alarm(session: LoneWorkingSession, now: datetime) -> None:
    from casewell.safety.tasks import raise_duress_alarm

    raise_duress_alarm.enqueue(session.pk, now.isoformat())


def _stand_down_missed(session: LoneWorkingSession, worker: User, now: datetime) -> None:
    for alert in SafetyAlert.objects.filter(
        session=session,
        kind=SafetyAlert.Kind.MISSED_CHECK_IN,
        resolved_at=None,
        stood_down_at=None,
    ):
        alert.stood_down_at = now
        alert.next_step_at = None
        alert.save(update_fields=["stood_down_at", "next_step_at"])
        _log(
            session,
            SafetyLogEntry.Event.STOOD_DOWN,
            worker,
            f"{worker.full_name} checked in at {_clock(now)}.",
            alert=alert,
            at=now,
        )


def _raise_alarm(
    session: LoneWorkingSession, kind: str, actor: User | None, now: datetime
) -> SafetyAlert:
    """The highest alarm: everyone on the ladder at once, repeated until acknowledged.

    Requires the session's office bound and its row locked. Causes the alert,
    its first step, the log entries and, in the same transaction, the messages.
    """
    from casewell.safety.alerts import deliver_step

    alert = SafetyAlert.objects.create(
        session=session, kind=kind, raised_at=now, tier=Tier.EVERYONE
    )
    _log(
        session,
        SafetyLogEntry.Event.RAISED,
        actor,
        SafetyAlert.Kind(kind).label + ".",
        alert=alert,
        at=now,
    )
    deliver_step(take_step(alert, Tier.EVERYONE, now, now), session=session)
    return alert


def sound_duress_alarm(session_id: int, entered_at: datetime) -> SafetyAlert | None:
    """Raise the duress alarm for a PIN entered at ``entered_at`` (the job the check-in queued).

    The request only queues this job, in its own transaction, so that a check-in
    with the duress PIN costs the same time as one without. Idempotent: one
    alarm per PIN entry. Causes the alarm to the whole ladder, never the worker.
    """
    from casewell.safety.tasks import office_of

    office_id = office_of(LoneWorkingSession, session_id)
    if office_id is None:
        return None
    with bind_office(office_id), transaction.atomic():
        session = (
            LoneWorkingSession.objects.select_for_update(of=("self",))
            .select_related("office", "worker", "buddy")
            .get(pk=session_id)
        )
        if SafetyAlert.objects.filter(
            session=session, kind=SafetyAlert.Kind.DURESS, raised_at=entered_at
        ).exists():
            return None
        alert = _raise_alarm(session, SafetyAlert.Kind.DURESS, None, entered_at)
        reschedule(session)
    return alert


@dataclass
class CheckInResult:
    """What the worker is shown: the same whether or not the duress PIN was typed."""

    checked_in_at: datetime
    next_due_at: datetime


def check_in(
    worker: User, session: LoneWorkingSession, *, pin: str = "", now: datetime | None = None
) -> CheckInResult:
    """The worker says they are safe. Any earlier missed-check-in alert stands down.

    If ``pin`` is the worker's duress PIN, everything happens exactly as for a
    normal check-in, and a duress alarm also goes silently to the whole ladder
    (never to the worker). Requires the worker's own running session.
    """
    with bind_office(worker.office, actor=worker), transaction.atomic():
        under_duress = duress.is_duress_pin(worker, pin)
        session = _locked(session)
        _require_worker(worker, session)
        if not session.is_active:
            raise ValidationError("This session has ended: start a new one")
        now = now or timezone.now()
        session.last_check_in_at = now
        session.check_in_due_at = check_in_due_after(session, now)
        session.save(update_fields=["last_check_in_at", "check_in_due_at"])
        _log(
            session,
            SafetyLogEntry.Event.CHECKED_IN,
            worker,
            f"Next check-in due by {_clock(session.check_in_due_at)}.",
            at=now,
        )
        _stand_down_missed(session, worker, now)
        if under_duress:
            _queue_duress_alarm(session, now)
        reschedule(session)
        _schedule_reminder(session, now)
    return CheckInResult(checked_in_at=now, next_due_at=session.check_in_due_at)


def extend_session(
    worker: User, session: LoneWorkingSession, *, minutes: int, now: datetime | None = None
) -> LoneWorkingSession:
    """Move the expected end later by ``minutes`` (5 minutes to 8 hours); counts as a check-in."""
    if not 5 <= minutes <= 8 * 60:
        raise ValidationError({"minutes": "Extend by 5 minutes to 8 hours"})
    with bind_office(worker.office, actor=worker), transaction.atomic():
        session = _locked(session)
        _require_worker(worker, session)
        if not session.is_active:
            raise ValidationError("This session has ended: start a new one")
        now = now or timezone.now()
        session.expected_end = max(session.expected_end, now) + timedelta(minutes=minutes)
        if session.expected_end > session.started_at + MAX_SESSION:
            raise ValidationError({"minutes": "A session can last at most 24 hours"})
        session.last_check_in_at = now
        session.check_in_due_at = check_in_due_after(session, now)
        session.save(update_fields=["expected_end", "last_check_in_at", "check_in_due_at"])
        _log(
            session,
            SafetyLogEntry.Event.EXTENDED,
            worker,
            f"Now expected to end at {_clock(session.expected_end)}.",
            at=now,
        )
        _stand_down_missed(session, worker, now)
        reschedule(session)
        _schedule_reminder(session, now)
    return session


def end_session(
    worker: User, session: LoneWorkingSession, *, pin: str = "", now: datetime | None = None
) -> LoneWorkingSession:
    """The worker is back safe. With the duress PIN: the same, plus the silent duress alarm."""
    with bind_office(worker.office, actor=worker), transaction.atomic():
        under_duress = duress.is_duress_pin(worker, pin)
        session = _locked(session)
        _require_worker(worker, session)
        if not session.is_active:
            raise ValidationError("This session has already ended")
        now = now or timezone.now()
        session.ended_at = now
        session.save(update_fields=["ended_at"])
        _log(session, SafetyLogEntry.Event.ENDED, worker, at=now)
        _stand_down_missed(session, worker, now)
        if under_duress:
            _queue_duress_alarm(session, now)
        reschedule(session)
        _schedule_reminder(session, now)
    return session


def press_panic(
    worker: User, session: LoneWorkingSession, *, now: datetime | None = None
) -> SafetyAlert:
    """The open alarm: everyone on the ladder is alerted at once. Works on an ended session too
    (the worker may still be at the door)."""
    with bind_office(worker.office, actor=worker), transaction.atomic():
        session = _locked(session)
        _require_worker(worker, session)
        now = now or timezone.now()
        alert = _raise_alarm(session, SafetyAlert.Kind.PANIC, worker, now)
        reschedule(session)
    return alert


# --- Answering alerts -----------------------------------------------------------------------------


@dataclass
class Acknowledgement:
    alert: SafetyAlert
    owner: User
    was_first: bool


def _may_answer(user: User, alert: SafetyAlert) -> bool:
    session = alert.session
    if alert.is_silent and user.pk == session.worker_id:
        return False
    return (
        is_manager(user)
        or user.pk == session.buddy_id
        or AlertNotice.objects.filter(alert=alert, recipient=user).exists()
    )


def acknowledge_alert(
    user: User, alert: SafetyAlert, *, now: datetime | None = None
) -> Acknowledgement:
    """Take ownership of an alert: the first to acknowledge owns it and the ladder stops climbing.

    A later acknowledger is told who owns it (``was_first`` False). Requires
    someone the alert went to, the buddy or a manager. Causes a log entry.
    """
    with bind_office(user.office, actor=user), transaction.atomic():
        alert = (
            SafetyAlert.objects.select_for_update(of=("self",))
            .select_related("session", "acknowledged_by")
            .get(pk=alert.pk)
        )
        if not _may_answer(user, alert):
            raise PermissionDenied("Only the people this alert went to can acknowledge it.")
        now = now or timezone.now()
        _mark_seen(user, alert, now)
        if alert.acknowledged_by is not None:
            return Acknowledgement(alert=alert, owner=alert.acknowledged_by, was_first=False)
        if not alert.is_open:
            raise ValidationError("This alert is over: nothing is waiting for an answer")
        alert.acknowledged_by = user
        alert.acknowledged_at = now
        alert.next_step_at = None
        alert.save(update_fields=["acknowledged_by", "acknowledged_at", "next_step_at"])
        _log(
            alert.session,
            SafetyLogEntry.Event.ACKNOWLEDGED,
            user,
            f"{user.full_name} acknowledged the alert and owns it.",
            alert=alert,
            at=now,
        )
        reschedule(alert.session)
    return Acknowledgement(alert=alert, owner=user, was_first=True)


def record_alert_action(
    user: User,
    alert: SafetyAlert,
    *,
    what_was_done: str,
    resolved: bool,
    end_session_too: bool = False,
    now: datetime | None = None,
) -> SafetyAlert:
    """The owner records what they did, and whether the alert is over.

    Requires the alert's owner. Causes a log entry; when resolved, the alert
    closes and, if asked, the session ends (the worker is known to be safe).
    """
    text = what_was_done.strip()
    if not text:
        raise ValidationError({"what_was_done": "Say what you did, such as who you phoned"})
    with bind_office(user.office, actor=user), transaction.atomic():
        alert = SafetyAlert.objects.select_for_update(of=("self",)).get(pk=alert.pk)
        if alert.acknowledged_by_id != user.pk:
            raise PermissionDenied("Only the person who owns this alert can record what was done.")
        if alert.resolved_at is not None:
            raise ValidationError("This alert is already resolved")
        now = now or timezone.now()
        session = _locked(alert.session)
        alert.action_taken = f"{alert.action_taken}\n{text}".strip()
        fields = ["action_taken"]
        _log(session, SafetyLogEntry.Event.ACTION, user, text, alert=alert, at=now)
        if resolved:
            alert.resolved_at = now
            alert.next_step_at = None
            fields += ["resolved_at", "next_step_at"]
            _log(session, SafetyLogEntry.Event.RESOLVED, user, alert=alert, at=now)
        alert.save(update_fields=fields)
        if resolved and session.is_active:
            if end_session_too:
                session.ended_at = now
                session.save(update_fields=["ended_at"])
                _log(
                    session,
                    SafetyLogEntry.Event.ENDED,
                    user,
                    f"Ended by {user.full_name} when resolving the alert.",
                    at=now,
                )
            elif alert.kind == SafetyAlert.Kind.MISSED_CHECK_IN:
                # The worker was found safe: the next check-in is an interval from now.
                session.check_in_due_at = check_in_due_after(session, now)
                session.save(update_fields=["check_in_due_at"])
        reschedule(session)
        _schedule_reminder(session, now)
    return alert


def _mark_seen(user: User, alert: SafetyAlert, now: datetime) -> None:
    """The in-app alert has reached the person: record it as delivered, once."""
    from casewell.safety.alerts import IN_APP

    for notice in AlertNotice.objects.filter(
        alert=alert, recipient=user, seen_at=None
    ).select_related("step"):
        notice.seen_at = now
        notice.save(update_fields=["seen_at"])
        SafetyLogEntry.objects.create(
            session_id=alert.session_id,
            alert=alert,
            step=notice.step,
            at=now,
            event=SafetyLogEntry.Event.DELIVERED,
            tier=notice.step.tier,
            channel=IN_APP,
            recipient=user.full_name,
            detail="Seen in Casewell.",
        )


def alert_seen(user: User, alert: SafetyAlert) -> None:
    """Record that the user has opened the alert (in-app delivery)."""
    with bind_office(user.office, actor=user), transaction.atomic():
        _mark_seen(user, alert, timezone.now())


# --- The ladder and personal settings -------------------------------------------------------------

LADDER_FIELDS = (
    "grace_minutes",
    "worker_minutes",
    "buddy_minutes",
    "managers_minutes",
    "emergency_contact_minutes",
    "repeat_minutes",
    "emergency_procedure",
    "webhook_url",
)


def get_ladder(user: User) -> EscalationLadder:
    with bind_office(user.office, actor=user), transaction.atomic():
        return ladder_for(user.office_id)


def change_ladder(manager: User, **changes: Any) -> EscalationLadder:
    """Set the office's grace period, tier timeouts (0 to 120 minutes), procedure and webhook.

    Requires a manager. Applies to every step taken from now on. Causes an audit entry.
    """
    if not is_manager(manager):
        raise PermissionDenied("Only managers can change the escalation ladder.")
    problems = {}
    minutes: dict[str, int] = {}
    for name in LADDER_FIELDS[:6]:
        try:
            minutes[name] = int(changes.get(name))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            minutes[name] = -1
        if not 0 <= minutes[name] <= 120:
            problems[name] = "Enter a number of minutes from 0 to 120"
    if not str(changes.get("emergency_procedure", "")).strip():
        problems["emergency_procedure"] = "Say what to do in an emergency"
    url = str(changes.get("webhook_url", "") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        problems["webhook_url"] = "Enter the webhook's full address, starting https://"
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        ladder = ladder_for(manager.office_id)
        for name, value in minutes.items():
            setattr(ladder, name, value)
        ladder.emergency_procedure = str(changes["emergency_procedure"]).strip()
        ladder.webhook_url = url
        ladder.updated_at = timezone.now()
        ladder.save()
    return ladder


def my_safety_settings(user: User) -> Any:
    with bind_office(user.office, actor=user), transaction.atomic():
        return duress.settings_for(user)


def change_my_duress_pin(user: User, pin: str, *, confirm: str) -> None:
    """Set the user's own duress PIN (hashed). Causes an audit entry without the PIN."""
    with bind_office(user.office, actor=user), transaction.atomic():
        duress.set_duress_pin(user, pin, confirm=confirm)


def remove_my_duress_pin(user: User) -> None:
    with bind_office(user.office, actor=user), transaction.atomic():
        duress.remove_duress_pin(user)


def change_my_emergency_contact(user: User, *, name: str, phone: str) -> None:
    """The contact every new session suggests. Both may be left blank."""
    name = " ".join(name.split())
    stored = ""
    if phone.strip():
        try:
            stored = normalise_phone(phone)
        except ValidationError as error:
            raise ValidationError({"emergency_contact_phone": error.messages[0]}) from error
    with bind_office(user.office, actor=user), transaction.atomic():
        row = duress.settings_for(user)
        row.emergency_contact_name = name[:200]
        row.emergency_contact_phone = stored
        row.updated_at = timezone.now()
        row.save(update_fields=["emergency_contact_name", "emergency_contact_phone", "updated_at"])


def change_my_mobile(user: User, phone: str) -> None:
    """The mobile the user's texts to the office's SMS number come from ("OK" checks them in).

    Blank removes it. Requires a number no colleague has registered (a text must name
    exactly one worker). Causes an audit entry.
    """
    stored = ""
    if phone.strip():
        try:
            stored = normalise_phone(phone)
        except ValidationError as error:
            raise ValidationError({"mobile": error.messages[0]}) from error
    with bind_office(user.office, actor=user), transaction.atomic():
        row = duress.settings_for(user)
        if stored and type(row).objects.filter(mobile=stored).exclude(pk=row.pk).exists():
            raise ValidationError(
                {"mobile": "A colleague has registered this number: enter your own mobile"}
            )
        row.mobile = stored
        row.updated_at = timezone.now()
        row.save(update_fields=["mobile", "updated_at"])
