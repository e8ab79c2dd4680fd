"""The SMTP and LMTP doors, spoken to over real sockets with smtplib."""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from django.db import connection, transaction

from casewell.inbox.models import RawMessage
from casewell.inbox.receiver import MailReceiver
from casewell.inbox.services import add_inbox_address, raw_bytes, receive_raw
from casewell.offices.models import Office
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.testing.cast import Cast, make_cast

pytestmark = pytest.mark.django_db(transaction=True)

NORTH = "casework@northridge.example"
SOUTH = "advice@southvale.example"
LIMIT = 64 * 1024


@pytest.fixture
def offices() -> Cast:
    # The receiver stores from its own threads (own connections): the test's rows
    # must be committed, hence transaction=True and the cast made here.
    cast = make_cast()
    add_inbox_address(cast.north, NORTH)
    add_inbox_address(cast.south, SOUTH.upper())  # addresses are matched without case
    return cast


@pytest.fixture
def start_receiver() -> Iterator[Callable[..., MailReceiver]]:
    started: list[MailReceiver] = []

    def start(**options: object) -> MailReceiver:
        receiver = MailReceiver(
            host="127.0.0.1", smtp_port=0, lmtp_port=0, max_bytes=LIMIT, **options
        )
        receiver.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


def letter(subject: str = "Housing repair", body: str = "The damp is back.") -> bytes:
    message = EmailMessage()
    message["From"] = "Resident <resident@example.net>"
    message["To"] = NORTH
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash(subject + body))}@example.net>"
    message.set_content(body)
    return message.as_bytes().replace(b"\n", b"\r\n")


def raws(office: Office) -> list[RawMessage]:
    with bind_office(office):
        return list(RawMessage.objects.select_related("stored_file").order_by("pk"))


def all_raws() -> int:
    with across_all_offices():
        return RawMessage.all_offices.count()


