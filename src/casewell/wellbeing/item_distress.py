"""What the distress detector says about items, in workload's levels.

The one place workload reads the detector's stored assessments: everything else in
workload asks here, so the detector's own scale stays the detector's business.
"""

from __future__ import annotations

from collections.abc import Iterable

from casewell.wellbeing.models.workload import DistressLevel

MESSAGE = "message"
ENTRY = "entry"


def item_levels(office_id: int, kind: str, ids: Iterable[int]) -> dict[int, int]:
    """Each assessed item's distress level, by id; items with no assessment are left out."""
    return {}


def case_item_levels(office_id: int, case_ids: Iterable[int]) -> dict[int, int]:
    """The highest level among each case's messages and timeline entries, by case id."""
    return {}


def as_level(severity: int | None) -> int:
    if not severity:
        return DistressLevel.NONE
    return min(int(severity), DistressLevel.HIGH)
