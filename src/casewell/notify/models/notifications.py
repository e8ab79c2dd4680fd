"""Notifications and colleague-to-colleague messages: one row per item for one recipient."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from casewell.offices.models import TenantModel, User


class Notification(TenantModel):
    """Something for one person to read, delivered at ``deliver_at``.

    Written only by ``notify.services.deliver``. An item sent outside the
    recipient's working time is *held*: ``deliver_at`` is the start of their next
    working period and ``delivered_at`` stays empty until the scheduler releases
    it. Urgent items (with who marked them and why) and safety items go at once.
    """

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message from a colleague"
        CASE_ASSIGNED = "case_assigned", "Case assigned"
        REMINDER = "reminder", "Reminder"
        SAFETY = "safety", "Safety alert"
        OTHER = "other", "Notification"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    sender = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    # Content-warning categories ("suicide", "self-harm" …): when any, the text is
    # shown collapsed behind "Contains: …" and never quoted in e-mail.
    warning_categories = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    urgent_reason = models.CharField(max_length=300, blank=True)
    safety = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    deliver_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    # The text may be distressing or personal: the audit trail says it was sent, not what it said.
    sensitive_fields = ("subject", "body")

    class Meta:
        ordering = ["-deliver_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-deliver_at"]),
            models.Index(fields=["delivered_at", "deliver_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def was_held(self) -> bool:
        return self.deliver_at > self.created_at

    @property
    def is_warned(self) -> bool:
        return bool(self.warning_categories)

    @property
    def warning_text(self) -> str:
        return "Contains: " + ", ".join(self.warning_categories)
