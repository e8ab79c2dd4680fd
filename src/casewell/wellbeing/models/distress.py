"""Protected reading: what was found in each item, an office's own phrases, and each
person's choice of when to be warned."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from casewell.offices.models import TenantModel
from casewell.wellbeing.distress import CATEGORIES, LABELS

CATEGORY_CHOICES = [(category, LABELS[category]) for category in CATEGORIES]


class ItemKind(models.TextChoices):
    MESSAGE = "message", "Inbox message"
    TIMELINE_ENTRY = "timeline", "Timeline entry"
    PERSON_DOCUMENT = "document", "Document on a person's record"


# The model each kind names, so the API can check an item is the caller's office's before
# anything else (see ``casewell.api``), as it does for every ``<model>_id``.
ITEM_MODELS: dict[str, str] = {
    ItemKind.MESSAGE: "inbox.Message",
    ItemKind.TIMELINE_ENTRY: "timeline.TimelineEntry",
    ItemKind.PERSON_DOCUMENT: "people.PersonDocument",
}


class Decision(models.TextChoices):
    DETECTOR = "detector", "Found by Casewell"
    HAND = "hand", "Decided by a member of staff"


class DistressAssessment(TenantModel):
    """The distress found in one item (a message, a timeline entry, a document).

    One row per item. The detector writes ``detected_*`` every time the item is
    scored; ``categories``/``severity``/``phrases`` are what readers are warned
    about — the detector's finding, unless staff flagged or unflagged the item by
    hand (``decided_by`` = hand), which then stands, with its reason.
    """

    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    item_id = models.PositiveBigIntegerField()
    categories = models.JSONField(default=list, blank=True)
    severity = models.PositiveSmallIntegerField(default=0)
    phrases = models.JSONField(default=list, blank=True)
    detected_categories = models.JSONField(default=list, blank=True)
    detected_severity = models.PositiveSmallIntegerField(default=0)
    decided_by = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.DETECTOR
    )
    reason = models.TextField(blank=True, help_text="Why it was flagged or unflagged by hand.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    # The phrases quote the distressing text itself: the audit trail says they changed, not what.
    sensitive_fields: ClassVar[tuple[str, ...]] = ("phrases",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "item_id"], name="one_assessment_per_item"
            )
        ]
        indexes = [models.Index(fields=["office", "kind", "severity"], name="distress_by_severity")]

    def __str__(self) -> str:
        return f"Distress assessment of {self.get_kind_display().lower()} {self.item_id}"


class OfficePhrase(TenantModel):
    """A phrase an office adds to the lexicon, in one category, with a severity (1–3)."""

    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    phrase = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField(default=2)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "category", "phrase"], name="one_office_phrase_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phrase} ({LABELS.get(self.category, self.category)})"


class WarningChoice(models.TextChoices):
    ALWAYS = "always", "Always warn me"
    SOME = "some", "Warn me only for the categories I choose"
    SHOW = "show", "Show me the content without a warning"


class ReadingPreference(TenantModel):
    """When one person wants distressing content kept behind a warning. No row: always warn."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_preference"
    )
    choice = models.CharField(
        max_length=10, choices=WarningChoice.choices, default=WarningChoice.ALWAYS
    )
    categories = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reading preference of {self.user}"

    def warns_for(self, categories: list[str]) -> bool:
        if self.choice == WarningChoice.SHOW:
            return False
        if self.choice == WarningChoice.SOME:
            return any(category in self.categories for category in categories)
        return bool(categories)
