"""Mail as it arrived (RawMessage), what it said (Message, MessageAttachment), where it comes
in (InboxAddress, ImapMailbox) and letters sent by many people at once (Campaign).

A RawMessage is written, encrypted, and committed before anything reads it; parsing it
makes at most one Message. Raw bytes are never deleted by parsing, so a message that
could not be read can always be retried.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from casewell.encryption import decrypt_text, encrypt_text
from casewell.files.models import StoredFile
from casewell.inbox.subjects import subject_key
from casewell.offices.models import TenantModel


class InboxAddress(TenantModel):
    """An e-mail address whose mail goes to this office's inbox (the receiver routes by it)."""

    address = models.CharField(max_length=254, unique=True, help_text="Lower-cased.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ImapMailbox(TenantModel):
    """A mailbox elsewhere that Casewell polls for new mail (its password encrypted at rest)."""

    label = models.CharField(max_length=100)
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_tls = models.BooleanField(default=True)
    username = models.CharField(max_length=255)
    encrypted_password = models.TextField(blank=True, editable=False)
    folder = models.CharField(max_length=255, default="INBOX")
    # The server's UIDVALIDITY: when it changes, UIDs were renumbered and last_uid means nothing.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    poll_every_seconds = models.PositiveIntegerField(default=60)
    created_at = models.DateTimeField(default=timezone.now)

    sensitive_fields = ("encrypted_password",)

    def __str__(self) -> str:
        return self.label

    @property
    def password(self) -> str:
        return decrypt_text(self.encrypted_password) if self.encrypted_password else ""

    @password.setter
    def password(self, value: str) -> None:
        self.encrypted_password = encrypt_text(value) if value else ""


class Door(models.TextChoices):
    SMTP = "smtp", "SMTP"
    LMTP = "lmtp", "LMTP"
    IMAP = "imap", "IMAP"
    IMPORT = "import", "Import"


class RawState(models.TextChoices):
    STORED = "stored", "Stored, not yet read"
    PARSED = "parsed", "Read"
    QUARANTINED = "quarantined", "Quarantined"
    # The same message (same Message-ID) already came in by another door or copy.
    DUPLICATE = "duplicate", "Duplicate"


class RawMessage(TenantModel):
    """The bytes of one message exactly as they arrived, encrypted, named by their sha256."""

    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(help_text="In bytes, as received.")
    door = models.CharField(max_length=10, choices=Door.choices)
    source = models.TextField(blank=True, help_text='Where it came from: "imap:label uid 42".')
    received_at = models.DateTimeField(default=timezone.now)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=RawState.choices, default=RawState.STORED)
    quarantine_reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    parsed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # The job reading it in a batch (its id): if that job's worker dies, the job, run
    # again, reads the batch one message at a time, so one poisonous message is found.
    reading_job = models.CharField(max_length=36, blank=True)

    # It is itself the record of what arrived; a retry is recorded as an audit event.
    audited = False

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "sha256"], name="raw_message_once_per_office")
        ]
        indexes = [models.Index(fields=["office", "state"])]

    def __str__(self) -> str:
        return f"Message received {self.received_at:%d %b %Y %H:%M} ({self.door})"


