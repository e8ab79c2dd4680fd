"""Signing in: password then second factor, slowing and locking, idle sessions, the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_tasks_db.models import DBTaskResult

from casewell.offices import lockout
from casewell.offices.models import AuditEntry, User
from casewell.offices.tenancy import bind_office
from casewell.offices.tests.sign_in_steps import enter_code, enter_password, page_errors, totp_code

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERIC = "The email address or password is not right."


@pytest.fixture(autouse=True)
def fresh_cache():
    # Used TOTP codes and the counters for unknown addresses live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slow_after_3_lock_after_6(settings):
    settings.SIGN_IN_FAILURES_BEFORE_SLOWING = 3
    settings.SIGN_IN_FAILURES_BEFORE_LOCKING = 6


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def audit_of(user: User, action: str) -> list[AuditEntry]:
    with bind_office(user.office_id):
        return list(
            AuditEntry.objects.filter(
                subject_id=str(user.pk), subject_type="offices.User", action=action
            ).order_by("id")
        )


def test_password_then_authenticator_code_reaches_the_home_page(cast):
    client = Client()
    response = enter_password(client, cast.ada.email)
    assert response.status_code == 302 and response.url == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not signed in until the code is given

    response = enter_code(client, totp_code(cast.totp_secret(cast.ada)))
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Ada Lovelace" in home.content.decode()
    signed_in = audit_of(cast.ada, AuditEntry.Action.SIGNED_IN)
    assert len(signed_in) == 1 and signed_in[0].actor == cast.ada


def test_signing_out_is_in_the_audit_trail(cast):
    client = Client()
    enter_password(client, cast.ada.email)
    enter_code(client, totp_code(cast.totp_secret(cast.ada)))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert len(audit_of(cast.ada, AuditEntry.Action.SIGNED_OUT)) == 1


def test_a_wrong_password_gets_the_plain_message_and_is_audited(cast):
    response = enter_password(Client(), cast.ada.email, "not the password at all")
    assert response.status_code == 200
    assert page_errors(response) == [GENERIC]
    assert "govuk-error-summary" in response.content.decode()
    failures = audit_of(cast.ada, AuditEntry.Action.SIGN_IN_FAILED)
    assert len(failures) == 1 and "Wrong password" in failures[0].detail
    cast.ada.refresh_from_db()
    assert cast.ada.failed_sign_ins == 1


def test_an_unknown_address_gets_the_same_message_and_leaves_no_trace(cast):
    response = enter_password(Client(), "nobody@nr.example", "not the password at all")
    assert page_errors(response) == [GENERIC]
    with bind_office(cast.north):
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN_FAILED).exists()


def guess(email: str) -> list[str]:
    return page_errors(enter_password(Client(), email, "wrong guess number"))


def test_an_unknown_address_slows_and_locks_exactly_like_an_account(
    cast, clock, slow_after_3_lock_after_6
):
    """Otherwise the waiting message would tell an attacker which addresses have accounts."""
    known, unknown = [], []
    for _ in range(3):
        known.append(guess(cast.ada.email))
        unknown.append(guess("nobody@nr.example"))
    assert known == unknown
    assert known[-1] == [GENERIC, lockout.Refusal(wait_seconds=1).message]
    for _ in range(3):
        clock.shift(timedelta(minutes=10))
        known.append(guess(cast.ada.email))
        unknown.append(guess("nobody@nr.example"))
    assert known == unknown
    assert known[-1] == [lockout.LOCKED_MESSAGE]


def test_after_repeated_failures_attempts_wait_and_are_not_checked(
    cast, clock, slow_after_3_lock_after_6
):
    for _ in range(3):
        response = enter_password(Client(), cast.ada.email, "wrong guess number")
    assert page_errors(response) == [
        GENERIC,
        "There have been too many failed attempts to sign in to this account. "
        "Wait 1 second before you try again.",
    ]
    # Even the right password is turned away unchecked inside the wait, and not counted.
    response = enter_password(Client(), cast.ada.email)
    assert response.status_code == 200
    assert "Wait 1 second before you try again." in page_errors(response)[0]
    cast.ada.refresh_from_db()
    assert cast.ada.failed_sign_ins == 3

    clock.shift(timedelta(seconds=1))
    enter_password(Client(), cast.ada.email, "wrong guess number")  # the 4th: now 2 seconds
    clock.shift(timedelta(seconds=1))
    response = enter_password(Client(), cast.ada.email)
    assert "Wait 1 second before you try again." in page_errors(response)[0]
    clock.shift(timedelta(seconds=1))
    response = enter_password(Client(), cast.ada.email)
    assert response.status_code == 302 and response.url == "/accounts/2fa/authenticate/"


def test_waits_grow_and_are_capped():
    assert [lockout.wait_after(n) for n in range(1, 8)] == [0, 0, 1, 2, 4, 8, 16]
    assert lockout.wait_after(40) == lockout.LONGEST_WAIT_SECONDS
    assert lockout.plain_duration(1) == "1 second"
    assert lockout.plain_duration(64) == "2 minutes"


def test_a_completed_sign_in_clears_the_count(cast, clock, slow_after_3_lock_after_6):
    for _ in range(2):
        enter_password(Client(), cast.ada.email, "wrong guess number")
    client = Client()
    enter_password(client, cast.ada.email)
    cast.ada.refresh_from_db()
    assert cast.ada.failed_sign_ins == 2  # the password alone does not clear it
    enter_code(client, totp_code(cast.totp_secret(cast.ada)))
    cast.ada.refresh_from_db()
    assert cast.ada.failed_sign_ins == 0 and cast.ada.last_failed_sign_in_at is None


def lock_by_guessing(user: User, clock, guesses: int = 6) -> None:
    for _ in range(guesses):
        enter_password(Client(), user.email, "wrong guess number")
        clock.shift(timedelta(minutes=20))


def test_the_account_locks_after_the_limit_and_says_so(cast, clock, slow_after_3_lock_after_6):
    lock_by_guessing(cast.ada, clock)
    cast.ada.refresh_from_db()
    assert cast.ada.locked_at == START + timedelta(minutes=20 * 5)
    # Even the right password now meets the lock.
    response = enter_password(Client(), cast.ada.email)
    assert response.status_code == 200
    page = response.content.decode()
    assert lockout.LOCKED_MESSAGE in page and "administrator" in page
    locked = audit_of(cast.ada, AuditEntry.Action.LOCKED)
    assert len(locked) == 1 and "6 failed attempts" in locked[0].detail
    assert len(audit_of(cast.ada, AuditEntry.Action.SIGN_IN_FAILED)) == 7  # 6 counted + 1 refused


def test_locking_queues_one_message_to_the_administrators(cast, clock, slow_after_3_lock_after_6):
    lock_by_guessing(cast.ada, clock)
    jobs = DBTaskResult.objects.filter(
        task_path="casewell.offices.lockout.tell_administrators_account_locked"
    )
    assert jobs.count() == 1
    cast.ada.refresh_from_db()
    assert jobs.get().args_kwargs["args"] == [cast.ada.pk, cast.ada.locked_at.isoformat()]


def test_the_administrators_are_told_once_and_only_their_own_office(
    cast, clock, slow_after_3_lock_after_6
):
    lock_by_guessing(cast.ada, clock)
    cast.ada.refresh_from_db()
    locked_at = cast.ada.locked_at.isoformat()

    assert lockout.tell_administrators_account_locked.call(cast.ada.pk, locked_at) == 1
    assert [message.to for message in mail.outbox] == [[cast.amir.email]]  # not Cleo in South
    message = mail.outbox[0]
    assert "Ada Lovelace" in message.subject and "locked" in message.subject
    assert "6 failed attempts" in message.body and cast.ada.email in message.body
    # Run again (a worker retried it): nobody is told twice.
    assert lockout.tell_administrators_account_locked.call(cast.ada.pk, locked_at) == 0
    assert len(mail.outbox) == 1


def test_an_administrator_unlocks_and_the_unlock_is_audited(cast, clock, slow_after_3_lock_after_6):
    lock_by_guessing(cast.ada, clock)
    cast.ada.refresh_from_db()
    lockout.unlock_account(cast.amir, cast.ada)
    cast.ada.refresh_from_db()
    assert not cast.ada.is_locked and cast.ada.failed_sign_ins == 0
    unlocked = audit_of(cast.ada, AuditEntry.Action.UNLOCKED)
    assert len(unlocked) == 1 and unlocked[0].actor == cast.amir
    response = enter_password(Client(), cast.ada.email)
    assert response.status_code == 302 and response.url == "/accounts/2fa/authenticate/"
    # The job queued for the lock now finds the account unlocked and tells nobody.
    job = DBTaskResult.objects.get()
    assert lockout.tell_administrators_account_locked.call(*job.args_kwargs["args"]) == 0


@pytest.mark.parametrize("who", ["ben", "cleo"])
def test_only_an_administrator_of_the_same_office_may_unlock(
    cast, clock, slow_after_3_lock_after_6, who
):
    lock_by_guessing(cast.ada, clock)
    cast.ada.refresh_from_db()
    with pytest.raises(PermissionDenied):
        lockout.unlock_account(getattr(cast, who), cast.ada)
    cast.ada.refresh_from_db()
    assert cast.ada.is_locked
    assert audit_of(cast.ada, AuditEntry.Action.UNLOCKED) == []


def test_a_locked_persons_open_session_ends_at_their_next_request(cast, client_for):
    client = client_for(cast.ada)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=cast.ada.pk).update(locked_at=START)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/", 302)
    assert lockout.LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_a_session_left_idle_past_the_limit_is_signed_out(cast, client_for, settings):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(cast.ada)
        assert client.get("/").status_code == 200
        clock.shift(idle + timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_session_in_use_stays_signed_in_beyond_the_limit(cast, client_for, settings):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(cast.ada)
        for _ in range(4):  # well past one idle period in total, never idle for one
            clock.shift(idle - timedelta(minutes=1))
            assert client.get("/").status_code == 200


def test_sign_up_is_closed(cast):
    response = Client().get("/accounts/signup/")
    assert "Accounts are made by invitation" in response.content.decode()
    response = Client().post("/accounts/signup/", {"email": "me@nr.example", "password1": "x" * 20})
    assert not User.objects.filter(email="me@nr.example").exists()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"]
)
def test_signed_out_pages_are_casewell_pages_without_inline_code(cast, path):
    response = Client().get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-template" in page and page.count("<h1") == 1
    assert not INLINE_SCRIPT.search(page) and "style=" not in page


def test_the_sign_in_page_labels_its_fields_and_summarises_errors(cast):
    page = Client().get("/accounts/login/").content.decode()
    assert '<label class="govuk-label" for="id_login">Email address</label>' in page
    assert '<label class="govuk-label" for="id_password">Password</label>' in page
    response = Client().post("/accounts/login/", {"login": "", "password": ""})
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_login"' in page
    assert "Enter your email address" in page and "Error: Sign in" in page
