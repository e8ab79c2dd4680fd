"""Huddles: the boards of at-risk cases, recording a huddle, and handing a case to the next one.

Everyone in the office except interns and volunteers takes part: they read the
boards and past huddles and may record one. What a huddle decides is recorded as
the team's: decisions carry the case, what was agreed and any action's owner and
date, and no author. The board shows, for each at-risk case, what changed since
the last huddle of the same kind: timeline entries and status changes recorded
since, and how many messages arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from casewell.cases import services as case_services
from casewell.cases.models import Case
from casewell.inbox.case_messages import new_messages_on_cases
from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.timeline.changes import entries_recorded_since
from casewell.wellbeing.at_risk import at_risk_cases
from casewell.wellbeing.models import (
    Handover,
    Huddle,
    HuddleAttendance,
    HuddleDecision,
    HuddleKind,
    HuddleRhythm,
)

# With no earlier huddle of the kind, "since" reaches back this far.
FIRST_LOOK_BACK = {HuddleKind.DAILY: timedelta(days=1), HuddleKind.WEEKLY: timedelta(days=7)}
MAX_DECISIONS = 30


def may_take_part(user: User) -> bool:
    return user.is_active and not case_services.is_intern_only(user)


def _require_part(user: User) -> None:
    if not may_take_part(user):
        raise PermissionDenied("Huddles are for the office's staff, not interns or volunteers.")


@dataclass
class BoardRow:
    case: Case
    reasons: list[str]
    changes: list[Any] = field(default_factory=list)
    new_messages: int = 0
    handovers: list[Handover] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.changes and not self.new_messages and not self.handovers


@dataclass
class Board:
    kind: str
    since: datetime
    last_huddle: Huddle | None
    rows: list[BoardRow]


def last_huddle(kind: str) -> Huddle | None:
    """The latest huddle of the kind. Requires the office bound."""
    return Huddle.objects.filter(kind=kind).order_by("-held_at", "-id").first()


def huddle_board(user: User, kind: str, *, now: datetime | None = None) -> Board:
    """The at-risk cases the user may see, each with what changed since the last huddle of
    this kind, handed-over cases first. A fixed number of queries however many cases."""
    _require_part(user)
    if kind not in HuddleKind.values:
        raise ValidationError({"kind": "Choose a daily or weekly huddle"})
    now = now or timezone.now()
    with bind_office(user.office, actor=user):
        previous = last_huddle(kind)
        since = previous.held_at if previous else now - FIRST_LOOK_BACK[HuddleKind(kind)]
        risky = at_risk_cases(user)
        ids = list(risky)
        entries = entries_recorded_since(ids, since)
        messages = new_messages_on_cases(ids, since)
        handed: dict[int, list[Handover]] = {}
        for handover in Handover.objects.filter(huddle=None, case_id__in=ids).select_related(
            "handed_by"
        ):
            handed.setdefault(handover.case_id, []).append(handover)
    rows = [
        BoardRow(case, reasons, entries.get(pk, []), messages.get(pk, 0), handed.get(pk, []))
        for pk, (case, reasons) in risky.items()
    ]
    rows.sort(key=lambda row: (not row.handovers, row.unchanged, -row.case.priority,
                               row.case.reference))  # fmt: skip
    return Board(kind=kind, since=since, last_huddle=previous, rows=rows)


@dataclass
class DecisionPlan:
    decision: str
    case_id: int | None = None
    action: str = ""
    action_owner_id: int | None = None
    action_due_on: date | None = None


def _staff_ids(user: User, ids: Iterable[int]) -> list[int]:
    wanted = {int(pk) for pk in ids}
    known = set(
        User.objects.filter(office_id=user.office_id, is_active=True, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if known != wanted:
        raise ValidationError({"attendees": "Choose staff from your office"})
    return sorted(known)


def record_huddle(
    user: User,
    *,
    kind: str,
    attendee_ids: Iterable[int],
    decisions: Iterable[DecisionPlan] = (),
    learning_theme: str = "",
    notes: str = "",
    held_at: datetime | None = None,
) -> Huddle:
    """Record a huddle: who came, and the team's decisions and actions.

    Requires someone who takes part in huddles; at least one attendee, all from the office;
    decisions about cases the recorder may see, each action with an owner from the office.
    A weekly huddle may name a learning theme (a daily one may not). A daily huddle takes up
    every case handed to it since the last one. Causes the huddle, its attendance and
    decisions, and audit entries.
    """
    _require_part(user)
    problems: dict[str, str] = {}
    if kind not in HuddleKind.values:
        problems["kind"] = "Choose a daily or weekly huddle"
    attendee_ids = list(attendee_ids)
    if not attendee_ids:
        problems["attendees"] = "Choose who came to the huddle"
    learning_theme = learning_theme.strip()
    if learning_theme and kind == HuddleKind.DAILY:
        problems["learning_theme"] = "A learning theme is chosen at the weekly huddle"
    plans = [plan for plan in decisions if plan.decision.strip() or plan.action.strip()]
    if len(plans) > MAX_DECISIONS:
        problems["decisions"] = f"Record at most {MAX_DECISIONS} decisions at once"
    held_at = held_at or timezone.now()
    if held_at > timezone.now() + timedelta(minutes=5):
        problems["held_at"] = "A huddle is recorded after it has been held"
    if problems:
        raise ValidationError(problems)
    with bind_office(user.office, actor=user), transaction.atomic():
        attendees = _staff_ids(user, attendee_ids)
        rows = []
        for number, plan in enumerate(plans, start=1):
            rows.append(_decision_row(user, plan, number))
        huddle = Huddle.objects.create(
            kind=kind, held_at=held_at, recorded_by=user, learning_theme=learning_theme,
            notes=notes.strip(),
        )  # fmt: skip
        HuddleAttendance.objects.bulk_create(
            [HuddleAttendance(office_id=user.office_id, huddle=huddle, user_id=pk)
             for pk in attendees]
        )  # fmt: skip
        for row in rows:
            row.huddle = huddle
            row.save()
        if kind == HuddleKind.DAILY:
            for handover in Handover.objects.select_for_update().filter(
                huddle=None, handed_at__lte=held_at
            ):
                handover.huddle = huddle
                handover.save(update_fields=["huddle"])
    return huddle


def _decision_row(user: User, plan: DecisionPlan, number: int) -> HuddleDecision:
    where = f"decision_{number}"
    if not plan.decision.strip():
        raise ValidationError({where: f"Decision {number}: say what the team decided"})
    case = None
    if plan.case_id is not None:
        case = Case.objects.filter(pk=plan.case_id).first()
        if case is None or not case.is_visible_to(user):
            raise ValidationError({where: f"Decision {number}: that case was not found"})
    owner = None
    if plan.action.strip():
        if plan.action_owner_id is None:
            raise ValidationError({where: f"Decision {number}: choose who will do the action"})
        owner = User.objects.filter(
            office_id=user.office_id, is_active=True, pk=plan.action_owner_id
        ).first()
        if owner is None:
            raise ValidationError({where: f"Decision {number}: choose staff from your office"})
    elif plan.action_owner_id is not None or plan.action_due_on is not None:
        raise ValidationError({where: f"Decision {number}: say what the action is"})
    return HuddleDecision(
        office_id=user.office_id, case=case, decision=plan.decision.strip(),
        action=plan.action.strip(), action_owner=owner, action_due_on=plan.action_due_on,
    )  # fmt: skip


def past_huddles(user: User, kind: str | None = None, limit: int = 100) -> list[Huddle]:
    """The latest huddles held, newest first, with who came: two queries."""
    _require_part(user)
    with bind_office(user.office, actor=user):
        huddles = Huddle.objects.all()
        if kind:
            huddles = huddles.filter(kind=kind)
        return list(
            huddles.prefetch_related(
                Prefetch("attendances", queryset=HuddleAttendance.objects.select_related("user"))
            )[:limit]
        )


def get_huddle_for(user: User, huddle_id: Any) -> Huddle:
    _require_part(user)
    with bind_office(user.office, actor=user):
        return get_for(user, Huddle, huddle_id)


@dataclass
class ShownDecision:
    decision: HuddleDecision
    visible: bool


def decisions_of(user: User, huddle: Huddle) -> list[ShownDecision]:
    """The huddle's decisions; one about a case the reader may not see is shown as withheld."""
    with bind_office(user.office, actor=user):
        decisions = list(
            HuddleDecision.objects.filter(huddle=huddle).select_related("case", "action_owner")
        )
        case_ids = {row.case_id for row in decisions if row.case_id}
        visible = set(
            case_services.find_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True)
        )
    return [ShownDecision(row, row.case_id is None or row.case_id in visible) for row in decisions]


