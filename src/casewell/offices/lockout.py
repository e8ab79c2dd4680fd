"""Failed sign-ins slow down, then lock the account; an administrator unlocks it.

Counting is per account, kept on the User row (``failed_sign_ins``,
``last_failed_sign_in_at``, ``locked_at``), so it holds across processes and
restarts. After ``SIGN_IN_FAILURES_BEFORE_SLOWING`` consecutive failures each
further attempt must wait 2^(failures - threshold) seconds (capped) after the
last failure; an attempt made sooner is refused without the password being
checked. At ``SIGN_IN_FAILURES_BEFORE_LOCKING`` the account is locked and every
administrator of the office is told by e-mail, through a job enqueued in the
same transaction as the lock.

Unknown e-mail addresses get the same treatment from a counter in the cache, so
the answers given never tell an attacker whether an address has an account.
"""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from casewell.offices.audit import record_event
from casewell.offices.models import AuditEntry, Role, StaffRole, User
from casewell.offices.tenancy import bind_office

logger = logging.getLogger(__name__)

# The longest anyone is made to wait between attempts before the lock.
LONGEST_WAIT_SECONDS = 15 * 60
# How long the counter for an address with no account is remembered.
UNKNOWN_ADDRESS_MEMORY_SECONDS = 24 * 60 * 60

LOCKED_MESSAGE = (
    "This account is locked because of too many failed attempts to sign in. "
    "Ask an administrator in your office to unlock it."
)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt to sign in is not being checked: the account is locked, or must wait."""

    locked: bool = False
    wait_seconds: int = 0
    # True when this attempt was checked and failed (the wait starts now),
    # False when it was turned away unchecked.
    after_failure: bool = False

    @property
    def message(self) -> str:
        if self.locked:
            return LOCKED_MESSAGE
        return (
            "There have been too many failed attempts to sign in to this account. "
            f"Wait {plain_duration(self.wait_seconds)} before you try again."
        )


def plain_duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)  # round up: telling someone too short a wait fails them again
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def wait_after(failures: int) -> int:
    """Seconds to wait after the last of ``failures`` consecutive failures."""
    over = failures - settings.SIGN_IN_FAILURES_BEFORE_SLOWING
    if over < 0:
        return 0
    return min(2**over, LONGEST_WAIT_SECONDS)


def _refusal(
    failures: int, last_failed_at: datetime | None, locked: bool, now: datetime
) -> Refusal | None:
    if locked:
        return Refusal(locked=True)
    if last_failed_at is None:
        return None
    remaining = (last_failed_at + timedelta(seconds=wait_after(failures)) - now).total_seconds()
    if remaining <= 0:
        return None
    return Refusal(wait_seconds=max(1, int(-(-remaining // 1))))


def refusal_for(user: User, now: datetime | None = None) -> Refusal | None:
    """Whether an attempt to sign in as ``user`` right now is refused unchecked, and why."""
    return _refusal(
        user.failed_sign_ins, user.last_failed_sign_in_at, user.is_locked, now or timezone.now()
    )


def record_failure(user: User, *, reason: str) -> Refusal | None:
    """Count one failed attempt (wrong password or wrong second-factor code).

    Causes a ``sign_in_failed`` audit entry; at the locking threshold it locks
    the account, records ``locked`` and enqueues the administrators' e-mail in
    the same transaction. Returns what the next attempt will meet.
    """
    now = timezone.now()
    with transaction.atomic():
        # Locked row: two attempts at once must not both read the same count.
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_locked:
            return Refusal(locked=True, after_failure=True)
        user.failed_sign_ins += 1
        user.last_failed_sign_in_at = now
        lock = user.failed_sign_ins >= settings.SIGN_IN_FAILURES_BEFORE_LOCKING
        if lock:
            user.locked_at = now
        user.save(update_fields=["failed_sign_ins", "last_failed_sign_in_at", "locked_at"])
        with bind_office(user.office_id):
            record_event(
                user.office_id, AuditEntry.Action.SIGN_IN_FAILED, subject=user,
                detail=f"{reason} (failed attempt {user.failed_sign_ins} in a row)",
            )
            if lock:
                record_event(
                    user.office_id, AuditEntry.Action.LOCKED, subject=user,
                    detail=f"Locked after {user.failed_sign_ins} failed attempts to sign in.",
                )
                tell_administrators_account_locked.enqueue(user.pk, now.isoformat())
    refusal = refusal_for(user, now)
    return replace(refusal, after_failure=True) if refusal else None


def record_refused_attempt(user: User, refusal: Refusal) -> None:
    """Audit an attempt that was turned away unchecked; it does not add to the count."""
    with bind_office(user.office_id):
        record_event(
            user.office_id, AuditEntry.Action.SIGN_IN_FAILED, subject=user,
            detail="Refused unchecked: account locked" if refusal.locked
            else f"Refused unchecked: {refusal.wait_seconds} s still to wait",
        )


def record_success(user: User) -> None:
    """A completed sign-in (password and second factor) clears the count of failures."""
    if user.failed_sign_ins or user.last_failed_sign_in_at:
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, last_failed_sign_in_at=None)
        user.failed_sign_ins, user.last_failed_sign_in_at = 0, None


def unlock_account(admin: User, user: User) -> None:
    """Unlock ``user`` and clear the count of failures.

    Requires ``admin`` to be an administrator of ``user``'s office (otherwise
    PermissionDenied). Causes an ``unlocked`` audit entry naming the administrator.
    """
    if admin.office_id != user.office_id:
        raise PermissionDenied("Only an administrator of the same office can unlock an account.")
    with bind_office(user.office_id, actor=admin), transaction.atomic():
        # Asked inside the binding: on PostgreSQL the roles are behind the office wall.
        if not StaffRole.objects.filter(user=admin, role=Role.ADMINISTRATOR).exists():
            raise PermissionDenied("Only an administrator of the office can unlock an account.")
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_locked and not user.failed_sign_ins:
            return
        was_locked = user.is_locked
        user.locked_at = None
        user.failed_sign_ins = 0
        user.last_failed_sign_in_at = None
        user.save(update_fields=["failed_sign_ins", "last_failed_sign_in_at", "locked_at"])
        record_event(
            user.office_id, AuditEntry.Action.UNLOCKED, actor=admin, subject=user,
            detail="Unlocked by an administrator" if was_locked
            else "Failed attempts to sign in cleared by an administrator",
        )


# --- Addresses with no account -------------------------------------------------------

def _unknown_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"casewell:sign-in:unknown:{digest}"


def unknown_address_refusal(email: str, now: datetime | None = None) -> Refusal | None:
    failures, last = cache.get(_unknown_key(email), (0, None))
    locked = failures >= settings.SIGN_IN_FAILURES_BEFORE_LOCKING
    return _refusal(failures, last, locked, now or timezone.now())


def record_unknown_address_failure(email: str) -> Refusal | None:
    """Count a failure for an address with no account, exactly as an account's would count."""
    now = timezone.now()
    key = _unknown_key(email)
    failures, _ = cache.get(key, (0, None))
    cache.set(key, (failures + 1, now), UNKNOWN_ADDRESS_MEMORY_SECONDS)
    refusal = unknown_address_refusal(email, now)
    return replace(refusal, after_failure=True) if refusal else None


