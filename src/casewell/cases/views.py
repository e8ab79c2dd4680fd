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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from casewell.cases import forms, list_page, services
from casewell.cases.case_page import case_page_context
from casewell.cases.models import Case, CaseStatus, Tag
from casewell.directory.services import find_in_directory
from casewell.offices.models import Team, User
from casewell.people.services import find_people, get_person_for

PAGE_SIZE = 25
PEOPLE_FOUND = 10


def _form_errors_from(
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


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _office_lists(user: User) -> dict[str, list[Any]]:
    """The office's statuses, categories, staff, teams and tags: one query each."""
    return {
        "statuses": list(CaseStatus.objects.filter(retired_at__isnull=True)),
        "categories": forms.office_categories(),
        "staff": forms.office_staff(user.office_id),
        "teams": list(Team.objects.order_by("name", "id")),
        "tags": list(Tag.objects.order_by("name", "id")),
    }


# --- Lists -------------------------------------------------------------------------------------

LIST_HEADINGS = {"mine": "My cases", "team": "Team cases", "all": "All cases"}


def _case_list(request: HttpRequest, scope: str) -> HttpResponse:
    user = request.user
    lists = _office_lists(user)
    form = forms.CaseFilterForm(request.GET or None, **lists)
    filters = form.filters()
    if scope == "mine":
        filters["mine"] = True
        filters["assignee"] = None
    elif scope == "team":
        filters["my_teams"] = True
    sort = list_page.chosen_sort(request.GET.get("sort"))
    cases = list_page.sorted_cases(services.find_cases(user, **filters), sort)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = services.case_counts(user, **filters)
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
    back = _safe_next(request, reverse("cases:list"))
    lists = _office_lists(user)
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
    return render(
        request,
        "cases/bulk_result.html",
        {
            "result": result,
            "refused": _refusals(result, user.office.reference_prefix),
            "done": done,
            "back": back,
            "action": forms.BULK_ACTIONS[action],
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


def _people_choices(user: User, search: str, chosen: str | None) -> list[tuple[str, str]]:
    """The people matching a search (a few), with the one already chosen first."""
    found: list[Any] = []
    if chosen:
        try:
            found.append(get_person_for(user, int(chosen)))
        except (ValueError, Exception):  # noqa: BLE001 - an unknown id is simply not offered
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


@login_required
def open_case(request: HttpRequest) -> HttpResponse:
    user = request.user
    lists = _office_lists(user)
    data = _posted(request)
    chosen = (data or request.GET).get("person") or (data or request.GET).get("person_id")
    searching = data is not None and "find" in data
    search = (data.get("find_person", "") if data is not None else "").strip()
    people = _people_choices(user, search, chosen)
    initial = {"assignee": str(user.pk), "person": chosen}
    form = forms.OpenCaseForm(
        data if not searching else None,
        initial=initial if not searching else {**data.dict(), "person": chosen or ""},
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
            _form_errors_from(
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
    context = case_page_context(request, case)
    return render(request, "cases/case_detail.html", context)


def _case_form_page(
    request: HttpRequest,
    case: Case,
    form: Any,
    *,
    title: str,
    template: str = "cases/case_form.html",
    button: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request, template, {"case": case, "form": form, "title": title, "button": button, **extra}
    )


def _require_change(user: User, case: Case) -> None:
    if not services.may_change(user, case):
        raise PermissionDenied("Interns and volunteers may change only the cases assigned to them.")


@login_required
def change_status(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    form = forms.ChangeStatusForm(_posted(request), statuses=services.allowed_next_statuses(case))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.change_status(
                user, case, int(form.cleaned_data["status"]), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"The case is now {case.status.name.lower()}.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title="Change the status",
        button="Change status",
        template="cases/change_status.html",
    )


@login_required
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    if services.is_intern_only(user) or not services.may_change(user, case):
        raise PermissionDenied("Interns and volunteers may not assign cases.")
    lists = _office_lists(user)
    form = forms.AssignForm(
        _posted(request),
        staff=lists["staff"],
        teams=lists["teams"],
        initial={"assignee": case.assignee_id or "", "team": case.team_id or ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.assign_case(
                user,
                case,
                assignee=form.cleaned_data["assignee"] or None,
                team=form.cleaned_data["team"] or None,
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            who = case.assignee.full_name if case.assignee else "nobody"
            messages.success(request, f"Case {case.reference} is assigned to {who}.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(request, case, form, title="Assign the case", button="Assign")


@login_required
def edit(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    lists = _office_lists(user)
    initial = {
        "summary": case.summary,
        "category": str(case.subcategory_id or case.category_id),
        "priority": str(case.priority),
        "complexity": str(case.complexity or ""),
        "due_date": case.due_date,
        "follow_up_date": case.follow_up_date,
    }
    form = forms.CaseDetailsForm(_posted(request), initial=initial, categories=lists["categories"])
    if request.method == "POST" and form.is_valid():
        try:
            case = services.update_case(user, case, **form.details())
        except ValidationError as error:
            _form_errors_from(form, error, {"subcategory": "category"})
        else:
            messages.success(request, f"Case {case.reference} has been changed.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title="Change the case's details",
        button="Save changes",
        template="cases/edit_case.html",
    )


@login_required
def tags(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    lists = _office_lists(user)
    current = list(case.tags.order_by("name", "id"))
    remove = request.POST.get("remove") if request.method == "POST" else None
    if remove:
        try:
            services.untag_case(user, case, remove)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "The tag has been taken off the case.")
        return redirect("cases:tags", case_id=case.pk)
    form = forms.TagForm(_posted(request), tags=lists["tags"])
    if request.method == "POST" and form.is_valid():
        try:
            tag = form.cleaned_data["tag"] or services.create_tag(
                user, form.cleaned_data["new_tag"]
            )
            services.tag_case(user, case, tag)
        except ValidationError as error:
            _form_errors_from(form, error, {"name": "new_tag"})
        except PermissionDenied as error:
            form.add_error("new_tag", str(error))
        else:
            messages.success(request, "The tag has been added to the case.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title="Tags",
        button="Add tag",
        template="cases/tags.html",
        current_tags=current,
    )


@login_required
def restrict(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    if not services.may_restrict(user, case):
        raise PermissionDenied(
            "Only managers, administrators and the case's assignee may restrict a case."
        )
    lists = _office_lists(user)
    named = [str(pk) for pk in case.restrictions.values_list("user_id", flat=True)]
    form = forms.RestrictForm(_posted(request), staff=lists["staff"], initial={"staff": named})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.restrict_case(
                user, case, [int(pk) for pk in form.cleaned_data["staff"]]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(
                request,
                "The case is restricted." if case.is_restricted else "The restriction is lifted.",
            )
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(request, case, form, title="Who may see this case", button="Save")


@login_required
def related(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    remove = request.POST.get("remove") if request.method == "POST" else None
    if remove:
        try:
            services.unrelate_cases(user, case, remove)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "The cases are no longer related.")
        return redirect("cases:detail", case_id=case.pk)
    form = forms.RelateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        other = services.find_cases(user, text=reference).filter(reference=reference).first()
        if other is None:
            form.add_error("reference", f"There is no case {reference} that you can see.")
        else:
            try:
                services.relate_cases(user, case, other)
            except ValidationError as error:
                _form_errors_from(form, error, {"other": "reference"})
            else:
                messages.success(request, f"Case {other.reference} is now related to this one.")
                return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(request, case, form, title="Relate another case", button="Relate")


@login_required
def people(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    vocabulary = user.office.vocabulary
    remove = request.POST.get("remove") if request.method == "POST" else None
    if remove:
        try:
            services.remove_party(user, case, remove)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"The {vocabulary.person} has been taken off the case.")
        return redirect("cases:detail", case_id=case.pk)
    data = _posted(request)
    searching = data is not None and "find" in data
    search = data.get("find_person", "").strip() if data is not None else ""
    chosen = data.get("person") if data is not None else None
    choices = _people_choices(user, search, chosen)
    form = forms.AddPersonForm(
        data if not searching else None,
        initial=data.dict() if searching else None,
        people=choices,
        vocabulary=vocabulary,
    )
    if data is not None and not searching and form.is_valid():
        try:
            services.add_party(
                user, case, int(form.cleaned_data["person"]), role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"The {vocabulary.person} has been added to the case.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=f"Add a {vocabulary.person}",
        button="Add to the case",
        template="cases/add_person.html",
        people_found=choices,
        searched=searching,
    )


def _organisation_choices(user: User, search: str, chosen: str | None) -> list[tuple[str, str]]:
    """Directory entries matching a search: the central directory's and the office's own."""
    choices: list[tuple[str, str]] = []
    if search:
        for row in find_in_directory(user, name=search)[:PEOPLE_FOUND]:
            value = f"{row['entry_source']}-{row['entry_id']}"
            where = f" ({row['entry_town']})" if row["entry_town"] else ""
            choices.append((value, f"{row['entry_name']}{where}"))
    if chosen and chosen not in {value for value, _label in choices}:
        choices.insert(0, (chosen, "The organisation you chose"))
    return choices


@login_required
def organisations(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    remove = request.POST.get("remove") if request.method == "POST" else None
    if remove:
        try:
            services.remove_organisation(user, case, remove)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "The organisation has been taken off the case.")
        return redirect("cases:detail", case_id=case.pk)
    data = _posted(request)
    searching = data is not None and "find" in data
    search = data.get("find_organisation", "").strip() if data is not None else ""
    choices = _organisation_choices(user, search, data.get("organisation") if data else None)
    form = forms.AddOrganisationForm(
        data if not searching else None,
        initial=data.dict() if searching else None,
        organisations=choices,
    )
    if data is not None and not searching and form.is_valid():
        source, _, pk = form.cleaned_data["organisation"].partition("-")
        chosen = {"central_id": int(pk)} if source == "central" else {"organisation": int(pk)}
        try:
            services.add_organisation(user, case, role=form.cleaned_data["role"], **chosen)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "The organisation has been added to the case.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title="Add an organisation",
        button="Add to the case",
        template="cases/add_organisation.html",
        organisations_found=choices,
        searched=searching,
    )
