"""Reading a message: the page, its HTML in a sandboxed frame, and its attachments.
Thin: who may read what is in ``reading``."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_exempt, csp_update
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from casewell.files.services import file_response
from casewell.inbox import reading, triage


def _wants_images(request: HttpRequest) -> bool:
    return request.GET.get("images") == "1"


@login_required
@csp_update({"frame-src": [SELF]})
def message(request: HttpRequest, message_id: int) -> HttpResponse:
    """One message: its headers, person and case, text, HTML (framed) and attachments."""
    shown = reading.read_message(request.user, message_id)
    body = shown.message
    context = {
        "reading": shown,
        "message": body,
        "images": _wants_images(request),
        "remote_images": shown.may_read and reading.has_remote_images(body.html_body),
        "attachments": [(a, reading.kind_of(a)) for a in shown.attachments if not a.is_inline],
        # Assigning to oneself from here; interns cannot assign (see ``triage.assign``).
        "may_assign_to_me": body.assignee_id != request.user.pk
        and not triage.is_intern_only(request.user),
        # Campaigns and answering the office's mail are for staff, not interns.
        "may_answer": not triage.is_intern_only(request.user),
    }
    return render(request, "inbox/message.html", context)


@login_required
@xframe_options_sameorigin
@csp_exempt()
def message_html(request: HttpRequest, message_id: int) -> HttpResponse:
    """The message's HTML, sanitised, as the frame's own document under its own strict policy."""
    shown = reading.readable_message(request.user, message_id)
    images = _wants_images(request)
    response = render(
        request,
        "inbox/message_frame.html",
        {"message": shown.message, "html": reading.sanitised_html(shown, remote_images=images)},
    )
    response["Content-Security-Policy"] = reading.frame_policy(shown, remote_images=images)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def message_attachment(
    request: HttpRequest, message_id: int, messageattachment_id: int
) -> HttpResponse:
    shown = reading.readable_message(request.user, message_id)
    attachment = reading.attachment_of(shown, messageattachment_id)
    assert attachment.stored_file is not None
    return file_response(attachment.stored_file, download_name=attachment.filename)
