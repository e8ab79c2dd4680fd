"""Safety markers: a warning a person carries ("do not visit alone") wherever they appear.

Managers add and remove them; everyone who may see the person sees them. Other
domains show them without importing this module, through the template tags in
``templatetags/safety_markers.py``:

* one person: ``{% load safety_markers %}{% safety_markers person %}`` (one query);
* a list (people, cases, a case's parties): ``{% safety_markers_of page.object_list as
  marked %}`` once, then ``{% safety_marker_badge marked item %}`` in each row (one query
  for the whole page, however long).

Code that lists people itself calls ``markers_by_person(person_ids)`` (one query) and
``kinds_shown``. **The inbox** calls ``markers_for_senders(person_ids)`` for a page of
messages: the words to show beside each sender, fetched in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety.models import MarkerKind, SafetyMarker


def get_marker_for(user: User, marker_id: object) -> SafetyMarker:
    return get_for(user, SafetyMarker, marker_id)


def markers_for(person: Person) -> list[SafetyMarker]:
    """The person's current markers. Requires the person's office bound."""
    return list(SafetyMarker.objects.filter(person_id=person.pk, removed_at=None))


def markers_by_person(person_ids: Iterable[int]) -> dict[int, list[SafetyMarker]]:
    """Current markers of many people at once, for a list page: one query."""
    found: dict[int, list[SafetyMarker]] = defaultdict(list)
    for marker in SafetyMarker.objects.filter(person_id__in=list(person_ids), removed_at=None):
        found[marker.person_id].append(marker)
    return dict(found)


def markers_on_case(case: Any) -> list[SafetyMarker]:
    """Current markers of everyone on the case, with their person: one query."""
    return list(
        SafetyMarker.objects.filter(
            person_id__in=case.parties.values("person_id"), removed_at=None
        ).select_related("person")
    )


def people_named_by(item: object) -> list[int]:
    """The people a row stands for: a person, a case (everyone on it, prefetched as
    ``parties``), a case party (``person_id``) or a case page's party (``row.person_id``)."""
    if isinstance(item, Person):
        return [item.pk]
    if hasattr(item, "row"):
        item = item.row
    person_id = getattr(item, "person_id", None)
    if isinstance(person_id, int):
        return [person_id]
    parties = getattr(item, "parties", None)
    if parties is not None and hasattr(parties, "all"):
        return [party.person_id for party in parties.all()]
    return []


def kinds_shown(markers: Iterable[SafetyMarker]) -> list[str]:
    """The kinds of risk, each once, in the order markers were added: the words for a badge."""
    kinds: list[str] = []
    for marker in markers:
        words = marker.get_kind_display()
        if words not in kinds:
            kinds.append(words)
    return kinds


def markers_for_senders(person_ids: Iterable[int]) -> dict[int, list[str]]:
    """For the inbox: the words to show beside each sender who carries a marker, keyed by
    person id (senders without markers are left out). One query; requires the office bound."""
    return {pk: kinds_shown(found) for pk, found in markers_by_person(person_ids).items()}


def _review_date_problems(review_on: date | None, today: date) -> dict[str, str]:
    if review_on is None:
        return {"review_on": "Enter the date to review the marker by"}
    if review_on <= today:
        return {"review_on": "The review date must be in the future"}
    if (review_on - today).days > 731:
        return {"review_on": "Review a marker within two years"}
    return {}


def review_safety_marker(
    manager: User,
    marker: SafetyMarker,
    *,
    review_on: date | None,
    note: str | None = None,
    now: datetime | None = None,
) -> SafetyMarker:
    """A manager has reviewed the marker and keeps it: the next review date (and, if given,
    new details). Requires a manager; a future date within two years. Causes an audit entry."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers can review safety markers.")
    problems = _review_date_problems(review_on, timezone.localdate(now or timezone.now()))
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        marker = SafetyMarker.objects.select_for_update(of=("self",)).get(pk=marker.pk)
        if marker.removed_at is not None:
            raise ValidationError("This marker has been removed: add a new one instead")
        if marker.kind == MarkerKind.OTHER and note is not None and not note.strip():
            raise ValidationError({"note": "Say what the risk is"})
        marker.review_on = review_on
        fields = ["review_on"]
        if note is not None:
            marker.note = note.strip()
            fields.append("note")
        marker.save(update_fields=fields)
    return marker


def add_safety_marker(
    manager: User,
    person: Person,
    *,
    kind: str,
    note: str,
    review_on: date | None,
    now: datetime | None = None,
) -> SafetyMarker:
    """Mark a person as a risk to staff until at least ``review_on``.

    Requires a manager of the person's office; a kind; a review date in the
    future (within two years). Causes the marker and an audit entry.
    """
    if not is_manager(manager):
        raise PermissionDenied("Only managers can add safety markers.")
    today = timezone.localdate(now or timezone.now())
    problems = {}
    if kind not in MarkerKind.values:
        problems["kind"] = "Choose the kind of risk"
    if kind == MarkerKind.OTHER and not note.strip():
        problems["note"] = "Say what the risk is"
    problems.update(_review_date_problems(review_on, today))
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        if person.office_id != manager.office_id:
            raise PermissionDenied("That person belongs to another office.")
        return SafetyMarker.objects.create(
            person=person,
            kind=kind,
            note=note.strip(),
            review_on=review_on,
            added_by=manager,
            added_at=now or timezone.now(),
        )


def remove_safety_marker(manager: User, marker: SafetyMarker) -> None:
    """Take a marker off (it is kept, marked removed, for the record). Requires a manager."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers can remove safety markers.")
    with bind_office(manager.office, actor=manager), transaction.atomic():
        marker = SafetyMarker.objects.select_for_update(of=("self",)).get(pk=marker.pk)
        if marker.removed_at is None:
            marker.removed_at = timezone.now()
            marker.removed_by = manager
            marker.save(update_fields=["removed_at", "removed_by"])
