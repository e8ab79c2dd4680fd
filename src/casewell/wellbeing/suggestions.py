"""Who could take a case: colleagues ranked by room in their weighted caseload, with
anyone who has carried several heavy items lately moved down, and the reasons in words.

Suggestions only: the manager chooses, and nothing is assigned here.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def suggest_assignees(user: User, case: Case | None = None, limit: int = 5) -> list[Suggestion]:
    """Colleagues who could take ``case`` (or a case like it when None), best first.

    Requires a manager (the reasons carry colleagues' figures) who may change the case. Ranks
    by room left after taking the case, less a heavy-week allowance for anyone with
    the office's number of heavy items in the last 7 days. Causes nothing.
    """
    # Suggestions carry colleagues' figures, which only managers see.
    if not is_manager(user):
        raise PermissionDenied("Only managers see who has room.")
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
    suggestions = []
    for figures in everyone:
        room = figures.capacity - figures.weighted - weight
        heavy_week = figures.exposure.heavy_recent >= figures.heavy_limit
        allowance = (HEAVY_CASE_SHARE if heavy_case else HEAVY_WEEK_SHARE) * figures.capacity
        score = room - (allowance if heavy_week else 0)
        reasons = _reasons(figures, room >= 0, heavy_week)
        suggestions.append(Suggestion(figures, round(score, 2), room >= 0, heavy_week, reasons))
    suggestions.sort(key=lambda s: (not s.has_room, -s.score, s.user.full_name, s.user.pk))
    return suggestions[:limit]
