"""The unread-notification count the navigation shows."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: Any) -> int:
    """Delivered, unread notifications of the signed-in person (0 when nobody is signed in)."""
    from casewell.notify.services import unread_count

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)
