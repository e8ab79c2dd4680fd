"""Sending e-mail: kept first, sent by a job, tried again after a passing failure, never twice.

``queue_message`` writes the OutgoingMessage (and the job that sends it) in the
caller's transaction, before anything talks to a mail server: a message that
cannot be sent now is still there, with the reason, to be sent later.

``deliver`` is the job's body. It claims the message (state "sending",
committed), speaks SMTP through the office's server (``SendingSettings``) or,
without one, the installation's (``CASEWELL_SMTP_URL``), then records what
happened:

* sent: state "sent", and the e-mail joins the case's timeline;
* a failure the server says is passing (a refused or dropped connection, a 4xx
  answer): state "retrying", with the reason and when it will be tried again,
  and the job enqueued for then (1, 5, 15, 60 and 240 minutes apart);
* a failure that trying again will not mend (a 5xx answer, a wrong password),
  or still failing after those tries: state "failed", with the reason, until
  someone presses "Try again" (``try_again``).

Sent mail that a server later returns (a bounce) is marked "bounced" by
``inbox.bounces`` and can be tried again the same way.

A message already sent is never sent again, however often its job runs. Its
Message-ID is ours, so a reply naming it in In-Reply-To threads onto the case.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from casewell.cases.models import Case
from casewell.files.models import StoredFile
from casewell.files.services import read_bytes
from casewell.inbox.models import (
    CampaignAnswer,
    InboxAddress,
    Message,
    OutgoingAttachment,
    OutgoingMessage,
    OutgoingState,
    SendingSettings,
    SmtpSecurity,
)
from casewell.offices.audit import record_event
from casewell.offices.models import Office, User
from casewell.offices.tenancy import across_all_offices, bind_office, current_actor
from casewell.timeline.models import INBOX_OUTGOING, Direction
from casewell.timeline.services import record_email

logger = logging.getLogger("casewell.inbox")

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
# A message left "sending" this long was being sent by a worker that died: it may be taken over.
SENDING_LEASE = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30
# References is kept to the newest few: a long thread must not make a header of kilobytes.
MAX_REFERENCES = 20
MAX_RECIPIENTS = 50


# --- Who the mail comes from, and the headers that thread it ---------------------------------


def settings_of(office: Office | int) -> SendingSettings | None:
    """The office's sending settings, if a manager has saved any. Binds the office."""
    with bind_office(office, actor=current_actor()):
        return SendingSettings.objects.first()


def sender_for(office: Office) -> tuple[str, str]:
    """(address, name) the office's mail comes from: the address its managers set, else its
    first inbox address (so answers come back to the inbox), else the installation's."""
    saved = settings_of(office)
    name = (saved.from_name if saved else "") or office.name
    if saved and saved.from_address:
        return saved.from_address.lower(), name
    with bind_office(office, actor=current_actor()):
        inbox = InboxAddress.objects.order_by("pk").values_list("address", flat=True).first()
    if inbox:
        return inbox, name
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower(), name


def signature_of(office: Office) -> str:
    saved = settings_of(office)
    return saved.signature if saved else ""


def new_message_id(from_address: str) -> str:
    """A Message-ID of ours, without angle brackets, lower-cased as inbound ones are kept."""
    domain = from_address.rpartition("@")[2] or "casewell.invalid"
    return f"casewell.{uuid.uuid4().hex}@{domain}".lower()


def thread_headers(replying_to: Message | None) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for an answer to ``replying_to``: its own References, then it."""
    if replying_to is None or not replying_to.message_id:
        return "", []
    references = [ref for ref in (replying_to.references or "").split() if ref]
    references.append(replying_to.message_id)
    return replying_to.message_id, list(dict.fromkeys(references))[-MAX_REFERENCES:]


def with_case_token(subject: str, case: Case | None) -> str:
    """The subject carrying the case's reference as threading reads it (``[NR-2026-00042]``)."""
    subject = " ".join((subject or "").split())
    if case is None:
        return subject
    token = f"[{case.reference}]"
    if token.lower() in subject.lower():
        return subject
    return f"{subject} {token}".strip()


