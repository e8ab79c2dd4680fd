"""The duress PIN: a number a worker types, when forced to, that looks like an ordinary
check-in but silently raises the highest alarm.

Whatever was typed (nothing, the duress PIN, any other digits) costs exactly one
hash comparison, so the time a request takes does not give the PIN away.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from casewell.offices.models import User
from casewell.safety.models import SafetySettings

PIN_PATTERN = re.compile(r"^\d{4,8}$")


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    # Compared against when there is no PIN to compare with, so both cost the same.
    return make_password("no duress pin set")


def settings_for(user: User) -> SafetySettings:
    """The user's safety settings, made empty the first time. Requires the user's office bound."""
    row, _ = SafetySettings.objects.get_or_create(user=user, defaults={"office_id": user.office_id})
    return row


def set_duress_pin(user: User, pin: str, *, confirm: str) -> None:
    """Set (or change) the user's own duress PIN. Causes an audit entry (without the PIN)."""
    pin = pin.strip()
    if not PIN_PATTERN.match(pin):
        raise ValidationError({"pin": "Enter a PIN of 4 to 8 digits"})
    if pin != confirm.strip():
        raise ValidationError({"confirm": "The two PINs are different: type the same PIN twice"})
    row = settings_for(user)
    row.duress_pin = make_password(pin)
    row.updated_at = timezone.now()
    row.save(update_fields=["duress_pin", "updated_at"])


def remove_duress_pin(user: User) -> None:
    row = settings_for(user)
    if row.duress_pin:
        row.duress_pin = ""
        row.updated_at = timezone.now()
        row.save(update_fields=["duress_pin", "updated_at"])


def is_duress_pin(user: User, typed: str) -> bool:
    """True if ``typed`` is the duress PIN: one hash comparison, whatever was typed."""
    row = SafetySettings.objects.filter(user=user).only("duress_pin").first()
    encoded = row.duress_pin if row is not None and row.duress_pin else _stand_in_hash()
    matches = check_password(typed.strip(), encoded)
    return bool(matches and typed.strip() and row is not None and row.duress_pin)
