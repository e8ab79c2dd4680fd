"""The office's case settings: categories and workflow (administrators), teams and tags
(managers and administrators).

Thin: each view checks the role, looks records up with ``get_for`` and hands
every change to ``categories``, ``workflow``, ``offices.services`` (teams) or
``services`` (tags).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casewell.cases import categories as category_services
from casewell.cases import services
from casewell.cases import workflow as workflow_services
from casewell.cases.models import Case, CaseStatus, Category, Tag
from casewell.cases.settings_forms import (
    CategoryForm,
    NameForm,
    NextStatusesForm,
    StatusForm,
    TeamMembersForm,
)
from casewell.offices import services as office_services
from casewell.offices.models import Team
from casewell.offices.permissions import get_for, is_administrator, is_manager

View = Callable[..., HttpResponse]


def _requires(check: Callable[[Any], bool], who: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        @require_http_methods(["GET", "POST"])
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(f"Only the office's {who} may change this.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


administrators_only = _requires(is_administrator, "administrators")
managers_only = _requires(is_manager, "managers and administrators")


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _errors_onto(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field if the form has one, else on top."""
    for name, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _attempt(form: forms.Form, run: Callable[[], Any]) -> bool:
    try:
        run()
    except ValidationError as error:
        _errors_onto(form, error)
        return False
    return True


def _refused(request: HttpRequest, error: ValidationError) -> None:
    """A refused button press (no form to show it on) as an error banner."""
    for message in error.messages:
        messages.error(request, message)


def _render(request: HttpRequest, template: str, section: str, **extra: Any) -> HttpResponse:
    context = {"section": section, "user_is_administrator": is_administrator(request.user)}
    return render(request, f"cases/settings/{template}", context | extra)


# --- Categories -----------------------------------------------------------------------


@administrators_only
def categories(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: category_services.add_category(request.user, data["name"], data["parent"]),
        ):
            messages.success(request, f"{data['name']} has been added.")
            return redirect("cases:settings_categories")
    used: dict[int, int] = {}
    for column in ("category_id", "subcategory_id"):
        for row in Case.objects.values(column).annotate(n=Count("id")).order_by():
            if row[column] is not None:
                used[row[column]] = used.get(row[column], 0) + row["n"]
    tree = category_services.category_tree()
    for top, children in tree:
        for row in (top, *children):
            row.case_count = used.get(row.pk, 0)
    return _render(request, "categories.html", "categories", form=form, tree=tree)


@administrators_only
def category(request: HttpRequest, category_id: int) -> HttpResponse:
    record = get_for(request.user, Category, category_id)
    form = NameForm(
        request.POST if request.POST.get("action") == "rename" else None,
        initial={"name": record.name},
        label="Name of the category",
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "retire":
            category_services.retire_category(request.user, record)
            messages.success(request, f"{record.name} is no longer offered for new cases.")
            return redirect("cases:settings_categories")
        if action == "restore":
            try:
                category_services.restore_category(request.user, record)
            except ValidationError as error:
                _refused(request, error)
                return redirect("cases:settings_category", category_id=record.pk)
            messages.success(request, f"{record.name} is offered for new cases again.")
            return redirect("cases:settings_categories")
        if form.is_valid() and _attempt(
            form,
            lambda: category_services.rename_category(
                request.user, record, form.cleaned_data["name"]
            ),
        ):
            messages.success(request, f"The category is now called {form.cleaned_data['name']}.")
            return redirect("cases:settings_categories")
    return _render(request, "category.html", "categories", form=form, category=record)


# --- The workflow ---------------------------------------------------------------------


@administrators_only
def statuses(request: HttpRequest) -> HttpResponse:
    form = StatusForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: workflow_services.add_status(
                request.user, data["name"], is_closed=data["is_closed"]
            ),
        ):
            messages.success(
                request, f"{data['name']} has been added. Now say which moves lead into it."
            )
            return redirect("cases:settings_statuses")
    return _render(
        request, "statuses.html", "statuses", form=form, workflow=workflow_services.workflow()
    )


