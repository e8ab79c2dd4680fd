"""Protected-reading pages: each person's reading preferences, the office's own distress
phrases (managers change them), and flagging or unflagging an item by hand.

Thin: every change goes through ``casewell.wellbeing.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casewell.next_page import safe_next
from casewell.offices.permissions import is_manager
from casewell.wellbeing import services
from casewell.wellbeing.forms import FlagForm, OfficePhraseForm, ReadingPreferenceForm
from casewell.wellbeing.models import ItemKind


def _show_refusal(form: Any, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def reading_preferences(request: HttpRequest) -> HttpResponse:
    """Your own choice of when distressing content is kept behind a warning."""
    preference = services.preference_for(request.user)
    initial = {"choice": preference.choice, "categories": preference.categories}
    form = ReadingPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_reading_preference(
                request.user, form.cleaned_data["choice"], form.cleaned_data["categories"]
            )
        except ValidationError as refusal:
            _show_refusal(form, refusal)
        else:
            messages.success(request, "Your reading preferences are saved.")
            return redirect("wellbeing:reading_preferences")
    return render(request, "wellbeing/reading_preferences.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def office_phrases(request: HttpRequest) -> HttpResponse:
    """The office's own phrases, added to Casewell's lexicon; managers add and remove them."""
    manager = is_manager(request.user)
    form = OfficePhraseForm(request.POST or None)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied("Only a manager may change the office's distress phrases.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_office_phrase(
                    request.user, data["category"], data["phrase"], data["severity"]
                )
            except ValidationError as refusal:
                _show_refusal(form, refusal)
            else:
                messages.success(request, f"“{data['phrase']}” is added.")
                return redirect("wellbeing:office_phrases")
    context = {"form": form, "phrases": services.office_phrases(request.user), "manager": manager}
    return render(request, "wellbeing/office_phrases.html", context)


@login_required
@require_POST
def remove_office_phrase(request: HttpRequest, officephrase_id: int) -> HttpResponse:
    services.remove_office_phrase(request.user, officephrase_id)
    messages.success(request, "The phrase is removed.")
    return redirect("wellbeing:office_phrases")


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    """Flag or unflag one item by hand, with a reason (the page a failed attempt returns to)."""
    if kind not in ItemKind.values:
        from django.http import Http404

        raise Http404("No such kind of item.")
    services.item_for(request.user, kind, item_id)  # 404 unless the user may see it
    prefix = request.POST.get("prefix") or None
    form = FlagForm(request.POST or None, prefix=prefix)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if request.POST.get("action") == "unflag":
                services.unflag_by_hand(request.user, kind, item_id, reason)
                done = "The item is unflagged: it is shown without a warning."
            else:
                services.flag_by_hand(
                    request.user, kind, item_id, form.cleaned_data["categories"], reason
                )  # noqa: E501
                done = "The item is flagged: it is shown behind a content warning."
        except ValidationError as refusal:
            _show_refusal(form, refusal)
        else:
            messages.success(request, done)
            return redirect(safe_next(request, "/"))
    assessment = services.assessment_of(request.user, kind, item_id)
    context = {
        "form": form, "kind": kind, "item_id": item_id, "assessment": assessment,
        "next": safe_next(request, "/"), "kind_label": ItemKind(kind).label.lower(),
        "warning": services.warning_text(assessment.categories) if assessment else "",
    }  # fmt: skip
    return render(request, "wellbeing/flag.html", context)
