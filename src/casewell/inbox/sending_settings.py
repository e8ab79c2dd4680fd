"""How an office's mail goes out, as its managers set it: the SMTP server, who the mail
comes from, and the signature under every e-mail written in Casewell.

The page and the API call these. Changing them requires a manager (or administrator);
each change is audited (the password's value never). The password is written, never
read back: nothing here returns it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from casewell.inbox.models import SendingSettings, SmtpSecurity
from casewell.offices.models import User
from casewell.offices.permissions import is_manager
from casewell.offices.tenancy import bind_office

MAX_SIGNATURE = 5000


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only managers can change how the office's mail goes out.")


def sending_settings_for(manager: User) -> SendingSettings:
    """The office's sending settings (unsaved defaults when none were saved yet)."""
    _require_manager(manager)
    with bind_office(manager.office, actor=manager):
        return SendingSettings.objects.first() or SendingSettings(office=manager.office)


def _problems(fields: dict[str, Any]) -> dict[str, str]:
    problems = {}
    host = fields["host"]
    if any(character.isspace() for character in host) or "/" in host:
        problems["host"] = "Enter only the server's name, like smtp.example.org"
    port = fields["port"]
    if port is None or not 1 <= port <= 65535:
        problems["port"] = "Enter a port between 1 and 65535 (usually 587 or 465)"
    if fields["security"] not in SmtpSecurity.values:
        problems["security"] = "Choose how the connection to the server is made"
    if fields["from_address"]:
        try:
            validate_email(fields["from_address"])
        except ValidationError:
            problems["from_address"] = "Enter an e-mail address, like casework@example.org"
    if len(fields["signature"]) > MAX_SIGNATURE:
        problems["signature"] = f"Keep the signature to {MAX_SIGNATURE:,} characters"
    return problems


def save_sending_settings(
    manager: User,
    *,
    host: str = "",
    port: int | None = 587,
    security: str = SmtpSecurity.STARTTLS,
    username: str = "",
    password: str = "",
    from_address: str = "",
    from_name: str = "",
    signature: str = "",
) -> SendingSettings:
    """Save how the office's mail goes out. An empty password keeps the one saved; an empty
    server means the installation's own (and forgets the password). ValidationError naming
    each field that is wrong. Causes an audit entry."""
    _require_manager(manager)
    fields = {
        "host": (host or "").strip(),
        "port": port,
        "security": security or SmtpSecurity.STARTTLS,
        "username": (username or "").strip(),
        "from_address": (from_address or "").strip().lower(),
        "from_name": " ".join((from_name or "").split())[:200],
        "signature": (signature or "").strip("\n").rstrip(),
    }
    problems = _problems(fields)
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        saved = SendingSettings.objects.select_for_update().first() or SendingSettings(
            office=manager.office
        )
        for name, value in fields.items():
            setattr(saved, name, value)
        if password:
            saved.password = password
        elif not fields["host"]:
            saved.password = ""
        saved.updated_at = timezone.now()
        saved.save()
    return saved
