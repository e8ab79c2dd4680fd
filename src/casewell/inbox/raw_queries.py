"""The statements made for every raw message kept and read, as plain SQL.

Receiving and reading must keep up with mail arriving in bulk; building an ORM
query costs more than running these small indexed statements, and together they
were a good part of the time a message took. Each names the office in its WHERE
clause (and on PostgreSQL row-level security applies to them as to any query).
Writes that are audited still go through the models.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django_tasks_db.compat import Task

from casewell.database import server_bound_cursor
from casewell.files.models import FileContents, StoredFile
from casewell.inbox.models import Message, RawMessage, RawState
from casewell.jobs.services import is_queued, queued_jobs_statement
from casewell.offices.tenancy import OFFICE_SETTING, across_all_offices, bind_office


def _sql(template: str, *, values: int = 0) -> str:
    """``template`` with {raw}, {file}, {contents} and {message} as the quoted table names
    (never any value), and {values} as that many placeholders."""
    return _filled(template, values, connection.vendor)


@lru_cache(maxsize=256)
def _filled(template: str, values: int, vendor: str) -> str:
    # Made once for each statement: receiving runs these for every message. ``vendor`` is
    # in the cache's key because each database quotes names its own way.
    return template.format(
        raw=connection.ops.quote_name(RawMessage._meta.db_table),
        file=connection.ops.quote_name(StoredFile._meta.db_table),
        contents=connection.ops.quote_name(FileContents._meta.db_table),
        message=connection.ops.quote_name(Message._meta.db_table),
        values=", ".join(["%s"] * values),
    )


@contextmanager
def committed_to_disk() -> Iterator[None]:
    """Make the transaction opened in the block wait, as it commits, for the disk.

    PostgreSQL does (synchronous_commit). SQLite runs at synchronous=NORMAL (settings),
    whose commits a power cut may undo: right for most work, not for mail a sender
    deletes once told it is received. (Inside a transaction already open, the safety
    level cannot change: its commit is the opener's.)"""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=FULL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


def kept_before(office_id: int, digest: str) -> bool:
    """Whether the office already has a raw message with these bytes (their sha256)."""
    with server_bound_cursor() as cursor:
        cursor.execute(
            _sql("SELECT 1 FROM {raw} WHERE office_id = %s AND sha256 = %s"), [office_id, digest]
        )
        return cursor.fetchone() is not None


# The rows kept for every message received. ON CONFLICT rather than catching the
# unique constraint's error, which would need a savepoint: another round trip.
_INSERT_FILE = (
    "INSERT INTO {file} (office_id, original_name, content_type, size, sha256, storage_name, "
    "uploaded_by_id, uploaded_at, in_database) "
    "VALUES (%s, 'message.eml', %s, %s, %s, %s, NULL, %s, %s) RETURNING id"
)
_INSERT_CONTENTS = (
    "INSERT INTO {contents} (stored_file_id, office_id, encrypted) VALUES (%s, %s, %s)"
)
_INSERT_RAW = (
    "INSERT INTO {raw} (office_id, sha256, size, door, source, received_at, stored_file_id, "
    "state, quarantine_reason, attempts, parsed_at, duplicate_of_id, reading_job) "
    "SELECT %s, %s, %s, %s, %s, %s, %s, %s, '', 0, NULL, NULL, '' WHERE true "
    "ON CONFLICT DO NOTHING RETURNING id"
)
# On PostgreSQL all of it is one statement, which outside a transaction commits as it
# ends: one round trip for every message received, where binding the office, inserting,
# looking for the reader, and the transaction's start and end were five. Each step
# takes its row from the one before, so the office is bound before the first insert
# (row-level security checks each row as it is inserted), and the file's row is
# inserted only if the raw message was: a repeat leaves nothing behind. The raw message
# names its file's row before that is inserted, which its deferred foreign key allows;
# the file's contents follow it, unless it is kept on disk.
_KEEP_RAW_ON_POSTGRESQL = (
    f"WITH bound AS (SELECT set_config('{OFFICE_SETTING}', %s, true)), "  # noqa: S608 - a name of ours
    "new_file AS (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM bound), "
    "given AS (SELECT %s::bytea AS encrypted), "
    "kept_raw AS (INSERT INTO {raw} (office_id, sha256, size, door, source, received_at, "
    "stored_file_id, state, quarantine_reason, attempts, parsed_at, duplicate_of_id, "
    "reading_job) SELECT %s, %s, %s, %s, %s, %s, new_file.id, %s, '', 0, NULL, NULL, '' "
    "FROM new_file ON CONFLICT DO NOTHING RETURNING id, stored_file_id, office_id), "
    "kept_file AS (INSERT INTO {file} (id, office_id, original_name, content_type, size, sha256, "
    "storage_name, uploaded_by_id, uploaded_at, in_database) SELECT kept_raw.stored_file_id, "
    "%s, 'message.eml', %s, %s, %s, %s, NULL, %s, given.encrypted IS NOT NULL "
    "FROM kept_raw, given), "
    "kept_contents AS (INSERT INTO {contents} (stored_file_id, office_id, encrypted) "
    "SELECT kept_raw.stored_file_id, kept_raw.office_id, given.encrypted FROM kept_raw, given "
    "WHERE given.encrypted IS NOT NULL), "
    "reader AS ({queued_jobs}) "
    "SELECT kept_raw.id, kept_raw.stored_file_id, ARRAY(SELECT args_kwargs FROM reader) "
    "FROM (SELECT 1) AS one LEFT JOIN kept_raw ON true"
)


def insert_raw_message(
    office_id: int, *, digest: str, size: int, door: str, source: str, storage_name: str,
    encrypted: bytes | None, content_type: str, received_at: datetime, reader: Task,
) -> tuple[RawMessage | None, bool]:  # fmt: skip
    """Insert the raw message and its stored file's row, with the file's ``encrypted``
    contents unless it is on disk (None) (not audited: the raw message is itself the
    record of what arrived), and look for ``reader(office_id)`` queued, not yet started
    (locked until the transaction ends, see ``queued_jobs_statement``).

    Returns the new RawMessage, waiting to be read, or None if the office has these
    bytes already (kept at the same moment by another door: nothing is then left
    inserted); and whether the reader was found waiting. Outside a transaction, the
    rows are committed when this returns."""
    when = connection.ops.adapt_datetimefield_value(received_at)
    in_database = encrypted is not None
    file_values = [office_id, content_type, size, digest, storage_name, when]
    raw_values = [office_id, digest, size, door, source, when]
    queued_jobs, queued_values = queued_jobs_statement(reader)
    if connection.vendor == "postgresql":
        # In a caller's transaction, the setting would outlast the statement: bound
        # around it, it is the caller's again afterwards.
        binding = bind_office(office_id) if connection.in_atomic_block else nullcontext()
        with binding, server_bound_cursor() as cursor:
            cursor.execute(
                _sql(_KEEP_RAW_ON_POSTGRESQL.replace("{queued_jobs}", queued_jobs)),
                [str(office_id), StoredFile._meta.db_table, encrypted, *raw_values,
                 RawState.STORED, *file_values, *queued_values],
            )  # fmt: skip
            raw_message_id, stored_file_id, queued = cursor.fetchone()
    else:
        with transaction.atomic(savepoint=False), server_bound_cursor() as cursor:
            cursor.execute(_sql(_INSERT_FILE), [*file_values, in_database])
            stored_file_id = cursor.fetchone()[0]
            # WHERE true: SQLite reads ON CONFLICT after a bare SELECT as part of a join.
            cursor.execute(_sql(_INSERT_RAW), [*raw_values, stored_file_id, RawState.STORED])
            raw_message_id = (cursor.fetchone() or [None])[0]
            if raw_message_id is None:
                cursor.execute(_sql("DELETE FROM {file} WHERE id = %s"), [stored_file_id])
            elif in_database:
                cursor.execute(_sql(_INSERT_CONTENTS), [stored_file_id, office_id, encrypted])
            cursor.execute(queued_jobs, queued_values)
            queued = [stored for (stored,) in cursor.fetchall()]
    if raw_message_id is None:
        return None, False
    stored_file = StoredFile(
        pk=stored_file_id, office_id=office_id, original_name="message.eml",
        content_type=content_type, size=size, sha256=digest, storage_name=storage_name,
        uploaded_at=received_at, in_database=in_database,
    )  # fmt: skip
    message = RawMessage(
        pk=raw_message_id, office_id=office_id, sha256=digest, size=size, door=door,
        source=source, received_at=received_at, stored_file=stored_file, state=RawState.STORED,
    )  # fmt: skip
    return message, is_queued([office_id], queued)


def office_of(raw_message_id: int) -> int | None:
    """The raw message's office (looked up across offices), or None if there is no such."""
    with across_all_offices(), connection.cursor() as cursor:
        cursor.execute(_sql("SELECT office_id FROM {raw} WHERE id = %s"), [raw_message_id])
        row = cursor.fetchone()
    return row[0] if row else None


def count_attempt(raw_message_id: int, office_id: int) -> bool:
    """One more attempt at reading, if the message is still waiting to be read (True)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "UPDATE {raw} SET attempts = attempts + 1 "
                "WHERE id = %s AND office_id = %s AND state = %s"
            ),
            [raw_message_id, office_id, RawState.STORED],
        )
        return cursor.rowcount > 0


def locked_raw_message(raw_message_id: int, office_id: int) -> RawMessage | None:
    """The raw message, locked until the transaction ends, with its file's storage name
    as ``stored_name`` and its encrypted bytes as ``stored_encrypted`` (None: on disk)."""
    found = raw_messages_to_read([raw_message_id], office_id, contents=True)
    return found[0] if found else None


def raw_messages_to_read(
    ids: list[int], office_id: int, *, contents: bool = False
) -> list[RawMessage]:
    """The raw messages, locked until the transaction ends (PostgreSQL; SQLite's write
    transaction already excludes other writers), each with its file's storage name as
    ``stored_name`` and, if asked for ``contents``, the file's encrypted bytes as
    ``stored_encrypted`` (None: on disk), in id order."""
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    encrypted, joined = (
        ("c.encrypted", "LEFT JOIN {contents} c ON c.stored_file_id = f.id ")
        if contents
        else ("NULL", "")
    )
    return list(
        RawMessage.objects.raw(
            _sql(
                f"SELECT r.*, f.storage_name AS stored_name, {encrypted} AS stored_encrypted "  # noqa: S608 - names, no value
                f"FROM {{raw}} r JOIN {{file}} f ON f.id = r.stored_file_id {joined}"
                "WHERE r.office_id = %s AND r.id IN ({values}) ORDER BY r.id",
                values=len(ids),
            )
            + lock,
            [office_id, *ids],
        )
    )


def claim_batch(office_id: int, job_id: str, size: int, most_bytes: int) -> list[int]:
    """Up to ``size`` of the office's messages waiting to be read and never started, oldest
    first, stopping at the first to start beyond ``most_bytes`` of mail (the first is
    always taken), now counted as started by ``job_id``; their ids. Two jobs never claim
    the same message."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "UPDATE {raw} SET attempts = attempts + 1, reading_job = %s "
                "WHERE id IN (SELECT id FROM (SELECT id, size, SUM(size) OVER (ORDER BY id) "
                "AS running FROM {raw} WHERE office_id = %s AND state = %s AND attempts = 0 "
                "ORDER BY id LIMIT %s) AS waiting WHERE running - size < %s) "
                "AND state = %s AND attempts = 0 RETURNING id"
            ),
            [job_id, office_id, RawState.STORED, size, most_bytes, RawState.STORED],
        )
        return sorted(row[0] for row in cursor.fetchall())


