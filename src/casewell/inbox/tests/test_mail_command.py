"""``casewell mail`` and ``casewell serve`` as real processes, receiving real mail."""

from __future__ import annotations

import json
import signal
import smtplib
import socket
from email.message import EmailMessage

from casewell.inbox.tests.dovecot import free_port
from casewell.testing.processes import Processes, wait_until

OFFICE = """
from casewell.inbox.services import add_inbox_address
from casewell.offices.services import create_office
office = create_office(
    name="North Ridge constituency office", kind="constituency", nation="england",
    reference_prefix="NR",
)
add_inbox_address(office, "casework@northridge.example")
"""

KEPT = """
import json
from casewell.inbox.models import RawMessage
from casewell.offices.tenancy import across_all_offices
with across_all_offices():
    print(json.dumps(sorted(RawMessage.all_offices.values_list("door", flat=True))))
"""


def letter(subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = "resident@example.net"
    message["To"] = "casework@northridge.example"
    message["Subject"] = subject
    message.set_content("Please help with the repairs.")
    return message.as_bytes()


def kept(processes: Processes) -> list[str]:
    return json.loads(processes.run("manage", "shell", "-c", KEPT).strip().splitlines()[-1])


def deliver(port: int, raw: bytes, *, lmtp: bool = False) -> dict:
    client_class = smtplib.LMTP if lmtp else smtplib.SMTP
    with client_class("127.0.0.1", port) as client:
        return client.sendmail("resident@example.net", ["casework@northridge.example"], raw)


def test_casewell_mail_receives_by_smtp_and_lmtp_and_stops_cleanly(processes: Processes):
    processes.run("manage", "shell", "-c", OFFICE)
    smtp, lmtp = free_port(), free_port()
    receiver = processes.start(
        "mail", "--host", "127.0.0.1", "--port", str(smtp), "--lmtp-port", str(lmtp),
        log="mail.log",
    )
    wait_until(
        lambda: "Ctrl-C stops it" in processes.log("mail.log") or receiver.poll() is not None,
        seconds=30,
        what="casewell mail to listen",
    )
    assert receiver.poll() is None, processes.log("mail.log")
    assert f"SMTP on 127.0.0.1:{smtp} and LMTP on 127.0.0.1:{lmtp}" in processes.log("mail.log")

    assert deliver(smtp, letter("By SMTP")) == {}
    assert deliver(lmtp, letter("By LMTP"), lmtp=True) == {}
    assert kept(processes) == ["lmtp", "smtp"]

    receiver.send_signal(signal.SIGTERM)
    assert receiver.wait(timeout=15) == 0, processes.log("mail.log")
    assert "Casewell mail stopped." in processes.log("mail.log")


def test_casewell_serve_receives_mail_in_a_thread_and_says_so(processes: Processes):
    processes.run("manage", "shell", "-c", OFFICE)
    web, smtp = free_port(), free_port()
    server = processes.start(
        "serve", "--port", str(web), log="serve.log",
        CASEWELL_MAIL_SMTP_PORT=str(smtp), CASEWELL_MAIL_LMTP_PORT="0",
    )
    wait_until(
        lambda: "Press Ctrl-C" in processes.log("serve.log") or server.poll() is not None,
        seconds=30,
        what="casewell serve to start",
    )
    assert server.poll() is None, processes.log("serve.log")
    assert f"Receiving mail: SMTP on 127.0.0.1:{smtp}." in processes.log("serve.log")

    assert deliver(smtp, letter("While serving")) == {}
    assert kept(processes) == ["smtp"]

    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=15) == 0, processes.log("serve.log")
    assert "Casewell has stopped." in processes.log("serve.log")


def test_casewell_serve_will_not_start_when_the_mail_port_is_taken(processes: Processes):
    with socket.socket() as holder:  # something else listens there
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        server = processes.start(
            "serve", "--port", str(free_port()), log="serve.log",
            CASEWELL_MAIL_SMTP_PORT=str(taken), CASEWELL_MAIL_LMTP_PORT="0",
        )
        assert server.wait(timeout=60) == 1, processes.log("serve.log")
    log = processes.log("serve.log")
    assert f"Casewell cannot receive mail on SMTP on 127.0.0.1:{taken}" in log
    assert "CASEWELL_MAIL_RECEIVER=off" in log