# Each test here commits its rows (the receiver stores from threads of its own), and
# emptying the database after one is slow on PostgreSQL: a test tells a whole story.
def test_smtp_takes_mail_only_for_inbox_addresses_and_within_the_size_limit(
    offices, start_receiver
):
    receiver = start_receiver()
    raw = letter()
    too_big = letter(body=("The damp is back. " * 4 + "\n") * (LIMIT // 70))
    assert len(too_big) > LIMIT
    with smtplib.SMTP("127.0.0.1", receiver.smtp_port, timeout=10) as client:
        code, _ = client.ehlo("mta.example.net")
        assert code == 250
        assert client.has_extn("size") and int(client.esmtp_features["size"]) == LIMIT

        # An inbox address (in any case): kept, and kept already when answered 250 —
        # another connection (this test's) sees it the moment the answer comes.
        refused = client.sendmail("resident@example.net", ["CaseWork@NorthRidge.example"], raw)
        assert refused == {}
        (kept,) = raws(offices.north)
        assert kept.door == "smtp" and kept.size == len(raw)
        assert "<resident@example.net>" in kept.source
        assert "CaseWork@NorthRidge.example" in kept.source
        with bind_office(offices.north):
            assert raw_bytes(kept) == raw

        # Any other address: refused for good (550), so the sender hears of it.
        client.mail("resident@example.net")
        code, text = client.rcpt("nobody@northridge.example")
        assert code == 550
        assert b"no Casewell inbox has this address" in text
        assert client.docmd("DATA")[0] == 503  # no recipient accepted, nothing to send
        client.rset()
        refused = client.sendmail(
            "resident@example.net", ["stranger@example.org", NORTH], letter("Two")
        )
        assert refused == {
            "stranger@example.org": (
                550, b"5.1.1 <stranger@example.org>: no Casewell inbox has this address"
            )
        }

        # Too big, announced: refused at MAIL FROM; not announced: after the data.
        code, _ = client.mail("resident@example.net", [f"SIZE={len(too_big)}"])
        assert code == 552
        client.rset()
        assert client.mail("resident@example.net")[0] == 250
        assert client.rcpt(NORTH)[0] == 250
        assert client.data(too_big)[0] == 552
        # The session goes on.
        assert client.sendmail("resident@example.net", [NORTH], letter("Three")) == {}

    assert len(raws(offices.north)) == 3
    assert raws(offices.south) == []
    assert all_raws() == 3


def failing_for(office: Office) -> Callable[..., RawMessage]:
    """A store that fails, for one office, after ``receive_raw`` did its work: the
    transaction round it is rolled back, as when the database goes away mid-commit."""

    def store(to: Office, raw: bytes, *, door: str, source: str) -> RawMessage:
        if to.pk != office.pk:
            return receive_raw(to, raw, door=door, source=source)
        with transaction.atomic():
            receive_raw(to, raw, door=door, source=source)
            raise OSError("No space left on device")

    return store


def test_to_two_offices_a_failure_to_store_answers_451_and_the_retry_keeps_one_copy_each(
    offices, start_receiver
):
    raw = letter("Please call me back")
    broken = start_receiver(store=failing_for(offices.north))
    with smtplib.SMTP("127.0.0.1", broken.smtp_port, timeout=10) as client:
        client.ehlo("mta.example.net")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("resident@example.net", [NORTH, SOUTH], raw)
    assert refused.value.smtp_code == 451
    assert raws(offices.north) == []  # nothing half-stored
    assert len(raws(offices.south)) == 1

    # The sending server tries again later, when storing works: each office has it once.
    # This store holds on after committing, to show the answer waits for it.
    committed, release = threading.Event(), threading.Event()

    def held(to: Office, raw: bytes, *, door: str, source: str) -> RawMessage:
        kept = receive_raw(to, raw, door=door, source=source)
        committed.set()
        release.wait(30)
        return kept

    mended = start_receiver(store=held)
    answers: list[dict] = []

    def send() -> None:
        with smtplib.SMTP("127.0.0.1", mended.smtp_port, timeout=30) as client:
            answers.append(client.sendmail("resident@example.net", [NORTH, SOUTH], raw))

    sender = threading.Thread(target=send)
    sender.start()
    try:
        assert committed.wait(30)
        assert len(raws(offices.north)) == 1  # committed, visible to others...
        assert answers == [] and sender.is_alive()  # ...and not yet answered
    finally:
        release.set()
        sender.join(30)
    assert answers == [{}]
    (north,) = raws(offices.north)
    (south,) = raws(offices.south)
    assert north.sha256 == south.sha256 and north.pk != south.pk


def test_lmtp_answers_each_recipient_and_stores_once_per_office(offices, start_receiver):
    receiver = start_receiver(store=failing_for(offices.south))
    raw = letter("Council tax")
    other_north = "mp@northridge.example"
    add_inbox_address(offices.north, other_north)
    with smtplib.LMTP("127.0.0.1", receiver.lmtp_port) as client:
        assert client.sendmail("resident@example.net", [other_north], letter("Benefits")) == {}
        code, _ = client.ehlo("mta.example.net")  # LHLO
        assert code == 250 and client.has_extn("size")
        assert client.mail("resident@example.net")[0] == 250
        assert client.rcpt(NORTH)[0] == 250
        assert client.rcpt("unknown@northridge.example")[0] == 550
        assert client.rcpt(SOUTH)[0] == 250
        assert client.rcpt(other_north)[0] == 250
        # One reply per accepted recipient, in order.
        replies = [client.data(raw), client.getreply(), client.getreply()]
    assert [code for code, _ in replies] == [250, 451, 250]
    assert NORTH.encode() in replies[0][1] and SOUTH.encode() in replies[1][1]
    benefits, north = raws(offices.north)  # two addresses of one office: one copy
    assert benefits.door == north.door == "lmtp" and other_north in north.source
    assert raws(offices.south) == []


@pytest.mark.django_db(transaction=False)
def test_a_second_receiver_on_a_taken_port_fails_to_start_and_the_first_goes_on(
    start_receiver,
):
    first = start_receiver()
    second = MailReceiver(
        host="127.0.0.1", smtp_port=first.smtp_port, lmtp_port=None, max_bytes=LIMIT
    )
    with pytest.raises(OSError):
        second.start()
    with smtplib.SMTP("127.0.0.1", first.smtp_port, timeout=10) as client:
        assert client.noop()[0] == 250


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL commits to disk anyway")
def test_on_sqlite_received_mail_is_committed_to_disk_before_the_sender_is_told(offices):
    statements: list[str] = []

    def watch(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    assert not connection.in_atomic_block
    with connection.execute_wrapper(watch):
        receive_raw(offices.north, letter(), door="smtp")
    kept = [n for n, sql in enumerate(statements) if "inbox_rawmessage" in sql]
    # Everything else commits at NORMAL, which a power cut may undo; this commit may not.
    full, normal = (statements.index(f"PRAGMA synchronous={level}") for level in ("FULL", "NORMAL"))
    assert kept and full < kept[0] and kept[-1] < normal
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL again
