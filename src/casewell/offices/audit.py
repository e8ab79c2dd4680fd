"""The audit trail and the access log.

Every create, change and delete of a tenant record is written here by signal,
so no service can forget it; who did it comes from the bound actor. Reads of
sensitive records are logged by ``get_for`` through ``log_sensitive_read``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_delete, post_save

from casewell.offices.models import AccessLogEntry, AuditEntry, TenantModel, User
from casewell.offices.tenancy import current_actor, current_office_id

HIDDEN = "(not recorded: sensitive)"


def record_event(
    office_id: int,
    action: str,
    *,
    actor: User | None = None,
    subject: models.Model | None = None,
    detail: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for something that is not a plain record change (a sign-in, say)."""
    return AuditEntry.all_offices.create(
        office_id=office_id,
        actor=actor if actor is not None else current_actor(),
        action=action,
        subject_type=subject._meta.label if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject=str(subject)[:300] if subject is not None else "",
        detail=detail,
        changes=changes or {},
    )


def log_sensitive_read(user: User, record: models.Model, *, channel: str) -> None:
    AccessLogEntry.all_offices.create(
        office_id=record.office_id,  # type: ignore[attr-defined]
        user=user,
        subject_type=record._meta.label,
        subject_id=str(record.pk),
        subject=str(record)[:300],
        channel=channel,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "(binary)"
    return value


def _field_values(instance: TenantModel) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        # auto_now stamps change on every save and say nothing about what changed.
        if field.attname not in ("id", "office_id") and not getattr(field, "auto_now", False)
    }


def _changes(instance: TenantModel, created: bool) -> dict[str, Any]:
    before = {} if created else getattr(instance, "_loaded_values", {})
    changes: dict[str, Any] = {}
    for name, after in _field_values(instance).items():
        if not created and name in before and before[name] == after:
            continue
        if not created and name not in before:
            continue  # not loaded (deferred), so we cannot tell; never guess
        hidden = (
            name in instance.sensitive_fields
            or name.removesuffix("_id") in instance.sensitive_fields
        )
        if hidden:
            changes[name] = HIDDEN
        else:
            changes[name] = (
                {"from": _plain(before.get(name)), "to": _plain(after)}
                if not created
                else _plain(after)
            )
    return changes


def _on_save(
    sender: type[TenantModel], instance: TenantModel, created: bool, raw: bool, **_: Any
) -> None:
    if raw or not sender.audited:
        return
    changes = _changes(instance, created)
    if not created and not changes:
        return
    record_event(
        instance.office_id,
        AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
        subject=instance,
        changes=changes,
    )
    # The next save of this same object compares with what it holds now.
    instance._loaded_values = _field_values(instance) | {
        "id": instance.pk,
        "office_id": instance.office_id,
    }


def created_in_bulk(model: type[TenantModel], instances: list[TenantModel]) -> list[TenantModel]:
    """Insert many new rows of one model in one statement, each audited as a save would.

    For bulk work (mail read in batches): ``bulk_create`` sends no signals, so the
    audit entries, the same as ``_on_save`` writes, are inserted together after.
    Requires every instance to belong to the bound office (refused otherwise).
    """
    bound = current_office_id()
    if any(instance.office_id != bound for instance in instances):
        raise PermissionError(f"Refusing to write {model._meta.label} rows of another office.")
    created = _inserted(model, instances)
    if model.audited:
        actor = current_actor()
        entries = [
            AuditEntry(
                office_id=instance.office_id, actor=actor, action=AuditEntry.Action.CREATED,
                subject_type=model._meta.label, subject_id=str(instance.pk),
                subject=str(instance)[:300], changes=_changes(instance, True),
            )  # fmt: skip
            for instance in created
        ]
        _inserted(AuditEntry, entries)
        for instance in created:
            instance._loaded_values = _field_values(instance) | {
                "id": instance.pk,
                "office_id": instance.office_id,
            }
    return created


def _inserted(model: type[models.Model], instances: list[Any]) -> list[Any]:
    """``bulk_create`` of new rows, the statement written here: Django assembles its SQL
    a value at a time, which cost more than the insert itself for mail read in batches.
    A model with a field needing its own placeholder, or a value that is an expression,
    goes to ``bulk_create``."""
    pk = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if field is not pk]
    if (
        any(hasattr(field, "get_placeholder") or field.generated for field in fields)
        or any(instance.pk is not None for instance in instances)
        or any(
            hasattr(getattr(instance, field.attname), "resolve_expression")
            for instance in instances
            for field in fields
        )
    ):
        return model.objects.bulk_create(instances)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    size = max(1, connection.ops.bulk_batch_size(fields, instances))
    for start in range(0, len(instances), size):
        chunk = instances[start : start + size]
        for instance in chunk:
            instance._prepare_related_fields_for_save(operation_name="bulk_create")
        values = [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for instance in chunk
            for field in fields
        ]
        with connection.cursor() as cursor:
            rows, params = _rows_of(cursor, values, len(fields))
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names
                f"VALUES {rows} RETURNING {quote(pk.column)}",
                params,
            )
            ids = [found[0] for found in cursor.fetchall()]
        for instance, new_id in zip(chunk, ids, strict=True):
            instance.pk = new_id
            instance._state.adding = False
            instance._state.db = connection.alias
    return instances


def _rows_of(cursor: Any, values: list[Any], width: int) -> tuple[str, list[Any] | None]:
    """The VALUES rows for ``values``, ``width`` to a row, and the parameters to send with
    them. On PostgreSQL the values are written in as literals, as psycopg's client-side
    binding (Django's) would write them, but without its first finding each placeholder
    by regular expression: for the thousand values of a batch of mail, that cost more
    than the literals."""
    if connection.vendor != "postgresql":
        row = "(" + ", ".join(["%s"] * width) + ")"
        return ", ".join([row] * (len(values) // width)), values
    from psycopg.adapt import Transformer

    literal = Transformer.from_context(cursor.cursor).as_literal
    written = [b"NULL" if value is None else literal(value) for value in values]
    rows = [
        b"(" + b", ".join(written[start : start + width]) + b")"
        for start in range(0, len(written), width)
    ]
    return b", ".join(rows).decode(), None


def _on_delete(sender: type[TenantModel], instance: TenantModel, **_: Any) -> None:
    if not sender.audited:
        return
    record_event(instance.office_id, AuditEntry.Action.DELETED, subject=instance)


def connect_audit_signals() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, TenantModel) and model.audited:
            post_save.connect(
                _on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}"
            )
            post_delete.connect(
                _on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}"
            )
