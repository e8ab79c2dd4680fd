"""Who is warned about what: each person's reading preference, and the content warnings
a page puts in front of flagged items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from casewell.offices.models import User
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.assessments import assessments_for, warning_text
from casewell.wellbeing.distress import CATEGORIES
from casewell.wellbeing.models import ReadingPreference
from casewell.wellbeing.models.distress import WarningChoice


@dataclass(frozen=True)
class ContentWarning:
    """What a reader is told before flagged content: 'Contains: suicide, self-harm'."""

    categories: list[str]

    @property
    def text(self) -> str:
        return warning_text(self.categories)

    def __str__(self) -> str:
        return self.text


def preference_for(user: User) -> ReadingPreference:
    """The user's reading preference; unsaved "always warn" when they have not chosen."""
    with bind_office(user.office, actor=user):
        found = ReadingPreference.objects.filter(user=user).first()
    return found or ReadingPreference(office_id=user.office_id, user=user)


def set_reading_preference(
    user: User, choice: Any, categories: Iterable[Any] = ()
) -> ReadingPreference:  # noqa: E501
    """Change when the user is warned: always, only for chosen categories, or never.

    Requires an active user (their own preference only). "Warn for some" needs at
    least one category. Causes an audit entry.
    """
    choice = str(choice or "")
    chosen = {str(category) for category in categories or ()}
    errors: dict[str, str] = {}
    if choice not in WarningChoice.values:
        errors["choice"] = "Choose when you want to be warned."
    unknown = chosen - set(CATEGORIES)
    if unknown:
        errors["categories"] = f"Not a category: {', '.join(sorted(unknown))}."
    elif choice == WarningChoice.SOME and not chosen:
        errors["categories"] = "Choose at least one kind of content to be warned about."
    if errors:
        raise ValidationError(errors)
    preference = preference_for(user)
    with bind_office(user.office, actor=user):
        preference.choice = choice
        preference.categories = [c for c in CATEGORIES if c in chosen] if choice == "some" else []
        preference.changed_at = timezone.now()
        preference.save()
    return preference


def warnings_for(user: User, kind: str, ids: Iterable[Any]) -> dict[int, ContentWarning]:
    """The content warnings this user should see for a list of items (one query, and one
    more when any is flagged): id -> ContentWarning, for flagged items their preference
    warns about."""
    ids = list(ids)
    found = assessments_for(user.office_id, kind, ids) if ids else {}
    if not found:
        return {}
    preference = preference_for(user)
    if preference.choice == WarningChoice.SHOW:
        return {}
    return {
        item_id: ContentWarning(assessment.categories)
        for item_id, assessment in found.items()
        if preference.warns_for(assessment.categories)
    }


def warning_for(user: User, kind: str, item_id: Any) -> ContentWarning | None:
    """The content warning this user should see before one item, or None."""
    if item_id is None:
        return None
    return warnings_for(user, kind, [item_id]).get(int(item_id))
