"""Polling IMAP mailboxes, against a real Dovecot started for the test session."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.db import connection
from django.utils import timezone
from imapclient import IMAPClient

from casewell.inbox.imap import (
    _only_poll,
    add_imap_mailbox,
    poll,
    poll_imap_mailbox,
    remove_imap_mailbox,
    schedule_key,
)
from casewell.inbox.models import ImapMailbox, RawMessage
from casewell.inbox.services import raw_bytes
from casewell.inbox.tests.dovecot import Dovecot, dovecot, free_port  # noqa: F401 - fixture
from casewell.jobs.models import ScheduledTask
from casewell.jobs.services import enqueue_due_tasks
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.models import Office
from casewell.offices.tenancy import bind_office


@dataclass
class Account:
    """A mailbox on the Dovecot, and a client of its own to put mail in and look."""

    server: Dovecot
    username: str
    password: str
    client: IMAPClient

    def deliver(self, raw: bytes, *, folder: str = "INBOX", flags: tuple = ()) -> int:
        answer = self.client.append(folder, raw, flags=flags)
        # "[APPENDUID <uidvalidity> <uid>] Append completed."
        return int(answer.split(b"]")[0].split()[-1])

    def flags(self, folder: str = "INBOX") -> dict[int, set[bytes]]:
        self.client.select_folder(folder, readonly=True)
        found = self.client.fetch(self.client.search("ALL"), ["FLAGS"])
        # \Recent only says which session saw a message first; the rest are the user's.
        return {uid: set(data[b"FLAGS"]) - {rb"\Recent"} for uid, data in found.items()}


@pytest.fixture(autouse=True)
def trust_the_test_authority(dovecot: Dovecot, monkeypatch) -> None:  # noqa: F811, ANN001
    # As if the office's mail server had a certificate from a real authority.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.authority))


@pytest.fixture
def account(dovecot: Dovecot) -> Iterator[Account]:  # noqa: F811 - the fixture above
    username = f"office-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    dovecot.add_user(username, password)
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
    client.login(username, password)
    try:
        yield Account(dovecot, username, password, client)
    finally:
        client.logout()


def letter(number: int, subject: str = "Pothole on Mill Lane") -> bytes:
    message = EmailMessage()
    message["From"] = f"Resident {number} <resident{number}@example.net>"
    message["To"] = "casework@northridge.example"
    message["Subject"] = f"{subject} ({number})"
    message["Message-ID"] = f"<{number}.{secrets.token_hex(6)}@example.net>"
    message.set_content(f"Letter number {number}.")
    return message.as_bytes().replace(b"\n", b"\r\n")


def mailbox_for(office: Office, account: Account, **options: object) -> ImapMailbox:
    fields = {
        "label": "Casework inbox",
        "host": account.server.host,
        "port": account.server.port,
        "use_tls": False,
        "username": account.username,
        "password": account.password,
        "poll_every_seconds": 120,
        **options,
    }
    return add_imap_mailbox(office, **fields)


def fresh(mailbox: ImapMailbox) -> ImapMailbox:
    with bind_office(mailbox.office_id):
        return ImapMailbox.objects.get(pk=mailbox.pk)


def kept(office: Office) -> list[bytes]:
    with bind_office(office):
        return [
            raw_bytes(raw)
            for raw in RawMessage.objects.select_related("stored_file").order_by("pk")
        ]


def test_new_mail_is_fetched_once_in_order_and_left_as_it_was_on_the_server(cast, account):
    letters = [letter(1), letter(2), letter(3)]
    account.deliver(letters[0])
    account.deliver(letters[1], flags=(rb"\Seen",))
    account.deliver(letters[2], flags=(rb"\Flagged",))
    before = account.flags()
    mailbox = mailbox_for(cast.north, account)

    result = poll(mailbox.pk)

    assert (result.stored, result.already_kept, result.error) == (3, 0, "")
    assert kept(cast.north) == letters
    with bind_office(cast.north):
        sources = list(RawMessage.objects.order_by("pk").values_list("door", "source"))
    assert sources[0] == ("imap", f"imap:Casework inbox ({account.username}@127.0.0.1/INBOX) uid 1")
    # Nothing marked read, moved or deleted: the office's own mail program sees no change.
    assert account.flags() == before
    assert rb"\Seen" not in before[1] and rb"\Seen" in before[2]
    polled = fresh(mailbox)
    assert polled.last_uid == 3 and polled.uidvalidity is not None
    assert polled.last_error == "" and polled.last_polled_at is not None
    assert kept(cast.south) == []

    # The next poll (a restart reads last_uid from the database) fetches only new mail.
    assert poll(mailbox.pk).stored == 0
    account.deliver(letter(4))
    again = poll(mailbox.pk)
    assert (again.stored, again.already_kept) == (1, 0)
    assert len(kept(cast.north)) == 4
    assert fresh(mailbox).last_uid == 4
    assert account.flags()[4] == set()


def test_a_poll_that_starts_over_keeps_nothing_twice(cast, account):
    for number in range(3):
        account.deliver(letter(number))
    mailbox = mailbox_for(cast.north, account)
    assert poll(mailbox.pk).stored == 3
    # As after a crash that lost the poll's bookkeeping: it reads the folder again.
    with bind_office(cast.north):
        ImapMailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)

    result = poll(mailbox.pk)

    assert (result.stored, result.already_kept) == (0, 3)
    assert len(kept(cast.north)) == 3
    assert fresh(mailbox).last_uid == 3


def test_when_uidvalidity_changes_the_folder_is_read_again_and_only_new_mail_kept(
    cast, account
):
    account.client.create_folder("Casework")
    first, second, third = letter(1), letter(2), letter(3)
    account.deliver(first, folder="Casework")
    account.deliver(second, folder="Casework")
    mailbox = mailbox_for(cast.north, account, folder="Casework")
    assert poll(mailbox.pk).stored == 2
    old_validity = fresh(mailbox).uidvalidity

    # The folder is rebuilt (restored from a backup, moved to a new server): new UIDs.
    account.client.select_folder("INBOX")
    account.client.delete_folder("Casework")
    account.client.create_folder("Casework")
    account.deliver(third, folder="Casework")
    account.deliver(first, folder="Casework")
    account.deliver(second, folder="Casework")

    result = poll(mailbox.pk)

    assert result.rescanned
    assert (result.stored, result.already_kept) == (1, 2)
    assert kept(cast.north) == [first, second, third]
    polled = fresh(mailbox)
    assert polled.uidvalidity != old_validity and polled.last_uid == 3


def test_a_wrong_password_is_recorded_on_the_mailbox_and_the_mail_waits(cast, account):
    account.deliver(letter(1))
    mailbox = mailbox_for(cast.north, account, password="not-the-password")

    result = poll(mailbox.pk)

    assert result.stored == 0
    polled = fresh(mailbox)
    assert "refused the user name or password" in polled.last_error
    assert account.username in polled.last_error and "not-the-password" not in polled.last_error
    assert polled.last_polled_at is not None and polled.last_uid == 0
    assert kept(cast.north) == []

    # Put right in the settings: the next poll fetches the waiting mail and clears the error.
    with bind_office(cast.north):
        polled.password = account.password
        polled.save()
    assert poll(mailbox.pk).stored == 1
    assert fresh(mailbox).last_error == ""


def test_a_server_that_cannot_be_reached_or_a_missing_folder_is_recorded(cast, account):
    closed = mailbox_for(cast.north, account, label="Old server", port=free_port())
    assert "Could not connect to 127.0.0.1" in poll(closed.pk).error
    assert "Could not connect" in fresh(closed).last_error

    missing = mailbox_for(cast.north, account, label="Typo", folder="Caseworks")
    poll(missing.pk)
    assert "The folder 'Caseworks' could not be opened" in fresh(missing).last_error
    assert kept(cast.north) == []


def test_adding_a_mailbox_schedules_its_polls_and_removing_it_stops_them(cast, account):
    account.deliver(letter(1))
    mailbox = mailbox_for(cast.north, account)
    with bind_office(cast.north):
        assert mailbox.encrypted_password and account.password not in mailbox.encrypted_password
    row = ScheduledTask.objects.get(key=schedule_key(mailbox))
    assert row.task_path == "casewell.inbox.imap.poll_imap_mailbox"
    assert row.args == [mailbox.pk] and row.office_id == cast.north.pk
    assert row.repeat_every == timedelta(seconds=120)

    # The scheduler enqueues the poll; a worker runs it.
    assert enqueue_due_tasks(timezone.now() + timedelta(seconds=1)) >= 1
    polls = [
        job for job in run_queued_tasks(raise_failures=False)
        if job.task_path == poll_imap_mailbox.module_path
    ]
    assert [job.return_value for job in polls] == ["1 new, 0 already kept"]
    assert len(kept(cast.north)) == 1

    remove_imap_mailbox(mailbox)
    assert not ScheduledTask.objects.filter(key=schedule_key(mailbox)).exists()
    assert poll(mailbox.pk).error == "the mailbox has been removed"
    assert len(kept(cast.north)) == 1  # mail already received stays


def test_a_message_that_cannot_be_stored_stays_on_the_server_and_comes_later(
    cast, account, settings, tmp_path
):
    account.deliver(letter(1))
    account.deliver(letter(2))
    mailbox = mailbox_for(cast.north, account)
    working_folder, working_limit = settings.DATA_DIR, settings.MAIL_MAX_MB
    not_a_folder = tmp_path / "full-disk"
    not_a_folder.write_text("where the mail folder should be")
    settings.DATA_DIR = not_a_folder
    settings.MAIL_MAX_MB = 0  # every message too large to read: kept on that disk

    result = poll(mailbox.pk)

    assert result.stored == 0
    polled = fresh(mailbox)
    assert "A message (UID 1) was fetched but could not be stored" in polled.last_error
    assert polled.last_uid == 0
    assert kept(cast.north) == []

    settings.DATA_DIR, settings.MAIL_MAX_MB = working_folder, working_limit
    assert poll(mailbox.pk).stored == 2
    assert fresh(mailbox).last_error == ""


def test_a_poll_leaves_the_mailbox_to_one_still_running(cast, account):
    account.deliver(letter(1))
    mailbox = mailbox_for(cast.north, account)
    holding, release = threading.Event(), threading.Event()

    def running_poll() -> None:  # as a poll in another worker would
        try:
            with _only_poll(mailbox.pk) as alone:
                assert alone
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    other = threading.Thread(target=running_poll)
    other.start()
    try:
        assert holding.wait(30)
        assert poll(mailbox.pk).error == "another poll of this mailbox is still running"
        assert kept(cast.north) == []
    finally:
        release.set()
        other.join(30)
    assert poll(mailbox.pk).stored == 1


def test_mail_is_fetched_over_tls_or_starttls_and_never_from_an_unverified_server(
    cast, account, monkeypatch, tmp_path
):
    account.deliver(letter(1))
    implicit = mailbox_for(
        cast.north, account, label="TLS", use_tls=True, port=account.server.tls_port
    )
    upgraded = mailbox_for(cast.north, account, label="STARTTLS")  # plain port, offered STARTTLS

    # A certificate that cannot be verified: nothing is sent, the problem is shown.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-authorities.pem"))
    for mailbox in (implicit, upgraded):
        assert poll(mailbox.pk).stored == 0
        assert "Could not make a secure connection" in fresh(mailbox).last_error
    signed_in = [line for line in account.server.read_logs().splitlines()
                 if f"Login: user=<{account.username}>" in line]
    assert len(signed_in) == 1  # only the test's own client has signed in

    monkeypatch.setenv("SSL_CERT_FILE", str(account.server.authority))
    assert poll(implicit.pk).stored == 1
    # The same mailbox twice: the second finds the message already kept.
    assert poll(upgraded.pk).already_kept == 1 and fresh(upgraded).last_uid == 1
    assert fresh(implicit).last_error == fresh(upgraded).last_error == ""
    signed_in = [line for line in account.server.read_logs().splitlines()
                 if f"Login: user=<{account.username}>" in line]
    assert len(signed_in) == 3 and all(", TLS," in line for line in signed_in[1:])