@administrators_only
def casestatus(request: HttpRequest, casestatus_id: int) -> HttpResponse:
    record = get_for(request.user, CaseStatus, casestatus_id)
    action = request.POST.get("action") if request.method == "POST" else None
    details = StatusForm(
        request.POST if action == "details" else None,
        initial={"name": record.name, "is_closed": "yes" if record.is_closed else "no"},
    )
    moves = NextStatusesForm(
        request.POST if action == "moves" else None,
        status=record,
        initial={"next_statuses": list(record.next_statuses.all())},
    )
    done = None
    if action == "details" and details.is_valid():
        data = details.cleaned_data
        if _attempt(
            details,
            lambda: workflow_services.change_status_details(
                request.user, record, name=data["name"], is_closed=data["is_closed"]
            ),
        ):
            done = f"{data['name']} has been saved."
    elif action == "moves" and moves.is_valid():
        chosen = moves.cleaned_data["next_statuses"]
        if _attempt(
            moves, lambda: workflow_services.set_next_statuses(request.user, record, chosen)
        ):
            done = f"The moves from {record.name} have been saved."
    elif action in ("initial", "retire", "restore"):
        change = {
            "initial": workflow_services.make_initial,
            "retire": workflow_services.retire_status,
            "restore": workflow_services.restore_status,
        }[action]
        try:
            change(request.user, record)
        except ValidationError as error:
            _refused(request, error)
            return redirect("cases:settings_status", casestatus_id=record.pk)
        done = {
            "initial": f"New cases now start as {record.name}.",
            "retire": f"Cases can no longer move to {record.name}.",
            "restore": f"Cases can move to {record.name} again.",
        }[action]
    if done:
        messages.success(request, done)
        return redirect("cases:settings_statuses")
    return _render(
        request,
        "status.html",
        "statuses",
        status=record,
        form=details,
        moves=moves,
        in_status=record.cases.count(),
    )


# --- Teams ----------------------------------------------------------------------------


@managers_only
def teams(request: HttpRequest) -> HttpResponse:
    form = NameForm(_posted(request), label="Name of the team")
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        if _attempt(form, lambda: office_services.create_team(request.user, name)):
            messages.success(request, f"The {name} team has been added. Now choose its members.")
            return redirect("cases:settings_teams")
    rows = Team.objects.prefetch_related("members").annotate(
        open_cases=Count("cases", distinct=True)
    )
    return _render(request, "teams.html", "teams", form=form, teams=rows)


@managers_only
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    record = get_for(request.user, Team, team_id)
    action = request.POST.get("action") if request.method == "POST" else None
    name_form = NameForm(
        request.POST if action == "rename" else None,
        initial={"name": record.name},
        label="Name of the team",
    )
    members = TeamMembersForm(
        request.POST if action == "members" else None,
        office_id=request.user.office_id,
        initial={"members": list(record.members.all())},
    )
    if action == "rename" and name_form.is_valid():
        name = name_form.cleaned_data["name"]
        if _attempt(name_form, lambda: office_services.rename_team(request.user, record, name)):
            messages.success(request, f"The team is now called {name}.")
            return redirect("cases:settings_teams")
    elif action == "members" and members.is_valid():
        chosen = members.cleaned_data["members"]
        if _attempt(
            members, lambda: office_services.set_team_members(request.user, record, chosen)
        ):
            messages.success(request, f"The {record.name} team's members have been saved.")
            return redirect("cases:settings_teams")
    return _render(request, "team.html", "teams", team=record, form=name_form, members=members)


# --- Tags -----------------------------------------------------------------------------


@managers_only
def tags(request: HttpRequest) -> HttpResponse:
    form = NameForm(_posted(request), label="Name of the tag")
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        if _attempt(form, lambda: services.create_tag(request.user, name)):
            messages.success(request, f"The tag {name} has been added.")
            return redirect("cases:settings_tags")
    rows = Tag.objects.annotate(used=Count("case_tags")).order_by("name")
    return _render(request, "tags.html", "tags", form=form, tags=rows)


@managers_only
def tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    record = get_for(request.user, Tag, tag_id)
    action = request.POST.get("action") if request.method == "POST" else None
    form = NameForm(
        request.POST if action == "rename" else None,
        initial={"name": record.name},
        label="Name of the tag",
    )
    if action == "delete":
        taken_off = services.delete_tag(request.user, record)
        messages.success(
            request, f"The tag {record.name} has been deleted and taken off {taken_off} cases."
        )
        return redirect("cases:settings_tags")
    if action == "rename" and form.is_valid():
        name = form.cleaned_data["name"]
        if _attempt(form, lambda: services.rename_tag(request.user, record, name)):
            messages.success(request, f"The tag is now called {name}.")
            return redirect("cases:settings_tags")
    used = record.case_tags.count()
    return _render(request, "tag.html", "tags", tag=record, form=form, used=used)
