"""Resolve the office once per request and keep everyone behind a second factor."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from casewell.offices.lockout import LOCKED_MESSAGE
from casewell.offices.tenancy import bind_office

# Paths a signed-in person may reach before enrolling a second factor.
OPEN_BEFORE_SECOND_FACTOR = ("/accounts/", "/static/", "/api/")
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


class OfficeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if not user.is_active or user.is_locked:
            # Locked or deactivated since signing in: the session ends at the next request.
            locked = user.is_locked
            logout(request)
            if locked:
                messages.error(request, LOCKED_MESSAGE)
            return redirect("account_login")
        if not request.path.startswith(OPEN_BEFORE_SECOND_FACTOR) and not has_second_factor(user):
            return redirect("mfa_activate_totp")
        with bind_office(user.office, actor=user):
            return self.get_response(request)
