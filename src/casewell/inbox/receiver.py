"""The doors mail comes in by when another server delivers it: SMTP and LMTP (aiosmtpd).

A recipient is accepted only when it is one of the installation's inbox addresses
(``InboxAddress``); anything else is refused at RCPT with a permanent 550, so a
mistyped address bounces back to its sender instead of vanishing.

"Nothing lost" (ARCHITECTURE.md) is the rule at the end of DATA: the message is
answered 250 only after ``receive_raw`` has committed it. If storing fails for any
reason the answer is a temporary 451, the sending server keeps the message and
tries again, and ``receive_raw`` recognises a repeat by its bytes, so a retry
that partly succeeded before is not stored twice.

Over SMTP a message for addresses of two offices is stored once for each office and
answered once (250 only when every copy is committed). Over LMTP each recipient
gets its own answer, as LMTP requires, so one office's failure does not make the
other office receive the message twice.

The receiver runs its own asyncio loop in a thread; the database work runs in a
small pool of ordinary threads (Django's database layer is synchronous).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

logger = logging.getLogger("casewell.inbox.receiver")

# RFC 5321 limits a line to 1,000 octets, but real mail breaks it; refusing such a
# message would bounce it, so lines up to this length are taken (the whole
# message is still held to the size limit).
LONGEST_LINE = 1024 * 1024


def _store(office: Any, raw: bytes, *, door: str, source: str) -> Any:
    from casewell.inbox.services import receive_raw

    return receive_raw(office, raw, door=door, source=source)


def _office_for(address: str) -> Any:
    from casewell.inbox.services import office_for_address

    return office_for_address(address)


def _in_fresh_connection(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run database work in a pool thread, dropping connections that went stale."""
    close_old_connections()
    try:
        return work(*args, **kwargs)
    finally:
        close_old_connections()


@dataclass
class Recipient:
    address: str
    office: Any


def _recipients(envelope: Envelope) -> list[Recipient]:
    return getattr(envelope, "casewell_recipients", [])


@dataclass
class MailHandler:
    """aiosmtpd handler: routes RCPT TO by inbox address, stores DATA through ``store``.

    ``store(office, raw, door=..., source=...)`` defaults to ``receive_raw``; it must
    commit before it returns and raise if it could not.
    """

    door: str
    executor: ThreadPoolExecutor
    store: Callable[..., Any] = _store
    office_for: Callable[[str], Any] = _office_for

    async def _run(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.executor, lambda: _in_fresh_connection(work, *args, **kwargs)
        )

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            office = await self._run(self.office_for, address)
        except Exception:
            logger.exception("Could not look up the inbox address %s", address)
            return "451 4.3.0 Cannot check this address just now; try again later"
        if office is None:
            return f"550 5.1.1 <{address}>: no Casewell inbox has this address"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.append(rcpt_options)
        # Kept on the envelope, which aiosmtpd replaces after each message and on RSET.
        envelope.casewell_recipients = [*_recipients(envelope), Recipient(address, office)]
        return "250 2.1.5 OK"

    def _source(self, session: Session, envelope: Envelope, addresses: list[str]) -> str:
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        return (
            f"{self.door}: from <{envelope.mail_from or ''}> for "
            f"{', '.join(f'<{a}>' for a in addresses)} (client {peer})"
        )

    async def _store_for(
        self, session: Session, envelope: Envelope, office: Any, addresses: list[str]
    ) -> bool:
        raw = bytes(envelope.original_content or b"")
        try:
            await self._run(
                self.store,
                office,
                raw,
                door=self.door,
                source=self._source(session, envelope, addresses),
            )
        except Exception:
            logger.exception(
                "Could not store a message (%d bytes) for %s; answered 451 so the sender "
                "tries again",
                len(raw),
                ", ".join(addresses),
            )
            return False
        return True

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        recipients = _recipients(envelope)
        # Each office gets one copy, however many of its addresses were named.
        by_office: dict[int, tuple[Any, list[str]]] = {}
        for recipient in recipients:
            by_office.setdefault(recipient.office.pk, (recipient.office, []))[1].append(
                recipient.address
            )
        stored = {
            office_id: await self._store_for(session, envelope, office, addresses)
            for office_id, (office, addresses) in by_office.items()
        }
        if self.door == "lmtp":
            # One reply per accepted recipient, in RCPT order (RFC 2033).
            return "\r\n".join(
                f"250 2.0.0 <{r.address}> Stored"
                if stored[r.office.pk]
                else f"451 4.3.0 <{r.address}> Could not store the message; try again later"
                for r in recipients
            )
        if all(stored.values()):
            return "250 2.0.0 Stored"
        return "451 4.3.0 Could not store the message; try again later"


