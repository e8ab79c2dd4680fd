"""The one answer to "may this person see this record?".

Pages, the API, search, exports and notifications all ask ``may_see`` or use
``get_for``, which looks a record up *inside* the user's office and answers
404 for anything else, so nobody can learn that another office's record exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from casewell.offices.models import Role, User

RecordT = TypeVar("RecordT", bound=models.Model)


def may_see(user: Any, record: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_locked:
        return False
    if getattr(record, "office_id", None) != user.office_id:
        return False
    # A model with its own rules (a case restricted to named staff, say) adds them here.
    visible_to = getattr(record, "is_visible_to", None)
    return visible_to(user) if visible_to is not None else True


def get_for(user: User, model: type[RecordT], pk: Any, *, channel: str = "page") -> RecordT:
    """The record with this id in the user's office, if the user may see it; else 404."""
    from casewell.offices.audit import log_sensitive_read

    record = model._default_manager.filter(pk=pk).first() if _is_valid_pk(model, pk) else None
    if record is None or not may_see(user, record):
        raise Http404(f"No {model._meta.verbose_name} found.")
    if getattr(model, "sensitive", False):
        log_sensitive_read(user, record, channel=channel)
    return record


def _is_valid_pk(model: type[models.Model], pk: Any) -> bool:
    try:
        model._meta.pk.to_python(pk)
    except Exception:  # noqa: BLE001 - any unparseable id is simply "not found"
        return False
    return True


def is_administrator(user: User) -> bool:
    return user.has_role(Role.ADMINISTRATOR)


def is_manager(user: User) -> bool:
    return user.has_role(Role.MANAGER, Role.ADMINISTRATOR)
