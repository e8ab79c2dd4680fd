"""Personal API tokens: made, revoked, and recognised.

A token is shown once, when it is made; only its SHA-256 hash is kept, so a
copy of the database gives nobody a working token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casewell.offices.models import ApiToken, User
from casewell.offices.permissions import is_administrator
from casewell.offices.tenancy import across_all_offices, bind_office

# The prefix makes a leaked token easy to recognise (and to search for in logs).
TOKEN_PREFIX = "cw_"  # noqa: S105 - a label, not a secret
# A token in use is stamped at most this often, so busy scripts do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a personal token for ``user`` and return it with the token text.

    Requires an active, unlocked user. Causes an audit entry (without the hash).
    The token text is never stored: show it now or lose it.
    """
    name = name.strip()
    if not name:
        raise ValueError("A token needs a name that says what it is for.")
    if not user.is_active or user.is_locked:
        raise PermissionDenied("A deactivated or locked account cannot have API tokens.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with bind_office(user.office, actor=user), transaction.atomic():
        record = ApiToken.objects.create(
            office=user.office, user=user, name=name[:100], token_hash=hash_token(token)
        )
    return record, token


def revoke_token(user: User, token: ApiToken) -> ApiToken:
    """Stop ``token`` working. Its owner or an administrator of its office may.

    Causes an audit entry. Revoking a revoked token changes nothing.
    """
    # Bound first: on PostgreSQL the roles are only readable inside the office.
    with bind_office(user.office, actor=user), transaction.atomic():
        if token.office_id != user.office_id or (
            token.user_id != user.pk and not is_administrator(user)
        ):
            raise PermissionDenied("Only the token's owner or an administrator may revoke it.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def user_for_token(token: str) -> User | None:
    """The active, unlocked person whose live token this is, or None.

    Runs across all offices: the token is what tells us the office.
    Stamps ``last_used_at`` at most once a ``LAST_USED_RESOLUTION``.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    with across_all_offices():
        record = (
            ApiToken.all_offices.select_related("user", "user__office")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if record is None:
            return None
        user = record.user
        if not user.is_active or user.is_locked or user.office_id != record.office_id:
            return None
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
            # A plain update: use is not a change anyone needs in the audit trail.
            ApiToken.all_offices.filter(pk=record.pk).update(last_used_at=now)
    return user
