"""Workload pages: the wellbeing home, my workload, the team at a glance, a case's
complexity and distress, the workload settings, nudge counts and dismissing a nudge.

Thin: who may see what, and every change, is in ``workload``, ``nudges`` and
``suggestions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casewell.cases.services import get_case_for
from casewell.next_page import safe_next
from casewell.notify.out_of_hours import team_out_of_hours
from casewell.offices.permissions import is_manager
from casewell.wellbeing import huddles, nudges, workload
from casewell.wellbeing.workload_forms import CaseWorkloadForm, WorkloadSettingsForm


def _form_errors(form: object, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)  # type: ignore[attr-defined]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "wellbeing/home.html",
        {
            "is_manager": is_manager(user),
            "may_see_nudges": nudges.may_see_nudge_report(user),
            "takes_part": huddles.may_take_part(user),
        },
    )


@login_required
def my_workload(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "wellbeing/my_workload.html",
        {"me": workload.my_figures(request.user), "weights": workload.COMPLEXITY_WEIGHT},
    )


@login_required
def team(request: HttpRequest) -> HttpResponse:
    rows = workload.team_figures(request.user)
    # Out-of-hours working only as team totals: an individual's hours are their own.
    out_of_hours = team_out_of_hours(request.user, weeks=1)
    return render(request, "wellbeing/team.html", {"rows": rows, "out_of_hours": out_of_hours})


@login_required
def case_workload(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    if not workload.may_set_workload(user, case):
        raise PermissionDenied("Only caseworkers and managers who may change the case set this.")
    current = workload.case_distress(case)
    initial = {
        "complexity": str(case.complexity or ""),
        "distress": str(current.override.distress_override) if current.override else "",
        "reason": current.override.reason if current.override else "",
    }
    form = CaseWorkloadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workload.set_case_workload(user, case, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The case's complexity and distress level are saved.")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request, "wellbeing/case_workload.html", {"case": case, "form": form, "current": current}
    )


@login_required
def workload_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_manager(user):
        raise PermissionDenied("Only managers change workload settings.")
    current = workload.settings_for(user.office_id)
    initial = {name: getattr(current, name) for name in workload.SETTING_FIELDS}
    initial["nudges_on"] = current.nudges_on
    form = WorkloadSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workload.change_workload_settings(user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The workload settings are saved.")
            return redirect("wellbeing:workload_settings")
    return render(request, "wellbeing/workload_settings.html", {"form": form})


@login_required
def nudge_report(request: HttpRequest) -> HttpResponse:
    groups = nudges.nudge_report(request.user)
    return render(
        request,
        "wellbeing/nudge_report.html",
        {"groups": groups, "minimum": nudges.MIN_GROUP_SIZE},
    )


@login_required
@require_POST
def dismiss_nudge(request: HttpRequest, breaknudge_id: int) -> HttpResponse:
    nudges.dismiss_nudge(request.user, breaknudge_id)
    return redirect(safe_next(request, "/"))
