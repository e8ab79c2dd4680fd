"""API routes for exposure-aware workload: my figures, the team's (managers), and who could
take a case (managers; nothing is assigned). Same services and checks as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from casewell.api_common import ApiError, FieldErrors, caller
from casewell.cases.services import get_case_for
from casewell.wellbeing import workload as workload_figures
from casewell.wellbeing.suggestions import (
    Suggestion,
    suggest_assignees,
    suggest_assignees_for_cases,
)

router = Router(tags=["wellbeing"])


class FiguresOut(Schema):
    user_id: int
    name: str
    open_cases: int
    weighted_caseload: float
    capacity: int
    load: str
    exposure_this_week: int
    heavy_this_week: int
    heavy_last_7_days: int
    overdue_cases: int


class SuggestionOut(Schema):
    user_id: int
    name: str
    has_room: bool
    heavy_week: bool
    reasons: list[str]


class SelectionIn(Schema):
    cases: list[int] = Field(..., min_length=1, max_length=1000)


class RefusedOut(Schema):
    case: int | str
    reason: str


class SelectionSuggestionsOut(Schema):
    cases: int
    weight: float
    heavy_cases: int
    suggestions: list[SuggestionOut]
    refused: list[RefusedOut]


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {
        "user_id": s.user.pk,
        "name": s.user.full_name,
        "has_room": s.has_room,
        "heavy_week": s.heavy_week,
        "reasons": s.reasons,
    }


def _figures(row: workload_figures.PersonFigures) -> dict[str, Any]:
    return {
        "user_id": row.user.pk,
        "name": row.user.full_name,
        "open_cases": row.open_cases,
        "weighted_caseload": row.weighted,
        "capacity": row.capacity,
        "load": row.load_status,
        "exposure_this_week": row.exposure.this_week,
        "heavy_this_week": row.exposure.heavy_this_week,
        "heavy_last_7_days": row.exposure.heavy_recent,
        "overdue_cases": row.overdue,
    }


@router.get("/mine", response=FiguresOut, summary="My workload")
def my_workload(request: HttpRequest) -> Any:
    return _figures(workload_figures.my_figures(caller(request)))


@router.get(
    "/team",
    response={200: list[FiguresOut], 403: ApiError},
    summary="Everyone's workload (managers)",
)
def team_workload(request: HttpRequest) -> Any:
    return [_figures(row) for row in workload_figures.team_figures(caller(request))]


@router.get(
    "/cases/{case_id}/suggestions",
    response={200: list[SuggestionOut], 403: ApiError, 404: ApiError},
    summary="Who could take a case, best first (managers); assigns nothing",
)
def assignment_suggestions(request: HttpRequest, case_id: int) -> Any:
    user = caller(request)
    case = get_case_for(user, case_id, channel="api")
    return [_suggestion(s) for s in suggest_assignees(user, case)]


@router.get(
    "/suggestions",
    response={200: SelectionSuggestionsOut, 403: ApiError, 422: FieldErrors},
    summary="Who could take all these cases together, best first (managers); assigns nothing",
)
def selection_suggestions(request: HttpRequest, selection: Query[SelectionIn]) -> Any:
    """``?cases=1&cases=2``: as bulk assign, ids of cases the caller may not see are refused."""
    picked = suggest_assignees_for_cases(caller(request), selection.cases)
    return {
        "cases": picked.cases,
        "weight": picked.weight,
        "heavy_cases": picked.heavy_cases,
        "suggestions": [_suggestion(s) for s in picked.suggestions],
        "refused": [{"case": pk, "reason": reason} for pk, reason in picked.refused],
    }