def reply_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if subject.lower().startswith("re:"):
        return subject
    return f"Re: {subject}" if subject else "Re: your message"


def addresses(value: str | Iterable[str], field: str, *, required: bool) -> list[str]:
    """E-mail addresses typed into a field (commas or semicolons between them), checked."""
    from django.core.validators import validate_email

    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    found: list[str] = []
    for part in parts:
        address = parseaddr(str(part).strip())[1].strip() if str(part).strip() else ""
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {field: f"{str(part).strip()} is not an e-mail address, like name@example.org"}
            ) from None
        if address.lower() not in (known.lower() for known in found):
            found.append(address)
    if required and not found:
        raise ValidationError({field: "Enter who the e-mail is to, like name@example.org"})
    if len(found) > MAX_RECIPIENTS:
        raise ValidationError({field: f"Send to no more than {MAX_RECIPIENTS} addresses at once"})
    return found


# --- Keeping a message to send ---------------------------------------------------------------


def queue_message(
    office: Office,
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    case: Case | None = None,
    replying_to: Message | None = None,
    files: Iterable[StoredFile] = (),
    by: User | None = None,
    campaign_answer: CampaignAnswer | None = None,
    campaign_recipient: str = "",
) -> OutgoingMessage:
    """Keep an e-mail to send and enqueue the job that sends it, in one transaction.

    Requires: permission already checked by the caller (``compose``, ``campaign_answers``);
    addresses already checked (``addresses``); files of this office. Causes the
    OutgoingMessage and its attachments (audited) and the sending job. The subject
    gets the case token when there is a case.
    """
    from casewell.inbox.sending_tasks import send_outgoing_message

    from_address, from_name = sender_for(office)
    in_reply_to, references = thread_headers(replying_to)
    with bind_office(office, actor=by or current_actor()), transaction.atomic():
        outgoing = OutgoingMessage.objects.create(
            office=office,
            case=case,
            replying_to=replying_to,
            campaign=campaign_answer.campaign if campaign_answer else None,
            campaign_answer=campaign_answer,
            campaign_recipient=campaign_recipient.lower(),
            message_id=new_message_id(from_address),
            in_reply_to=in_reply_to,
            references=" ".join(references),
            from_address=from_address,
            from_name=from_name[:200],
            to=list(to),
            cc=list(cc),
            subject=with_case_token(subject, case)[:998],
            text_body=body,
            created_by=by,
        )
        for position, stored in enumerate(files):
            if stored.office_id != office.pk:
                raise PermissionError("A file of another office cannot be sent.")
            OutgoingAttachment.objects.create(
                office=office, outgoing=outgoing, stored_file=stored, position=position
            )
        send_outgoing_message.enqueue(outgoing.pk)
    return outgoing


# --- Sending it (the job) --------------------------------------------------------------------


def _connection(office_id: int) -> BaseEmailBackend:
    saved = settings_of(office_id)
    if saved is None or not saved.host:
        # The installation's own server (CASEWELL_SMTP_URL; files in the data folder without one).
        return get_connection(fail_silently=False, timeout=SMTP_TIMEOUT_SECONDS)
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        fail_silently=False,
        host=saved.host,
        port=saved.port,
        username=saved.username or None,
        password=saved.password or None,
        use_tls=saved.security == SmtpSecurity.STARTTLS,
        use_ssl=saved.security == SmtpSecurity.TLS,
        timeout=SMTP_TIMEOUT_SECONDS,
    )


def _server_name(office_id: int) -> str:
    saved = settings_of(office_id)
    if saved is not None and saved.host:
        return f"{saved.host}:{saved.port}"
    return "the installation's mail server"


