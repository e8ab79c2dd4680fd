"""Merging two records of the same person, and undoing a merge within 30 days.

Everything that refers to the merged-away person is found from
``Person._meta.related_objects`` — foreign keys, one-to-ones and the rows
behind many-to-many fields — so cases, timeline entries, messages and
whatever other domains add later move with the person without this module
knowing them. (A generic foreign key, an id kept in a plain column, is not
a relation Django knows about and is not moved.) The merged-away row is kept,
marked ``merged_into``, so nothing is deleted and an un-merge can put every
row back.

When moving a row would break a uniqueness rule — the same person twice on
one case, the same phone number twice — the kept person already has its
twin. The merged person's row is then removed, and its full contents kept in
the merge record so an un-merge restores it; if other rows depend on it, it
is left where it is (still pointing at the merged-away record) and listed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from casewell.offices.audit import record_event
from casewell.offices.models import AuditEntry, User
from casewell.offices.permissions import is_manager, may_see
from casewell.offices.tenancy import bind_office
from casewell.people.models import Address, Person, PersonEmail, PersonMerge, PhoneNumber
from casewell.people.services import refresh_contact_copies

UNDO_WINDOW = timedelta(days=30)
# Blank details of the kept person filled from the merged one (and emptied again on un-merge).
FILLABLE = ("title", "preferred_name", "date_of_birth", "language", "preferred_contact")
# Only one of these may be current or main per person: the merged person's
# flags are lowered when the kept person already has one.
SINGLE_FLAGS: tuple[tuple[type[models.Model], str], ...] = (
    (Address, "is_current"),
    (PhoneNumber, "is_main"),
    (PersonEmail, "is_main"),
)


def _require_manager(user: User) -> None:
    if not is_manager(user) or not user.is_active or user.is_locked:
        raise PermissionDenied("Only the office's managers may merge or un-merge records.")


def person_references() -> list[tuple[type[models.Model], models.ForeignKey]]:  # type: ignore[type-arg]
    """Every (model, field) that can point at a Person, found from Django's own relations."""
    found: dict[tuple[str, str], tuple[type[models.Model], models.ForeignKey]] = {}  # type: ignore[type-arg]
    for relation in Person._meta.related_objects:
        if relation.related_model is PersonMerge:
            continue  # the history of merges stays as it happened
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            if not through._meta.auto_created:
                continue  # an explicit through model has its own foreign key relation
            fields = [
                field
                for field in through._meta.fields
                if isinstance(field, models.ForeignKey) and field.related_model is Person
            ]
            for field in fields:
                found[(through._meta.label, field.name)] = (through, field)
        else:
            model = relation.related_model
            found[(model._meta.label, relation.field.name)] = (model, relation.field)
    return [found[key] for key in sorted(found)]


def _unique_sets(model: type[models.Model], field: models.Field) -> list[tuple[list[str], Any]]:  # type: ignore[type-arg]
    """The uniqueness rules that include ``field``: (field names, condition or None)."""
    rules: list[tuple[list[str], Any]] = []
    if field.unique:
        rules.append(([field.name], None))
    for names in model._meta.unique_together:
        if field.name in names:
            rules.append((list(names), None))
    for constraint in model._meta.constraints:
        unique = isinstance(constraint, models.UniqueConstraint)
        if unique and constraint.fields and field.name in constraint.fields:
            rules.append((list(constraint.fields), constraint.condition))
    return rules


def _would_clash(row: models.Model, field: models.Field, kept: Person) -> bool:  # type: ignore[type-arg]
    model = type(row)
    for names, condition in _unique_sets(model, field):
        rows = model._base_manager.all()
        if condition is not None:
            if not rows.filter(pk=row.pk).filter(condition).exists():
                continue
            rows = rows.filter(condition)
        attnames = [model._meta.get_field(name).attname for name in names]
        match = {attname: getattr(row, attname) for attname in attnames}
        match[field.attname] = kept.pk
        if rows.filter(**match).exclude(pk=row.pk).exists():
            return True
    return False


def _has_dependants(row: models.Model) -> bool:
    for relation in row._meta.related_objects:
        if relation.many_to_many:
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: row}).exists():
            return True
    return False


