"""One timeline per case: every note, call, visit, e-mail, letter, document and status change.

An entry belongs to a case and is seen by exactly those who may see the case.
A note may be marked sensitive: lists show that it exists but not what it says,
and every reading of its text is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from casewell.files.models import StoredFile
from casewell.offices.models import TenantModel, User
from casewell.offices.permissions import may_see


class EntryKind(models.TextChoices):
    NOTE = "note", "Note"
    CALL = "call", "Phone call"
    VISIT = "visit", "Visit"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    DOCUMENT = "document", "Document"
    STATUS_CHANGE = "status_change", "Status change"


# An entry standing for a message that came into the inbox: "inbox.Message:<id>". The
# message keeps its own distress assessment and its own rules for who may read it.
INBOX_MESSAGE = "inbox.Message:"
# An entry standing for an e-mail sent from the case: "inbox.OutgoingMessage:<id>". Whether
# it arrived is the e-mail's to say (a bounce may come back later).
INBOX_OUTGOING = "inbox.OutgoingMessage:"


class Direction(models.TextChoices):
    """Which way a call, e-mail or letter went."""

    INCOMING = "in", "Incoming"
    OUTGOING = "out", "Outgoing"


class TimelineEntry(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded it; empty when Casewell did (mail arriving, say).",
    )
    occurred_at = models.DateTimeField(
        default=timezone.now, help_text="When it happened: a call logged later says when it was."
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    # Not ``sensitive``: TenantModel uses that name for "every row's reads are logged".
    is_sensitive = models.BooleanField(default=False)
    direction = models.CharField(max_length=3, choices=Direction.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    subject = models.CharField(
        max_length=300, blank=True, help_text="An e-mail's or letter's subject; a document's name."
    )
    place = models.CharField(max_length=200, blank=True, help_text="Where a visit happened.")
    correspondent = models.CharField(
        max_length=300, blank=True, help_text="Who an e-mail or letter came from or went to."
    )
    from_status = models.CharField(max_length=60, blank=True)
    to_status = models.CharField(max_length=60, blank=True)
    source = models.CharField(
        max_length=100,
        blank=True,
        help_text="What this entry stands for, as 'app.Model:id' (an inbox message, a letter).",
    )
    attachments = models.ManyToManyField(
        StoredFile, through="TimelineAttachment", related_name="+", blank=True
    )

    sensitive_fields = ("text",)

    # Not a field: set by the timeline's reading functions on incoming mail whose sender's
    # contact is routed to a designated handler the reader is not (show only "Handled by").
    handled_by: User | None = None
    # Not a field either: for an e-mail sent from the case that came back, to which
    # addresses and why (set by the same functions; "" when it did not come back).
    did_not_arrive: str = ""

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "timeline entries"
        indexes = [
            models.Index(fields=["case", "-occurred_at", "-id"]),
            models.Index(fields=["case", "kind", "-occurred_at", "-id"]),
        ]
        constraints = [
            # A message is on one case's timeline at most, once: joining again moves it.
            models.UniqueConstraint(
                fields=["office", "source"],
                condition=models.Q(source__startswith=INBOX_MESSAGE),
                name="one_entry_per_inbox_message",
            )
        ]

    def __str__(self) -> str:
        # The case's reference when it is at hand; never a query just to name the entry.
        case = self.case.reference if TimelineEntry.case.is_cached(self) else self.case_id
        return f"{self.headline} on case {case}"

    def is_visible_to(self, user: Any) -> bool:
        return may_see(user, self.case)

    @property
    def inbox_message_id(self) -> int | None:
        """The inbox message this entry stands for (incoming mail on the case), or None."""
        return self._id_after(INBOX_MESSAGE)

    @property
    def outgoing_message_id(self) -> int | None:
        """The e-mail sent from the case this entry stands for, or None."""
        return self._id_after(INBOX_OUTGOING)

    def _id_after(self, prefix: str) -> int | None:
        if not self.source.startswith(prefix):
            return None
        number = self.source.removeprefix(prefix)
        return int(number) if number.isdigit() else None

    # What protected reading knows the entry as: incoming mail is its message (scored once,
    # when it arrived, and flagged or unflagged as the message); anything else, the entry.
    @property
    def distress_kind(self) -> str:
        return "timeline" if self.inbox_message_id is None else "message"

    @property
    def distress_item_id(self) -> int:
        return self.inbox_message_id or self.pk

    @property
    def headline(self) -> str:
        """A short line saying what the entry is, for lists."""
        if self.kind == EntryKind.CALL:
            incoming = self.direction == Direction.INCOMING
            if self.correspondent:
                return f"{'Call from' if incoming else 'Call to'} {self.correspondent}"
            return "Incoming call" if incoming else "Outgoing call"
        if self.kind == EntryKind.VISIT:
            return f"Visit: {self.place}" if self.place else "Visit"
        if self.kind == EntryKind.STATUS_CHANGE:
            return f"Status changed from {self.from_status} to {self.to_status}"
        if self.kind in (EntryKind.EMAIL, EntryKind.LETTER):
            word = self.get_kind_display()
            way = "received" if self.direction == Direction.INCOMING else "sent"
            return f"{word} {way}: {self.subject}" if self.subject else f"{word} {way}"
        if self.kind == EntryKind.DOCUMENT:
            return f"Document: {self.subject}" if self.subject else "Document"
        return "Sensitive note" if self.is_sensitive else "Note"


class TimelineAttachment(TenantModel):
    """A stored file on a timeline entry. Readable by whoever may see the entry's case."""

    entry = models.ForeignKey(TimelineEntry, on_delete=models.CASCADE, related_name="entry_files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "stored_file"], name="one_file_once_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.stored_file} on entry {self.entry_id}"

    def is_visible_to(self, user: Any) -> bool:
        return may_see(user, self.entry.case)
