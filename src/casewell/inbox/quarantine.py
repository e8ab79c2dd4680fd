"""Quarantined mail as managers see it: what could not be read, why, and retrying it.

Pages and the API call these. Each requires a manager (or administrator) of the office:
a quarantined message has not been read, so nobody yet knows whether its contents are
for everyone's eyes. Retrying is recorded in the audit trail (see ``services``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from casewell.inbox import services
from casewell.inbox.models import RawMessage, RawState
from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only managers can see and retry quarantined mail.")


def quarantined_for(user: User) -> list[RawMessage]:
    """The office's quarantined messages, newest first."""
    _require_manager(user)
    with bind_office(user.office, actor=user):
        return list(
            RawMessage.objects.filter(state=RawState.QUARANTINED).order_by("-received_at", "-pk")
        )


def get_raw_message_for(user: User, raw_message_id: object, *, channel: str = "page") -> RawMessage:
    """A raw message of the user's office (404 otherwise); managers only."""
    _require_manager(user)
    return get_for(user, RawMessage, raw_message_id, channel=channel)


def retry(user: User, raw_message: RawMessage) -> RawMessage:
    """Read a quarantined message again. ValidationError({"state": ...}) if it is not one."""
    _require_manager(user)
    return services.retry_quarantined(raw_message, by=user)
