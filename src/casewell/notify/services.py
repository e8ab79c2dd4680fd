"""Healthy-hours delivery: every notification and colleague message goes through ``deliver``.

An item sent outside the recipient's working time is held until their next
working period starts (weekends, days they do not work and their nation's bank
holidays skipped); the scheduler releases it then. The sender may mark an item
urgent, with a reason, and it goes at once; a safety item is never held.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from casewell.jobs.services import schedule
from casewell.notify import working_time
from casewell.notify.models import DeliveryPreference, EmailChoice, Notification, WorkingPattern
from casewell.notify.working_time import Pattern, Period
from casewell.offices.models import Nation, User, validate_time_zone
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office, current_actor
from casewell.wellbeing import services as wellbeing

RELEASE_TASK = "casewell.notify.tasks.release_notification"
EMAIL_TASK = "casewell.notify.tasks.email_notification"
DIGEST_TASK = "casewell.notify.tasks.send_digest"
MESSAGE_LIMIT = 1000
URGENT_REASON_LIMIT = 300
PATTERN_CACHE_SECONDS = 600


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _require_active(user: User) -> None:
    if not user.is_active or user.is_locked:
        raise PermissionDenied("This account cannot send or read notifications.")


# --- Working patterns ---------------------------------------------------------------------


def pattern_of(user: User) -> Pattern:
    """The pattern the system uses for ``user``: theirs, or the default if they set none."""
    with bind_office(user.office_id, actor=current_actor()):
        row = WorkingPattern.objects.filter(user=user).first()
    if row is None:
        return working_time.DEFAULT
    return Pattern.from_hours(row.hours, row.time_zone, row.nation)


def _pattern_key(user: User) -> str:
    return f"casewell:working-pattern:{user.pk}"


def remembered_pattern_of(user: User) -> Pattern:
    """``pattern_of``, kept in the cache for pages that ask on every request (forgotten
    whenever the person changes their pattern)."""
    found = cache.get(_pattern_key(user))
    if found is None:
        found = pattern_of(user)
        cache.set(_pattern_key(user), found, PATTERN_CACHE_SECONDS)
    return found


def my_working_pattern(user: User) -> tuple[Pattern, bool]:
    """The person's own pattern, and whether they have set one (False: the default)."""
    with bind_office(user.office_id, actor=user):
        is_set = WorkingPattern.objects.filter(user=user).exists()
    return pattern_of(user), is_set


def set_working_pattern(
    user: User, days: dict[int, tuple[time, time]], time_zone: str, nation: str
) -> WorkingPattern:
    """Set the person's own working pattern (only they can).

    Requires at least one working day, each ending after it starts, a known time
    zone and a UK nation. Causes an audit entry that says the pattern changed,
    without the hours.
    """
    _require_active(user)
    errors: dict[str, list[str]] = {}
    if not days:
        errors["days"] = ["Choose at least one day you work."]
    for day, (start, end) in days.items():
        if not 0 <= day <= 6:
            errors.setdefault("days", []).append(f"{day} is not a day of the week.")
        elif end <= start:
            name = working_time.DAY_NAMES[day]
            errors[f"day_{day}_end"] = [f"{name}'s end time must be after its start time."]
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        errors["time_zone"] = list(error.messages)
    if nation not in Nation.values:
        errors["nation"] = ["Choose where you work, for its bank holidays."]
    if errors:
        raise ValidationError(errors)
    pattern = Pattern(
        days={day: Period(start, end) for day, (start, end) in days.items()},
        time_zone=time_zone,
        nation=nation,
    )
    with bind_office(user.office_id, actor=user), transaction.atomic():
        row = WorkingPattern.objects.select_for_update().filter(user=user).first()
        if row is None:
            row = WorkingPattern(user=user)
        row.hours = pattern.as_hours()
        row.time_zone = time_zone
        row.nation = nation
        row.updated_at = timezone.now()
        row.save()
    cache.delete(_pattern_key(user))
    return row


def forget_working_pattern(user: User) -> None:
    """Go back to the default pattern. Causes an audit entry."""
    _require_active(user)
    with bind_office(user.office_id, actor=user), transaction.atomic():
        for row in WorkingPattern.objects.filter(user=user):
            row.delete()
    cache.delete(_pattern_key(user))


def who_has_set_a_pattern(manager: User) -> list[tuple[User, bool]]:
    """For a manager: each active member of staff and whether they have set a pattern.

    Never the pattern itself: that is its owner's alone.
    """
    if not is_manager(manager):
        raise PermissionDenied("Only managers can see who has set a working pattern.")
    with bind_office(manager.office_id, actor=manager):
        set_by = set(WorkingPattern.objects.values_list("user_id", flat=True))
        staff = list(
            User.objects.filter(office_id=manager.office_id, is_active=True).order_by(
                "full_name", "id"
            )
        )
    return [(person, person.pk in set_by) for person in staff]


