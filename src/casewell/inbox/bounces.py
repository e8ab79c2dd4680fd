"""Mail we sent that came back: a bounce (or delivery report) linked to the e-mail it returns.

A bounce names the Message-ID of the mail it returns (``Message.returned_message_id``,
read by ``inbox.parsing``). When that is an e-mail this office sent
(``OutgoingMessage``), ``link_bounce`` links the two, puts the bounce on the
e-mail's case, and, for a bounce (not a delay or a receipt), records on the
e-mail that it did not arrive, to which address and why, audits that, and tells
whoever sent it (held until their working hours: it is not urgent).

Only the bound office's mail is looked at: a bounce naming another office's
Message-ID finds nothing and waits in triage like any other message.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.urls import reverse
from django.utils import timezone

from casewell.cases.models import Case
from casewell.inbox.models import (
    Message,
    MessageKind,
    MessageState,
    OutgoingMessage,
    OutgoingState,
)
from casewell.notify.services import deliver
from casewell.offices.audit import record_event
from casewell.offices.models import User

REPORT_KINDS = (MessageKind.BOUNCE, MessageKind.DELIVERY_REPORT)
LONGEST_REASON = 500

# The lines ``inbox.summaries.summarise_delivery_status`` writes for each recipient of a
# delivery report: "Delivery to x@y: failed (status 5.1.1): 550 5.1.1 user unknown."
_REPORTED = re.compile(
    r"^Delivery to (?P<who>\S+|a recipient): (?P<action>[^(:]+?)"
    r"(?: \(status (?P<status>[^)]*)\))?(?:: (?P<said>.*?))?\.?$",
    re.MULTILINE,
)
# Where a bounce written as plain text starts quoting the message it returns.
_QUOTE_STARTS = re.compile(
    r"^(?:-{2,}.*?(?:copy|original|below this line|returned|headers|undelivered).*"
    r"|(?:return-path|received|message-id|dkim-signature):.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_SERVER_SAID = re.compile(r"\bsaid:\s*(?P<said>[^\n]+)", re.IGNORECASE)
_REPLY_CODE = re.compile(r"(?<![\w.])(?P<said>[45]\d\d[ -][^\n]+)")
# "<dan@example.net>: host mx.example.net said ..." or "dan@example.net: user unknown"
_ADDRESS_THEN_WHY = re.compile(
    r"^\s*<?[^\s<>@]+@[^\s<>:]+>?(?: \([^)]*\))?:[ \t]*\n?[ \t]*"
    r"(?P<said>\S[^\n]*(?:\n[ \t]+\S[^\n]*)*)",
    re.MULTILINE,
)
# Failing all else, the first line of the notice that says what went wrong in words.
_WORDS_OF_FAILURE = re.compile(
    r"^\s*(?P<said>[^\n]*(?:unknown|not (?:found|listed|exist|recogni[sz]ed|known)|no such|"
    r"exceed|full|quota|refused|rejected|denied|disabled|inactive|invalid|blocked|spam|"
    r"too (?:large|big)|timed out|unavailable|does(?:n't| not) have)[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_STATUS = re.compile(r"(?<![\d.])(?P<class>[245])\.(?P<subject>\d{1,3})\.(?P<detail>\d{1,3})\b")

# RFC 3463 enhanced status codes, in words a caseworker can act on.
_MEANINGS = {
    ("1", "1"): "There is no mailbox at that address",
    ("1", "2"): "The address's domain does not exist or takes no mail",
    ("1", "3"): "The address is not written correctly",
    ("1", "6"): "The mailbox has moved",
    ("1", "10"): "The address takes no mail",
    ("2", "1"): "The mailbox is closed",
    ("2", "2"): "The mailbox is full",
    ("2", "3"): "The e-mail is too large for that mailbox",
    ("3", "4"): "The e-mail is too large for the receiving server",
}
_MEANINGS_BY_SUBJECT = {
    "1": "The address was not accepted",
    "2": "The mailbox would not take it",
    "4": "The receiving server could not be reached",
    "7": "The receiving server refused it (its security or spam rules)",
}


def link_bounce(message: Message) -> list[str]:
    """Link a bounce or delivery report to the e-mail this office sent that it returns.

    Requires the message saved, and its office bound (placing binds it). Sets, without
    saving, ``bounced_outgoing`` and, when the message is on no case yet, the e-mail's
    case (and state "on a case"); returns the names of the fields it set, for the caller's
    save. For a bounce of an e-mail sent (or already bounced) it also causes: the e-mail's
    state "bounced" with when, to which addresses and why (audited), an "inbox.bounced"
    audit entry, and a notification to whoever sent it, held until their working hours.
    Idempotent: a message already linked changes nothing.
    """
    if message.kind not in REPORT_KINDS or message.bounced_outgoing_id is not None:
        return []
    returned = (message.returned_message_id or "").strip().strip("<>").lower()
    if not returned:
        return []
    outgoing = OutgoingMessage.objects.filter(
        office_id=message.office_id, message_id=returned
    ).first()
    if outgoing is None:
        return []
    message.bounced_outgoing = outgoing
    changed = ["bounced_outgoing"]
    if message.case_id is None and outgoing.case_id is not None:
        message.case_id = outgoing.case_id
        changed.append("case")
        if message.state == MessageState.TRIAGE:
            message.state = MessageState.ON_CASE
            changed.append("state")
    if message.kind == MessageKind.BOUNCE and outgoing.state in (
        OutgoingState.SENT,
        OutgoingState.BOUNCED,
    ):
        _record_bounce(outgoing, message)
    return changed


def why_it_bounced(text: str, sent_to: list[str]) -> tuple[list[str], str]:
    """(which of ``sent_to`` the bounce names, or all of them; why, in words) from a bounce's
    text: its delivery report's lines when it has one, else what its server wrote."""
    reported = [
        match for match in _REPORTED.finditer(text) if not match["action"].startswith("deliver")
    ]
    failed = [match for match in reported if match["action"].startswith("failed")] or reported
    notice = _QUOTE_STARTS.split(text, maxsplit=1)[0]
    # Where the bounce names its recipients: its own notice, and the report's lines.
    naming = (notice + "\n" + "\n".join(match[0] for match in failed)).lower()
    named = [address for address in sent_to if _named_in(address, naming)]
    said = next((match["said"] for match in failed if match["said"]), "") or ""
    status = next((match["status"] for match in failed if match["status"]), "") or ""
    return named or list(sent_to), _in_words(said or _server_words(notice), status)


