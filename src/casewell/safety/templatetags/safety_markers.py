"""Safety markers wherever a person appears.

* ``{% safety_markers person %}``: one person's markers as GOV.UK warning text (one query);
  ``{% case_safety_markers case %}`` those of everyone on a case, naming each.
* On a list: ``{% safety_markers_of page.object_list as marked %}`` once (one query for the
  whole page, whether it lists people, cases or a case's parties), then
  ``{% safety_marker_badge marked item %}`` in each row: a red tag with words, never colour
  alone, that screen readers read as "Safety marker: Do not visit alone".
"""

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


@register.simple_tag
def safety_markers_of(items: Any) -> dict[int, list]:
    """Current markers of everyone the items name, keyed by person id: one query."""
    from casewell.safety.markers import markers_by_person, people_named_by

    ids: set[int] = set()
    for item in items or ():
        ids.update(people_named_by(item))
    return markers_by_person(ids) if ids else {}


@register.inclusion_tag("safety/_marker_badge.html")
def safety_marker_badge(marked: dict[int, list] | None, item: Any) -> dict[str, Any]:
    """The badge for one row: a person, a case (anyone on it) or a case's party."""
    from casewell.safety.markers import kinds_shown, people_named_by

    found = [marker for pk in people_named_by(item) for marker in (marked or {}).get(pk, [])]
    return {"kinds": kinds_shown(found)}


@register.inclusion_tag("safety/_markers.html")
def case_safety_markers(case: Any) -> dict[str, Any]:
    """The markers of everyone on a case, each naming its person (one query)."""
    from casewell.safety.markers import markers_on_case

    return {"markers": markers_on_case(case) if case is not None else [], "named": True}
