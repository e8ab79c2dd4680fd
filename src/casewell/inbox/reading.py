"""Reading one message: who may, what they see, and its HTML made safe to show.

Pages and the API call these. A message is the office's to read unless it sits on a case
the reader may not see (another office's, or restricted) — then it does not exist (404).
An intern reads only messages assigned to them or on a case they may see.
Mail from a person whose contact is routed to a designated handler is shown to everyone
but the handler and managers only as "Handled by <name>", without its content.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import PermissionDenied
from django.http import Http404

from casewell.files.services import read_bytes
from casewell.inbox.models import Message, MessageAttachment
from casewell.inbox.triage import is_intern_only
from casewell.offices.audit import log_sensitive_read
from casewell.offices.models import User
from casewell.offices.permissions import may_see
from casewell.offices.tenancy import bind_office
from casewell.safety.handlers import current_handler, may_read_contact
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import ExposureAction

# Inline (cid:) pictures are written into the frame's document as data: URIs, so the
# sandboxed frame needs no cookies or extra requests; kinds a browser shows as a picture only.
INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
INLINE_IMAGE_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Reading:
    """One message as a particular reader may see it."""

    message: Message
    # Set when the content is the designated handler's alone: show only "Handled by <name>".
    handled_by: User | None = None
    attachments: list[MessageAttachment] = field(default_factory=list)

    @property
    def may_read(self) -> bool:
        return self.handled_by is None


def _message_for(user: User, message_id: object) -> Message:
    try:
        pk = int(str(message_id))
    except ValueError:
        raise Http404("No message found.") from None
    message = (
        Message.objects.filter(pk=pk)
        .select_related("case", "person", "assignee")
        .first()
    )
    if message is None or not may_open(user, message):
        raise Http404("No message found.")
    return message


def may_open(user: User, message: Message) -> bool:
    """Whether the message is the user's to open at all (its sender's designated handler
    aside): the office's, not on a case they may not see, and for an intern assigned to
    them or on a case they may see. The reading page and the case timeline both ask."""
    if not may_see(user, message):
        return False
    if message.case is not None and not may_see(user, message.case):
        return False
    # As in the triage lists: an intern reads what is assigned to them, or is on a case
    # they may see, and nothing else of the office's mail.
    return not (message.case is None and is_intern_only(user) and message.assignee_id != user.pk)


def read_message(user: User, message_id: object, *, channel: str = "page") -> Reading:
    """The message for this reader, or 404. Opening one on a restricted case is logged as a
    sensitive read; other messages are not (every member of the office may read them)."""
    with bind_office(user.office, actor=user):
        message = _message_for(user, message_id)
        routing = current_handler(message.person_id) if message.person_id else None
        if not may_read_contact(user, routing):
            assert routing is not None
            return Reading(message, handled_by=routing.handler)
        if message.case is not None and message.case.is_restricted:
            log_sensitive_read(user, message, channel=channel)
        record_exposure(user, message, ExposureAction.READ)
        attachments = list(
            message.attachments.select_related("stored_file").order_by("position", "pk")
        )
        return Reading(message, attachments=attachments)


def readable_message(user: User, message_id: object, *, channel: str = "page") -> Reading:
    """``read_message`` for routes that hand out content (the HTML, attachments):
    PermissionDenied, naming the handler, for anyone the content is not for."""
    reading = read_message(user, message_id, channel=channel)
    if reading.handled_by is not None:
        raise PermissionDenied(
            f"Handled by {reading.handled_by.full_name}: contact from this person goes to them."
        )
    return reading


def attachment_of(reading: Reading, attachment_id: object) -> MessageAttachment:
    """One stored attachment of a message the user may read, or 404."""
    for attachment in reading.attachments:
        if str(attachment.pk) == str(attachment_id) and attachment.stored_file_id:
            return attachment
    raise Http404("No attachment found.")


def kind_of(attachment: MessageAttachment) -> str:
    """The kind of file in the users' words, from what was stored (or what the sender said)."""
    if attachment.stored_file is not None:
        return attachment.stored_file.kind_name
    return attachment.content_type or "Unknown kind"


def has_remote_images(html: str) -> bool:
    """Whether the sender's HTML asks for pictures from the internet."""
    found: list[str] = []

    def note(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and value.lower().startswith(("http:", "https:")):
            found.append(value)
        return value

    nh3.clean(html, attribute_filter=note)
    return bool(found)


def _inline_images(reading: Reading) -> dict[str, str]:
    """The message's inline pictures by Content-ID, as data: URIs."""
    images: dict[str, str] = {}
    with bind_office(reading.message.office_id):
        for attachment in reading.attachments:
            content_type = attachment.content_type.lower()
            if (
                attachment.content_id
                and attachment.stored_file is not None
                and content_type in INLINE_IMAGE_TYPES
                and attachment.size <= INLINE_IMAGE_MAX_BYTES
            ):
                data = base64.b64encode(read_bytes(attachment.stored_file)).decode("ascii")
                cid = attachment.content_id.strip("<>").lower()
                images[cid] = f"data:{content_type};base64,{data}"
    return images


def sanitised_html(reading: Reading, *, remote_images: bool = False) -> str:
    """The sender's HTML with scripts, event handlers, styles and forms removed (nh3);
    inline pictures put in place; pictures from the internet removed unless asked for."""
    inline = _inline_images(reading)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            lowered = value.lower()
            if lowered.startswith("cid:"):
                return inline.get(value[4:].strip("<>").lower())
            if lowered.startswith("https:") and remote_images:
                return value
            # Plain http:, data: the sender wrote, anything else: not fetched.
            return None
        return value

    return nh3.clean(
        reading.message.html_body,
        url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
        attribute_filter=keep,
    )


def frame_policy(reading: Reading, *, remote_images: bool = False) -> str:
    """The Content-Security-Policy of the frame's document: nothing runs, nothing loads but
    the message's own inline pictures (and pictures from the internet, when asked)."""
    sources = []
    if any(a.content_id for a in reading.attachments):
        sources.append("data:")
    if remote_images:
        sources.append("https:")
    img_src = " ".join(sources) or "'none'"
    return (
        f"default-src 'none'; img-src {img_src}; form-action 'none'; base-uri 'none'; "
        "frame-ancestors 'self'; sandbox"
    )
