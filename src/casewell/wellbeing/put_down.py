"""Putting it down at the end of the day.

Before going home, someone writes a few words about what they are carrying (a
note only they will ever see: not their manager, not an administrator, and not
the audit trail, which records that a note was written but not what it says),
and may hand cases to tomorrow's daily huddle so the team holds them overnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.cases import services as case_services
from casewell.cases.models import Case
from casewell.notify import services as notify
from casewell.notify.working_time import is_day_off
from casewell.offices.models import User
from casewell.offices.permissions import get_for
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.at_risk import at_risk_cases
from casewell.wellbeing.huddles import hand_to_huddle
from casewell.wellbeing.models import Handover, PutDownNote

MAX_NOTE = 2000
MAX_CHOICES = 200
# The prompt shows from shortly before the end of the person's working day until a few
# hours after it (people stay late on hard days), unless they have put it down already.
PROMPT_BEFORE_END = timedelta(minutes=30)
PROMPT_AFTER_END = timedelta(hours=3)


@dataclass
class PutDown:
    note: PutDownNote | None
    handovers: list[Handover] = field(default_factory=list)


def cases_to_hand_over(user: User) -> list[Case]:
    """What the person might hand on: their own open cases and the at-risk cases they see."""
    with bind_office(user.office, actor=user):
        mine = list(case_services.find_cases(user, mine=True, state="open")[:MAX_CHOICES])
    risky = [case for case, _ in at_risk_cases(user).values()]
    seen: dict[int, Case] = {}
    for case in [*mine, *risky]:
        seen.setdefault(case.pk, case)
    return sorted(seen.values(), key=lambda case: case.reference)[:MAX_CHOICES]


def put_it_down(
    user: User, *, note: str = "", hand_over: Iterable[int] = (), handover_note: str = ""
) -> PutDown:
    """Write what the person is carrying and hand cases to tomorrow's huddle.

    Requires a note or at least one case; the cases must be ones the person may see.
    Causes a private note (its text never leaves it), a handover per case, audit entries.
    """
    note = note.strip()
    case_ids = [int(pk) for pk in hand_over]
    if not note and not case_ids:
        raise ValidationError({"note": "Write what you are carrying, or choose a case to hand on"})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE} characters"})
    with bind_office(user.office, actor=user), transaction.atomic():
        cases = list(Case.objects.filter(pk__in=case_ids))
        if len(cases) != len(set(case_ids)) or not all(c.is_visible_to(user) for c in cases):
            raise ValidationError({"hand_over": "Choose cases you work on"})
        written = PutDownNote.objects.create(user=user, text=note) if note else None
        handovers = [hand_to_huddle(user, case, handover_note) for case in cases]
    return PutDown(note=written, handovers=handovers)


def my_put_down_notes(user: User, limit: int = 30) -> list[PutDownNote]:
    """The person's own latest notes, newest first. Nobody else's, whatever their role."""
    with bind_office(user.office, actor=user):
        return list(PutDownNote.objects.filter(user=user)[:limit])


def get_put_down_note_for(user: User, putdownnote_id: Any) -> PutDownNote:
    """One of the person's own notes; 404 for anyone else's, a manager's request included."""
    with bind_office(user.office, actor=user):
        return get_for(user, PutDownNote, putdownnote_id)


def delete_put_down_note(user: User, note: PutDownNote) -> None:
    """The writer may throw a note away. Causes an audit entry (without the text)."""
    with bind_office(user.office, actor=user), transaction.atomic():
        if note.user_id != user.pk:
            raise ValidationError("That note was not found")
        note.delete()


def prompt_day(user: User, now: datetime | None = None) -> date:
    """Today, in the person's own time zone: the day a "not today" answer holds for."""
    pattern = notify.remembered_pattern_of(user)
    return (now or timezone.now()).astimezone(pattern.zone).date()


@dataclass(frozen=True)
class Prompt:
    """The end-of-day prompt: when the person's working day ends, in their own time."""

    day_ends_at: datetime


def put_down_prompt(
    user: User, *, dismissed_on: date | None = None, now: datetime | None = None
) -> Prompt | None:
    """The end-of-day prompt for ``user`` if it is due now, else None.

    Due near the end of a working day in the person's own pattern (their hours, time zone
    and bank holidays), unless they put something down today or said "not today"
    (``dismissed_on``). Costs no query outside that window (the pattern is cached).
    """
    now = now or timezone.now()
    pattern = notify.remembered_pattern_of(user)
    local = now.astimezone(pattern.zone)
    period = pattern.days.get(local.weekday())
    if period is None or is_day_off(local.date(), pattern) or dismissed_on == local.date():
        return None
    ends = datetime.combine(local.date(), period.end, tzinfo=pattern.zone)
    if not ends - PROMPT_BEFORE_END <= local <= ends + PROMPT_AFTER_END:
        return None
    day_starts = datetime.combine(local.date(), period.start, tzinfo=pattern.zone)
    with bind_office(user.office, actor=user):
        put_down = PutDownNote.objects.filter(user=user, written_at__gte=day_starts).exists()
        if put_down or Handover.objects.filter(handed_by=user, handed_at__gte=day_starts).exists():
            return None
    return Prompt(day_ends_at=ends)
