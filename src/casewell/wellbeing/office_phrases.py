"""An office's own phrases, added to the curated lexicon when its items are scored."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.distress import CATEGORIES
from casewell.wellbeing.models import OfficePhrase

MAX_PHRASE = 200


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only a manager may change the office's distress phrases.")


def office_phrases(user: User) -> list[OfficePhrase]:
    """The office's own phrases, by category. Any member of the office may see them."""
    with bind_office(user.office, actor=user):
        return list(OfficePhrase.objects.order_by("category", "phrase"))


def add_office_phrase(user: User, category: Any, phrase: Any, severity: Any) -> OfficePhrase:
    """Add a phrase to the office's lexicon in one category, with a severity of 1 to 3.

    Requires a manager. Items are scored with it from now on. Causes an audit entry.
    """
    _require_manager(user)
    text = " ".join(str(phrase or "").lower().split())
    errors: dict[str, str] = {}
    if str(category) not in CATEGORIES:
        errors["category"] = "Choose the kind of content the phrase is about."
    if not text:
        errors["phrase"] = "Enter the phrase."
    elif len(text) > MAX_PHRASE:
        errors["phrase"] = f"Enter a phrase of {MAX_PHRASE} characters or fewer."
    try:
        level = int(str(severity))
    except ValueError:
        level = 0
    if level not in (1, 2, 3):
        errors["severity"] = "Choose a severity: 1 (a mention), 2 (harm) or 3 (immediate)."
    with bind_office(user.office, actor=user):
        if not errors and OfficePhrase.objects.filter(category=category, phrase=text).exists():
            errors["phrase"] = "The office already has this phrase in that category."
        if errors:
            raise ValidationError(errors)
        return OfficePhrase.objects.create(
            category=str(category), phrase=text, severity=level, added_by=user
        )


def remove_office_phrase(user: User, officephrase_id: Any) -> None:
    """Take a phrase out of the office's lexicon. Requires a manager (404 for another
    office's phrase). Causes an audit entry."""
    _require_manager(user)
    with bind_office(user.office, actor=user):
        get_for(user, OfficePhrase, officephrase_id).delete()
