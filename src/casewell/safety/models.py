"""Keeping staff safe: lone-working sessions that escalate on time, the duress alarm, incidents and
safety markers.

A *session* is one piece of lone work (a home visit, a surgery, outreach). Its
``next_deadline`` is the next moment the scheduler must act for it (a check-in
missed, or an alert not acknowledged in time); it is indexed because the due
work is found from it. An *alert* is raised when a check-in is missed, a duress
PIN is entered or the panic button is pressed; it climbs the office's
*escalation ladder* one *step* at a time until someone acknowledges it. Every
step, message and acknowledgement is written to the append-only *safety log*.
"""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone

from casewell.offices.models import Role, TenantModel, User
from casewell.offices.tenancy import OfficeScopedManager


class Purpose(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    SURGERY = "surgery", "Advice surgery"
    OUTREACH = "outreach", "Outreach"


class Tier(models.TextChoices):
    """The rungs of the escalation ladder, in the order they are climbed."""

    WORKER = "worker", "The worker"
    BUDDY = "buddy", "Their buddy"
    MANAGERS = "managers", "The office's managers"
    EMERGENCY_CONTACT = "emergency_contact", "The emergency contact"
    EVERYONE = "everyone", "Everyone on the ladder"


LADDER_ORDER = [Tier.WORKER, Tier.BUDDY, Tier.MANAGERS, Tier.EMERGENCY_CONTACT, Tier.EVERYONE]

DEFAULT_EMERGENCY_PROCEDURE = (
    "Try the worker's phone, then their emergency contact. If you cannot reach them and "
    "believe they may be in danger, call 999, give the address of the visit and say they "
    "are a lone worker who has not checked in."
)


def new_webhook_secret() -> str:
    """The office's secret for signing webhooks both ways (see ``safety/texts.py``)."""
    return secrets.token_urlsafe(32)


class EscalationLadder(TenantModel):
    """How an office's alerts climb: the grace period and each tier's acknowledgement timeout.

    A timeout of 0 minutes alerts the next tier at the same moment. After the
    last tier, everyone on the ladder is alerted, and again every
    ``repeat_minutes`` until someone acknowledges.
    """

    grace_minutes = models.PositiveSmallIntegerField(default=5)
    worker_minutes = models.PositiveSmallIntegerField(default=5)
    buddy_minutes = models.PositiveSmallIntegerField(default=5)
    managers_minutes = models.PositiveSmallIntegerField(default=5)
    emergency_contact_minutes = models.PositiveSmallIntegerField(default=10)
    repeat_minutes = models.PositiveSmallIntegerField(default=10)
    emergency_procedure = models.TextField(default=DEFAULT_EMERGENCY_PROCEDURE)
    # An SMS or voice provider's endpoint: every step is POSTed to it as JSON.
    webhook_url = models.URLField(blank=True, max_length=500)
    # Signs what Casewell sends the provider and checks what the provider sends back.
    webhook_secret = models.CharField(max_length=64, default=new_webhook_secret)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office"], name="one_ladder_per_office")]

    sensitive_fields = ("webhook_secret",)

    def __str__(self) -> str:
        return "Escalation ladder"

    def minutes_for(self, tier: str) -> int:
        return {
            Tier.WORKER: self.worker_minutes,
            Tier.BUDDY: self.buddy_minutes,
            Tier.MANAGERS: self.managers_minutes,
            Tier.EMERGENCY_CONTACT: self.emergency_contact_minutes,
            Tier.EVERYONE: self.repeat_minutes,
        }[Tier(tier)]


class SafetySettings(TenantModel):
    """One member of staff's own safety details: their duress PIN and usual emergency contact."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    # Hashed with Django's password hashers; never stored or shown as typed.
    duress_pin = models.CharField(max_length=256, blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True)
    # Texts from this number (E.164) can check its owner in: "OK", or "OK" and a PIN.
    mobile = models.CharField(max_length=20, blank=True, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    sensitive_fields = ("duress_pin",)

    class Meta:
        verbose_name_plural = "safety settings"

    def __str__(self) -> str:
        return f"Safety settings of {self.user}"

    @property
    def has_duress_pin(self) -> bool:
        return bool(self.duress_pin)


class LoneWorkingSession(TenantModel):
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    location = models.CharField(max_length=300)
    map_note = models.CharField(max_length=300, blank=True)
    details = models.TextField(blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    buddy = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    emergency_contact_name = models.CharField(max_length=200)
    emergency_contact_phone = models.CharField(max_length=20, help_text="Stored in E.164 form.")
    check_in_minutes = models.PositiveIntegerField(default=60)
    started_at = models.DateTimeField(default=timezone.now)
    expected_end = models.DateTimeField()
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    check_in_due_at = models.DateTimeField()
    # The next moment the scheduler must act for this session (see the module's note).
    next_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    sensitive = True

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["office", "ended_at", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} by {self.worker} at {self.location}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def is_visible_to(self, user: User) -> bool:
        """The worker, their buddy and the office's managers; nobody else."""
        return user.pk in (self.worker_id, self.buddy_id) or user.has_role(
            Role.MANAGER, Role.ADMINISTRATOR
        )


class SafetyAlert(TenantModel):
    class Kind(models.TextChoices):
        MISSED_CHECK_IN = "missed_check_in", "Missed check-in"
        DURESS = "duress", "Duress alarm"
        PANIC = "panic", "Panic alarm"

    session = models.ForeignKey(LoneWorkingSession, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    raised_at = models.DateTimeField(default=timezone.now)
    # The check-in that was missed (missed check-ins only): one alert per missed check-in.
    missed_due_at = models.DateTimeField(null=True, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    # When the next tier is alerted if nobody has acknowledged; None once acknowledged or over.
    next_step_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The worker checked in after a missed check-in: the alert stands down on its own.
    stood_down_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "missed_due_at"],
                condition=models.Q(kind="missed_check_in"),
                name="one_alert_per_missed_check_in",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.session.worker}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None and self.stood_down_at is None

    @property
    def is_silent(self) -> bool:
        """A duress alarm must never show to the worker who raised it."""
        return self.kind == self.Kind.DURESS

    def is_visible_to(self, user: User) -> bool:
        if self.is_silent and user.pk == self.session.worker_id:
            return False
        return self.session.is_visible_to(user)


class EscalationStep(TenantModel):
    """One rung reached: the tier alerted for an alert at one deadline.

    Unique per session, tier and deadline, so two schedulers or workers
    racing to take the same step record it once.
    """

    alert = models.ForeignKey(SafetyAlert, on_delete=models.CASCADE, related_name="steps")
    session = models.ForeignKey(LoneWorkingSession, on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    deadline = models.DateTimeField()
    taken_at = models.DateTimeField(default=timezone.now)

    audited = False  # the safety log records it

    class Meta:
        ordering = ["taken_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "tier", "deadline"], name="one_step_per_tier_and_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} alerted at {self.taken_at:%H:%M:%S}"


class AlertNotice(TenantModel):
    """An alert shown in Casewell itself to one person (with a sound where the browser allows)."""

    alert = models.ForeignKey(SafetyAlert, on_delete=models.CASCADE, related_name="notices")
    step = models.ForeignKey(EscalationStep, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    audited = False  # the safety log records it

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "recipient"], name="one_notice_per_step")
        ]
        indexes = [models.Index(fields=["office", "recipient", "seen_at"])]

    def __str__(self) -> str:
        return f"Alert for {self.recipient}"


