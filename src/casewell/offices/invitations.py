"""Inviting people to join an office, and joining by the invitation's link.

The link's secret is never stored: the database keeps a random nonce and the
SHA-256 hash of the secret, which is rebuilt from the nonce and the secret key
only when the e-mail is sent.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from casewell.offices.audit import record_event
from casewell.offices.models import AuditEntry, Invitation, Office, User
from casewell.offices.services import acting_as_administrator, add_staff_member, valid_roles
from casewell.offices.tenancy import across_all_offices, bind_office

INVITATION_LIFETIME = timedelta(days=7)
_LINK_KEY_SALT = "casewell.offices.invitation-link"


class InvitationUnusable(Exception):
    """The link cannot be used; ``reason`` says why in words for the person holding it."""

    def __init__(self, reason: str, office: Office | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.office = office


def invitation_link_token(invitation: Invitation) -> str:
    """The secret in the invitation's link, rebuilt from its nonce and the secret key."""
    return salted_hmac(_LINK_KEY_SALT, invitation.link_nonce, algorithm="sha256").hexdigest()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(invitation: Invitation) -> None:
    """A fresh secret link, valid for seven days from now; any earlier link stops working."""
    invitation.link_nonce = secrets.token_hex(32)
    invitation.token_hash = _hash_token(invitation_link_token(invitation))
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.sent_at = None


def _enqueue_invitation_email(invitation: Invitation, site_url: str) -> None:
    from casewell.offices.tasks import send_invitation

    # The database backend writes the job in this transaction: no invitation without its e-mail.
    send_invitation.enqueue(invitation.pk, invitation.link_nonce, site_url)


def invite_staff(
    admin: User,
    *,
    email: str,
    full_name: str,
    roles: Iterable[str],
    site_url: str = "",
) -> Invitation:
    """Invite someone to join the administrator's office.

    Requires an administrator; the e-mail must not belong to anyone yet nor have
    a waiting invitation here. Causes an audit entry and, in the same
    transaction, a job that e-mails the link ``<site_url>/join/<token>/``
    (valid for seven days).
    """
    email = User.objects.normalize_email(email).strip().lower()
    chosen = valid_roles(roles)
    with acting_as_administrator(admin) as office:
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": "Someone already has a Casewell account with this e-mail address."}
            )
        waiting = Invitation.objects.filter(
            email__iexact=email,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).exists()
        if waiting:
            raise ValidationError(
                {"email": "This person has already been invited. Re-send their invitation instead."}
            )
        invitation = Invitation(
            office=office,
            email=email,
            full_name=full_name.strip(),
            roles=chosen,
            invited_by=admin,
        )
        _new_link(invitation)
        invitation.created_at = invitation.expires_at - INVITATION_LIFETIME
        invitation.full_clean()
        invitation.save()
        record_event(
            office.pk,
            AuditEntry.Action.INVITED,
            actor=admin,
            subject=invitation,
            detail=f"Invited {invitation.full_name} <{email}> as {', '.join(chosen)}.",
        )
        _enqueue_invitation_email(invitation, site_url or _default_site_url())
    return invitation


def _default_site_url() -> str:
    return settings.SITE_URL


def withdraw_invitation(admin: User, invitation: Invitation) -> None:
    """Stop a waiting invitation's link working. Requires an administrator; audited."""
    with acting_as_administrator(admin, invitation):
        if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.WITHDRAWN):
            raise ValidationError("This invitation has already been accepted or withdrawn.")
        invitation.withdrawn_at = timezone.now()
        invitation.save()


def resend_invitation(admin: User, invitation: Invitation, *, site_url: str = "") -> None:
    """Send a fresh link (the old one stops working) valid for another seven days.

    Requires an administrator and an invitation neither accepted nor withdrawn.
    Causes an audit entry and an e-mail job in the same transaction.
    """
    with acting_as_administrator(admin, invitation):
        if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.WITHDRAWN):
            raise ValidationError("Only a waiting or expired invitation can be re-sent.")
        _new_link(invitation)
        invitation.save()
        _enqueue_invitation_email(invitation, site_url or _default_site_url())


def find_invitation(token: str) -> Invitation:
    """The invitation this link belongs to, if it can still be accepted; else InvitationUnusable."""
    with across_all_offices():
        invitation = (
            Invitation.all_offices.select_related("office")
            .filter(token_hash=_hash_token(token))
            .first()
        )
    if invitation is None:
        raise InvitationUnusable(
            "This invitation link is not recognised. Check you copied the whole link from the "
            "e-mail, or ask your office's administrator to send a new invitation."
        )
    state = invitation.state
    office = invitation.office
    if state == Invitation.State.ACCEPTED:
        raise InvitationUnusable(
            "This invitation has already been used. Sign in with the e-mail address and "
            "password you chose.",
            office,
        )
    if state == Invitation.State.WITHDRAWN:
        raise InvitationUnusable(
            "This invitation has been withdrawn. Ask your office's administrator if you think "
            "that is wrong.",
            office,
        )
    if state == Invitation.State.EXPIRED:
        raise InvitationUnusable(
            "This invitation has expired. Invitations last seven days: ask your office's "
            "administrator to re-send it.",
            office,
        )
    return invitation


def new_member_for(invitation: Invitation) -> User:
    """An unsaved account as the invitation would create it, for checking a password against."""
    return User(email=invitation.email, full_name=invitation.full_name, office=invitation.office)


def accept_invitation(token: str, password: str) -> User:
    """Create the invited person's account with the invited roles and the password they chose.

    Requires a usable link and a password Django's validators accept (else
    ValidationError). Causes the account, its roles, a "joined" audit entry and
    marks the invitation used. The person must still enrol a second factor.
    """
    invitation = find_invitation(token)
    office = invitation.office
    validate_password(password, user=new_member_for(invitation))
    with bind_office(office), transaction.atomic():
        # Re-read under a lock so two tabs cannot both accept the same link.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state != Invitation.State.PENDING:
            raise InvitationUnusable("This invitation can no longer be used.", office)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable(
                "Someone already has a Casewell account with this e-mail address, so this "
                "invitation cannot be used. Ask your office's administrator.",
                office,
            )
        user = add_staff_member(
            office,
            email=invitation.email,
            full_name=invitation.full_name,
            roles=invitation.roles,
            password=password,
        )
        with bind_office(office, actor=user):
            invitation.accepted_at = timezone.now()
            invitation.save()
            record_event(
                office.pk,
                AuditEntry.Action.JOINED,
                actor=user,
                subject=invitation,
                detail=f"{user.full_name} accepted the invitation and joined the office.",
            )
    return user


# --- Staff ----------------------------------------------------------------------------
