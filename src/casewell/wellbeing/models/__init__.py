"""The wellbeing models, one module per idea; each is imported here so Django finds it."""

from casewell.wellbeing.models.workload import (  # noqa: F401
    BreakNudge,
    CaseLoad,
    ExposureEvent,
    WorkloadSettings,
)
