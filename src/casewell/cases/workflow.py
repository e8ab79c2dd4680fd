"""The office's case workflow: its statuses and which moves between them are allowed.

Administrators configure it. Every office starts with new → open → awaiting reply
→ closed, and closed → open to reopen (see ``defaults.py``). A status is never
deleted — cases may be in it — but it can be retired, so nothing moves into it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from casewell.cases.models import CaseStatus, StatusTransition
from casewell.offices.models import User
from casewell.offices.services import acting_as_administrator


def _name(text: str) -> str:
    name = " ".join(str(text or "").split())
    if not name:
        raise ValidationError({"name": "Enter the status's name."})
    if len(name) > 60:
        raise ValidationError({"name": "A status's name must be 60 characters or fewer."})
    return name


def _own(status: CaseStatus | int, admin: User, field: str = "status") -> CaseStatus:
    pk = status.pk if isinstance(status, CaseStatus) else status
    found = CaseStatus.objects.filter(pk=pk).first()
    if found is None or found.office_id != admin.office_id:
        raise ValidationError({field: "Choose a status from this office."})
    return found


def _unique(name: str, leaving_out: CaseStatus | None = None) -> None:
    clash = CaseStatus.objects.filter(name__iexact=name)
    if leaving_out is not None:
        clash = clash.exclude(pk=leaving_out.pk)
    if clash.exists():
        raise ValidationError({"name": f"The workflow already has a status called {name}."})


def add_status(admin: User, name: str, *, is_closed: bool = False) -> CaseStatus:
    """Add a status at the end of the workflow (no moves into or out of it until they are set).

    Requires an administrator. Causes an audit entry.
    """
    clean = _name(name)
    with acting_as_administrator(admin):
        _unique(clean)
        last = CaseStatus.objects.aggregate(last=Max("position"))["last"] or 0
        return CaseStatus.objects.create(name=clean, is_closed=is_closed, position=last + 1)


def change_status_details(
    admin: User, status: CaseStatus, *, name: str, is_closed: bool
) -> CaseStatus:
    """Rename a status, or say whether a case in it is closed. Requires an administrator.

    Changing "closed" affects only later moves: closing times already stamped stay.
    """
    clean = _name(name)
    with acting_as_administrator(admin):
        status = _own(status, admin)
        _unique(clean, leaving_out=status)
        if status.is_initial and is_closed:
            raise ValidationError(
                {"is_closed": "New cases start in this status: it cannot be closed."}
            )
        status.name, status.is_closed = clean, is_closed
        status.save()
    return status


def set_next_statuses(
    admin: User, status: CaseStatus, next_statuses: Iterable[CaseStatus | int]
) -> CaseStatus:
    """Say exactly which statuses a case in ``status`` may move to. Requires an administrator."""
    with acting_as_administrator(admin):
        status = _own(status, admin)
        chosen = {s.pk: s for s in (_own(s, admin, "next_statuses") for s in next_statuses)}
        if status.pk in chosen:
            raise ValidationError({"next_statuses": "A status cannot move to itself."})
        for row in StatusTransition.objects.filter(from_status=status).exclude(
            to_status_id__in=chosen
        ):
            row.delete()
        current = set(
            StatusTransition.objects.filter(from_status=status).values_list(
                "to_status_id", flat=True
            )
        )
        for pk in sorted(set(chosen) - current):
            StatusTransition.objects.create(from_status=status, to_status=chosen[pk])
    return status


def make_initial(admin: User, status: CaseStatus) -> CaseStatus:
    """New cases start in this status from now on. Requires an administrator."""
    with acting_as_administrator(admin):
        status = _own(status, admin)
        if status.is_closed or status.retired_at is not None:
            raise ValidationError(
                {"status": "New cases cannot start in a closed or retired status."}
            )
        for row in CaseStatus.objects.filter(is_initial=True).exclude(pk=status.pk):
            row.is_initial = False
            row.save()
        status.is_initial = True
        status.save()
    return status


def retire_status(admin: User, status: CaseStatus) -> CaseStatus:
    """Stop cases moving into a status. Cases already in it stay and can move on."""
    with acting_as_administrator(admin):
        status = _own(status, admin)
        if status.is_initial:
            raise ValidationError(
                {"status": "New cases start in this status: choose another starting status first."}
            )
        status.retired_at = status.retired_at or timezone.now()
        status.save()
    return status


def restore_status(admin: User, status: CaseStatus) -> CaseStatus:
    with acting_as_administrator(admin):
        status = _own(status, admin)
        status.retired_at = None
        status.save()
    return status


def workflow() -> list[tuple[CaseStatus, list[CaseStatus]]]:
    """The bound office's statuses in order, each with the statuses it may move to."""
    statuses = list(CaseStatus.objects.order_by("position", "id").prefetch_related("next_statuses"))
    return [
        (status, sorted(status.next_statuses.all(), key=lambda s: (s.position, s.pk)))
        for status in statuses
    ]
