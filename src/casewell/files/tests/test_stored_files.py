"""Stored files: checked on the way in, encrypted per office, given back intact or not at all."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from casewell.files import services
from casewell.files.keys import office_key, rewrap_office_keys
from casewell.files.models import OfficeKey, StoredFile
from casewell.files.storage import CHUNK_SIZE, TamperedFile, path_for, read_decrypted
from casewell.files.testing import PDF_BYTES, PNG_BYTES, PROGRAM_BYTES, docx_bytes, upload
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office


def store(cast, name, contents, office=None):
    return services.store_file(office or cast.north, upload(name, contents), uploaded_by=cast.ada)


def refusal(cast, name, contents) -> str:
    with pytest.raises(ValidationError) as caught:
        store(cast, name, contents)
    return caught.value.message_dict["file"][0]


def streamed(response) -> list[bytes]:
    return list(response.streaming_content)


def test_a_stored_pdf_comes_back_exactly_as_uploaded(cast):
    stored = store(cast, "Housing letter.pdf", PDF_BYTES)
    assert stored.original_name == "Housing letter.pdf"
    assert stored.content_type == "application/pdf" and stored.kind_name == "PDF"
    assert stored.size == len(PDF_BYTES)
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.uploaded_by == cast.ada and stored.office_id == cast.north.pk
    assert services.read_bytes(stored) == PDF_BYTES
    assert b"".join(streamed(services.file_response(stored))) == PDF_BYTES


def test_the_file_on_disk_is_encrypted_and_named_at_random(cast, data_folder):
    stored = store(cast, "Housing letter.pdf", PDF_BYTES)
    on_disk = path_for(cast.north.pk, stored.storage_name)
    assert on_disk.parent == data_folder / "files" / str(cast.north.pk)
    assert os.listdir(on_disk.parent) == [stored.storage_name]
    assert "Housing" not in stored.storage_name and not stored.storage_name.endswith(".pdf")
    raw = on_disk.read_bytes()
    assert b"%PDF" not in raw and b"Catalog" not in raw
    # Readable by Casewell's own user only, from the moment it is made.
    assert on_disk.stat().st_mode & 0o777 == 0o600


def test_storing_a_file_is_in_the_audit_trail(cast):
    stored = store(cast, "Housing letter.pdf", PDF_BYTES)
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(subject_type="files.StoredFile", subject_id=str(stored.pk))
    assert entry.action == AuditEntry.Action.CREATED and entry.actor == cast.ada


def test_a_big_file_is_written_and_streamed_a_chunk_at_a_time(cast):
    contents = os.urandom(CHUNK_SIZE * 5 + 1234)
    big = upload("Scan of tenancy.pdf", PDF_BYTES + contents)
    stored = services.store_file(cast.north, big, uploaded_by=cast.ada)
    chunks = streamed(services.file_response(stored))
    assert len(chunks) == 6 and all(len(chunk) <= CHUNK_SIZE for chunk in chunks)
    assert b"".join(chunks) == PDF_BYTES + contents
    assert stored.size == len(PDF_BYTES + contents)


def test_a_file_of_exactly_whole_chunks_round_trips(cast):
    contents = PDF_BYTES + b"%" * (CHUNK_SIZE * 2 - len(PDF_BYTES))
    stored = store(cast, "exact.pdf", contents)
    assert services.read_bytes(stored) == contents


def test_the_download_headers_keep_the_file_harmless(cast):
    stored = store(cast, 'Résumé "final".pdf', PDF_BYTES)
    response = services.file_response(stored)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''R%C3%A9sum%C3%A9%20%22final%22.pdf" in disposition
    assert "private" in response["Cache-Control"]


def test_inline_is_offered_only_for_kinds_a_browser_can_show_safely(cast):
    pdf = store(cast, "letter.pdf", PDF_BYTES)
    inline = services.file_response(pdf, inline=True, download_name="Letter to DWP.pdf")
    assert inline["Content-Disposition"].startswith("inline;")
    assert "Letter to DWP.pdf" in inline["Content-Disposition"]
    assert inline["Content-Security-Policy"].startswith("sandbox")
    word = store(cast, "letter.docx", docx_bytes())
    assert services.file_response(word, inline=True)["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "contents", "content_type"),
    [
        ("photo.png", PNG_BYTES, "image/png"),
        (
            "Letter.DOCX",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.txt", "Called Mrs Walsh – no answer".encode(), "text/plain"),
        ("figures.csv", b"name,amount\r\nWalsh,12\r\n", "text/csv"),
        ("old-excel.csv", "caf\xe9,\xa312\r\n".encode("cp1252"), "text/csv"),
        (
            "reply.eml",
            b"From: dwp@example.gov.uk\r\nSubject: Your case\r\n\r\nHello",
            "message/rfc822",
        ),
    ],
)
def test_accepted_kinds_are_judged_by_their_contents(cast, name, contents, content_type):
    stored = store(cast, name, contents)
    assert stored.content_type == content_type
    assert services.read_bytes(stored) == contents


def test_a_program_named_as_a_pdf_is_refused_saying_what_it_really_is(cast, data_folder):
    assert refusal(cast, "report.pdf", PROGRAM_BYTES) == (
        "report.pdf is not a PDF: its contents are a Windows program"
    )
    with bind_office(cast.north):
        assert not StoredFile.objects.exists()
    assert not (data_folder / "files").exists() or not any((data_folder / "files").rglob("*"))


@pytest.mark.parametrize(
    ("name", "contents", "message"),
    [
        ("photo.jpg", PNG_BYTES, "photo.jpg is not a JPEG image: its contents are a PNG image"),
        ("letter.docx", PDF_BYTES, "letter.docx is not a Word document: its contents are a PDF"),
        (
            "notes.txt",
            PROGRAM_BYTES,
            "notes.txt is not a text file: its contents are a Windows program",
        ),
        (
            "notes.txt",
            b"abc\x00\x01\x02def",
            "notes.txt is not a text file: its contents are not a kind of file Casewell recognises",
        ),
        (
            "reply.eml",
            b"Just some words\nand more",
            "reply.eml is not an e-mail: it does not start with mail headers",
        ),
        (
            "scan.pdf",
            b"hello there",
            "scan.pdf is not a PDF: its contents are not a kind of file Casewell recognises",
        ),
    ],
)
def test_contents_that_disagree_with_the_name_are_refused(cast, name, contents, message):
    assert refusal(cast, name, contents) == message


def test_kinds_not_on_the_allow_list_are_refused_whatever_they_contain(cast):
    message = refusal(cast, "setup.exe", PROGRAM_BYTES)
    assert message.startswith(".exe files cannot be uploaded. Upload a PDF, an image")
    assert refusal(cast, "README", b"hello").startswith("Files without an extension cannot")


def test_an_empty_file_is_refused(cast):
    assert refusal(cast, "blank.pdf", b"") == "blank.pdf is empty."


def test_a_missing_file_name_is_refused(cast):
    with pytest.raises(ValidationError) as caught:
        services.store_file(cast.north, ContentFile(PDF_BYTES), uploaded_by=cast.ada)
    assert caught.value.message_dict == {"file": ["Choose a file to upload."]}


def test_a_file_over_the_size_limit_is_refused(cast, settings):
    settings.MAX_UPLOAD_MB = 1
    message = refusal(cast, "huge.pdf", PDF_BYTES + b"%" * (1024 * 1024))
    assert message.startswith("huge.pdf is 1.1 MB: the largest file that can be uploaded is 1 MB.")
    assert "1 MB" in refusal(cast, "huge.pdf", PDF_BYTES + b"%" * (3 * 1024 * 1024))


def test_a_file_that_does_not_say_its_size_is_stopped_at_the_limit_while_streaming(
    cast, settings, data_folder
):
    settings.MAX_UPLOAD_MB = 1
    unsized = ContentFile(PDF_BYTES + b"%" * (2 * 1024 * 1024), name="unsized.pdf")
    unsized.size = None  # as a stream from elsewhere (a mail attachment) might be
    with pytest.raises(ValidationError) as caught:
        services.store_file(cast.north, unsized, uploaded_by=cast.ada)
    assert "larger than 1 MB" in caught.value.message_dict["file"][0]
    written = [path for path in (data_folder / "files").rglob("*") if path.is_file()]
    assert not written, "the partly written file is removed"


def test_a_path_in_the_uploaded_name_is_dropped(cast):
    for sent in ("C:\\Users\\ada\\letter.pdf", "../../etc/letter.pdf"):
        stored = services.store_file(
            cast.north, ContentFile(PDF_BYTES, name=sent), uploaded_by=None
        )
        assert stored.original_name == "letter.pdf"


def test_each_office_has_its_own_key_stored_only_wrapped(cast):
    north_key = office_key(cast.north)
    assert office_key(cast.north) == north_key, "made once, then reused"
    south_key = office_key(cast.south)
    assert len(north_key) == 32 and north_key != south_key
    with bind_office(cast.north):
        wrapped = OfficeKey.objects.get().wrapped_key
    assert north_key.hex() not in wrapped
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(subject_type="files.OfficeKey")
    assert entry.changes["wrapped_key"] == "(not recorded: sensitive)"


def test_a_key_is_kept_in_memory_only_once_its_row_is_committed(
    cast, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        made = office_key(cast.north)
        raise RuntimeError("the upload failed, and the new key's row went with it")
    with django_capture_on_commit_callbacks(execute=True):
        kept = office_key(cast.north)
    assert kept != made
    with bind_office(cast.north):
        assert OfficeKey.objects.count() == 1
        OfficeKey.objects.all().delete()
    assert office_key(cast.north) == kept, "once read, not asked of the database again"


def test_files_encrypted_for_north_cannot_be_read_as_souths(cast):
    stored = store(cast, "letter.pdf", PDF_BYTES)
    path = path_for(cast.north.pk, stored.storage_name)
    with pytest.raises(TamperedFile):
        list(read_decrypted(path, office_key(cast.south), stored.storage_name))
    # Even a row claiming the file for South (a bug, or a tampered database) reads nothing.
    south_copy = StoredFile(
        **{
            **{f.attname: getattr(stored, f.attname) for f in StoredFile._meta.concrete_fields},
            "office_id": cast.south.pk,
        }
    )
    south_path = path_for(cast.south.pk, stored.storage_name)
    south_path.parent.mkdir(parents=True)
    south_path.write_bytes(path.read_bytes())
    with pytest.raises(TamperedFile):
        services.read_bytes(south_copy)


def test_a_changed_byte_anywhere_fails_loudly(cast):
    stored = store(cast, "big.pdf", PDF_BYTES + os.urandom(CHUNK_SIZE * 2))
    path = path_for(cast.north.pk, stored.storage_name)
    original = path.read_bytes()
    for position in (2, 20, CHUNK_SIZE + 100, len(original) - 1):
        changed = bytearray(original)
        changed[position] ^= 0x01
        path.write_bytes(bytes(changed))
        with pytest.raises(TamperedFile):
            services.read_bytes(stored)
    # The first chunk is checked before any header goes out, so no half-file is sent as a success.
    changed_first = bytearray(original)
    changed_first[30] ^= 0x01
    path.write_bytes(bytes(changed_first))
    with pytest.raises(TamperedFile):
        services.file_response(stored)


def test_a_file_cut_short_at_a_chunk_boundary_fails_loudly(cast):
    stored = store(cast, "big.pdf", PDF_BYTES + os.urandom(CHUNK_SIZE * 2))
    path = path_for(cast.north.pk, stored.storage_name)
    original = path.read_bytes()
    path.write_bytes(original[: 11 + (CHUNK_SIZE + 16) * 2])
    with pytest.raises(TamperedFile):
        services.read_bytes(stored)


def test_one_files_bytes_cannot_stand_in_for_anothers(cast):
    first = store(cast, "first.pdf", PDF_BYTES)
    second = store(cast, "second.pdf", PDF_BYTES + b"% second")
    first_path = path_for(cast.north.pk, first.storage_name)
    path_for(cast.north.pk, second.storage_name).write_bytes(first_path.read_bytes())
    with pytest.raises(TamperedFile):
        services.read_bytes(second)


def test_a_missing_file_fails_loudly(cast):
    stored = store(cast, "gone.pdf", PDF_BYTES)
    path_for(cast.north.pk, stored.storage_name).unlink()
    with pytest.raises(TamperedFile, match="missing"):
        services.read_bytes(stored)


def test_rotating_the_master_key_keeps_every_file_readable(cast, settings):
    old_master = settings.ENCRYPTION_KEYS[0]
    stored = store(cast, "letter.pdf", PDF_BYTES)
    new_master = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_master, old_master]
    assert services.read_bytes(stored) == PDF_BYTES
    assert rewrap_office_keys() == 1
    settings.ENCRYPTION_KEYS = [new_master]
    assert services.read_bytes(stored) == PDF_BYTES


def test_the_rewrap_command_says_how_many_keys_it_moved(cast, settings):
    from io import StringIO

    from django.core.management import call_command

    store(cast, "north.pdf", PDF_BYTES)
    store(cast, "south.pdf", PDF_BYTES, office=cast.south)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.ENCRYPTION_KEYS]
    out = StringIO()
    call_command("rewrap_file_keys", stdout=out)
    assert out.getvalue().strip() == "2 office file keys now under the newest master key."


def test_dropping_the_old_master_key_before_rewrapping_is_explained(cast, settings):
    stored = store(cast, "letter.pdf", PDF_BYTES)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="CASEWELL_ENCRYPTION_KEY"):
        services.read_bytes(stored)


def test_a_deleted_file_leaves_nothing_on_disk(cast, django_capture_on_commit_callbacks):
    stored = store(cast, "letter.pdf", PDF_BYTES)
    path = path_for(cast.north.pk, stored.storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_stored_file(stored)
    assert not path.exists()
    with bind_office(cast.north):
        assert not StoredFile.objects.exists()


def test_storing_for_one_office_while_working_for_another_is_refused(cast):
    with bind_office(cast.south, actor=cast.cleo), pytest.raises(PermissionError):
        services.store_file(cast.north, upload("letter.pdf", PDF_BYTES), uploaded_by=cast.cleo)


def test_files_left_by_a_rolled_back_upload_are_swept_once_old(cast):
    kept = store(cast, "kept.pdf", PDF_BYTES)
    folder = path_for(cast.north.pk, kept.storage_name).parent
    stray, fresh = folder / "left-by-a-rollback", folder / "being-saved-now"
    stray.write_bytes(b"x")
    fresh.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(stray, (two_hours_ago, two_hours_ago))
    os.utime(path_for(cast.north.pk, kept.storage_name), (two_hours_ago, two_hours_ago))
    assert services.remove_orphaned_files() == 1
    assert not stray.exists() and fresh.exists()
    assert services.read_bytes(kept) == PDF_BYTES


def test_files_stored_together_are_each_kept_or_refused_in_their_place(cast, data_folder):
    with bind_office(cast.north):
        kept = services.store_files(
            cast.north,
            [upload("letter.pdf", PDF_BYTES), upload("run.exe", PROGRAM_BYTES),
             upload("photo.png", PNG_BYTES)],
        )  # fmt: skip
    letter, refusal, photo = kept
    assert isinstance(refusal, ValidationError)
    assert refusal.message_dict["file"][0].startswith(".exe files cannot be uploaded.")
    assert services.read_bytes(letter) == PDF_BYTES and services.read_bytes(photo) == PNG_BYTES
    with bind_office(cast.north):
        assert AuditEntry.objects.filter(subject_type="files.StoredFile").count() == 2
    assert len([path for path in data_folder.rglob("*") if path.is_file()]) == 2


def test_files_the_disk_will_not_take_are_not_kept(cast, data_folder, monkeypatch):
    from django.db import transaction

    from casewell.files import storage

    def refuse(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", refuse)
    with pytest.raises(OSError, match="No space"), bind_office(cast.north), transaction.atomic():
        services.store_files(cast.north, [upload("letter.pdf", PDF_BYTES)])
    with bind_office(cast.north):
        assert not StoredFile.objects.exists()
    assert not [path for path in data_folder.rglob("*") if path.is_file()]