def email_choice_of(user: User) -> str:
    with bind_office(user.office_id, actor=current_actor()):
        choice = (
            DeliveryPreference.objects.filter(user=user).values_list("email", flat=True).first()
        )
    return choice or EmailChoice.EACH


def set_email_choice(user: User, choice: str) -> None:
    """Each notification by e-mail, a daily digest, or none. Causes an audit entry."""
    _require_active(user)
    if choice not in EmailChoice.values:
        raise ValidationError({"email": ["Choose how notifications should reach you by e-mail."]})
    with bind_office(user.office_id, actor=user), transaction.atomic():
        row = DeliveryPreference.objects.select_for_update().filter(user=user).first()
        if row is None:
            DeliveryPreference.objects.create(user=user, email=choice)
        elif row.email != choice:
            row.email = choice
            row.save()


# --- Delivery -----------------------------------------------------------------------------


def arrival_for(recipient: User, *, now: datetime | None = None) -> datetime:
    """When an ordinary item sent at ``now`` would reach ``recipient``."""
    return working_time.next_working_start(_now(now), pattern_of(recipient))


def arrival_text(recipient: User, arrives_at: datetime, *, now: datetime | None = None) -> str:
    """ "Monday 09:00", in the recipient's own time zone (named if not London time)."""
    pattern = pattern_of(recipient)
    text = working_time.arrival_text(arrives_at, _now(now), pattern)
    if pattern.time_zone != working_time.DEFAULT.time_zone:
        text += f" ({pattern.time_zone} time)"
    return text


def deliver(
    recipient: User,
    *,
    subject: str,
    body: str = "",
    kind: str = Notification.Kind.OTHER,
    sender: User | None = None,
    link: str = "",
    warning_categories: Sequence[str] = (),
    urgent: bool = False,
    urgent_reason: str = "",
    safety: bool = False,
    now: datetime | None = None,
) -> Notification:
    """The one way a notification or colleague message reaches someone.

    Requires a sender (if any) of the recipient's office; an urgent item needs
    its reason and a sender who marked it. Causes a ``Notification`` (audited,
    text hidden). Within the recipient's working time, or urgent, or safety, it is
    delivered now and e-mailed as they chose (urgent and safety items always by
    e-mail at once). Otherwise it is held: a scheduled release at the start of
    their next working period. ``deliver_at`` says when it arrives.
    """
    now = _now(now)
    if sender is not None and sender.office_id != recipient.office_id:
        raise PermissionDenied("Notifications go only to people of the sender's office.")
    urgent_reason = " ".join(urgent_reason.split())
    if urgent and not safety:
        if sender is None:
            raise ValidationError({"urgent": ["Only a person can mark something urgent."]})
        if not urgent_reason:
            raise ValidationError({"urgent_reason": ["Say why this cannot wait."]})
        if len(urgent_reason) > URGENT_REASON_LIMIT:
            raise ValidationError(
                {"urgent_reason": [f"Keep the reason to {URGENT_REASON_LIMIT} characters."]}
            )
    categories = sorted({str(category).strip() for category in warning_categories} - {""})
    at_once = urgent or safety
    deliver_at = now if at_once else arrival_for(recipient, now=now)
    with bind_office(recipient.office_id, actor=sender or current_actor()), transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient,
            sender=sender,
            kind=Notification.Kind.SAFETY if safety else kind,
            subject=subject[:200],
            body=body,
            link=link,
            warning_categories=categories,
            urgent=urgent and not safety,
            urgent_reason=urgent_reason if urgent and not safety else "",
            safety=safety,
            created_at=now,
            deliver_at=deliver_at,
        )
        if deliver_at <= now:
            _mark_delivered(notification, now)
        else:
            schedule(
                RELEASE_TASK,
                deliver_at,
                [notification.pk],
                office=recipient.office,
                key=f"casewell.notify.release-{notification.pk}",
            )
    return notification


def _mark_delivered(notification: Notification, now: datetime) -> None:
    """Deliver in-app and arrange the e-mail; in the caller's transaction, so exactly once."""
    from casewell.notify.tasks import email_notification

    notification.delivered_at = now
    notification.save(update_fields=["delivered_at"])
    choice = email_choice_of(notification.recipient)
    if notification.urgent or notification.safety or choice == EmailChoice.EACH:
        email_notification.enqueue(notification.pk)
    elif choice == EmailChoice.DIGEST:
        recipient = notification.recipient
        schedule(
            DIGEST_TASK,
            working_time.next_period_start_after(now, pattern_of(recipient)),
            [recipient.pk],
            office=recipient.office,
            key=f"casewell.notify.digest-{recipient.pk}",
        )


def release_notification(notification_id: int, *, now: datetime | None = None) -> str:
    """Deliver a held item (the scheduler's job). Safe to run twice: the second does nothing."""
    now = _now(now)
    office_id = _office_of(notification_id)
    if office_id is None:
        return "gone"
    with bind_office(office_id), transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=notification_id)
        )
        if notification.delivered_at is not None:
            return "already delivered"
        _mark_delivered(notification, now)
    return "delivered"


