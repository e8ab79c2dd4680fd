"""The sign-in forms: allauth's, in Casewell's words and under Casewell's lockout."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.core.exceptions import ValidationError

from casewell.offices import lockout
from casewell.offices.adapters import WRONG_CODE
from casewell.offices.models import User


class SignInForm(LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].error_messages["required"] = "Enter your email address"
        self.fields["login"].error_messages["invalid"] = (
            "Enter an email address in the right form, like name@example.org"
        )
        self.fields["password"].label = "Password"
        self.fields["password"].help_text = ""
        self.fields["password"].error_messages["required"] = "Enter your password"


class _LockoutAwareCode:
    """Checks the lockout before a second-factor code is looked at.

    A wrong code is counted by the ``authentication_failed`` signal (see
    ``signals.py``); this only turns attempts away while the account waits or
    is locked, and says how long to wait after a failure that started a wait.
    """

    user: User
    fields: dict[str, forms.Field]

    def _set_up_code_field(self) -> None:
        code = self.fields["code"]
        code.label = "Code"
        code.help_text = (
            "The 6-digit code your authenticator app shows for Casewell, "
            "or one of your recovery codes"
        )
        code.error_messages["required"] = "Enter the code from your authenticator app"
        code.widget.attrs.pop("placeholder", None)

    @property
    def has_security_key(self) -> bool:
        return Authenticator.objects.filter(
            user_id=self.user.pk, type=Authenticator.Type.WEBAUTHN
        ).exists()

    def clean_code(self) -> str:
        refusal = lockout.refusal_for(self.user)
        if refusal is not None:
            lockout.record_refused_attempt(self.user, refusal)
            raise ValidationError(refusal.message)
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError:
            self.user.refresh_from_db(
                fields=["failed_sign_ins", "last_failed_sign_in_at", "locked_at"]
            )
            refusal = lockout.refusal_for(self.user)
            if refusal is None:
                raise
            raise ValidationError(
                [refusal.message] if refusal.locked else [WRONG_CODE, refusal.message]
            ) from None


class SecondFactorForm(_LockoutAwareCode, AuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_up_code_field()


class SecondFactorAgainForm(_LockoutAwareCode, ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_up_code_field()
