"""Exposure-aware workload: how heavy each case is, what distressing material each person
has met, the office's settings for it, and the break nudges it gives.

A case's complexity is the case's own (``cases.Case.complexity``); what this app keeps
beside the case is its distress level when someone has set it by hand, and why.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from casewell.offices.models import TenantModel, User


class DistressLevel(models.IntegerChoices):
    """How distressing a case or item is; items' levels come from the distress detector."""

    NONE = 0, "None"
    LOW = 1, "Low"
    MODERATE = 2, "Moderate"
    HIGH = 3, "High"


# From this level an item or case is "heavy": it counts towards nudges and suggestions.
HEAVY = DistressLevel.HIGH


class CaseLoad(TenantModel):
    """A case's distress level as set by a person, overriding what its items say."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    distress_override = models.PositiveSmallIntegerField(
        choices=DistressLevel.choices, null=True, blank=True
    )
    reason = models.CharField(max_length=500, blank=True)
    set_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(distress_override__isnull=True)
                | models.Q(distress_override__lte=3),
                name="distress_override_is_a_level",
            )
        ]

    def __str__(self) -> str:
        return f"Distress of case {self.case_id}"


class ExposureAction(models.TextChoices):
    READ = "read", "Read"
    OPENED = "opened", "Opened"
    HANDLED = "handled", "Handled"


class ExposureEvent(TenantModel):
    """Someone read, opened or handled a distressing item or case. Written by
    ``exposure.record_exposure`` only; never shown one by one to anyone but managers' sums."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=ExposureAction.choices)
    # "message:12", "timeline:40", "case:7": one key per item, so counts can be of distinct items.
    item = models.CharField(max_length=40)
    case_id_at_time = models.PositiveIntegerField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(choices=DistressLevel.choices)

    # Bookkeeping of reads, as the access log is: never itself audited.
    audited = False

    class Meta:
        indexes = [models.Index(fields=["office", "user", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.item}"


class WorkloadSettings(TenantModel):
    """The office's settings for workload figures, suggestions and break nudges."""

    capacity = models.PositiveSmallIntegerField(
        default=20,
        help_text="The weighted caseload a full-time caseworker can carry comfortably.",
    )
    heavy_limit = models.PositiveSmallIntegerField(
        default=3, help_text="How many heavy items in the last 7 days count as a heavy week."
    )
    nudge_items = models.PositiveSmallIntegerField(
        default=4, help_text="A break is suggested after this many heavy items..."
    )
    nudge_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="...read or handled within this many minutes."
    )
    nudges_on = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office"], name="one_workload_settings_per_office")
        ]
        verbose_name_plural = "workload settings"

    def __str__(self) -> str:
        return "Workload settings"


class BreakNudge(TenantModel):
    """A suggestion to one person to take a break after a run of heavy items.

    Reported to managers only as counts across a team, never by person.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    heavy_items = models.PositiveSmallIntegerField()
    shown_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    audited = False

    class Meta:
        indexes = [models.Index(fields=["office", "user", "created_at"])]

    def __str__(self) -> str:
        return f"Break nudge {self.pk}"
