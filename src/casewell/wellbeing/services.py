"""The wellbeing operations other domains may call.

Protected reading: ``score_item`` (called when a message, note or document is
created), ``assessments_for`` (one query for a list of items),
``warning_categories_for`` and ``warning_text`` (what a content warning names),
``flag_by_hand`` / ``unflag_by_hand`` (with a reason, audited) and the reading
preferences that decide who sees a warning.
"""

from casewell.wellbeing.assessments import (
    assessment_of,
    assessments_for,
    flag_by_hand,
    item_for,
    office_lexicon_for,
    score_item,
    score_new_items,
    unflag_by_hand,
    warning_categories_for,
    warning_text,
)
from casewell.wellbeing.distress import CATEGORIES, LABELS, Assessment, assess
from casewell.wellbeing.models import ItemKind
from casewell.wellbeing.office_phrases import (
    add_office_phrase,
    office_phrases,
    remove_office_phrase,
)
from casewell.wellbeing.protected_reading import (
    ContentWarning,
    preference_for,
    set_reading_preference,
    warning_for,
    warnings_for,
)

__all__ = [
    "CATEGORIES",
    "LABELS",
    "Assessment",
    "ContentWarning",
    "ItemKind",
    "assess",
    "add_office_phrase",
    "assessment_of",
    "assessments_for",
    "flag_by_hand",
    "item_for",
    "office_lexicon_for",
    "office_phrases",
    "preference_for",
    "remove_office_phrase",
    "score_item",
    "score_new_items",
    "set_reading_preference",
    "unflag_by_hand",
    "warning_categories_for",
    "warning_for",
    "warning_text",
    "warnings_for",
]
