"""How heavy each case is, and each person's weighted caseload.

A case weighs its complexity times its distress: an unset complexity counts as an
ordinary case (1), a simple one half that and the most complex twice; a moderately
distressing case counts one and a half times, a highly distressing one twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.cases import services as case_services
from casewell.cases.models import Case
from casewell.offices.models import Office, Role, StaffRole, User
from casewell.offices.permissions import is_manager
from casewell.offices.tenancy import bind_office
from casewell.wellbeing import item_distress
from casewell.wellbeing.exposure import Exposure, exposure_by_person
from casewell.wellbeing.models.workload import CaseLoad, DistressLevel, WorkloadSettings

COMPLEXITY_WEIGHT = {1: 0.5, 2: 0.75, 3: 1.0, 4: 1.5, 5: 2.0}
DISTRESS_WEIGHT = {
    DistressLevel.NONE: 1.0,
    DistressLevel.LOW: 1.0,
    DistressLevel.MODERATE: 1.5,
    DistressLevel.HIGH: 2.0,
}
# Who carries cases, and so appears in the team's figures and in suggestions.
CASE_CARRYING_ROLES = frozenset({Role.CASEWORKER, Role.MANAGER, Role.INTERN})


def case_weight(complexity: int | None, level: int) -> float:
    return COMPLEXITY_WEIGHT.get(complexity or 3, 1.0) * DISTRESS_WEIGHT.get(level, 1.0)


# --- Settings ------------------------------------------------------------------------------


def settings_for(office_id: int) -> WorkloadSettings:
    """The office's workload settings (defaults until a manager changes them)."""
    with bind_office(office_id):
        found = WorkloadSettings.objects.first()
    return found or WorkloadSettings(office_id=office_id)


SETTING_FIELDS = {
    "capacity": (1, 200),
    "heavy_limit": (1, 50),
    "nudge_items": (2, 50),
    "nudge_minutes": (5, 480),
}


def change_workload_settings(user: User, **values: Any) -> WorkloadSettings:
    """Change the office's workload settings. Requires a manager; refuses out-of-range
    numbers naming each field. Causes an audit entry (by the audit signal)."""
    if not is_manager(user):
        raise PermissionDenied("Only managers change workload settings.")
    current = settings_for(user.office_id)
    errors: dict[str, str] = {}
    for name, (low, high) in SETTING_FIELDS.items():
        if name not in values:
            continue
        try:
            number = int(values[name])
        except (TypeError, ValueError):
            errors[name] = "Enter a whole number"
            continue
        if not low <= number <= high:
            errors[name] = f"Enter a number from {low} to {high}"
            continue
        setattr(current, name, number)
    if "nudges_on" in values:
        current.nudges_on = bool(values["nudges_on"])
    if errors:
        raise ValidationError(errors)
    with bind_office(user.office_id, actor=user), transaction.atomic():
        current.save()
    return current


# --- A case's distress ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseDistress:
    level: int
    from_items: int
    override: CaseLoad | None

    @property
    def label(self) -> str:
        return DistressLevel(self.level).label

    @property
    def items_label(self) -> str:
        return DistressLevel(self.from_items).label


def case_levels(office_id: int, case_ids: Iterable[int]) -> dict[int, int]:
    """Each case's distress level: its override if someone set one, else its items' highest."""
    ids = list(case_ids)
    with bind_office(office_id):
        levels = dict(item_distress.case_item_levels(office_id, ids))
        overrides = CaseLoad.objects.filter(
            case_id__in=ids, distress_override__isnull=False
        ).values_list("case_id", "distress_override")
        levels.update(dict(overrides))
    return levels


def high_distress_case_ids(office_id: int) -> set[int]:
    """The office's cases whose distress level is high: by their items, unless someone set
    the level by hand (an override lowers as well as raises). A handful of queries."""
    with bind_office(office_id):
        overrides = dict(
            CaseLoad.objects.filter(distress_override__isnull=False).values_list(
                "case_id", "distress_override"
            )
        )
        from_items = item_distress.high_item_case_ids(office_id)
    high = DistressLevel.HIGH
    return {pk for pk in from_items if overrides.get(pk, high) >= high} | {
        pk for pk, level in overrides.items() if level >= high
    }


def case_distress(case: Case) -> CaseDistress:
    with bind_office(case.office_id):
        override = (
            CaseLoad.objects.filter(case=case, distress_override__isnull=False)
            .select_related("set_by")
            .first()
        )
        from_items = item_distress.case_item_levels(case.office_id, [case.pk]).get(case.pk, 0)
    level = override.distress_override if override is not None else from_items
    return CaseDistress(level, from_items, override)


def may_set_workload(user: User, case: Case) -> bool:
    return user.has_role(Role.CASEWORKER, Role.MANAGER) and case_services.may_change(user, case)


