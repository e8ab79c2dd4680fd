"""Sign-in by e-mail and password, slowed and then locked after repeated failures."""

from __future__ import annotations

from typing import Any

from allauth.account.app_settings import LOGIN_METHODS, LoginMethod
from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.userkit import filter_users_by_email
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from casewell.offices import lockout
from casewell.offices.models import User

# Where the backend leaves, for the sign-in form, why an attempt failed; the
# form turns it into words (see AccountAdapter.authentication_failed).
REFUSAL_ATTRIBUTE = "casewell_sign_in_refusal"


class LockoutAwareBackend(AuthenticationBackend):
    """allauth's e-mail backend, counting failures per account (see ``lockout``).

    A locked account, or one still inside its waiting time, is refused before
    its password is checked, so guessing gains nothing while it waits.
    """

    def authenticate(
        self, request: HttpRequest | None, **credentials: Any
    ) -> AbstractBaseUser | None:
        # Django makes a fresh backend for every call, so this is per attempt.
        self._request = request
        return super().authenticate(request, **credentials)

    def _authenticate_by_email(self, email: str, password: str) -> AbstractBaseUser | None:
        if not email or LoginMethod.EMAIL not in LOGIN_METHODS:
            return None
        users = filter_users_by_email(email, prefer_verified=True, for_login=True)
        if not users:
            refusal = lockout.unknown_address_refusal(email)
            if refusal is None:
                refusal = lockout.record_unknown_address_failure(email)
            self._leave_refusal(refusal)
            return None
        for user in users:
            if self._check_password(user, password):
                return user
        return None

    def _check_password(
        self, user: AbstractBaseUser | None, password: str
    ) -> AbstractBaseUser | None:
        if not isinstance(user, User):
            return None
        refusal = lockout.refusal_for(user)
        if refusal is not None:
            lockout.record_refused_attempt(user, refusal)
            self._leave_refusal(refusal)
            return None  # the password is not checked: allauth hashes a dummy to keep the timing
        self._did_check_password = True
        if not user.check_password(password):
            self._leave_refusal(lockout.record_failure(user, reason="Wrong password"))
            return None
        if not self.user_can_authenticate(user):
            self._stash_user(user)  # allauth shows its inactive-account page
            return None
        return user

    def _leave_refusal(self, refusal: lockout.Refusal | None) -> None:
        if self._request is not None:
            setattr(self._request, REFUSAL_ATTRIBUTE, refusal)
