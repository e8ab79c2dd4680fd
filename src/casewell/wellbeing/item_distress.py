"""What the distress detector says about items, in workload's levels.

The one place workload reads the stored distress assessments (``wellbeing.assessments``):
everything else in workload asks here. The detector's severity (1-3, 0 for nothing) is
workload's distress level as it stands.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import IntegerField, Max, OuterRef, QuerySet, Subquery

from casewell.wellbeing.assessments import assessments_for
from casewell.wellbeing.models.distress import DistressAssessment, ItemKind
from casewell.wellbeing.models.workload import DistressLevel

MESSAGE = ItemKind.MESSAGE.value
ENTRY = ItemKind.TIMELINE_ENTRY.value


def as_level(severity: int | None) -> int:
    if not severity:
        return DistressLevel.NONE
    return min(int(severity), DistressLevel.HIGH)


def item_levels(office_id: int, kind: str, ids: Iterable[int]) -> dict[int, int]:
    """Each flagged item's distress level, by id (one query); calm items are left out."""
    return {
        item_id: as_level(found.severity)
        for item_id, found in assessments_for(office_id, kind, ids).items()
    }


def _highest_by_case(office_id: int, items: object, kind: str) -> dict[int, int]:
    severity = Subquery(
        DistressAssessment.all_offices.filter(
            office_id=office_id, kind=kind, item_id=OuterRef("pk")
        ).values("severity")[:1],
        output_field=IntegerField(),
    )
    rows = (
        items.annotate(severity=severity)  # type: ignore[attr-defined]
        .values("case_id")
        .annotate(highest=Max("severity"))
        .values_list("case_id", "highest")
    )
    return {case_id: as_level(highest) for case_id, highest in rows if highest}


def case_item_levels(office_id: int, case_ids: Iterable[int]) -> dict[int, int]:
    """The highest level among each case's messages and timeline entries, by case id (two
    queries, however many cases and items). Cases with nothing distressing are left out."""
    from casewell.inbox.models import Message
    from casewell.timeline.models import TimelineEntry

    ids = list(case_ids)
    if not ids:
        return {}
    levels = _highest_by_case(
        office_id, Message.all_offices.filter(office_id=office_id, case_id__in=ids), MESSAGE
    )
    entries = _highest_by_case(
        office_id, TimelineEntry.all_offices.filter(office_id=office_id, case_id__in=ids), ENTRY
    )
    for case_id, level in entries.items():
        levels[case_id] = max(level, levels.get(case_id, 0))
    return levels


def high_item_case_ids(office_id: int) -> set[int]:
    """The cases holding at least one item of high distress (two queries, whatever the size
    of the office: only the high assessments are read, not every case's items)."""
    from casewell.inbox.models import Message
    from casewell.timeline.models import TimelineEntry

    def high(kind: str) -> QuerySet[DistressAssessment]:
        return DistressAssessment.all_offices.filter(
            office_id=office_id, kind=kind, severity__gte=DistressLevel.HIGH
        ).values("item_id")

    found: set[int] = set()
    for items, kind in ((Message, MESSAGE), (TimelineEntry, ENTRY)):
        found.update(
            items.all_offices.filter(  # type: ignore[attr-defined]
                office_id=office_id, pk__in=high(kind), case_id__isnull=False
            ).values_list("case_id", flat=True)
        )
    return found