def set_case_workload(
    user: User,
    case: Case,
    *,
    complexity: Any = None,
    distress: Any = None,
    reason: str = "",
) -> CaseDistress:
    """Set a case's complexity (1-5, blank for unset) and its distress level (blank to go by
    its items). Requires a caseworker or manager who may change the case; a new distress
    level needs a reason. Causes the case's complexity change (through the cases services)
    and the override's audit entry."""
    if not may_set_workload(user, case):
        raise PermissionDenied("Only caseworkers and managers who may change the case set this.")
    reason = (reason or "").strip()
    current = case_distress(case)
    errors: dict[str, str] = {}
    level: int | None = None
    if distress not in (None, ""):
        try:
            level = DistressLevel(int(distress))
        except (TypeError, ValueError):
            errors["distress"] = "Choose a distress level"
    changes_override = level != (
        current.override.distress_override if current.override is not None else None
    )
    if level is not None and changes_override and not reason:
        errors["reason"] = "Say why the case's distress level is different from its items'"
    if len(reason) > 500:
        errors["reason"] = "Keep the reason to 500 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with bind_office(user.office_id, actor=user), transaction.atomic():
        if str(complexity or "") != str(case.complexity or ""):
            case_services.update_case(user, case, complexity=complexity or None)
        if changes_override:
            row = CaseLoad.objects.filter(case=case).first() or CaseLoad(case=case)
            row.distress_override = level
            row.reason = reason if level is not None else ""
            row.set_by = user
            row.set_at = timezone.now()
            row.save()
    return case_distress(case)


# --- People's figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFigures:
    user: User
    open_cases: int
    weighted: float
    overdue: int
    capacity: int
    exposure: Exposure
    heavy_limit: int

    @property
    def load_ratio(self) -> float:
        return self.weighted / self.capacity if self.capacity else 0.0

    @property
    def load_status(self) -> str:
        if self.load_ratio > 1:
            return "Over capacity"
        if self.load_ratio >= 0.75:
            return "Near capacity"
        return "Has room"

    @property
    def load_colour(self) -> str:
        return {"Over capacity": "red", "Near capacity": "yellow"}.get(self.load_status, "green")

    @property
    def exposure_status(self) -> str:
        if self.exposure.heavy_recent >= self.heavy_limit:
            return "Heavy week"
        if self.exposure.this_week:
            return "Some"
        return "None"

    @property
    def exposure_colour(self) -> str:
        return {"Heavy week": "red", "Some": "yellow"}.get(self.exposure_status, "grey")


def carrying_staff(office_id: int) -> list[User]:
    """The office's active staff who carry cases (caseworkers, managers, interns)."""
    people = list(
        User.objects.filter(office_id=office_id, is_active=True).order_by("full_name", "id")
    )
    roles: dict[int, set[str]] = {}
    for user_id, role in StaffRole.objects.filter(user__in=people).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    return [user for user in people if roles.get(user.pk, set()) & CASE_CARRYING_ROLES]


def figures_for(
    office: Office, people: list[User], today: date | None = None
) -> list[PersonFigures]:
    """Caseload, weighted caseload, overdue cases and exposure of each person: a fixed
    number of queries however many people and cases there are."""
    office_id = office.pk
    settings = settings_for(office_id)
    with bind_office(office_id):
        today = today or case_services.office_today(office)
        cases = list(
            Case.objects.filter(assignee__in=people, status__is_closed=False).values_list(
                "pk", "assignee_id", "complexity", "due_date"
            )
        )
        levels = case_levels(office_id, [pk for pk, *_ in cases])
        exposure = exposure_by_person(office, [user.pk for user in people])
    totals: dict[int, list[float]] = {user.pk: [0, 0.0, 0] for user in people}
    for pk, assignee_id, complexity, due in cases:
        row = totals[assignee_id]
        row[0] += 1
        row[1] += case_weight(complexity, levels.get(pk, 0))
        row[2] += 1 if due is not None and due < today else 0
    return [
        PersonFigures(
            user=user,
            open_cases=int(totals[user.pk][0]),
            weighted=round(totals[user.pk][1], 2),
            overdue=int(totals[user.pk][2]),
            capacity=settings.capacity,
            exposure=exposure.get(user.pk, Exposure()),
            heavy_limit=settings.heavy_limit,
        )
        for user in people
    ]


def team_figures(user: User) -> list[PersonFigures]:
    """Everyone who carries cases in the user's office. Requires a manager."""
    if not is_manager(user):
        raise PermissionDenied("Only managers see the team's workload.")
    with bind_office(user.office_id, actor=user):
        return figures_for(user.office, carrying_staff(user.office_id))


def my_figures(user: User) -> PersonFigures:
    """The user's own figures; anyone may see their own."""
    with bind_office(user.office_id, actor=user):
        return figures_for(user.office, [user])[0]
