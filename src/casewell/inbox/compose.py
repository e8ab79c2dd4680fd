"""Writing an e-mail from a case: who may, what the form starts with, and sending it.

The compose page and the API call these. Someone who may not see the case gets
404; someone who may see it but not change it (an intern, on a case not
assigned to them) is refused. A reply is to a message on this case that the user
may read. The subject always carries the case's reference, so the answer comes
back to the case; the body starts with the office's signature; the files offered
are those already on the case (its timeline, and mail that came in on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from casewell.cases.models import Case
from casewell.cases.services import get_case_for, may_change, parties_of
from casewell.files.models import StoredFile
from casewell.inbox import reading, sending
from casewell.inbox.models import Message, MessageAttachment, OutgoingMessage, OutgoingState
from casewell.offices.models import User
from casewell.offices.permissions import get_for, may_see
from casewell.offices.tenancy import bind_office
from casewell.timeline.services import files_on_case

MAX_BODY = 100_000
QUOTED_LINES = 200
# The case page shows the newest mail only; the inbox has the rest.
MAIL_SHOWN = 20


@dataclass
class CaseFile:
    """A file on the case that can be sent: ``key`` names it in the form ("t12", "m7")."""

    key: str
    name: str
    kind: str
    size: int
    stored_file: StoredFile


@dataclass
class Draft:
    """What the compose form starts with."""

    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    body: str = ""


def case_to_write_from(user: User, case_id: Any, *, channel: str = "page") -> Case:
    """The case, if the user may send e-mail from it: 404 if they may not see it,
    PermissionDenied if they may see but not change it."""
    case = get_case_for(user, case_id, channel=channel)
    if not may_change(user, case):
        raise PermissionDenied(
            "Interns and volunteers may send e-mail only from cases assigned to them."
        )
    return case


def message_to_answer(user: User, case: Case, message_id: Any, *, channel: str = "page") -> Message:
    """A message on this case the user may read, to reply to (404 otherwise)."""
    shown = reading.readable_message(user, message_id, channel=channel)
    if shown.message.case_id != case.pk:
        raise Http404("No message found on this case.")
    return shown.message


def _quoted(message: Message) -> str:
    text = (message.text_body or "").strip()
    if not text:
        return ""
    lines = text.splitlines()[:QUOTED_LINES]
    when = message.sent_at or message.created_at
    who = message.from_name or message.from_address or "the sender"
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"On {when:%d %B %Y at %H:%M}, {who} wrote:\n{quoted}"


def draft_for(user: User, case: Case, replying_to: Message | None = None) -> Draft:
    """The form's first values: to the sender (or the case's first person with an e-mail
    address), "Re:" the subject with the case token, the signature, the message quoted."""
    signature = sending.signature_of(user.office)
    body_parts = ["", "", signature] if signature else [""]
    if replying_to is not None:
        to = [replying_to.from_address] if replying_to.from_address else []
        subject = sending.reply_subject(replying_to.subject)
        quoted = _quoted(replying_to)
        if quoted:
            body_parts += ["", quoted]
    else:
        with bind_office(user.office, actor=user):
            emails = [party.person.email for party in parties_of(case) if party.person.email]
        to = emails[:1]
        subject = case.summary
    return Draft(
        to=to,
        subject=sending.with_case_token(subject, case),
        body="\n".join(body_parts).rstrip() + "\n" if signature or replying_to else "",
    )


def draft_again(user: User, case: Case, outgoing_id: Any) -> Draft:
    """The form's first values to write again an e-mail from this case that did not arrive
    (or was not sent): its addresses, subject and words, to correct and send. 404 for an
    e-mail of another case, or one the user may not act on."""
    outgoing = get_outgoing_for(user, outgoing_id)
    if outgoing.case_id != case.pk:
        raise Http404("No e-mail found on this case.")
    return Draft(
        to=list(outgoing.to), cc=list(outgoing.cc), subject=outgoing.subject,
        body=outgoing.text_body,
    )


def files_to_send(user: User, case: Case) -> list[CaseFile]:
    """The files on the case the user may send: on its timeline, and attached to mail on it."""
    found = [
        CaseFile(
            key=f"t{attachment.pk}",
            name=attachment.stored_file.original_name,
            kind=attachment.stored_file.kind_name,
            size=attachment.stored_file.size,
            stored_file=attachment.stored_file,
        )
        for attachment in files_on_case(user, case)
    ]
    with bind_office(user.office, actor=user):
        attached = (
            MessageAttachment.objects.filter(
                message__case=case, stored_file__isnull=False, is_inline=False
            )
            .select_related("stored_file", "message")
            .order_by("-message__created_at", "position", "pk")
        )
        for attachment in attached:
            # Mail from a person routed to a designated handler is theirs alone to read.
            if not _may_read(user, attachment.message):
                continue
            assert attachment.stored_file is not None
            found.append(
                CaseFile(
                    key=f"m{attachment.pk}",
                    name=attachment.filename,
                    kind=attachment.stored_file.kind_name,
                    size=attachment.stored_file.size,
                    stored_file=attachment.stored_file,
                )
            )
    return found


def _may_read(user: User, message: Message) -> bool:
    from casewell.safety.handlers import current_handler, may_read_contact

    routing = current_handler(message.person_id) if message.person_id else None
    return may_read_contact(user, routing)


def _chosen_files(user: User, case: Case, keys: list[str]) -> list[StoredFile]:
    wanted = [str(key) for key in keys if str(key).strip()]
    if not wanted:
        return []
    offered = {case_file.key: case_file.stored_file for case_file in files_to_send(user, case)}
    unknown = [key for key in wanted if key not in offered]
    if unknown:
        raise ValidationError({"files": "Choose only files that are on this case"})
    return [offered[key] for key in dict.fromkeys(wanted)]


def send_from_case(
    user: User,
    case: Case,
    *,
    to: str | list[str],
    subject: str,
    body: str,
    cc: str | list[str] = "",
    files: list[str] | None = None,
    replying_to: Message | None = None,
) -> OutgoingMessage:
    """Send an e-mail from the case (a reply to ``replying_to``, if given).

    Requires someone who may change the case (404 if they may not see it). Refuses,
    naming each field, an empty or wrong address, an empty subject or body, or a
    file not on the case. Causes the kept message, its sending job (see
    ``sending``), and audit entries; the e-mail joins the timeline once sent.
    """
    case = case_to_write_from(user, case.pk)
    if replying_to is not None and replying_to.case_id != case.pk:
        raise Http404("No message found on this case.")
    errors: dict[str, list[str]] = {}
    checked: dict[str, Any] = {}
    checks = {
        "to": lambda: sending.addresses(to, "to", required=True),
        "cc": lambda: sending.addresses(cc, "cc", required=False),
        "subject": lambda: _required(subject, "subject", "Enter a subject", 900),
        "body": lambda: _required(body, "body", "Write the e-mail", MAX_BODY),
        "files": lambda: _chosen_files(user, case, list(files or [])),
    }
    for name, check in checks.items():
        try:
            checked[name] = check()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return sending.queue_message(
        user.office,
        to=checked["to"],
        cc=checked["cc"],
        subject=checked["subject"],
        body=checked["body"],
        case=case,
        replying_to=replying_to,
        files=checked["files"],
        by=user,
    )


def _required(value: str, name: str, missing: str, longest: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({name: missing})
    if len(text) > longest:
        raise ValidationError({name: f"Keep it to {longest:,} characters: it has {len(text):,}"})
    return text


# --- What the case page shows -------------------------------------------------------------


def get_outgoing_for(
    user: User, outgoingmessage_id: Any, *, channel: str = "page"
) -> OutgoingMessage:
    """An e-mail the office sent (or is sending) that the user may act on, or 404: one from a
    case they may see (changing it needs leave to change the case); one answering a
    campaign, for anyone but an intern."""
    from casewell.cases.services import is_intern_only

    with bind_office(user.office, actor=user):
        outgoing = get_for(user, OutgoingMessage, outgoingmessage_id, channel=channel)
        if outgoing.case_id is not None:
            case = Case.objects.filter(pk=outgoing.case_id).first()
            if case is None or not may_see(user, case):
                raise Http404("No e-mail found.")
            if not may_change(user, case):
                raise PermissionDenied(
                    "Interns and volunteers may send e-mail only from cases assigned to them."
                )
        elif is_intern_only(user):
            raise Http404("No e-mail found.")
    return outgoing


@dataclass
class Incoming:
    message: Message
    # Set when the sender's contact is routed to a handler and the user may not read it.
    handled_by: User | None = None


@dataclass
class CaseMail:
    """The case's mail for its page: inbound messages to answer, e-mail going out."""

    incoming: list[Incoming]
    outgoing: list[OutgoingMessage]
    may_send: bool

    @property
    def waiting(self) -> list[OutgoingMessage]:
        return [row for row in self.outgoing if row.state != OutgoingState.SENT]


def mail_on_case(user: User, case: Case) -> CaseMail:
    """The newest mail in and out of the case: three queries, however much there is."""
    from casewell.safety.handlers import handlers_for_people, may_read_contact

    with bind_office(user.office, actor=user):
        incoming = list(
            Message.objects.filter(case=case).order_by("-created_at", "-pk")[:MAIL_SHOWN]
        )
        outgoing = list(
            OutgoingMessage.objects.filter(case=case).order_by("-created_at", "-pk")[:MAIL_SHOWN]
        )
        person_ids = {message.person_id for message in incoming if message.person_id}
        routings = handlers_for_people(person_ids) if person_ids else {}
    rows = []
    for message in incoming:
        routing = routings.get(message.person_id) if message.person_id else None
        hidden = routing is not None and not may_read_contact(user, routing)
        rows.append(Incoming(message, routing.handler if hidden and routing else None))
    return CaseMail(incoming=rows, outgoing=outgoing, may_send=may_change(user, case))
