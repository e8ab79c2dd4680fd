"""The case pages: lists with filters and bulk actions, opening a case, and one case's page.

Thin: every case is looked up with ``services.get_case_for`` (another office's
or a restricted case is 404), every change goes through ``cases.services``,
and a service's refusal is shown on the form against the field it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casewell.cases import forms, list_page, services
from casewell.cases.case_page import case_page_context
from casewell.cases.models import CaseStatus, Tag
from casewell.next_page import safe_next
from casewell.offices.models import Team, User
from casewell.offices.permissions import is_manager
from casewell.people.services import find_people, get_person_for
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import ExposureAction
from casewell.wellbeing.suggestions import suggest_assignees_for_cases

PAGE_SIZE = 25
PEOPLE_FOUND = 10


def form_errors_from(
    form: Any, error: ValidationError, renamed: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form, against the field it names when the form has it."""
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            name = renamed.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def office_lists(user: User) -> dict[str, list[Any]]:
    """The office's statuses, categories, staff, teams and tags: one query each."""
    return {
        "statuses": list(CaseStatus.objects.filter(retired_at__isnull=True)),
        "categories": forms.office_categories(),
        "staff": forms.office_staff(user.office_id),
        "teams": list(Team.objects.order_by("name", "id")),
        "tags": list(Tag.objects.order_by("name", "id")),
    }


# --- Lists -------------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """Pages of a list whose total the filter counts already hold: no second count over it."""

    def __init__(self, object_list: Any, per_page: int, total: int) -> None:
        super().__init__(object_list, per_page)
        self.total = total

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.total


LIST_HEADINGS = {"mine": "My cases", "team": "Team cases", "all": "All cases"}


