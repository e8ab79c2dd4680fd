"""API routes for huddles: the daily or weekly board, recording a huddle as the team's, and
putting it down at the end of the day. The same services as the pages; a refusal answers 422
naming the field, an intern asking for a board 403."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema, Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.wellbeing import huddles, put_down

router = Router(tags=["wellbeing"])
RESPONSES = {403: ApiError, 422: FieldErrors}


class BoardRowOut(Schema):
    case_id: int
    reference: str
    summary: str
    reasons: list[str]
    changes: list[str]
    new_messages: int
    handed_over_by: list[str]


class DecisionIn(Schema):
    decision: str
    case_id: int | None = None
    action: str = ""
    action_owner_id: int | None = None
    action_due_on: date | None = None


class HuddleIn(Schema):
    kind: str
    attendee_ids: list[int]
    decisions: list[DecisionIn] = []
    learning_theme: str = ""
    notes: str = ""


class HuddleOut(Schema):
    id: int
    kind: str
    learning_theme: str


class PutDownIn(Schema):
    note: str = ""
    hand_over: list[int] = []
    handover_note: str = ""


class PutDownOut(Schema):
    note_kept: bool
    handed_over: list[int]


@router.get(
    "/huddles/board", response={200: list[BoardRowOut], **RESPONSES},
    summary="At-risk cases the caller may see, with what changed since the last huddle",
)  # fmt: skip
@refusals_named
def board(request: HttpRequest, kind: str = "daily") -> list[BoardRowOut]:
    rows = huddles.huddle_board(caller(request), kind).rows
    return [
        BoardRowOut(
            case_id=row.case.pk,
            reference=row.case.reference,
            summary=row.case.summary,
            reasons=row.reasons,
            changes=[entry.headline for entry in row.changes],
            new_messages=row.new_messages,
            handed_over_by=[handover.handed_by.full_name for handover in row.handovers],
        )  # fmt: skip
        for row in rows
    ]


@router.post(
    "/huddles", response={201: HuddleOut, **RESPONSES},
    summary="Record a huddle: who came, and the team's decisions and actions",
)  # fmt: skip
@refusals_named
def record(request: HttpRequest, payload: HuddleIn) -> Status:
    held = huddles.record_huddle(
        caller(request), kind=payload.kind, attendee_ids=payload.attendee_ids,
        decisions=[huddles.DecisionPlan(**plan.dict()) for plan in payload.decisions],
        learning_theme=payload.learning_theme, notes=payload.notes,
    )  # fmt: skip
    return Status(201, held)


@router.post(
    "/put-it-down", response={201: PutDownOut, **RESPONSES},
    summary="A private note of what the caller is carrying, and cases for tomorrow's huddle",
)  # fmt: skip
@refusals_named
def put_it_down(request: HttpRequest, payload: PutDownIn) -> Status:
    done = put_down.put_it_down(caller(request), **payload.dict())
    return Status(201, PutDownOut(note_kept=done.note is not None,
                                  handed_over=[h.case_id for h in done.handovers]))  # fmt: skip
