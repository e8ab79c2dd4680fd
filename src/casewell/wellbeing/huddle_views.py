"""Pages for huddles, putting it down at the end of the day, and no-meeting times. Thin: the
services in ``huddles``, ``put_down`` and ``meeting_times`` check and write."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casewell.next_page import safe_next
from casewell.offices.permissions import is_manager
from casewell.wellbeing import huddles, meeting_times, put_down
from casewell.wellbeing.huddle_forms import (
    DECISION_ROWS,
    HuddleForm,
    HuddleTimesForm,
    NoMeetingTimeForm,
    PutDownForm,
)
from casewell.wellbeing.models import HuddleKind


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def show_refusal(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def board(request: HttpRequest, kind: str) -> HttpResponse:
    """The daily or weekly board of at-risk cases, and the form to record the huddle."""
    user = request.user
    board = huddles.huddle_board(user, kind)
    weekly = kind == HuddleKind.WEEKLY
    form = HuddleForm(
        _posted(request), staff=huddles.office_staff(user), cases=[row.case for row in board.rows],
        weekly=weekly, initial={"attendees": [user.pk]},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plans = [
            huddles.DecisionPlan(
                decision=data[f"decision_{n}"],
                case_id=data[f"case_{n}"],
                action=data[f"action_{n}"],
                action_owner_id=data[f"owner_{n}"],
                action_due_on=data[f"due_{n}"],
            )  # fmt: skip
            for n in range(1, DECISION_ROWS + 1)
        ]
        try:
            held = huddles.record_huddle(
                user, kind=kind, attendee_ids=data["attendees"], decisions=plans,
                learning_theme=data.get("learning_theme", ""), notes=data["notes"],
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The huddle has been recorded as the team's.")
            return redirect("wellbeing:huddle", huddle_id=held.pk)
    return render(request, "wellbeing/huddles/board.html", {
        "board": board, "form": form, "weekly": weekly,
        "title": "Weekly huddle" if weekly else "Daily huddle",
    })  # fmt: skip


@login_required
def past(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") if request.GET.get("kind") in HuddleKind.values else None
    held = huddles.past_huddles(request.user, kind)
    return render(request, "wellbeing/huddles/past.html", {
        "huddles": held, "kind": kind, "actions": huddles.team_actions(request.user),
    })  # fmt: skip


@login_required
def huddle(request: HttpRequest, huddle_id: int) -> HttpResponse:
    user = request.user
    held = huddles.get_huddle_for(user, huddle_id)
    return render(request, "wellbeing/huddles/huddle.html", {
        "huddle": held, "attendees": huddles.attendees_of(held),
        "decisions": huddles.decisions_of(user, held),
    })  # fmt: skip


PROMPT_DISMISSED = "casewell_put_down_not_today"


@login_required
@require_POST
def not_today(request: HttpRequest) -> HttpResponse:
    """Hide the end-of-day prompt until tomorrow (for this sign-in)."""
    request.session[PROMPT_DISMISSED] = put_down.prompt_day(request.user).isoformat()
    return redirect(safe_next(request, "/"))


@login_required
def put_it_down(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PutDownForm(_posted(request), cases=put_down.cases_to_hand_over(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = put_down.put_it_down(
                user, note=data["note"], hand_over=data["hand_over"],
                handover_note=data["handover_note"],
            )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            handed = len(done.handovers)
            said = [] if done.note is None else ["Your note is kept for you alone."]
            if handed:
                said.append(
                    f"{handed} case{'s' if handed != 1 else ''} handed to tomorrow's huddle."
                )
            messages.success(request, " ".join(said) + " You can put it down now.")
            return redirect("wellbeing:put_it_down")
    notes = put_down.my_put_down_notes(user)
    return render(request, "wellbeing/huddles/put_it_down.html", {"form": form, "notes": notes})


@login_required
def put_down_note(request: HttpRequest, putdownnote_id: int) -> HttpResponse:
    note = put_down.get_put_down_note_for(request.user, putdownnote_id)
    if request.method == "POST":
        put_down.delete_put_down_note(request.user, note)
        messages.success(request, "The note has been thrown away.")
        return redirect("wellbeing:put_it_down")
    return render(request, "wellbeing/huddles/put_down_note.html", {"note": note})


@login_required
def no_meeting_times(request: HttpRequest) -> HttpResponse:
    user = request.user
    manager = is_manager(user)
    form = NoMeetingTimeForm(_posted(request))
    if request.method == "POST":
        if not manager:
            raise PermissionDenied("Only managers set the office's no-meeting times.")
        if form.is_valid():
            try:
                meeting_times.add_no_meeting_time(user, **form.cleaned_data)
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "The no-meeting time has been added.")
                return redirect("wellbeing:no_meeting_times")
    rules = meeting_times.no_meeting_times(user.office)
    return render(request, "wellbeing/huddles/no_meeting_times.html", {
        "rules": [(rule, meeting_times.describe(rule)) for rule in rules],
        "form": form, "is_manager": manager,
    })  # fmt: skip


@login_required
@require_POST
def remove_no_meeting_time(request: HttpRequest, nomeetingtime_id: int) -> HttpResponse:
    rule = meeting_times.get_no_meeting_time_for(request.user, nomeetingtime_id)
    meeting_times.remove_no_meeting_time(request.user, rule)
    messages.success(request, "The no-meeting time has been removed.")
    return redirect("wellbeing:no_meeting_times")


def _next_on(weekday: int, at: Any, zone: Any) -> datetime:
    today = timezone.localdate()
    return datetime.combine(today + timedelta(days=(weekday - today.weekday()) % 7), at, zone)


@login_required
def huddle_times(request: HttpRequest) -> HttpResponse:
    """When the huddles meet; a time inside a no-meeting time is warned about, not refused."""
    user = request.user
    if not is_manager(user):
        raise PermissionDenied("Only managers set when the huddles meet.")
    rhythm = huddles.huddle_rhythm(user.office_id)
    form = HuddleTimesForm(_posted(request), initial={
        "daily_at": rhythm.daily_at, "weekly_weekday": rhythm.weekly_weekday,
        "weekly_at": rhythm.weekly_at,
    })  # fmt: skip
    warning = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warning = huddle_time_warning(user.office, data, rhythm)
        if not warning or data["meet_anyway"]:
            huddles.set_huddle_times(
                user, daily_at=data["daily_at"], weekly_weekday=data["weekly_weekday"],
                weekly_at=data["weekly_at"],
            )  # fmt: skip
            messages.success(request, "The huddle times have been saved.")
            return redirect("wellbeing:home")
    return render(request, "wellbeing/huddles/huddle_times.html",
                  {"form": form, "warning": warning})  # fmt: skip


def huddle_time_warning(office: Any, data: dict[str, Any], rhythm: Any) -> str:
    """Whether the next daily (on a weekday) or weekly huddle would fall in protected time."""
    zone = zoneinfo.ZoneInfo(office.time_zone)
    warnings = []
    for weekday, at, minutes in (
        (0, data["daily_at"], rhythm.daily_minutes),
        (1, data["daily_at"], rhythm.daily_minutes),
        (2, data["daily_at"], rhythm.daily_minutes),
        (3, data["daily_at"], rhythm.daily_minutes),
        (4, data["daily_at"], rhythm.daily_minutes),
        (data["weekly_weekday"], data["weekly_at"], rhythm.weekly_minutes),
    ):
        start = _next_on(weekday, at, zone)
        warning = meeting_times.clash_warning(office, start, start + timedelta(minutes=minutes))
        if warning and warning not in warnings:
            warnings.append(warning)
    return " ".join(warnings)
