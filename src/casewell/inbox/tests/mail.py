"""Messages for tests, built as bytes the way a sender's program would write them."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def simple(
    *,
    subject: str = "Housing repair",
    body: str = "The damp in my flat is getting worse.",
    sender: str = "Dan Rowe <dan@example.net>",
    to: str = "casework@north.example",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 30, 9, 15, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.net")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return bytes(message)


def received_by(server: str, raw: bytes) -> bytes:
    """The same message as another server hands it over: a Received header in front."""
    return (
        f"Received: from mx.example.net by {server}; Mon, 30 Nov 2026 09:15:02 +0000\r\n".encode()
        + raw
    )
