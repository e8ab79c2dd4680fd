"""Case references: the office's prefix, the year of opening and a number, DEM-2026-00042.

Numbers start again at 1 each year and never repeat within an office and year,
even when two cases are opened at the same moment: the counter row is bumped
with an UPDATE inside the opening transaction, so a second opening waits for the
first (PostgreSQL's row lock; SQLite lets one writer in at a time) and reads the
number after it. A rolled-back opening gives its number back.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from casewell.cases.models import CaseReferenceCounter
from casewell.offices.models import Office


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:05d}"


def year_of(office: Office, moment: datetime) -> int:
    """The year in the office's time zone: a case opened at 00:30 on 1 January is the new year's."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(office.time_zone)).year


def next_case_number(office: Office, year: int) -> int:
    """Take the next number for ``office`` in ``year``. Requires an open transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Case numbers are taken inside the transaction that opens the case.")
    counters = CaseReferenceCounter.all_offices.filter(office=office, year=year)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                CaseReferenceCounter.all_offices.create(office=office, year=year, last_number=1)
            return 1
        except IntegrityError:
            # Another opening created this year's counter first: take the number after its.
            counters.update(last_number=F("last_number") + 1)
    return counters.values_list("last_number", flat=True).get()
