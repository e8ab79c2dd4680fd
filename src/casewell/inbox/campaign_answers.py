"""Campaigns as staff work them: the list, who wrote, putting a message into one by hand,
and answering everyone at once, each person with their own e-mail.

Anyone on the office's staff but an intern works campaigns (interns see only mail
assigned to them; another office's campaign does not exist: 404).

Answering in bulk: ``answer_campaign`` keeps the answer (one subject and body, with
``{name}``, ``{first_name}`` and ``{email}`` filled in per person) and enqueues one
job; that job (``prepare_answer``) writes one OutgoingMessage per sender who has not
had an answer yet, each sent by its own job (``sending``). So 500 senders cost the
request one row and one job, and a sender is answered once: the database refuses a
second answer to the same address in a campaign, however often the button is pressed
or the job runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from casewell.cases.services import is_intern_only
from casewell.inbox import sending
from casewell.inbox.campaigns import campaign_words, signature_json, sketch_of
from casewell.inbox.models import (
    Campaign,
    CampaignAnswer,
    Message,
    MessageKind,
    MessageState,
    OutgoingMessage,
    OutgoingState,
)
from casewell.offices.models import Office, User
from casewell.offices.permissions import get_for
from casewell.offices.tenancy import across_all_offices, bind_office

PLACEHOLDERS = ("name", "first_name", "email")
_PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_]+)\s*\}")
MAX_BODY = 50_000
# Rows written per transaction by the job: a failure part-way keeps what was written.
BATCH = 100
# An answer still not written out after this long has stopped (its job failed for good):
# another may be sent. Nobody is answered twice either way (one answer per address).
STUCK_AFTER = timedelta(hours=1)


def _require_campaign_worker(user: User) -> None:
    if not getattr(user, "is_active", False) or user.is_locked:
        raise PermissionDenied("This account cannot work on the inbox.")
    if is_intern_only(user):
        raise Http404("No campaign found.")


def get_campaign_for(user: User, campaign_id: Any, *, channel: str = "page") -> Campaign:
    """One of the office's campaigns (404 for another office's, or for an intern)."""
    _require_campaign_worker(user)
    with bind_office(user.office, actor=user):
        return get_for(user, Campaign, campaign_id, channel=channel)


@dataclass
class CampaignRow:
    campaign: Campaign
    messages: int
    senders: int
    answered: int


def campaigns_for(user: User) -> list[CampaignRow]:
    """The office's campaigns, newest first, with how many wrote and how many were answered:
    two queries, however many campaigns."""
    _require_campaign_worker(user)
    with bind_office(user.office, actor=user):
        campaigns = list(
            Campaign.objects.annotate(
                message_count=Count("messages", distinct=True),
                sender_count=Count("messages__from_address", distinct=True),
            ).order_by("-created_at", "-pk")
        )
        answered = dict(
            OutgoingMessage.objects.filter(campaign__isnull=False)
            .values("campaign")
            .annotate(count=Count("pk"))
            .values_list("campaign", "count")
        )
    return [
        CampaignRow(
            campaign=c,
            messages=c.message_count,  # type: ignore[attr-defined]
            senders=c.sender_count,  # type: ignore[attr-defined]
            answered=answered.get(c.pk, 0),
        )
        for c in campaigns
    ]


@dataclass
class Sender:
    """One person who wrote to a campaign (by address), their messages, and their answer."""

    address: str
    name: str
    first_name: str
    latest: Message
    messages: list[Message] = field(default_factory=list)
    answer: OutgoingMessage | None = None


def senders_of(campaign: Campaign) -> list[Sender]:
    """Who wrote, newest letter first, each with their answer if one was sent: two queries.
    Requires the campaign's office bound."""
    found: dict[str, Sender] = {}
    rows = (
        Message.objects.filter(campaign=campaign, kind=MessageKind.MESSAGE)
        .exclude(from_address="")
        .select_related("person", "case")
        .order_by("-created_at", "-pk")
    )
    for message in rows:
        address = message.from_address.strip().lower()
        sender = found.get(address)
        if sender is None:
            person = message.person
            name = (person.full_name if person else "") or message.from_name
            first = (person.first_name if person else "") or (message.from_name or "").split(" ")[0]
            sender = found[address] = Sender(address, name, first, latest=message)
        sender.messages.append(message)
    answers = OutgoingMessage.objects.filter(campaign=campaign).order_by("pk")
    for answer in answers:
        if answer.campaign_recipient in found:
            found[answer.campaign_recipient].answer = answer
    return list(found.values())