def _check_pair(user: User, kept: Person, merged: Person) -> None:
    if kept.pk == merged.pk:
        raise ValidationError({"merged": "Choose two different records to merge."})
    for person in (kept, merged):
        if not may_see(user, person):
            raise PermissionDenied("That person is not one of your office's.")
        if person.is_merged:
            raise ValidationError(
                {"merged": f"{person} has already been merged into {person.merged_into}."}
            )


def merge_people(user: User, *, kept: Person, merged: Person) -> PersonMerge:
    """Merge ``merged`` into ``kept``: every case, message, note and detail moves to ``kept``.

    Requires a manager (PermissionDenied otherwise) and two distinct unmerged
    people of their office. ``merged`` stays, marked as merged, and leaves
    the lists. Causes audit entries on both people listing what moved; the
    merge can be undone by ``unmerge_people`` for 30 days.
    """
    _require_manager(user)
    with bind_office(user.office, actor=user), transaction.atomic():
        locked = {
            person.pk: person
            for person in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
        }
        if kept.pk not in locked or merged.pk not in locked:
            raise PermissionDenied("That person is not one of your office's.")
        kept, merged = locked[kept.pk], locked[merged.pk]
        _check_pair(user, kept, merged)
        moves: dict[str, Any] = {"moved": [], "removed": [], "left": [], "flags": [], "filled": {}}
        _lower_clashing_flags(kept, merged, moves)
        for model, field in person_references():
            _move_references(model, field, merged, kept, moves)
        for name in FILLABLE:
            if getattr(kept, name) in ("", None) and getattr(merged, name) not in ("", None):
                value = getattr(merged, name)
                moves["filled"][name] = value.isoformat() if hasattr(value, "isoformat") else value
                setattr(kept, name, value)
        if merged.needs_interpreter and not kept.needs_interpreter:
            moves["filled"]["needs_interpreter"] = True
            kept.needs_interpreter = True
        kept.save()
        merged.merged_into = kept
        merged.save(update_fields=["merged_into", "updated_at"])
        refresh_contact_copies(kept)
        merge = PersonMerge.objects.create(
            office_id=kept.office_id, kept=kept, merged=merged, merged_by=user, moves=moves
        )
        summary = describe_moves(moves)
        for subject, detail in (
            (kept, f"{merged} (record {merged.pk}) was merged into this record: {summary}"),
            (merged, f"Merged into {kept} (record {kept.pk}): {summary}"),
        ):
            record_event(
                kept.office_id,
                AuditEntry.Action.OTHER,
                actor=user,
                subject=subject,
                detail=detail,
                changes={"merge": merge.pk},
            )
    return merge


def _lower_clashing_flags(kept: Person, merged: Person, moves: dict[str, Any]) -> None:
    for model, flag in SINGLE_FLAGS:
        rows = model._base_manager.filter(**{"person": kept, flag: True})
        if not rows.exists():
            continue
        for row in model._base_manager.filter(**{"person": merged, flag: True}):
            setattr(row, flag, False)
            row.save(update_fields=[flag])
            moves["flags"].append({"model": model._meta.label, "pk": row.pk, "field": flag})


def _move_references(
    model: type[models.Model],
    field: models.ForeignKey,
    merged: Person,
    kept: Person,  # type: ignore[type-arg]
    moves: dict[str, Any],
) -> None:
    label = model._meta.label
    rows = list(model._base_manager.filter(**{field.name: merged}).order_by("pk"))
    if not rows:
        return
    movable: list[Any] = []
    for row in rows:
        if _unique_sets(model, field) and _would_clash(row, field, kept):
            if _has_dependants(row):
                moves["left"].append({"model": label, "field": field.name, "pk": row.pk})
            else:
                moves["removed"].append(
                    {"model": label, "pk": row.pk, "data": serializers.serialize("json", [row])}
                )
                row.delete()
            continue
        movable.append(row.pk)
    if movable:
        # A plain UPDATE: the merge's own audit entries say what moved, row by row.
        model._base_manager.filter(pk__in=movable).update(**{field.name: kept})
        moves["moved"].append({"model": label, "field": field.name, "pks": movable})


