"""How allauth fits Casewell: nobody signs up; staff join by invitation.

The adapters also put failed sign-ins into Casewell's words: the backend
leaves the reason for a refusal on the request and ``authentication_failed``
turns it into the message the person reads.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from casewell.encryption import decrypt_text, encrypt_text
from casewell.offices.backends import REFUSAL_ATTRIBUTE

WRONG_PASSWORD = "The email address or password is not right."  # noqa: S105 - words
WRONG_CODE = "That code is not right. Check your authenticator app and try again."
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "email_password_mismatch": WRONG_PASSWORD,
        "incorrect_password": "The password is not right.",
        "too_many_login_attempts": "Too many attempts to sign in from here. Wait a few minutes.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """No second password prompt for someone enrolling straight after signing in.

        allauth asks for the password again before any change to the second
        factor. For a person who has none yet and gave their password moments
        ago (Casewell has just sent them to enrol), that is only an obstacle.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not (app == "allauth.mfa" and _enrolling_straight_after_password())

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
        if refusal is None:
            return  # allauth's own message: the e-mail address or password is not right
        told_wrong = [WRONG_PASSWORD] if refusal.after_failure and not refusal.locked else []
        raise ValidationError([*told_wrong, refusal.message])


class MFAAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": WRONG_CODE,
        "cannot_delete_authenticator": (
            "You cannot remove your only second factor. Add another one first: "
            "Casewell asks everyone for one."
        ),
    }

    # Second-factor keys and recovery-code seeds are stored encrypted, not in the clear.
    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def get_totp_label(self, user: object) -> str:
        return str(getattr(user, "email", user))

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Everyone keeps a second factor: the last TOTP or security key cannot go."""
        if authenticator.type not in SECOND_FACTORS:
            return True
        return Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=SECOND_FACTORS
        ).exclude(pk=authenticator.pk).exists()


def _enrolling_straight_after_password() -> bool:
    request = context.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists():
        return False
    records = get_authentication_records(request, user)
    latest = max((record.get("at", 0) for record in records), default=0)
    return time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT
