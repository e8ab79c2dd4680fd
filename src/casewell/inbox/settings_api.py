"""API routes for where an office's mail comes in: inbox addresses and IMAP mailboxes.

Managers (and administrators) only; the same ``mail_settings`` services as the pages.
A mailbox's password is accepted, never returned. A refusal answers 422 with
``{"detail": "...", "errors": {"field": ["message", ...]}}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status

from casewell.api_common import ApiError, FieldErrors, refusals_named
from casewell.inbox import mail_settings
from casewell.offices.models import User
from casewell.offices.permissions import is_manager

router = Router(tags=["inbox settings"])


RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}


class AddressIn(Schema):
    address: str


class AddressOut(Schema):
    id: int
    address: str
    created_at: datetime


class MailboxIn(Schema):
    label: str = ""
    host: str = ""
    port: int | None = 993
    use_tls: bool = True
    username: str = ""
    password: str = ""
    folder: str = "INBOX"
    poll_every_seconds: int | None = 60


class MailboxOut(Schema):
    id: int
    label: str
    host: str
    port: int
    use_tls: bool
    username: str
    folder: str
    poll_every_seconds: int
    is_active: bool
    last_polled_at: datetime | None
    last_error: str


def manager(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not is_manager(user):
        raise PermissionDenied("Only managers can change where the office's mail comes from.")
    return user


@router.get(
    "/addresses",
    url_name="inbox_addresses",
    response={200: list[AddressOut], 403: ApiError},
    summary="The addresses whose mail comes into the office's inbox",
)
def addresses(request: HttpRequest) -> Any:
    return mail_settings.addresses_for(manager(request))


@router.post(
    "/addresses",
    url_name="inbox_addresses",
    response={201: AddressOut, **RESPONSES},
    summary="Take mail for an address into the office's inbox",
)
@refusals_named
def add_address(request: HttpRequest, payload: AddressIn) -> Any:
    return Status(201, mail_settings.add_address(manager(request), payload.address))


@router.delete(
    "/addresses/{inboxaddress_id}",
    response={204: None, **RESPONSES},
    summary="Stop taking mail for an address",
)
def remove_address(request: HttpRequest, inboxaddress_id: int) -> Any:
    user = manager(request)
    mail_settings.remove_address(
        user, mail_settings.get_address_for(user, inboxaddress_id, channel="api")
    )
    return Status(204, None)


@router.get(
    "/imap-mailboxes",
    url_name="inbox_imap_mailboxes",
    response={200: list[MailboxOut], 403: ApiError},
    summary="The IMAP mailboxes Casewell checks for the office (never their passwords)",
)
def mailboxes(request: HttpRequest) -> Any:
    return mail_settings.mailboxes_for(manager(request))


@router.post(
    "/imap-mailboxes",
    url_name="inbox_imap_mailboxes",
    response={201: MailboxOut, **RESPONSES},
    summary="Start checking an IMAP mailbox for new mail",
)
@refusals_named
def add_mailbox(request: HttpRequest, payload: MailboxIn) -> Any:
    return Status(201, mail_settings.add_mailbox(manager(request), **payload.dict()))


@router.delete(
    "/imap-mailboxes/{imapmailbox_id}",
    response={204: None, **RESPONSES},
    summary="Stop checking an IMAP mailbox and forget its password",
)
def remove_mailbox(request: HttpRequest, imapmailbox_id: int) -> Any:
    user = manager(request)
    mail_settings.remove_mailbox(
        user, mail_settings.get_mailbox_for(user, imapmailbox_id, channel="api")
    )
    return Status(204, None)
