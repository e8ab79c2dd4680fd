"""Where an office's mail comes in from, as its managers set it: the inbox addresses
the SMTP/LMTP receiver takes mail for, and the IMAP mailboxes Casewell polls.

The pages, the API and the command line all call these. Each requires a manager (or
administrator) of the office; each change is recorded in the audit trail (as every
tenant record's is, the password's value never). A mailbox's
password is written, never read back: nothing here returns it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from casewell.inbox import imap
from casewell.inbox.models import ImapMailbox, InboxAddress
from casewell.inbox.services import add_inbox_address
from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office

SHORTEST_POLL_SECONDS = 30
LONGEST_POLL_SECONDS = 24 * 60 * 60


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only managers can change where the office's mail comes from.")


def addresses_for(user: User) -> list[InboxAddress]:
    with bind_office(user.office, actor=user):
        return list(InboxAddress.objects.order_by("address"))


def mailboxes_for(user: User) -> list[ImapMailbox]:
    with bind_office(user.office, actor=user):
        return list(ImapMailbox.objects.order_by("label", "pk"))


def get_address_for(user: User, address_id: object, *, channel: str = "page") -> InboxAddress:
    return get_for(user, InboxAddress, address_id, channel=channel)


def get_mailbox_for(user: User, mailbox_id: object, *, channel: str = "page") -> ImapMailbox:
    return get_for(user, ImapMailbox, mailbox_id, channel=channel)


def add_address(manager: User, address: str) -> InboxAddress:
    """Take mail for ``address`` into the manager's office. ValidationError naming
    ``address`` if it is not an e-mail address or another office has it."""
    _require_manager(manager)
    wanted = (address or "").strip().lower()
    if not wanted:
        raise ValidationError({"address": "Enter the e-mail address, like casework@example.org"})
    try:
        validate_email(wanted)
    except ValidationError:
        raise ValidationError(
            {"address": "Enter an e-mail address in the right form, like casework@example.org"}
        ) from None
    with bind_office(manager.office, actor=manager), transaction.atomic():
        if InboxAddress.objects.filter(address=wanted).exists():
            raise ValidationError({"address": f"{wanted} already comes into this inbox"})
        added = add_inbox_address(manager.office, wanted)
    return added


def remove_address(manager: User, address: InboxAddress) -> None:
    """Stop taking mail for the address (the receiver refuses it from now on)."""
    _require_manager(manager)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        InboxAddress.objects.filter(pk=address.pk).delete()


def _mailbox_problems(fields: dict[str, Any]) -> dict[str, str]:
    problems = {}
    if not fields["label"]:
        problems["label"] = "Enter a name for the mailbox, like Casework inbox"
    if not fields["host"]:
        problems["host"] = "Enter the mail server's name, like imap.example.org"
    elif any(character.isspace() for character in fields["host"]) or "/" in fields["host"]:
        problems["host"] = "Enter only the server's name, like imap.example.org"
    port = fields["port"]
    if port is None or not 1 <= port <= 65535:
        problems["port"] = "Enter a port between 1 and 65535 (usually 993)"
    if not fields["username"]:
        problems["username"] = "Enter the user name for the mailbox"
    if not fields["password"]:
        problems["password"] = "Enter the mailbox's password"  # noqa: S105 - a message
    if not fields["folder"]:
        problems["folder"] = "Enter the folder to read, usually INBOX"
    every = fields["poll_every_seconds"]
    if every is None or not SHORTEST_POLL_SECONDS <= every <= LONGEST_POLL_SECONDS:
        problems["poll_every_seconds"] = (
            f"Check between every {SHORTEST_POLL_SECONDS} seconds and once a day "
            f"({LONGEST_POLL_SECONDS} seconds)"
        )
    return problems


def add_mailbox(
    manager: User,
    *,
    label: str,
    host: str,
    username: str,
    password: str,
    port: int | None = 993,
    use_tls: bool = True,
    folder: str = "INBOX",
    poll_every_seconds: int | None = 60,
) -> ImapMailbox:
    """Start polling an IMAP mailbox for the manager's office (first poll straight away).
    ValidationError naming each field that is wrong."""
    _require_manager(manager)
    fields = {
        "label": (label or "").strip(),
        "host": (host or "").strip(),
        "port": port,
        "use_tls": bool(use_tls),
        "username": (username or "").strip(),
        "password": password or "",
        "folder": (folder or "").strip(),
        "poll_every_seconds": poll_every_seconds,
    }
    problems = _mailbox_problems(fields)
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        mailbox = imap.add_imap_mailbox(manager.office, **fields)
    return mailbox


def remove_mailbox(manager: User, mailbox: ImapMailbox) -> None:
    """Stop polling the mailbox and forget it (and its password); mail already in stays."""
    _require_manager(manager)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        imap.remove_imap_mailbox(mailbox)