def _office_of(notification_id: int) -> int | None:
    from casewell.offices.tenancy import across_all_offices

    with across_all_offices():
        return (
            Notification.all_offices.filter(pk=notification_id)
            .values_list("office_id", flat=True)
            .first()
        )


# --- Reading --------------------------------------------------------------------------------


def notifications_for(user: User, *, limit: int = 100) -> list[Notification]:
    """The person's delivered notifications, newest first (held ones are not theirs yet)."""
    with bind_office(user.office_id, actor=user):
        return list(_delivered_to(user).select_related("sender")[:limit])


def _delivered_to(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, delivered_at__isnull=False).order_by(
        "-delivered_at", "-id"
    )


def unread_count(user: User) -> int:
    with bind_office(user.office_id, actor=user):
        return _delivered_to(user).filter(read_at__isnull=True).count()


def get_notification_for(user: User, notification_id: Any) -> Notification:
    """One of the person's own delivered notifications; 404 for anything else."""
    with bind_office(user.office_id, actor=user):
        notification = get_for(user, Notification, notification_id)
        if notification.recipient_id != user.pk or notification.delivered_at is None:
            raise Http404("No notification found.")
    return notification


def mark_read(user: User, notification_id: Any, *, now: datetime | None = None) -> Notification:
    """Mark one of the person's notifications read. Causes an audit entry."""
    notification = get_notification_for(user, notification_id)
    if notification.read_at is None:
        with bind_office(user.office_id, actor=user), transaction.atomic():
            notification.read_at = _now(now)
            notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user: User, *, now: datetime | None = None) -> int:
    """Mark every delivered notification of the person read; how many were unread."""
    with bind_office(user.office_id, actor=user), transaction.atomic():
        return _delivered_to(user).filter(read_at__isnull=True).update(read_at=_now(now))


# --- Colleague messages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    notification: Notification
    held: bool
    arrives: str


def colleagues_of(user: User) -> list[User]:
    """The active people of the person's office they can message (not themselves)."""
    with bind_office(user.office_id, actor=user):
        return list(
            User.objects.filter(office_id=user.office_id, is_active=True)
            .exclude(pk=user.pk)
            .order_by("full_name", "id")
        )


def get_colleague_for(user: User, colleague_id: Any) -> User:
    """An active colleague in the person's office; 404 for anyone else."""
    found = next((c for c in colleagues_of(user) if str(c.pk) == str(colleague_id)), None)
    if found is None:
        raise Http404("No colleague found.")
    return found


def preview_arrival(sender: User, colleague_id: Any, *, now: datetime | None = None) -> str | None:
    """ "Monday 09:00" if a message sent now would be held; None if it would arrive at once."""
    now = _now(now)
    colleague = get_colleague_for(sender, colleague_id)
    arrives = arrival_for(colleague, now=now)
    return arrival_text(colleague, arrives, now=now) if arrives > now else None


def send_colleague_message(
    sender: User,
    colleague_id: Any,
    text: str,
    *,
    urgent: bool = False,
    urgent_reason: str = "",
    warning_categories: Iterable[str] = (),
    now: datetime | None = None,
) -> Sent:
    """Send a short message to a colleague of the same office, through ``deliver``.

    Requires an active sender, a colleague of their office (404 otherwise), text
    of at most 1,000 characters, and a reason if urgent. Causes a notification
    for the colleague, held until their working time unless urgent, behind a content
    warning when the distress detector finds something in the text.
    """
    _require_active(sender)
    now = _now(now)
    colleague = get_colleague_for(sender, colleague_id)
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Enter your message."]
    elif len(text) > MESSAGE_LIMIT:
        errors["text"] = [f"Keep your message to {MESSAGE_LIMIT:,} characters."]
    if urgent and not " ".join(urgent_reason.split()):
        errors["urgent_reason"] = ["Say why this cannot wait until they are next at work."]
    if errors:
        raise ValidationError(errors)
    # A colleague's words can be distressing too: the recipient is warned as for any mail.
    found = wellbeing.assess(text, wellbeing.office_lexicon_for(sender.office_id)).categories
    notification = deliver(
        colleague,
        subject=f"Message from {sender.full_name}",
        body=text,
        kind=Notification.Kind.MESSAGE,
        sender=sender,
        warning_categories=[*warning_categories, *found],
        urgent=urgent,
        urgent_reason=urgent_reason,
        now=now,
    )
    held = notification.deliver_at > now
    arrives = arrival_text(colleague, notification.deliver_at, now=now) if held else ""
    return Sent(notification=notification, held=held, arrives=arrives)


def messages_sent_by(user: User, *, limit: int = 50) -> list[Notification]:
    """Messages the person sent, newest first, with whether each has arrived yet."""
    with bind_office(user.office_id, actor=user):
        return list(
            Notification.objects.filter(sender=user, kind=Notification.Kind.MESSAGE)
            .select_related("recipient")
            .order_by("-created_at", "-id")[:limit]
        )
