"""PostgreSQL row-level security on every tenant table."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connections

from casewell.offices.models import TenantModel
from casewell.offices.tenancy import row_level_security_statements


def tenant_models() -> list[type[TenantModel]]:
    return [model for model in apps.get_models() if issubclass(model, TenantModel)]


def apply_row_level_security(using: str = "default", **_: Any) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in tenant_models():
            if model._meta.db_table in existing:
                for statement in row_level_security_statements(model._meta.db_table):
                    cursor.execute(statement)
