"""An administrator invites someone; they set a password and must then enrol a second factor."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casewell.offices import invitations
from casewell.offices.models import AuditEntry, Invitation, Role, User
from casewell.offices.tasks import send_invitation
from casewell.offices.tenancy import bind_office
from casewell.testing.cast import PASSWORD

NEW_PASSWORD = "a long and unusual passphrase 81"
TASK_PATH = "casewell.offices.tasks.send_invitation"


def run_invitation_jobs() -> list[str]:
    """Run the waiting invitation e-mail jobs the way a worker would, in order."""
    outcomes = []
    for job in DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").order_by(
        "enqueued_at"
    ):
        outcomes.append(send_invitation.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"]))
        DBTaskResult.objects.filter(pk=job.pk).update(status="SUCCESSFUL")
    return outcomes


def link_token(message) -> str:
    return re.search(r"/join/([0-9a-f]+)/", message.body).group(1)


def invite(client: Client, **overrides) -> object:
    data = {
        "full_name": "Priya Shah",
        "email": "priya@example.org",
        "roles": ["caseworker", "member"],
    }
    return client.post("/office/invitations/new/", data | overrides)


def test_invite_accept_creates_the_account_with_its_roles_and_demands_a_second_factor(
    cast, client_for
):
    response = invite(client_for(cast.amir))
    assert response.status_code == 302
    assert run_invitation_jobs() == ["sent"]
    (message,) = mail.outbox
    assert message.to == ["priya@example.org"]
    assert "North Ridge constituency office" in message.subject
    assert message.body.count("http://testserver/join/") == 1
    token = link_token(message)

    invitee = Client()
    page = invitee.get(f"/join/{token}/")
    assert page.status_code == 200
    assert "Join North Ridge constituency office" in page.content.decode()
    assert "Caseworker, Member" in page.content.decode()

    accepted = invitee.post(
        f"/join/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert accepted.status_code == 302

    priya = User.objects.get(email="priya@example.org")
    assert priya.office == cast.north
    assert priya.check_password(NEW_PASSWORD)
    with bind_office(cast.north):
        assert priya.roles == {Role.CASEWORKER, Role.MEMBER}
        assert AuditEntry.objects.filter(action="joined", actor=priya).exists()
    # Signed in, but nothing is shown until a second factor is enrolled...
    home = invitee.get("/")
    assert home.status_code == 302 and home.url == "/accounts/2fa/totp/activate/"
    assert invitee.get("/people/").url == "/accounts/2fa/totp/activate/"
    # ...and enrolling does not ask for the password again.
    assert invitee.get("/accounts/2fa/totp/activate/").status_code == 200


def test_the_invitation_is_audited_and_its_token_is_never_stored(cast):
    invitation = invitations.invite_staff(
        cast.amir,
        email="Sam@Example.org",
        full_name="Sam Idris",
        roles=[Role.INTERN],
        site_url="https://casewell.example",
    )
    run_invitation_jobs()
    token = link_token(mail.outbox[0])
    assert mail.outbox[0].body.count("https://casewell.example/join/") == 1
    with bind_office(cast.north):
        invitation.refresh_from_db()
    assert invitation.email == "sam@example.org"
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert invitation.token_hash != token and token not in str(invitation.__dict__)
    job = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert token not in str(job.args_kwargs)
    with bind_office(cast.north):
        invited = AuditEntry.objects.get(action="invited")
    assert invited.actor == cast.amir and "Sam Idris" in invited.detail


def test_the_email_job_is_enqueued_in_the_same_transaction_as_the_invitation(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        # A failure after the invitation leaves neither the invitation nor its job.
        invitations.invite_staff(
            cast.amir, email="gone@example.org", full_name="Gone", roles=[Role.INTERN]
        )
        raise RuntimeError("the request failed afterwards")
    with bind_office(cast.north):
        assert not Invitation.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()


def test_running_the_email_job_twice_sends_one_email(cast):
    invitations.invite_staff(
        cast.amir, email="twice@example.org", full_name="Twice", roles=[Role.INTERN]
    )
    job = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert send_invitation.call(*job.args_kwargs["args"]) == "sent"
    assert send_invitation.call(*job.args_kwargs["args"]) == "already sent"
    assert len(mail.outbox) == 1


def test_an_email_already_in_use_is_refused_at_invite_time(cast, client_for):
    response = invite(client_for(cast.amir), email="ADA@nr.example")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "already has a Casewell account" in page
    with bind_office(cast.north):
        assert not Invitation.objects.exists()


def test_someone_already_invited_cannot_be_invited_twice(cast, client_for):
    client = client_for(cast.amir)
    invite(client)
    response = invite(client)
    assert "already been invited" in response.content.decode()


def test_an_invitation_needs_a_name_an_email_and_a_role(cast, client_for):
    response = client_for(cast.amir).post("/office/invitations/new/", {})
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the person&#x27;s full name.",
        "Enter the person&#x27;s e-mail address.",
        "Choose at least one role.",
    ):
        assert message in page
    assert 'href="#id_roles_0"' in page


def test_roles_are_offered_in_the_offices_own_words(cast, client_for):
    north = client_for(cast.amir).get("/office/invitations/new/").content.decode()
    south = client_for(cast.cleo).get("/office/invitations/new/").content.decode()
    assert ">Member</label>" in north and "Service lead" not in north
    assert ">Service lead</label>" in south


@pytest.fixture
def pending(cast):
    invitation = invitations.invite_staff(
        cast.amir, email="pat@example.org", full_name="Pat Kerr", roles=[Role.CASEWORKER]
    )
    run_invitation_jobs()
    return invitation, link_token(mail.outbox[-1])


def test_a_weak_password_is_refused_the_govuk_way(cast, pending):
    _, token = pending
    response = Client().post(f"/join/{token}/", {"password1": "password", "password2": "password"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#id_password1"' in page
    assert "too common" in page and "govuk-error-message" in page
    assert not User.objects.filter(email="pat@example.org").exists()


def test_passwords_that_differ_are_refused(cast, pending):
    _, token = pending
    response = Client().post(
        f"/join/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert "The passwords do not match" in response.content.decode()


@pytest.mark.parametrize("token", ["0" * 64, "not-a-token", "a" * 300])
def test_an_unknown_link_gets_a_clear_page(cast, token):
    response = Client().get(f"/join/{token}/")
    assert response.status_code == 404
    assert "This invitation link is not recognised" in response.content.decode()


def test_an_expired_link_gets_a_clear_page(cast, pending):
    _, token = pending
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = Client().get(f"/join/{token}/")
        posted = Client().post(
            f"/join/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert posted.status_code == 410
    assert not User.objects.filter(email="pat@example.org").exists()


def test_a_withdrawn_link_gets_a_clear_page(cast, client_for, pending):
    invitation, token = pending
    response = client_for(cast.amir).post(f"/office/invitations/{invitation.pk}/withdraw/")
    assert response.status_code == 302
    page = Client().get(f"/join/{token}/")
    assert page.status_code == 410 and "has been withdrawn" in page.content.decode()


def test_a_used_link_gets_a_clear_page(cast, pending):
    _, token = pending
    Client().post(f"/join/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().get(f"/join/{token}/")
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_resending_sends_a_new_link_and_the_old_one_stops_working(cast, client_for, pending):
    invitation, old_token = pending
    response = client_for(cast.amir).post(f"/office/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    assert run_invitation_jobs() == ["sent"]
    new_token = link_token(mail.outbox[-1])
    assert new_token != old_token
    assert Client().get(f"/join/{old_token}/").status_code == 404
    assert Client().get(f"/join/{new_token}/").status_code == 200


def test_an_expired_invitation_can_be_resent(cast, pending):
    invitation, _ = pending
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        invitations.resend_invitation(cast.amir, invitation)
        run_invitation_jobs()
        assert Client().get(f"/join/{link_token(mail.outbox[-1])}/").status_code == 200


def test_a_job_for_a_withdrawn_invitation_sends_nothing(cast):
    invitation = invitations.invite_staff(
        cast.amir, email="no@example.org", full_name="No", roles=["intern"]
    )
    invitations.withdraw_invitation(cast.amir, invitation)
    assert run_invitation_jobs() == ["withdrawn"]
    assert mail.outbox == []


def test_the_pending_invitations_page_lists_waiting_ones_only(cast, client_for, pending):
    withdrawn = invitations.invite_staff(
        cast.amir, email="w@example.org", full_name="Will Drawn", roles=["intern"]
    )
    invitations.withdraw_invitation(cast.amir, withdrawn)
    page = client_for(cast.amir).get("/office/invitations/").content.decode()
    assert "Pat Kerr" in page and "Will Drawn" not in page


def test_a_signed_in_person_opening_a_link_is_told_to_sign_out(cast, client_for, pending):
    _, token = pending
    response = client_for(cast.ada).get(f"/join/{token}/")
    assert response.status_code == 403
    assert "already signed in" in response.content.decode()


def test_only_administrators_may_invite(cast, client_for):
    for person in (cast.ada, cast.ben, cast.mo, cast.ivy, cast.wes):
        assert invite(client_for(person)).status_code == 403
    with pytest.raises(PermissionDenied):
        invitations.invite_staff(cast.ben, email="x@example.org", full_name="X", roles=["intern"])


def test_cleo_gets_404_for_norths_invitations(cast, client_for, pending):
    invitation, _ = pending
    cleo = client_for(cast.cleo)
    for action in ("withdraw", "resend"):
        assert cleo.post(f"/office/invitations/{invitation.pk}/{action}/").status_code == 404
        assert cleo.get(f"/office/invitations/{invitation.pk}/{action}/").status_code == 404
    assert "Pat Kerr" not in cleo.get("/office/invitations/").content.decode()
    with bind_office(cast.north):
        invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_nobody_can_sign_in_with_the_cast_password_as_the_invitee(cast, pending):
    _, token = pending
    Client().post(f"/join/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not User.objects.get(email="pat@example.org").check_password(PASSWORD)
