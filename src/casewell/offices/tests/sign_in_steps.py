"""Steps shared by the sign-in tests: codes from a secret, and the two sign-in forms."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from casewell.testing.cast import PASSWORD


def totp_code(secret: str) -> str:
    """The code an authenticator app would show right now (time-machine moves 'now' too)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def enter_password(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def enter_code(client: Client, code: str):
    return client.post("/accounts/2fa/authenticate/", {"code": code})


def page_errors(response) -> list[str]:
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]
