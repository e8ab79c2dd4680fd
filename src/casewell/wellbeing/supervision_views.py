"""Pages for supervision and the calendar feed. Thin: ``supervision`` and ``calendar_feed``
check and write; a no-meeting clash is warned about here and may be booked past."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from casewell.offices.permissions import is_manager
from casewell.wellbeing import calendar_feed, meeting_times, supervision
from casewell.wellbeing.huddle_views import _posted, show_refusal
from casewell.wellbeing.huddles import office_staff
from casewell.wellbeing.supervision_forms import (
    ACTION_ROWS,
    AttendanceForm,
    PolicyForm,
    RecordForm,
    ScheduleForm,
)


@login_required
def supervision_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    sessions = supervision.sessions_for(user)
    now = timezone.now()
    manager = is_manager(user)
    return render(request, "wellbeing/supervision/home.html", {
        "upcoming": [s for s in sessions if s.ends_at >= now],
        "past": [s for s in sessions if s.ends_at < now][-20:][::-1],
        "records": supervision.records_for(user),
        "is_manager": manager,
        "overdue": supervision.overdue_clinical_supervision(user) if manager else [],
        "per_year": supervision.clinical_per_year(user.office_id),
    })  # fmt: skip


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ScheduleForm(_posted(request), staff=office_staff(user), initial={"supervisor": user.pk})
    warning = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = data["starts_at"]
        warning = meeting_times.clash_warning(
            user.office, start, start + timedelta(minutes=data["minutes"])
        )
        if not warning or data["book_anyway"]:
            plan = supervision.SessionPlan(
                kind=data["kind"], supervisor_id=data["supervisor"],
                supervisee_ids=data["supervisees"], starts_at=start, minutes=data["minutes"],
                place=data["place"], facilitator=data["facilitator"],
                every_weeks=data["every_weeks"], occurrences=data["occurrences"] or 1,
            )  # fmt: skip
            try:
                sessions = supervision.schedule_supervision(user, plan)
            except ValidationError as error:
                show_refusal(form, error)
            else:
                count = len(sessions)
                messages.success(request, f"{count} session{'s' if count != 1 else ''} booked.")
                return redirect("wellbeing:session", supervisionsession_id=sessions[0].pk)
    return render(request, "wellbeing/supervision/schedule.html",
                  {"form": form, "warning": warning})  # fmt: skip


@login_required
def session(request: HttpRequest, supervisionsession_id: int) -> HttpResponse:
    user = request.user
    held = supervision.get_session_for(user, supervisionsession_id)
    attendees = supervision.attendees_of(held)
    runs = held.supervisor_id == user.pk or is_manager(user)
    attendance = AttendanceForm(
        people=[row.user for row in attendees],
        initial={"attended": [row.user_id for row in attendees if row.attended]},
    )
    writable = [row.user for row in attendees
                if supervision.may_write_record(user, held, row.user)]  # fmt: skip
    record_form = RecordForm(_posted(request), people=writable)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("Only the supervisee and the supervisor write records.")
        if record_form.is_valid():
            data = record_form.cleaned_data
            actions = [(data[f"action_{n}"], data[f"due_{n}"]) for n in range(1, ACTION_ROWS + 1)]
            try:
                record = supervision.write_record(
                    user, held, data["supervisee"], text=data["text"], actions=actions
                )
            except ValidationError as error:
                show_refusal(record_form, error)
            else:
                messages.success(request, "The record has been saved. Only the two of you can "
                                          "read it.")  # fmt: skip
                return redirect("wellbeing:record", supervisionrecord_id=record.pk)
    records = [r for r in supervision.records_for(user) if r.session_id == held.pk]
    return render(request, "wellbeing/supervision/session.html", {
        "session": held, "attendees": attendees, "runs": runs, "attendance": attendance,
        "record_form": record_form, "writable": writable, "records": records,
        "started": held.starts_at <= timezone.now(),
    })  # fmt: skip


@login_required
@require_POST
def attendance(request: HttpRequest, supervisionsession_id: int) -> HttpResponse:
    user = request.user
    held = supervision.get_session_for(user, supervisionsession_id)
    form = AttendanceForm(request.POST, people=[row.user for row in supervision.attendees_of(held)])
    if form.is_valid():
        try:
            supervision.record_attendance(user, held, form.cleaned_data["attended"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Attendance has been recorded.")
    return redirect("wellbeing:session", supervisionsession_id=held.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, supervisionsession_id: int) -> HttpResponse:
    held = supervision.get_session_for(request.user, supervisionsession_id)
    supervision.cancel_session(request.user, held)
    messages.success(request, "The session has been cancelled.")
    return redirect("wellbeing:session", supervisionsession_id=held.pk)


@login_required
def record(request: HttpRequest, supervisionrecord_id: int) -> HttpResponse:
    found = supervision.read_record(request.user, supervisionrecord_id)
    return render(request, "wellbeing/supervision/record.html",
                  {"record": found, "actions": supervision.actions_of(found)})  # fmt: skip


@login_required
@require_POST
def action_done(request: HttpRequest, agreedaction_id: int) -> HttpResponse:
    action = supervision.mark_action_done(request.user, agreedaction_id)
    messages.success(request, "The action is marked done.")
    return redirect("wellbeing:record", supervisionrecord_id=action.record_id)


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_manager(user):
        raise PermissionDenied("Only managers set how often clinical supervision is due.")
    form = PolicyForm(
        _posted(request),
        initial={"clinical_per_year": supervision.clinical_per_year(user.office_id)},
    )
    if request.method == "POST" and form.is_valid():
        supervision.set_clinical_per_year(user, form.cleaned_data["clinical_per_year"])
        messages.success(request, "How often clinical supervision is due has been saved.")
        return redirect("wellbeing:supervision")
    return render(request, "wellbeing/supervision/policy.html", {"form": form})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Make, replace or stop the person's calendar link. The link is shown once."""
    user = request.user
    link = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feed.revoke_calendar_link(user)
            messages.success(request, "Your calendar link no longer works.")
            return redirect("wellbeing:calendar")
        token = calendar_feed.make_calendar_link(user)
        link = request.build_absolute_uri(
            reverse("wellbeing:calendar_feed", kwargs={"token": token})
        )
    return render(request, "wellbeing/supervision/calendar.html", {
        "link": link, "has_link": calendar_feed.has_calendar_link(user),
    })  # fmt: skip


@require_GET
def calendar_feed_file(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS file a calendar app fetches; no sign-in, the secret token is the key."""
    owner = calendar_feed.owner_of(token)
    if owner is None:
        raise Http404("No calendar here.")
    response = HttpResponse(calendar_feed.calendar_for(owner), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="casewell.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
