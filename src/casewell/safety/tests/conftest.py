"""Lone working as every safety test knows it.

Ada (caseworker) does home visits with Wes as her buddy; Ben is North's
manager. The clock is frozen (``time_machine``) at ``START`` and moved on by
hand; ``Clock.run_scheduler`` does what the scheduler and a worker would do
at that moment, through the same code (``Scheduler.tick`` and the queue).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine

from casewell.jobs.scheduler import Scheduler
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.models import User
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import services
from casewell.safety.models import (
    AlertNotice,
    EscalationStep,
    LoneWorkingSession,
    SafetyAlert,
    SafetyLogEntry,
)

START = datetime.fromisoformat("2026-03-10T10:00:00+00:00")


@dataclass
class Clock:
    traveller: time_machine.Coordinates

    @property
    def now(self) -> datetime:
        from django.utils import timezone

        return timezone.now()

    def move_to(self, moment: datetime) -> None:
        self.traveller.move_to(moment)

    def forward(self, **delta: float) -> None:
        self.move_to(self.now + timedelta(**delta))

    def run_scheduler(self) -> None:
        """One scheduler tick, then the worker runs what it queued (and what that queued)."""
        Scheduler().tick(self.now)
        run_queued_tasks()


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(START, tick=False) as traveller:
        yield Clock(traveller)


def plan(**changes) -> services.SessionPlan:
    values = {
        "purpose": "home_visit",
        "location": "14 Mill Lane, Leeds LS6 2AB",
        "expected_end": START + timedelta(hours=2),
        "buddy_id": None,
        "emergency_contact_name": "Sam Lovelace",
        "emergency_contact_phone": "07700 900123",
        "check_in_minutes": 30,
    }
    values.update(changes)
    return services.SessionPlan(**values)


@pytest.fixture
def visit(cast, clock) -> LoneWorkingSession:
    """Ada's home visit: check-ins every 30 minutes, Wes her buddy, ending at noon."""
    return services.start_lone_working(cast.ada, plan(buddy_id=cast.wes.pk))


def steps_of(session: LoneWorkingSession) -> list[tuple[str, str]]:
    with across_all_offices():
        return [
            (step.alert.kind, step.tier)
            for step in EscalationStep.all_offices.filter(session=session).select_related("alert")
        ]


def notices_for(user: User) -> list[AlertNotice]:
    with bind_office(user.office):
        return list(AlertNotice.objects.filter(recipient=user).select_related("alert", "step"))


def alerts_of(session: LoneWorkingSession) -> list[SafetyAlert]:
    with across_all_offices():
        return list(
            SafetyAlert.all_offices.filter(session=session)
            .select_related("session")
            .order_by("raised_at", "id")
        )


def log_of(session: LoneWorkingSession) -> list[SafetyLogEntry]:
    with across_all_offices():
        return list(SafetyLogEntry.all_offices.filter(session=session))


def reload(session: LoneWorkingSession) -> LoneWorkingSession:
    with across_all_offices():
        return LoneWorkingSession.all_offices.get(pk=session.pk)
