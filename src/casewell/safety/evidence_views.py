"""Inbox messages as evidence of an incident: linked from the incident page, or from the
message's own page ("Record as a threatening contact", "Add to an incident").

Thin: the services look everything up through the user's office (404 otherwise) and
decide who may link what.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casewell.inbox.records import message_for
from casewell.safety import evidence
from casewell.safety import incidents as incident_log
from casewell.safety.forms import AddToIncidentForm, MessageEvidenceForm
from casewell.safety.views import _posted, _show_refusal

KEPT = "The message is kept as evidence, with its attachments, safe from deletion."


@login_required
@require_POST
def add_message_evidence(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The incident page's "Keep a message as evidence" form."""
    user = request.user
    record = incident_log.get_incident_for(user, incident_id)
    if not evidence.may_link(user, record):
        raise PermissionDenied("Only managers and whoever recorded it can add evidence.")
    form = MessageEvidenceForm(request.POST, messages=evidence.linkable_messages(user, record))
    if form.is_valid():
        try:
            evidence.link_message(
                user, record, form.cleaned_data["message_id"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, KEPT)
            return redirect("safety:incident", incident_id=record.pk)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("safety:incident", incident_id=record.pk)


@login_required
def add_message_to_incident(request: HttpRequest, message_id: int) -> HttpResponse:
    """From a message's page: choose the incident it is evidence of."""
    user = request.user
    message = message_for(user, message_id)
    if message is None:
        raise Http404("No message found.")
    incidents = evidence.incidents_to_add_to(user, message.person_id)
    form = AddToIncidentForm(_posted(request), incidents=incidents)
    if request.method == "POST" and form.is_valid():
        chosen = next(i for i in incidents if i.pk == form.cleaned_data["incident"])
        try:
            evidence.link_message(user, chosen, message.pk, note=form.cleaned_data["note"])
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, KEPT)
            return redirect("safety:incident", incident_id=chosen.pk)
    return render(
        request,
        "safety/add_message_to_incident.html",
        {"message": message, "form": form, "incidents": incidents},
    )
