"""How much mail reached given cases since a moment: for the huddle boards.

The caller has already chosen cases the reader may see; this only counts, and
never says what the messages were about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count

from casewell.inbox.models import Message


def new_messages_on_cases(case_ids: Iterable[int], since: datetime) -> dict[int, int]:
    """How many messages were put on each case after ``since`` (one query; cases with none
    are left out). Requires the cases' office bound."""
    rows = (
        Message.objects.filter(case_id__in=list(case_ids), created_at__gt=since)
        .values("case_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["case_id"]: row["count"] for row in rows}
