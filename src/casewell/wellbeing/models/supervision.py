"""Supervision: one-to-one, group and clinical supervision, and reflective practice.

A *session* is one meeting, held by a supervisor (a member of staff, or named
outside the office for clinical supervision) with one or more supervisees; a
*series* made it when it recurs. A *record* is what was said for one supervisee
at one session, with the actions they agreed: it is private to that supervisee
and the supervisor, every read is logged, and its text never enters the audit
trail. Each person has a *calendar feed* reached by a secret link.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from casewell.offices.models import TenantModel, User


class SupervisionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one supervision"
    GROUP = "group", "Group supervision"
    CLINICAL = "clinical", "Clinical supervision"
    REFLECTIVE = "reflective", "Reflective practice"


class SupervisionPolicy(TenantModel):
    """How often each person should have clinical supervision (twice a year as standard)."""

    clinical_per_year = models.PositiveSmallIntegerField(default=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office"], name="one_supervision_policy")]
        verbose_name_plural = "supervision policies"

    def __str__(self) -> str:
        return "Supervision policy"


class SupervisionSeries(TenantModel):
    """Sessions that recur every ``every_weeks`` weeks at the same local time."""

    kind = models.CharField(max_length=12, choices=SupervisionKind.choices)
    every_weeks = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "supervision series"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} every {self.every_weeks} weeks"


class SupervisionSession(TenantModel):
    kind = models.CharField(max_length=12, choices=SupervisionKind.choices)
    series = models.ForeignKey(
        SupervisionSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    supervisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who holds the session and may read its records.",
    )
    # A clinical supervisor from outside the office (a psychologist, say), for the calendar.
    facilitator = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["office", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"


class SupervisionAttendee(TenantModel):
    """A supervisee invited to a session; ``attended`` is recorded afterwards."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_attendee_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.session}"


class SupervisionRecord(TenantModel):
    """What one supervisee and their supervisor wrote down at one session. Private to them."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="records"
    )
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    written_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    sensitive = True
    sensitive_fields = ("text",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "supervisee"], name="one_record_per_person")
        ]

    def __str__(self) -> str:
        return f"Supervision record of {self.session}"

    def is_visible_to(self, user: Any) -> bool:
        return user.pk in (self.supervisee_id, self.session.supervisor_id)


class AgreedAction(TenantModel):
    """Something a supervisee and supervisor agreed; as private as its record."""

    record = models.ForeignKey(SupervisionRecord, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    sensitive_fields = ("text",)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return "Agreed action"

    def is_visible_to(self, user: Any) -> bool:
        return self.record.is_visible_to(user)


class OverdueAlert(TenantModel):
    """A manager was told that someone's clinical supervision was overdue (once per due date)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "due_on"], name="one_alert_per_due_date")
        ]

    def __str__(self) -> str:
        return f"Overdue clinical supervision of {self.user}"


class CalendarFeed(TenantModel):
    """A person's secret calendar link. Only the token's hash is kept; revoking ends it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    sensitive_fields = ("token_hash",)

    def __str__(self) -> str:
        return f"Calendar link of {self.user}"

    def is_visible_to(self, user: Any) -> bool:
        return user.pk == self.user_id
