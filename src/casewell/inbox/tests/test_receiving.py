"""Keeping raw mail: stored encrypted before anything reads it, once, and read by a job."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from casewell.files.models import FileContents, StoredFile
from casewell.files.storage import path_for
from casewell.inbox import services
from casewell.inbox.models import Message, RawMessage, RawState
from casewell.inbox.tests.mail import received_by, simple
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office


def test_an_address_routes_mail_to_its_office_whatever_its_case(cast):
    services.add_inbox_address(cast.north, "Casework@North.example")
    assert services.office_for_address("CASEWORK@north.example ") == cast.north
    assert services.office_for_address("nobody@north.example") is None
    assert services.office_for_address("") is None


def test_an_address_cannot_deliver_to_two_offices(cast):
    services.add_inbox_address(cast.north, "casework@north.example")
    with pytest.raises(ValidationError) as refused:
        services.add_inbox_address(cast.south, "casework@north.example")
    assert "another office" in str(refused.value)


def test_raw_mail_is_kept_encrypted_and_queued_before_it_is_read(cast, data_folder):
    raw = simple()
    kept = services.receive_raw(cast.north, raw, door="smtp", source="smtp from 192.0.2.1")
    assert kept.state == RawState.STORED and kept.size == len(raw)
    with bind_office(cast.north):
        stored = StoredFile.objects.get(pk=kept.stored_file_id)
        encrypted = bytes(FileContents.objects.get(stored_file=stored).encrypted)
    # Kept in the database, committed with its rows: nothing under the data folder.
    assert stored.in_database and not [path for path in data_folder.rglob("*") if path.is_file()]
    assert b"damp" not in encrypted and len(encrypted) > len(raw)
    assert services.raw_bytes(kept) == raw
    with bind_office(cast.north):
        assert not Message.objects.exists()


def test_the_same_bytes_are_kept_once(cast):
    raw = simple()
    first = services.receive_raw(cast.north, raw, door="smtp")
    again = services.receive_raw(cast.north, raw, door="imap", source="imap:office uid 7")
    assert again.pk == first.pk
    with bind_office(cast.north):
        assert RawMessage.objects.count() == 1
    # Another office receiving the same bytes keeps its own copy.
    assert services.receive_raw(cast.south, raw, door="smtp").pk != first.pk


def test_a_repeat_by_smtp_is_recognised_as_it_is_inserted_and_leaves_nothing_behind(
    cast, monkeypatch
):
    raw = simple()
    first = services.receive_raw(cast.north, raw, door="smtp")
    asked: list[str] = []
    monkeypatch.setattr(
        services, "kept_before", lambda office_id, digest: asked.append(digest) or True
    )
    again, new = services.keep_raw(cast.north, raw, door="lmtp")
    assert (again.pk, new) == (first.pk, False) and asked == []
    with bind_office(cast.north):
        assert StoredFile.objects.count() == FileContents.objects.count() == 1
    # A mailbox read again asks first, and writes nothing.
    again, new = services.keep_raw(cast.north, raw, door="imap", source="imap:office uid 8")
    assert (again.pk, new) == (first.pk, False) and len(asked) == 1
    with bind_office(cast.north):
        assert RawMessage.objects.count() == 1


def test_a_repeat_leaves_no_row_of_its_file(cast):
    raw = simple()
    first = services.receive_raw(cast.north, raw, door="smtp")
    assert services.keep_raw(cast.north, raw, door="lmtp")[0].pk == first.pk
    with bind_office(cast.north):
        assert list(StoredFile.objects.values_list("pk", flat=True)) == [first.stored_file_id]


@pytest.mark.django_db(transaction=True)
def test_mail_received_outside_a_transaction_is_committed_when_receiving_returns(cast):
    north = cast.north
    services.receive_raw(north, simple(message_id="<first@example.net>"), door="smtp")
    with CaptureQueriesContext(connection) as statements:
        kept = services.receive_raw(north, simple(message_id="<second@example.net>"), door="smtp")
    if connection.vendor == "postgresql":
        # Office bound, rows kept, waiting reader found, and committed: one round trip.
        assert len(statements.captured_queries) == 1
    assert not connection.in_atomic_block
    # Seen by another connection: committed, so the sender may be told it is received.
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            if other.vendor == "postgresql":
                cursor.execute("SELECT set_config('casewell.all_offices', 'on', false)")
            cursor.execute("SELECT state FROM inbox_rawmessage WHERE id = %s", [kept.pk])
            assert cursor.fetchone() == (RawState.STORED,)
    finally:
        other.close()
    # One reader waits for both.
    assert [job.args_kwargs["args"] for job in DBTaskResult.objects.all()] == [[north.pk]]


@pytest.mark.postgres_only
def test_receiving_in_a_transaction_bound_to_another_office_leaves_that_office_bound(cast):
    with bind_office(cast.south), transaction.atomic():
        services.receive_raw(cast.north, simple(), door="smtp")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('casewell.office_id')")
            assert cursor.fetchone() == (str(cast.south.pk),)
        assert not RawMessage.objects.exists()
    with bind_office(cast.north):
        assert RawMessage.objects.count() == 1


def test_an_unknown_door_is_refused(cast):
    with pytest.raises(ValueError, match="Unknown door"):
        services.receive_raw(cast.north, simple(), door="pigeon")


def test_the_job_reads_the_message(cast):
    kept = services.receive_raw(cast.north, simple(message_id="<Abc.1@Example.NET>"), door="smtp")
    run_queued_tasks()
    with bind_office(cast.north):
        kept.refresh_from_db()
        message = Message.objects.get(raw=kept)
    assert kept.state == RawState.PARSED and kept.attempts == 1
    assert message.message_id == "abc.1@example.net"
    assert message.from_address == "dan@example.net" and message.from_name == "Dan Rowe"
    assert message.to == [{"name": "", "address": "casework@north.example"}]
    assert message.subject == "Housing repair"
    assert message.text_body == "The damp in my flat is getting worse."
    assert message.sent_at.isoformat() == "2026-11-30T09:15:00+00:00"
    assert message.kind == "message" and message.state == "triage"


def test_reading_twice_makes_one_message(cast):
    kept = services.receive_raw(cast.north, simple(), door="smtp")
    assert services.read_raw_message(kept.pk) == "parsed"
    assert services.read_raw_message(kept.pk) == "already read"
    with bind_office(cast.north):
        assert Message.objects.count() == 1


def test_a_copy_by_another_door_is_a_duplicate_of_the_message_already_read(cast):
    raw = simple(message_id="<same@example.net>")
    first = services.receive_raw(cast.north, received_by("mx1.north.example", raw), door="smtp")
    second = services.receive_raw(cast.north, received_by("imap.north.example", raw), door="imap")
    assert first.pk != second.pk
    run_queued_tasks()
    with bind_office(cast.north):
        first.refresh_from_db()
        second.refresh_from_db()
        assert Message.objects.count() == 1
        kept = Message.objects.get()
        assert second.duplicate_of == kept
    assert first.state == RawState.PARSED and kept.raw_id == first.pk
    assert second.state == RawState.DUPLICATE


def test_a_different_message_reusing_a_message_id_is_not_taken_for_a_duplicate(cast):
    services.receive_raw(cast.north, simple(message_id="<reused@x>", body="One."), door="smtp")
    services.receive_raw(cast.north, simple(message_id="<reused@x>", body="Two."), door="smtp")
    run_queued_tasks()
    with bind_office(cast.north):
        assert sorted(Message.objects.values_list("text_body", flat=True)) == ["One.", "Two."]


def test_a_message_past_a_limit_is_quarantined_naming_the_limit_and_can_be_retried(
    cast, settings
):
    settings.MAIL_MAX_PARTS = 1
    message = message_from_bytes(simple(), policy=policy.default)
    message.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="a.pdf")
    kept = services.receive_raw(cast.north, bytes(message), door="import", source="a.eml")
    run_queued_tasks()
    with bind_office(cast.north):
        kept.refresh_from_db()
        assert not Message.objects.exists()
    assert kept.state == RawState.QUARANTINED
    assert "CASEWELL_MAIL_MAX_PARTS" in kept.quarantine_reason

    settings.MAIL_MAX_PARTS = 500
    services.retry_quarantined(kept, by=cast.ben)
    run_queued_tasks()
    with bind_office(cast.north):
        kept.refresh_from_db()
        assert Message.objects.filter(raw=kept).exists()
        assert AuditEntry.objects.filter(action="inbox.retry", actor=cast.ben).exists()
    assert kept.state == RawState.PARSED and kept.attempts == 1 and not kept.quarantine_reason


def test_only_a_quarantined_message_can_be_retried(cast):
    kept = services.receive_raw(cast.north, simple(), door="smtp")
    with pytest.raises(ValidationError):
        services.retry_quarantined(kept)


def test_a_stored_copy_that_was_tampered_with_is_quarantined_not_read(cast):
    kept = services.receive_raw(cast.north, simple(), door="smtp")
    with bind_office(cast.north):
        contents = FileContents.objects.get(stored_file_id=kept.stored_file_id)
        data = bytearray(contents.encrypted)
        data[-1] ^= 1
        FileContents.objects.filter(pk=contents.pk).update(encrypted=bytes(data))
    run_queued_tasks()
    with bind_office(cast.north):
        kept.refresh_from_db()
    assert kept.state == RawState.QUARANTINED
    assert "cannot be read" in kept.quarantine_reason


def test_a_message_whose_reading_never_finishes_is_quarantined_not_tried_for_ever(cast):
    kept = services.receive_raw(cast.north, simple(), door="smtp")
    with bind_office(cast.north):
        # As if three workers had died reading it: each counted its attempt first.
        RawMessage.objects.filter(pk=kept.pk).update(attempts=services.MOST_UNFINISHED_READS)
    assert services.read_raw_message(kept.pk) == "quarantined"
    with bind_office(cast.north):
        kept.refresh_from_db()
        assert not Message.objects.exists()
    assert "started 3 times and never finished" in kept.quarantine_reason

    services.retry_quarantined(kept)
    assert services.read_raw_message(kept.pk) == "parsed"


def test_the_same_bytes_kept_at_the_same_moment_by_two_doors_are_kept_once(cast, monkeypatch):
    raw = simple()
    first = services.receive_raw(cast.north, raw, door="smtp")
    # The other door looked before this one committed, so it does not know the bytes yet.
    monkeypatch.setattr(services, "kept_before", lambda office_id, digest: False)
    again, new = services.keep_raw(cast.north, raw, door="imap", source="imap:office uid 9")
    assert (again.pk, new) == (first.pk, False)
    with bind_office(cast.north):
        assert RawMessage.objects.count() == 1
        # Its copy of the bytes was not left behind.
        assert StoredFile.objects.count() == FileContents.objects.count() == 1


def test_mail_too_large_to_read_is_kept_on_disk_and_quarantined(cast, data_folder, settings):
    settings.MAIL_MAX_MB = 1
    raw = too_large()
    kept = services.receive_raw(cast.north, raw, door="smtp")
    with bind_office(cast.north):
        stored = StoredFile.objects.get(pk=kept.stored_file_id)
        assert not stored.in_database and not FileContents.objects.exists()
    on_disk = path_for(cast.north.pk, stored.storage_name).read_bytes()
    assert b"damp" not in on_disk and services.raw_bytes(kept) == raw
    run_queued_tasks()
    with bind_office(cast.north):
        kept.refresh_from_db()
    assert kept.state == RawState.QUARANTINED
    assert "the largest Casewell reads is 1 MB" in kept.quarantine_reason


def too_large() -> bytes:
    """A message of over 1 MB."""
    return simple().replace(b"damp", b"damp " + b"and mould " * 120_000, 1)


def test_mail_the_disk_will_not_take_is_refused_and_nothing_of_it_kept(
    cast, data_folder, monkeypatch, settings
):
    from casewell.files import storage

    def refuse(descriptor):
        raise OSError(5, "Input/output error")

    settings.MAIL_MAX_MB = 1  # kept on disk
    monkeypatch.setattr(storage.os, "fsync", refuse)
    # The caller's own transaction, as the receiver's would be rolled back with it.
    with pytest.raises(OSError, match="Input/output error"), transaction.atomic():
        services.receive_raw(cast.north, too_large(), door="smtp")
    with bind_office(cast.north):
        assert not RawMessage.objects.exists()
    # The sender was not told it was received and will try again; no file is left behind.
    assert not [path for path in data_folder.rglob("*") if path.is_file()]
    monkeypatch.undo()
    assert services.receive_raw(cast.north, simple(), door="smtp").state == RawState.STORED


def test_a_batch_read_together_stops_at_so_many_bytes_of_mail_but_takes_at_least_one(cast):
    from casewell.inbox.raw_queries import claim_batch

    small, large, last = (
        services.receive_raw(cast.north, simple(subject=subject, body=body), door="smtp")
        for subject, body in [("One", "Short."), ("Two", "Long. " * 5000), ("Three", "Short.")]
    )
    with bind_office(cast.north):
        # The first message always; the next while the mail before it is under the limit.
        assert claim_batch(cast.north.pk, "first", 50, most_bytes=small.size + 1) == [
            small.pk,
            large.pk,
        ]
        assert claim_batch(cast.north.pk, "second", 50, most_bytes=1) == [last.pk]
        assert claim_batch(cast.north.pk, "third", 50, most_bytes=1) == []
    assert large.size > 30_000
