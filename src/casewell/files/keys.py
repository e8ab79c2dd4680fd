"""Each office's file key: made on first use, kept wrapped by the installation's master key.

The master key is ``CASEWELL_ENCRYPTION_KEY`` (see ``casewell.encryption``):
rotating it means putting a new key first and keeping the old one after it;
``rewrap_office_keys`` then re-encrypts every office key under the new one, after
which the old master key can be dropped. Files themselves are never re-encrypted.
"""

from __future__ import annotations

import base64
import secrets

from django.db import IntegrityError, transaction

from casewell.encryption import decrypt_text, encrypt_text
from casewell.files.models import OfficeKey
from casewell.offices.models import Office
from casewell.offices.tenancy import across_all_offices, bind_office, current_actor

KEY_BYTES = 32  # AES-256


def _wrap(key: bytes) -> str:
    return encrypt_text(base64.urlsafe_b64encode(key).decode())


def _unwrap(wrapped: str) -> bytes:
    return base64.urlsafe_b64decode(decrypt_text(wrapped))


# Each office's key, once read: receiving mail asks for it for every message, and
# unwrapping costs more than the rest of reading the row. A key never changes once
# made (rotating the master key rewraps, not replaces, it).
_keys: dict[int, bytes] = {}


def office_key(office: Office | int) -> bytes:
    """The office's file key, made (and stored wrapped) the first time it is needed."""
    office_id = office if isinstance(office, int) else office.pk
    if office_id in _keys:
        return _keys[office_id]
    key = _read_or_made(office_id)
    # Kept once its row is committed: a key made in a transaction that is then rolled
    # back must not go on encrypting files here that no other process could open.
    transaction.on_commit(lambda: _keys.setdefault(office_id, key))
    return key


def forget_office_keys() -> None:
    """Forget the keys read so far (for tests, whose offices' ids are used again)."""
    _keys.clear()


def _read_or_made(office_id: int) -> bytes:
    with bind_office(office_id, actor=current_actor()):
        existing = OfficeKey.objects.filter(office_id=office_id).first()
        if existing is not None:
            return _unwrap(existing.wrapped_key)
        key = secrets.token_bytes(KEY_BYTES)
        try:
            with transaction.atomic():
                OfficeKey.objects.create(office_id=office_id, wrapped_key=_wrap(key))
        except IntegrityError:
            # Another upload made the office's key at the same moment: use theirs.
            return _unwrap(OfficeKey.objects.get(office_id=office_id).wrapped_key)
        return key


def rewrap_office_keys() -> int:
    """Re-encrypt every office's key under the first master key. Returns how many changed.

    Run after putting a new key first in CASEWELL_ENCRYPTION_KEY; the old one may
    be removed once this has run. Causes an audit entry per office key.
    """
    changed = 0
    with across_all_offices(), transaction.atomic():
        for record in OfficeKey.all_offices.select_for_update().order_by("pk"):
            rewrapped = _wrap(_unwrap(record.wrapped_key))
            with bind_office(record.office_id, actor=None):
                record.wrapped_key = rewrapped
                record.save(update_fields=["wrapped_key"])
            changed += 1
    return changed
