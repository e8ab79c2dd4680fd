"""The office's category tree: administrators add, rename, retire and restore categories.

A category is never deleted once it exists: old cases keep the category they
were filed under, and a retired one is simply not offered for new cases.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from casewell.cases.models import Category
from casewell.offices.models import User
from casewell.offices.services import acting_as_administrator


def _name(text: str) -> str:
    name = " ".join(str(text or "").split())
    if not name:
        raise ValidationError({"name": "Enter the category's name."})
    if len(name) > 100:
        raise ValidationError({"name": "A category's name must be 100 characters or fewer."})
    return name


def _clash(name: str, parent: Category | None, leaving_out: Category | None = None) -> None:
    siblings = Category.objects.filter(parent=parent, name__iexact=name)
    if leaving_out is not None:
        siblings = siblings.exclude(pk=leaving_out.pk)
    if siblings.exists():
        where = f"under {parent.name}" if parent else "at the top level"
        raise ValidationError({"name": f"There is already a category called {name} {where}."})


def _own(category: Category, admin: User) -> Category:
    found = Category.objects.filter(pk=category.pk).first()
    if found is None or found.office_id != admin.office_id:
        raise ValidationError({"category": "Choose a category from this office."})
    return found


def add_category(admin: User, name: str, parent: Category | None = None) -> Category:
    """Add a category, or a sub-category under ``parent`` (itself a top-level category).

    Requires an administrator. Causes an audit entry.
    """
    clean = _name(name)
    with acting_as_administrator(admin):
        if parent is not None:
            parent = _own(parent, admin)
            if parent.parent_id is not None:
                raise ValidationError(
                    {"parent": "Sub-categories go under a category, not under a sub-category."}
                )
        _clash(clean, parent)
        last = Category.objects.filter(parent=parent).aggregate(last=Max("position"))["last"]
        return Category.objects.create(name=clean, parent=parent, position=(last or 0) + 1)


def rename_category(admin: User, category: Category, name: str) -> Category:
    """Rename a category; its cases keep it under the new name. Requires an administrator."""
    clean = _name(name)
    with acting_as_administrator(admin):
        category = _own(category, admin)
        _clash(clean, category.parent, leaving_out=category)
        category.name = clean
        category.save()
    return category


def retire_category(admin: User, category: Category) -> Category:
    """Stop offering a category (and its sub-categories) for new cases. Cases keep it."""
    with acting_as_administrator(admin):
        category = _own(category, admin)
        now = timezone.now()
        for row in [category, *Category.objects.filter(parent=category, retired_at__isnull=True)]:
            if row.retired_at is None:
                row.retired_at = now
                row.save()
    return category


def restore_category(admin: User, category: Category) -> Category:
    """Offer a retired category again (a sub-category only if its category is offered)."""
    with acting_as_administrator(admin):
        category = _own(category, admin)
        if category.parent is not None and category.parent.is_retired:
            raise ValidationError(
                {"category": f"Restore {category.parent.name} first: {category.name} is under it."}
            )
        category.retired_at = None
        category.save()
    return category


def category_tree(include_retired: bool = True) -> list[tuple[Category, list[Category]]]:
    """The bound office's categories, each with its sub-categories, in the office's order."""
    rows = Category.objects.order_by("position", "name", "id")
    if not include_retired:
        rows = rows.filter(retired_at__isnull=True)
    rows = list(rows)
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    return [(row, children.get(row.pk, [])) for row in rows if row.parent_id is None]