class AppendOnly(Exception):
    """Raised by any attempt to change or remove an entry of the safety log."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("The safety log is append-only: entries are never changed.")

    def delete(self) -> NoReturn:
        raise AppendOnly("The safety log is append-only: entries are never removed.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("The safety log is append-only: entries are never changed.")


class AppendOnlyScopedManager(OfficeScopedManager.from_queryset(AppendOnlyQuerySet)):  # type: ignore[misc]
    pass


class SafetyLogEntry(TenantModel):
    """What happened to a session and its alerts, in order. Never changed, never removed."""

    class Event(models.TextChoices):
        STARTED = "started", "Session started"
        CHECKED_IN = "checked_in", "Checked in"
        EXTENDED = "extended", "Session extended"
        ENDED = "ended", "Session ended safely"
        REMINDER_SENT = "reminder_sent", "Check-in reminder sent"
        RAISED = "raised", "Alert raised"
        ESCALATED = "escalated", "Escalated"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Delivery failed"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACTION = "action", "Action recorded"
        RESOLVED = "resolved", "Alert resolved"
        STOOD_DOWN = "stood_down", "Alert stood down"

    session = models.ForeignKey(LoneWorkingSession, on_delete=models.CASCADE, related_name="log")
    alert = models.ForeignKey(
        SafetyAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="log"
    )
    step = models.ForeignKey(
        EscalationStep, on_delete=models.CASCADE, null=True, blank=True, related_name="log"
    )
    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=20, choices=Event.choices)
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)
    channel = models.CharField(max_length=20, blank=True, help_text="in-app, e-mail or webhook")
    recipient = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.TextField(blank=True)

    objects = AppendOnlyScopedManager()
    all_offices = models.Manager.from_queryset(AppendOnlyQuerySet)()

    audited = False  # it is itself the record

    class Meta:
        ordering = ["at", "id"]
        base_manager_name = "all_offices"
        verbose_name_plural = "safety log entries"
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"{self.get_event_display()} at {self.at:%H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("The safety log is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("The safety log is append-only: entries are never removed.")


class MarkerKind(models.TextChoices):
    DO_NOT_VISIT_ALONE = "do_not_visit_alone", "Do not visit alone"
    AGGRESSIVE_ON_PHONE = "aggressive_on_phone", "Aggressive on the phone"
    HAS_MADE_THREATS = "has_made_threats", "Has made threats"
    OTHER = "other", "Other risk"


class SafetyMarker(TenantModel):
    """A warning carried by a person the office works for, shown wherever they appear."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=MarkerKind.choices)
    note = models.TextField(blank=True)
    review_on = models.DateField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["office", "person", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.person})"


