"""Lone-working pages: start a session, check in, extend, end, panic, and answer alerts.

Thin: look records up through the services' ``get_*_for`` (404 for anything
the user may not see), hand every change to ``safety.services``.

A check-in or end with the duress PIN must be indistinguishable from one
without: both go through the same code here, and the service decides nothing
the page could show.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from casewell.cases.services import get_case_for
from casewell.offices.models import Office
from casewell.offices.permissions import is_manager
from casewell.people.phones import national_format
from casewell.people.services import get_person_for
from casewell.safety import services, texts
from casewell.safety.forms import (
    ActionForm,
    CheckInForm,
    DuressPinForm,
    EmergencyContactForm,
    EndForm,
    ExtendForm,
    LadderForm,
    MobileForm,
    StartForm,
)
from casewell.safety.models import LoneWorkingSession


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_refusal(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _clock(moment: Any) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _to_session(session: LoneWorkingSession) -> HttpResponse:
    return redirect("safety:session", loneworkingsession_id=session.pk)


# --- The lone-working page -------------------------------------------------------------------


@login_required
@never_cache
def lone_working(request: HttpRequest) -> HttpResponse:
    user = request.user
    manager = is_manager(user)
    return render(
        request,
        "safety/lone_working.html",
        {
            "mine": services.active_session_of(user),
            "buddying": list(services.sessions_buddied_by(user)),
            "everyone": list(services.active_sessions(user)) if manager else None,
            "alerts": list(services.open_alerts_for(user)),
            "is_manager": manager,
            "now": timezone.now(),
        },
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    user = request.user
    running = services.active_session_of(user)
    if running is not None:
        messages.info(request, "You already have a session running.")
        return _to_session(running)
    saved = services.my_safety_settings(user)
    initial: dict[str, Any] = {
        "emergency_contact_name": saved.emergency_contact_name,
        "emergency_contact_phone": (
            national_format(saved.emergency_contact_phone) if saved.emergency_contact_phone else ""
        ),
    }
    person = None
    case = None
    if request.GET.get("case"):
        case = get_case_for(user, request.GET["case"])
        initial["case_id"] = case.pk
    if request.GET.get("person"):
        person = get_person_for(user, request.GET["person"])
        initial["person_id"] = person.pk
        initial["location"] = ", ".join(
            part for part in (person.address_line_1, person.town, person.postcode) if part
        )
    form = StartForm(_posted(request), worker=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.SessionPlan(
            purpose=data["purpose"],
            location=data["location"],
            map_note=data["map_note"],
            details=data["details"],
            person_id=data["person_id"],
            case_id=data["case_id"],
            expected_end=timezone.now() + timedelta(minutes=data["duration"]),
            check_in_minutes=data["check_in_minutes"],
            buddy_id=data["buddy"],
            emergency_contact_name=data["emergency_contact_name"],
            emergency_contact_phone=data["emergency_contact_phone"],
        )
        try:
            session = services.start_lone_working(user, plan)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(
                request,
                f"Your session has started. Check in by {_clock(session.check_in_due_at)}.",
            )
            return _to_session(session)
    if person is None and form.is_bound and form.cleaned_data.get("person_id"):
        person = get_person_for(user, form.cleaned_data["person_id"])
    if case is None and form.is_bound and form.cleaned_data.get("case_id"):
        case = get_case_for(user, form.cleaned_data["case_id"])
    return render(request, "safety/start.html", {"form": form, "person": person, "case": case})


# --- One session -------------------------------------------------------------------------------


@login_required
@never_cache
def session(request: HttpRequest, loneworkingsession_id: int) -> HttpResponse:
    user = request.user
    record = services.get_session_for(user, loneworkingsession_id)
    is_worker = record.worker_id == user.pk
    return render(
        request,
        "safety/session.html",
        {
            "session": record,
            "is_worker": is_worker,
            "check_in_form": CheckInForm(),
            "log": services.session_log_for(user, record),
            "alerts": [alert for alert in services.open_alerts_for(user).filter(session=record)],
            "contact_phone": national_format(record.emergency_contact_phone),
            "now": timezone.now(),
        },
    )


class NotTheWorker(Exception):
    """Someone who may see the session (the buddy, a manager) opened one of the worker's forms."""

    def __init__(self, session: LoneWorkingSession) -> None:
        self.session = session


def _worker_session(request: HttpRequest, session_id: int) -> LoneWorkingSession:
    """The user's own session. Others who may see it are refused a change (403) and sent back
    to the session's page when they only asked to see a form."""
    record = services.get_session_for(request.user, session_id)
    if record.worker_id != request.user.pk:
        if request.method == "GET":
            raise NotTheWorker(record)
        raise PermissionDenied("Only the worker on this session can do this.")
    return record