@dataclass
class CampaignView:
    campaign: Campaign
    senders: list[Sender]
    answers: list[CampaignAnswer]

    @property
    def unanswered(self) -> list[Sender]:
        return [sender for sender in self.senders if sender.answer is None]

    @property
    def message_count(self) -> int:
        return sum(len(sender.messages) for sender in self.senders)

    @property
    def sent_count(self) -> int:
        return sum(
            1 for s in self.senders if s.answer is not None and s.answer.state == OutgoingState.SENT
        )

    @property
    def preparing(self) -> bool:
        return any(answer.prepared_at is None for answer in self.answers)


def campaign_view(user: User, campaign: Campaign) -> CampaignView:
    """Everything the campaign's page shows: three queries, however many wrote."""
    _require_campaign_worker(user)
    with bind_office(user.office, actor=user):
        return CampaignView(
            campaign=campaign,
            senders=senders_of(campaign),
            answers=list(campaign.answers.order_by("-created_at", "-pk")),
        )


# --- Putting a message into a campaign by hand ------------------------------------------------


def campaign_choices(user: User) -> list[Campaign]:
    _require_campaign_worker(user)
    with bind_office(user.office, actor=user):
        return list(Campaign.objects.order_by("-created_at", "-pk")[:50])


def mark_as_campaign(
    user: User, message: Message, *, campaign: Campaign | Any = None, title: str = ""
) -> Campaign:
    """Put the message into one of the office's campaigns, or (``campaign`` None) start one
    from it, named ``title`` or its subject. Mail like it then joins that campaign by itself.

    Requires a member of staff other than an intern, and a message that is not archived
    and not on a case. Causes the message's change (audited) and the new campaign.
    """
    _require_campaign_worker(user)
    if message.state == MessageState.ARCHIVED:
        raise ValidationError({"campaign": "This message is archived."})
    if message.case_id:
        raise ValidationError({"campaign": "This message is on a case: it is answered there."})
    with bind_office(user.office, actor=user), transaction.atomic():
        if campaign is not None and not isinstance(campaign, Campaign):
            campaign = Campaign.objects.filter(
                pk=int(campaign) if str(campaign).isdigit() else None
            ).first()
            if campaign is None:
                raise ValidationError({"campaign": "Choose one of the office's campaigns"})
        if campaign is None:
            name = " ".join((title or message.subject or "").split())[:300]
            sketch = sketch_of(campaign_words(message.text_body, message.html_body)) or ()
            campaign = Campaign.objects.create(
                office=user.office,
                title=name or f"Campaign started {timezone.localdate():%d %B %Y}",
                signature=signature_json(sketch) if sketch else {},
            )
        message.campaign = campaign
        message.save(update_fields=["campaign"])
    return campaign


# --- Answering everyone -----------------------------------------------------------------------


def _check_template(text: str, field_name: str) -> None:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ValidationError(
            {field_name: f"{{{unknown[0]}}} is not something Casewell can fill in: use {known}"}
        )


