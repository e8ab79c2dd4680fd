"""What was added to many cases' timelines since a moment: for the huddle boards.

The caller has already chosen cases the reader may see; this only reads. Entries
are found by when they were *recorded*, so a call logged late still counts as new.
Incoming mail is left out: the boards count new messages on their own (and say
nothing of what mail routed to a designated handler is about).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from casewell.timeline.models import INBOX_MESSAGE, TimelineEntry


def entries_recorded_since(
    case_ids: Iterable[int], since: datetime, *, limit_per_case: int = 10
) -> dict[int, list[TimelineEntry]]:
    """Each case's entries recorded after ``since``, newest first (one query).

    Requires the cases' office bound. Only headlines are for showing: the text of a
    sensitive note stays behind ``open_entry``.
    """
    found: dict[int, list[TimelineEntry]] = defaultdict(list)
    entries = (
        TimelineEntry.objects.filter(case_id__in=list(case_ids), recorded_at__gt=since)
        .exclude(source__startswith=INBOX_MESSAGE)
        .only("id", "case_id", "kind", "direction", "correspondent", "place", "subject",
              "from_status", "to_status", "is_sensitive", "occurred_at", "recorded_at")
        .order_by("-recorded_at", "-id")
    )  # fmt: skip
    for entry in entries:
        if len(found[entry.case_id]) < limit_per_case:
            found[entry.case_id].append(entry)
    return dict(found)
