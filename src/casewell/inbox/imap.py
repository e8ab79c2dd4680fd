"""The IMAP door: Casewell polls a mailbox elsewhere (an office's existing account).

The mailbox is left exactly as it was: the folder is opened read-only (EXAMINE)
and messages are fetched with BODY.PEEK[], so nothing is marked read, moved or
deleted, and the people who also use that mailbox see no difference.

What is new is told by UID: each poll fetches the messages whose UID is above the
mailbox's ``last_uid``, one at a time, oldest first; after each one is kept
(``receive_raw``) ``last_uid`` moves on in the same transaction. A poll that
stops half-way (a crash, a lost connection) leaves ``last_uid`` at the last
message kept, so the next poll starts there and nothing is imported twice or
skipped. If the server's UIDVALIDITY changes (the folder was rebuilt and its UIDs
renumbered), ``last_uid`` means nothing any more: the folder is read again from
the start, and ``receive_raw`` recognises every message it already has by its
bytes, so only new ones are kept.

A failure (the server cannot be reached, the password was changed, the message
could not be stored) is written on the mailbox as ``last_error`` for the office
to see; the mail stays on the server and is fetched by the first poll that
succeeds.

One poll of a mailbox runs at a time (a first poll of a large mailbox can outlast
the interval): a poll that finds another still running leaves it to finish.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from casewell.inbox.models import Door, ImapMailbox, RawMessage
from casewell.jobs.services import cancel_scheduled, schedule
from casewell.offices.models import Office
from casewell.offices.tenancy import across_all_offices, bind_office, current_actor

logger = logging.getLogger("casewell.inbox.imap")

TIMEOUT_SECONDS = 60
# Messages fetched per round trip would be faster in bulk, but one at a time keeps
# memory bounded (a folder may hold large attachments) and lets last_uid move on
# after every message.
FETCH = b"BODY.PEEK[]"
FETCHED = b"BODY[]"


# PostgreSQL advisory locks are keyed (class, id); this class is IMAP polls.
POLL_LOCK_CLASS = 0x696D6170  # "imap"
_local_locks: dict[int, threading.Lock] = {}
_local_locks_guard = threading.Lock()


@contextmanager
def _only_poll(mailbox_id: int) -> Iterator[bool]:
    """Yield True if no other poll of this mailbox is running (then hold it off)."""
    if connection.vendor == "postgresql":
        # A session lock: freed when this connection ends, so a killed worker frees it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [POLL_LOCK_CLASS, mailbox_id])
            (got_it,) = cursor.fetchone()
        try:
            yield got_it
        finally:
            if got_it:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [POLL_LOCK_CLASS, mailbox_id]
                    )
        return
    # SQLite: one machine, one process runs the jobs (embedded).
    with _local_locks_guard:
        lock = _local_locks.setdefault(mailbox_id, threading.Lock())
    got_it = lock.acquire(blocking=False)
    try:
        yield got_it
    finally:
        if got_it:
            lock.release()


class PollFailed(Exception):
    """A poll could not finish; the message says why, in words for the office."""


class StoreFailed(Exception):
    def __init__(self, uid: int, reason: str) -> None:
        super().__init__(uid, reason)
        self.uid = uid
        self.reason = reason


@dataclass
class PollResult:
    stored: int = 0
    already_kept: int = 0
    rescanned: bool = False
    error: str = ""

    def __str__(self) -> str:
        if self.error:
            return f"failed: {self.error}"
        words = f"{self.stored} new, {self.already_kept} already kept"
        if self.rescanned:
            words += " (UIDVALIDITY changed: read again from the start)"
        return words


def schedule_key(mailbox: ImapMailbox | int) -> str:
    return f"inbox.imap-poll.{mailbox if isinstance(mailbox, int) else mailbox.pk}"


def schedule_polling(mailbox: ImapMailbox) -> None:
    """Poll the mailbox every ``poll_every_seconds`` from now (or stop, if inactive)."""
    if not mailbox.is_active:
        cancel_scheduled(schedule_key(mailbox))
        return
    schedule(
        poll_imap_mailbox,
        timezone.now(),
        args=[mailbox.pk],
        every=timedelta(seconds=max(mailbox.poll_every_seconds, 10)),
        office=mailbox.office,
        key=schedule_key(mailbox),
    )


def add_imap_mailbox(
    office: Office,
    *,
    label: str,
    host: str,
    username: str,
    password: str,
    port: int = 993,
    use_tls: bool = True,
    folder: str = "INBOX",
    poll_every_seconds: int = 60,
) -> ImapMailbox:
    """Start polling a mailbox for ``office``; its password is kept encrypted."""
    with bind_office(office, actor=current_actor()), transaction.atomic():
        mailbox = ImapMailbox(
            office=office,
            label=label,
            host=host,
            port=port,
            use_tls=use_tls,
            username=username,
            folder=folder,
            poll_every_seconds=poll_every_seconds,
        )
        mailbox.password = password
        mailbox.full_clean()
        mailbox.save()
        schedule_polling(mailbox)
    return mailbox


def remove_imap_mailbox(mailbox: ImapMailbox) -> None:
    """Stop polling and forget the mailbox (mail already received stays)."""
    with bind_office(mailbox.office_id, actor=current_actor()), transaction.atomic():
        cancel_scheduled(schedule_key(mailbox))
        ImapMailbox.objects.filter(pk=mailbox.pk).delete()


def _insecure(where: str, error: ssl.SSLError) -> PollFailed:
    reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) or error
    return PollFailed(
        f"Could not make a secure connection to {where}: {reason}. Nothing was sent; "
        "the server's certificate may have expired or be for another name."
    )


def _connect(mailbox: ImapMailbox) -> IMAPClient:
    """Signed in. Over TLS from the start (``use_tls``, port 993), or else upgraded with
    STARTTLS whenever the server offers it: the password goes in clear only to a
    server that offers no encryption at all (one on this machine or network)."""
    where = f"{mailbox.host}:{mailbox.port}"
    # Made anew for each poll: the system's certificate authorities as they are now.
    context = ssl.create_default_context()
    try:
        client = IMAPClient(
            mailbox.host,
            port=mailbox.port,
            ssl=mailbox.use_tls,
            ssl_context=context if mailbox.use_tls else None,
            timeout=TIMEOUT_SECONDS,
        )
    except ssl.SSLError as error:
        raise _insecure(where, error) from error
    except (OSError, IMAPClientError) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise PollFailed(f"Could not connect to {where}: {reason}.") from error
    if not mailbox.use_tls and b"STARTTLS" in client.capabilities():
        try:
            client.starttls(context)
        except ssl.SSLError as error:
            with contextlib.suppress(OSError):
                client.shutdown()
            # Never fall back to sending the password in clear after a failed upgrade.
            raise _insecure(where, error) from error
    try:
        client.login(mailbox.username, mailbox.password)
    except LoginError as error:
        client.shutdown()
        said = _server_said(error)
        raise PollFailed(
            f"{where} refused the user name or password for {mailbox.username}"
            + (f" (the server said: {said})" if said else "")
            + ". Check them in the mailbox's settings."
        ) from error
    return client


def _server_said(error: Exception) -> str:
    text = str(error)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text.strip()


def _keep(mailbox_id: int, office_id: int, uidvalidity: int, uid: int, raw: bytes, source: str
          ) -> bool:
    """Keep one fetched message and move last_uid on, in one transaction."""
    from casewell.inbox.services import receive_raw

    digest = hashlib.sha256(raw).hexdigest()
    with bind_office(office_id), transaction.atomic():
        office = Office.objects.get(pk=office_id)
        new = not RawMessage.objects.filter(sha256=digest).exists()
        receive_raw(office, raw, door=Door.IMAP, source=source)
        # Only forwards: two polls of one mailbox at once must not move it back.
        ImapMailbox.objects.filter(pk=mailbox_id, uidvalidity=uidvalidity, last_uid__lt=uid).update(
            last_uid=uid
        )
    return new


def _record(mailbox_id: int, office_id: int, **fields: object) -> None:
    with bind_office(office_id), transaction.atomic():
        ImapMailbox.objects.filter(pk=mailbox_id).update(last_polled_at=timezone.now(), **fields)


def poll(mailbox_id: int) -> PollResult:
    """Fetch what is new in one mailbox; see the module's description."""
    with across_all_offices():
        found = ImapMailbox.all_offices.filter(pk=mailbox_id)
        office_id = found.values_list("office_id", flat=True).first()
    if office_id is None:
        return PollResult(error="the mailbox has been removed")
    # Read without holding a transaction open: the network work below may take minutes.
    with bind_office(office_id):
        mailbox = ImapMailbox.objects.get(pk=mailbox_id)
    if not mailbox.is_active:
        return PollResult(error="the mailbox is switched off")
    with _only_poll(mailbox_id) as alone:
        if not alone:
            return PollResult(error="another poll of this mailbox is still running")
        result = _poll(mailbox, office_id)
    if result.error:
        logger.warning("Polling IMAP mailbox %s (%s) failed: %s", mailbox_id, mailbox.label,
                       result.error)
    _record(mailbox_id, office_id, last_error=result.error)
    return result


