"""Huddles: the team holding risk together.

A *huddle* is a short daily or weekly meeting at which the team goes through its
at-risk cases. What it decides is the team's: a *decision* names the case and
what was agreed, and, when something is to be done, the action's owner and date,
but never who wrote it down. A *handover* is a case someone handed to the next
daily huddle at the end of their day, so they do not go home holding it alone.
A *put-down note* is what someone is carrying, written for themselves only.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import models
from django.utils import timezone

from casewell.offices.models import TenantModel, User


class HuddleKind(models.TextChoices):
    DAILY = "daily", "Daily huddle"
    WEEKLY = "weekly", "Weekly huddle"


class Huddle(TenantModel):
    kind = models.CharField(max_length=10, choices=HuddleKind.choices)
    held_at = models.DateTimeField(default=timezone.now)
    # Kept for the audit trail only: the huddle, not this person, owns what was decided.
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    learning_theme = models.CharField(
        max_length=200, blank=True, help_text="The weekly huddle's theme to learn from together."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["office", "kind", "-held_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {timezone.localtime(self.held_at):%d %b %Y}"


class HuddleAttendance(TenantModel):
    huddle = models.ForeignKey(Huddle, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["huddle", "user"], name="one_attendance_per_huddle")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.huddle}"


class HuddleDecision(TenantModel):
    """What the team agreed about a case (or in general), and any action with its owner."""

    huddle = models.ForeignKey(Huddle, on_delete=models.CASCADE, related_name="decisions")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.TextField()
    action = models.CharField(max_length=300, blank=True)
    action_owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Team decision at {self.huddle}"


class Handover(TenantModel):
    """A case handed to the next daily huddle; ``huddle`` is set when that huddle took it up."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    handed_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    handed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(
        max_length=500, blank=True, help_text="What the team should know. The team reads this."
    )
    huddle = models.ForeignKey(
        Huddle, on_delete=models.SET_NULL, null=True, blank=True, related_name="handovers"
    )

    class Meta:
        ordering = ["handed_at", "id"]
        indexes = [models.Index(fields=["office", "huddle"])]

    def __str__(self) -> str:
        return f"Case handed to the huddle by {self.handed_by}"


class PutDownNote(TenantModel):
    """What someone is carrying at the end of the day. Seen by its writer and nobody else."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    # Never copied into the audit trail, where managers could read it.
    sensitive_fields = ("text",)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Put-down note of {timezone.localtime(self.written_at):%d %b %Y}"

    def is_visible_to(self, user: Any) -> bool:
        return user.pk == self.user_id


class HuddleRhythm(TenantModel):
    """When the office's huddles usually meet (for calendars): daily at the end of the day,
    weekly at the end of the week."""

    daily_at = models.TimeField(default=time(16, 30))
    daily_minutes = models.PositiveSmallIntegerField(default=15)
    weekly_weekday = models.PositiveSmallIntegerField(
        default=4, help_text="0 is Monday, 4 is Friday."
    )
    weekly_at = models.TimeField(default=time(15, 30))
    weekly_minutes = models.PositiveSmallIntegerField(default=45)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office"], name="one_huddle_rhythm")]

    def __str__(self) -> str:
        return "Huddle times"
