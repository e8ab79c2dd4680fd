"""Designated handlers in other domains' pages, without their importing ``safety``.

* ``{% contact_handled case as handled %}``: whether the case's contact is routed to one
  handler, and whether the signed-in person may read it (one query). Show
  ``safety/_handled_by.html`` in place of the content when ``handled and not handled.may_read``.
* ``{% person_safety person %}``: markers, handler and safety links for a person's page.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_handled(context: Any, case: Any) -> Any:
    from casewell.safety.handlers import handled_for_case

    request = context.get("request")
    user = getattr(request, "user", None)
    if case is None or user is None or not user.is_authenticated:
        return None
    return handled_for_case(user, case)


@register.inclusion_tag("safety/_person_safety.html")
def person_safety(person: Any) -> dict[str, Any]:
    from casewell.safety.handlers import current_handler
    from casewell.safety.markers import markers_for

    return {"person": person, "markers": markers_for(person), "routing": current_handler(person)}
