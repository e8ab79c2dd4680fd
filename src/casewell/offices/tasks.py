"""Jobs for offices and their staff. Each is safe to run twice."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from casewell.offices.invitations import invitation_link_token
from casewell.offices.models import Invitation
from casewell.offices.tenancy import across_all_offices, bind_office


@task()
def send_invitation(invitation_id: int, link_nonce: str, site_url: str) -> str:
    """E-mail an invitation's link, once.

    Takes the nonce rather than the token so the job's row never holds the
    secret; a job for a link that has since been re-sent, withdrawn or used
    does nothing.
    """
    with across_all_offices():
        invitation = (
            Invitation.all_offices.select_related("office").filter(pk=invitation_id).first()
        )
    if invitation is None:
        return "gone"
    with bind_office(invitation.office):
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("office", "invited_by")
            .get(pk=invitation_id)
        )
        if invitation.link_nonce != link_nonce:
            return "superseded"
        if invitation.sent_at is not None:
            return "already sent"
        if invitation.state != Invitation.State.PENDING:
            return invitation.state
        link = f"{site_url.rstrip('/')}/join/{invitation_link_token(invitation)}/"
        context = {"invitation": invitation, "office": invitation.office, "link": link}
        send_mail(
            subject=f"You are invited to join {invitation.office.name} on Casewell",
            message=render_to_string("offices/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return "sent"
