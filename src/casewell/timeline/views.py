"""The timeline pages: a case's whole timeline, forms to add to it, one entry, and downloads.

Thin: the case is found with the cases domain's ``get_case_for`` (404 unless
the user may see it), the services do the work and check again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from casewell.cases.models import Case
from casewell.cases.services import get_case_for
from casewell.files.services import file_response
from casewell.next_page import safe_next
from casewell.safety.handlers import refuse_unless_may_read_attachment
from casewell.timeline import services
from casewell.timeline.forms import CallForm, DocumentForm, NoteForm, VisitForm, show_errors
from casewell.timeline.panel import panel_context


def case_page_url(case: Case) -> str:
    """The case's own page, where the timeline is shown with everything else."""
    try:
        return reverse("cases:detail", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        return reverse("timeline:case", kwargs={"case_id": case.pk})


@login_required
@require_GET
def case_timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    context = {"case": case, "case_url": case_page_url(case), **panel_context(request, case)}
    if request.htmx:
        return render(request, "timeline/_panel.html", context)
    return render(request, "timeline/case_timeline.html", context)


def _add_form_page(
    request: HttpRequest,
    case_id: int,
    *,
    form_class: type[forms.Form],
    template: str,
    save: Callable[[Any, Case, forms.Form], object],
    done: str,
    title: str,
    submit: str,
) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(request.user, case, form)
        except ValidationError as error:
            show_errors(form, error.message_dict)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(safe_next(request, case_page_url(case)))
    context = {
        "case": case,
        "form": form,
        "title": title,
        "submit": submit,
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "back_url": safe_next(request, case_page_url(case)),
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(request, template, context, status=400 if form.errors else 200)


# Given to a service in place of a date the form could not read, so the service still
# checks (and names the problems in) everything else in one go.
UNREADABLE_TIME = "unreadable"


def _occurred(form: forms.Form) -> Any:
    when = form.occurred_at()  # type: ignore[attr-defined]
    return UNREADABLE_TIME if form.errors else when


@login_required
@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, case_id: int) -> HttpResponse:
    return _add_form_page(
        request, case_id, form_class=NoteForm, template="timeline/add_note.html", done="Note added",
        title="Add a note", submit="Add note",
        save=lambda user, case, form: services.add_note(
            user, case, form.cleaned_data["text"], sensitive=form.cleaned_data["sensitive"]
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def log_call(request: HttpRequest, case_id: int) -> HttpResponse:
    def save(user: Any, case: Case, form: forms.Form) -> object:
        data = form.cleaned_data
        return services.record_call(
            user, case, direction=data["direction"], duration_minutes=data["duration_minutes"],
            text=data["text"], correspondent=data["correspondent"], occurred_at=_occurred(form),
        )  # fmt: skip

    return _add_form_page(
        request, case_id, form_class=CallForm, template="timeline/log_call.html",
        done="Call logged", title="Log a call", submit="Log call", save=save,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def log_visit(request: HttpRequest, case_id: int) -> HttpResponse:
    def save(user: Any, case: Case, form: forms.Form) -> object:
        data = form.cleaned_data
        return services.record_visit(
            user, case, text=data["text"], place=data["place"],
            duration_minutes=data["duration_minutes"], occurred_at=_occurred(form),
        )  # fmt: skip

    return _add_form_page(
        request, case_id, form_class=VisitForm, template="timeline/log_visit.html",
        done="Visit logged", title="Log a visit", submit="Log visit", save=save,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def upload_document(request: HttpRequest, case_id: int) -> HttpResponse:
    def save(user: Any, case: Case, form: forms.Form) -> object:
        uploaded = form.cleaned_data["file"]
        if uploaded is None:
            raise ValidationError({"file": "Select a file."})
        return services.add_document(
            user, case, uploaded, description=form.cleaned_data["description"]
        )

    return _add_form_page(
        request, case_id, form_class=DocumentForm, template="timeline/upload_document.html",
        done="Document uploaded", title="Upload a document", submit="Upload document", save=save,
    )  # fmt: skip


@login_required
@require_GET
def entry(request: HttpRequest, timelineentry_id: int) -> HttpResponse:
    """One entry in full: where a sensitive note is read (and the reading logged)."""
    opened = services.open_entry(request.user, timelineentry_id)
    case = opened.case
    return render(
        request,
        "timeline/entry.html",
        {"entry": opened, "case": case, "case_url": case_page_url(case)},
    )


@login_required
@require_GET
def attachment(request: HttpRequest, timelineattachment_id: int) -> HttpResponse:
    """Stream an attachment, decrypted, to someone who may see its case."""
    stored = services.attachment_for(request.user, timelineattachment_id)
    refuse_unless_may_read_attachment(request.user, timelineattachment_id)
    return file_response(stored, inline=request.GET.get("view") == "1")
