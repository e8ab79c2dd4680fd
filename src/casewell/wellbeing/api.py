"""API routes for wellbeing; each call runs inside the caller's office (see ``casewell.api``).

Protected reading: your reading preference, the office's own distress phrases
(managers change them), an item's distress assessment, flagging and unflagging by
hand with a reason, and scoring a piece of text to try the lexicon. Bad input
answers 422 naming each bad field; another office's item or phrase is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.wellbeing import services
from casewell.wellbeing.huddle_api import router as huddle_router

router = Router(tags=["wellbeing"])
router.add_router("", huddle_router)


class PreferenceIO(Schema):
    choice: str
    categories: list[str] = []


class PhraseIn(Schema):
    category: str
    phrase: str
    severity: int = 2


class PhraseOut(Schema):
    id: int
    category: str
    phrase: str
    severity: int


class FlagIn(Schema):
    categories: list[str] = []
    reason: str = ""


class AssessmentOut(Schema):
    kind: str
    item_id: int
    categories: list[str]
    severity: int
    warning: str
    decided_by: str
    reason: str
    assessed_at: datetime | None


class TextIn(Schema):
    text: str


class ScoreOut(Schema):
    categories: list[str]
    severity: int
    phrases: list[str]


ERRORS = {403: ApiError, 404: ApiError, 422: FieldErrors}


def _assessment(kind: str, item_id: int, row: Any) -> dict[str, Any]:
    categories = list(row.categories) if row else []
    return {
        "kind": kind,
        "item_id": item_id,
        "categories": categories,
        "severity": row.severity if row else 0,
        "warning": services.warning_text(categories),
        "decided_by": row.decided_by if row else "detector",
        "reason": row.reason if row else "",
        "assessed_at": row.assessed_at if row else None,
    }


# One name for each path's operations, so the path resolves to one route.
@router.get(
    "/reading-preference",
    response=PreferenceIO,
    summary="Your reading preference",
    url_name="wellbeing_reading_preference",
)
def reading_preference(request: HttpRequest) -> dict[str, Any]:
    preference = services.preference_for(caller(request))
    return {"choice": preference.choice, "categories": preference.categories}


@router.put(
    "/reading-preference",
    response={200: PreferenceIO, 422: FieldErrors},
    summary="Change when you are warned: always, some (for the categories given) or show",
    url_name="wellbeing_reading_preference",
)
@refusals_named
def change_reading_preference(request: HttpRequest, wanted: PreferenceIO) -> dict[str, Any]:
    preference = services.set_reading_preference(caller(request), wanted.choice, wanted.categories)
    return {"choice": preference.choice, "categories": preference.categories}


@router.get(
    "/phrases",
    response=list[PhraseOut],
    summary="The office's own distress phrases",
    url_name="wellbeing_phrases",
)
def phrases(request: HttpRequest) -> list[Any]:
    return services.office_phrases(caller(request))


@router.post(
    "/phrases",
    response={201: PhraseOut, **ERRORS},
    summary="Add a phrase to the office's lexicon (managers)",
    url_name="wellbeing_phrases",
)
@refusals_named
def add_phrase(request: HttpRequest, phrase: PhraseIn) -> tuple[int, Any]:
    added = services.add_office_phrase(
        caller(request), phrase.category, phrase.phrase, phrase.severity
    )
    return 201, added


@router.delete(
    "/phrases/{officephrase_id}",
    response={204: None, 403: ApiError, 404: ApiError},
    summary="Remove a phrase from the office's lexicon (managers)",
)
def remove_phrase(request: HttpRequest, officephrase_id: int) -> tuple[int, None]:
    services.remove_office_phrase(caller(request), officephrase_id)
    return 204, None


@router.get(
    "/items/{kind}/{item_id}/assessment",
    response={200: AssessmentOut, 404: ApiError},
    summary="What an item (message, timeline, document) is flagged for",
)
def assessment(request: HttpRequest, kind: str, item_id: int) -> dict[str, Any]:
    row = services.assessment_of(caller(request), kind, item_id)
    return _assessment(kind, item_id, row)


@router.post(
    "/items/{kind}/{item_id}/flag",
    response={200: AssessmentOut, **ERRORS},
    summary="Flag an item as distressing by hand, with a reason",
)
@refusals_named
def flag(request: HttpRequest, kind: str, item_id: int, flagging: FlagIn) -> dict[str, Any]:
    user = caller(request)
    row = services.flag_by_hand(user, kind, item_id, flagging.categories, flagging.reason)
    return _assessment(kind, item_id, row)


@router.post(
    "/items/{kind}/{item_id}/unflag",
    response={200: AssessmentOut, **ERRORS},
    summary="Take an item out from behind its content warning, with a reason",
)
@refusals_named
def unflag(request: HttpRequest, kind: str, item_id: int, flagging: FlagIn) -> dict[str, Any]:
    row = services.unflag_by_hand(caller(request), kind, item_id, flagging.reason)
    return _assessment(kind, item_id, row)


@router.post(
    "/distress/score",
    response=ScoreOut,
    summary="Score a piece of text with Casewell's lexicon and the office's phrases",
)
def score(request: HttpRequest, text: TextIn) -> dict[str, Any]:
    user = caller(request)
    return services.assess(text.text, services.office_lexicon_for(user.office_id)).as_dict()


# Exposure-aware workload: /api/v1/wellbeing/workload/...
from casewell.wellbeing.workload_api import router as workload_router  # noqa: E402

router.add_router("/workload", workload_router)

# Supervision and the calendar link: /api/v1/wellbeing/supervision/..., /calendar-link
from casewell.wellbeing.supervision_api import router as supervision_router  # noqa: E402

router.add_router("", supervision_router)