def _named_in(address: str, text: str) -> bool:
    address = parseaddr(address)[1].lower() or address.lower()
    # Whole addresses only: "an@example.net" is not named by "dan@example.net".
    pattern = rf"(?<![\w.+-]){re.escape(address)}(?![\w-]|\.\w)"
    return bool(address) and re.search(pattern, text) is not None


def _server_words(notice: str) -> str:
    for pattern in (_SERVER_SAID, _ADDRESS_THEN_WHY, _REPLY_CODE, _WORDS_OF_FAILURE):
        found = pattern.search(notice)
        if found:
            return found["said"]
    found = _STATUS.search(notice)
    return found[0] if found else ""


def _in_words(said: str, status: str) -> str:
    said = " ".join(said.split()).strip(" .:;")
    code = _STATUS.search(status) or _STATUS.search(said)
    meaning = ""
    if code is not None:
        meaning = _MEANINGS.get((code["subject"], code["detail"])) or _MEANINGS_BY_SUBJECT.get(
            code["subject"], ""
        )
        if code["class"] == "4":
            meaning = "Delivery was delayed" + (f" ({meaning.lower()})" if meaning else "")
        if said == code[0]:
            said = ""
        # X.0.0 means "other, undefined": it adds nothing to what the server said.
        if code[0] not in said and not (said and code[0].endswith(".0.0")):
            said = f"{said} (status {code[0]})" if said else f"status {code[0]}"
    if meaning and said:
        reason = f"{meaning}: the receiving server said “{said}”"
    elif said:
        reason = f"The receiving server said “{said}”"
    else:
        reason = meaning or "The receiving mail server sent it back without saying why"
    return reason[:LONGEST_REASON]


def _record_bounce(outgoing: OutgoingMessage, bounce: Message) -> None:
    sent_to = [*outgoing.to, *outgoing.cc]
    bounced_to, reason = why_it_bounced(bounce.text_body, sent_to)
    if outgoing.state == OutgoingState.BOUNCED:
        # A second bounce (another of its addresses): both are kept.
        bounced_to = list(dict.fromkeys([*outgoing.bounced_to, *bounced_to]))
        if reason not in outgoing.bounce_reason:
            reason = f"{outgoing.bounce_reason}; {reason}"[: LONGEST_REASON * 4]
        else:
            reason = outgoing.bounce_reason
    outgoing.state = OutgoingState.BOUNCED
    outgoing.bounced_at = bounce.created_at or timezone.now()
    outgoing.bounced_to = bounced_to
    outgoing.bounce_reason = reason
    outgoing.save(update_fields=["state", "bounced_at", "bounced_to", "bounce_reason"])
    record_event(
        outgoing.office_id,
        "inbox.bounced",
        subject=outgoing,
        detail=(
            f"An e-mail sent to {', '.join(bounced_to)} did not arrive: {reason[:300]} "
            f"(bounce: message {bounce.pk})"
        ),
    )
    _tell_sender(outgoing, bounced_to, reason)


def _tell_sender(outgoing: OutgoingMessage, bounced_to: list[str], reason: str) -> None:
    case = Case.objects.filter(pk=outgoing.case_id).first() if outgoing.case_id else None
    recipient = _who_to_tell(outgoing, case)
    if recipient is None:
        return
    # The case's reference and the address only: a subject can be distressing, and
    # notifications may travel by e-mail.
    where = f" on case {case.reference}" if case is not None else ""
    if case is not None:
        link = reverse("cases:detail", kwargs={"case_id": case.pk}) + "#case-mail"
    elif outgoing.campaign_id is not None:
        link = reverse("campaigns:campaign", kwargs={"campaign_id": outgoing.campaign_id})
    else:
        link = ""
    deliver(
        recipient,
        subject=f"An e-mail you sent{where} did not arrive",
        body=(f"Your e-mail to {', '.join(bounced_to)}{where} came back undelivered. {reason}."),
        link=link,
    )


def _who_to_tell(outgoing: OutgoingMessage, case: Case | None) -> User | None:
    candidates: list[User | None] = [outgoing.created_by]
    if case is not None:
        candidates.append(case.assignee)
    for person in candidates:
        if person is not None and person.is_active and person.office_id == outgoing.office_id:
            return person
    return None
