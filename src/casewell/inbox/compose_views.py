"""Writing an e-mail from a case, trying again one that was not sent, and the office's
sending settings. Thin: the rules are in ``compose``, ``sending`` and ``sending_settings``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_POST

from casewell.inbox import compose, sending, sending_settings
from casewell.inbox.sending_forms import ComposeForm, SendingSettingsForm


def _show_refusal(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _case_mail_url(case_id: int) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id}) + "#case-mail"


@login_required
def send_from_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """Write an e-mail from the case (``?reply_to=<message>`` answers a message on it;
    ``?again=<outgoing>`` starts from an e-mail of the case that did not arrive)."""
    user = request.user
    case = compose.case_to_write_from(user, case_id)
    reply_to_id = request.POST.get("reply_to") or request.GET.get("reply_to")
    replying_to = compose.message_to_answer(user, case, reply_to_id) if reply_to_id else None
    case_files = compose.files_to_send(user, case)
    choices = [
        (item.key, f"{item.name} ({item.kind}, {filesizeformat(item.size)})")
        for item in case_files
    ]
    if request.method == "POST":
        form = ComposeForm(request.POST, file_choices=choices)
        if form.is_valid():
            try:
                outgoing = compose.send_from_case(
                    user, case, replying_to=replying_to, **form.cleaned_data
                )
            except ValidationError as error:
                _show_refusal(form, error)
            else:
                messages.success(
                    request, f"Your e-mail to {', '.join(outgoing.to)} is being sent. "
                    "It joins the timeline once it has gone.",
                )
                return redirect(_case_mail_url(case.pk))
    else:
        again = request.GET.get("again")
        # "Write it again": an e-mail that did not arrive, to correct its address and send.
        draft = (
            compose.draft_again(user, case, again)
            if again
            else compose.draft_for(user, case, replying_to)
        )
        form = ComposeForm(
            initial={
                "to": ", ".join(draft.to), "cc": ", ".join(draft.cc),
                "subject": draft.subject, "body": draft.body,
            },
            file_choices=choices,
        )
    return render(
        request,
        "inbox/compose.html",
        {"form": form, "case": case, "replying_to": replying_to, "has_files": bool(choices)},
    )


@login_required
@require_POST
def try_again(request: HttpRequest, outgoingmessage_id: int) -> HttpResponse:
    outgoing = compose.get_outgoing_for(request.user, outgoingmessage_id)
    try:
        sending.try_again(request.user, outgoing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Casewell is sending the e-mail to {', '.join(outgoing.to)} again."
        )
    if outgoing.case_id:
        return redirect(_case_mail_url(outgoing.case_id))
    if outgoing.campaign_id:
        return redirect("campaigns:campaign", campaign_id=outgoing.campaign_id)
    return redirect("inbox:triage")


@login_required
def sending_settings_page(request: HttpRequest) -> HttpResponse:
    """How the office's mail goes out: server, sender, signature. Managers only."""
    user = request.user
    saved = sending_settings.sending_settings_for(user)
    if request.method == "POST":
        form = SendingSettingsForm(request.POST)
        if form.is_valid():
            try:
                sending_settings.save_sending_settings(user, **form.cleaned_data)
            except ValidationError as error:
                _show_refusal(form, error)
            else:
                messages.success(request, "The office's mail now goes out as set here.")
                return redirect("inbox_settings:sending")
    else:
        form = SendingSettingsForm(
            initial={
                name: getattr(saved, name)
                for name in ("host", "port", "security", "username", "from_address",
                             "from_name", "signature")
            }
        )
    return render(
        request,
        "inbox/sending_settings.html",
        {"form": form, "has_password": bool(saved.encrypted_password)},
    )