def describe_moves(moves: dict[str, Any]) -> str:
    """ "moved 2 case people, 1 address; removed 1 phone number (the kept record has it)"."""
    from django.apps import apps

    def name(label: str, count: int) -> str:
        meta = apps.get_model(label)._meta
        return f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"

    parts = []
    moved = [name(entry["model"], len(entry["pks"])) for entry in moves.get("moved", [])]
    if moved:
        parts.append("moved " + ", ".join(moved))
    if moves.get("removed"):
        counts: dict[str, int] = {}
        for entry in moves["removed"]:
            counts[entry["model"]] = counts.get(entry["model"], 0) + 1
        removed = ", ".join(name(label, count) for label, count in counts.items())
        parts.append(f"removed {removed} the kept record already had")
    if moves.get("left"):
        parts.append(f"left {len(moves['left'])} linked rows that could not move")
    return "; ".join(parts) or "nothing else referred to it"


def _blank(name: str) -> Any:
    return {"date_of_birth": None, "needs_interpreter": False}.get(name, "")


def _day(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def undo_deadline(merge: PersonMerge) -> Any:
    return merge.merged_at + UNDO_WINDOW


def can_unmerge(merge: PersonMerge) -> tuple[bool, str]:
    """Whether the merge can still be undone, and if not, why (in words for the page)."""
    if merge.undone_at is not None:
        return False, f"This merge was already undone on {_day(merge.undone_at)}."
    if timezone.now() > undo_deadline(merge):
        return False, (
            f"This merge was made on {_day(merge.merged_at)}. A merge can only be undone "
            f"within 30 days, and that time ended on {_day(undo_deadline(merge))}."
        )
    return True, ""


def unmerge_people(user: User, merge: PersonMerge) -> Person:
    """Undo a merge made in the last 30 days: every row that moved goes back.

    Returns the restored person.
    Requires a manager. Refused (ValidationError naming why) once 30 days have
    passed or if already undone. A row changed to point elsewhere since the
    merge is left alone. Causes audit entries on both people.
    """
    _require_manager(user)
    with bind_office(user.office, actor=user), transaction.atomic():
        found = PersonMerge.objects.select_for_update().filter(pk=merge.pk).first()
        if found is None or not may_see(user, found):
            raise PermissionDenied("That merge is not one of your office's.")
        merge = found
        allowed, reason = can_unmerge(merge)
        if not allowed:
            raise ValidationError(reason)
        kept, merged = merge.kept, merge.merged
        moves = merge.moves
        from django.apps import apps

        returned = 0
        for entry in moves.get("moved", []):
            model = apps.get_model(entry["model"])
            returned += model._base_manager.filter(
                pk__in=entry["pks"], **{entry["field"]: kept}
            ).update(**{entry["field"]: merged})
        restored = 0
        for entry in moves.get("removed", []):
            for item in serializers.deserialize("json", entry["data"]):
                if not type(item.object)._base_manager.filter(pk=item.object.pk).exists():
                    item.save()
                    restored += 1
        for entry in moves.get("flags", []):
            model = apps.get_model(entry["model"])
            row = model._base_manager.filter(pk=entry["pk"]).first()
            if row is not None:
                setattr(row, entry["field"], True)
                row.save(update_fields=[entry["field"]])
        for name, value in moves.get("filled", {}).items():
            current = getattr(kept, name)
            shown = current.isoformat() if hasattr(current, "isoformat") else current
            if shown == value:
                setattr(kept, name, _blank(name))
        kept.save()
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        refresh_contact_copies(kept)
        refresh_contact_copies(merged)
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by"])
        detail = f"returned {returned} rows, restored {restored} removed rows"
        for subject, text in (
            (kept, f"Un-merged {merged} (record {merged.pk}) from this record: {detail}"),
            (merged, f"Un-merged from {kept} (record {kept.pk}): {detail}"),
        ):
            record_event(
                kept.office_id,
                AuditEntry.Action.OTHER,
                actor=user,
                subject=subject,
                detail=text,
                changes={"unmerge": merge.pk},
            )
    return merged