def fill(template: str, sender: Sender, office: Office) -> str:
    """The template with the person's details in place of ``{name}``, ``{first_name}``,
    ``{email}``; a name not known becomes the office's word for the people it serves."""
    fallback = office.vocabulary.person_title
    values = {
        "name": sender.name or fallback,
        "first_name": sender.first_name or sender.name or fallback,
        "email": sender.address,
    }
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def answer_campaign(user: User, campaign: Campaign, *, subject: str, body: str) -> CampaignAnswer:
    """Answer everyone in the campaign who has not had an answer, each with their own e-mail.

    Requires a member of staff other than an intern. Refuses (naming the field) an empty
    subject or body, an unknown placeholder, a campaign everyone in which has been
    answered, or one whose last answer is still being written. Causes the answer (audited)
    and one job that writes and queues each person's e-mail.
    """
    from casewell.inbox.sending_tasks import prepare_campaign_answer

    _require_campaign_worker(user)
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = ["Enter a subject"]
    if not body:
        errors["body"] = ["Write the answer"]
    elif len(body) > MAX_BODY:
        errors["body"] = [f"Keep the answer to {MAX_BODY:,} characters"]
    for name, text in (("subject", subject), ("body", body)):
        try:
            _check_template(text, name)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.message_dict[name])
    if errors:
        raise ValidationError(errors)
    with bind_office(user.office, actor=user), transaction.atomic():
        # One answer at a time per campaign: pressing Send twice finds the first.
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        going_out = locked.answers.filter(
            prepared_at__isnull=True, created_at__gte=timezone.now() - STUCK_AFTER
        )
        if going_out.exists():
            raise ValidationError(
                {"body": "An answer to this campaign is being sent already: wait for it to finish"}
            )
        if not _unanswered_addresses(locked):
            raise ValidationError({"body": "Everyone who wrote to this campaign has an answer"})
        answer = CampaignAnswer.objects.create(
            office=user.office, campaign=locked, subject=subject, body=body, sent_by=user
        )
        prepare_campaign_answer.enqueue(answer.pk)
    return answer


def _unanswered_addresses(campaign: Campaign) -> list[str]:
    answered = set(
        OutgoingMessage.objects.filter(campaign=campaign).values_list(
            "campaign_recipient", flat=True
        )
    )
    written = (
        Message.objects.filter(campaign=campaign, kind=MessageKind.MESSAGE)
        .exclude(from_address="")
        .values_list("from_address", flat=True)
    )
    return sorted({address.strip().lower() for address in written} - answered)


def prepare_answer(answer_id: int) -> str:
    """The job behind ``answer_campaign``: one OutgoingMessage (and sending job) for each
    sender of the campaign not yet answered, then the answer marked prepared.

    Idempotent: a sender already answered (by this answer or an earlier one) is skipped,
    so running it twice, or two of them at once, sends each person one e-mail.
    """
    with across_all_offices():
        answer = (
            CampaignAnswer.all_offices.filter(pk=answer_id)
            .select_related("campaign", "office", "sent_by")
            .first()
        )
    if answer is None:
        return "gone"
    if answer.prepared_at is not None:
        return "already prepared"
    office = answer.office
    written = 0
    with bind_office(office, actor=answer.sent_by):
        senders = [s for s in senders_of(answer.campaign) if s.answer is None]
        for start in range(0, len(senders), BATCH):
            with transaction.atomic():
                for sender in senders[start : start + BATCH]:
                    written += _answer_one(answer, sender, office)
        CampaignAnswer.objects.filter(pk=answer.pk).update(prepared_at=timezone.now())
    return f"{written} written"


def _answer_one(answer: CampaignAnswer, sender: Sender, office: Office) -> int:
    latest = sender.latest
    try:
        with transaction.atomic():
            sending.queue_message(
                office,
                to=[sender.address],
                subject=fill(answer.subject, sender, office),
                body=fill(answer.body, sender, office),
                case=latest.case,
                replying_to=latest,
                by=answer.sent_by,
                campaign_answer=answer,
                campaign_recipient=sender.address,
            )
    except IntegrityError:
        return 0  # answered meanwhile (the same job running twice): once is enough
    return 1
