"""Office no-meeting times: protected time nobody books a meeting into."""

from __future__ import annotations

from django.db import models

from casewell.offices.models import TenantModel


class Repeats(models.TextChoices):
    DAILY = "daily", "Every working day"
    WEEKLY = "weekly", "Every week on one day"
    FORTNIGHTLY = "fortnightly", "Every other week on one day"


class NoMeetingTime(TenantModel):
    """A stretch of protected time. ``weekday`` (0 Monday) is for weekly and fortnightly ones;
    a fortnightly one falls in the weeks of ``first_on`` and every second week after."""

    label = models.CharField(max_length=100, blank=True)
    repeats = models.CharField(max_length=12, choices=Repeats.choices)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    first_on = models.DateField(null=True, blank=True)
    # A whole day when both are empty.
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label or self.get_repeats_display()
