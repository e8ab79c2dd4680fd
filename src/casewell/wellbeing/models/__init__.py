"""The wellbeing models, one module per idea; each is imported here so Django finds it."""

from casewell.wellbeing.models.distress import (
    DistressAssessment,
    ItemKind,
    OfficePhrase,
    ReadingPreference,
)
from casewell.wellbeing.models.workload import (
    BreakNudge,
    CaseLoad,
    ExposureEvent,
    WorkloadSettings,
)

__all__ = [
    "BreakNudge",
    "CaseLoad",
    "DistressAssessment",
    "ExposureEvent",
    "ItemKind",
    "OfficePhrase",
    "ReadingPreference",
    "WorkloadSettings",
]
