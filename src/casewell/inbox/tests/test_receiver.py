"""The SMTP and LMTP doors, spoken to over real sockets with smtplib."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from django.db import transaction

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


def test_smtp_accepts_mail_for_an_inbox_address_and_has_kept_it_when_it_answers(
    offices, start_receiver
):
    receiver = start_receiver()
    raw = letter()
    with smtplib.SMTP("127.0.0.1", receiver.smtp_port, timeout=10) as client:
        code, _ = client.ehlo("mta.example.net")
        assert code == 250
        assert client.has_extn("size") and int(client.esmtp_features["size"]) == LIMIT
        refused = client.sendmail("resident@example.net", ["CaseWork@NorthRidge.example"], raw)
        assert refused == {}
        # Answered 250 means committed: another connection (this test's) sees it now.
        (kept,) = raws(offices.north)
    assert kept.door == "smtp"
    assert kept.size == len(raw)
    assert "<resident@example.net>" in kept.source and "CaseWork@NorthRidge.example" in kept.source
    with bind_office(offices.north):
        assert raw_bytes(kept) == raw
    assert raws(offices.south) == []


def test_smtp_refuses_an_address_that_is_no_inbox_with_a_permanent_550(offices, start_receiver):
    receiver = start_receiver()
    with smtplib.SMTP("127.0.0.1", receiver.smtp_port, timeout=10) as client:
        client.ehlo("mta.example.net")
        client.mail("resident@example.net")
        code, text = client.rcpt("nobody@northridge.example")
        assert code == 550
        assert b"no Casewell inbox has this address" in text
        # With no recipient accepted there is nothing to send.
        code, _ = client.docmd("DATA")
        assert code == 503
        # Of two recipients only the known one is refused nothing, and gets the mail.
        client.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("resident@example.net", ["stranger@example.org"], letter())
        refused = client.sendmail(
            "resident@example.net", ["stranger@example.org", NORTH], letter("Two")
        )
    assert refused == {"stranger@example.org": (550, b"5.1.1 <stranger@example.org>: no "
                                                 b"Casewell inbox has this address")}
    assert len(raws(offices.north)) == 1
    assert all_raws() == 1


def test_a_message_over_the_size_limit_is_refused_with_552_and_not_kept(offices, start_receiver):
    receiver = start_receiver()
    too_big = letter(body=("The damp is back. " * 4 + "\n") * (LIMIT // 70))
    assert len(too_big) > LIMIT
    with smtplib.SMTP("127.0.0.1", receiver.smtp_port, timeout=10) as client:
        client.ehlo("mta.example.net")
        # Announced size over the limit: refused at MAIL FROM.
        code, text = client.mail("resident@example.net", [f"SIZE={len(too_big)}"])
        assert code == 552
        client.rset()
        # Not announced: refused when the data turns out too long.
        assert client.mail("resident@example.net")[0] == 250
        assert client.rcpt(NORTH)[0] == 250
        code, text = client.data(too_big)
        assert code == 552
        # The session goes on: a message within the limit is taken.
        assert client.sendmail("resident@example.net", [NORTH], letter()) == {}
    assert len(raws(offices.north)) == 1


def test_smtp_to_two_offices_keeps_one_copy_for_each(offices, start_receiver):
    receiver = start_receiver()
    raw = letter("Shared concern")
    with smtplib.SMTP("127.0.0.1", receiver.smtp_port, timeout=10) as client:
        client.ehlo("mta.example.net")
        assert client.sendmail("resident@example.net", [NORTH, SOUTH], raw) == {}
    (north,) = raws(offices.north)
    (south,) = raws(offices.south)
    assert north.sha256 == south.sha256 and north.pk != south.pk


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


def test_a_failure_to_store_answers_451_so_the_sender_retries_and_nothing_is_half_kept(
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
    mended = start_receiver()
    with smtplib.SMTP("127.0.0.1", mended.smtp_port, timeout=10) as client:
        client.ehlo("mta.example.net")
        assert client.sendmail("resident@example.net", [NORTH, SOUTH], raw) == {}
    assert len(raws(offices.north)) == 1
    assert len(raws(offices.south)) == 1


def test_lmtp_answers_each_recipient_and_stores_once_per_office(offices, start_receiver):
    receiver = start_receiver(store=failing_for(offices.south))
    raw = letter("Council tax")
    other_north = "mp@northridge.example"
    add_inbox_address(offices.north, other_north)
    with smtplib.LMTP("127.0.0.1", receiver.lmtp_port) as client:
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
    (north,) = raws(offices.north)  # two addresses of one office: one copy
    assert north.door == "lmtp" and other_north in north.source
    assert raws(offices.south) == []


def test_lmtp_delivers_a_plain_message(offices, start_receiver):
    receiver = start_receiver()
    with smtplib.LMTP("127.0.0.1", receiver.lmtp_port) as client:
        assert client.sendmail("resident@example.net", [SOUTH], letter("Benefits")) == {}
    (south,) = raws(offices.south)
    assert south.door == "lmtp"


def test_a_second_receiver_on_a_taken_port_fails_to_start_and_the_first_goes_on(
    offices, start_receiver
):
    first = start_receiver()
    second = MailReceiver(
        host="127.0.0.1", smtp_port=first.smtp_port, lmtp_port=None, max_bytes=LIMIT
    )
    with pytest.raises(OSError):
        second.start()
    with smtplib.SMTP("127.0.0.1", first.smtp_port, timeout=10) as client:
        assert client.sendmail("resident@example.net", [NORTH], letter()) == {}
    assert len(raws(offices.north)) == 1