def _poll(mailbox: ImapMailbox, office_id: int) -> PollResult:
    result = PollResult()
    try:
        client = _connect(mailbox)
        try:
            _fetch_new(client, mailbox, office_id, result)
        finally:
            try:
                client.logout()
            except (OSError, IMAPClientError):
                client.shutdown()
    except PollFailed as failure:
        result.error = str(failure)
    except StoreFailed as failure:
        logger.exception("IMAP mailbox %s: a fetched message could not be kept", mailbox.pk)
        result.error = (
            f"A message (UID {failure.uid}) was fetched but could not be stored: "
            f"{failure.reason}. It stays on the server and is fetched again at the next poll."
        )
    except (OSError, IMAPClientError) as error:
        reason = getattr(error, "strerror", None) or _server_said(error) or type(error).__name__
        result.error = (
            f"The connection to {mailbox.host}:{mailbox.port} failed while fetching mail: "
            f"{reason}. What was fetched before is kept; the rest comes at the next poll."
        )
    return result


def _fetch_new(client: IMAPClient, mailbox: ImapMailbox, office_id: int, result: PollResult
               ) -> None:
    try:
        # Read-only (EXAMINE): the server will not set \Seen or change anything else.
        selected = client.select_folder(mailbox.folder, readonly=True)
    except IMAPClientError as error:
        raise PollFailed(
            f"The folder {mailbox.folder!r} could not be opened on {mailbox.host}: "
            f"{_server_said(error)}."
        ) from error
    uidvalidity = int(selected[b"UIDVALIDITY"])
    last_uid = mailbox.last_uid
    if mailbox.uidvalidity != uidvalidity:
        # First poll, or the folder's UIDs were renumbered: read from the start.
        result.rescanned = mailbox.uidvalidity is not None
        last_uid = 0
        _record(mailbox.pk, office_id, uidvalidity=uidvalidity, last_uid=0)
        if result.rescanned:
            logger.warning(
                "IMAP mailbox %s (%s): UIDVALIDITY changed from %s to %s; reading it again",
                mailbox.pk, mailbox.label, mailbox.uidvalidity, uidvalidity,
            )
    # "n:*" always includes the highest UID, even below n: keep only what is above.
    uids = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
    for uid in uids:
        fetched = client.fetch([uid], [FETCH]).get(uid)
        if fetched is None or FETCHED not in fetched:
            continue  # expunged since the search: nothing to keep
        raw = fetched[FETCHED]
        where = f"{mailbox.username}@{mailbox.host}/{mailbox.folder}"
        source = f"imap:{mailbox.label} ({where}) uid {uid}"
        try:
            new = _keep(mailbox.pk, office_id, uidvalidity, uid, raw, source)
        except Exception as error:  # any failure: recorded, the message fetched again later
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise StoreFailed(uid, reason) from error
        if new:
            result.stored += 1
        else:
            result.already_kept += 1


@task()
def poll_imap_mailbox(mailbox_id: int) -> str:
    """The scheduler's job for one mailbox (idempotent: a second run fetches nothing new)."""
    return str(poll(mailbox_id))


__all__ = [
    "PollResult",
    "add_imap_mailbox",
    "poll",
    "poll_imap_mailbox",
    "remove_imap_mailbox",
    "schedule_polling",
]
