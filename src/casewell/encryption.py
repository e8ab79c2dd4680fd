"""Encryption of secrets Casewell keeps in its database (second-factor keys).

Fernet (AES with an HMAC, from the cryptography package) under
``settings.ENCRYPTION_KEYS``: the first key encrypts, every key decrypts, so a
key is rotated by putting the new one first.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "CASEWELL_ENCRYPTION_KEY must be one or more Fernet keys separated by commas; make one "
            "with: python3 -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


def check_keys() -> None:
    """Raise ImproperlyConfigured, in words, if the keys cannot be used."""
    _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    return _fernet(tuple(settings.ENCRYPTION_KEYS)).encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet(tuple(settings.ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with CASEWELL_ENCRYPTION_KEY: the key was "
            "changed without keeping the old one after the new (comma-separated)."
        ) from None
