"""Who could take a case: colleagues ranked by room in their weighted caseload, with
anyone who has carried several heavy items lately moved down, and the reasons in words.

Suggestions only: the manager chooses, and nothing is assigned here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from casewell.cases import services as case_services
from casewell.cases.models import Case
from casewell.offices.models import User
from casewell.offices.permissions import is_manager
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models.workload import HEAVY
from casewell.wellbeing.workload import (
    PersonFigures,
    carrying_staff,
    case_levels,
    case_weight,
    figures_for,
)

# How far a heavy week moves someone down: this share of a full caseload, counted
# as if already carried (more when the case to assign is itself heavy).
HEAVY_WEEK_SHARE = 0.5
HEAVY_CASE_SHARE = 0.75


@dataclass(frozen=True)
class Suggestion:
    figures: PersonFigures
    score: float
    has_room: bool
    heavy_week: bool
    reasons: list[str]

    @property
    def user(self) -> User:
        return self.figures.user


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _reasons(figures: PersonFigures, has_room: bool, heavy_week: bool) -> list[str]:
    reasons = []
    if has_room:
        reasons.append(f"Has room: weighted caseload {figures.weighted:g} of {figures.capacity}")
    else:
        reasons.append(f"No room: weighted caseload {figures.weighted:g} of {figures.capacity}")
    exposure = figures.exposure
    if exposure.heavy_cases_recent:
        reasons.append(f"{_plural(exposure.heavy_cases_recent, 'heavy case')} in the last 7 days")
    elif exposure.heavy_recent:
        reasons.append(f"{_plural(exposure.heavy_recent, 'heavy item')} in the last 7 days")
    if heavy_week:
        reasons.append("Moved down to give them a lighter few days")
    if figures.overdue:
        reasons.append(f"{_plural(figures.overdue, 'overdue case')}")
    return reasons


def _rank(
    everyone: list[PersonFigures],
    adds: dict[int, float],
    heavy_case: bool,
    limit: int,
    selection: str = "",
) -> list[Suggestion]:
    """Rank people by room left after taking ``adds[person]`` of weight, less the heavy-week
    allowance; ``selection`` (e.g. "the 3 selected cases") adds where that leaves them."""
    suggestions = []
    for figures in everyone:
        added = adds[figures.user.pk]
        room = figures.capacity - figures.weighted - added
        heavy_week = figures.exposure.heavy_recent >= figures.heavy_limit
        allowance = (HEAVY_CASE_SHARE if heavy_case else HEAVY_WEEK_SHARE) * figures.capacity
        score = room - (allowance if heavy_week else 0)
        reasons = _reasons(figures, room >= 0, heavy_week)
        if selection:
            after = round(figures.weighted + added, 2)
            reasons.insert(1, f"{after:g} of {figures.capacity} after {selection}")
        suggestions.append(Suggestion(figures, round(score, 2), room >= 0, heavy_week, reasons))
    suggestions.sort(key=lambda s: (not s.has_room, -s.score, s.user.full_name, s.user.pk))
    return suggestions[:limit]


def _require_manager(user: User) -> None:
    # Suggestions carry colleagues' figures, which only managers see.
    if not is_manager(user):
        raise PermissionDenied("Only managers see who has room.")


def suggest_assignees(user: User, case: Case | None = None, limit: int = 5) -> list[Suggestion]:
    """Colleagues who could take ``case`` (or a case like it when None), best first.

    Requires a manager (the reasons carry colleagues' figures) who may change the case. Ranks
    by room left after taking the case, less a heavy-week allowance for anyone with
    the office's number of heavy items in the last 7 days. Causes nothing.
    """
    _require_manager(user)
    if case is not None and not case_services.may_change(user, case):
        raise PermissionDenied("You may not assign this case.")
    with bind_office(user.office_id, actor=user):
        people = [
            person
            for person in carrying_staff(user.office_id)
            if case is None or person.pk != case.assignee_id
        ]
        everyone = figures_for(user.office, people)
        weight, heavy_case = 1.0, False
        if case is not None:
            level = case_levels(user.office_id, [case.pk]).get(case.pk, 0)
            weight, heavy_case = case_weight(case.complexity, level), level >= HEAVY
    return _rank(everyone, {person.pk: weight for person in people}, heavy_case, limit)


@dataclass(frozen=True)
class SelectionSuggestions:
    """Who could take a selection of cases, and what the selection weighs."""

    cases: int  # how many of the selection were counted
    weight: float  # their weight together
    heavy_cases: int  # how many of them are highly distressing
    suggestions: list[Suggestion]
    refused: list[tuple[Any, str]]  # (id asked for, why it was not counted)


def suggest_assignees_for_cases(
    user: User, case_ids: Iterable[int | str], limit: int = 5
) -> SelectionSuggestions:
    """Colleagues who could take all of these cases together, best first, as for one case
    but with the selection's total weight (each case's complexity times its distress).

    Requires a manager. Ids of cases the manager may not see (another office's) are not
    counted and come back refused, as bulk assign refuses them. Someone who already has
    some of the cases is weighed for the rest only; someone who has them all is not
    suggested. A fixed number of queries however many cases. Causes nothing.
    """
    _require_manager(user)
    found, refused = case_services.selected_cases(user, case_ids)
    cases = [case for case in found.values() if case_services.may_change(user, case)]
    with bind_office(user.office_id, actor=user):
        levels = case_levels(user.office_id, [case.pk for case in cases])
        weights = {case.pk: case_weight(case.complexity, levels.get(case.pk, 0)) for case in cases}
        total = sum(weights.values())
        holding: dict[int, float] = {}
        held: dict[int, int] = {}
        for case in cases:
            if case.assignee_id is not None:
                holding[case.assignee_id] = holding.get(case.assignee_id, 0) + weights[case.pk]
                held[case.assignee_id] = held.get(case.assignee_id, 0) + 1
        people = [
            person
            for person in carrying_staff(user.office_id)
            if not cases or held.get(person.pk, 0) < len(cases)
        ]
        everyone = figures_for(user.office, people)
    heavy = sum(1 for case in cases if levels.get(case.pk, 0) >= HEAVY)
    adds = {person.pk: total - holding.get(person.pk, 0) for person in people}
    selection = f"the {_plural(len(cases), 'selected case')}"
    return SelectionSuggestions(
        cases=len(cases),
        weight=round(total, 2),
        heavy_cases=heavy,
        suggestions=_rank(everyone, adds, heavy > 0, limit, selection) if cases else [],
        refused=refused,
    )
