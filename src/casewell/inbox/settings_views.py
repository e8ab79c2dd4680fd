"""The mail settings pages: a manager adds and removes the office's inbox addresses and
the IMAP mailboxes Casewell polls. Thin: every change goes through ``mail_settings``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casewell.inbox import mail_settings
from casewell.inbox.settings_forms import AddressForm, MailboxForm
from casewell.offices.permissions import is_manager


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_refusal(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can change where the office's mail comes from.")


@login_required
def mail_in(request: HttpRequest) -> HttpResponse:
    """The office's inbox addresses and IMAP mailboxes; a new address is added here."""
    _manager(request)
    user = request.user
    form = AddressForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            added = mail_settings.add_address(user, form.cleaned_data["address"])
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, f"Mail for {added.address} now comes into this inbox.")
            return redirect("inbox_settings:mail_in")
    return render(
        request,
        "inbox/mail_in.html",
        {
            "form": form,
            "addresses": mail_settings.addresses_for(user),
            "mailboxes": mail_settings.mailboxes_for(user),
        },
    )


@login_required
@require_POST
def remove_address(request: HttpRequest, inboxaddress_id: int) -> HttpResponse:
    _manager(request)
    address = mail_settings.get_address_for(request.user, inboxaddress_id)
    mail_settings.remove_address(request.user, address)
    messages.success(request, f"Mail for {address.address} is no longer taken in.")
    return redirect("inbox_settings:mail_in")


@login_required
def new_mailbox(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = MailboxForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            mailbox = mail_settings.add_mailbox(request.user, **form.mailbox_fields())
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(
                request, f"Casewell now checks {mailbox.label} for new mail. "
                "Any problem it meets is shown on this page."
            )
            return redirect("inbox_settings:mail_in")
    return render(request, "inbox/imap_mailbox_new.html", {"form": form})


@login_required
@require_POST
def remove_mailbox(request: HttpRequest, imapmailbox_id: int) -> HttpResponse:
    _manager(request)
    mailbox = mail_settings.get_mailbox_for(request.user, imapmailbox_id)
    mail_settings.remove_mailbox(request.user, mailbox)
    messages.success(
        request, f"Casewell no longer checks {mailbox.label}; the mail it brought in stays."
    )
    return redirect("inbox_settings:mail_in")