def as_email(outgoing: OutgoingMessage, connection: BaseEmailBackend | None = None) -> EmailMessage:
    """The e-mail as it goes out: our Message-ID, the thread's headers, the files attached."""
    headers = {"Message-ID": f"<{outgoing.message_id}>"}
    if outgoing.in_reply_to:
        headers["In-Reply-To"] = f"<{outgoing.in_reply_to}>"
    if outgoing.references:
        headers["References"] = " ".join(f"<{ref}>" for ref in outgoing.references.split())
    email = EmailMessage(
        subject=outgoing.subject,
        body=outgoing.text_body,
        from_email=formataddr((outgoing.from_name, outgoing.from_address)),
        to=list(outgoing.to),
        cc=list(outgoing.cc),
        headers=headers,
        connection=connection,
    )
    attached = OutgoingAttachment.objects.filter(outgoing=outgoing).select_related("stored_file")
    for attachment in attached:
        stored = attachment.stored_file
        email.attach(stored.original_name, read_bytes(stored), stored.content_type)
    return email


def _decoded(text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return " ".join(str(text).split())


def why_it_failed(problem: BaseException, server: str) -> tuple[bool, str]:
    """(whether trying again could help, the reason in words staff can act on)."""
    if isinstance(problem, smtplib.SMTPRecipientsRefused):
        refusals = problem.recipients.items()
        said = "; ".join(f"{who}: {code} {_decoded(text)}" for who, (code, text) in refusals)
        passing = any(400 <= code < 500 for _, (code, _) in refusals)
        return passing, f"{server} refused the recipients ({said})"
    if isinstance(problem, smtplib.SMTPAuthenticationError):
        return False, (
            f"{server} did not accept the user name and password in the mail settings "
            f"({problem.smtp_code} {_decoded(problem.smtp_error)})"
        )
    if isinstance(problem, smtplib.SMTPResponseException):
        code = problem.smtp_code
        return code < 500, f"{server} answered {code} {_decoded(problem.smtp_error)}"
    if isinstance(problem, smtplib.SMTPNotSupportedError):
        return False, f"{server} does not offer STARTTLS: change the security in the mail settings"
    if isinstance(problem, ConnectionRefusedError):
        return True, f"{server} refused the connection (is it running?)"
    if isinstance(problem, TimeoutError):
        return True, f"{server} did not answer in time"
    if isinstance(problem, ssl.SSLError):
        return True, f"A secure connection to {server} could not be made ({problem})"
    if isinstance(problem, smtplib.SMTPServerDisconnected):
        return True, f"{server} closed the connection ({problem})"
    if isinstance(problem, FileNotFoundError):
        return False, "A file attached to the e-mail could not be read"
    if isinstance(problem, OSError | smtplib.SMTPException):
        return True, f"{server} could not be reached ({problem})"
    return True, f"Sending failed: {type(problem).__name__}: {problem}"


def _claim(outgoing_id: int, now: datetime) -> tuple[OutgoingMessage | None, str]:
    with transaction.atomic():
        outgoing = OutgoingMessage.objects.select_for_update().filter(pk=outgoing_id).first()
        if outgoing is None:
            return None, "gone"
        if outgoing.state == OutgoingState.SENT:
            return None, "already sent"
        if outgoing.state == OutgoingState.FAILED:
            return None, "failed"
        if outgoing.state == OutgoingState.SENDING and outgoing.sending_started_at and (
            outgoing.sending_started_at > now - SENDING_LEASE
        ):
            return None, "being sent"
        if (
            outgoing.state == OutgoingState.RETRYING
            and outgoing.next_attempt_at
            and outgoing.next_attempt_at > now
        ):
            return None, "not due"  # an earlier job run again; the retry's own job is queued
        outgoing.state = OutgoingState.SENDING
        outgoing.sending_started_at = now
        outgoing.attempts += 1
        outgoing.save(update_fields=["state", "sending_started_at", "attempts"])
        return outgoing, "claimed"


def deliver(outgoing_id: int) -> str:
    """Send one kept message, or record why not (and when it will be tried again).

    Idempotent: a message already sent, failed for good, being sent by another
    worker, or not yet due is left alone. Causes, on success, state "sent" and an
    outgoing e-mail entry on the case's timeline (with the files sent); on
    failure, the reason, and either the job enqueued again for later or state
    "failed". Returns what happened, in a word or two.
    """
    with across_all_offices():
        office_id = (
            OutgoingMessage.all_offices.filter(pk=outgoing_id)
            .values_list("office_id", flat=True)
            .first()
        )
    if office_id is None:
        return "gone"
    with bind_office(office_id):
        outgoing, outcome = _claim(outgoing_id, timezone.now())
        if outgoing is None:
            return outcome
        server = _server_name(office_id)
        try:
            connection = _connection(office_id)
            sent = connection.send_messages([as_email(outgoing, connection)])
            if not sent:
                raise smtplib.SMTPException("the mail server took nothing")
        except Exception as problem:  # noqa: BLE001 - every failure is recorded, nothing lost
            passing, reason = why_it_failed(problem, server)
            logger.warning("Outgoing message %s not sent: %s", outgoing.pk, reason)
            return _record_failure(outgoing, reason, passing=passing)
        _record_sent(outgoing)
        return "sent"


def _record_failure(outgoing: OutgoingMessage, reason: str, *, passing: bool) -> str:
    from casewell.inbox.sending_tasks import send_outgoing_message

    now = timezone.now()
    with transaction.atomic():
        outgoing.last_error = reason[:2000]
        outgoing.sending_started_at = None
        if passing and outgoing.attempts <= len(RETRY_DELAYS):
            outgoing.state = OutgoingState.RETRYING
            outgoing.next_attempt_at = now + RETRY_DELAYS[outgoing.attempts - 1]
            send_outgoing_message.using(run_after=outgoing.next_attempt_at).enqueue(outgoing.pk)
            outcome = "will retry"
        else:
            outgoing.state = OutgoingState.FAILED
            outgoing.next_attempt_at = None
            outcome = "failed"
        outgoing.save(
            update_fields=["state", "last_error", "next_attempt_at", "sending_started_at"]
        )
    return outcome


def _record_sent(outgoing: OutgoingMessage) -> None:
    with transaction.atomic():
        outgoing.state = OutgoingState.SENT
        outgoing.sent_at = timezone.now()
        outgoing.sending_started_at = None
        outgoing.next_attempt_at = None
        outgoing.save(update_fields=["state", "sent_at", "sending_started_at", "next_attempt_at"])
        if outgoing.case_id is not None:
            case = Case.objects.get(pk=outgoing.case_id)
            files = [
                attachment.stored_file
                for attachment in outgoing.attachments.select_related("stored_file")
            ]
            record_email(
                case,
                direction=Direction.OUTGOING,
                subject=outgoing.subject,
                text=outgoing.text_body,
                correspondent=", ".join(outgoing.to),
                occurred_at=outgoing.sent_at,
                by=outgoing.created_by,
                source=f"{INBOX_OUTGOING}{outgoing.pk}",
                attachments=files,
            )


def try_again(user: User, outgoing: OutgoingMessage) -> OutgoingMessage:
    """Send a message that failed, is waiting to be tried again, or came back undelivered, now.

    Requires the caller to have checked the user may act on it (``compose.get_outgoing_for``)
    and the message not sent. Causes: state "waiting", the tries counted afresh, the
    job enqueued, an audit entry.
    """
    from casewell.inbox.sending_tasks import send_outgoing_message

    with bind_office(user.office, actor=user), transaction.atomic():
        locked = OutgoingMessage.objects.select_for_update().get(pk=outgoing.pk)
        if locked.state not in (
            OutgoingState.FAILED, OutgoingState.RETRYING, OutgoingState.BOUNCED
        ):
            raise ValidationError(
                {"state": "Only an e-mail that was not sent or did not arrive can be tried again."}
            )
        why = locked.bounce_reason if locked.state == OutgoingState.BOUNCED else locked.last_error
        locked.state = OutgoingState.QUEUED
        locked.attempts = 0
        locked.next_attempt_at = None
        locked.save(update_fields=["state", "attempts", "next_attempt_at"])
        record_event(
            locked.office_id,
            "inbox.try_again",
            subject=locked,
            detail=(
                "Asked to send again an e-mail that was not sent or did not arrive "
                f"({why[:300]})"
            ),
        )
        send_outgoing_message.enqueue(locked.pk)
    return locked
