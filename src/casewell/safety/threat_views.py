"""Pages about threats and harassment: safety markers, incidents and their evidence, designated
handlers and the support list for targeted staff.

Thin like the lone-working pages: records are looked up through the services' ``get_*_for``
(404 for anything the user may not see) and every change goes through the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casewell.inbox.records import message_for
from casewell.offices.permissions import is_manager
from casewell.people.services import get_person_for
from casewell.safety import evidence, handlers, markers, support
from casewell.safety import incidents as incident_log
from casewell.safety.forms import (
    EvidenceForm,
    FollowUpForm,
    HandlerForm,
    IncidentForm,
    MarkerForm,
    MessageEvidenceForm,
    SupportForm,
)
from casewell.safety.models import IncidentChannel
from casewell.safety.views import _posted, _show_refusal

# --- Safety markers ----------------------------------------------------------------------------


@login_required
def person_markers(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's safety markers; managers add one here."""
    user = request.user
    person = get_person_for(user, person_id)
    manager = is_manager(user)
    form = MarkerForm(_posted(request))
    if request.method == "POST":
        if not manager:
            raise PermissionDenied("Only managers can add safety markers.")
        if form.is_valid():
            try:
                markers.add_safety_marker(
                    user,
                    person,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    review_on=form.cleaned_data["review_on"],
                )
            except ValidationError as error:
                _show_refusal(form, error)
            else:
                messages.success(request, f"{person} now carries a safety marker.")
                return redirect("safety:person_markers", person_id=person.pk)
    return render(
        request,
        "safety/person_markers.html",
        {
            "person": person,
            "markers": markers.markers_for(person),
            "form": form,
            "is_manager": manager,
        },
    )


@login_required
@require_POST
def remove_marker(request: HttpRequest, safetymarker_id: int) -> HttpResponse:
    marker = markers.get_marker_for(request.user, safetymarker_id)
    markers.remove_safety_marker(request.user, marker)
    messages.success(request, "The safety marker has been removed.")
    return redirect("safety:person_markers", person_id=marker.person_id)


# --- Incidents --------------------------------------------------------------------------------


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "safety/incidents.html",
        {"incidents": list(incident_log.incidents_for(request.user)[:200])},
    )