# --- Telling the administrators ----------------------------------------------------------

@task()
def tell_administrators_account_locked(user_id: int, locked_at: str) -> int:
    """E-mail every administrator of the locked person's office; returns how many were told.

    Runs once in its effect: an audit entry records that the administrators
    were told about this lock, and a second run finds it and sends nothing.
    Sends nothing if the account has been unlocked (or locked again) since.
    """
    user = User.objects.select_related("office").get(pk=user_id)
    if user.locked_at is None or user.locked_at != datetime.fromisoformat(locked_at):
        return 0
    told = f"Administrators told that the account was locked at {locked_at}"
    with bind_office(user.office_id):
        if AuditEntry.objects.filter(
            action=AuditEntry.Action.OTHER, subject_type=user._meta.label,
            subject_id=str(user.pk), detail=told,
        ).exists():
            return 0
        administrators = [
            role.user for role in StaffRole.objects.select_related("user").filter(
                role=Role.ADMINISTRATOR, user__is_active=True
            ).order_by("user__email")
        ]
        if not administrators:
            logger.warning("Account %s was locked but its office has no administrator.", user_id)
        context = {
            "person": user, "office": user.office,
            "failures": user.failed_sign_ins,
            "locked_at": timezone.localtime(
                user.locked_at, zoneinfo.ZoneInfo(user.office.time_zone)
            ),
        }
        subject = render_to_string("account/email/casewell_account_locked_subject.txt", context)
        body = render_to_string("account/email/casewell_account_locked_message.txt", context)
        messages = [
            EmailMessage(" ".join(subject.split()), body, to=[admin.email])
            for admin in administrators
        ]
        sent = get_connection().send_messages(messages) or 0
        record_event(user.office_id, AuditEntry.Action.OTHER, subject=user, detail=told)
    return sent

