"""The e-mails notifications become: one per item, or one digest a day.

Text behind a content warning is never quoted in an e-mail: only the warning
and a link to read it in Casewell, where it is shown collapsed.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casewell.notify.models import Notification
from casewell.offices.models import User
from casewell.offices.tenancy import across_all_offices, bind_office

GENERIC_SUBJECT = "A notification for you in Casewell"


def link_for(notification: Notification) -> str:
    path = notification.link or reverse("notify:list")
    return settings.SITE_URL + path if path.startswith("/") else path


def subject_for(notification: Notification) -> str:
    if notification.is_warned:
        return f"{GENERIC_SUBJECT} ({notification.warning_text.lower()})"
    prefix = "Urgent: " if notification.urgent else ""
    return " ".join(f"{prefix}{notification.subject}".split())


def email_notification(notification_id: int) -> str:
    """E-mail one delivered notification to its recipient, once."""
    with across_all_offices():
        office_id = (
            Notification.all_offices.filter(pk=notification_id)
            .values_list("office_id", flat=True)
            .first()
        )
    if office_id is None:
        return "gone"
    with bind_office(office_id), transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "sender")
            .get(pk=notification_id)
        )
        if notification.emailed_at is not None:
            return "already sent"
        if notification.delivered_at is None:
            return "not delivered yet"
        send_mail(
            subject=subject_for(notification),
            message=render_to_string(
                "notify/email/notification.txt",
                {"notification": notification, "link": link_for(notification)},
            ),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"


def send_digest(user_id: int, now: datetime | None = None) -> str:
    """E-mail the person one list of what was delivered since their last digest, once."""
    now = now or timezone.now()
    with across_all_offices():
        user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "gone"
    with bind_office(user.office_id), transaction.atomic():
        items = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(
                recipient=user,
                delivered_at__isnull=False,
                emailed_at__isnull=True,
                digested_at__isnull=True,
            )
            .select_related("sender")
            .order_by("delivered_at", "id")
        )
        if not items:
            return "nothing to send"
        send_mail(
            subject=f"Your Casewell digest: {len(items)} notification{'s' * (len(items) != 1)}",
            message=render_to_string(
                "notify/email/digest.txt",
                {
                    "user": user,
                    "items": [(item, link_for(item)) for item in items],
                    "all_link": settings.SITE_URL + reverse("notify:list"),
                },
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(digested_at=now)
    return "sent"
