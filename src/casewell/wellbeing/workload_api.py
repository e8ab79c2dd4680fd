"""API routes for exposure-aware workload: my figures, the team's (managers), and who could
take a case (managers; nothing is assigned). Same services and checks as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from casewell.api_common import ApiError, caller
from casewell.cases.services import get_case_for
from casewell.wellbeing import workload as workload_figures
from casewell.wellbeing.suggestions import suggest_assignees

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
    return [
        {
            "user_id": s.user.pk,
            "name": s.user.full_name,
            "has_room": s.has_room,
            "heavy_week": s.heavy_week,
            "reasons": s.reasons,
        }
        for s in suggest_assignees(user, case)
    ]
