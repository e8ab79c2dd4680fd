"""The navigation's count of messages waiting to be triaged."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_triage_count(context: Any) -> int:
    """Messages to triage the signed-in person may see (0 when nobody is signed in)."""
    from django.core.exceptions import PermissionDenied

    from casewell.inbox.triage import to_triage_count

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    try:
        return to_triage_count(user)
    except PermissionDenied:  # a locked account's pages show no count
        return 0
