"""Each person's working pattern: the days and hours they work, and whose bank holidays."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from casewell.offices.models import Nation, TenantModel, User, validate_time_zone


class WorkingPattern(TenantModel):
    """When one person works. People without a row work the default pattern
    (``casewell.notify.working_time.DEFAULT``).

    ``hours`` maps a weekday ("0" Monday … "6" Sunday) to ``["HH:MM", "HH:MM"]``;
    days not in it are not worked. Only its owner sees it; the audit trail records
    that it changed, never the hours themselves.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="working_pattern")
    hours = models.JSONField(default=dict)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    updated_at = models.DateTimeField(default=timezone.now)

    sensitive_fields = ("hours", "time_zone", "nation")

    def __str__(self) -> str:
        return f"Working pattern of {self.user}"


class EmailChoice(models.TextChoices):
    EACH = "each", "Each notification by e-mail as it arrives"
    DIGEST = "digest", "One e-mail a day, at the start of my working day"
    NONE = "none", "No e-mail: I will look in Casewell"


class DeliveryPreference(TenantModel):
    """How one person wants notifications e-mailed (in-app they always arrive)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="delivery_preference")
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.EACH)

    def __str__(self) -> str:
        return f"Delivery preference of {self.user}"
