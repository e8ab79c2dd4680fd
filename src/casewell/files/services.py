"""Storing uploaded files and giving them back.

Other domains call these; none of them checks who may read a file. The record
that holds the file (a timeline entry, a signed permission form) is looked up
with ``get_for`` first, and only then is ``file_response`` (or ``read_bytes``)
called — so a file is streamed only to someone who may see what it belongs to.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, wait
from datetime import timedelta
from pathlib import PurePath
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from casewell.files.keys import office_key
from casewell.files.kinds import HEAD_SIZE, NotAccepted, identify
from casewell.files.models import FileContents, StoredFile
from casewell.files.storage import (
    CHUNK_SIZE,
    TamperedFile,
    decrypt_bytes,
    files_folder,
    flush_in_background,
    new_storage_name,
    path_for,
    read_decrypted,
    write_encrypted,
)
from casewell.offices.audit import created_in_bulk
from casewell.offices.models import Office, User
from casewell.offices.tenancy import (
    across_all_offices,
    bind_office,
    current_actor,
    current_office_id,
)

__all__ = [
    "TamperedFile",
    "delete_stored_file",
    "file_chunks",
    "file_response",
    "max_upload_bytes",
    "read_bytes",
    "read_stored_bytes",
    "remove_orphaned_files",
    "store_file",
    "store_files",
]

logger = logging.getLogger(__name__)


class Upload(Protocol):
    """What Django's UploadedFile (and File, ContentFile) offer."""

    name: str | None
    size: int | None

    def seek(self, offset: int) -> object: ...
    def read(self, size: int = -1) -> bytes: ...
    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def _megabytes(size: int) -> str:
    """Rounded up, so a file just over the limit never reads as exactly the limit."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths // 10}.{tenths % 10}".removesuffix(".0")


class _TooBig(Exception):
    pass


class _Measure:
    """Passes an upload's pieces through, hashing and counting them, and stops at the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.digest = hashlib.sha256()

    def through(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            self.size += len(piece)
            if self.size > self.limit:
                raise _TooBig
            self.digest.update(piece)
            yield piece


def store_file(office: Office, uploaded_file: Upload, *, uploaded_by: User | None) -> StoredFile:
    """Check an upload and keep it encrypted with the office's key.

    Refuses, as ValidationError({"file": reason}), a missing or empty file, one
    over CASEWELL_MAX_UPLOAD_MB, a kind not on the allow-list, and one whose
    contents disagree with its name. Requires nothing else: the caller has already
    decided the uploader may add a file where it is going. Causes the encrypted
    file under the data folder and the StoredFile row (audited).
    """
    stored = _written(office, uploaded_file, office_key(office), uploaded_by=uploaded_by)
    try:
        with bind_office(office, actor=uploaded_by or current_actor()), transaction.atomic():
            stored.save()
            return stored
    except BaseException:
        path_for(office.pk, stored.storage_name).unlink(missing_ok=True)
        raise


def store_files(office: Office, uploads: list[Upload]) -> list[StoredFile | ValidationError]:
    """``store_file`` for many files at once, kept by the system (attachments of mail read
    in bulk): the office's key read once, the rows inserted (and audited) together.

    Requires the office bound. Returns, in the uploads' order, each StoredFile or the
    ValidationError that refused it.
    """
    key = office_key(office)
    kept: list[StoredFile | ValidationError] = []
    flushing: list[Future[None]] = []
    try:
        for upload in uploads:
            try:
                stored = _written(office, upload, key, uploaded_by=None, flushed=False)
            except ValidationError as refusal:
                kept.append(refusal)
                continue
            kept.append(stored)
            # Flushed to disk together (and while the rows are inserted), not one by one.
            flushing.append(flush_in_background(path_for(office.pk, stored.storage_name)))
        created_in_bulk(StoredFile, [stored for stored in kept if isinstance(stored, StoredFile)])
        for flushed in flushing:
            flushed.result()
    except BaseException:
        wait(flushing)
        for stored in kept:
            if isinstance(stored, StoredFile):
                path_for(office.pk, stored.storage_name).unlink(missing_ok=True)
        raise
    return kept


def _written(
    office: Office, uploaded_file: Upload, key: bytes, *, uploaded_by: User | None,
    flushed: bool = True,
) -> StoredFile:  # fmt: skip
    """The upload checked and written encrypted (flushed to disk unless not ``flushed``):
    its StoredFile, not yet saved."""
    bound = current_office_id()
    if bound is not None and bound != office.pk:
        raise PermissionError(
            f"Refusing to store a file for office {office.pk} while working for office {bound}."
        )
    name = PurePath((uploaded_file.name or "").replace("\\", "/")).name.strip()[:255]
    if not name:
        raise ValidationError({"file": "Choose a file to upload."})
    limit_mb = settings.MAX_UPLOAD_MB
    if uploaded_file.size is not None and uploaded_file.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": f"{name} is {_megabytes(uploaded_file.size)} MB: the largest file that can "
                f"be uploaded is {limit_mb} MB. Send a smaller copy, or split it into parts."
            }
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_SIZE)
    if not head:
        raise ValidationError({"file": f"{name} is empty."})
    try:
        kind = identify(name, head)
    except NotAccepted as refusal:
        raise ValidationError({"file": str(refusal)}) from None
    uploaded_file.seek(0)

    storage_name = new_storage_name()
    measure = _Measure(max_upload_bytes())
    try:
        write_encrypted(
            path_for(office.pk, storage_name),
            key,
            storage_name,
            measure.through(uploaded_file.chunks(CHUNK_SIZE)),
            flushed=flushed,
        )
    except _TooBig:
        raise ValidationError(
            {
                "file": f"{name} is larger than {limit_mb} MB, the largest file that can be "
                "uploaded. Send a smaller copy, or split it into parts."
            }
        ) from None
    return StoredFile(
        office=office,
        original_name=name,
        content_type=kind.content_type,
        size=measure.size,
        sha256=measure.digest.hexdigest(),
        storage_name=storage_name,
        uploaded_by=uploaded_by,
    )


