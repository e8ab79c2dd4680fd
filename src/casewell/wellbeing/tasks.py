"""Wellbeing jobs. Each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from casewell.offices.models import Office
from casewell.offices.tenancy import across_all_offices


@task()
def alert_overdue_supervision() -> str:
    """Daily: tell each office's managers who is newly overdue clinical supervision."""
    from casewell.wellbeing.supervision_alerts import alert_managers_of_overdue_supervision

    with across_all_offices():
        offices = list(Office.objects.order_by("pk"))
    alerted = sum(alert_managers_of_overdue_supervision(office) for office in offices)
    return f"{alerted} alerted"
