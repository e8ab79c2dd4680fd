"""Run in a subprocess against a shared database (see test_restart.py)::

    python -m casewell.safety.tests.probe start SECONDS...   # one session due after each
    python -m casewell.safety.tests.probe report

Prints JSON. ``start`` makes the test cast, sets North's grace period to 0 and
starts one session per deadline, each ending (so due) that many seconds from now.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from casewell.cli import setup_django


def start(seconds: list[float]) -> dict:
    from django.utils import timezone

    from casewell.offices.models import Role
    from casewell.offices.services import add_staff_member
    from casewell.safety import services
    from casewell.testing.cast import make_cast

    cast = make_cast()
    services.change_ladder(
        cast.ben,
        grace_minutes=0,
        worker_minutes=5,
        buddy_minutes=5,
        managers_minutes=5,
        emergency_contact_minutes=5,
        repeat_minutes=5,
        emergency_procedure="Call 999.",
        webhook_url="",
    )
    now = timezone.now()
    sessions = []
    for number, after in enumerate(seconds):
        worker = add_staff_member(
            cast.north,
            email=f"lone{number}@nr.example",
            full_name=f"Lone Worker {number}",
            roles=[Role.CASEWORKER],
        )
        session = services.start_lone_working(
            worker,
            services.SessionPlan(
                purpose="outreach",
                location=f"Outreach round {number}",
                buddy_id=cast.wes.pk,
                expected_end=now + timedelta(seconds=after),
                check_in_minutes=5,
                emergency_contact_name="Sam Lovelace",
                emergency_contact_phone="07700 900123",
            ),
        )
        sessions.append({"id": session.pk, "deadline": session.next_deadline.timestamp()})
    return {"sessions": sessions}


def report() -> dict:
    from django.db.models import Min

    from casewell.offices.tenancy import across_all_offices
    from casewell.safety.models import EscalationStep, LoneWorkingSession

    with across_all_offices():
        first = dict(
            EscalationStep.all_offices.values("session_id")
            .annotate(first=Min("taken_at"))
            .values_list("session_id", "first")
        )
        steps = EscalationStep.all_offices.count()
        rows = []
        for session in LoneWorkingSession.all_offices.order_by("id"):
            deadline = session.check_in_due_at  # grace 0: the check-in due time is the deadline
            taken = first.get(session.pk)
            rows.append(
                {
                    "id": session.pk,
                    "deadline": deadline.timestamp(),
                    "first_alert": taken.timestamp() if taken else None,
                    "delay": (taken - deadline).total_seconds() if taken else None,
                }
            )
    return {"sessions": rows, "steps": steps}


def main(argv: list[str]) -> int:
    setup_django()
    command, *rest = argv
    if command == "start":
        result = start([float(value) for value in rest])
    elif command == "report":
        result = report()
    else:
        raise SystemExit(f"unknown probe command {command}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
