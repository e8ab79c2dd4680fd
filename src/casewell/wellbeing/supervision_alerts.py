"""Telling managers that someone's clinical supervision is overdue.

Once per person per due date: a daily job may run any number of times and each
manager hears about each lapse once. Every message goes through the notification
service's one delivery function, which holds it until the manager's working hours.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casewell.notify.services import deliver
from casewell.offices.models import Office, Role
from casewell.offices.services import active_staff_with_role
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models import OverdueAlert
from casewell.wellbeing.supervision import clinical_supervision_due


def alert_managers_of_overdue_supervision(office: Office, today: date | None = None) -> int:
    """Tell the office's managers about each person newly overdue clinical supervision.

    Causes one ``OverdueAlert`` per person and due date, and a message to each manager
    (never to the person themselves, and never about themselves to a manager). Returns
    how many people were alerted about; a second run the same day alerts nobody.
    """
    today = today or timezone.localdate()
    with bind_office(office):
        managers = active_staff_with_role(office.pk, Role.MANAGER)
    alerted = 0
    for row in clinical_supervision_due(office, today):
        if not row.overdue_on(today):
            continue
        with bind_office(office), transaction.atomic():
            try:
                with transaction.atomic():
                    OverdueAlert.objects.create(user=row.user, due_on=row.due_on)
            except IntegrityError:
                continue  # already told
            last = f"last on {row.last_on:%d %B %Y}" if row.last_on else "none recorded yet"
            for manager in managers:
                if manager.pk == row.user.pk:
                    continue
                deliver(
                    manager,
                    kind="reminder",
                    subject=f"Clinical supervision overdue: {row.user.full_name}",
                    body=f"{row.user.full_name}'s clinical supervision was due by "
                    f"{row.due_on:%d %B %Y} ({last}). You can book it in Casewell under "
                    "Wellbeing, Supervision.",
                    link=reverse("wellbeing:supervision"),
                )
        alerted += 1
    return alerted
