"""Inbox pages. Thin: the quarantine's rules are in ``quarantine``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casewell.inbox import quarantine


@login_required
def quarantined(request: HttpRequest) -> HttpResponse:
    """Mail that could not be read, each with the reason and a Retry button."""
    return render(
        request,
        "inbox/quarantine.html",
        {"quarantined": quarantine.quarantined_for(request.user)},
    )


@login_required
@require_POST
def retry(request: HttpRequest, rawmessage_id: int) -> HttpResponse:
    raw_message = quarantine.get_raw_message_for(request.user, rawmessage_id)
    try:
        quarantine.retry(request.user, raw_message)
    except ValidationError:
        messages.info(request, "That message is no longer quarantined.")
    else:
        messages.success(
            request,
            f"The message from {raw_message.source or raw_message.get_door_display()} will be "
            "read again in a moment.",
        )
    return redirect("inbox:quarantine")
