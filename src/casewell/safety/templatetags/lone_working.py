"""The safety alert badge every page shows in its navigation."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def safety_alert_count(context: Any) -> int:
    """Open, unacknowledged alerts the signed-in person may see (0 when nobody is signed in)."""
    from casewell.safety.services import unacknowledged_alert_count

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unacknowledged_alert_count(user)
