"""Changing one case from its page: status, assignment, details, tags, restriction,
related cases, and the people and organisations on it.

Each view looks the case up with ``services.get_case_for`` (404 for another
office's or a restricted case), refuses with 403 what the user may not do,
and hands the change to ``cases.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casewell.cases import forms, services
from casewell.cases.models import Case
from casewell.cases.views import (
    PEOPLE_FOUND,
    form_errors_from,
    kept,
    office_lists,
    people_choices,
    posted,
)
from casewell.directory.services import find_in_directory
from casewell.offices.models import User


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
    form = forms.ChangeStatusForm(posted(request), statuses=services.allowed_next_statuses(case))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.change_status(
                user, case, int(form.cleaned_data["status"]), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
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
    lists = office_lists(user)
    form = forms.AssignForm(
        posted(request),
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
            form_errors_from(form, error)
        else:
            who = case.assignee.full_name if case.assignee else "nobody"
            messages.success(request, f"Case {case.reference} is assigned to {who}.")
            return redirect("cases:detail", case_id=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title="Assign the case",
        button="Assign",
        template="cases/assign_case.html",
    )


@login_required
def edit(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case_for(user, case_id)
    _require_change(user, case)
    lists = office_lists(user)
    initial = {
        "summary": case.summary,
        "category": str(case.subcategory_id or case.category_id),
        "priority": str(case.priority),
        "complexity": str(case.complexity or ""),
        "due_date": case.due_date,
        "follow_up_date": case.follow_up_date,
    }
    form = forms.CaseDetailsForm(posted(request), initial=initial, categories=lists["categories"])
    if request.method == "POST" and form.is_valid():
        try:
            case = services.update_case(user, case, **form.details())
        except ValidationError as error:
            form_errors_from(form, error, {"subcategory": "category"})
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
    lists = office_lists(user)
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
    form = forms.TagForm(posted(request), tags=lists["tags"])
    if request.method == "POST" and form.is_valid():
        try:
            tag = form.cleaned_data["tag"] or services.create_tag(
                user, form.cleaned_data["new_tag"]
            )
            services.tag_case(user, case, tag)
        except ValidationError as error:
            form_errors_from(form, error, {"name": "new_tag"})
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
    lists = office_lists(user)
    named = [str(pk) for pk in case.restrictions.values_list("user_id", flat=True)]
    form = forms.RestrictForm(posted(request), staff=lists["staff"], initial={"staff": named})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.restrict_case(
                user, case, [int(pk) for pk in form.cleaned_data["staff"]]
            )
        except ValidationError as error:
            form_errors_from(form, error)
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
    form = forms.RelateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        other = services.find_cases(user, text=reference).filter(reference=reference).first()
        if other is None:
            form.add_error("reference", f"There is no case {reference} that you can see.")
        else:
            try:
                services.relate_cases(user, case, other)
            except ValidationError as error:
                form_errors_from(form, error, {"other": "reference"})
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
    data = posted(request)
    searching = data is not None and "find" in data
    search = data.get("find_person", "").strip() if data is not None else ""
    chosen = data.get("person") if data is not None else None
    choices = people_choices(user, search, chosen)
    form = forms.AddPersonForm(
        data if not searching else None,
        initial=kept(data) if searching else None,
        people=choices,
        vocabulary=vocabulary,
    )
    if data is not None and not searching and form.is_valid():
        try:
            services.add_party(
                user, case, int(form.cleaned_data["person"]), role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
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
    data = posted(request)
    searching = data is not None and "find" in data
    search = data.get("find_organisation", "").strip() if data is not None else ""
    choices = _organisation_choices(user, search, data.get("organisation") if data else None)
    form = forms.AddOrganisationForm(
        data if not searching else None,
        initial=kept(data) if searching else None,
        organisations=choices,
    )
    if data is not None and not searching and form.is_valid():
        source, _, pk = form.cleaned_data["organisation"].partition("-")
        chosen = {"central_id": int(pk)} if source == "central" else {"organisation": int(pk)}
        try:
            services.add_organisation(user, case, role=form.cleaned_data["role"], **chosen)
        except ValidationError as error:
            form_errors_from(form, error)
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
