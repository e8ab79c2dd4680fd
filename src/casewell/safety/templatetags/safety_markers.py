"""``{% safety_markers person %}``: a person's safety markers, as GOV.UK warning text."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("safety/_markers.html")
def safety_markers(person: Any, markers: list | None = None) -> dict[str, Any]:
    """Pass ``markers`` when a list page has fetched them all at once (``markers_by_person``)."""
    from casewell.safety.markers import markers_for

    if markers is None:
        markers = markers_for(person) if person is not None else []
    return {"markers": markers}