def _case_list(request: HttpRequest, scope: str) -> HttpResponse:
    user = request.user
    lists = office_lists(user)
    form = forms.CaseFilterForm(request.GET or None, **lists)
    filters = form.filters()
    if scope == "mine":
        filters["mine"] = True
        filters["assignee"] = None
    elif scope == "team":
        filters["my_teams"] = True
    sort = list_page.chosen_sort(request.GET.get("sort"))
    cases = list_page.sorted_cases(services.find_cases(user, **filters), sort)
    counts = services.case_counts(user, **filters)
    page = CountedPaginator(cases, PAGE_SIZE, counts["total"]).get_page(request.GET.get("page"))
    selected = list_page.selected_filters(form, request.GET)
    list_page.count_choices(form, counts)
    query = request.GET.copy()
    query.pop("page", None)
    bulk_form = forms.BulkActionForm(staff=lists["staff"], tags=lists["tags"])
    return render(
        request,
        "cases/case_list.html",
        {
            "heading": LIST_HEADINGS[scope],
            "scope": scope,
            "form": form,
            "bulk_form": bulk_form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "query": query.urlencode(),
            "columns": list_page.columns(query, sort, user.office.vocabulary),
            "selected": selected,
            "counts": counts,
            "in_a_team": scope != "team" or bool(user.team_memberships.exists()),
            "may_assign": not services.is_intern_only(user),
            "may_suggest": is_manager(user),
            "this_page": request.get_full_path(),
        },
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    return _case_list(request, "all")


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return _case_list(request, "mine")


@login_required
def team_cases(request: HttpRequest) -> HttpResponse:
    return _case_list(request, "team")


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    user = request.user
    back = safe_next(request, reverse("cases:list"))
    lists = office_lists(user)
    form = forms.BulkActionForm(request.POST, staff=lists["staff"], tags=lists["tags"])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    ids = form.cleaned_data["case"]
    if action == "assign":
        chosen = form.cleaned_data["assignee"]
        assignee = None if chosen in ("", services.NOBODY) else int(chosen)
        name = next((m.full_name for m in lists["staff"] if m.pk == assignee), "nobody")
        result = services.bulk_assign(user, ids, assignee=assignee)
        done = f"assigned to {name}"
    elif action == "tag":
        tag = int(form.cleaned_data["tag"])
        name = next((t.name for t in lists["tags"] if t.pk == tag), "")
        result = services.bulk_tag(user, ids, tag)
        done = f"tagged “{name}”"
    else:
        result = services.bulk_close(user, ids)
        done = "closed"
    return _bulk_result(request, result, done, back, action)


def _bulk_result(
    request: HttpRequest, result: services.BulkResult, done: str, back: str, action: str
) -> HttpResponse:
    return render(
        request,
        "cases/bulk_result.html",
        {
            "result": result,
            "refused": _refusals(result, request.user.office.reference_prefix),
            "done": done,
            "back": back,
            "action": forms.BULK_ACTIONS[action],
        },
    )


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """The selected cases' assign form, with who has room for them all (managers see the
    suggestions; caseworkers choose from the staff). Ticked on the list, posted here."""
    user = request.user
    if services.is_intern_only(user):
        raise PermissionDenied("Interns and volunteers may not assign cases.")
    back = safe_next(request, reverse("cases:list"))
    ids = request.POST.getlist("case")
    if not ids:
        messages.error(request, "Select the cases to change first.")
        return redirect(back)
    staff = forms.office_staff(user.office_id)
    sent = request.POST if request.POST.get("action") == "assign" else None
    form = forms.BulkAssignForm(sent, staff=staff)
    if form.is_valid():
        assignee = form.chosen()
        name = next((m.full_name for m in staff if m.pk == assignee), "nobody")
        result = services.bulk_assign(user, ids, assignee=assignee)
        return _bulk_result(request, result, f"assigned to {name}", back, "assign")
    try:
        picked = suggest_assignees_for_cases(user, ids)
    except PermissionDenied:  # suggestions carry colleagues' figures: managers only
        picked = None
    found, refused = services.selected_cases(user, ids)
    return render(
        request,
        "cases/bulk_assign.html",
        {
            "form": form,
            "picked": picked,
            "cases": list(found.values()),
            "refused": refused,
            "back": back,
        },
    )


def _refusals(result: services.BulkResult, prefix: str) -> list[tuple[str, str]]:
    """Each refused case as (its reference, or the id asked for; why it was refused)."""
    rows = []
    for case_id, reason in result.refused:
        reference, separator, why = reason.partition(": ")
        if separator and reference.startswith(f"{prefix}-"):
            rows.append((reference, why))
        else:
            rows.append((f"Case id {case_id}", reason))
    return rows


# --- Opening a case ----------------------------------------------------------------------------


def people_choices(user: User, search: str, chosen: str | None) -> list[tuple[str, str]]:
    """The people matching a search (a few), with the one already chosen first."""
    found: list[Any] = []
    if chosen:
        try:
            found.append(get_person_for(user, int(chosen)))
        except (ValueError, Http404):  # an unknown id, or another office's, is not offered
            found = []
    words = search.strip()
    if words:
        by_name = find_people(user, name=words)[:PEOPLE_FOUND]
        by_postcode = find_people(user, postcode=words)[:PEOPLE_FOUND]
        seen = {person.pk for person in found}
        for person in [*by_name, *by_postcode]:
            if person.pk not in seen:
                found.append(person)
                seen.add(person.pk)
    return [(str(person.pk), _person_label(person)) for person in found[: PEOPLE_FOUND + 1]]


def _person_label(person: Any) -> str:
    where = ", ".join(part for part in (person.address_line_1, person.postcode) if part)
    return f"{person.display_name}{f' ({where})' if where else ''}"


def kept(data: Any) -> dict[str, Any]:
    """What was typed before a search, to show again (ticked tags stay a list)."""
    return {name: values if name == "tags" else values[-1] for name, values in data.lists()}


@login_required
def open_case(request: HttpRequest) -> HttpResponse:
    user = request.user
    lists = office_lists(user)
    data = posted(request)
    chosen = (data or request.GET).get("person") or (data or request.GET).get("person_id")
    searching = data is not None and "find" in data
    search = (data.get("find_person", "") if data is not None else "").strip()
    people = people_choices(user, search, chosen)
    initial = {"assignee": str(user.pk), "person": chosen}
    form = forms.OpenCaseForm(
        data if not searching else None,
        initial=initial if not searching else {**kept(data), "person": chosen or ""},
        people=people,
        staff=lists["staff"],
        teams=lists["teams"],
        tags=lists["tags"],
        categories=lists["categories"],
        vocabulary=user.office.vocabulary,
    )
    if data is not None and not searching and form.is_valid():
        try:
            case = services.open_case(user, **form.details())
        except ValidationError as error:
            form_errors_from(
                form, error, {"subcategory": "category", "people": "person", "tags": "tags"}
            )
        else:
            messages.success(request, f"Case {case.reference} opened.")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/open_case.html",
        {
            "form": form,
            "people_found": people,
            "searched": searching,
            "search": search,
        },
    )


# --- One case ----------------------------------------------------------------------------------


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = services.get_case_for(request.user, case_id)
    record_exposure(request.user, case, ExposureAction.OPENED)
    context = case_page_context(request, case)
    return render(request, "cases/case_detail.html", context)
