"""The signature on every safety webhook, both ways (``safety/texts.py`` describes its use).

``X-Casewell-Signature: sha256=<hex>``: the HMAC-SHA256 of the raw body, keyed with the
office's webhook secret.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Casewell-Signature"


def signature_for(secret: str, body: bytes) -> str:
    """The header value for ``body``: ``sha256=`` and the hex HMAC-SHA256 keyed with ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed_by(secret: str, body: bytes, header: str | None) -> bool:
    """True if ``header`` is the signature of ``body`` with ``secret`` (constant-time)."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature_for(secret, body), header.strip())