class Campaign(TenantModel):
    """Many people sending the same letter (an organised campaign): grouped, not cases each."""

    title = models.CharField(max_length=300)
    signature = models.JSONField(default=dict, help_text="A fingerprint of the shared text.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class MessageKind(models.TextChoices):
    MESSAGE = "message", "Message"
    AUTO_REPLY = "auto_reply", "Automatic reply"
    BOUNCE = "bounce", "Bounce"
    DELIVERY_REPORT = "delivery_report", "Delivery report"


class MessageState(models.TextChoices):
    TRIAGE = "triage", "To triage"
    ASSIGNED = "assigned", "Assigned"
    ON_CASE = "on_case", "On a case"
    ARCHIVED = "archived", "Archived"


class Message(TenantModel):
    """One message as read from its raw bytes."""

    raw = models.OneToOneField(RawMessage, on_delete=models.PROTECT, related_name="message")
    # Without angle brackets, lower-cased (see parsing.normalise_message_id).
    message_id = models.CharField(max_length=998, blank=True)
    # sha256 of what the sender wrote (From, Date, Subject, body), not of the headers
    # servers add on the way: two copies of one message by two doors share it.
    fingerprint = models.CharField(max_length=64, blank=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True, help_text="Normalised Message-IDs, space-separated.")
    from_address = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=300, blank=True)
    to = models.JSONField(default=list, blank=True, help_text='[{"name": ..., "address": ...}]')
    cc = models.JSONField(default=list, blank=True)
    subject = models.TextField(blank=True)
    # The subject as threading compares it (``inbox.subjects.subject_key``), set on save:
    # indexed, so a reply without headers finds its thread without reading every subject.
    thread_subject = models.CharField(max_length=200, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    # What the reader did to read it: "charset repaired", "winmail.dat unpacked", ...
    parse_notes = models.JSONField(default=list, blank=True)
    bounced_message = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="bounces"
    )
    # A bounce or delivery report: the Message-ID of the mail it returns, as read from it
    # (normalised like ``message_id``), so it can be matched to mail we sent (``inbox.bounces``).
    returned_message_id = models.CharField(max_length=998, blank=True)
    bounced_outgoing = models.ForeignKey(
        "OutgoingMessage", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="bounces",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    suggested_category = models.ForeignKey(
        "cases.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.TRIAGE
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    # What people wrote is kept out of the audit trail's copies of changed values.
    sensitive_fields = ("subject", "thread_subject", "text_body", "html_body")

    class Meta:
        indexes = [
            models.Index(fields=["office", "message_id"]),
            models.Index(fields=["office", "state", "created_at"]),
            models.Index(fields=["office", "thread_subject"]),
        ]
        constraints = [
            # One Message per message: a second copy becomes a duplicate raw message.
            models.UniqueConstraint(
                fields=["office", "message_id", "fingerprint"],
                condition=~models.Q(message_id=""),
                name="one_message_per_message_id_and_content",
            )
        ]

    def __str__(self) -> str:
        return self.subject[:100] or "(no subject)"

    def save(self, *args: object, **kwargs: object) -> None:
        self.thread_subject = subject_key(self.subject)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "subject" in update_fields:
            kwargs["update_fields"] = [*update_fields, "thread_subject"]  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class MessageAttachment(TenantModel):
    """A file that came with a message. Kinds Casewell does not accept are withheld, not stored
    (their bytes remain in the raw message), and say why."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, help_text="As the sender declared it.")
    size = models.BigIntegerField()
    is_inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=998, blank=True)
    withheld_reason = models.TextField(blank=True)
    # Its place among the message's parts, so reparsing finds it rather than adding another.
    position = models.PositiveIntegerField(default=0)

    audited = False  # its stored file's creation is audited

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"], name="one_attachment_per_message_position"
            )
        ]

    def __str__(self) -> str:
        return self.filename


# --- Mail out ---------------------------------------------------------------------------------


class SmtpSecurity(models.TextChoices):
    TLS = "tls", "Secure from the start (TLS), usually port 465"
    STARTTLS = "starttls", "STARTTLS, usually port 587"
    NONE = "none", "Not encrypted (only for a server on this machine or network)"


class SendingSettings(TenantModel):
    """How the office's mail goes out: its SMTP server, who it comes from, and the signature
    put under every e-mail written in Casewell. The password is encrypted at rest.

    Without a server named here, mail goes out through the installation's own
    (``CASEWELL_SMTP_URL``)."""

    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(default=587)
    security = models.CharField(
        max_length=10, choices=SmtpSecurity.choices, default=SmtpSecurity.STARTTLS
    )
    username = models.CharField(max_length=255, blank=True)
    encrypted_password = models.TextField(blank=True, editable=False)
    from_address = models.EmailField(blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    signature = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    sensitive_fields = ("encrypted_password",)

    class Meta:
        verbose_name_plural = "sending settings"
        constraints = [
            models.UniqueConstraint(fields=["office"], name="one_sending_settings_per_office")
        ]

    def __str__(self) -> str:
        return f"Sending through {self.host or 'the installation’s server'}"

    @property
    def password(self) -> str:
        return decrypt_text(self.encrypted_password) if self.encrypted_password else ""

    @password.setter
    def password(self, value: str) -> None:
        self.encrypted_password = encrypt_text(value) if value else ""


class CampaignAnswer(TenantModel):
    """One answer written for a whole campaign, sent to each sender as their own e-mail."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set once every sender's own e-mail has been written (by a job, not the request).
    prepared_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.subject


class OutgoingState(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    RETRYING = "retrying", "Not sent yet"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"
    # Sent, but a mail server sent it back (a bounce): it did not arrive.
    BOUNCED = "bounced", "Did not arrive"


class OutgoingMessage(TenantModel):
    """One e-mail Casewell sends, kept before any attempt to send it, so none is lost.

    Sent by a job (``inbox.sending``) that tries again later after a failure the
    server says is passing, and records each reason. Its Message-ID is ours, so a
    reply naming it in In-Reply-To finds the case."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replying_to = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="outgoing"
    )
    campaign_answer = models.ForeignKey(
        CampaignAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    # Lower-cased sender address this answers, once per campaign: answering twice is refused.
    campaign_recipient = models.CharField(max_length=254, blank=True)
    # Without angle brackets, lower-cased, as inbound Message-IDs are kept.
    message_id = models.CharField(max_length=998)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True, help_text="Message-IDs, space-separated.")
    from_address = models.CharField(max_length=254)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.JSONField(default=list, help_text="Addresses, as typed.")
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    text_body = models.TextField(blank=True)
    state = models.CharField(
        max_length=10, choices=OutgoingState.choices, default=OutgoingState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a bounce came back for it, to which of its addresses, and why, in the words of
    # the mail server that refused it (``inbox.bounces``).
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounced_to = models.JSONField(default=list, blank=True)
    bounce_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    sensitive_fields = ("subject", "text_body")

    class Meta:
        indexes = [models.Index(fields=["office", "case", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "message_id"], name="one_outgoing_message_per_message_id"
            ),
            models.UniqueConstraint(
                fields=["campaign", "campaign_recipient"],
                condition=models.Q(campaign__isnull=False),
                name="one_campaign_answer_per_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.subject[:100] or "(no subject)"


class OutgoingAttachment(TenantModel):
    """A case file sent with an outgoing e-mail (the file itself stays where it was)."""

    outgoing = models.ForeignKey(
        OutgoingMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    audited = False  # part of its message, whose creation is audited

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.stored_file} on outgoing {self.outgoing_id}"