def worker_only(view: Any) -> Any:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotTheWorker as refusal:
            messages.info(
                request, f"Only {refusal.session.worker.full_name} can change their own session."
            )
            return _to_session(refusal.session)

    return wrapped


@login_required
@require_POST
def check_in(request: HttpRequest, loneworkingsession_id: int) -> HttpResponse:
    record = _worker_session(request, loneworkingsession_id)
    form = CheckInForm(request.POST)
    pin = form.cleaned_data["pin"] if form.is_valid() else ""
    try:
        result = services.check_in(request.user, record, pin=pin)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"You checked in at {_clock(result.checked_in_at)}. "
            f"Your next check-in is due by {_clock(result.next_due_at)}.",
        )
    return _to_session(record)


@login_required
@worker_only
def extend(request: HttpRequest, loneworkingsession_id: int) -> HttpResponse:
    record = _worker_session(request, loneworkingsession_id)
    form = ExtendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.extend_session(
                request.user, record, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(
                request,
                f"Your session now ends at {_clock(record.expected_end)}. "
                f"Your next check-in is due by {_clock(record.check_in_due_at)}.",
            )
            return _to_session(record)
    return render(request, "safety/extend.html", {"session": record, "form": form})


@login_required
@worker_only
def end(request: HttpRequest, loneworkingsession_id: int) -> HttpResponse:
    record = _worker_session(request, loneworkingsession_id)
    form = EndForm(_posted(request))
    if request.method == "POST":
        pin = form.cleaned_data["pin"] if form.is_valid() else ""
        try:
            services.end_session(request.user, record, pin=pin)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return _to_session(record)
        messages.success(
            request, "Your session has ended. Thank you for letting us know you are safe."
        )
        return redirect("safety:home")
    return render(request, "safety/end.html", {"session": record, "form": form})


@login_required
@worker_only
def panic(request: HttpRequest, loneworkingsession_id: int) -> HttpResponse:
    record = _worker_session(request, loneworkingsession_id)
    if request.method == "POST":
        services.press_panic(request.user, record)
        messages.error(
            request,
            "The alarm has been raised. Everyone on your ladder is being alerted now. "
            "If you can, get somewhere safe and call 999.",
        )
        return _to_session(record)
    return render(request, "safety/panic.html", {"session": record})


# --- Alerts ------------------------------------------------------------------------------------


@login_required
@never_cache
def alerts(request: HttpRequest) -> HttpResponse:
    return render(
        request, "safety/alerts.html", {"alerts": list(services.open_alerts_for(request.user))}
    )


@login_required
@never_cache
def alert_badge(request: HttpRequest) -> HttpResponse:
    """The alert count in the navigation, refreshed by the page every few seconds (htmx).

    Opened as a page (without htmx), it is the list of alerts.
    """
    if not request.htmx:
        return redirect("safety:alerts")
    return render(
        request,
        "safety/_alert_badge.html",
        {"alert_count": services.unacknowledged_alert_count(request.user)},
    )


@login_required
@never_cache
def alert(request: HttpRequest, safetyalert_id: int) -> HttpResponse:
    user = request.user
    record = services.get_alert_for(user, safetyalert_id)
    services.alert_seen(user, record)
    session_record = record.session
    return render(
        request,
        "safety/alert.html",
        {
            "alert": record,
            "session": session_record,
            "owner": record.acknowledged_by,
            "is_owner": record.acknowledged_by_id == user.pk,
            "action_form": ActionForm(),
            "log": [
                entry
                for entry in services.session_log_for(user, session_record)
                if entry.alert_id == record.pk
            ],
            "contact_phone": national_format(session_record.emergency_contact_phone),
            "procedure": services.get_ladder(user).emergency_procedure,
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, safetyalert_id: int) -> HttpResponse:
    record = services.get_alert_for(request.user, safetyalert_id)
    try:
        answer = services.acknowledge_alert(request.user, record)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if answer.was_first:
            messages.success(request, "You own this alert now. Record what you do below.")
        else:
            messages.info(
                request,
                f"{answer.owner.full_name} acknowledged this alert first and owns it. "
                "Talk to them before doing anything else.",
            )
    return redirect("safety:alert", safetyalert_id=record.pk)


@login_required
def record_action(request: HttpRequest, safetyalert_id: int) -> HttpResponse:
    record = services.get_alert_for(request.user, safetyalert_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ActionForm(request.POST)
    if form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            services.record_alert_action(
                request.user,
                record,
                what_was_done=form.cleaned_data["what_was_done"],
                resolved=outcome in ("resolved", "ended"),
                end_session_too=outcome == "ended",
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "What you did has been recorded.")
            return redirect("safety:alert", safetyalert_id=record.pk)
    return render(
        request,
        "safety/record_action.html",
        {"alert": record, "session": record.session, "action_form": form},
    )


# --- Settings ----------------------------------------------------------------------------------


@login_required
def my_safety(request: HttpRequest) -> HttpResponse:
    user = request.user
    saved = services.my_safety_settings(user)
    pin_form = DuressPinForm(request.POST if request.POST.get("form") == "pin" else None)
    contact_form = EmergencyContactForm(
        request.POST if request.POST.get("form") == "contact" else None,
        initial={
            "emergency_contact_name": saved.emergency_contact_name,
            "emergency_contact_phone": (
                national_format(saved.emergency_contact_phone)
                if saved.emergency_contact_phone
                else ""
            ),
        },
    )
    mobile_form = MobileForm(
        request.POST if request.POST.get("form") == "mobile" else None,
        initial={"mobile": national_format(saved.mobile) if saved.mobile else ""},
    )
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "mobile" and mobile_form.is_valid():
            try:
                services.change_my_mobile(user, mobile_form.cleaned_data["mobile"])
            except ValidationError as error:
                _show_refusal(mobile_form, error)
            else:
                messages.success(request, "Your mobile number has been saved.")
                return redirect("safety:my_safety")
        if which == "remove-pin":
            services.remove_my_duress_pin(user)
            messages.success(request, "Your duress PIN has been removed.")
            return redirect("safety:my_safety")
        if which == "pin" and pin_form.is_valid():
            try:
                services.change_my_duress_pin(
                    user, pin_form.cleaned_data["pin"], confirm=pin_form.cleaned_data["confirm"]
                )
            except ValidationError as error:
                _show_refusal(pin_form, error)
            else:
                messages.success(request, "Your duress PIN has been set.")
                return redirect("safety:my_safety")
        if which == "contact" and contact_form.is_valid():
            try:
                services.change_my_emergency_contact(
                    user,
                    name=contact_form.cleaned_data["emergency_contact_name"],
                    phone=contact_form.cleaned_data["emergency_contact_phone"],
                )
            except ValidationError as error:
                _show_refusal(contact_form, error)
            else:
                messages.success(request, "Your emergency contact has been saved.")
                return redirect("safety:my_safety")
    return render(
        request,
        "safety/my_safety.html",
        {
            "saved": saved,
            "pin_form": pin_form,
            "contact_form": contact_form,
            "mobile_form": mobile_form,
        },
    )


@login_required
def ladder(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_manager(user):
        raise PermissionDenied("Only managers can change the escalation ladder.")
    current = services.get_ladder(user)
    form = LadderForm(
        _posted(request),
        initial={name: getattr(current, name) for name in services.LADDER_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_ladder(user, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The escalation ladder has been changed.")
            return redirect("safety:ladder")
    return render(
        request,
        "safety/ladder.html",
        {
            "form": form,
            "secret": current.webhook_secret,
            "sms_url": request.build_absolute_uri(
                reverse("safety:text_check_in", kwargs={"office_id": user.office_id})
            ),
        },
    )


# --- Texts from the SMS provider ---------------------------------------------------------------


@csrf_exempt  # the provider cannot hold a CSRF token: the body's HMAC signature stands in for it
@require_POST
def text_check_in(request: HttpRequest, office_id: int) -> HttpResponse:
    """A text forwarded by the office's SMS provider (see ``safety/texts.py`` for the format)."""
    body = request.body
    signature = request.headers.get(texts.SIGNATURE_HEADER)
    # An unknown office answers exactly as a bad signature does: nothing to learn by guessing.
    known = Office.objects.filter(pk=office_id).exists()
    if not (known and texts.is_signed_by(texts.office_secret(office_id), body, signature)):
        return JsonResponse({"detail": "The signature is missing or wrong."}, status=403)
    try:
        message = json.loads(body)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return JsonResponse({"detail": "Send a JSON object.", "errors": {}}, status=400)
    errors = {
        name: ["This field is required"]
        for name in ("message_id", "from", "text")
        if not isinstance(message.get(name), str) or (name != "text" and not message[name])
    }
    if errors:
        return JsonResponse({"detail": "Some fields are missing.", "errors": errors}, status=400)
    reply = texts.check_in_by_text(
        office_id,
        sender_phone=message["from"],
        text=message["text"],
        message_id=message["message_id"],
    )
    return JsonResponse({"reply": reply.text})