class _Server(SMTP):
    line_length_limit = LONGEST_LINE


class _LmtpServer(LMTP):
    line_length_limit = LONGEST_LINE


class MailReceiver:
    """SMTP and/or LMTP listeners on one asyncio loop in a background thread.

    ``start()`` returns once both listen (or raises OSError: port taken);
    ``stop()`` closes them and waits for the thread. A port of 0 picks a free one
    (see ``smtp_port``/``lmtp_port`` after start); None leaves that door shut.
    """

    def __init__(
        self,
        *,
        host: str,
        smtp_port: int | None,
        lmtp_port: int | None,
        max_bytes: int,
        server_name: str = "casewell",
        store: Callable[..., Any] = _store,
        office_for: Callable[[str], Any] = _office_for,
        threads: int = 4,
    ) -> None:
        self.host = host
        self.smtp_port = smtp_port
        self.lmtp_port = lmtp_port
        self.max_bytes = max_bytes
        self.server_name = server_name
        self.store = store
        self.office_for = office_for
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mail-store")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []

    def _factory(self, server_class: type[SMTP], door: str) -> Callable[[], SMTP]:
        handler = MailHandler(
            door=door, executor=self.executor, store=self.store, office_for=self.office_for
        )

        def make() -> SMTP:
            return server_class(
                handler,
                data_size_limit=self.max_bytes,
                enable_SMTPUTF8=True,
                decode_data=False,
                hostname=self.server_name,
                ident="Casewell",
                # Servers hand mail over here without signing in: offer no AUTH.
                auth_exclude_mechanism=["LOGIN", "PLAIN"],
            )

        return make

    async def _listen(self) -> None:
        assert self._loop is not None
        for server_class, door, port in (
            (_Server, "smtp", self.smtp_port),
            (_LmtpServer, "lmtp", self.lmtp_port),
        ):
            if port is None:
                continue
            server = await self._loop.create_server(
                self._factory(server_class, door), host=self.host, port=port
            )
            self._servers.append(server)
            bound = server.sockets[0].getsockname()[1]
            if door == "smtp":
                self.smtp_port = bound
            else:
                self.lmtp_port = bound

    def start(self) -> None:
        # aiosmtpd logs every connection at INFO; Casewell's own log says what matters.
        quiet = logging.getLogger("mail.log")
        if quiet.level == logging.NOTSET:
            quiet.setLevel(logging.WARNING)
        ready = threading.Event()
        problem: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._listen())
            except BaseException as error:  # reported to start()'s caller
                problem.append(error)
                for server in self._servers:
                    server.close()
                loop.close()
                ready.set()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                for server in self._servers:
                    server.close()
                loop.run_until_complete(
                    asyncio.gather(*(s.wait_closed() for s in self._servers))
                )
                loop.close()

        self._thread = threading.Thread(target=run, name="mail-receiver", daemon=True)
        self._thread.start()
        ready.wait()
        if problem:
            self._thread.join()
            self.executor.shutdown(wait=False)
            raise problem[0]

    def describe(self) -> str:
        doors = []
        if self.smtp_port is not None:
            doors.append(f"SMTP on {self.host}:{self.smtp_port}")
        if self.lmtp_port is not None:
            doors.append(f"LMTP on {self.host}:{self.lmtp_port}")
        return " and ".join(doors) or "no doors open"

    def stop(self) -> None:
        """Stop listening; a message being stored is finished first."""
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self.executor.shutdown(wait=True)

    def __enter__(self) -> MailReceiver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def receiver_from_settings(
    *, host: str | None = None, smtp_port: int | None = None, lmtp_port: int | None = None
) -> MailReceiver:
    """A receiver as configured (CASEWELL_MAIL_*), ports overridable; a port of 0 in the
    settings leaves that door shut."""
    from django.conf import settings

    def port(given: int | None, configured: int) -> int | None:
        chosen = configured if given is None else given
        return chosen or None

    return MailReceiver(
        host=host or settings.MAIL_RECEIVER_HOST,
        smtp_port=port(smtp_port, settings.MAIL_RECEIVER_SMTP_PORT),
        lmtp_port=port(lmtp_port, settings.MAIL_RECEIVER_LMTP_PORT),
        max_bytes=settings.MAIL_RECEIVER_MAX_BYTES,
        server_name=settings.MAIL_RECEIVER_NAME,
    )
