"""The campaign pages: the list, one campaign with who wrote, answering everyone, and
putting a message into a campaign by hand. Thin: the rules are in ``campaign_answers``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casewell.inbox import campaign_answers, triage
from casewell.inbox.compose_views import _show_refusal
from casewell.inbox.sending_forms import CampaignAnswerForm, MarkCampaignForm

SENDERS_PER_PAGE = 100


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    rows = campaign_answers.campaigns_for(request.user)
    return render(request, "inbox/campaign_list.html", {"rows": rows})


@login_required
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Who wrote to the campaign and whether each has been answered."""
    found = campaign_answers.get_campaign_for(request.user, campaign_id)
    shown = campaign_answers.campaign_view(request.user, found)
    page = Paginator(shown.senders, SENDERS_PER_PAGE).get_page(request.GET.get("page"))
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(
        request, "inbox/campaign.html", {"view": shown, "page": page, "page_numbers": numbers}
    )


@login_required
def answer(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """One answer, sent to everyone not yet answered, each with their own e-mail."""
    user = request.user
    found = campaign_answers.get_campaign_for(user, campaign_id)
    shown = campaign_answers.campaign_view(user, found)
    form = CampaignAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_answers.answer_campaign(user, found, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            waiting = len(shown.unanswered)
            messages.success(
                request, f"Casewell is sending your answer to {waiting} "
                f"{'person' if waiting == 1 else 'people'}, each their own e-mail.",
            )
            return redirect("campaigns:campaign", campaign_id=found.pk)
    if not form.is_bound:
        form = CampaignAnswerForm(
            initial={"subject": f"Re: {found.title}", "body": "Dear {name},\n\n"}
        )
    first = shown.unanswered[0] if shown.unanswered else None
    return render(
        request, "inbox/campaign_answer.html", {"view": shown, "form": form, "first": first}
    )


@login_required
def mark_as_campaign(request: HttpRequest, message_id: int) -> HttpResponse:
    """Put a message into a campaign, or start one from it (the triage action)."""
    user = request.user
    message = triage.get_message_for(user, message_id)
    choices = [(str(c.pk), c.title) for c in campaign_answers.campaign_choices(user)]
    form = MarkCampaignForm(
        request.POST if request.method == "POST" else None,
        campaign_choices=choices,
        initial={"campaign": str(message.campaign_id) if message.campaign_id else "new"},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["campaign"]
        try:
            put_in = campaign_answers.mark_as_campaign(
                user, message, campaign=None if chosen == "new" else chosen,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, f"The message is now part of the campaign “{put_in.title}”.")
            return redirect("campaigns:campaign", campaign_id=put_in.pk)
    return render(request, "inbox/campaign_mark.html", {"form": form, "message": message})