def started_and_left(office_id: int, job_ids: list[str]) -> list[int]:
    """The office's messages still waiting whose reading was started by one of these jobs."""
    if not job_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "SELECT id FROM {raw} WHERE office_id = %s AND state = %s "
                "AND reading_job IN ({values}) ORDER BY id",
                values=len(job_ids),
            ),
            [office_id, RawState.STORED, *job_ids],
        )
        return [row[0] for row in cursor.fetchall()]


def jobs_reading(office_id: int) -> set[str]:
    """The jobs that started reading messages of the office still waiting to be read."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "SELECT DISTINCT reading_job FROM {raw} WHERE office_id = %s AND state = %s "
                "AND reading_job <> ''"
            ),
            [office_id, RawState.STORED],
        )
        return {row[0] for row in cursor.fetchall()}


def offices_with_mail_waiting(received_before: datetime) -> list[int]:
    """Offices (across all) with a message received before then and still waiting."""
    with across_all_offices(), connection.cursor() as cursor:
        cursor.execute(
            _sql("SELECT DISTINCT office_id FROM {raw} WHERE state = %s AND received_at < %s"),
            [RawState.STORED, connection.ops.adapt_datetimefield_value(received_before)],
        )
        return sorted(row[0] for row in cursor.fetchall())


def mark_parsed(raw_message: RawMessage, when: datetime) -> None:
    """Record that the raw message was read into a Message (RawMessage is not audited)."""
    raw_message.state = RawState.PARSED
    raw_message.quarantine_reason = ""
    raw_message.parsed_at = when
    mark_parsed_many(raw_message.office_id, [raw_message.pk], when)


def mark_parsed_many(office_id: int, ids: list[int], when: datetime) -> None:
    """``mark_parsed`` for many raw messages of the office at once."""
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "UPDATE {raw} SET state = %s, quarantine_reason = '', parsed_at = %s "
                "WHERE office_id = %s AND id IN ({values})",
                values=len(ids),
            ),
            [RawState.PARSED, connection.ops.adapt_datetimefield_value(when), office_id, *ids],
        )


def originals_of(office_id: int, message_ids: list[str]) -> dict[tuple[str, str], int]:
    """The office's first Message for each (Message-ID, fingerprint) among these IDs."""
    if not message_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "SELECT message_id, fingerprint, MIN(id) FROM {message} "
                "WHERE office_id = %s AND message_id IN ({values}) "
                "GROUP BY message_id, fingerprint",
                values=len(message_ids),
            ),
            [office_id, *message_ids],
        )
        return {(row[0], row[1]): row[2] for row in cursor.fetchall()}
