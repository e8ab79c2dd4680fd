"""The wellbeing models, one module per idea; each is imported here so Django finds it."""

from casewell.wellbeing.models.distress import (
    DistressAssessment,
    ItemKind,
    OfficePhrase,
    ReadingPreference,
)
from casewell.wellbeing.models.huddles import (  # noqa: F401
    Handover,
    Huddle,
    HuddleAttendance,
    HuddleDecision,
    HuddleKind,
    HuddleRhythm,
    PutDownNote,
)
from casewell.wellbeing.models.meeting_times import NoMeetingTime, Repeats  # noqa: F401
from casewell.wellbeing.models.supervision import (  # noqa: F401
    AgreedAction,
    CalendarFeed,
    OverdueAlert,
    SupervisionAttendee,
    SupervisionKind,
    SupervisionPolicy,
    SupervisionRecord,
    SupervisionSeries,
    SupervisionSession,
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
