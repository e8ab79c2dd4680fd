"""Secrets kept in the database are encrypted, and the key can be rotated."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from casewell.encryption import decrypt_text, encrypt_text


def test_a_secret_round_trips_and_is_not_stored_in_the_clear():
    stored = encrypt_text("JBSWY3DPEHPK3PXP")

    assert "JBSWY3DPEHPK3PXP" not in stored
    assert decrypt_text(stored) == "JBSWY3DPEHPK3PXP"


def test_a_rotated_key_still_reads_what_the_old_key_wrote(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old_key]
    stored = encrypt_text("recovery seed")

    settings.ENCRYPTION_KEYS = [new_key, old_key]
    assert decrypt_text(stored) == "recovery seed"

    settings.ENCRYPTION_KEYS = [new_key]
    with pytest.raises(ImproperlyConfigured, match="without keeping the old one"):
        decrypt_text(stored)
