"""Sign-in events into the audit trail, and wrong second-factor codes into the lockout count.

These happen outside a bound request (before the middleware knows who is
signed in, or after they have gone), so each entry binds the person's own office.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from casewell.offices import lockout
from casewell.offices.audit import record_event
from casewell.offices.models import AuditEntry, User
from casewell.offices.tenancy import bind_office

FACTOR_NAMES = {
    Authenticator.Type.TOTP: "authenticator app",
    Authenticator.Type.RECOVERY_CODES: "recovery codes",
    Authenticator.Type.WEBAUTHN: "security key",
}


def _factor(authenticator: Authenticator) -> str:
    return FACTOR_NAMES.get(authenticator.type, str(authenticator.type))


def _record(user: Any, action: str, detail: str = "", actor: User | None = None) -> None:
    if not isinstance(user, User):
        return
    with bind_office(user.office_id, actor=actor or user):
        record_event(user.office_id, action, actor=actor or user, subject=user, detail=detail)


# allauth's signal, not Django's: it fires only once every stage (the second
# factor included) is passed, and never for a test's force_login.
@receiver(account_signals.user_logged_in, dispatch_uid="casewell-signed-in")
def signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    lockout.record_success(user)
    _record(user, AuditEntry.Action.SIGNED_IN)


@receiver(auth_signals.user_logged_out, dispatch_uid="casewell-signed-out")
def signed_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    _record(user, AuditEntry.Action.SIGNED_OUT)


@receiver(mfa_signals.authentication_failed, dispatch_uid="casewell-second-factor-failed")
def second_factor_failed(
    sender: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    asked_again = kwargs.get("reauthentication")
    what = "Wrong code when asked again" if asked_again else "Wrong second-factor code"
    lockout.record_failure(user, reason=what)


@receiver(mfa_signals.authenticator_added, dispatch_uid="casewell-factor-added")
def factor_added(sender: Any, user: User, authenticator: Authenticator, **kwargs: Any) -> None:
    request = kwargs.get("request")
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        # Adding it took a valid code (or the key itself): that proves the second factor,
        # so the recovery codes page shown next need not ask for the password again.
        record_authentication(
            request, user, "mfa", reauthenticated=True, id=authenticator.pk, type=authenticator.type
        )
    _record(user, AuditEntry.Action.SECOND_FACTOR, f"Added {_factor(authenticator)}")


@receiver(mfa_signals.authenticator_removed, dispatch_uid="casewell-factor-removed")
def factor_removed(sender: Any, user: User, authenticator: Authenticator, **kwargs: Any) -> None:
    _record(user, AuditEntry.Action.SECOND_FACTOR, f"Removed {_factor(authenticator)}")


@receiver(mfa_signals.authenticator_reset, dispatch_uid="casewell-factor-reset")
def factor_reset(sender: Any, user: User, authenticator: Authenticator, **kwargs: Any) -> None:
    _record(user, AuditEntry.Action.SECOND_FACTOR, f"Made new {_factor(authenticator)}")


@receiver(account_signals.password_changed, dispatch_uid="casewell-password-changed")
@receiver(account_signals.password_reset, dispatch_uid="casewell-password-reset")
def password_changed(sender: Any, user: User, **kwargs: Any) -> None:
    _record(user, AuditEntry.Action.CHANGED, "Password changed")
