"""Notification pages: your notifications, your working pattern, messaging a colleague,
and out-of-hours working. Thin: every change goes to ``notify.services``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casewell.notify import out_of_hours, services
from casewell.notify.forms import MessageForm, WorkingPatternForm
from casewell.offices.permissions import is_manager


def _show_refusal(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@never_cache
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notify/list.html",
        {"notifications": services.notifications_for(request.user)},
    )


@login_required
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    services.mark_read(request.user, notification_id)
    return redirect("notify:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    messages.success(request, "All your notifications are marked as read.")
    return redirect("notify:list")


@login_required
@never_cache
def working_pattern(request: HttpRequest) -> HttpResponse:
    user = request.user
    pattern, is_set = services.my_working_pattern(user)
    form = WorkingPatternForm(
        request.POST if request.method == "POST" else None,
        initial=WorkingPatternForm.initial_for(pattern, services.email_choice_of(user)),
    )
    if request.method == "POST" and request.POST.get("action") == "default":
        services.forget_working_pattern(user)
        messages.success(request, "You are back on the usual pattern: Monday to Friday, 9 to 5.")
        return redirect("notify:working_pattern")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_working_pattern(user, data["hours"], data["time_zone"], data["nation"])
            services.set_email_choice(user, data["email"])
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "Your working pattern is saved.")
            return redirect("notify:working_pattern")
    return render(request, "notify/working_pattern.html", {"form": form, "is_set": is_set})


@login_required
@never_cache
def who_has_set_a_pattern(request: HttpRequest) -> HttpResponse:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can see this page.")
    return render(
        request,
        "notify/who_has_set.html",
        {"staff": services.who_has_set_a_pattern(request.user)},
    )


@login_required
@never_cache
def message(request: HttpRequest) -> HttpResponse:
    user = request.user
    colleagues = services.colleagues_of(user)
    posted = request.POST if request.method == "POST" else None
    form = MessageForm(
        posted, colleagues=colleagues, initial={"colleague": request.GET.get("colleague")}
    )
    arrives = None
    chosen = request.GET.get("colleague") if posted is None else None
    if chosen:
        arrives = services.preview_arrival(user, chosen)
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        if not data["urgent"]:
            arrives = services.preview_arrival(user, data["colleague"])
        # A message that would be held is shown with its arrival time first; sending
        # it then is a second, deliberate press.
        if arrives and request.POST.get("confirmed") != "yes":
            return render(
                request,
                "notify/message.html",
                {"form": form, "arrives": arrives, "confirming": True},
            )
        try:
            sent = services.send_colleague_message(
                user,
                data["colleague"],
                data["text"],
                urgent=data["urgent"],
                urgent_reason=data["urgent_reason"],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            name = sent.notification.recipient.full_name
            if sent.held:
                messages.success(request, f"Message to {name} sent. It will arrive {sent.arrives}.")
            else:
                messages.success(request, f"Message to {name} sent. It has arrived.")
            return redirect("notify:message")
    return render(
        request,
        "notify/message.html",
        {
            "form": form,
            "arrives": arrives,
            "confirming": False,
            "sent": services.messages_sent_by(user, limit=10),
        },
    )


@login_required
def arrival(request: HttpRequest) -> HttpResponse:
    """The "will arrive" hint for the chosen colleague (fetched as the choice changes).

    Opened as a page (without htmx), it is the message page with that colleague chosen.
    """
    chosen = request.GET.get("colleague")
    if not request.htmx:
        target = reverse("notify:message")
        return redirect(f"{target}?{urlencode({'colleague': chosen})}" if chosen else target)
    arrives = services.preview_arrival(request.user, chosen) if chosen else None
    return render(request, "notify/_arrival.html", {"arrives": arrives, "chosen": bool(chosen)})


@login_required
@never_cache
def out_of_hours_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    manager = is_manager(user)
    return render(
        request,
        "notify/out_of_hours.html",
        {
            "mine": out_of_hours.my_out_of_hours(user),
            "teams": out_of_hours.team_out_of_hours(user) if manager else None,
            "minimum": out_of_hours.MINIMUM_GROUP_SIZE,
        },
    )
