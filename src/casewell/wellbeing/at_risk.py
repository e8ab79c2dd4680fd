"""Which cases are at risk, and why: the cases the team holds together at its huddles.

A case is at risk while it is open and any of these is true: someone on it carries
a safety marker or an incident was recorded about them; it is about safeguarding
(its category, sub-category or a tag says so); its priority is high or urgent;
someone handed it to the next huddle and no huddle has taken it up yet; or its
distress level is high (``distress_reasons``, from the wellbeing workload levels).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from casewell.cases import services as case_services
from casewell.cases.models import Case, Priority
from casewell.offices.models import User
from casewell.offices.tenancy import bind_office
from casewell.safety import incidents as safety_incidents
from casewell.safety import markers as safety_markers
from casewell.wellbeing import workload
from casewell.wellbeing.models import Handover

SAFEGUARDING_WORDS = ("safeguard", "child protection", "adult protection")
HIGH_PRIORITIES = (Priority.HIGH, Priority.URGENT)


def distress_reasons(office_id: int, open_cases: QuerySet[Any]) -> dict[int, str]:
    """Case id -> "High distress" for the open cases whose distress level is high (its
    items' highest, or what someone set by hand)."""
    high = workload.high_distress_case_ids(office_id)
    if not high:
        return {}
    found = open_cases.filter(pk__in=high).values_list("pk", flat=True)
    return dict.fromkeys(found, "High distress")


def _is_safeguarding(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SAFEGUARDING_WORDS)


def _safeguarding_q() -> Q:
    found = Q()
    for word in SAFEGUARDING_WORDS:
        found |= (
            Q(category__name__icontains=word)
            | Q(subcategory__name__icontains=word)
            | Q(tags__name__icontains=word)
        )
    return found


def _flagged_people(user: User, person_ids: list[int]) -> dict[int, list[str]]:
    """Person id -> what flags them (markers everyone sees; incidents the user may see)."""
    flags: dict[int, list[str]] = defaultdict(list)
    for person_id, markers in safety_markers.markers_by_person(person_ids).items():
        kinds = ", ".join(safety_markers.kinds_shown(markers)).lower()
        flags[person_id].append(f"safety marker: {kinds}")
    with_incidents = (
        safety_incidents.incidents_for(user)
        .filter(person_id__in=person_ids)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by()
    )
    for person_id in with_incidents:
        flags[person_id].append("incident recorded")
    return dict(flags)


def _reasons(case: Case, flagged: dict[int, list[str]], handed: set[int],
             distress: dict[int, str]) -> list[str]:  # fmt: skip
    reasons: list[str] = []
    if case.pk in distress:
        reasons.append(distress[case.pk])
    for party in case.parties.all():
        for flag in flagged.get(party.person_id, []):
            reasons.append(f"{party.person}: {flag}")
    names = [case.category.name, case.subcategory.name if case.subcategory_id else ""]
    names += [tag.name for tag in case.tags.all()]
    if any(_is_safeguarding(name) for name in names if name):
        reasons.append("Safeguarding")
    if case.priority in HIGH_PRIORITIES:
        reasons.append(f"{case.get_priority_display()} priority")
    if case.pk in handed:
        reasons.append("Handed to the huddle")
    return reasons


def at_risk_reasons(user: User, case: Case) -> list[str]:
    """Why one case is at risk, in words for the board (empty: it is not)."""
    return at_risk_cases(user, only=[case.pk]).get(case.pk, ("", []))[1]


def pending_handover_case_ids() -> set[int]:
    """Cases handed to the next huddle and not yet taken up. Requires the office bound."""
    return set(Handover.objects.filter(huddle=None).values_list("case_id", flat=True))


def at_risk_cases(
    user: User, *, only: Iterable[int] | None = None
) -> dict[int, tuple[Case, list[str]]]:
    """The open cases the user may see that are at risk: case id -> (case, reasons).

    A fixed handful of queries however many cases the office has: the flagged people are
    found first, then only the cases that could be at risk are loaded.
    """
    with bind_office(user.office, actor=user):
        open_cases: QuerySet[Any] = case_services.find_cases(user, state="open")
        if only is not None:
            open_cases = open_cases.filter(pk__in=list(only))
        person_ids = [
            pk
            for pk in open_cases.values_list("parties__person_id", flat=True).order_by()
            if pk is not None
        ]
        flagged = _flagged_people(user, sorted(set(person_ids)))
        handed = pending_handover_case_ids()
        candidates = open_cases.filter(
            Q(priority__in=HIGH_PRIORITIES)
            | Q(pk__in=handed)
            | Q(parties__person_id__in=list(flagged))
            | _safeguarding_q()
        ).distinct()
        loaded = list(candidates)
        distress = distress_reasons(user.office_id, open_cases)
        if distress:
            loaded += list(open_cases.filter(pk__in=set(distress) - {c.pk for c in loaded}))
        found = {}
        for case in loaded:
            reasons = _reasons(case, flagged, handed, distress)
            if reasons:
                found[case.pk] = (case, reasons)
        return found
