"""The wall between offices.

Every request, job and command runs *bound* to one office. Binding does two
things:

* it sets the office for the office-scoped managers, which filter every query
  on a tenant model to that office (and return nothing when no office is bound);
* on PostgreSQL it opens a transaction and sets ``casewell.office_id`` for it,
  which the row-level security policies compare with each row's ``office_id``,
  so even a query that bypasses the managers cannot read another office's rows.

System work that genuinely spans offices (the scheduler, the demo generator,
migrations) says so with ``across_all_offices()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction

from casewell.database import server_bound_cursor

if TYPE_CHECKING:
    from casewell.offices.models import Office, User

OFFICE_SETTING = "casewell.office_id"
ALL_OFFICES_SETTING = "casewell.all_offices"

_office_id: ContextVar[int | None] = ContextVar("casewell_office_id", default=None)
_actor: ContextVar[User | None] = ContextVar("casewell_actor", default=None)
_all_offices: ContextVar[bool] = ContextVar("casewell_all_offices", default=False)


def current_office_id() -> int | None:
    return _office_id.get()


def current_actor() -> User | None:
    return _actor.get()


def is_across_all_offices() -> bool:
    return _all_offices.get()


# The setting's name is in the statement's text (a constant of ours), so that a log of
# the statements says which is set; the value is bound by the server.
_SETTING_STATEMENTS = {
    name: f"SELECT set_config('{name}', %s, true)" for name in (OFFICE_SETTING, ALL_OFFICES_SETTING)
}


def _set_database_setting(name: str, value: str) -> None:
    with server_bound_cursor() as cursor:
        cursor.execute(_SETTING_STATEMENTS[name], [value])


def _read_database_setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting(%s, true), '')", [name])
        return cursor.fetchone()[0]


# The settings held by the blocks this code is inside, each with the transaction (or
# savepoint) that holds it: work bound to an office calls code that binds the same
# office again (for every file kept, say), and that need not cost a database round trip.
_held: ContextVar[dict[str, tuple[str, transaction.Atomic]] | None] = ContextVar(
    "casewell_database_settings", default=None
)


def _held_value(name: str) -> str | None:
    """The setting's value as an enclosing block set it, if that block's transaction is
    still the connection's (None: not known without asking the database)."""
    value, holder = (_held.get() or {}).get(name, (None, None))
    if holder is not None and any(block is holder for block in connection.atomic_blocks):
        return value
    return None


@contextmanager
def _database_setting(name: str, value: str) -> Iterator[None]:
    """Hold a transaction-local setting on PostgreSQL; nothing on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    previous = _held_value(name)
    if previous == value:
        yield
        return
    outermost = not connection.in_atomic_block
    holder = transaction.atomic()
    with holder:
        if previous is None and not outermost:
            previous = _read_database_setting(name)
        _set_database_setting(name, value)
        token = _held.set((_held.get() or {}) | {name: (value, holder)})
        try:
            yield
        finally:
            _held.reset(token)
        # Only reached without an exception: a failed block rolls the setting back itself,
        # and the outermost block's transaction ends here, taking the setting with it.
        if not outermost:
            _set_database_setting(name, previous or "")


@contextmanager
def bind_office(office: Office | int, actor: User | None = None) -> Iterator[None]:
    """Run the block as work of one office, done by ``actor`` (None: the system)."""
    office_id = office if isinstance(office, int) else office.pk
    office_token = _office_id.set(office_id)
    actor_token = _actor.set(actor)
    try:
        with _database_setting(OFFICE_SETTING, str(office_id)):
            yield
    finally:
        _office_id.reset(office_token)
        _actor.reset(actor_token)


@contextmanager
def across_all_offices() -> Iterator[None]:
    """Run system work that must read or write several offices' rows."""
    token = _all_offices.set(True)
    try:
        with _database_setting(ALL_OFFICES_SETTING, "on"):
            yield
    finally:
        _all_offices.reset(token)


class OfficeScopedManager(models.Manager):
    """The default manager of every tenant model: rows of the bound office only.

    With no office bound it returns nothing, the same answer PostgreSQL's
    row-level security gives, so a forgotten scope fails closed on SQLite too.
    """

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()
        if _all_offices.get():
            return queryset
        office_id = _office_id.get()
        if office_id is None:
            return queryset.none()
        return queryset.filter(office_id=office_id)


# Which rows of a tenant table a transaction may see and write on PostgreSQL. Each policy
# is commented with it, so one already as written here is left alone.
WALL_CONDITION = (
    f"current_setting('{ALL_OFFICES_SETTING}', true) = 'on' "
    f"OR office_id = NULLIF(current_setting('{OFFICE_SETTING}', true), '')::bigint"
)


def row_level_security_statements(table: str) -> list[str]:
    """SQL that puts one tenant table behind the office wall on PostgreSQL."""
    quoted = connection.ops.quote_name(table)
    condition = WALL_CONDITION
    written = condition.replace("'", "''")
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS office_wall ON {quoted}",
        f"CREATE POLICY office_wall ON {quoted} USING ({condition}) WITH CHECK ({condition})",
        f"COMMENT ON POLICY office_wall ON {quoted} IS '{written}'",
    ]
