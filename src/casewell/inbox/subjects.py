"""A subject as threading compares it, and the short key of it each Message stores.

Kept apart from ``inbox.threading`` so the Message model can fill its key on save.
"""

from __future__ import annotations

import re

# The stored key: the normalised subject's start, enough to find the few earlier
# messages that may match (threading then compares the whole subject).
KEY_LENGTH = 200

# Prefixes mail programs put before a subject, in several languages, and the
# "external sender" warnings organisations add; repeated and mixed ("RE: Fwd: AW:").
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:"
    r"(?:re|fwd?|aw|wg|sv|vs|vb|antw|rif|r|tr|res|odp|ynt|enc|doorst)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]"
    r"|\[\s*external\s*\]|\(\s*external\s*\)|\*+\s*external\s*\*+|external\s*:"
    r"|(?:automatic\s+reply|auto(?:matic)?[- ]?reply|out\s+of\s+(?:the\s+)?office"
    r"|undeliverable|delivery\s+status\s+notification\s*\(failure\))\s*:"
    r")\s*",
    re.IGNORECASE,
)
# A case reference as Casewell writes it in a subject, with any prefix.
BRACKETED_REFERENCE = re.compile(r"\[\s*([A-Za-z0-9]{1,8})-(\d{4})-(\d{1,9})\s*\]")


def normalise_subject(subject: str) -> str:
    """The subject as threading compares it: reply and forward prefixes, external-sender
    warnings and case references gone, spaces folded, case folded.

    >>> normalise_subject("RE: Fwd: [EXTERNAL]  Damp  in my flat")
    'damp in my flat'
    """
    text = BRACKETED_REFERENCE.sub(" ", subject or "")
    while True:
        shorter = _SUBJECT_PREFIX.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    return " ".join(text.split()).casefold()


def subject_key(subject: str) -> str:
    """What ``Message.thread_subject`` holds: the start of the normalised subject."""
    return normalise_subject(subject)[:KEY_LENGTH]
