"""PostgreSQL row-level security on every tenant table."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connections, transaction

from casewell.offices.models import TenantModel
from casewell.offices.tenancy import WALL_CONDITION, row_level_security_statements


def tenant_models() -> list[type[TenantModel]]:
    return [model for model in apps.get_models() if issubclass(model, TenantModel)]


def apply_row_level_security(using: str = "default", **_: Any) -> None:
    """Put every tenant table not yet behind the office wall, as written now, behind it.

    Run after every migrate, and so after every flush of the tests' database: the tables
    already walled are left alone, and the rest are walled in one transaction.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE p.polname = 'office_wall' AND c.relrowsecurity AND c.relforcerowsecurity "
            "AND c.relnamespace = current_schema()::regnamespace "
            "AND obj_description(p.oid, 'pg_policy') = %s",
            [WALL_CONDITION],
        )
        walled = {row[0] for row in cursor.fetchall()}
        for model in tenant_models():
            table = model._meta.db_table
            if table in existing and table not in walled:
                for statement in row_level_security_statements(table):
                    cursor.execute(statement)
