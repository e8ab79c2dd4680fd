"""Stored distress assessments: every message, timeline entry and document is scored
when it is created, and staff can flag or unflag an item by hand.

Other domains call these through ``casewell.wellbeing.services``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.offices.models import User
from casewell.offices.tenancy import bind_office, current_actor
from casewell.wellbeing.distress import CATEGORIES, LABELS, NOTHING, Assessment, Lexicon, assess
from casewell.wellbeing.distress import office_lexicon as compile_office_lexicon
from casewell.wellbeing.models import DistressAssessment, ItemKind, OfficePhrase
from casewell.wellbeing.models.distress import Decision

logger = logging.getLogger(__name__)

MAX_REASON = 2000
_lexicons: dict[int, tuple[tuple[int, Any], Lexicon | None]] = {}


def office_lexicon_for(office_id: int) -> Lexicon | None:
    """The office's own phrases, compiled once and again only after they change."""
    with bind_office(office_id, actor=current_actor()):
        rows = list(OfficePhrase.objects.values_list("category", "phrase", "severity", "pk"))
    stamp = (len(rows), max((row[3] for row in rows), default=0), hash(tuple(rows)))
    cached = _lexicons.get(office_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    lexicon = compile_office_lexicon((c, p, s) for c, p, s, _ in rows) if rows else None
    _lexicons[office_id] = (stamp, lexicon)
    return lexicon


def _as_assessment(row: DistressAssessment) -> Assessment:
    return Assessment(
        categories=list(row.categories),
        severity=row.severity,
        phrases=list(row.phrases),
        severities={category: row.severity for category in row.categories},
    )


def score_item(office_id: int, kind: str, item_id: int, text: str) -> Assessment:
    """Score an item's text and store the result (the creating domain calls this).

    Requires the item to exist in ``office_id``. A decision made by hand stands: the
    detector's new finding is kept beside it. Never raises: a failure is logged and
    the item is treated as not assessed, so scoring can never lose a message or note.
    """
    try:
        with bind_office(office_id, actor=current_actor()), transaction.atomic():
            found = assess(text, office_lexicon_for(office_id))
            row = DistressAssessment.objects.filter(kind=kind, item_id=item_id).first()
            if row is None:
                row = DistressAssessment(office_id=office_id, kind=kind, item_id=item_id)
            row.detected_categories = found.categories
            row.detected_severity = found.severity
            row.assessed_at = timezone.now()
            if row.decided_by == Decision.DETECTOR:
                row.categories, row.severity, row.phrases = (
                    found.categories, found.severity, found.phrases,
                )  # fmt: skip
            row.save()
            return _as_assessment(row)
    except Exception:  # noqa: BLE001 - scoring must never stop an item being kept
        logger.exception("Scoring %s %s for distress failed", kind, item_id)
        return NOTHING


def score_new_items(office_id: int, kind: str, items: Iterable[tuple[int, str]]) -> None:
    """Score items just created (id, text), many at once: the inbox reading mail in bulk.

    As ``score_item``, but no item can have an assessment yet, so none is looked for, and
    only items with something found get one (an item without is as if never flagged).
    Never raises.
    """
    try:
        with bind_office(office_id, actor=current_actor()), transaction.atomic():
            lexicon = office_lexicon_for(office_id)
            now = timezone.now()
            for item_id, text in items:
                found = assess(text, lexicon)
                if found.severity:
                    DistressAssessment.objects.create(
                        office_id=office_id, kind=kind, item_id=item_id, assessed_at=now,
                        detected_categories=found.categories, detected_severity=found.severity,
                        categories=found.categories, severity=found.severity,
                        phrases=found.phrases,
                    )  # fmt: skip
    except Exception:  # noqa: BLE001 - scoring must never stop an item being kept
        logger.exception("Scoring new %s items for distress failed", kind)


def assessments_for(office_id: int, kind: str, ids: Iterable[Any]) -> dict[int, Assessment]:
    """The flagged items among ``ids`` (one query): id -> Assessment. Items with nothing
    distressing (or never scored) are absent."""
    wanted = {int(item_id) for item_id in ids}
    if not wanted:
        return {}
    # Bound to the office, so PostgreSQL's row-level security lets the rows through.
    with bind_office(office_id, actor=current_actor()):
        rows = list(
            DistressAssessment.objects.filter(kind=kind, item_id__in=wanted, severity__gt=0)
        )
    return {row.item_id: _as_assessment(row) for row in rows}


def warning_categories_for(office_id: int, kind: str, item_id: Any) -> list[str]:
    """The categories an item is flagged for (empty when none): what a warning names.

    For notifications and digests, which name the categories and never quote the text.
    """
    found = assessments_for(office_id, kind, [item_id]).get(int(item_id))
    return list(found.categories) if found else []


def warning_text(categories: Iterable[str]) -> str:
    """'Contains: suicide, self-harm' — the words every content warning uses."""
    names = [LABELS.get(category, category) for category in categories]
    return "Contains: " + ", ".join(names) if names else ""


def item_for(user: User, kind: str, item_id: Any) -> Any:
    """The item itself if the user may see it, else 404 (asked of the owning domain)."""
    if kind == ItemKind.MESSAGE:
        from casewell.inbox.triage import get_message_for

        return get_message_for(user, item_id)
    if kind == ItemKind.TIMELINE_ENTRY:
        from casewell.timeline.services import open_entry

        return open_entry(user, item_id)
    if kind == ItemKind.PERSON_DOCUMENT:
        from casewell.people.documents import get_document_for

        return get_document_for(user, item_id)
    from django.http import Http404

    raise Http404("No such kind of item.")


def _reason(reason: Any) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise ValidationError({"reason": "Say why, so colleagues know."})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": f"Say why in {MAX_REASON} characters or fewer."})
    return text


def _categories(categories: Iterable[Any]) -> list[str]:
    chosen = {str(category) for category in categories or ()}
    unknown = chosen - set(CATEGORIES)
    if unknown:
        raise ValidationError({"categories": f"Not a category: {', '.join(sorted(unknown))}."})
    if not chosen:
        raise ValidationError({"categories": "Choose what the item contains."})
    return [category for category in CATEGORIES if category in chosen]


def _decide(
    user: User, kind: str, item_id: Any, categories: list[str], reason: str
) -> DistressAssessment:  # noqa: E501
    item = item_for(user, kind, item_id)
    with bind_office(user.office, actor=user), transaction.atomic():
        row = DistressAssessment.objects.filter(kind=kind, item_id=item.pk).first()
        if row is None:
            row = DistressAssessment(office_id=user.office_id, kind=kind, item_id=item.pk)
        row.categories = categories
        row.severity = max(row.detected_severity, 2) if categories else 0
        row.phrases = [] if not categories else row.phrases
        row.decided_by = Decision.HAND
        row.reason = reason
        row.changed_by = user
        row.assessed_at = timezone.now()
        row.save()  # the audit trail records who, when, and the reason
        return row


def flag_by_hand(
    user: User, kind: str, item_id: Any, categories: Iterable[Any], reason: Any
) -> DistressAssessment:  # noqa: E501
    """Put an item behind a content warning for ``categories``, with a reason.

    Requires someone who may see the item (404 otherwise) and a reason. Replaces the
    detector's finding until someone decides again. Causes an audit entry.
    """
    return _decide(user, kind, item_id, _categories(categories), _reason(reason))


def unflag_by_hand(user: User, kind: str, item_id: Any, reason: Any) -> DistressAssessment:
    """Take an item out from behind its content warning, with a reason.

    Requires someone who may see the item (404 otherwise) and a reason. The detector's
    finding is kept but no longer shown. Causes an audit entry.
    """
    return _decide(user, kind, item_id, [], _reason(reason))


def assessment_of(user: User, kind: str, item_id: Any) -> DistressAssessment | None:
    """The stored assessment of an item the user may see (404 otherwise), or None."""
    item = item_for(user, kind, item_id)
    with bind_office(user.office, actor=user):
        return DistressAssessment.objects.filter(kind=kind, item_id=item.pk).first()
