"""The statements made for every raw message kept and read, as plain SQL.

Receiving and reading must keep up with mail arriving in bulk; building an ORM
query costs more than running these small indexed statements, and together they
were a good part of the time a message took. Each names the office in its WHERE
clause (and on PostgreSQL row-level security applies to them as to any query).
Writes that are audited still go through the models.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from casewell.files.models import StoredFile
from casewell.inbox.models import RawMessage, RawState
from casewell.offices.tenancy import across_all_offices


def _sql(template: str) -> str:
    """``template`` with {raw} and {file} as the quoted table names (never any value)."""
    return template.format(
        raw=connection.ops.quote_name(RawMessage._meta.db_table),
        file=connection.ops.quote_name(StoredFile._meta.db_table),
    )


def kept_before(office_id: int, digest: str) -> bool:
    """Whether the office already has a raw message with these bytes (their sha256)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql("SELECT 1 FROM {raw} WHERE office_id = %s AND sha256 = %s"), [office_id, digest]
        )
        return cursor.fetchone() is not None


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
    """The raw message, locked until the transaction ends (PostgreSQL; SQLite's write
    transaction already excludes other writers), with its file's storage name as
    ``stored_name``."""
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    found = list(
        RawMessage.objects.raw(
            _sql(
                "SELECT r.*, f.storage_name AS stored_name FROM {raw} r "
                "JOIN {file} f ON f.id = r.stored_file_id WHERE r.id = %s AND r.office_id = %s"
            )
            + lock,
            [raw_message_id, office_id],
        )
    )
    return found[0] if found else None


def mark_parsed(raw_message: RawMessage, when: datetime) -> None:
    """Record that the raw message was read into a Message (RawMessage is not audited)."""
    raw_message.state = RawState.PARSED
    raw_message.quarantine_reason = ""
    raw_message.parsed_at = when
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "UPDATE {raw} SET state = %s, quarantine_reason = '', parsed_at = %s "
                "WHERE id = %s AND office_id = %s"
            ),
            [
                RawState.PARSED,
                connection.ops.adapt_datetimefield_value(when),
                raw_message.pk,
                raw_message.office_id,
            ],
        )
