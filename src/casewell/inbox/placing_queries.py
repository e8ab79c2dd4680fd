"""The few reads placing makes for every message, written as SQL.

Placing must keep up with mail arriving in bulk (a campaign, an import): at
least 200 messages a second on one core. Building a query with the ORM costs
about thirty times more than running these small indexed look-ups, so the
reads made for every message are plain SQL here. Each names the office in its
WHERE clause, and on PostgreSQL the office wall (row-level security) applies
to them as to any query. Writes still go through the models (and the audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import connection

from casewell.cases.models import Case
from casewell.inbox.models import Message, MessageKind, OutgoingMessage
from casewell.offices.models import Office
from casewell.people.models import Person, PersonEmail

_TABLES = {
    "office": Office,
    "case": Case,
    "message": Message,
    "outgoing": OutgoingMessage,
    "person": Person,
    "person_email": PersonEmail,
}


def _rows(template: str, params: Sequence[Any], *, listed: int = 0) -> list[tuple[Any, ...]]:
    """Run ``template`` with its {table} names filled from the models and {listed} as that
    many placeholders (for IN); every value is a parameter, never part of the text."""
    names = {
        name: connection.ops.quote_name(model._meta.db_table) for name, model in _TABLES.items()
    }
    # SQLite's LIKE ignores the case of ASCII letters; PostgreSQL needs ILIKE for that.
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    sql = template.format(listed=", ".join(["%s"] * listed), like=like, **names)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _moment(value: datetime) -> Any:
    """A date-time as the database stores it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def read_moment(value: Any) -> datetime:
    """A date-time read back by SQL (SQLite gives text), as an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


class OfficeFacts(NamedTuple):
    pk: int
    reference_prefix: str
    created_at: datetime


def office_facts(office_id: int) -> OfficeFacts:
    """The office's case reference prefix and when it was made (which keys the caches: a
    test database gives a new office an old one's id)."""
    rows = _rows(
        "SELECT reference_prefix, created_at FROM {office} WHERE id = %s",
        [office_id],
    )
    prefix, created_at = rows[0]
    return OfficeFacts(office_id, prefix, read_moment(created_at))


def case_ids_by_reference(office_id: int, references: Sequence[str]) -> dict[str, int]:
    if not references:
        return {}
    return dict(
        _rows(
            "SELECT reference, id FROM {case} WHERE office_id = %s AND reference IN ({listed})",
            [office_id, *references],
            listed=len(references),
        )
    )


def case_of_message(office_id: int, message_pk: int) -> int | None:
    rows = _rows(
        "SELECT case_id FROM {message} WHERE office_id = %s AND id = %s",
        [office_id, message_pk],
    )
    return rows[0][0] if rows else None


def on_cases_with_message_ids(
    office_id: int, message_ids: Sequence[str]
) -> list[tuple[int, str, int]]:
    """(id, Message-ID, case id) of the stored messages on a case with these Message-IDs,
    in id order."""
    if not message_ids:
        return []
    return _rows(
        "SELECT id, message_id, case_id FROM {message} WHERE office_id = %s "
        "AND message_id IN ({listed}) AND case_id IS NOT NULL ORDER BY id",
        [office_id, *message_ids],
        listed=len(message_ids),
    )


def cases_of_sent_message_ids(office_id: int, message_ids: Sequence[str]) -> dict[str, int]:
    """Message-ID -> case id, for e-mail we sent from a case (an answer names it)."""
    if not message_ids:
        return {}
    return dict(
        _rows(
            "SELECT message_id, case_id FROM {outgoing} WHERE office_id = %s "
            "AND message_id IN ({listed}) AND case_id IS NOT NULL ORDER BY id",
            [office_id, *message_ids],
            listed=len(message_ids),
        )
    )


def _containing(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class OnCase(NamedTuple):
    """A message on a case, as threading by sender and subject compares it."""

    id: int
    subject_key: str
    subject: str
    from_address: str
    cc: Any
    case_id: int
    moment: datetime


def on_cases_with_subjects(
    office_id: int, *, subject_keys: Sequence[str], senders: Sequence[str],
    start: datetime, end: datetime,
) -> list[OnCase]:  # fmt: skip
    """Messages on a case written between ``start`` and ``end`` whose stored subject key
    is one of ``subject_keys``, from one of ``senders`` or with one of them in Cc (the
    caller checks Cc exactly). The (office, thread_subject) index narrows them to few."""
    if not subject_keys or not senders:
        return []
    senders_listed = ", ".join(["%s"] * len(senders))
    in_cc = " OR ".join(["CAST(cc AS TEXT) {like} %s ESCAPE '\\'"] * len(senders))
    # Only placeholders are joined into the text, never a value.
    template = (
        "SELECT id, thread_subject, subject, from_address, cc, case_id, "  # noqa: S608
        "COALESCE(sent_at, created_at) FROM {message} "
        "WHERE office_id = %s AND thread_subject IN ({listed}) AND case_id IS NOT NULL "
        "AND COALESCE(sent_at, created_at) >= %s AND COALESCE(sent_at, created_at) <= %s "
        f"AND (from_address IN ({senders_listed}) OR {in_cc})"
    )
    rows = _rows(
        template,
        [
            office_id, *subject_keys, _moment(start), _moment(end), *senders,
            *(_containing(sender) for sender in senders),
        ],
        listed=len(subject_keys),
    )  # fmt: skip
    field = Message._meta.get_field("cc")
    return [
        OnCase(pk, key, subject, sender, field.from_db_value(cc, None, connection), case_id,
               read_moment(moment))
        for pk, key, subject, sender, cc, case_id, moment in rows
    ]  # fmt: skip


def people_with_addresses(
    office_id: int, addresses: Sequence[str]
) -> dict[str, list[tuple[int, int | None]]]:
    """Address -> (person id, merged into) of the people whose main or other e-mail address
    it is, for each of ``addresses`` that is anyone's."""
    found: dict[str, list[tuple[int, int | None]]] = {}
    if not addresses:
        return found
    rows = _rows(
        "SELECT email, id, merged_into_id FROM {person} WHERE office_id = %s "
        "AND email IN ({listed}) "
        "UNION SELECT e.address, p.id, p.merged_into_id FROM {person_email} e JOIN {person} p "
        "ON p.id = e.person_id WHERE e.office_id = %s AND e.address IN ({listed}) "
        "ORDER BY 1, 2",
        [office_id, *addresses, office_id, *addresses],
        listed=len(addresses),
    )
    for address, person_id, merged_into in rows:
        found.setdefault(address, []).append((person_id, merged_into))
    return found


def recent_message_ids(office_id: int, *, after_pk: int, since: datetime) -> list[int]:
    return [
        pk
        for (pk,) in _rows(
            "SELECT id FROM {message} WHERE office_id = %s AND kind = %s "
            "AND id > %s AND created_at >= %s ORDER BY id",
            [office_id, MessageKind.MESSAGE, after_pk, _moment(since)],
        )
    ]


def message_texts(
    office_id: int, pks: Iterable[int]
) -> list[tuple[int, str, str, str, datetime, int | None]]:
    """(pk, from_address, text_body, html_body, created_at, campaign id) of the messages."""
    wanted = list(pks)
    if not wanted:
        return []
    rows = _rows(
        "SELECT id, from_address, text_body, html_body, created_at, campaign_id "
        "FROM {message} WHERE office_id = %s AND id IN ({listed})",
        [office_id, *wanted],
        listed=len(wanted),
    )
    return [
        (pk, sender, text, markup, read_moment(at), campaign)
        for pk, sender, text, markup, at, campaign in rows
    ]
