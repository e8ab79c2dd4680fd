"""The second factor: enrolment is forced, codes are checked, failures count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.test import Client

from casewell.offices import lockout
from casewell.offices.adapters import WRONG_CODE
from casewell.offices.models import AuditEntry, Role, User
from casewell.offices.services import add_staff_member
from casewell.offices.tenancy import bind_office
from casewell.offices.tests.sign_in_steps import enter_code, enter_password, page_errors, totp_code
from casewell.testing.cast import PASSWORD

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def newcomer(cast) -> User:
    return add_staff_member(
        cast.north, email="nia@nr.example", full_name="Nia Patel", roles=[Role.CASEWORKER],
        password=PASSWORD,
    )


def confirm_password(client: Client) -> None:
    """allauth asks for the password again before a change to the second factor."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def second_factor_audit(user: User) -> list[str]:
    with bind_office(user.office_id):
        return list(
            AuditEntry.objects.filter(
                subject_id=str(user.pk), action=AuditEntry.Action.SECOND_FACTOR
            ).order_by("id").values_list("detail", flat=True)
        )


def test_someone_without_a_second_factor_must_set_one_up_before_anything_else(
    transactional_db, newcomer
):
    # Real commits: allauth announces the new factor after commit, inside the request.
    client = Client()
    response = enter_password(client, newcomer.email)
    assert response.status_code == 302 and response.url == "/"  # no code to ask for yet
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/accounts/2fa/totp/activate/"

    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    html = page.content.decode()
    # The QR code is an image from a data: address (the CSP allows data: images), and
    # the same secret is written out for anyone who cannot scan it.
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', html)
    assert f'id="authenticator_secret">{secret}<' in html

    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200 and page_errors(response) == [WRONG_CODE]

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302 and response.url == "/accounts/2fa/recovery-codes/"
    codes_page = client.get(response.url)
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10 and all(code in codes_page.content.decode() for code in codes)
    assert 'href="/"' in codes_page.content.decode()  # on to Casewell from here
    assert client.get("/").status_code == 200
    assert second_factor_audit(newcomer) == ["Added authenticator app", "Added recovery codes"]


def test_pages_under_accounts_stay_open_before_enrolment_but_nothing_else(newcomer):
    client = Client()
    enter_password(client, newcomer.email)
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/password/change/").status_code == 200
    assert client.get("/some/where/else/").status_code == 302


def test_a_recovery_code_works_once_instead_of_the_app(cast):
    codes = RecoveryCodes.activate(cast.ada).generate_codes()
    client = Client()
    enter_password(client, cast.ada.email)
    response = enter_code(client, codes[0])
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200

    again = Client()
    enter_password(again, cast.ada.email)
    response = enter_code(again, codes[0])
    assert response.status_code == 200 and page_errors(response) == [WRONG_CODE]


def test_the_code_page_offers_recovery_codes_and_no_security_key_to_someone_without_one(cast):
    client = Client()
    enter_password(client, cast.ada.email)
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "recovery codes" in page
    assert "mfa_webauthn_authenticate" not in page
    assert page.count("<h1") == 1 and "style=" not in page


def test_wrong_codes_count_towards_the_lock(cast, settings):
    settings.SIGN_IN_FAILURES_BEFORE_SLOWING = 2
    settings.SIGN_IN_FAILURES_BEFORE_LOCKING = 4
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        enter_password(client, cast.ada.email)
        enter_code(client, "000000")
        response = enter_code(client, "000001")
        assert page_errors(response) == [WRONG_CODE, lockout.Refusal(wait_seconds=1).message]
        # Inside the wait even the right code is not looked at.
        response = enter_code(client, totp_code(cast.totp_secret(cast.ada)))
        assert page_errors(response) == [lockout.Refusal(wait_seconds=1).message]
        clock.shift(timedelta(minutes=5))
        enter_code(client, "000002")
        clock.shift(timedelta(minutes=5))
        response = enter_code(client, "000003")
        assert page_errors(response) == [lockout.LOCKED_MESSAGE]
        clock.shift(timedelta(minutes=5))
        response = enter_code(client, totp_code(cast.totp_secret(cast.ada)))
        assert page_errors(response) == [lockout.LOCKED_MESSAGE]
    cast.ada.refresh_from_db()
    assert cast.ada.is_locked
    with bind_office(cast.north):
        details = list(
            AuditEntry.objects.filter(subject_id=str(cast.ada.pk)).order_by("id")
            .values_list("action", "detail")
        )
    assert ("sign_in_failed", "Wrong second-factor code (failed attempt 1 in a row)") in details
    assert ("locked", "Locked after 4 failed attempts to sign in.") in details


def test_nobody_can_remove_their_only_second_factor(cast):
    client = Client()
    enter_password(client, cast.ada.email)
    enter_code(client, totp_code(cast.totp_secret(cast.ada)))
    confirm_password(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "You cannot remove your only second factor" in response.content.decode()
    assert Authenticator.objects.filter(user=cast.ada, type=Authenticator.Type.TOTP).exists()


def test_removing_the_app_when_a_security_key_remains_is_audited(cast):
    Authenticator.objects.create(
        user=cast.ada, type=Authenticator.Type.WEBAUTHN, data={"name": "Key"}
    )
    client = Client()
    enter_password(client, cast.ada.email)
    enter_code(client, totp_code(cast.totp_secret(cast.ada)))
    confirm_password(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert second_factor_audit(cast.ada) == ["Removed authenticator app"]


@pytest.mark.parametrize("action", ["edit", "remove"])
def test_cleo_gets_404_for_norths_security_key(cast, client_for, action):
    key = Authenticator.objects.create(
        user=cast.ada, type=Authenticator.Type.WEBAUTHN, data={"name": "Ada's key"}
    )
    client = Client()
    enter_password(client, cast.cleo.email)
    enter_code(client, totp_code(cast.totp_secret(cast.cleo)))
    confirm_password(client)
    response = client.get(f"/accounts/2fa/webauthn/keys/{key.pk}/{action}/")
    assert response.status_code == 404


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/reauthenticate/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/password/reset/key/1-not-a-key/",
    ],
)
def test_account_pages_are_casewell_pages_without_inline_code(cast, path):
    RecoveryCodes.activate(cast.ada)
    client = Client()
    enter_password(client, cast.ada.email)
    enter_code(client, totp_code(cast.totp_secret(cast.ada)))
    confirm_password(client)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-template" in page and page.count("<h1") == 1
    assert not INLINE_SCRIPT.search(page) and "style=" not in page
    assert "<label" not in page or 'class="govuk-label' in page


def test_second_factor_keys_are_stored_encrypted_and_still_work(cast):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = cast.totp_secret(cast.ada)
    stored = Authenticator.objects.get(user=cast.ada, type=Authenticator.Type.TOTP)

    assert secret not in str(stored.data)
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    assert TOTP(stored).validate_code(code)