def attendees_of(huddle: Huddle) -> list[User]:
    with bind_office(huddle.office_id):
        return [
            row.user
            for row in huddle.attendances.select_related("user").order_by("user__full_name")
        ]


def team_actions(user: User) -> list[HuddleDecision]:
    """Actions the team agreed at huddles in the last four weeks, soonest due first."""
    _require_part(user)
    since = timezone.now() - timedelta(weeks=4)
    with bind_office(user.office, actor=user):
        return list(
            HuddleDecision.objects.filter(huddle__held_at__gte=since)
            .exclude(action="")
            .select_related("action_owner", "huddle", "case")
            .order_by("action_due_on", "id")
        )


def hand_to_huddle(user: User, case: Case, note: str = "") -> Handover:
    """Hand a case to the next daily huddle, so the team holds it from now.

    Requires someone who may see the case; handing the same case twice before the huddle
    keeps one handover (the note is added to it). Causes the handover and an audit entry.
    """
    with bind_office(user.office, actor=user), transaction.atomic():
        if not case.is_visible_to(user) or not user.is_active:
            raise ValidationError({"cases": "That case was not found"})
        note = note.strip()[:500]
        waiting = Handover.objects.filter(huddle=None, case=case, handed_by=user).first()
        if waiting is not None:
            if note and note not in waiting.note:
                waiting.note = (f"{waiting.note}\n{note}" if waiting.note else note)[:500]
                waiting.save(update_fields=["note"])
            return waiting
        return Handover.objects.create(case=case, handed_by=user, note=note)


def huddle_rhythm(office_id: int) -> HuddleRhythm:
    """When the office's huddles meet (the defaults until a manager changes them)."""
    with bind_office(office_id):
        return HuddleRhythm.objects.first() or HuddleRhythm(office_id=office_id)


def set_huddle_times(
    manager: User, *, daily_at: time, weekly_weekday: int, weekly_at: time
) -> HuddleRhythm:
    """When the daily and weekly huddles meet. Requires a manager. Causes an audit entry.
    Clashes with no-meeting times are the form's to warn about."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers set when the huddles meet.")
    if not 0 <= weekly_weekday <= 6:
        raise ValidationError({"weekly_weekday": "Choose the day of the weekly huddle"})
    with bind_office(manager.office, actor=manager), transaction.atomic():
        rhythm, _ = HuddleRhythm.objects.get_or_create(office_id=manager.office_id)
        rhythm.daily_at, rhythm.weekly_weekday, rhythm.weekly_at = (
            daily_at,
            weekly_weekday,
            weekly_at,
        )
        rhythm.save()
        return rhythm


def office_staff(user: User) -> list[User]:
    """The office's active staff, by name: who can attend or own an action."""
    return list(User.objects.filter(office_id=user.office_id, is_active=True).order_by("full_name"))
