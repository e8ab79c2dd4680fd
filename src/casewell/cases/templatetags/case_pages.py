"""Case panels for other domains' pages: ``{% load case_pages %}{% cases_for_person person %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef

from casewell.cases import services
from casewell.cases.models import CasePerson

register = template.Library()

SHOWN = 20


@register.inclusion_tag("cases/_person_cases.html", takes_context=True)
def cases_for_person(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """The cases this person is on that the viewer may see, newest first, and a way to open one."""
    user = context["request"].user
    on_case = CasePerson.all_offices.filter(case=OuterRef("pk"), person_id=person.pk)
    cases = services.find_cases(user, sort="-opened_at").filter(Exists(on_case))
    shown = list(cases[: SHOWN + 1])
    return {
        "person": person,
        "cases": shown[:SHOWN],
        "more": len(shown) > SHOWN,
        "vocabulary": context.get("vocabulary"),
    }
