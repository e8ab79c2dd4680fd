"""Workload where other pages want it.

* ``{% case_workload_panel case %}``: a case's complexity and distress level, for its page.
* ``{% assignment_suggestions case %}``: who could take the case, with reasons, for the
  assign page. (Bulk assign has its own form: ``cases/bulk/assign/``.)
* ``{% break_nudge %}``: the signed-in person's break nudge, for the top of every page.
* ``{% put_down_prompt %}``: near the end of their working day, the prompt to put it down.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("wellbeing/_case_workload_panel.html", takes_context=True)
def case_workload_panel(context: template.Context, case: Any) -> dict[str, Any]:
    from casewell.wellbeing import workload

    user = context["request"].user
    return {
        "case": case,
        "distress": workload.case_distress(case),
        "may_set": workload.may_set_workload(user, case),
    }


@register.inclusion_tag("wellbeing/_assignment_suggestions.html", takes_context=True)
def assignment_suggestions(context: template.Context, case: Any = None) -> dict[str, Any]:
    from django.core.exceptions import PermissionDenied

    from casewell.wellbeing.suggestions import suggest_assignees

    user = context["request"].user
    try:
        suggestions = suggest_assignees(user, case)
    except PermissionDenied:
        suggestions = []
    return {
        "case": case,
        "suggestions": suggestions,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("wellbeing/_break_nudge.html", takes_context=True)
def break_nudge(context: template.Context) -> dict[str, Any]:
    from casewell.wellbeing.nudges import nudge_to_show

    request = context.get("request")
    user = getattr(request, "user", None)
    nudge = nudge_to_show(user) if user is not None else None
    return {
        "nudge": nudge,
        "here": request.get_full_path() if request is not None else "/",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("wellbeing/_put_down_prompt.html", takes_context=True)
def put_down_prompt(context: template.Context) -> dict[str, Any]:
    from datetime import date

    from casewell.wellbeing.huddle_views import PROMPT_DISMISSED
    from casewell.wellbeing.put_down import put_down_prompt as prompt_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"prompt": None}
    dismissed = request.session.get(PROMPT_DISMISSED)
    dismissed_on = date.fromisoformat(dismissed) if dismissed else None
    return {
        "prompt": prompt_for(user, dismissed_on=dismissed_on),
        "here": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
