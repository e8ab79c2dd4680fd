"""Operations on offices and their staff. The only code that writes these records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casewell.offices.audit import record_event
from casewell.offices.models import (
    AuditEntry,
    Invitation,
    Office,
    Role,
    StaffRole,
    Team,
    TeamMembership,
    User,
)
from casewell.offices.tenancy import bind_office


@transaction.atomic
def create_office(
    *, name: str, kind: str, nation: str, time_zone: str = "Europe/London", reference_prefix: str
) -> Office:
    """Create an office. Requires nothing; causes nothing else (its staff come next)."""
    office = Office(
        name=name,
        kind=kind,
        nation=nation,
        time_zone=time_zone,
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
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name, office=office
        )
        for role in sorted(set(roles)):
            StaffRole.objects.create(office=office, user=user, role=role)
    return user


@contextmanager
def acting_as_administrator(
    admin: User, record: User | Invitation | None = None
) -> Iterator[Office]:
    """Bind the administrator's office, refuse anyone else, and run the block in one transaction."""
    with bind_office(admin.office, actor=admin), transaction.atomic():
        # Roles are read inside the binding: on PostgreSQL the wall hides them otherwise.
        if not admin.is_active or admin.is_locked or not admin.has_role(Role.ADMINISTRATOR):
            raise PermissionDenied("Only the office's administrators may do this.")
        if record is not None and record.office_id != admin.office_id:
            raise PermissionDenied("That belongs to another office.")
        yield admin.office


def active_staff_with_role(office_id: int, role: str) -> list[User]:
    """The office's active staff who hold ``role``, by name (one query)."""
    return list(
        User.objects.filter(office_id=office_id, is_active=True, staff_roles__role=role)
        .distinct()
        .order_by("full_name", "id")
    )


def valid_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise ValidationError({"roles": "Choose at least one role."})
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": f"{', '.join(unknown)} is not a role."})
    return chosen


def _other_active_administrators(user: User) -> bool:
    return (
        User.objects.filter(
            office_id=user.office_id, is_active=True, staff_roles__role=Role.ADMINISTRATOR
        )
        .exclude(pk=user.pk)
        .exists()
    )


def change_roles(admin: User, user: User, roles: Iterable[str]) -> None:
    """Give a member of staff exactly these roles.

    Requires an administrator of the same office; the office always keeps one
    active administrator. Causes an audit entry per role granted or removed.
    """
    chosen = set(valid_roles(roles))
    with acting_as_administrator(admin, user):
        user.__dict__.pop("roles", None)
        current = set(user.roles)
        if Role.ADMINISTRATOR in current - chosen and not _other_active_administrators(user):
            raise ValidationError(
                {"roles": f"{user.full_name} is the office's only administrator, so must stay one."}
            )
        for role_row in StaffRole.objects.filter(user=user, role__in=current - chosen):
            role_row.delete()
        for role in sorted(chosen - current):
            StaffRole.objects.create(user=user, role=role)
    user.__dict__.pop("roles", None)


def deactivate_staff(admin: User, user: User) -> None:
    """Stop someone signing in (their work and history stay). Requires an administrator; audited."""
    with acting_as_administrator(admin, user):
        if user.pk == admin.pk:
            raise ValidationError("You cannot deactivate your own account.")
        if user.has_role(Role.ADMINISTRATOR) and not _other_active_administrators(user):
            raise ValidationError(f"{user.full_name} is the office's only administrator.")
        if not user.is_active:
            return
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(admin.office_id, AuditEntry.Action.DEACTIVATED, actor=admin, subject=user)


def reactivate_staff(admin: User, user: User) -> None:
    """Let a deactivated person sign in again. Requires an administrator; audited."""
    with acting_as_administrator(admin, user):
        if user.is_active:
            return
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(admin.office_id, AuditEntry.Action.REACTIVATED, actor=admin, subject=user)


# --- The office itself --------------------------------------------------------------------

OFFICE_DETAILS = ("name", "kind", "nation", "time_zone", "reference_prefix")


def update_office(admin: User, **details: str) -> Office:
    """Change the office's name, kind, nation, time zone or reference prefix.

    Requires an administrator. Changing the kind changes the words every page
    uses for the people the office serves. Causes an audit entry listing what changed.
    """
    with acting_as_administrator(admin):
        office = Office.objects.select_for_update().get(pk=admin.office_id)
        if "reference_prefix" in details:
            details["reference_prefix"] = details["reference_prefix"].strip().upper()
        changes: dict[str, Any] = {}
        for name in OFFICE_DETAILS:
            if name in details and getattr(office, name) != details[name]:
                changes[name] = {"from": getattr(office, name), "to": details[name]}
                setattr(office, name, details[name])
        if not changes:
            return office
        office.full_clean()
        office.save(update_fields=list(changes))
        record_event(
            office.pk, AuditEntry.Action.CHANGED, actor=admin, subject=office, changes=changes
        )
    return office


# --- Teams --------------------------------------------------------------------------------


@contextmanager
def acting_as_manager(user: User) -> Iterator[Office]:
    """Bind the user's office, refuse anyone but a manager or administrator, one transaction."""
    with bind_office(user.office, actor=user), transaction.atomic():
        if (
            not user.is_active
            or user.is_locked
            or not user.has_role(Role.MANAGER, Role.ADMINISTRATOR)
        ):
            raise PermissionDenied("Only the office's managers and administrators may do this.")
        yield user.office


def _team_name(name: str, office_id: int, team: Team | None = None) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise ValidationError({"name": "Enter the team's name."})
    if len(text) > 100:
        raise ValidationError({"name": "A team's name must be 100 characters or fewer."})
    clash = Team.objects.filter(office_id=office_id, name__iexact=text)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": f"The office already has a team called {text}."})
    return text


def create_team(user: User, name: str, members: Iterable[User] = ()) -> Team:
    """Add a team. Requires a manager or administrator. Causes audit entries."""
    with acting_as_manager(user) as office:
        team = Team.objects.create(name=_team_name(name, office.pk))
        _set_members(team, members, office)
    return team


def rename_team(user: User, team: Team, name: str) -> Team:
    """Rename a team. Requires a manager or administrator of its office. Audited."""
    with acting_as_manager(user) as office:
        team = _team_of(team, office)
        team.name = _team_name(name, office.pk, team)
        team.save()
    return team


def set_team_members(user: User, team: Team, members: Iterable[User]) -> Team:
    """Make exactly these staff the team's members. Requires a manager or administrator. Audited."""
    with acting_as_manager(user) as office:
        team = _team_of(team, office)
        _set_members(team, members, office)
    return team


def _team_of(team: Team, office: Office) -> Team:
    found = Team.objects.filter(pk=team.pk, office_id=office.pk).first()
    if found is None:
        raise PermissionDenied("That belongs to another office.")
    return found


def _set_members(team: Team, members: Iterable[User], office: Office) -> None:
    chosen = {member.pk: member for member in members}
    strangers = [m for m in chosen.values() if m.office_id != office.pk or not m.is_active]
    if strangers:
        raise ValidationError({"members": "Choose members from the office's active staff."})
    for membership in TeamMembership.objects.filter(team=team).exclude(user_id__in=chosen):
        membership.delete()
    current = set(TeamMembership.objects.filter(team=team).values_list("user_id", flat=True))
    for pk in sorted(set(chosen) - current):
        TeamMembership.objects.create(team=team, user=chosen[pk])