class IncidentChannel(models.TextChoices):
    CALL = "call", "Phone call"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    SOCIAL_MEDIA = "social_media", "Social media"
    OTHER = "other", "Other"


class Incident(TenantModel):
    """Abusive or threatening contact, who it was aimed at, and what the office did about it."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=IncidentChannel.choices)
    happened_on = models.DateField()
    what_happened = models.TextField()
    targeted = models.ManyToManyField(User, related_name="+", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    police_force = models.CharField(max_length=100, blank=True)
    police_reference = models.CharField(max_length=100, blank=True)
    referred_to = models.CharField(
        max_length=200, blank=True, help_text="The threat-assessment or security service"
    )
    outcome = models.TextField(blank=True)

    sensitive = True

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} incident on {self.happened_on:%d %b %Y}"

    def is_visible_to(self, user: User) -> bool:
        """Managers, whoever recorded it and the staff it was aimed at."""
        if user.has_role(Role.MANAGER, Role.ADMINISTRATOR) or user.pk == self.recorded_by_id:
            return True
        return self.targeted.filter(pk=user.pk).exists()


class InboundCheckIn(TenantModel):
    """A check-in that came by text or e-mail reply, kept so the same message counts once.

    ``reply`` is what was answered, and is answered again if the provider sends the
    message twice. It never says whether the duress PIN was used.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "E-mail reply"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    message_id = models.CharField(max_length=200)
    sender = models.CharField(max_length=300)
    received_at = models.DateTimeField(default=timezone.now)
    session = models.ForeignKey(
        LoneWorkingSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reply = models.CharField(max_length=300)

    audited = False  # the safety log records the check-in itself

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "channel", "message_id"], name="one_check_in_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} from {self.sender}"


class EvidenceLink(TenantModel):
    """Something kept as evidence of an incident: a timeline entry or a stored file.

    While linked, the item is on hold: every deletion path refuses it (the
    foreign keys PROTECT it from a cascade, and ``files.services`` asks
    ``evidence.hold_reason``). Messages join through ``source`` (``"inbox.Message:12"``)
    once the inbox exists: see ``evidence.HOLDERS``.
    """

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    timeline_entry = models.ForeignKey(
        "timeline.TimelineEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stored_file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True)
    linked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(timeline_entry__isnull=False, stored_file__isnull=True, source="")
                    | models.Q(timeline_entry__isnull=True, stored_file__isnull=False, source="")
                    | models.Q(timeline_entry__isnull=True, stored_file__isnull=True)
                    & ~models.Q(source="")
                ),
                name="evidence_is_one_thing",
            ),
            models.UniqueConstraint(
                fields=["incident", "timeline_entry"], name="entry_once_per_incident"
            ),
            models.UniqueConstraint(
                fields=["incident", "stored_file"], name="file_once_per_incident"
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence for incident {self.incident_id}"

    def is_visible_to(self, user: User) -> bool:
        return self.incident.is_visible_to(user)


class DesignatedHandler(TenantModel):
    """One named member of staff who handles all contact from a person (a manager's decision).

    Their calls and mail go to the handler; other staff see "Handled by ..." without the
    content. Ended rather than deleted, so who handled them when stays on record.
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    handler = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_at=None), name="one_handler_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} handled by {self.handler}"


class SupportOption(TenantModel):
    """Somewhere staff who have been targeted can turn: shown on the incident and their home."""

    name = models.CharField(max_length=200)
    how_to_reach = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
