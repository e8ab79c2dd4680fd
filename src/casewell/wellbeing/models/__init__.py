"""The wellbeing models, one module per idea; each is imported here so Django finds it."""

from casewell.wellbeing.models.distress import (
    DistressAssessment,
    ItemKind,
    OfficePhrase,
    ReadingPreference,
)

__all__ = ["DistressAssessment", "ItemKind", "OfficePhrase", "ReadingPreference"]