@login_required
def new_incident(request: HttpRequest) -> HttpResponse:
    user = request.user
    person = get_person_for(user, request.GET["person"]) if request.GET.get("person") else None
    # "Record as a threatening contact" on a message's page: the message becomes evidence.
    message = message_for(user, request.GET["message"]) if request.GET.get("message") else None
    if request.GET.get("message") and message is None:
        raise Http404("No message found.")
    initial = {"person_id": person.pk if person else None}
    if message is not None:
        person = message.person
        initial = {
            "person_id": message.person_id,
            "channel": IncidentChannel.EMAIL,
            "happened_on": timezone.localdate(message.sent_at or message.created_at),
        }
    form = IncidentForm(_posted(request), user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = {
            "channel": data["channel"],
            "happened_on": data["happened_on"],
            "what_happened": data["what_happened"],
            "person_id": data["person_id"],
            "targeted_ids": data["targeted"],
        }
        try:
            if message is not None:
                record = evidence.record_threatening_message(user, message.pk, **details)
            else:
                record = incident_log.record_incident(user, **details)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The incident has been recorded.")
            return redirect("safety:incident", incident_id=record.pk)
    return render(
        request, "safety/new_incident.html", {"form": form, "person": person, "message": message}
    )


@login_required
def incident(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request.user
    record = incident_log.get_incident_for(user, incident_id)
    may_follow_up = is_manager(user) or record.recorded_by_id == user.pk
    form = FollowUpForm(
        _posted(request),
        initial={name: getattr(record, name) for name in incident_log.FOLLOW_UP_FIELDS},
    )
    if request.method == "POST":
        if not may_follow_up:
            raise PermissionDenied(
                "Only managers and whoever recorded it can record the follow-up."
            )
        if form.is_valid():
            try:
                incident_log.record_follow_up(user, record, **form.cleaned_data)
            except ValidationError as error:
                _show_refusal(form, error)
            else:
                messages.success(request, "The follow-up has been recorded.")
                return redirect("safety:incident", incident_id=record.pk)
    targeted = list(record.targeted.all())
    may_link = evidence.may_link(user, record)
    links = evidence.evidence_of(record)
    linked_messages = evidence.linked_messages(links)
    return render(
        request,
        "safety/incident.html",
        {
            "incident": record,
            "targeted": targeted,
            "form": form,
            "may_follow_up": may_follow_up,
            "evidence": [(link, linked_messages.get(link.pk)) for link in links],
            "message_form": (
                MessageEvidenceForm(messages=evidence.linkable_messages(user, record))
                if may_link
                else None
            ),
            "evidence_form": (
                EvidenceForm(entries=evidence.linkable_entries(user, record)) if may_link else None
            ),
            "is_manager": is_manager(user),
            "support": support.support_for(user) if user in targeted else [],
        },
    )


@login_required
@require_POST
def add_evidence(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request.user
    record = incident_log.get_incident_for(user, incident_id)
    if not evidence.may_link(user, record):
        raise PermissionDenied("Only managers and whoever recorded it can add evidence.")
    entries = evidence.linkable_entries(user, record)
    form = EvidenceForm(request.POST, entries=entries)
    if form.is_valid():
        try:
            evidence.link_evidence(
                user,
                record,
                timeline_entry_id=form.cleaned_data["timeline_entry"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "It is kept as evidence, safe from deletion.")
            return redirect("safety:incident", incident_id=record.pk)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("safety:incident", incident_id=record.pk)


@login_required
@require_POST
def release_evidence(request: HttpRequest, evidencelink_id: int) -> HttpResponse:
    link = evidence.get_evidence_for(request.user, evidencelink_id)
    evidence.release_evidence(request.user, link)
    messages.success(request, "It is no longer kept as evidence of this incident.")
    return redirect("safety:incident", incident_id=link.incident_id)


# --- Designated handlers -------------------------------------------------------------------


@login_required
def person_handler(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = get_person_for(user, person_id)
    manager = is_manager(user)
    routing = handlers.current_handler(person)
    form = HandlerForm(
        request.POST if request.POST.get("form") == "route" else None,
        office_id=user.office_id,
        initial={"handler": routing.handler_id if routing else None},
    )
    if request.method == "POST":
        if not manager:
            raise PermissionDenied("Only managers can change who handles a person's contact.")
        if request.POST.get("form") == "end":
            handlers.end_routing(user, person)
            messages.success(request, f"Contact from {person} goes to the usual staff again.")
            return redirect("safety:person_handler", person_id=person.pk)
        if form.is_valid():
            try:
                handlers.route_contact_to(
                    user,
                    person,
                    handler_id=form.cleaned_data["handler"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _show_refusal(form, error)
            else:
                messages.success(request, f"Contact from {person} now goes to one handler.")
                return redirect("safety:person_handler", person_id=person.pk)
    return render(
        request,
        "safety/person_handler.html",
        {
            "person": person,
            "routing": routing,
            "history": handlers.routing_history(person) if manager else [],
            "form": form,
            "is_manager": manager,
        },
    )


# --- Support for targeted staff --------------------------------------------------------------


@login_required
def support_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    manager = is_manager(user)
    form = SupportForm(_posted(request))
    if request.method == "POST":
        if not manager:
            raise PermissionDenied("Only managers can change the support list.")
        if form.is_valid():
            try:
                support.add_support_option(user, **form.cleaned_data)
            except ValidationError as error:
                _show_refusal(form, error)
            else:
                messages.success(request, "Added to the support list.")
                return redirect("safety:support")
    return render(
        request,
        "safety/support.html",
        {"options": support.support_for(user), "form": form, "is_manager": manager},
    )


@login_required
def support_option(request: HttpRequest, supportoption_id: int) -> HttpResponse:
    user = request.user
    option = support.get_support_option_for(user, supportoption_id)
    if not is_manager(user):
        raise PermissionDenied("Only managers can change the support list.")
    form = SupportForm(
        _posted(request),
        initial={"name": option.name, "how_to_reach": option.how_to_reach, "notes": option.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            support.change_support_option(user, option, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The support list has been changed.")
            return redirect("safety:support")
    return render(request, "safety/support_option.html", {"option": option, "form": form})


@login_required
@require_POST
def remove_support_option(request: HttpRequest, supportoption_id: int) -> HttpResponse:
    option = support.get_support_option_for(request.user, supportoption_id)
    support.remove_support_option(request.user, option)
    messages.success(request, f"{option.name} has been taken off the support list.")
    return redirect("safety:support")
