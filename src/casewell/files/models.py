"""Uploaded files: checked on the way in, encrypted at rest with a key per office, streamed back
only to those who may see them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from casewell.files.kinds import Kind, kind_for_content_type
from casewell.offices.models import TenantModel, User


class OfficeKey(TenantModel):
    """The key that encrypts one office's files, itself encrypted by the installation's key.

    Only the wrapped form is stored: a copy of the database alone decrypts nothing,
    and one office's key opens no other office's files.
    """

    wrapped_key = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    sensitive_fields = ("wrapped_key",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office"], name="one_file_key_per_office")]

    def __str__(self) -> str:
        return "Key for the office's files"


class StoredFile(TenantModel):
    """One uploaded file. Its bytes live encrypted under the data folder, named at random,
    or, for mail as received, in the database (FileContents).

    A stored file has no permission of its own: the record that holds it (a
    timeline entry, a permission form) decides who may read it, and checks that
    before asking ``files.services.file_response`` for the bytes.
    """

    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Judged from the contents.")
    size = models.BigIntegerField(help_text="In bytes, before encryption.")
    sha256 = models.CharField(max_length=64, help_text="Of the contents, before encryption.")
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    in_database = models.BooleanField(
        default=False, help_text="Its encrypted bytes are a FileContents row, not a file on disk."
    )

    class Meta:
        indexes = [models.Index(fields=["office", "sha256"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def kind(self) -> Kind | None:
        return kind_for_content_type(self.content_type)

    @property
    def kind_name(self) -> str:
        """ "PDF", "Word document": what the file is, for people."""
        kind = self.kind
        return kind.name if kind is not None else self.content_type


class FileContents(TenantModel):
    """The encrypted bytes of a stored file kept in the database, as they would be on disk.

    Mail is kept so as it arrives: committed with its rows in one transaction, with no
    file to create and flush first, the door that received it can answer sooner, and
    there is never a row without its bytes. Kept apart from StoredFile so that listing
    files never loads their bytes.
    """

    stored_file = models.OneToOneField(
        StoredFile, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    encrypted = models.BinaryField()

    audited = False  # its StoredFile is the record; these bytes are unreadable without the key

    def __str__(self) -> str:
        return f"Contents of stored file {self.stored_file_id}"
