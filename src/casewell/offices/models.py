"""Offices (the tenants), the staff who work in them, and the record of what they did."""

from __future__ import annotations

import zoneinfo
from functools import cached_property
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from casewell.offices.tenancy import (
    OfficeScopedManager,
    bind_office,
    current_actor,
    current_office_id,
)
from casewell.offices.vocabulary import OfficeKind, Vocabulary, vocabulary_for


class Nation(models.TextChoices):
    """Sets which bank holidays count when working days are reckoned."""

    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value} is not a time zone name such as Europe/London.")


class Office(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OfficeKind.choices)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    reference_prefix = models.CharField(
        max_length=8, help_text="Starts every case reference, for example DEM-2026-00042."
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def vocabulary(self) -> Vocabulary:
        return vocabulary_for(self.kind)

    @property
    def office_id(self) -> int:
        """An office belongs to itself, so the permission check treats it like a record."""
        return self.pk


class TenantModel(models.Model):
    """A row that belongs to exactly one office.

    ``objects`` sees only the bound office's rows; ``all_offices`` is for system
    work inside ``across_all_offices()``. Class attributes say how the audit
    trail treats the model: ``sensitive`` rows have every read logged, and
    ``sensitive_fields`` are recorded as changed without their values.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", editable=False)

    objects = OfficeScopedManager()
    all_offices = models.Manager()

    sensitive: ClassVar[bool] = False
    sensitive_fields: ClassVar[tuple[str, ...]] = ()
    audited: ClassVar[bool] = True

    class Meta:
        abstract = True
        base_manager_name = "all_offices"

    def save(self, *args: Any, **kwargs: Any) -> None:
        bound = current_office_id()
        if self.office_id is None and bound is not None:
            self.office_id = bound
        if bound is not None and self.office_id != bound:
            raise PermissionError(
                f"Refusing to write a {self._meta.label} of office {self.office_id} "
                f"while working for office {bound}."
            )
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # Remembered so the audit trail can say what a save changed.
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"
    INTERN = "intern", "Intern or volunteer"
    WELLBEING_CHAMPION = "wellbeing_champion", "Wellbeing champion"
    ADMINISTRATOR = "administrator", "Administrator"


def role_label(role: str, vocabulary: Vocabulary) -> str:
    if role == Role.MEMBER:
        return vocabulary.member[:1].upper() + vocabulary.member[1:]
    return Role(role).label


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """Someone who works in one office. Signs in with e-mail, password and a second factor."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="staff")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    last_failed_sign_in_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @cached_property
    def roles(self) -> frozenset[str]:
        # Bound to the person's own office, so the answer is the same in a request,
        # a job or before any office is bound (row-level security would hide the rows).
        with bind_office(self.office_id, actor=current_actor()):
            return frozenset(StaffRole.objects.filter(user=self).values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class StaffRole(TenantModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_role_once")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


class Invitation(TenantModel):
    """An administrator's invitation to join the office; the link carries a secret token.

    The token is never stored. It is an HMAC of ``link_nonce`` under the secret
    key, so the e-mail job can rebuild the link while the database alone (or a
    copy of it) cannot; ``token_hash`` finds the invitation when the link is opened.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    roles = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    link_nonce = models.CharField(max_length=64, blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    sensitive_fields = ("token_hash", "link_nonce")

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label


class ApiToken(TenantModel):
    """A personal API token. Only its hash is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    sensitive_fields = ("token_hash",)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class AuditEntry(TenantModel):
    """Who did what, when, to which record. Written by the system, never edited."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED = "locked", "Account locked"
        UNLOCKED = "unlocked", "Account unlocked"
        SECOND_FACTOR = "second_factor", "Second factor changed"
        INVITED = "invited", "Invited"
        JOINED = "joined", "Joined the office"
        DEACTIVATED = "deactivated", "Account deactivated"
        REACTIVATED = "reactivated", "Account reactivated"
        OTHER = "other", "Other"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.TextField(blank=True)

    audited = False

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["office", "-at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject}"


class AccessLogEntry(TenantModel):
    """One read of a sensitive record."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    subject = models.CharField(max_length=300)
    channel = models.CharField(max_length=20, help_text="page, api, export or search")

    audited = False

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["office", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} read {self.subject}"


class Team(TenantModel):
    """A group of staff who share cases (a housing team, say). Cases can be given to a team."""

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(
        User, through="TeamMembership", related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="one_team_name_per_office")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TenantModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
