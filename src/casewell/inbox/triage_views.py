"""The inbox triage pages. Thin: the rules are in ``triage``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from casewell.inbox import triage


def _message_url(message_id: int) -> str | None:
    """The message's reading page, if this build has one (it is built separately)."""
    try:
        return reverse("inbox:message", kwargs={"message_id": message_id})
    except NoReverseMatch:
        return None


def _list(request: HttpRequest, view: str) -> HttpResponse:
    user = request.user
    counts = triage.view_counts(user)
    page = triage.page_of_rows(user, view, request.GET.get("page"))
    for row in page.object_list:
        row.url = _message_url(row.message.pk)
    errors = request.session.pop("inbox_triage_errors", None)
    return render(
        request,
        "inbox/triage_list.html",
        {
            "view": view,
            "heading": triage.VIEWS[view],
            "count": counts[view],
            "tabs": [
                {"view": key, "label": label, "count": counts[key],
                 "url": reverse(f"inbox:{key}")}
                for key, label in triage.VIEWS.items()
            ],
            "page": page,
            "staff": triage.office_staff(user),
            # Campaigns and answering the office's mail are for staff, not interns.
            "may_answer": not triage.is_intern_only(user),
            "errors": errors,
        },
    )


@login_required
def to_triage(request: HttpRequest) -> HttpResponse:
    return _list(request, "triage")


@login_required
def assigned_to_me(request: HttpRequest) -> HttpResponse:
    return _list(request, "mine")


@login_required
def all_assigned(request: HttpRequest) -> HttpResponse:
    return _list(request, "assigned")


def _back(request: HttpRequest, message_id: int) -> HttpResponse:
    view = request.POST.get("view")
    if view == "message":  # acted on from the message's own page
        return redirect("inbox:message", message_id=message_id)
    return redirect(f"inbox:{view}" if view in triage.VIEWS else "inbox:triage")


def _act(request: HttpRequest, message_id: int, action, done: str) -> HttpResponse:
    message = triage.get_message_for(request.user, message_id)
    try:
        action(message)
    except ValidationError as error:
        request.session["inbox_triage_errors"] = [
            {"field": field, "text": text}
            for field, texts in error.message_dict.items()
            for text in texts
        ]
    except PermissionDenied as error:
        request.session["inbox_triage_errors"] = [{"field": "", "text": str(error)}]
    else:
        messages.success(request, done.format(subject=message.subject or "(no subject)"))
    return _back(request, message_id)


@login_required
@require_POST
def assign(request: HttpRequest, message_id: int) -> HttpResponse:
    chosen = request.POST.get("assignee")
    if chosen == "me":
        chosen = str(request.user.pk)
    return _act(
        request, message_id,
        lambda message: triage.assign(request.user, message, chosen),
        "Message assigned.",
    )


@login_required
@require_POST
def archive(request: HttpRequest, message_id: int) -> HttpResponse:
    return _act(
        request, message_id, lambda message: triage.archive(request.user, message),
        "Message archived.",
    )


@login_required
@require_POST
def link_to_case(request: HttpRequest, message_id: int) -> HttpResponse:
    return _act(
        request, message_id,
        lambda message: triage.link_to_case(
            request.user, message, request.POST.get("reference", "")
        ),
        "Message put on the case.",
    )


@login_required
def open_case(request: HttpRequest, message_id: int) -> HttpResponse:
    """Confirm the summary, category and person, then open a case from the message."""
    user = request.user
    message = triage.get_message_for(user, message_id)
    errors: dict[str, list[str]] = {}
    values = {
        "summary": message.subject[:200],
        "category": str(message.suggested_category_id or ""),
        "include_person": bool(message.person_id),
    }
    if request.method == "POST":
        values = {
            "summary": request.POST.get("summary", ""),
            "category": request.POST.get("category", ""),
            "include_person": request.POST.get("include_person") == "yes",
        }
        try:
            case = triage.open_case_from_message(user, message, **values)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, f"Case {case.reference} opened from the message.")
            return redirect("inbox:triage")
    return render(
        request,
        "inbox/triage_open_case.html",
        {
            "message": message,
            "values": values,
            "categories": triage.case_choices(user),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
