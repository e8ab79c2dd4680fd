"""Operations on offices and their staff. The only code that writes these records."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from casewell.offices.models import Office, StaffRole, User
from casewell.offices.tenancy import bind_office


@transaction.atomic
def create_office(
    *, name: str, kind: str, nation: str, time_zone: str = "Europe/London", reference_prefix: str
) -> Office:
    """Create an office. Requires nothing; causes nothing else (its staff come next)."""
    office = Office(
        name=name, kind=kind, nation=nation, time_zone=time_zone,
        reference_prefix=reference_prefix.upper(),
    )
    office.full_clean()
    office.save()
    return office


def add_staff_member(
    office: Office,
    *,
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a person who works in ``office`` with the given roles.

    Without a password the account cannot sign in until one is set (by
    accepting an invitation). Causes audit entries for the roles granted.
    """
    with bind_office(office, actor=actor), transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name, office=office)
        for role in sorted(set(roles)):
            StaffRole.objects.create(office=office, user=user, role=role)
    return user
