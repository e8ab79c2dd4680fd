"""``{% case_timeline case %}``: the case's timeline panel, wherever a page wants it."""

from __future__ import annotations

from typing import Any

from django import template

from casewell.timeline.panel import panel_context

register = template.Library()


@register.inclusion_tag("timeline/_panel.html", takes_context=True)
def case_timeline(context: template.Context, case: Any) -> dict[str, Any]:
    """Entries newest first, the kind filter and pages, read from the page's query string."""
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        **panel_context(request, case),
    }


# GOV.UK tag colours, so each kind of entry is told apart at a glance (the words say it too).
KIND_COLOURS = {
    "note": "grey",
    "call": "blue",
    "visit": "green",
    "email": "purple",
    "letter": "turquoise",
    "document": "yellow",
    "status_change": "orange",
}


@register.filter
def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "grey")