def file_chunks(stored_file: StoredFile) -> Iterator[bytes]:
    """The file's contents, decrypted a chunk at a time. TamperedFile if they were changed."""
    encrypted = None
    if stored_file.in_database:
        with bind_office(stored_file.office_id):
            encrypted = (
                FileContents.objects.filter(stored_file_id=stored_file.pk)
                .values_list("encrypted", flat=True)
                .first()
            )
        if encrypted is None:
            raise TamperedFile(f"The stored file {stored_file.storage_name} has no contents.")
    return _chunks(stored_file.office_id, stored_file.storage_name, encrypted)


def _chunks(
    office_id: int, storage_name: str, encrypted: bytes | memoryview | None
) -> Iterator[bytes]:
    key = office_key(office_id)
    if encrypted is not None:
        return decrypt_bytes(bytes(encrypted), key, storage_name)
    return read_decrypted(path_for(office_id, storage_name), key, storage_name)


def read_bytes(stored_file: StoredFile) -> bytes:
    """The whole file in memory: for small files only (a letter's text, a scan to merge)."""
    return _checked(
        b"".join(file_chunks(stored_file)), stored_file.sha256, stored_file.storage_name
    )


def read_stored_bytes(
    office_id: int, storage_name: str, sha256: str, encrypted: bytes | memoryview | None
) -> bytes:
    """``read_bytes`` of a file whose ``encrypted`` bytes the caller has read from the
    database already, or (None) that is on disk: for files read in bulk (mail)."""
    return _checked(b"".join(_chunks(office_id, storage_name, encrypted)), sha256, storage_name)


def _checked(contents: bytes, sha256: str, storage_name: str) -> bytes:
    if hashlib.sha256(contents).hexdigest() != sha256:
        raise TamperedFile(f"{storage_name} does not match the checksum taken when it was stored.")
    return contents


def file_response(
    stored_file: StoredFile, *, download_name: str | None = None, inline: bool = False
) -> StreamingHttpResponse:
    """Stream the decrypted file to the browser with headers that keep it harmless.

    The caller must already have checked that the user may see the record the
    file belongs to. ``inline`` shows PDFs, images and text in the browser (in a
    sandbox, with no scripts); everything else is always a download.
    """
    chunks = file_chunks(stored_file)
    # Decrypt the first chunk now, so a tampered file fails before any header is sent.
    try:
        first = next(chunks)
    except TamperedFile:
        logger.error("Refused to send tampered stored file %s", stored_file.storage_name)
        raise
    kind = stored_file.kind
    show_inline = inline and kind is not None and kind.viewable
    response = StreamingHttpResponse(
        itertools.chain([first], chunks), content_type=stored_file.content_type
    )
    response["Content-Length"] = str(stored_file.size)
    response["Content-Disposition"] = content_disposition_header(
        not show_inline, download_name or stored_file.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


class FileOnHold(Exception):
    """A file kept on hold (evidence of an incident, say) was asked to be deleted."""


# Other domains say why a file must be kept (``register_hold_check``); files knows none of them.
_hold_checks: list[Callable[[StoredFile], str | None]] = []


def register_hold_check(check: Callable[[StoredFile], str | None]) -> None:
    """Add a check answering why a file is on hold (or None). Called from an app's ``ready``."""
    if check not in _hold_checks:
        _hold_checks.append(check)


def hold_reason(stored_file: StoredFile) -> str | None:
    """Why the file must be kept, if anything holds it. Requires its office bound."""
    for check in _hold_checks:
        reason = check(stored_file)
        if reason:
            return reason
    return None


def delete_stored_file(stored_file: StoredFile) -> None:
    """Remove a stored file: the row now (audited), the encrypted bytes with it (kept in
    the database) or once that commits (on disk).

    Raises FileOnHold, saying why, for a file something holds: every deletion
    (retention, an upload replaced, a person erased) comes through here.
    """
    with bind_office(stored_file.office_id):
        reason = hold_reason(stored_file)
    if reason:
        raise FileOnHold(f"{stored_file.original_name} is kept: {reason}")
    path = path_for(stored_file.office_id, stored_file.storage_name)
    with bind_office(stored_file.office_id, actor=current_actor()), transaction.atomic():
        stored_file.delete()  # and its FileContents, if kept in the database
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def remove_orphaned_files(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete encrypted files on disk that no StoredFile names; returns how many went.

    They are left by an upload whose transaction rolled back after its bytes
    were written. A file on hold always has its row (its holder protects it),
    so the sweep never reaches it. Only files older than ``older_than`` are touched, so an upload
    being saved right now is never removed. System work across every office.
    """
    folder = files_folder()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    with across_all_offices():
        for office_folder in sorted(folder.iterdir()):
            if not office_folder.is_dir() or not office_folder.name.isdigit():
                continue
            old = {
                path.name: path
                for path in office_folder.iterdir()
                if path.is_file() and path.stat().st_mtime < cutoff
            }
            names = list(old)
            known: set[str] = set()
            for start in range(0, len(names), 500):
                known.update(
                    StoredFile.all_offices.filter(
                        office_id=int(office_folder.name),
                        storage_name__in=names[start : start + 500],
                    ).values_list("storage_name", flat=True)
                )
            for name, path in old.items():
                if name not in known:
                    path.unlink(missing_ok=True)
                    removed += 1
    return removed
